//! The binary knows the schema it expects (its newest migration). `serve` migrates a new
//! database by itself (day one is one command), refuses a database that needs
//! `undersigned migrate` with one line saying so, and on a database a newer release put out
//! of its reach it stays up but not ready and sends nothing. A queued message it cannot read
//! (queued by a newer release) is left for another instance and reported, never given up.

use std::path::Path;
use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use undersigned::db::schema::outbox;
use undersigned::db::versions::SchemaState;
use undersigned::db::{DbConnection, DbPool};
use undersigned::mail::outbox::{MailKind, OutboxState};
use undersigned::mail::{MailContent, OutgoingMail};

use crate::harness::{Config, Server, wait_until};
use crate::helpers::{Backend, Response, fresh_database_url, read};
use crate::on_both_backends;

on_both_backends!(
    serve_migrates_a_new_database_and_refuses_one_that_needs_migrate,
    on_a_schema_a_newer_release_put_out_of_reach_an_instance_is_not_ready_and_sends_nothing,
    a_message_this_binary_cannot_read_is_left_for_another_instance_and_reported,
);

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// A migration of a release after this one.
const NEXT_RELEASE: &str = "20991231000000";

pub fn open(database_url: &str) -> DbPool {
    undersigned::db::connect(database_url, 2).expect("open the database")
}

pub fn execute(pool: &DbPool, statement: &str) {
    diesel::sql_query(statement)
        .execute(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .unwrap_or_else(|error| panic!("{statement}: {error}"));
}

pub fn schema_state(pool: &DbPool) -> SchemaState {
    undersigned::db::versions::schema_state(&mut pool.get().expect("a connection"))
        .expect("read the schema state")
}

/// `GET path` on a running server.
pub async fn get(server: &Server, path: &str) -> Response {
    read(
        awc::Client::default()
            .get(format!("{}{path}", server.address()))
            .send()
            .await
            .expect("an answer"),
    )
    .await
}

/// What the log says so far.
pub fn log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// What `undersigned serve` printed when it refused to start on this database.
pub fn refusal(config: &Config) -> String {
    let refused = config
        .clone()
        .set("server.bind", "127.0.0.1:0")
        .cli(&["serve"]);
    let stderr = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success(), "serve started: {stderr}");
    stderr
}

async fn serve_migrates_a_new_database_and_refuses_one_that_needs_migrate(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let config = Config::new(&database_url).mail_files(&directory.path().join("mail"));
    // Day one: `serve` on nothing makes the database and is ready.
    let mut server = config.start().await;
    assert!(server.sigterm().await.success());
    let pool = open(&database_url);
    assert_eq!(schema_state(&pool), SchemaState::Current);

    // As if this binary were the next release: the database lacks its newest migration.
    {
        let mut connection = pool.get().expect("a connection");
        match &mut *connection {
            DbConnection::Sqlite(sqlite) => sqlite.revert_last_migration(SQLITE_MIGRATIONS),
            DbConnection::Postgresql(postgres) => {
                postgres.revert_last_migration(POSTGRES_MIGRATIONS)
            }
        }
        .expect("revert the newest migration");
    }
    let stderr = refusal(&config);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "one line:\n{stderr}");
    assert!(
        lines[0].contains("run `undersigned migrate` with this binary first"),
        "{stderr}"
    );
    assert_eq!(
        schema_state(&pool),
        SchemaState::Pending(1),
        "serve changed nothing"
    );

    let migrated = config.cli_ok(&["migrate"]);
    assert!(migrated.contains("1 migration(s) applied"), "{migrated}");
    let mut server = config.start().await;
    assert_eq!(get(&server, "/readyz").await.status, StatusCode::OK);
    assert!(server.sigterm().await.success());
}

/// A message stored rendered, waiting to go out.
fn queue_rendered(pool: &DbPool, to: &str) -> String {
    let mail = OutgoingMail::to(
        to,
        MailContent {
            subject: "Waiting".into(),
            text: "Sent only by an instance that can work on this schema.".into(),
            html: "<p>Sent only by an instance that can work on this schema.</p>".into(),
        },
    );
    undersigned::mail::outbox::enqueue(
        &mut pool.get().expect("a connection"),
        &mail,
        undersigned::db::now(),
    )
    .expect("queue a message")
}

