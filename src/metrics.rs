//! Prometheus metrics, kept by `prometheus-client` and exposed in the Prometheus text format
//! (0.0.4): requests by route pattern and status, latency histograms by route and status
//! class, refusals by limit, bot submissions, malformed client requests, mail sent and failed,
//! the build, the connection pool, the sign writer's queue and the process itself.
//! Database-backed gauges (confirmed signatures from the trigger-kept tallies, a bounded count
//! of the outbox and its oldest waiting age) are read when `/metrics` is scraped, with queries
//! whose cost does not grow with the tables. Every name is listed in DEPLOYMENT.md.

mod process;

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    commit: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionState {
    state: &'static str,
}

/// Most outbox rows one scrape counts in a state: past this an operator needs to know only
/// that the backlog is large (and how old it is), and the count stays cheap however large.
pub const OUTBOX_COUNT_LIMIT: i64 = 10_000;

/// How many waiting messages, due first, one scrape reads to find the oldest: reading every
/// waiting one grows with the backlog (0.7 s at 140,000); a thousand take a few
/// milliseconds.
pub const OUTBOX_AGE_LIMIT: i64 = 1_000;

/// The connection pool at scrape time: what `r2d2` says of itself, and the totals since start
/// that `db` keeps as connections are checked out.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolReading {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
    pub checkouts: u64,
    pub checkout_seconds: f64,
    pub timeouts: u64,
}

/// The sign writer at scrape time: signatures waiting for it, and what it has written.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignWriterReading {
    pub queued: u64,
    pub capacity: u64,
    pub last_batch: u64,
    pub batches: u64,
    pub requests: u64,
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
    pool_connections: Family<ConnectionState, Gauge>,
    pool_max: Gauge,
    pool_checkouts: Counter,
    pool_checkout_seconds: Counter<f64, AtomicU64>,
    pool_timeouts: Counter,
    sign_queue: Gauge,
    sign_queue_capacity: Gauge,
    sign_last_batch: Gauge,
    sign_batches: Counter,
    sign_requests: Counter,
    /// Process series under their standard names (`process_*`, no prefix), as every
    /// Prometheus client library exports them.
    process: process::ProcessMetrics,
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
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: crate::config::VERSION,
                commit: crate::config::COMMIT,
            })
            .set(1);
        registry.register(
            "build_info",
            "The version and commit of the running binary (always 1)",
            build,
        );
        let pool_connections = Family::<ConnectionState, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections open in this instance's pool, in use or idle",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "The most connections the pool opens (database.pool_size)",
            pool_max.clone(),
        );
        let pool_checkouts = Counter::default();
        registry.register(
            "db_pool_checkouts",
            "Connections taken from the pool",
            pool_checkouts.clone(),
        );
        let pool_checkout_seconds = Counter::<f64, AtomicU64>::default();
        registry.register(
            "db_pool_checkout_seconds",
            "Time spent taking connections from the pool: waiting for one and checking it",
            pool_checkout_seconds.clone(),
        );
        let pool_timeouts = Counter::default();
        registry.register(
            "db_pool_checkout_timeouts",
            "Requests for a connection that gave up waiting",
            pool_timeouts.clone(),
        );
        let sign_queue = Gauge::default();
        registry.register(
            "sign_queue_depth",
            "Signatures waiting for the sign writer",
            sign_queue.clone(),
        );
        let sign_queue_capacity = Gauge::default();
        registry.register(
            "sign_queue_capacity",
            "The most signatures that can wait for the sign writer; a full queue makes signers wait",
            sign_queue_capacity.clone(),
        );
        let sign_last_batch = Gauge::default();
        registry.register(
            "sign_last_batch_size",
            "Signatures the sign writer stored in its last transaction",
            sign_last_batch.clone(),
        );
        let sign_batches = Counter::default();
        registry.register(
            "sign_batches",
            "Transactions of the sign writer",
            sign_batches.clone(),
        );
        let sign_requests = Counter::default();
        registry.register(
            "sign_requests",
            "Sign requests the sign writer answered (stored, resent or refused)",
            sign_requests.clone(),
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
            pool_connections,
            pool_max,
            pool_checkouts,
            pool_checkout_seconds,
            pool_timeouts,
            sign_queue,
            sign_queue_capacity,
            sign_last_batch,
            sign_batches,
            sign_requests,
            process: process::ProcessMetrics::new(),
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

    /// The counter `record_refusal(limit)` adds to, for work done after the request was
    /// answered (a resend's mailbox limit, applied by the sign writer).
    pub fn refusal_counter(&self, limit: &'static str) -> Counter {
        self.refusals.get_or_create(&LimitLabel { limit }).clone()
    }

    pub fn record_bot(&self) {
        self.bot_submissions.inc();
    }

    /// Sets the gauges read from the database at scrape time: confirmed signatures by state,
    /// outbox rows waiting and failed (each counted up to [`OUTBOX_COUNT_LIMIT`]) and the age
    /// of the oldest waiting one.
    pub fn set_database_gauges(
        &self,
        by_state: impl IntoIterator<Item = (String, i64)>,
        outbox: [(&'static str, i64); 2],
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

    /// Sets the pool's series from a reading taken at scrape time.
    pub fn set_pool(&self, pool: PoolReading) {
        for (state, count) in [("in_use", pool.in_use), ("idle", pool.idle)] {
            self.pool_connections
                .get_or_create(&ConnectionState { state })
                .set(i64::from(count));
        }
        self.pool_max.set(i64::from(pool.max));
        // Totals kept elsewhere since start: copied, not added, so a counter's value is the
        // total itself (prometheus-client offers its atomic for this).
        store(&self.pool_checkouts, pool.checkouts);
        self.pool_checkout_seconds
            .inner()
            .store(pool.checkout_seconds.to_bits(), Ordering::Relaxed);
        store(&self.pool_timeouts, pool.timeouts);
    }

    /// Sets the sign writer's series from a reading taken at scrape time.
    pub fn set_sign_writer(&self, writer: SignWriterReading) {
        self.sign_queue.set(clamp(writer.queued));
        self.sign_queue_capacity.set(clamp(writer.capacity));
        self.sign_last_batch.set(clamp(writer.last_batch));
        store(&self.sign_batches, writer.batches);
        store(&self.sign_requests, writer.requests);
    }

    /// Every series in the Prometheus text format.
    pub fn render(&self, out: &mut String) {
        self.process.update();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(out, &self.registry);
        let _ = prometheus_client::encoding::prometheus_text::encode(out, self.process.registry());
    }
}

fn store(counter: &Counter, total: u64) {
    counter.inner().store(total, Ordering::Relaxed);
}

fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
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
            [("approved".to_owned(), 2), ("verified".to_owned(), 1)],
            [("waiting", 1), ("failed", 0)],
            3.5,
        );
        metrics.set_database_gauges(
            [("verified".to_owned(), 3)],
            [("waiting", 0), ("failed", 1)],
            0.0,
        );
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(!out.contains("state=\"approved\""), "{out}");
        assert!(out.contains("undersigned_signatures{state=\"verified\"} 3"));
        assert!(out.contains("undersigned_outbox_messages{status=\"failed\"} 1"));
        assert!(out.contains("undersigned_outbox_oldest_waiting_seconds 0"));
    }
}
