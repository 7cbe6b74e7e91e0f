//! The real `undersigned` binary, run as an operator runs it: `serve` with a configuration in
//! its environment (as in a container), killed (SIGKILL) or stopped (SIGTERM) and started
//! again on the same port; the command line against a database; and an SMTP server that
//! keeps what it receives. Every crash, race and browser test runs the binary through here,
//! so that how the service is started, stopped and watched is written once.
//!
//! Two test targets include this file (`api` and, through `#[path]`, `browser`), and each
//! uses only part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary under test, built by cargo for this test run.
pub const BINARY: &str = env!("CARGO_BIN_EXE_undersigned");
/// The address the app writes into emails; tests rewrite links to the real port.
pub const PUBLIC_URL: &str = "http://letters.test";
/// How long a started server may take to answer `/readyz` (two instances racing on the
/// migrations of a fresh PostgreSQL database take a while on a busy machine).
const READY_WITHIN: Duration = Duration::from_secs(60);
/// How long a SIGTERM may take: the server finishes the messages in flight first.
const STOP_WITHIN: Duration = Duration::from_secs(20);

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until `done`, failing the test with `what` after `limit`.
pub async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Tests that need something cargo does not install (PostgreSQL, Chromium, the Nu HTML
/// checker) are marked `#[ignore = "needs ..."]`, so that a plain `cargo test` counts them in
/// its summary as ignored, never as passed. `cargo test -- --include-ignored` (what
/// `bash .ci/test` runs) runs them too, and each then fails, naming what is missing, if it
/// is not there: a test that could not run never reports "ok".
pub fn needs<T>(part: &str, found: Result<T, String>) -> T {
    found.unwrap_or_else(|missing| panic!("this test needs {part}, which is not here: {missing}"))
}

/// Whether this is a CI run (`CI` set, and not to `0` or `false`).
pub fn under_ci() -> bool {
    std::env::var("CI")
        .is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false" | "FALSE" | "False"))
}

/// Whether libtest was asked to run the ignored tests too (`--include-ignored`) or only them
/// (`--ignored`).
pub fn runs_ignored_tests() -> bool {
    std::env::args().any(|argument| argument == "--include-ignored" || argument == "--ignored")
}

/// Under CI, fails unless the tests marked ignored run too: CI must never pass with a part of
/// the suite left out. Elsewhere a plain `cargo test` may leave them out; its summary says
/// how many.
pub fn assert_ci_runs_ignored_tests(parts: &str) {
    assert!(
        !under_ci() || runs_ignored_tests(),
        "CI is set but the tests that need {parts} were left out: run `bash .ci/test`, or \
         `cargo test -- --include-ignored`"
    );
}

/// A setting as the configuration file names it (`mail.smtp_url`), as the environment
/// variable that overrides it (`UNDERSIGNED_MAIL__SMTP_URL`).
fn variable(key: &str) -> String {
    let (section, name) = key
        .split_once('.')
        .unwrap_or_else(|| panic!("a setting is section.name: {key}"));
    format!(
        "UNDERSIGNED_{}__{}",
        section.to_uppercase(),
        name.to_uppercase()
    )
}

/// How to run the binary: a database and settings on top of the defaults.
#[derive(Clone, Debug)]
pub struct Config {
    database_url: String,
    settings: Vec<(String, String)>,
    /// Where `serve` writes its log (stdout and stderr), for tests that read it.
    log_file: Option<PathBuf>,
    /// Another build of `undersigned` to run instead of [`BINARY`] (the previous release).
    program: Option<PathBuf>,
}

/// `signing.address_key` of every application the tests run (in this process or as the
/// binary), so that `helpers::mailbox_key` makes the keys they make.
pub const TEST_ADDRESS_KEY: &str = "test-address-key";

impl Config {
    /// The binary on `database_url`, writing links to `PUBLIC_URL`, logging warnings only.
    pub fn new(database_url: &str) -> Config {
        Config {
            database_url: database_url.to_owned(),
            settings: Vec::new(),
            log_file: None,
            program: None,
        }
        .set("server.public_url", PUBLIC_URL)
        .set("log.level", "warn")
        // The key `helpers::mailbox_key` makes signers' mailbox keys with.
        .set("signing.address_key", TEST_ADDRESS_KEY)
    }

    /// One setting, named as in the configuration file (`mail.transport`); replaces an
    /// earlier value.
    pub fn set(mut self, key: &str, value: impl ToString) -> Config {
        self.settings.retain(|(known, _)| known != key);
        self.settings.push((key.to_owned(), value.to_string()));
        self
    }

    /// `serve` appends its log to `path` instead of discarding it.
    pub fn log_to(mut self, path: &Path) -> Config {
        self.log_file = Some(path.to_owned());
        self
    }

    /// Runs the binary at `program` (another release) instead of the one under test.
    pub fn program(mut self, program: &Path) -> Config {
        self.program = Some(program.to_owned());
        // The previous release knows no such setting (and refuses unknown ones).
        self.settings
            .retain(|(key, _)| key != "signing.address_key");
        self
    }

    /// Mail goes to the SMTP server at `smtp_url`.
    pub fn smtp(self, smtp_url: &str) -> Config {
        self.set("mail.transport", "smtp")
            .set("mail.smtp_url", smtp_url)
            .set("mail.from", "Coalition <letters@coalition.test>")
    }

    /// Mail is written as `.eml` files into `directory`.
    pub fn mail_files(self, directory: &Path) -> Config {
        self.set("mail.transport", "file")
            .set("mail.file_dir", directory.display())
    }

    /// No rate limit or form timer gets in the way of a test that drives the server hard
    /// from one address.
    pub fn unlimited(self) -> Config {
        self.set("limits.min_form_seconds", 0)
            .set("limits.sign_per_minute", 1_000_000)
            .set("limits.sign_burst", 1_000_000)
            .set("limits.verify_per_minute", 1_000_000)
            .set("limits.verify_burst", 1_000_000)
            .set("limits.login_per_minute", 1_000_000)
            .set("limits.login_burst", 1_000_000)
            .set("limits.emails_per_address_per_hour", 1000)
            .set("limits.emails_per_minute", 1_000_000)
    }

    fn command(&self) -> Command {
        let mut command = match &self.program {
            Some(program) => Command::new(program),
            None => Command::new(BINARY),
        };
        command
            .env("DATABASE_URL", &self.database_url)
            .env_remove("RUST_LOG");
        for (key, value) in &self.settings {
            command.env(variable(key), value);
        }
        command
    }

    /// `undersigned serve` on a free port, not yet waited for (two instances started this
    /// way race on the migrations, as in a rolling deployment).
    pub fn spawn(&self) -> Server {
        let port = free_port();
        let child = self.serve_on(port);
        Server {
            child,
            config: self.clone(),
            port,
        }
    }

    /// `undersigned serve`, ready for traffic.
    pub async fn start(&self) -> Server {
        let mut server = self.spawn();
        server.ready().await;
        server
    }

    fn serve_on(&self, port: u16) -> Child {
        let output = || match &self.log_file {
            Some(path) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(Stdio::from)
                .expect("open the server's log file"),
            None => Stdio::null(),
        };
        self.command()
            .arg("serve")
            .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("start undersigned serve")
    }

    /// `undersigned ARGS`, started with its output piped (to be killed half-way).
    pub fn spawn_cli(&self, args: &[&str]) -> Child {
        self.command()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the undersigned command")
    }

    /// `undersigned ARGS`, run to the end.
    pub fn cli(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .expect("run the undersigned command")
    }

    /// `undersigned ARGS` with `input` typed on its standard input (a password).
    pub fn cli_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the undersigned command");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write to the command");
        child.wait_with_output().expect("the command finishes")
    }

    /// `undersigned ARGS`, insisting that it succeeded; what it printed.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        succeeded(args, self.cli(args))
    }
}

