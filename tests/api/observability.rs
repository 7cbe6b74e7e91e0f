//! What an operator sees of a running instance: which build it is, its connection pool, its
//! sign writer's queue and the process itself in `/metrics`; outbox counts that stay cheap
//! however large the outbox grows; and request logs that name the client, the request (with
//! the id sent back in `X-Request-Id`) and the instance.

use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::outbox;

use crate::harness::Config;
use crate::helpers::{Backend, fresh_database_url, spawn_app};

crate::on_both_backends!(
    metrics_show_the_build_the_pool_the_sign_queue_and_the_process,
    outbox_counts_stop_at_their_bound
);

/// The value of the one series named exactly `series` (with its labels), as a number.
fn value(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in:\n{metrics}"))
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{series} is not a number in:\n{metrics}"))
}

async fn metrics_show_the_build_the_pool_the_sign_queue_and_the_process(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Ada", "ada@example.org")
        .await;
    let second = app
        .sign(
            "dear-president",
            &[("name", "Grace"), ("email", "grace@example.org")],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let metrics = app.metrics().await;
    assert_eq!(metrics.status, StatusCode::OK);
    let body = &metrics.body;

    // Which build answers: the version and the commit it was built from.
    let build = body
        .lines()
        .find(|line| line.starts_with("undersigned_build_info{"))
        .unwrap_or_else(|| panic!("no build_info in:\n{body}"));
    assert!(
        build.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION")))
            && build.contains(&format!("commit=\"{}\"", undersigned::config::COMMIT))
            && build.ends_with(" 1"),
        "{build}"
    );

    // The pool: the test settings' four connections at most, the ones open in use or idle,
    // and every connection the requests above took counted with the time it took.
    assert_eq!(value(body, "undersigned_db_pool_max_connections"), 4.0);
    let in_use = value(body, "undersigned_db_pool_connections{state=\"in_use\"}");
    let idle = value(body, "undersigned_db_pool_connections{state=\"idle\"}");
    assert!(idle >= 1.0 && in_use + idle <= 4.0, "{body}");
    assert!(value(body, "undersigned_db_pool_checkouts_total") >= 3.0);
    assert!(value(body, "undersigned_db_pool_checkout_seconds_total") > 0.0);
    assert_eq!(
        value(body, "undersigned_db_pool_checkout_timeouts_total"),
        0.0
    );

    // The sign writer answered both sign requests, one transaction each (they came one after
    // the other), and nothing is waiting for it now.
    assert_eq!(value(body, "undersigned_sign_requests_total"), 2.0);
    assert_eq!(value(body, "undersigned_sign_batches_total"), 2.0);
    assert_eq!(value(body, "undersigned_sign_last_batch_size"), 1.0);
    assert_eq!(value(body, "undersigned_sign_queue_depth"), 0.0);
    assert!(value(body, "undersigned_sign_queue_capacity") >= 1.0);

    // The process, under the names every exporter uses.
    assert!(value(body, "process_resident_memory_bytes") > 1_000_000.0);
    assert!(value(body, "process_cpu_seconds_total") > 0.0);
    let open = value(body, "process_open_fds");
    assert!(
        open >= 3.0 && open <= value(body, "process_max_fds"),
        "{body}"
    );
    assert!(value(body, "process_threads") >= 2.0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs_f64();
    let started = value(body, "process_start_time_seconds");
    assert!(
        started <= now + 1.0 && started > now - 24.0 * 3600.0,
        "started {started}, now {now}"
    );

    // Signatures from the tallies: confirmed states only (a pending one is not tallied).
    assert_eq!(
        value(body, "undersigned_signatures{state=\"verified\"}"),
        1.0
    );
    assert!(!body.contains("state=\"pending\""), "{body}");
    assert!(body.contains("undersigned_outbox_messages{status=\"waiting\"}"));
    assert!(body.contains("undersigned_outbox_messages{status=\"failed\"}"));
    assert!(
        !body.contains("status=\"sent\""),
        "sent mail is counted by undersigned_mail_sent_total, not by reading the outbox: {body}"
    );
}

/// A backlog of any size costs a scrape no more than the bound: the counts stop there
/// (`undersigned::metrics::OUTBOX_COUNT_LIMIT` in production), and below it they are exact.
async fn outbox_counts_stop_at_their_bound(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for person in ["ada", "grace", "edsger", "barbara", "alan"] {
        app.sign(
            "dear-president",
            &[
                ("name", person),
                ("email", &format!("{person}@example.org")),
            ],
        )
        .await;
    }
    assert_eq!(app.outbox_count(), 5);
    // Every confirmation marked sent first, so that no worker writes to these rows meanwhile.
    crate::harness::wait_until(
        "the confirmations are sent",
        Duration::from_secs(15),
        || {
            outbox::table
                .filter(outbox::state.ne("sent"))
                .count()
                .get_result::<i64>(&mut *app.connection() as &mut DbConnection)
                .expect("count the outbox")
                == 0
        },
    )
    .await;
    // Three given up, two waiting far in the future (so no worker takes them meanwhile).
    let ids: Vec<String> = outbox::table
        .select(outbox::id)
        .order(outbox::id.asc())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the outbox");
    let later = undersigned::db::now() + chrono::Duration::days(1);
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids[..3])))
        .set((
            outbox::state.eq("failed"),
            outbox::failed_at.eq(Some(undersigned::db::now())),
        ))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("fail three");
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids[3..])))
        .set((
            outbox::state.eq("waiting"),
            outbox::sent_at.eq(None::<chrono::NaiveDateTime>),
            outbox::next_attempt_at.eq(later),
        ))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("hold two");
    // The older of the two is due an hour after the newer.
    diesel::update(outbox::table.filter(outbox::id.eq(&ids[3])))
        .set(outbox::next_attempt_at.eq(later + chrono::Duration::hours(1)))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("put off the older one");
    let created = |id: &str| {
        outbox::table
            .find(id)
            .select(outbox::created_at)
            .first::<chrono::NaiveDateTime>(&mut *app.connection() as &mut DbConnection)
            .expect("a queued time")
    };
    let oldest = |limit| {
        undersigned::mail::backlog::oldest_waiting(&mut app.connection(), limit)
            .expect("the oldest")
            .expect("some wait")
    };
    // Reading the two due first finds the oldest; reading one, the oldest of those it read.
    assert_eq!(oldest(2), created(&ids[3]));
    assert_eq!(oldest(1), created(&ids[4]));

    let counted =
        |limit| undersigned::mail::backlog::counts(&mut app.connection(), limit).expect("count");
    assert_eq!((counted(2).waiting, counted(2).failed), (2, 2));
    assert_eq!((counted(1).waiting, counted(1).failed), (1, 1));
    assert_eq!((counted(100).waiting, counted(100).failed), (2, 3));

    // The older waiting email was queued an hour ago: the gauge says at least that.
    diesel::update(outbox::table.filter(outbox::id.eq(&ids[3])))
        .set(outbox::created_at.eq(undersigned::db::now() - chrono::Duration::hours(1)))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("queue the older one an hour ago");
    let metrics = app.metrics().await.body;
    assert_eq!(
        value(&metrics, "undersigned_outbox_messages{status=\"failed\"}"),
        3.0
    );
    assert_eq!(
        value(&metrics, "undersigned_outbox_messages{status=\"waiting\"}"),
        2.0
    );
    let oldest = value(&metrics, "undersigned_outbox_oldest_waiting_seconds");
    assert!(oldest >= 3600.0, "oldest waiting: {oldest} s");
}

