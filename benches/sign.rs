//! Signing throughput and latency of the real release binary on SQLite.
//!
//! `cargo bench --bench sign` imports a letter into a fresh SQLite file, starts
//! `undersigned serve` as a child process, and drives it over HTTP from this process:
//! BENCH_CONCURRENCY signers POST unique emails to `/letters/bench-letter/sign` in a closed
//! loop while BENCH_READERS readers GET the letter page. After a warm-up it measures for
//! BENCH_SECONDS, prints a table, kills the server (SIGKILL, no graceful shutdown) and checks
//! with `undersigned export` that every signature answered with 303 is stored.
//!
//! Knobs (environment): BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_CONCURRENCY (64),
//! BENCH_READERS (4), BENCH_CLIENT_THREADS (1, threads that run the signers; the readers get
//! one more), BENCH_LOG_LEVEL (warn). Any other UNDERSIGNED_* variable (for example
//! UNDERSIGNED_SERVER__WORKERS or UNDERSIGNED_DATABASE__POOL_SIZE) reaches the server as is.
//!
//! Without `--bench` on the command line (`cargo test --benches`) it only says how to run it.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::rc::Rc;
use std::str::FromStr;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header;

const BIN: &str = env!("CARGO_BIN_EXE_undersigned");
const SLUG: &str = "bench-letter";
const LETTER: &str = r#"+++
slug = "bench-letter"
title = "Benchmark letter"
addressee = "The President"
status = "open"
+++

We, the undersigned, ask for nothing but a fast server.
"#;

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("sign: a load benchmark; run it with `cargo bench --bench sign`");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("sign: FAILED: acknowledged signatures are missing from the database");
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("sign: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    seconds: f64,
    warmup: f64,
    concurrency: usize,
    readers: usize,
    client_threads: usize,
    log_level: String,
}

fn env_or<T: FromStr>(name: &str, default: T) -> Result<T, String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a valid number")),
        _ => Ok(default),
    }
}

impl Settings {
    fn from_env() -> Result<Settings, String> {
        let settings = Settings {
            seconds: env_or("BENCH_SECONDS", 10.0)?,
            warmup: env_or("BENCH_WARMUP_SECONDS", 2.0)?,
            concurrency: env_or("BENCH_CONCURRENCY", 64)?,
            readers: env_or("BENCH_READERS", 4)?,
            client_threads: env_or("BENCH_CLIENT_THREADS", 1)?,
            log_level: std::env::var("BENCH_LOG_LEVEL").unwrap_or_else(|_| "warn".into()),
        };
        if settings.seconds <= 0.0 || settings.warmup < 0.0 {
            return Err(
                "BENCH_SECONDS must be positive and BENCH_WARMUP_SECONDS not negative".into(),
            );
        }
        if settings.concurrency == 0 || settings.client_threads == 0 {
            return Err("BENCH_CONCURRENCY and BENCH_CLIENT_THREADS must be at least 1".into());
        }
        Ok(settings)
    }
}

/// The server child process; killed when dropped so a failing run leaves nothing behind.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The environment every `undersigned` invocation of this run gets.
fn undersigned(directory: &Path, database_url: &str, port: u16, log_level: &str) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(directory)
        .env("DATABASE_URL", database_url)
        .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env(
            "UNDERSIGNED_SERVER__PUBLIC_URL",
            format!("http://127.0.0.1:{port}"),
        )
        .env("UNDERSIGNED_MAIL__TRANSPORT", "log")
        .env("UNDERSIGNED_LOG__LEVEL", log_level);
    command
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|error| format!("no free port: {error}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| format!("no free port: {error}"))
}

