//! Signing throughput and latency of the real release binary on SQLite or PostgreSQL.
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
//! one more), BENCH_LOG_LEVEL (warn), BENCH_BIN (another build of the binary to measure),
//! BENCH_DATABASE_URL (a `postgres://` URL of an EMPTY database to use instead of a fresh
//! SQLite file), BENCH_INSTANCES (1: that many servers on as many ports share the database;
//! signers and readers are spread over them round-robin), BENCH_WAITING_MAIL (0: that many
//! due emails are put in the outbox before the servers start; with a low
//! UNDERSIGNED_LIMITS__EMAILS_PER_MINUTE they keep waiting during the run).
//! Any other UNDERSIGNED_* variable (for example UNDERSIGNED_SERVER__WORKERS or
//! UNDERSIGNED_DATABASE__POOL_SIZE) reaches the server as is.
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

/// The binary under test: the one cargo just built, or BENCH_BIN (to compare another build).
fn binary() -> PathBuf {
    std::env::var_os("BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(BIN))
}

const SLUG: &str = "bench-letter";
const LETTER: &str = r#"+++
slug = "bench-letter"
title = "Benchmark letter"
addressee = "The President"
status = "open"
+++

We, the undersigned, ask for nothing but a fast server.
"#;

/// All the load comes from one address and posts forms the moment it has them, so the abuse
/// defenses (config `[limits]`) are moved out of the way unless the environment sets them.
const LIMITS: [(&str, &str); 4] = [
    ("UNDERSIGNED_LIMITS__SIGN_PER_MINUTE", "1000000000"),
    ("UNDERSIGNED_LIMITS__SIGN_BURST", "1000000000"),
    ("UNDERSIGNED_LIMITS__MIN_FORM_SECONDS", "0"),
    ("UNDERSIGNED_LIMITS__EMAILS_PER_MINUTE", "1000000000"),
];

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
    database_url: Option<String>,
    instances: usize,
    waiting_mail: u64,
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
            database_url: std::env::var("BENCH_DATABASE_URL")
                .ok()
                .filter(|url| !url.trim().is_empty()),
            instances: env_or("BENCH_INSTANCES", 1)?,
            waiting_mail: env_or("BENCH_WAITING_MAIL", 0)?,
        };
        if settings.seconds <= 0.0 || settings.warmup < 0.0 {
            return Err(
                "BENCH_SECONDS must be positive and BENCH_WARMUP_SECONDS not negative".into(),
            );
        }
        if settings.concurrency == 0 || settings.client_threads == 0 || settings.instances == 0 {
            return Err(
                "BENCH_CONCURRENCY, BENCH_CLIENT_THREADS and BENCH_INSTANCES must be at least 1"
                    .into(),
            );
        }
        if let Some(url) = &settings.database_url
            && !url.starts_with("postgres://")
            && !url.starts_with("postgresql://")
        {
            return Err(
                "BENCH_DATABASE_URL must be a postgres:// URL (SQLite is the default)".into(),
            );
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
    let mut command = Command::new(binary());
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
    for (name, value) in LIMITS {
        if std::env::var_os(name).is_none() {
            command.env(name, value);
        }
    }
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

/// One blocking `GET path` on a fresh connection; the whole answer, headers included.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

fn healthy(port: u16) -> bool {
    http_get(port, "/healthz").is_some_and(|answer| answer.starts_with("HTTP/1.1 200"))
}

/// The signed time stamp the sign form carries (hidden field `t`), if the form has one.
fn form_time(port: u16) -> Result<Option<String>, String> {
    let page = http_get(port, &format!("/letters/{SLUG}")).ok_or("cannot GET the letter page")?;
    if !page.starts_with("HTTP/1.1 200") {
        let status = page.lines().next().unwrap_or_default();
        return Err(format!("GET /letters/{SLUG} answered {status}"));
    }
    let field = regex::Regex::new(r#"name="t"\s+value="([^"]*)""#).expect("a valid regex");
    Ok(field
        .captures(&page)
        .and_then(|found| found.get(1))
        .map(|value| value.as_str().to_owned()))
}

fn start_server(
    command: &mut Command,
    directory: &Path,
    port: u16,
    instance: usize,
) -> Result<Server, String> {
    let log = directory.join(if instance == 0 {
        "server.log".to_owned()
    } else {
        format!("server-{instance}.log")
    });
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
        .map_err(|error| format!("cannot start {} serve: {error}", binary().display()))?;
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

async fn signer(
    client: awc::Client,
    url: Rc<str>,
    form_fields: Rc<str>,
    id: usize,
    schedule: Schedule,
) -> Stats {
    let mut stats = Stats::default();
    let mut n: u64 = 0;
    while Instant::now() < schedule.end {
        n += 1;
        let body = format!(
            "kind=individual&name=Signer+{id}+{n}&email=signer-{id}-{n}%40example.org\
             &city=Lyon&country=France&public=on{form_fields}"
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
    /// Signer ids, and what else every sign form carries (`&t=...`).
    Signers(Vec<usize>, String),
    Readers(usize),
}

/// One OS thread with its own actix System and client, running its tasks to the end.
/// Signer `id` and reader `id` talk to instance `id % bases.len()`.
fn client_thread(
    bases: Vec<String>,
    role: Role,
    schedule: Schedule,
) -> std::thread::JoinHandle<Stats> {
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let client = client();
            let mut tasks = Vec::new();
            match role {
                Role::Signers(ids, form_fields) => {
                    let urls: Vec<Rc<str>> = bases
                        .iter()
                        .map(|base| format!("{base}/letters/{SLUG}/sign").into())
                        .collect();
                    let form_fields: Rc<str> = form_fields.into();
                    for id in ids {
                        tasks.push(actix_web::rt::spawn(signer(
                            client.clone(),
                            Rc::clone(&urls[id % urls.len()]),
                            Rc::clone(&form_fields),
                            id,
                            schedule,
                        )));
                    }
                }
                Role::Readers(count) => {
                    let urls: Vec<Rc<str>> = bases
                        .iter()
                        .map(|base| format!("{base}/letters/{SLUG}").into())
                        .collect();
                    for id in 0..count {
                        tasks.push(actix_web::rt::spawn(reader(
                            client.clone(),
                            Rc::clone(&urls[id % urls.len()]),
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

/// Busy and I/O-wait CPU seconds of the whole machine, from /proc/stat (Linux only).
fn machine_cpu_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|field| field.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let busy: f64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    Some((busy / 100.0, ticks.get(4)? / 100.0))
}

/// CPU seconds so far: the server, this process, and the machine (busy, I/O wait).
struct CpuSample {
    server: Option<f64>,
    own: Option<f64>,
    machine: Option<(f64, f64)>,
}

impl CpuSample {
    fn take(server_pids: &[String]) -> CpuSample {
        CpuSample {
            server: server_pids
                .iter()
                .map(|pid| cpu_seconds(pid))
                .sum::<Option<f64>>(),
            own: cpu_seconds("self"),
            machine: machine_cpu_seconds(),
        }
    }

    /// Cores busy between two samples: server, load generator, everything else, I/O wait.
    fn cores_between(&self, later: &CpuSample, seconds: f64) -> Option<[f64; 4]> {
        let server = (later.server? - self.server?) / seconds;
        let own = (later.own? - self.own?) / seconds;
        let (busy_after, wait_after) = later.machine?;
        let (busy_before, wait_before) = self.machine?;
        let others = ((busy_after - busy_before) / seconds - server - own).max(0.0);
        Some([server, own, others, (wait_after - wait_before) / seconds])
    }
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
    let database_url = settings
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", database.display()));
    let postgres = settings.database_url.is_some();
    let ports: Vec<u16> = (0..settings.instances)
        .map(|_| free_port())
        .collect::<Result<_, _>>()?;
    let port = ports[0];
    let command_on =
        |port: u16| undersigned(directory.path(), &database_url, port, &settings.log_level);
    let command = || command_on(port);

    let letter = directory.path().join("letter.md");
    std::fs::write(&letter, LETTER).map_err(|error| format!("cannot write the letter: {error}"))?;
    // Only `serve` and `migrate` create a database; the letter goes in before any server.
    let migrated = command()
        .arg("migrate")
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary().display()))?;
    if !migrated.status.success() {
        return Err(format!(
            "migrate failed: {}",
            String::from_utf8_lossy(&migrated.stderr)
        ));
    }
    let imported = command()
        .args(["letters", "import"])
        .arg(&letter)
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary().display()))?;
    if !imported.status.success() {
        return Err(format!(
            "letters import failed: {}",
            String::from_utf8_lossy(&imported.stderr)
        ));
    }

    if settings.waiting_mail > 0 {
        fill_outbox(&database_url, settings.waiting_mail)?;
    }

    // The first server migrates; the others start once it answers.
    let mut servers = Vec::new();
    for (instance, &port) in ports.iter().enumerate() {
        servers.push(start_server(
            &mut command_on(port),
            directory.path(),
            port,
            instance,
        )?);
    }
    let server_pids: Vec<String> = servers
        .iter()
        .map(|server| server.child.id().to_string())
        .collect();
    let server_pid = server_pids.join(",");
    let form_fields = match form_time(port)? {
        Some(token) => format!("&t={token}"),
        None => String::new(),
    };
    let bases: Vec<String> = ports
        .iter()
        .map(|port| format!("http://127.0.0.1:{port}"))
        .collect();
    let base = bases.join(" ");

    let passed_through: Vec<String> = std::env::vars()
        .filter(|(name, _)| name.starts_with("UNDERSIGNED_") || name == "RUST_LOG")
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    println!();
    if postgres {
        println!(
            "undersigned sign benchmark: {} x{} on PostgreSQL ({}), files in {}",
            binary().display(),
            settings.instances,
            without_password(&database_url),
            directory.path().display()
        );
    } else {
        println!(
            "undersigned sign benchmark: {} on SQLite (WAL) in {}",
            binary().display(),
            directory.path().display()
        );
    }
    if settings.instances > 1 && !postgres {
        println!("  {} instances on one SQLite file", settings.instances);
    }
    if settings.waiting_mail > 0 {
        println!(
            "  outbox filled with {} due emails before the start",
            settings.waiting_mail
        );
    }
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
    let limits: Vec<String> = LIMITS
        .iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .map(|(name, value)| {
            format!(
                "{}={value}",
                name.trim_start_matches("UNDERSIGNED_LIMITS__")
            )
        })
        .collect();
    println!("  limits set by the bench: {}", limits.join(" "));
    println!(
        "  sign form time stamp (t): {}",
        if form_fields.is_empty() {
            "none on the page"
        } else {
            "taken from the letter page"
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
            threads.push(client_thread(
                bases.clone(),
                Role::Signers(ids, form_fields.clone()),
                schedule,
            ));
        }
    }
    let reader_thread = (settings.readers > 0)
        .then(|| client_thread(bases.clone(), Role::Readers(settings.readers), schedule));

    sleep_until(schedule.measure_from);
    let cpu_before = CpuSample::take(&server_pids);
    sleep_until(schedule.end);
    let cpu = cpu_before.cores_between(&CpuSample::take(&server_pids), settings.seconds);

    let mut signing = Stats::default();
    for thread in threads {
        signing.merge(thread.join().map_err(|_| "a signer thread panicked")?);
    }
    let reading = match reader_thread {
        Some(thread) => thread.join().map_err(|_| "the reader thread panicked")?,
        None => Stats::default(),
    };
    let server_alive = servers
        .iter_mut()
        .all(|server| matches!(server.child.try_wait(), Ok(None)));
    for server in &mut servers {
        server.kill();
    }
    let server = &servers[0];

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
    if let Some([server_cores, own_cores, other_cores, io_wait]) = cpu {
        println!("  cpu in the window (cores busy, of {})", cores());
        println!("    server               {server_cores:>10.2}");
        println!("    load generator       {own_cores:>10.2}");
        println!("    other processes      {other_cores:>10.2}   (should be near 0)");
        println!("    I/O wait             {io_wait:>10.2}");
    }
    let size = |name: &str| {
        std::fs::metadata(directory.path().join(name))
            .map(|metadata| metadata.len() as f64 / 1048576.0)
            .unwrap_or(0.0)
    };
    if !postgres {
        println!(
            "  database at the end: {:.1} MiB, WAL {:.1} MiB",
            size("bench.db"),
            size("bench.db-wal")
        );
    }
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
    for (instance, other) in servers.iter().enumerate().skip(1) {
        let tail = other.log_tail(3);
        if !tail.is_empty() {
            println!("  server {instance} log, the last lines:\n{tail}");
        }
    }
    if !server_alive {
        let tails: Vec<String> = servers.iter().map(|server| server.log_tail(20)).collect();
        return Err(format!(
            "a server died during the run:\n{}",
            tails.join("\n---\n")
        ));
    }

    // Nothing acknowledged may be lost: the server was killed, not shut down.
    let export = directory.path().join("export.csv");
    let exported = command()
        .args(["export", SLUG, "--format", "csv", "--output"])
        .arg(&export)
        .output()
        .map_err(|error| format!("cannot run {} export: {error}", binary().display()))?;
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
    let unsent = count_rows(
        &database_url,
        "SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
    );
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
    match &unsent {
        Ok(unsent) => println!("  mail outbox not yet sent at the kill: {unsent}"),
        Err(error) => println!("  mail outbox: cannot count ({error})"),
    }
    println!();
    let [server_cores, own_cores, other_cores, _] = cpu.unwrap_or([f64::NAN; 4]);
    println!(
        "markdown: | {} | {} | {signed_per_second:.0} | {:.1} | {:.1} | {:.1} | {:.0} | {} | \
         {read_per_second:.0} | {:.1} | {server_cores:.2} / {own_cores:.2} / {other_cores:.2} | \
         {} | {} |",
        settings.concurrency,
        settings.readers,
        percentile(&signing.latencies, 0.50),
        percentile(&signing.latencies, 0.95),
        percentile(&signing.latencies, 0.99),
        percentile(&signing.latencies, 1.0),
        signing.error_count(),
        percentile(&read_latencies, 0.99),
        unsent.map_or_else(|_| "?".to_owned(), |unsent| unsent.to_string()),
        if passed { "pass" } else { "FAIL" },
    );
    Ok(passed)
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// One `SELECT count(*) AS n ...` on the database, read directly.
fn count_rows(database_url: &str, query: &str) -> Result<i64, String> {
    use diesel::prelude::*;

    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let mut connection =
            diesel::SqliteConnection::establish(path).map_err(|error| error.to_string())?;
        diesel::sql_query(query)
            .get_result::<Count>(&mut connection)
            .map(|count| count.n)
            .map_err(|error| error.to_string())
    } else {
        let mut connection =
            diesel::PgConnection::establish(database_url).map_err(|error| error.to_string())?;
        diesel::sql_query(query)
            .get_result::<Count>(&mut connection)
            .map(|count| count.n)
            .map_err(|error| error.to_string())
    }
}

/// Puts `count` due emails in the outbox in one statement (the schema is migrated by
/// `letters import`), as a backlog the mail ceiling keeps waiting during the run.
fn fill_outbox(database_url: &str, count: u64) -> Result<(), String> {
    use diesel::prelude::*;

    let columns = "id, message_id, recipient, subject, body_text, body_html, attempts, \
                   next_attempt_at, created_at, state, recipient_key";
    let result = if let Some(path) = database_url.strip_prefix("sqlite://") {
        let mut connection =
            diesel::SqliteConnection::establish(path).map_err(|error| error.to_string())?;
        diesel::sql_query(format!(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count}) \
             INSERT INTO outbox ({columns}) SELECT 'bench-waiting-' || n, \
             '<bench-waiting-' || n || '@example.org>', 'waiting-' || n || '@example.org', \
             'Waiting', 'A message that waits.', '', 0, \
             strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minute'), \
             strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 minute'), 'waiting', \
             'waiting-' || n || '@example.org' FROM g"
        ))
        .execute(&mut connection)
    } else {
        let mut connection =
            diesel::PgConnection::establish(database_url).map_err(|error| error.to_string())?;
        diesel::sql_query(format!(
            "INSERT INTO outbox ({columns}) SELECT 'bench-waiting-' || n, \
             '<bench-waiting-' || n || '@example.org>', 'waiting-' || n || '@example.org', \
             'Waiting', 'A message that waits.', '', 0, \
             (now() AT TIME ZONE 'utc') - interval '1 minute', \
             (now() AT TIME ZONE 'utc') - interval '1 minute', 'waiting', \
             'waiting-' || n || '@example.org' FROM generate_series(1, {count}) AS n"
        ))
        .execute(&mut connection)
        .and_then(|_| diesel::sql_query("ANALYZE outbox").execute(&mut connection))
    };
    result
        .map(|_| ())
        .map_err(|error| format!("cannot fill the outbox: {error}"))
}

/// The URL to print: no password in a benchmark's output.
fn without_password(url: &str) -> String {
    regex::Regex::new(r"://([^:/@]*):[^@]*@")
        .map(|password| password.replace(url, "://$1:***@").into_owned())
        .unwrap_or_default()
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|cores| cores.get())
        .unwrap_or(1)
}