/// State and attempts of an outbox row.
fn row(pool: &DbPool, id: &str) -> (OutboxState, i32, chrono::NaiveDateTime, Option<String>) {
    outbox::table
        .find(id)
        .select((
            outbox::state,
            outbox::attempts,
            outbox::next_attempt_at,
            outbox::last_error,
        ))
        .first(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .expect("the message's row")
}

async fn on_a_schema_a_newer_release_put_out_of_reach_an_instance_is_not_ready_and_sends_nothing(
    backend: Backend,
) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let log_file = directory.path().join("serve.log");
    let mail_dir = directory.path().join("mail");
    let server = Config::new(&database_url)
        .mail_files(&mail_dir)
        .log_to(&log_file)
        .start()
        .await;
    let pool = open(&database_url);

    // The next release migrates, and its migration is one this binary cannot work with.
    execute(
        &pool,
        &format!("INSERT INTO __diesel_schema_migrations (version) VALUES ('{NEXT_RELEASE}')"),
    );
    execute(
        &pool,
        &format!("UPDATE schema_floor SET oldest_reader = '{NEXT_RELEASE}'"),
    );
    let not_ready = get(&server, "/readyz").await;
    assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        not_ready.body.trim(),
        "database schema newer than this binary"
    );
    assert_eq!(get(&server, "/healthz").await.status, StatusCode::OK);
    wait_until(
        "the mail worker says it claims nothing",
        Duration::from_secs(20),
        || log(&log_file).contains("claiming nothing until this instance is upgraded"),
    )
    .await;
    let waiting = queue_rendered(&pool, "ada@example.org");
    // Three of the worker's polls: it would have sent the message by now.
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    let (state, attempts, _, _) = row(&pool, &waiting);
    assert_eq!((state, attempts), (OutboxState::Waiting, 0), "not claimed");
    assert!(
        std::fs::read_dir(&mail_dir).map_or(true, |mut files| files.next().is_none()),
        "nothing sent"
    );
    // A command of this binary refuses to work on it, in one line.
    let refused = Config::new(&database_url).cli(&["outbox", "status"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(
        stderr.trim().ends_with("upgrade it") && stderr.contains(NEXT_RELEASE),
        "{stderr}"
    );

    // A newer migration that only adds leaves the floor where it was: this binary works on.
    execute(
        &pool,
        "UPDATE schema_floor SET oldest_reader = '20261201000800'",
    );
    assert_eq!(get(&server, "/readyz").await.status, StatusCode::OK);
    wait_until("the message sent", Duration::from_secs(30), || {
        row(&pool, &waiting).0 == OutboxState::Sent
    })
    .await;
}

async fn a_message_this_binary_cannot_read_is_left_for_another_instance_and_reported(
    backend: Backend,
) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let log_file = directory.path().join("serve.log");
    let _server = Config::new(&database_url)
        .mail_files(&directory.path().join("mail"))
        .log_to(&log_file)
        .start()
        .await;
    let pool = open(&database_url);
    // Two messages as a newer release might queue them: a kind this binary has no template
    // for, and a confirmation whose parameters it cannot read.
    let queue = |kind: &'static str, params: &str| {
        let mail = OutgoingMail::rendered_when_sent(
            "ada@example.org",
            MailKind::named(kind),
            params.to_owned(),
        );
        undersigned::mail::outbox::enqueue(
            &mut pool.get().expect("a connection"),
            &mail,
            undersigned::db::now(),
        )
        .expect("queue a message")
    };
    let unknown_kind = queue("confirm_signature_v9", r#"{"s":"019ad5a4"}"#);
    let unreadable = queue("confirm_signature", r#"{"secrets":["a","b"]}"#);
    for id in [&unknown_kind, &unreadable] {
        wait_until("the worker tried it", Duration::from_secs(20), || {
            row(&pool, id).3.is_some()
        })
        .await;
    }
    // Two more polls: the worker does not take them again.
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let log = log(&log_file);
    for id in [&unknown_kind, &unreadable] {
        let (state, attempts, next_attempt_at, last_error) = row(&pool, id);
        assert_eq!(state, OutboxState::Waiting, "left in the queue, not failed");
        assert_eq!(attempts, 0, "the attempt is given back");
        assert!(
            next_attempt_at > undersigned::db::now() + chrono::Duration::seconds(20),
            "not claimed again at once: {next_attempt_at}"
        );
        assert!(last_error.is_some_and(|error| error.starts_with("not sent:")));
        let reported: Vec<&str> = log
            .lines()
            .filter(|line| line.contains(id.as_str()))
            .collect();
        assert_eq!(reported.len(), 1, "reported once:\n{log}");
        assert!(
            reported[0].contains("WARN") && reported[0].contains("cannot read this message"),
            "{}",
            reported[0]
        );
    }
    // An instance that can read it (here: the row made readable to this one) sends it.
    diesel::update(outbox::table.find(&unknown_kind))
        .set((
            outbox::kind.eq(None::<String>),
            outbox::subject.eq("Readable"),
            outbox::body_text.eq("Readable now."),
            outbox::next_attempt_at.eq(undersigned::db::now()),
        ))
        .execute(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .expect("make the message readable");
    wait_until("the message sent", Duration::from_secs(30), || {
        row(&pool, &unknown_kind).0 == OutboxState::Sent
    })
    .await;
}
