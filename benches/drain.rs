//! How fast the outbox drains to an SMTP server, through the real release binary.
//!
//! `cargo bench --bench drain` migrates a fresh SQLite file (or the EMPTY PostgreSQL database
//! in BENCH_DATABASE_URL), puts BENCH_MESSAGES (20,000) due messages of a realistic size
//! (a 2 KB text part and a 3 KB HTML part, like a confirmation email) in the outbox, starts
//! an SMTP server in this process that accepts everything, then starts `undersigned serve`
//! with `mail.transport = "smtp"` pointing at it and the mail ceiling out of the way, and
//! times the messages as they arrive. It checks that every message arrived exactly once
//! (by Message-ID) and that the outbox says `sent` for all of them.
//!
//! Knobs (environment): BENCH_MESSAGES, BENCH_DATABASE_URL, BENCH_BIN (another build),
//! BENCH_TIMEOUT_SECONDS (300), BENCH_SINK_THREADS (256: the in-process server serves one
//! connection per thread for the connection's whole life, so it must have more threads
//! than the server keeps connections, `mail.concurrency`). Any UNDERSIGNED_* variable (say
//! UNDERSIGNED_MAIL__CONCURRENCY) reaches the server as is.
//!
//! Without `--bench` on the command line (`cargo test --benches`) it only says how to run it.

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_undersigned");

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("drain: an outbox delivery benchmark; run it with `cargo bench --bench drain`");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("drain: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

/// What the SMTP server received: when each message ended and its Message-ID.
#[derive(Clone, Default)]
struct Sink {
    received: Arc<Mutex<Vec<(Instant, String)>>>,
    current: Vec<u8>,
}

impl mailin_embedded::Handler for Sink {
    fn data(&mut self, buffer: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buffer);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let message = std::mem::take(&mut self.current);
        let text = String::from_utf8_lossy(&message);
        let id = text
            .lines()
            .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
            .map(|line| line[11..].trim().to_owned())
            .unwrap_or_default();
        if let Ok(mut received) = self.received.lock() {
            received.push((Instant::now(), id));
        }
        mailin_embedded::response::OK
    }
}

fn env_or(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name} must be a whole number")),
        Err(_) => Ok(default),
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("no free port: {error}"))
}

