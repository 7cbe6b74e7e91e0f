//! How long queueing an update to N opted-in signers takes, how much memory the process
//! needs for it, how much disk each queued message costs, and how long a small write
//! transaction (the sign path's shape: one signature row, one outbox row) waits meanwhile.
//!
//! ```sh
//! BENCH_N=1000000 cargo bench --bench updates                     # SQLite, in a temp dir
//! BENCH_N=1000000 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres \
//!     cargo bench --bench updates                                 # PostgreSQL
//! ```
//!
//! Knobs (environment): BENCH_N (1000000), BENCH_BATCH (`updates::BATCH`),
//! BENCH_DATABASE_URL (a PostgreSQL server: the bench creates and drops a database of its
//! own there; without it, SQLite in a temporary directory). The fixture is inserted
//! set-based by the database itself, so it costs the process no memory. Without `--bench` on
//! the command line (`cargo test --benches`) it only says how to run it. Never a timed test.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use undersigned::db::{self, DbConnection};

const DATABASE: &str = "undersigned_bench_updates";

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("updates bench: run with BENCH_N=1000000 cargo bench --bench updates");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("updates bench failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn env_number(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The process's peak resident memory so far, in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn run() -> anyhow::Result<()> {
    let n = env_number("BENCH_N", 1_000_000);
    let batch = env_number("BENCH_BATCH", undersigned::updates::BATCH);
    let directory = tempfile::tempdir()?;
    let (url, admin) = match std::env::var("BENCH_DATABASE_URL") {
        Ok(admin) if !admin.trim().is_empty() => {
            let mut connection = diesel::PgConnection::establish(&admin)?;
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
                .execute(&mut connection)?;
            diesel::sql_query(format!("CREATE DATABASE {DATABASE}")).execute(&mut connection)?;
            let base = admin
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin);
            (format!("{base}/{DATABASE}"), Some(admin))
        }
        _ => (
            directory.path().join("bench.db").display().to_string(),
            None,
        ),
    };
    let result = bench(&url, n, batch);
    let keep = std::env::var("BENCH_KEEP").is_ok_and(|keep| keep == "1");
    if let Some(admin) = admin.filter(|_| !keep) {
        let mut connection = diesel::PgConnection::establish(&admin)?;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            .execute(&mut connection)?;
    }
    result
}

fn bench(url: &str, n: i64, batch: i64) -> anyhow::Result<()> {
    let pool = db::connect(url, 4)?;
    db::migrate(&pool)?;
    let mut connection = pool.get()?;
    let connection: &mut DbConnection = &mut connection;
    let backend = if db::is_postgres(connection) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    for (slug, title) in [("bench-letter", "Bench"), ("other-letter", "Other")] {
        let document = undersigned::letters::import::parse_document(&format!(
            "+++\nslug = \"{slug}\"\ntitle = \"{title}\"\naddressee = \"Someone\"\nstatus = \"open\"\n+++\n\nText.\n"
        ))?;
        undersigned::letters::import::store(connection, &document)?;
    }
    let letter = undersigned::letters::find_by_slug(connection, "bench-letter")?
        .ok_or_else(|| anyhow::anyhow!("the letter was not stored"))?;
    let other = undersigned::letters::find_by_slug(connection, "other-letter")?
        .ok_or_else(|| anyhow::anyhow!("the letter was not stored"))?;

    let started = Instant::now();
    seed(connection, &letter.id, &letter.content_hash, n)?;
    println!(
        "{backend}: seeded {n} confirmed, opted-in signers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let outbox_before = outbox_bytes(connection)?;
    let peak_before = peak_mb();

    // A writer shaped like the sign path runs all along: its waits are what signing sees.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let pool = pool.clone();
        let stop = Arc::clone(&stop);
        let letter_id = other.id.to_string();
        let hash = other.content_hash.clone();
        std::thread::spawn(move || sign_shaped_writes(pool, stop, letter_id, hash))
    };

    let update = undersigned::updates::create(
        connection,
        &letter,
        "Bench update",
        "Some **news**.",
        "https://letters.example",
        &undersigned::staff::Actor::command_line(),
        None,
    )?;
    let started = Instant::now();
    anyhow::ensure!(
        undersigned::updates::start_sending(
            connection,
            &update.id,
            &undersigned::staff::Actor::command_line()
        )?,
        "the update was not a draft"
    );
    let mut batches = Vec::new();
    let mut queued = 0;
    loop {
        let batch_started = Instant::now();
        match undersigned::updates::queue_batch(connection, &update.id, batch)? {
            Some(count) => {
                queued += count;
                batches.push(batch_started.elapsed());
                // As `updates::queue_all` does.
                std::thread::sleep(undersigned::updates::BATCH_PAUSE);
            }
            None => break,
        }
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut waits = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))??;
    let outbox_after = outbox_bytes(connection)?;
    let row_bytes = row_bytes(connection, &update.id)?;
    batches.sort();
    waits.sort();
    println!(
        "{backend}: queued {queued} update messages in {:.2} s ({:.0}/s), {} batches of {batch} \
         signatures (batch p50 {:.0} ms, max {:.0} ms)",
        elapsed.as_secs_f64(),
        queued as f64 / elapsed.as_secs_f64(),
        batches.len(),
        percentile(&batches, 0.5),
        percentile(&batches, 1.0),
    );
    println!(
        "{backend}: peak memory (VmHWM) {peak_before:.1} MB before queueing, {:.1} MB after",
        peak_mb()
    );
    if let (Some(before), Some(after)) = (outbox_before, outbox_after) {
        println!(
            "{backend}: outbox grew {:.1} MB, {:.0} bytes per queued message (table and indexes)",
            (after - before) as f64 / 1e6,
            (after - before) as f64 / queued.max(1) as f64
        );
    }
    println!("{backend}: {row_bytes:.0} bytes of column data per queued message (no indexes)");
    for (relation, bytes) in relation_sizes(connection)? {
        println!(
            "{backend}:   {relation}: {:.1} MB, {:.0} bytes per queued message",
            bytes as f64 / 1e6,
            bytes as f64 / queued.max(1) as f64
        );
    }
    println!(
        "{backend}: {} sign-shaped write transactions meanwhile: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        waits.len(),
        percentile(&waits, 0.5),
        percentile(&waits, 0.99),
        percentile(&waits, 1.0),
    );
    Ok(())
}

