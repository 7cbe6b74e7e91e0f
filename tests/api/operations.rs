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
        .arg("serve")
        .env("DATABASE_URL", &database_url)
        .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("UNDERSIGNED_MAIL__FILE_DIR", directory.path().join("mail"))
        .env("UNDERSIGNED_LOG__FORMAT", "json")
        .env("UNDERSIGNED_LOG__LEVEL", "info")
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