fn run() -> Result<(), String> {
    let messages = env_or("BENCH_MESSAGES", 20_000)?;
    let sink_threads = env_or("BENCH_SINK_THREADS", 256)?;
    let timeout = Duration::from_secs(env_or("BENCH_TIMEOUT_SECONDS", 300)?);
    let binary = std::env::var_os("BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(BIN));
    let directory =
        tempfile::tempdir().map_err(|error| format!("no temporary directory: {error}"))?;
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", directory.path().join("drain.db").display()));

    let smtp = TcpListener::bind("127.0.0.1:0").map_err(|error| format!("SMTP port: {error}"))?;
    let smtp_port = smtp
        .local_addr()
        .map_err(|error| format!("SMTP port: {error}"))?
        .port();
    let sink = Sink::default();
    let mut server = mailin_embedded::Server::new(sink.clone());
    server
        .with_name("sink.bench")
        .with_tcp_listener(smtp)
        .with_num_threads(sink_threads as u32);
    std::thread::spawn(move || {
        let _ = server.serve();
    });

    let port = free_port()?;
    let command = || {
        let mut command = Command::new(&binary);
        command
            .env("DATABASE_URL", &database_url)
            .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
            .env("UNDERSIGNED_MAIL__TRANSPORT", "smtp")
            .env(
                "UNDERSIGNED_MAIL__SMTP_URL",
                format!("smtp://127.0.0.1:{smtp_port}"),
            )
            .env("UNDERSIGNED_LIMITS__EMAILS_PER_MINUTE", "1000000000")
            .env("UNDERSIGNED_LOG__LEVEL", "warn")
            .stdout(Stdio::null());
        command
    };
    let migrated = command()
        .arg("migrate")
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    if !migrated.status.success() {
        return Err(format!(
            "migrate failed: {}",
            String::from_utf8_lossy(&migrated.stderr)
        ));
    }
    let filled = Instant::now();
    fill_outbox(&database_url, messages)?;
    let fill_time = filled.elapsed();

    let mut child = command()
        .arg("serve")
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|error| format!("cannot start the server: {error}"))?;
    let started = Instant::now();
    let deadline = started + timeout;
    let result = loop {
        let count = sink.received.lock().map(|r| r.len()).unwrap_or(0) as u64;
        if count >= messages {
            break Ok(());
        }
        if Instant::now() > deadline {
            break Err(format!("only {count} of {messages} arrived in {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Anything sent twice would arrive in the next moment.
    std::thread::sleep(Duration::from_millis(500));
    let _ = child.kill();
    let _ = child.wait();
    result?;

    let received = sink
        .received
        .lock()
        .map_err(|_| "the sink's lock".to_owned())?
        .clone();
    let first = received.first().map(|(at, _)| *at).unwrap_or(started);
    let last = received.last().map(|(at, _)| *at).unwrap_or(started);
    let ids: HashSet<&str> = received.iter().map(|(_, id)| id.as_str()).collect();
    let span = last.duration_since(first).as_secs_f64().max(1e-9);
    let sent = count_sent(&database_url)?;
    println!();
    println!(
        "undersigned drain benchmark: {} on {}",
        binary.display(),
        if database_url.starts_with("sqlite://") {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    );
    println!("  outbox filled with {messages} messages in {fill_time:.2?}");
    println!("  SMTP sink threads (one per open connection) {sink_threads}");
    println!(
        "  first message {:.0} ms after the server started",
        first.duration_since(started).as_secs_f64() * 1000.0
    );
    println!(
        "  {} received in {:.2} s: {:.0} messages/s",
        received.len(),
        span,
        (received.len().saturating_sub(1)) as f64 / span
    );
    println!(
        "  distinct Message-IDs {} (duplicates {})",
        ids.len(),
        received.len() - ids.len()
    );
    println!("  outbox rows marked sent {sent}");
    if ids.len() as u64 != messages || received.len() != ids.len() {
        return Err("a message was lost or sent twice".into());
    }
    println!("  check every message once                PASS");
    Ok(())
}

/// A confirmation-sized body: what a real message costs to read, send and mark.
fn bodies() -> (String, String) {
    let line = "Please confirm your signature on the open letter by opening the link below. ";
    let text = line.repeat(26);
    let html = format!("<p>{}</p>", line.repeat(39));
    (text, html)
}

fn fill_outbox(database_url: &str, count: u64) -> Result<(), String> {
    use diesel::prelude::*;

    let (text, html) = bodies();
    let columns = "id, message_id, recipient, subject, body_text, body_html, attempts, \
                   next_attempt_at, created_at, state, recipient_key";
    let result = if let Some(path) = database_url.strip_prefix("sqlite://") {
        let mut connection =
            diesel::SqliteConnection::establish(path).map_err(|error| error.to_string())?;
        diesel::sql_query(format!(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count}) \
             INSERT INTO outbox ({columns}) SELECT 'drain-' || n, \
             'drain-' || n, 'reader-' || n || '@example.org', \
             'Confirm your signature', '{text}', '{html}', 0, \
             strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minute'), \
             strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minute'), 'waiting', \
             'reader-' || n || '@example.org' FROM g"
        ))
        .execute(&mut connection)
    } else {
        let mut connection =
            diesel::PgConnection::establish(database_url).map_err(|error| error.to_string())?;
        diesel::sql_query(format!(
            "INSERT INTO outbox ({columns}) SELECT 'drain-' || n, \
             'drain-' || n, 'reader-' || n || '@example.org', \
             'Confirm your signature', '{text}', '{html}', 0, \
             (now() AT TIME ZONE 'utc') - interval '1 minute', \
             (now() AT TIME ZONE 'utc') - interval '1 minute', 'waiting', \
             'reader-' || n || '@example.org' FROM generate_series(1, {count}) AS n"
        ))
        .execute(&mut connection)
        .and_then(|_| diesel::sql_query("ANALYZE outbox").execute(&mut connection))
    };
    result
        .map(|_| ())
        .map_err(|error| format!("cannot fill the outbox: {error}"))
}

fn count_sent(database_url: &str) -> Result<i64, String> {
    use diesel::prelude::*;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let query = diesel::sql_query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'");
    let count = if let Some(path) = database_url.strip_prefix("sqlite://") {
        let mut connection =
            diesel::SqliteConnection::establish(path).map_err(|error| error.to_string())?;
        query.get_result::<Count>(&mut connection)
    } else {
        let mut connection =
            diesel::PgConnection::establish(database_url).map_err(|error| error.to_string())?;
        query.get_result::<Count>(&mut connection)
    };
    count
        .map(|count| count.n)
        .map_err(|error| error.to_string())
}
