//! Killing the process while an update is queued or sent loses nothing and sends nothing
//! twice: the real binary queues an update to thousands of opted-in signers from the command
//! line (`updates send`) and is killed (SIGKILL) half-way through queueing; the same command
//! run again goes on from where it stopped; the service sends to a real SMTP server and is
//! killed half-way through sending; after a restart every opted-in signer has exactly one
//! message (one Message-ID per address), only a message in flight at the kill may arrive a
//! second time, and the update ends sent.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, updates};
use undersigned::mail::outbox::OutboxState;

use crate::harness::{Config, SmtpSink, wait_until};
use crate::helpers::{Backend, fresh_database_url};
use crate::mail_crash::{CONCURRENCY, sending};
use crate::on_both_backends;

on_both_backends!(killed_while_queueing_and_while_sending_every_signer_gets_the_update_once,);

const SLUG: &str = "crash-news";
/// Signatures on the letter; every `EVERY`th ticked "Keep me updated". Queueing goes through
/// all of them in batches (`updates::BATCH` signatures each), so it takes long enough for
/// the kill to land half-way, while delivery stays a few thousand messages.
const SIGNATURES: usize = 120_000;
const EVERY: usize = 40;
const RECIPIENTS: usize = SIGNATURES / EVERY;
const SUBJECT: &str = "We delivered the letter";

/// A database with the letter and its signers, stored by the database itself (a test that
/// signed 120,000 times through the form would take minutes).
fn database_with_signers(backend: Backend, directory: &std::path::Path) -> String {
    let database_url = fresh_database_url(backend, directory);
    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    undersigned::db::migrate(&pool).expect("migrate");
    let mut connection = pool.get().expect("a connection");
    let connection: &mut DbConnection = &mut connection;
    let document = undersigned::letters::import::parse_document(&crate::helpers::letter_document(
        SLUG, "open", "",
    ))
    .expect("a letter");
    undersigned::letters::import::store(connection, &document).expect("stored");
    let letter = undersigned::letters::find_by_slug(connection, SLUG)
        .expect("read")
        .expect("the letter");
    let columns = "id, letter_id, kind, state, name, email, email_normalized, public, \
                   content_hash, created_at, verified_at, updates";
    // Ids with a real id's shape and order (UUIDv7 text).
    let statement = match connection {
        DbConnection::Sqlite(_) => format!(
            "INSERT INTO signatures ({columns}) \
             WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {SIGNATURES}) \
             SELECT '01930000-0000-7000-8000-' || printf('%012d', i), '{letter}', 'individual', \
             'verified', 'Signer ' || i, 'signer' || i || '@example.org', \
             'signer' || i || '@example.org', 1, '{hash}', '2026-12-01 00:00:00', \
             '2026-12-01 00:00:00', i % {EVERY} = 0 FROM seq",
            letter = letter.id,
            hash = letter.content_hash,
        ),
        DbConnection::Postgresql(_) => format!(
            "INSERT INTO signatures ({columns}) \
             SELECT '01930000-0000-7000-8000-' || lpad(i::text, 12, '0'), '{letter}', \
             'individual', 'verified', 'Signer ' || i, 'signer' || i || '@example.org', \
             'signer' || i || '@example.org', TRUE, '{hash}', TIMESTAMP '2026-12-01', \
             TIMESTAMP '2026-12-01', i % {EVERY} = 0 FROM generate_series(1, {SIGNATURES}) AS seq(i)",
            letter = letter.id,
            hash = letter.content_hash,
        ),
    };
    undersigned::db::write_transaction(connection, |connection| {
        if undersigned::db::is_postgres(connection) {
            // The tally trigger would update one row 120,000 times in one transaction; the
            // letter's tallies play no part here.
            diesel::sql_query("SET LOCAL session_replication_role = replica")
                .execute(connection)?;
        }
        diesel::sql_query(statement).execute(connection)
    })
    .expect("the signers");
    // 120,000 rows arrived at once: a live database's autovacuum would have analyzed the
    // table by the time anyone sends an update, and without statistics PostgreSQL plans the
    // queueing's per-address lookups as scans of the whole table (seconds per batch, past
    // `database.statement_timeout_seconds` on a busy machine).
    diesel::sql_query("ANALYZE")
        .execute(connection)
        .expect("analyze the signers");
    database_url
}

fn expected_recipients() -> HashSet<String> {
    (1..=SIGNATURES)
        .filter(|number| number % EVERY == 0)
        .map(|number| format!("signer{number}@example.org"))
        .collect()
}

/// `undersigned updates send SLUG FILE --yes`, started, as the service it runs beside.
fn updates_send(database_url: &str, file: &std::path::Path) -> std::process::Child {
    let file = file.display().to_string();
    Config::new(database_url)
        .set("server.secret", "mail-crash-secret")
        .set("mail.transport", "log")
        .spawn_cli(&["updates", "send", SLUG, &file, "--yes"])
}

