//! A database that hiccups is survived. The real binary talks to PostgreSQL through a TCP
//! proxy the test controls (`tcp_proxy`): while the database is silent (accepts, never
//! answers) or refuses, pages, the API and signing answer 503 with `Retry-After` and a page
//! that says to try again, in the reader's language, within the checkout timeout instead of
//! hanging; `/readyz` fails at once and `/healthz` once the database has been out of reach
//! for `database.wedged_after_seconds`; when the database answers again the same process
//! takes signatures within seconds, without a restart. SQLite has no network to lose: its
//! counterpart is another process holding the write lock past the busy timeout.

use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::schema::signatures;

use crate::harness::{Config, Server};
use crate::helpers::{Backend, Response, TestApp, encode, fresh_database_url, read};
use crate::tcp_proxy::{Mode, TcpProxy};

/// Short timeouts, so that the test takes seconds.
const CHECKOUT_SECONDS: u64 = 2;
const WEDGED_SECONDS: u64 = 5;
/// What "answered quickly" allows: the checkout timeout and a busy machine's slack, well
/// under the 10 s a request used to hang before a 500.
const QUICK: Duration = Duration::from_secs(CHECKOUT_SECONDS + 3);

const SLUG: &str = "dear-president";

fn service(database_url: &str, directory: &std::path::Path) -> Config {
    Config::new(database_url)
        .unlimited()
        .mail_files(&directory.join("mail"))
        .set("database.pool_size", 4)
        .set("database.connect_timeout_seconds", 2)
        .set("database.statement_timeout_seconds", 1)
        .set("database.checkout_timeout_seconds", CHECKOUT_SECONDS)
        .set("database.wedged_after_seconds", WEDGED_SECONDS)
}

/// The running binary, driven with the usual helpers; `pool` reaches the database directly.
fn driving(server: &Server, database_url: &str, directory: tempfile::TempDir) -> TestApp {
    let mail_dir = directory.path().join("mail");
    TestApp::driving(server.address(), database_url, mail_dir, directory)
}

async fn get_in(app: &TestApp, path: &str, language: &str) -> Response {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("accept-language", language))
        .send()
        .await
        .expect("GET answered");
    read(response).await
}

/// Signs with the form time stamp `t` the page handed out before the outage.
async fn sign(app: &TestApp, t: &str, email: &str) -> Response {
    app.post_form_raw(
        &format!("/letters/{SLUG}/sign"),
        encode(&[("name", "Ada"), ("email", email), ("t", t)]),
    )
    .await
}

fn stored(app: &TestApp, email: &str) -> bool {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .count()
        .get_result::<i64>(&mut *app.connection())
        .expect("count signatures")
        > 0
}

/// Answered 503 quickly, asking to come back.
fn assert_unavailable(response: &Response, took: Duration, what: &str) {
    assert_eq!(
        response.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        response.body
    );
    assert!(took < QUICK, "{what} took {took:?}");
    let retry = response
        .headers
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    assert!(
        matches!(retry, Some(1..=60)),
        "{what}: Retry-After {retry:?}"
    );
}

async fn timed<F: std::future::Future<Output = Response>>(request: F) -> (Response, Duration) {
    let started = Instant::now();
    let response = request.await;
    (response, started.elapsed())
}