/// One blocking `GET /healthz`; true on 200.
fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn start_server(command: &mut Command, directory: &Path, port: u16) -> Result<Server, String> {
    let log = directory.join("server.log");
    let log_file =
        std::fs::File::create(&log).map_err(|error| format!("cannot create the log: {error}"))?;
    let log_copy = log_file
        .try_clone()
        .map_err(|error| format!("cannot share the log: {error}"))?;
    let child = command
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(log_copy)
        .stderr(log_file)
        .spawn()
        .map_err(|error| format!("cannot start {BIN} serve: {error}"))?;
    let mut server = Server { child, log };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!(
                "the server exited with {status} before answering /healthz:\n{}",
                server.log_tail(20)
            ));
        }
        if healthy(port) {
            return Ok(server);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "/healthz did not answer 200 within 30 s:\n{}",
                server.log_tail(20)
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// When each phase starts and ends; shared by every client thread.
#[derive(Clone, Copy)]
struct Schedule {
    measure_from: Instant,
    end: Instant,
}

impl Schedule {
    fn measured(&self, finished: Instant) -> bool {
        finished >= self.measure_from && finished < self.end
    }
}

/// What one client task saw. Requests count when they finish inside the measured window.
#[derive(Default)]
struct Stats {
    /// Microseconds, measured requests that got the expected status.
    latencies: Vec<u64>,
    errors: BTreeMap<String, u64>,
    /// Errors outside the measured window (warm-up and the last in-flight requests).
    unmeasured_errors: u64,
    /// Every email answered with 303, measured or not: these must all be stored.
    acknowledged: Vec<String>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.latencies.extend(other.latencies);
        for (error, count) in other.errors {
            *self.errors.entry(error).or_default() += count;
        }
        self.unmeasured_errors += other.unmeasured_errors;
        self.acknowledged.extend(other.acknowledged);
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    fn record(&mut self, schedule: &Schedule, started: Instant, outcome: Result<(), String>) {
        let finished = Instant::now();
        let measured = schedule.measured(finished);
        match outcome {
            Ok(()) if measured => {
                let micros = finished.duration_since(started).as_micros();
                self.latencies
                    .push(u64::try_from(micros).unwrap_or(u64::MAX));
            }
            Ok(()) => {}
            Err(error) if measured => *self.errors.entry(error).or_default() += 1,
            Err(_) => self.unmeasured_errors += 1,
        }
    }
}

fn client() -> awc::Client {
    awc::Client::builder()
        .disable_redirects()
        .timeout(Duration::from_secs(30))
        .connector(awc::Connector::new().limit(0))
        .finish()
}

/// Sends one request and reads the whole answer; Ok when the status is `expected`.
async fn exchange(request: awc::SendClientRequest, expected: StatusCode) -> Result<(), String> {
    let mut response = request
        .await
        .map_err(|error| short(format!("request: {error}")))?;
    let status = response.status();
    response
        .body()
        .limit(16 << 20)
        .await
        .map_err(|error| short(format!("reading the answer: {error}")))?;
    if status == expected {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}

fn short(mut message: String) -> String {
    if message.len() > 100 {
        let mut end = 100;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
    }
    message
}

async fn signer(client: awc::Client, url: Rc<str>, id: usize, schedule: Schedule) -> Stats {
    let mut stats = Stats::default();
    let mut n: u64 = 0;
    while Instant::now() < schedule.end {
        n += 1;
        let body = format!(
            "kind=individual&name=Signer+{id}+{n}&email=signer-{id}-{n}%40example.org\
             &city=Lyon&country=France&public=on"
        );
        let started = Instant::now();
        let request = client
            .post(&*url)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .send_body(body);
        let outcome = exchange(request, StatusCode::SEE_OTHER).await;
        if outcome.is_ok() {
            stats
                .acknowledged
                .push(format!("signer-{id}-{n}@example.org"));
        }
        stats.record(&schedule, started, outcome);
    }
    stats
}

async fn reader(client: awc::Client, url: Rc<str>, schedule: Schedule) -> Stats {
    let mut stats = Stats::default();
    while Instant::now() < schedule.end {
        let started = Instant::now();
        let outcome = exchange(client.get(&*url).send(), StatusCode::OK).await;
        stats.record(&schedule, started, outcome);
    }
    stats
}

enum Role {
    Signers(Vec<usize>),
    Readers(usize),
}

/// One OS thread with its own actix System and client, running its tasks to the end.
fn client_thread(base: String, role: Role, schedule: Schedule) -> std::thread::JoinHandle<Stats> {
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let client = client();
            let mut tasks = Vec::new();
            match role {
                Role::Signers(ids) => {
                    let url: Rc<str> = format!("{base}/letters/{SLUG}/sign").into();
                    for id in ids {
                        tasks.push(actix_web::rt::spawn(signer(
                            client.clone(),
                            Rc::clone(&url),
                            id,
                            schedule,
                        )));
                    }
                }
                Role::Readers(count) => {
                    let url: Rc<str> = format!("{base}/letters/{SLUG}").into();
                    for _ in 0..count {
                        tasks.push(actix_web::rt::spawn(reader(
                            client.clone(),
                            Rc::clone(&url),
                            schedule,
                        )));
                    }
                }
            }
            let mut stats = Stats::default();
            for task in tasks {
                stats.merge(task.await.expect("a client task panicked"));
            }
            stats
        })
    })
}