/// The JSON request lines a binary wrote to `log`, once one for `route` has appeared.
async fn request_lines(log: &std::path::Path, route: &str, count: usize) -> Vec<serde_json::Value> {
    let read = || {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|line| line["fields"]["route"] == route)
            .collect::<Vec<_>>()
    };
    crate::harness::wait_until(
        "the request lines are written",
        Duration::from_secs(10),
        || read().len() >= count,
    )
    .await;
    read()
}

async fn get_with(
    client: &awc::Client,
    url: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    let response = request.send().await.expect("answered");
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status(), id)
}

fn is_generated_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// Behind nginx (a trusted proxy) a request line names the visitor's address, not nginx's,
/// and keeps nginx's request id so one id finds the request in both logs; a malformed id is
/// replaced. From anyone else, the forwarded address and id are not believed.
#[actix_web::test]
async fn request_logs_name_the_client_the_request_id_and_the_instance() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let client = awc::Client::default();
    let database_url = fresh_database_url(Backend::Sqlite, directory.path());
    let behind_proxy = directory.path().join("behind-proxy.log");
    let server = Config::new(&database_url)
        .set("log.level", "info")
        .set("log.format", "json")
        .set("log.instance", "web-a")
        .set("limits.trusted_proxies", r#"["127.0.0.1"]"#)
        .log_to(&behind_proxy)
        .start()
        .await;
    let url = format!("{}/letters/no-such-letter", server.address());
    let (status, id) = get_with(
        &client,
        &url,
        &[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-request-id", "4f1c2a9b7d4e6f8a0b1c2d3e4f5a6b7c"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        id, "4f1c2a9b7d4e6f8a0b1c2d3e4f5a6b7c",
        "the proxy's id comes back"
    );
    let (_, replaced) = get_with(
        &client,
        &url,
        &[
            ("x-forwarded-for", "198.51.100.8"),
            ("x-request-id", "not an id\" level=ERROR"),
        ],
    )
    .await;
    assert!(is_generated_id(&replaced), "{replaced}");
    let lines = request_lines(&behind_proxy, "/letters/{slug}", 2).await;
    let fields = |index: usize| &lines[index]["fields"];
    assert_eq!(fields(0)["client"], "198.51.100.7");
    assert_eq!(fields(0)["request_id"], id.as_str());
    assert_eq!(fields(0)["instance"], "web-a");
    assert_eq!(fields(0)["status"], 404);
    assert_eq!(fields(1)["client"], "198.51.100.8");
    assert_eq!(fields(1)["request_id"], replaced.as_str());
    let log = std::fs::read_to_string(&behind_proxy).expect("read the log");
    assert!(
        !log.contains("level=ERROR"),
        "no text of the client's in the log: {log}"
    );
    drop(server);

    let direct = directory.path().join("direct.log");
    let server = Config::new(&database_url)
        .set("log.level", "info")
        .set("log.format", "json")
        .log_to(&direct)
        .start()
        .await;
    let (_, id) = get_with(
        &client,
        &format!("{}/letters/no-such-letter", server.address()),
        &[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-request-id", "4f1c2a9b7d4e6f8a0b1c2d3e4f5a6b7c"),
        ],
    )
    .await;
    assert!(
        is_generated_id(&id),
        "a stranger cannot choose the id: {id}"
    );
    let lines = request_lines(&direct, "/letters/{slug}", 1).await;
    let fields = &lines[0]["fields"];
    assert_eq!(
        fields["client"], "127.0.0.1",
        "a stranger cannot name an address"
    );
    assert_eq!(fields["request_id"], id.as_str());
    // No name configured: the host and the process id, which tell apart two instances on
    // one host and an instance from its restart.
    let instance = fields["instance"].as_str().expect("an instance name");
    let (host, pid) = instance.rsplit_once(':').expect("host:pid");
    assert!(!host.is_empty() && pid.parse::<u32>().is_ok(), "{instance}");
    let log = std::fs::read_to_string(&direct).expect("read the log");
    assert!(
        log.contains(&format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION")))
            && log.contains("\"commit\":"),
        "the start-up line names the build: {log}"
    );
}
