//! Prometheus metrics, kept by `prometheus-client` and exposed in the Prometheus text format
//! (0.0.4): requests by route pattern and status, latency histograms by route and status
//! class, refusals by limit, bot submissions, malformed client requests, mail sent and failed.
//! Database-backed gauges (signatures by state, outbox depth and oldest waiting age) are read
//! when `/metrics` is scraped. Every name is listed in DEPLOYMENT.md.

use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The `Content-Type` of what [`Metrics::render`] writes.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DurationLabels {
    route: String,
    status_class: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabel {
    limit: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

type Histograms = Family<DurationLabels, Histogram, fn() -> Histogram>;

/// From 1 ms to about 16 s, doubling: a page from memory answers in about a millisecond, a
/// sign on a busy database in tens, and anything past a few seconds is an incident.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Counters the mail worker and the HTTP parser feed. They belong to the process, not to one
/// app: the worker has no handle on the app state, and a request that is not HTTP never
/// reaches it.
struct ProcessCounters {
    mail_sent: Counter,
    mail_failed: Counter,
    unparsed_requests: Counter,
}

static PROCESS: LazyLock<ProcessCounters> = LazyLock::new(|| ProcessCounters {
    mail_sent: Counter::default(),
    mail_failed: Counter::default(),
    unparsed_requests: Counter::default(),
});

/// Emails the SMTP server accepted (for the mail worker to call as it marks them sent).
pub fn mail_sent(count: u64) {
    PROCESS.mail_sent.inc_by(count);
}

/// Emails given up on or put back for a retry after a delivery error.
pub fn mail_failed(count: u64) {
    PROCESS.mail_failed.inc_by(count);
}

/// A connection whose bytes did not parse as an HTTP request (scanners, TLS to a plain port).
pub fn unparsed_request() {
    PROCESS.unparsed_requests.inc();
}

/// One set of series per app, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Histograms,
    client_errors: Family<RouteLabel, Counter>,
    refusals: Family<LimitLabel, Counter>,
    bot_submissions: Counter,
    signatures: Family<StateLabel, Gauge>,
    outbox: Family<StatusLabel, Gauge>,
    outbox_oldest: Gauge<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("undersigned");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route pattern and status",
            requests.clone(),
        );
        let durations = Histograms::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time spent answering, by route pattern and status class (2xx, 3xx, 4xx, 5xx)",
            durations.clone(),
        );
        let client_errors = Family::<RouteLabel, Counter>::default();
        registry.register(
            "http_client_errors",
            "Requests answered 400, 411, 413, 414, 415 or 431 (bad JSON, form, query or path; too large; wrong content type), by route pattern",
            client_errors.clone(),
        );
        registry.register(
            "http_unparsed_requests",
            "Connections whose bytes did not parse as an HTTP request",
            PROCESS.unparsed_requests.clone(),
        );
        let refusals = Family::<LimitLabel, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused by a rate limit or block, by limit",
            refusals.clone(),
        );
        let bot_submissions = Counter::default();
        registry.register(
            "bot_submissions",
            "Sign forms ignored by the honeypot or timing check",
            bot_submissions.clone(),
        );
        registry.register(
            "mail_sent",
            "Emails accepted by the SMTP server",
            PROCESS.mail_sent.clone(),
        );
        registry.register(
            "mail_failed",
            "Email deliveries that failed (retried later or given up)",
            PROCESS.mail_failed.clone(),
        );
        let signatures = Family::<StateLabel, Gauge>::default();
        registry.register(
            "signatures",
            "Signatures by state, all letters",
            signatures.clone(),
        );
        let outbox = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Emails in the outbox by status",
            outbox.clone(),
        );
        let outbox_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_waiting_seconds",
            "Age of the oldest email not yet sent",
            outbox_oldest.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            client_errors,
            refusals,
            bot_submissions,
            signatures,
            outbox,
            outbox_oldest,
        }
    }

    pub fn record_request(&self, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&DurationLabels {
                route: route.to_owned(),
                status_class: status_class(status),
            })
            .observe(seconds);
    }

    /// A request the client got wrong in its form, not its content.
    pub fn record_client_error(&self, route: &str) {
        self.client_errors
            .get_or_create(&RouteLabel {
                route: route.to_owned(),
            })
            .inc();
    }

    /// A request refused by the named limit (`sign`, `verify`, `login`, `email`, `network`).
    pub fn record_refusal(&self, limit: &'static str) {
        self.refusals.get_or_create(&LimitLabel { limit }).inc();
    }

    pub fn record_bot(&self) {
        self.bot_submissions.inc();
    }

    /// Sets the gauges read from the database at scrape time.
    pub fn set_database_gauges(
        &self,
        by_state: impl IntoIterator<Item = (String, i64)>,
        outbox: [(&'static str, i64); 3],
        oldest_waiting_seconds: f64,
    ) {
        // A state with no signatures left must not keep showing its last count.
        self.signatures.clear();
        for (state, count) in by_state {
            self.signatures
                .get_or_create(&StateLabel { state })
                .set(count);
        }
        for (status, count) in outbox {
            self.outbox
                .get_or_create(&StatusLabel { status })
                .set(count);
        }
        self.outbox_oldest.set(oldest_waiting_seconds);
    }

    /// Every series in the Prometheus text format.
    pub fn render(&self, out: &mut String) {
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(out, &self.registry);
    }
}

/// Whether a response status means the client sent something that is not a request we can
/// read, as opposed to one we refused for its content.
pub fn is_malformed(status: u16) -> bool {
    matches!(status, 400 | 411 | 413 | 414 | 415 | 431)
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms_in_prometheus_format() {
        let metrics = Metrics::default();
        metrics.record_request("/letters/{slug}", 200, 0.01);
        metrics.record_request("/letters/{slug}", 200, 0.02);
        metrics.record_request("/letters/{slug}/sign", 429, 0.001);
        metrics.record_refusal("sign");
        metrics.record_client_error("/api/v1/letters/{slug}/signatures");
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(out.contains(
            "undersigned_http_requests_total{route=\"/letters/{slug}\",status=\"200\"} 2"
        ));
        assert!(out.contains("undersigned_rate_limited_total{limit=\"sign\"} 1"));
        assert!(out.contains("# TYPE undersigned_http_requests_total counter"));
        assert!(out.contains("undersigned_bot_submissions_total 0"));
        assert!(out.contains(
            "undersigned_http_client_errors_total{route=\"/api/v1/letters/{slug}/signatures\"} 1"
        ));
        assert!(out.contains(
            "undersigned_http_request_duration_seconds_count{route=\"/letters/{slug}\",status_class=\"2xx\"} 2"
        ));
        assert!(out.contains(
            "undersigned_http_request_duration_seconds_bucket{route=\"/letters/{slug}\",status_class=\"2xx\",le=\"0.016\"} 1"
        ), "{out}");
        assert!(out.contains("# TYPE undersigned_mail_sent_total counter"));
    }

    #[test]
    fn a_state_without_signatures_reads_zero_after_the_next_scrape() {
        let metrics = Metrics::default();
        metrics.set_database_gauges(
            [("pending".to_owned(), 2), ("verified".to_owned(), 1)],
            [("waiting", 1), ("failed", 0), ("sent", 0)],
            3.5,
        );
        metrics.set_database_gauges(
            [("verified".to_owned(), 3)],
            [("waiting", 0), ("failed", 0), ("sent", 1)],
            0.0,
        );
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(!out.contains("state=\"pending\""), "{out}");
        assert!(out.contains("undersigned_signatures{state=\"verified\"} 3"));
        assert!(out.contains("undersigned_outbox_messages{status=\"sent\"} 1"));
        assert!(out.contains("undersigned_outbox_oldest_waiting_seconds 0"));
    }
}
