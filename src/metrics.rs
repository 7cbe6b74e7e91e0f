//! Prometheus metrics kept in memory by each instance: requests by route and status, their
//! durations, and refusals by the abuse defenses. Database-backed gauges (signatures by
//! state, outbox depth and age) are read when `/metrics` is scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    seconds: f64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
    refusals: Mutex<BTreeMap<&'static str, u64>>,
    pub bot_submissions: AtomicU64,
}

impl Metrics {
    pub fn record_request(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut routes) = self.routes.lock() {
            let stats = routes.entry(route.to_owned()).or_default();
            *stats.by_status.entry(status).or_default() += 1;
            stats.seconds += seconds;
        }
    }

    /// A request refused by the named limit (`sign`, `verify`, `login`, `email`).
    pub fn record_refusal(&self, limit: &'static str) {
        if let Ok(mut refusals) = self.refusals.lock() {
            *refusals.entry(limit).or_default() += 1;
        }
    }

    pub fn record_bot(&self) {
        self.bot_submissions.fetch_add(1, Ordering::Relaxed);
    }

    /// The in-memory series in Prometheus text format.
    pub fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP undersigned_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE undersigned_http_requests_total counter");
        let mut durations = String::new();
        if let Ok(routes) = self.routes.lock() {
            for (route, stats) in routes.iter() {
                for (status, count) in &stats.by_status {
                    let _ = writeln!(
                        out,
                        "undersigned_http_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                        escape_label(route)
                    );
                }
                let _ = writeln!(
                    durations,
                    "undersigned_http_request_seconds_sum{{route=\"{}\"}} {:.6}",
                    escape_label(route),
                    stats.seconds
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP undersigned_http_request_seconds_sum Time spent answering, by route."
        );
        let _ = writeln!(out, "# TYPE undersigned_http_request_seconds_sum counter");
        out.push_str(&durations);
        let _ = writeln!(
            out,
            "# HELP undersigned_rate_limited_total Requests refused by a rate limit."
        );
        let _ = writeln!(out, "# TYPE undersigned_rate_limited_total counter");
        if let Ok(refusals) = self.refusals.lock() {
            for (limit, count) in refusals.iter() {
                let _ = writeln!(
                    out,
                    "undersigned_rate_limited_total{{limit=\"{limit}\"}} {count}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP undersigned_bot_submissions_total Sign forms ignored by the honeypot or timing check."
        );
        let _ = writeln!(out, "# TYPE undersigned_bot_submissions_total counter");
        let _ = writeln!(
            out,
            "undersigned_bot_submissions_total {}",
            self.bot_submissions.load(Ordering::Relaxed)
        );
    }
}

pub fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_in_prometheus_format() {
        let metrics = Metrics::default();
        metrics.record_request("/letters/{slug}", 200, 0.01);
        metrics.record_request("/letters/{slug}", 200, 0.02);
        metrics.record_request("/letters/{slug}/sign", 429, 0.001);
        metrics.record_refusal("sign");
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(out.contains(
            "undersigned_http_requests_total{route=\"/letters/{slug}\",status=\"200\"} 2"
        ));
        assert!(out.contains("undersigned_rate_limited_total{limit=\"sign\"} 1"));
        assert!(out.contains("# TYPE undersigned_http_requests_total counter"));
    }
}