fn queued_messages(connection: &mut DbConnection) -> i64 {
    outbox::table
        .filter(outbox::update_id.is_not_null())
        .count()
        .get_result(connection)
        .unwrap_or(0)
}

fn update_state(connection: &mut DbConnection) -> Option<String> {
    updates::table
        .select(updates::state)
        .first(connection)
        .optional()
        .expect("read the update")
}

async fn killed_while_queueing_and_while_sending_every_signer_gets_the_update_once(
    backend: Backend,
) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = database_with_signers(backend, directory.path());
    let file = directory.path().join("news.md");
    std::fs::write(
        &file,
        format!("+++\ntitle = \"{SUBJECT}\"\n+++\n\nWe handed it over this morning.\n"),
    )
    .expect("write the update file");
    // An SMTP server that takes a moment per message, as a real one does, so that a kill
    // lands in the middle of sending.
    let (sink, smtp_url) = SmtpSink::new()
        .slow(Duration::from_millis(2))
        .connections(2 * CONCURRENCY)
        .start();
    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    let mut watcher = pool.get().expect("a connection");
    let watcher: &mut DbConnection = &mut watcher;

    // 1. Killed while queueing: as soon as the first batch is in the outbox.
    let mut queuer = updates_send(&database_url, &file);
    let deadline = Instant::now() + Duration::from_secs(60);
    while queued_messages(watcher) == 0 {
        assert!(
            queuer.try_wait().expect("the queuer").is_none(),
            "the queuer exited before queueing anything"
        );
        assert!(Instant::now() < deadline, "queueing never started");
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = queuer.kill();
    let _ = queuer.wait();
    let at_kill = queued_messages(watcher);
    assert!(
        (at_kill as usize) < RECIPIENTS,
        "the kill landed half-way through queueing ({at_kill} of {RECIPIENTS})"
    );
    assert_eq!(update_state(watcher).as_deref(), Some("sending"));

    // The service sends what is queued meanwhile; the same command again goes on queueing.
    let mut server = sending(&database_url, &smtp_url).start().await;
    let resumed = updates_send(&database_url, &file)
        .wait_with_output()
        .expect("run updates send again");
    let said = String::from_utf8_lossy(&resumed.stdout);
    assert!(
        resumed.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(said.contains("resumed"), "{said}");
    assert_eq!(update_state(watcher).as_deref(), Some("sent"));
    assert_eq!(queued_messages(watcher), RECIPIENTS as i64);

    // 2. Killed while sending.
    wait_until("delivery under way", Duration::from_secs(60), || {
        sink.count() >= RECIPIENTS / 5
    })
    .await;
    server.sigkill();
    let delivered_at_kill = sink.count();
    assert!(
        delivered_at_kill < RECIPIENTS,
        "the kill landed half-way through sending ({delivered_at_kill} of {RECIPIENTS})"
    );

    server.restart().await;
    wait_until(
        "every message delivered after the restart",
        Duration::from_secs(120),
        || sink.arrivals().len() >= RECIPIENTS,
    )
    .await;
    wait_until(
        "the outbox records every message as sent",
        Duration::from_secs(30),
        || {
            outbox::table
                .filter(outbox::update_id.is_not_null())
                .filter(outbox::state.eq(OutboxState::Sent))
                .count()
                .get_result::<i64>(watcher)
                .unwrap_or(0)
                == RECIPIENTS as i64
        },
    )
    .await;

    // Every opted-in signer, and only they, got one message (one Message-ID per address)...
    let mut ids_by_address: HashMap<String, HashSet<String>> = HashMap::new();
    for email in sink.emails() {
        assert_eq!(email.subject, SUBJECT);
        ids_by_address
            .entry(email.to.to_lowercase())
            .or_default()
            .insert(email.message_id);
    }
    let addresses: HashSet<String> = ids_by_address.keys().cloned().collect();
    assert_eq!(
        addresses,
        expected_recipients(),
        "exactly the opted-in signers"
    );
    let queued_twice: Vec<_> = ids_by_address
        .iter()
        .filter(|(_, ids)| ids.len() != 1)
        .collect();
    assert!(
        queued_twice.is_empty(),
        "an address got two different messages (queued twice): {queued_twice:?}"
    );
    // ...and only a message in flight at the kill arrived a second time.
    let arrivals = sink.arrivals();
    let twice: Vec<_> = arrivals.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.len() <= CONCURRENCY && twice.iter().all(|(_, count)| **count == 2),
        "at most the {CONCURRENCY} in flight arrive twice after a kill with \
         {delivered_at_kill} delivered: {twice:?}"
    );
    assert_eq!(update_state(watcher).as_deref(), Some("sent"));
}