#[actix_web::test]
#[ignore = "needs PostgreSQL (UNDERSIGNED_TEST_POSTGRES_URL); `bash .ci/test` runs it"]
async fn postgres_silent_refusing_and_slow_are_survived_without_a_restart() {
    crate::helpers::postgres_url();
    let directory = tempfile::tempdir().expect("temporary directory");
    let direct_url = fresh_database_url(Backend::Postgres, directory.path());
    let mut proxied = url::Url::parse(&direct_url).expect("a database url");
    let upstream = (
        proxied.host_str().expect("a host").to_owned(),
        proxied.port().unwrap_or(5432),
    )
        .to_socket_addrs()
        .expect("resolve the database host")
        .next()
        .expect("a database address");
    let proxy = TcpProxy::start(upstream);
    proxied.set_port(Some(proxy.port())).expect("a port");
    let server = service(proxied.as_str(), directory.path()).start().await;
    let app = driving(&server, &direct_url, directory);
    app.create_letter(SLUG, "open", "");
    let t = app.form_time(SLUG).await;
    assert!(!t.is_empty(), "the sign form carries its time stamp");
    assert_eq!(
        sign(&app, &t, "before@example.org").await.status,
        StatusCode::SEE_OTHER
    );

    // Silent: every connection is accepted and nothing is answered.
    proxy.set(Mode::Silent);
    let silenced = Instant::now();
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::OK,
        "alive: a few seconds of silence restart nothing"
    );
    let (ready, took) = timed(app.get("/readyz")).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(took < QUICK, "readyz took {took:?}");
    // Past the letter's cached count (one second), the page needs the database.
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    let (page, took) = timed(get_in(&app, &format!("/letters/{SLUG}"), "he")).await;
    assert_unavailable(&page, took, "the letter page");
    assert!(
        page.body.contains("מסד הנתונים שלנו אינו עונה") && page.body.contains(r#"lang="he""#),
        "in the reader's language: {}",
        page.body
    );
    let (page, took) = timed(app.get("/letters/unknown-letter")).await;
    assert_unavailable(&page, took, "a page in English");
    assert!(
        page.body.contains("Please try again in a few seconds"),
        "{}",
        page.body
    );
    let (signed, took) = timed(sign(&app, &t, "during@example.org")).await;
    assert_unavailable(&signed, took, "signing");
    let (api, took) = timed(get_in(&app, &format!("/api/v1/letters/{SLUG}"), "ar")).await;
    assert_unavailable(&api, took, "the API");
    let body: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert_eq!(body["error"], "unavailable", "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|message| message.contains("قاعدة بياناتنا لا تستجيب")),
        "{body}"
    );

    // Still silent past the wedged time: the supervisor is told to restart the instance.
    while app.get("/healthz").await.status == StatusCode::OK {
        assert!(
            silenced.elapsed() < Duration::from_secs(WEDGED_SECONDS + 15),
            "healthz still 200 {:?} after the database went silent",
            silenced.elapsed()
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    let wedged = app.get("/healthz").await;
    assert_eq!(wedged.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(wedged.body.starts_with("wedged"), "{}", wedged.body);
    assert!(
        silenced.elapsed() >= Duration::from_secs(WEDGED_SECONDS),
        "not before the wedged time: {:?}",
        silenced.elapsed()
    );

    // The database answers again: the same process signs within seconds.
    proxy.set(Mode::Pass);
    let recovery = recovered(&app, &t, "after@example.org").await;
    eprintln!(
        "recovered from a silent database in {:.2} s",
        recovery.as_secs_f64()
    );
    assert!(stored(&app, "after@example.org"));
    assert!(
        !stored(&app, "during@example.org"),
        "a signature answered 503 is not written behind the signer's back"
    );
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);

    // Silent again, and this time the server wakes up and answers what it held.
    proxy.set(Mode::Silent);
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    let (signed, took) = timed(sign(&app, &t, "held@example.org")).await;
    assert_unavailable(&signed, took, "signing, silent again");
    proxy.resume();
    let recovery = recovered(&app, &t, "woken@example.org").await;
    eprintln!(
        "recovered from a database that woke up in {:.2} s",
        recovery.as_secs_f64()
    );
    assert!(
        !stored(&app, "held@example.org"),
        "the request answered 503 is not carried out when the database wakes up"
    );

    // Refusing: the port is closed.
    proxy.set(Mode::Closed);
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    let (ready, took) = timed(app.get("/readyz")).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(took < QUICK, "readyz took {took:?}");
    let (page, took) = timed(app.get(&format!("/letters/{SLUG}"))).await;
    assert_unavailable(&page, took, "the letter page, connection refused");
    let (signed, took) = timed(sign(&app, &t, "refused@example.org")).await;
    assert_unavailable(&signed, took, "signing, connection refused");
    proxy.set(Mode::Pass);
    let recovery = recovered(&app, &t, "reopened@example.org").await;
    eprintln!(
        "recovered from a refusing database in {:.2} s",
        recovery.as_secs_f64()
    );

    // Slow: every piece arrives late, and everything still works.
    proxy.set(Mode::Slow(Duration::from_millis(30)));
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(
        sign(&app, &t, "slow@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(stored(&app, "slow@example.org"));
    proxy.set(Mode::Pass);
}

/// Signs every 100 ms until a signature is accepted; how long that took.
async fn recovered(app: &TestApp, t: &str, email: &str) -> Duration {
    let restored = Instant::now();
    loop {
        let answer = sign(app, t, email).await;
        if answer.status == StatusCode::SEE_OTHER {
            return restored.elapsed();
        }
        assert_eq!(
            answer.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            answer.body
        );
        assert!(
            restored.elapsed() < Duration::from_secs(30),
            "no recovery within 30 s of the database answering again"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// SQLite: another process (a backup, a command) holds the write lock past the busy timeout.
/// Signing answers 503 to come back; reading goes on; the lock released, signing works.
#[actix_web::test]
async fn sqlite_a_locked_database_is_answered_503_and_signing_resumes() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let url = fresh_database_url(Backend::Sqlite, directory.path());
    let server = service(&url, directory.path()).start().await;
    let app = driving(&server, &url, directory);
    app.create_letter(SLUG, "open", "");
    let t = app.form_time(SLUG).await;

    let path = url.trim_start_matches("sqlite://");
    let mut holder = diesel::SqliteConnection::establish(path).expect("open the file");
    diesel::connection::SimpleConnection::batch_execute(&mut holder, "BEGIN IMMEDIATE")
        .expect("take the write lock");
    let (signed, took) = timed(sign(&app, &t, "locked@example.org")).await;
    assert_unavailable(&signed, took, "signing while locked");
    assert!(
        signed.body.contains("Please try again in a few seconds"),
        "{}",
        signed.body
    );
    assert_eq!(
        app.get(&format!("/letters/{SLUG}")).await.status,
        StatusCode::OK
    );
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);

    diesel::connection::SimpleConnection::batch_execute(&mut holder, "COMMIT")
        .expect("release the lock");
    assert_eq!(
        sign(&app, &t, "unlocked@example.org").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(stored(&app, "unlocked@example.org"));
    assert!(!stored(&app, "locked@example.org"));
}