/// User plus system CPU time of a process, from /proc (Linux only).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the command name: state is field 3, utime field 14, stime field 15.
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some((user + system) / 100.0)
}

fn sleep_until(moment: Instant) {
    let now = Instant::now();
    if moment > now {
        std::thread::sleep(moment - now);
    }
}

/// Nearest-rank percentile of sorted microseconds, in milliseconds.
fn percentile(sorted: &[u64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

fn run() -> Result<bool, String> {
    let settings = Settings::from_env()?;
    let directory = tempfile::Builder::new()
        .prefix("undersigned-bench-")
        .tempdir()
        .map_err(|error| format!("no temporary directory: {error}"))?;
    let database = directory.path().join("bench.db");
    let database_url = format!("sqlite://{}", database.display());
    let port = free_port()?;
    let command = || undersigned(directory.path(), &database_url, port, &settings.log_level);

    let letter = directory.path().join("letter.md");
    std::fs::write(&letter, LETTER).map_err(|error| format!("cannot write the letter: {error}"))?;
    let imported = command()
        .args(["letters", "import"])
        .arg(&letter)
        .output()
        .map_err(|error| format!("cannot run {BIN}: {error}"))?;
    if !imported.status.success() {
        return Err(format!(
            "letters import failed: {}",
            String::from_utf8_lossy(&imported.stderr)
        ));
    }

    let mut server = start_server(&mut command(), directory.path(), port)?;
    let server_pid = server.child.id().to_string();
    let base = format!("http://127.0.0.1:{port}");

    let passed_through: Vec<String> = std::env::vars()
        .filter(|(name, _)| name.starts_with("UNDERSIGNED_") || name == "RUST_LOG")
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    println!();
    println!(
        "undersigned sign benchmark: release binary, SQLite (WAL) in {}",
        directory.path().display()
    );
    println!(
        "  {} s measured after {} s warm-up; {} signers on {} client thread(s); {} reader(s) on 1 more",
        settings.seconds,
        settings.warmup,
        settings.concurrency,
        settings.client_threads,
        settings.readers
    );
    println!(
        "  server: {base}, pid {server_pid}, log level {}; extra server env: {}",
        settings.log_level,
        if passed_through.is_empty() {
            "none".to_owned()
        } else {
            passed_through.join(" ")
        }
    );

    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(settings.warmup);
    let schedule = Schedule {
        measure_from,
        end: measure_from + Duration::from_secs_f64(settings.seconds),
    };
    let mut threads = Vec::new();
    for thread in 0..settings.client_threads {
        let ids: Vec<usize> = (0..settings.concurrency)
            .filter(|id| id % settings.client_threads == thread)
            .collect();
        if !ids.is_empty() {
            threads.push(client_thread(base.clone(), Role::Signers(ids), schedule));
        }
    }
    let reader_thread = (settings.readers > 0)
        .then(|| client_thread(base.clone(), Role::Readers(settings.readers), schedule));

    sleep_until(schedule.measure_from);
    let cpu_before = (cpu_seconds(&server_pid), cpu_seconds("self"));
    sleep_until(schedule.end);
    let cpu_after = (cpu_seconds(&server_pid), cpu_seconds("self"));

    let mut signing = Stats::default();
    for thread in threads {
        signing.merge(thread.join().map_err(|_| "a signer thread panicked")?);
    }
    let reading = match reader_thread {
        Some(thread) => thread.join().map_err(|_| "the reader thread panicked")?,
        None => Stats::default(),
    };
    let server_alive = matches!(server.child.try_wait(), Ok(None));
    server.kill();

    let window = settings.seconds;
    signing.latencies.sort_unstable();
    let mut read_latencies = reading.latencies.clone();
    read_latencies.sort_unstable();
    let signed_per_second = signing.latencies.len() as f64 / window;
    let read_per_second = read_latencies.len() as f64 / window;

    println!();
    println!("  signing  POST /letters/{SLUG}/sign");
    println!("    signatures/s (303)   {signed_per_second:>10.1}");
    println!("    signatures (303)     {:>10}", signing.latencies.len());
    println!(
        "    latency p50          {:>10.2} ms",
        percentile(&signing.latencies, 0.50)
    );
    println!(
        "    latency p95          {:>10.2} ms",
        percentile(&signing.latencies, 0.95)
    );
    println!(
        "    latency p99          {:>10.2} ms",
        percentile(&signing.latencies, 0.99)
    );
    println!(
        "    latency max          {:>10.2} ms",
        percentile(&signing.latencies, 1.0)
    );
    println!("    errors               {:>10}", signing.error_count());
    for (error, count) in &signing.errors {
        println!("      {count:>8} x {error}");
    }
    if signing.unmeasured_errors > 0 {
        println!(
            "    errors outside the window (warm-up, tail): {}",
            signing.unmeasured_errors
        );
    }
    println!(
        "  reading  GET /letters/{SLUG} ({} readers)",
        settings.readers
    );
    println!("    requests/s (200)     {read_per_second:>10.1}");
    println!(
        "    latency p50          {:>10.2} ms",
        percentile(&read_latencies, 0.50)
    );
    println!(
        "    latency p99          {:>10.2} ms",
        percentile(&read_latencies, 0.99)
    );
    println!(
        "    latency max          {:>10.2} ms",
        percentile(&read_latencies, 1.0)
    );
    println!("    errors               {:>10}", reading.error_count());
    for (error, count) in &reading.errors {
        println!("      {count:>8} x {error}");
    }
    if let ((Some(server_before), Some(self_before)), (Some(server_after), Some(self_after))) =
        (cpu_before, cpu_after)
    {
        println!("  cpu in the window (cores busy, of {})", cores());
        println!(
            "    server               {:>10.2}",
            (server_after - server_before) / window
        );
        println!(
            "    load generator       {:>10.2}",
            (self_after - self_before) / window
        );
    }
    let database_bytes: u64 = ["bench.db", "bench.db-wal"]
        .iter()
        .filter_map(|name| std::fs::metadata(directory.path().join(name)).ok())
        .map(|metadata| metadata.len())
        .sum();
    println!(
        "  database + WAL at the end: {:.1} MiB",
        database_bytes as f64 / 1048576.0
    );
    let log_lines = std::fs::read_to_string(&server.log)
        .map(|text| text.lines().count())
        .unwrap_or(0);
    if log_lines > 0 {
        println!(
            "  server log: {log_lines} line(s) at {}+, the last ones:",
            settings.log_level
        );
        println!("{}", server.log_tail(5));
    }
    if !server_alive {
        return Err(format!(
            "the server died during the run:\n{}",
            server.log_tail(20)
        ));
    }

    // Nothing acknowledged may be lost: the server was killed, not shut down.
    let export = directory.path().join("export.csv");
    let exported = command()
        .args(["export", SLUG, "--format", "csv", "--output"])
        .arg(&export)
        .output()
        .map_err(|error| format!("cannot run {BIN} export: {error}"))?;
    if !exported.status.success() {
        return Err(format!(
            "export failed: {}",
            String::from_utf8_lossy(&exported.stderr)
        ));
    }
    let csv = std::fs::read_to_string(&export)
        .map_err(|error| format!("cannot read the export: {error}"))?;
    let email = regex::Regex::new(r"signer-\d+-\d+@example\.org").expect("a valid regex");
    let stored: HashSet<&str> = email.find_iter(&csv).map(|found| found.as_str()).collect();
    let rows = csv.lines().count().saturating_sub(1);
    let missing = signing
        .acknowledged
        .iter()
        .filter(|email| !stored.contains(email.as_str()))
        .count();
    let passed = missing == 0 && rows >= signing.acknowledged.len();
    println!(
        "  durability (server killed with SIGKILL, then `undersigned export {SLUG} --format csv`)"
    );
    println!(
        "    acknowledged with 303, whole run  {:>10}",
        signing.acknowledged.len()
    );
    println!("    rows in the export                {rows:>10}");
    println!("    acknowledged but missing          {missing:>10}");
    println!(
        "    check stored >= acknowledged      {:>10}",
        if passed { "PASS" } else { "FAIL" }
    );
    println!();
    println!(
        "| {} | {} | {signed_per_second:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {read_per_second:.0} | {:.1} | {} |",
        settings.concurrency,
        settings.readers,
        percentile(&signing.latencies, 0.50),
        percentile(&signing.latencies, 0.95),
        percentile(&signing.latencies, 0.99),
        percentile(&signing.latencies, 1.0),
        signing.error_count(),
        percentile(&read_latencies, 0.99),
        if passed { "pass" } else { "FAIL" },
    );
    Ok(passed)
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|cores| cores.get())
        .unwrap_or(1)
}
