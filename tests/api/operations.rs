//! Running it: JSON logs with a line per request, and a graceful stop on SIGTERM.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use awc::http::StatusCode;

/// Starts the real binary with `log.format = "json"`, makes requests, stops it with SIGTERM
/// and reads what it logged.
#[actix_web::test]
async fn json_logs_name_each_request_and_sigterm_stops_cleanly() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = format!("sqlite://{}", directory.path().join("ops.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .env(
            "UNDERSIGNED_SIGNING__ADDRESS_KEY",
            crate::helpers::TEST_ADDRESS_KEY,
        )
        .arg("serve")
        .env("DATABASE_URL", &database_url)
        .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("UNDERSIGNED_MAIL__FILE_DIR", directory.path().join("mail"))
        .env("UNDERSIGNED_LOG__FORMAT", "json")
        .env("UNDERSIGNED_LOG__LEVEL", "info")
        // The drain before the stop is rolling_restart.rs's; this stop is the plain one.
        .env("UNDERSIGNED_SERVER__DRAIN_SECONDS", "0")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start undersigned serve");
    let client = awc::Client::default();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status() == StatusCode::OK
        {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let missing = client
        .get(format!("{base}/letters/no-such-letter"))
        .send()
        .await
        .expect("answered");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(terminated.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the server") {
            break status;
        }
        assert!(Instant::now() < deadline, "SIGTERM did not stop the server");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a graceful stop exits cleanly: {status}");

    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("read the log");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"))
        })
        .collect();
    let request = lines
        .iter()
        .find(|line| line["fields"]["route"] == "/letters/{slug}")
        .unwrap_or_else(|| panic!("no request line for the letter route in {log}"));
    assert_eq!(request["fields"]["status"], 404);
    assert_eq!(request["fields"]["method"], "GET");
    assert!(request["fields"]["duration_ms"].is_u64());
    assert!(
        !log.contains("no-such-letter"),
        "raw paths (which may carry tokens) are not logged"
    );
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "stopped"),
        "the mail worker finished and the server said so: {log}"
    );
}

/// The binary, started with its log piped (as under systemd or a container runtime), and
/// everything it has logged so far.
struct Running {
    child: std::process::Child,
    base: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
    /// The thread copying stderr into `log`; it ends when the process has closed stderr.
    reader: Option<std::thread::JoinHandle<()>>,
    _directory: Option<tempfile::TempDir>,
}

impl Running {
    fn start(
        database_url: &str,
        directory: Option<tempfile::TempDir>,
        env: &[(&str, &str)],
    ) -> Running {
        let mail_dir = directory
            .as_ref()
            .map(|directory| directory.path().join("mail"))
            .unwrap_or_else(|| std::env::temp_dir().join("undersigned-ops-mail"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_undersigned"));
        command
            .env(
                "UNDERSIGNED_SIGNING__ADDRESS_KEY",
                crate::helpers::TEST_ADDRESS_KEY,
            )
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
            .env("UNDERSIGNED_MAIL__FILE_DIR", &mail_dir)
            .env(
                "UNDERSIGNED_SERVER__METRICS_TOKEN",
                crate::helpers::METRICS_TOKEN,
            )
            .env("UNDERSIGNED_LOG__LEVEL", "info")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start undersigned serve");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("stderr");
        let sink = std::sync::Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            let mut buffer = [0_u8; 4096];
            while let Ok(read) = stderr.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                sink.lock()
                    .expect("log buffer")
                    .push_str(&String::from_utf8_lossy(&buffer[..read]));
            }
        });
        Running {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            reader: Some(reader),
            _directory: directory,
        }
    }

    fn log(&self) -> String {
        self.log.lock().expect("log buffer").clone()
    }

    async fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&self.log()) {
            assert!(
                Instant::now() < deadline,
                "{what}; log so far:\n{}",
                self.log()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_ready(&self, client: &awc::Client) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await
                && response.status() == StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "never ready:\n{}", self.log());
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then everything it logged.
    async fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while self
            .child
            .try_wait()
            .expect("wait for the server")
            .is_none()
        {
            assert!(Instant::now() < deadline, "SIGTERM did not stop the server");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        // The process has exited: read its stderr to the end, so that the log is whole and
        // never ends in half a line cut by a chunked read.
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the log reader finished");
        }
        let log = self.log();
        assert!(log.contains("stopped"), "the log ends with the stop: {log}");
        log
    }
}

fn sqlite_in(directory: &tempfile::TempDir) -> String {
    format!("sqlite://{}", directory.path().join("ops.db").display())
}

/// Sends bytes that are not HTTP, as a scanner or a TLS client on the plain port does.
fn send_garbage(base: &str) {
    use std::io::Write;
    let address = base.trim_start_matches("http://");
    if let Ok(mut stream) = std::net::TcpStream::connect(address) {
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n");
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut answer = [0_u8; 64];
        let _ = stream.read(&mut answer);
    }
}