/// What a successful command printed; a failed one fails the test with its output.
pub fn succeeded(args: &[&str], output: Output) -> String {
    assert!(
        output.status.success(),
        "undersigned {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A running `undersigned serve`, killed when the test ends (also when it fails).
pub struct Server {
    child: Child,
    config: Config,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `http://127.0.0.1:PORT`, the same across restarts.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until `/readyz` answers 200; fails at once if the process exited.
    pub async fn ready(&mut self) {
        let deadline = Instant::now() + READY_WITHIN;
        while !answers_ready(self.port) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("undersigned serve exited before it was ready: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "{} was not ready within {READY_WITHIN:?}",
                self.address()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: the process gets no chance to record or finish anything.
    pub fn sigkill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the graceful stop; how the process exited.
    pub async fn sigterm(&mut self) -> ExitStatus {
        self.send_sigterm();
        self.exited().await
    }

    /// SIGTERM, without waiting: the server drains (`server.drain_seconds`) and stops.
    pub fn send_sigterm(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("send SIGTERM");
        assert!(sent.success(), "SIGTERM was not delivered");
    }

    /// Waits for the process to exit after a signal; how it exited.
    pub async fn exited(&mut self) -> ExitStatus {
        let deadline = Instant::now() + STOP_WITHIN;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server kept running {STOP_WITHIN:?} after SIGTERM"
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts the same binary again with the same configuration on the same port (after a
    /// kill or a stop) and waits until it is ready.
    pub async fn restart(&mut self) {
        self.sigkill();
        self.child = self.config.serve_on(self.port);
        self.ready().await;
    }
}

/// Whether `GET /readyz` on `port` answers 200, asked over a plain socket so that the
/// harness needs no HTTP client of its own.
fn answers_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let asked =
        stream.write_all(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut answer = [0_u8; 12];
    asked.is_ok() && stream.read_exact(&mut answer).is_ok() && answer.starts_with(b"HTTP/1.1 200")
}

/// An SMTP server in this process that keeps every message it receives. It can take a
/// moment per message, as a real one does (so that a kill lands mid-delivery), and refuse
/// the recipients of one domain for good (SMTP 550).
#[derive(Clone, Default)]
pub struct SmtpSink {
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    sessions: Arc<AtomicUsize>,
    current: Vec<u8>,
    per_message: Duration,
    refuse_domain: Option<String>,
    threads: u32,
}

impl mailin_embedded::Handler for SmtpSink {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> mailin_embedded::Response {
        self.sessions.fetch_add(1, Ordering::SeqCst);
        mailin_embedded::response::OK
    }

    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        match &self.refuse_domain {
            Some(domain) if to.to_lowercase().contains(domain.as_str()) => {
                mailin_embedded::response::NO_MAILBOX
            }
            _ => mailin_embedded::response::OK,
        }
    }

    fn data(&mut self, buffer: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buffer);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        if !self.per_message.is_zero() {
            std::thread::sleep(self.per_message);
        }
        let message = std::mem::take(&mut self.current);
        if let Ok(mut received) = self.received.lock() {
            received.push(message);
        }
        mailin_embedded::response::OK
    }
}

impl SmtpSink {
    pub fn new() -> SmtpSink {
        SmtpSink::default()
    }

    /// Takes `per_message` to accept each message.
    pub fn slow(mut self, per_message: Duration) -> SmtpSink {
        self.per_message = per_message;
        self
    }

    /// Refuses recipients at `domain` for good.
    pub fn refusing(mut self, domain: &str) -> SmtpSink {
        self.refuse_domain = Some(domain.to_owned());
        self
    }

    /// Serves `connections` SMTP connections at once (one thread each, for the
    /// connection's life); enough for every delivery slot of the instances under test.
    pub fn connections(mut self, connections: usize) -> SmtpSink {
        self.threads = u32::try_from(connections).expect("a thread count");
        self
    }

    /// Serves on a free loopback port; the sink and its `smtp://` url.
    pub fn start(self) -> (SmtpSink, String) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP port");
        let port = listener.local_addr().expect("SMTP port").port();
        (self.start_on(listener), format!("smtp://127.0.0.1:{port}"))
    }

    /// Serves on `listener` (a port reserved while the "server was down").
    pub fn start_on(self, listener: TcpListener) -> SmtpSink {
        let mut server = mailin_embedded::Server::new(self.clone());
        server.with_name("smtp.test").with_tcp_listener(listener);
        if self.threads > 0 {
            server.with_num_threads(self.threads);
        }
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        self
    }

    /// Every message as it arrived, in order.
    pub fn raw(&self) -> Vec<Vec<u8>> {
        self.received
            .lock()
            .map(|received| received.clone())
            .unwrap_or_default()
    }

    /// How many messages arrived.
    pub fn count(&self) -> usize {
        self.received
            .lock()
            .map(|received| received.len())
            .unwrap_or(0)
    }

    /// How many SMTP sessions were opened (EHLO/HELO).
    pub fn sessions(&self) -> usize {
        self.sessions.load(Ordering::SeqCst)
    }

    /// How many times each Message-ID arrived.
    pub fn arrivals(&self) -> HashMap<String, usize> {
        let mut arrivals = HashMap::new();
        for raw in self.raw() {
            let id = mail_parser::MessageParser::default()
                .parse(&raw)
                .and_then(|message| message.message_id().map(str::to_owned))
                .unwrap_or_default();
            *arrivals.entry(id).or_insert(0) += 1;
        }
        arrivals
    }
}