fn percentile(sorted: &[Duration], at: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * at).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// N confirmed individual signers who ticked "Keep me updated", inserted by the database.
/// Their ids have a real id's length and order (UUIDv7 text), since an update message's
/// row id and Message-ID contain the signature's id.
fn seed(
    connection: &mut DbConnection,
    letter_id: &str,
    content_hash: &str,
    n: i64,
) -> anyhow::Result<()> {
    let columns = "id, letter_id, kind, state, name, email, email_normalized, public, \
                   content_hash, created_at, verified_at, updates";
    let statement = match connection {
        DbConnection::Sqlite(_) => format!(
            "INSERT INTO signatures ({columns}) \
             WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) \
             SELECT '01930000-0000-7000-8000-' || printf('%012d', i), '{letter_id}', 'individual', 'verified', \
             'Signer ' || i, 'signer' || i || '@example.org', 'signer' || i || '@example.org', \
             1, '{content_hash}', '2026-12-01 00:00:00', '2026-12-01 00:00:00', 1 FROM seq"
        ),
        DbConnection::Postgresql(_) => format!(
            "INSERT INTO signatures ({columns}) \
             SELECT '01930000-0000-7000-8000-' || lpad(i::text, 12, '0'), '{letter_id}', 'individual', 'verified', \
             'Signer ' || i, 'signer' || i || '@example.org', 'signer' || i || '@example.org', \
             TRUE, '{content_hash}', TIMESTAMP '2026-12-01', TIMESTAMP '2026-12-01', TRUE \
             FROM generate_series(1, {n}) AS seq(i)"
        ),
    };
    db::write_transaction(connection, |connection| {
        if db::is_postgres(connection) {
            // The tally trigger would update one row a million times in one transaction,
            // which PostgreSQL makes quadratic; the bench needs no tallies, and the letter
            // exists, so triggers (and the foreign-key checks) are off for the seed only.
            diesel::sql_query("SET LOCAL session_replication_role = replica")
                .execute(connection)?;
        }
        diesel::sql_query(statement).execute(connection)
    })?;
    if db::is_postgres(connection) {
        // A table that grew to a million rows over a campaign has statistics (autovacuum);
        // one filled by a single statement a moment ago has none, and without them
        // PostgreSQL plans the batch bound as a sort of every signature left (BENCHMARKS.md).
        diesel::sql_query("ANALYZE signatures").execute(connection)?;
    }
    Ok(())
}