/// A log file or collector gets plain text: no colour codes when stderr is not a terminal.
#[actix_web::test]
async fn text_logs_written_to_a_pipe_carry_no_colour_codes() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let running = Running::start(
        &sqlite_in(&directory),
        Some(directory),
        &[("UNDERSIGNED_LOG__FORMAT", "text")],
    );
    let client = awc::Client::default();
    running.wait_ready(&client).await;
    let _ = client
        .get(format!("{}/letters/no-such-letter", running.base))
        .send()
        .await;
    send_garbage(&running.base);
    let log = running.stop().await;
    assert!(log.contains("undersigned is listening"), "{log}");
    assert!(
        log.contains("WARN"),
        "the garbage was logged as a warning: {log}"
    );
    assert!(
        !log.contains("\u{1b}["),
        "no ANSI escape codes in a piped log: {log:?}"
    );
}

/// A client's malformed requests are its own mistake: counted, logged below ERROR, so that
/// a scanner cannot fill the error log.
#[actix_web::test]
async fn malformed_requests_are_counted_and_never_logged_as_errors() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let running = Running::start(
        &sqlite_in(&directory),
        Some(directory),
        &[
            ("UNDERSIGNED_LOG__FORMAT", "json"),
            ("UNDERSIGNED_LOG__REQUESTS", "false"),
            ("UNDERSIGNED_SERVER__MAX_BODY_BYTES", "1024"),
        ],
    );
    let client = awc::Client::default();
    running.wait_ready(&client).await;
    let bad_json = client
        .post(format!("{}/api/v1/letters/any/signatures", running.base))
        .insert_header(("content-type", "application/json"))
        .send_body("{\"name\": ")
        .await
        .expect("answered");
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    let too_large = client
        .post(format!("{}/api/v1/letters/any/signatures", running.base))
        .insert_header(("content-type", "application/json"))
        .send_body(vec![b' '; 4096])
        .await
        .expect("answered");
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let bad_query = client
        .get(format!(
            "{}/api/v1/letters/any/signatories?page=first",
            running.base
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(bad_query.status(), StatusCode::BAD_REQUEST);
    send_garbage(&running.base);
    send_garbage(&running.base);

    let mut metrics = client
        .get(format!("{}/metrics", running.base))
        .insert_header((
            "authorization",
            format!("Bearer {}", crate::helpers::METRICS_TOKEN),
        ))
        .send()
        .await
        .expect("metrics answered");
    let metrics =
        String::from_utf8_lossy(&metrics.body().await.expect("metrics body")).into_owned();
    assert!(
        metrics.contains(
            "undersigned_http_client_errors_total{route=\"/api/v1/letters/{slug}/signatures\"} 2"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "undersigned_http_client_errors_total{route=\"/api/v1/letters/{slug}/signatories\"} 1"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("undersigned_http_unparsed_requests_total"),
        "{metrics}"
    );

    let log = running.stop().await;
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"))
        })
        .collect();
    let errors: Vec<_> = lines
        .iter()
        .filter(|line| line["level"] == "ERROR")
        .collect();
    assert!(
        errors.is_empty(),
        "no ERROR lines for a client's mistakes: {errors:?}"
    );
    let malformed = lines
        .iter()
        .filter(|line| line["fields"]["message"] == "malformed request")
        .count();
    assert_eq!(
        malformed, 3,
        "each malformed request is logged once, at info: {log}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line["level"] == "WARN" && line["target"] == "undersigned::http"),
        "unparseable connections are logged as warnings: {log}"
    );
}

/// A second instance starting while another holds the migration lock says that it waits,
/// then starts once the lock is free.
#[actix_web::test]
#[ignore = "needs PostgreSQL (UNDERSIGNED_TEST_POSTGRES_URL); `bash .ci/test` runs it"]
async fn an_instance_waiting_for_the_migration_lock_says_so() {
    use diesel::prelude::*;
    crate::helpers::postgres_url();
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url =
        crate::helpers::fresh_database_url(crate::helpers::Backend::Postgres, directory.path());
    let mut holder = diesel::PgConnection::establish(&database_url).expect("connect");
    diesel::sql_query(format!(
        "SELECT pg_advisory_lock({})",
        undersigned::db::MIGRATION_LOCK_ID
    ))
    .execute(&mut holder)
    .expect("hold the migration lock as another instance would");

    let running = Running::start(
        &database_url,
        Some(directory),
        &[("UNDERSIGNED_LOG__FORMAT", "text")],
    );
    running
        .wait_until("the waiting instance says so", |log| {
            log.contains("waiting for another instance to finish migrating")
        })
        .await;
    assert!(!running.log().contains("undersigned is listening"));

    diesel::sql_query(format!(
        "SELECT pg_advisory_unlock({})",
        undersigned::db::MIGRATION_LOCK_ID
    ))
    .execute(&mut holder)
    .expect("release the lock");
    let client = awc::Client::default();
    running.wait_ready(&client).await;
    let log = running.stop().await;
    assert!(log.contains("new database: migrations applied"), "{log}");
}