/// The stored values of an update's outbox rows, on average (what the row holds before
/// the backend's row overhead and the indexes).
fn row_bytes(connection: &mut DbConnection, update_id: &str) -> anyhow::Result<f64> {
    #[derive(QueryableByName)]
    struct Average {
        #[diesel(sql_type = diesel::sql_types::Double)]
        bytes: f64,
    }
    // Timestamps as stored: 8 bytes on PostgreSQL, text on SQLite; counted as 8 here.
    let statement = format!(
        "SELECT CAST(AVG(LENGTH(id) + LENGTH(message_id) + LENGTH(recipient) + LENGTH(subject)          + LENGTH(body_text) + LENGTH(body_html) + 4 + 8 + 8 + LENGTH(state)          + COALESCE(LENGTH(signature_id), 0) + LENGTH(recipient_key) + COALESCE(LENGTH(kind), 0)          + COALESCE(LENGTH(params), 0) + COALESCE(LENGTH(update_id), 0)) AS DOUBLE PRECISION) AS bytes          FROM outbox WHERE update_id = '{update_id}'"
    );
    Ok(diesel::sql_query(statement)
        .get_result::<Average>(connection)?
        .bytes)
}

/// The outbox's heap and each of its indexes (PostgreSQL: `pg_relation_size`; SQLite: the
/// `dbstat` table, when the build has it), to see where a message's bytes go.
fn relation_sizes(connection: &mut DbConnection) -> anyhow::Result<Vec<(String, i64)>> {
    #[derive(QueryableByName)]
    struct Relation {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    let statement = match connection {
        DbConnection::Postgresql(_) => {
            "SELECT CAST(c.relname AS TEXT) AS name, pg_relation_size(c.oid)::BIGINT AS bytes \
             FROM pg_class c WHERE c.relname = 'outbox' OR c.oid IN \
             (SELECT indexrelid FROM pg_index WHERE indrelid = 'outbox'::regclass) ORDER BY 1"
        }
        DbConnection::Sqlite(_) => {
            "SELECT name, CAST(SUM(pgsize) AS INTEGER) AS bytes FROM dbstat \
             WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'outbox') \
             GROUP BY name ORDER BY name"
        }
    };
    Ok(diesel::sql_query(statement)
        .load::<Relation>(connection)
        .map(|rows| rows.into_iter().map(|row| (row.name, row.bytes)).collect())
        .unwrap_or_default())
}

/// The outbox's size on disk with its indexes, where the backend can say.
fn outbox_bytes(connection: &mut DbConnection) -> anyhow::Result<Option<i64>> {
    #[derive(QueryableByName)]
    struct Size {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    let statement = match connection {
        DbConnection::Postgresql(_) => {
            "SELECT pg_total_relation_size('outbox')::BIGINT AS bytes".to_owned()
        }
        // The whole file: only the outbox changes while the update is queued.
        DbConnection::Sqlite(_) => "SELECT (SELECT page_count FROM pragma_page_count()) * \
             (SELECT page_size FROM pragma_page_size()) AS bytes"
            .to_owned(),
    };
    Ok(diesel::sql_query(statement)
        .get_result::<Size>(connection)
        .ok()
        .map(|size| size.bytes))
}

/// One small write transaction every 5 ms (a signature and its outbox row, as a signer's
/// write does), timed from asking for the write lock to commit.
fn sign_shaped_writes(
    pool: db::DbPool,
    stop: Arc<AtomicBool>,
    letter_id: String,
    content_hash: String,
) -> anyhow::Result<Vec<Duration>> {
    use undersigned::db::schema::{outbox, signatures};
    let mut connection = pool.get()?;
    let connection: &mut DbConnection = &mut connection;
    let mut waits = Vec::new();
    let mut number = 0u64;
    while !stop.load(Ordering::Relaxed) {
        number += 1;
        let email = format!("writer{number}@example.org");
        let started = Instant::now();
        db::write_transaction(connection, |connection| {
            let id = db::new_id();
            let now = db::now();
            diesel::insert_into(signatures::table)
                .values((
                    signatures::id.eq(&id),
                    signatures::letter_id.eq(&letter_id),
                    signatures::kind.eq("individual"),
                    signatures::state.eq("pending"),
                    signatures::name.eq("Writer"),
                    signatures::email.eq(&email),
                    signatures::email_normalized.eq(&email),
                    signatures::public.eq(true),
                    signatures::content_hash.eq(&content_hash),
                    signatures::created_at.eq(now),
                ))
                .execute(connection)?;
            diesel::insert_into(outbox::table)
                .values((
                    outbox::id.eq(db::new_id()),
                    // As the sign path stores it since `outbox_slim`: the id is the Message-ID.
                    outbox::message_id.eq(""),
                    outbox::recipient.eq(&email),
                    outbox::subject.eq("Please confirm"),
                    outbox::body_text.eq("text"),
                    outbox::body_html.eq("<p>html</p>"),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(now + chrono::Duration::days(1)),
                    outbox::created_at.eq(now),
                    outbox::state.eq("waiting"),
                    outbox::signature_id.eq(&id),
                    outbox::recipient_key.eq(&email),
                ))
                .execute(connection)?;
            Ok::<_, diesel::result::Error>(())
        })?;
        waits.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(waits)
}
