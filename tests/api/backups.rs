//! Backups that finish and restores that mail nobody twice, run as DEPLOYMENT.md says: the
//! real binary signs under load while `undersigned backup` copies the database (SQLite:
//! `VACUUM INTO`; PostgreSQL: `pg_dump`), the copy is restored (a file copied into place;
//! `pg_restore` into a new database) and served; and the emails that were waiting when the
//! backup was taken, delivered by the live service after it, are not sent again from the
//! restored copy (Message-IDs counted at an SMTP server).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;
use undersigned::mail::outbox::OutboxState;

use crate::harness::{Config, Server, SmtpSink, free_port, wait_until};
use crate::helpers::{Backend, TestApp, fresh_database_url};
use crate::on_both_backends;

on_both_backends!(
    a_backup_taken_while_signing_restores_every_acknowledged_signature,
    a_restored_backup_sends_no_email_twice,
    mail_held_by_hand_and_an_update_being_queued_wait_until_released,
    mail_held_while_a_worker_is_sending_it_stays_held_when_the_send_fails,
);

const SLUG: &str = "backed-up";
/// Signers at once while the backup runs.
const SIGNERS: usize = 4;

/// SMTP connections an instance opens at most; the sink serves twice as many at once (each
/// connection holds one of its threads while it stays open).
const MAIL_CONCURRENCY: usize = 2;

fn mail_sink() -> (SmtpSink, String) {
    SmtpSink::new().connections(2 * MAIL_CONCURRENCY).start()
}

/// The test's view of a running instance, for signing through it and reading its database.
fn app_at(server: &Server, database_url: &str, directory: &Path) -> TestApp {
    let scratch = tempfile::tempdir().expect("temporary directory");
    TestApp::driving(
        server.address(),
        database_url,
        directory.join("mail"),
        scratch,
    )
}

/// The binary on `database_url`, sending through `smtp_url` with quick retries and no limits.
fn mailing(database_url: &str, smtp_url: &str) -> Config {
    Config::new(database_url)
        .smtp(smtp_url)
        .unlimited()
        .set("server.secret", "backup-secret")
        .set("mail.retry_base_seconds", 1)
        .set("mail.concurrency", MAIL_CONCURRENCY)
}

fn signer(number: usize) -> String {
    format!("signer-{number}@example.org")
}

async fn sign(app: &TestApp, number: usize) {
    let email = signer(number);
    let response = app
        .sign(
            SLUG,
            &[("name", &format!("Signer {number}")), ("email", &email)],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

fn signers_in(database_url: &str) -> BTreeSet<String> {
    let pool = undersigned::db::connect(database_url, 1).expect("open the database");
    signatures::table
        .select(signatures::email)
        .load::<String>(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .expect("read the signatures")
        .into_iter()
        .collect()
}

fn outbox_states(database_url: &str) -> HashMap<OutboxState, usize> {
    use undersigned::db::schema::outbox;
    let pool = undersigned::db::connect(database_url, 1).expect("open the database");
    let states: Vec<OutboxState> = outbox::table
        .select(outbox::state)
        .load(&mut *pool.get().expect("a connection") as &mut DbConnection)
        .expect("read the outbox");
    let mut counted = HashMap::new();
    for state in states {
        *counted.entry(state).or_insert(0) += 1;
    }
    counted
}

/// Restores `backup` as DEPLOYMENT.md says: SQLite, the service stopped, the file copied over
/// the database (its `-wal` and `-shm` removed); PostgreSQL, `pg_restore` into a new
/// database. Returns the restored database's URL.
fn restore(backend: Backend, backup: &Path, live_url: &str, directory: &Path) -> String {
    match backend {
        Backend::Sqlite => {
            let path = live_url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            std::fs::copy(backup, path).expect("copy the backup into place");
            live_url.to_owned()
        }
        Backend::Postgres => {
            let restored = fresh_database_url(Backend::Postgres, directory);
            let output = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname", &restored])
                .arg(backup)
                .output()
                .expect("run pg_restore");
            assert!(
                output.status.success(),
                "pg_restore failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            restored
        }
    }
}

async fn a_backup_taken_while_signing_restores_every_acknowledged_signature(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let binary = Config::new(&database_url)
        .mail_files(&directory.path().join("mail"))
        .unlimited()
        .set("server.secret", "backup-secret");
    let server = binary.start().await;
    let app = app_at(&server, &database_url, directory.path());
    app.create_letter(SLUG, "open", "");

    // Signers sign, each acknowledgement recorded, until told to stop.
    let acknowledged = Rc::new(RefCell::new(Vec::<usize>::new()));
    let stop = Rc::new(RefCell::new(false));
    let next = Rc::new(RefCell::new(0_usize));
    let signing = futures_util::future::join_all((0..SIGNERS).map(|_| {
        let (app, acknowledged, stop, next) = (&app, &acknowledged, &stop, &next);
        async move {
            while !*stop.borrow() {
                let number = {
                    let mut next = next.borrow_mut();
                    *next += 1;
                    *next
                };
                sign(app, number).await;
                acknowledged.borrow_mut().push(number);
            }
        }
    }));
    let backup = directory.path().join("backup.db");
    let driver = async {
        wait_until("signing under way", Duration::from_secs(30), || {
            acknowledged.borrow().len() >= 50
        })
        .await;
        let before: BTreeSet<String> = acknowledged.borrow().iter().map(|n| signer(*n)).collect();
        let command = binary.clone();
        let path = backup.clone();
        let output = tokio::task::spawn_blocking(move || {
            command.cli(&["backup", path.to_str().expect("a UTF-8 path")])
        })
        .await
        .expect("the backup command ran");
        let at_backup = acknowledged.borrow().len();
        // Signing goes on after the backup, so that the copy is a moment, not the end.
        wait_until("signing after the backup", Duration::from_secs(30), || {
            acknowledged.borrow().len() >= at_backup + 20
        })
        .await;
        *stop.borrow_mut() = true;
        (before, output)
    };
    let (_, (before, output)) = futures_util::future::join(signing, driver).await;
    let said = crate::harness::succeeded(&["backup"], output);
    assert!(
        said.contains("backup written to") && said.contains("backup.db"),
        "the command says where it wrote: {said}"
    );
    let all: BTreeSet<String> = acknowledged.borrow().iter().map(|n| signer(*n)).collect();
    assert!(
        app.audit_actions().contains(&"database.backup".to_owned()),
        "the backup is in the audit log"
    );

    // A second backup to the same file is refused and leaves the first alone.
    let size = std::fs::metadata(&backup).expect("the backup").len();
    let again = binary.cli(&["backup", backup.to_str().expect("a UTF-8 path")]);
    assert!(!again.status.success(), "a backup never overwrites a file");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::metadata(&backup).expect("the backup").len(), size);

    drop(app);
    drop(server);
    let restored_url = restore(backend, &backup, &database_url, directory.path());
    let restored = signers_in(&restored_url);
    let missing: Vec<&String> = before.difference(&restored).collect();
    assert!(
        missing.is_empty(),
        "{} signature(s) acknowledged before the backup began are missing from it: {missing:?}",
        missing.len()
    );
    assert!(
        restored.is_subset(&all),
        "the copy holds only signatures that were acknowledged"
    );
    assert!(
        restored.len() < all.len(),
        "the copy is the moment of the backup ({} of {} signatures)",
        restored.len(),
        all.len()
    );

    // The restored database opens and serves: pages, and signing.
    let server = Config::new(&restored_url)
        .mail_files(&directory.path().join("mail-restored"))
        .unlimited()
        .set("server.secret", "backup-secret")
        .start()
        .await;
    let app = app_at(&server, &restored_url, directory.path());
    assert_eq!(
        app.get(&format!("/letters/{SLUG}")).await.status,
        StatusCode::OK
    );
    sign(&app, 1_000_000).await;
    assert_eq!(signers_in(&restored_url).len(), restored.len() + 1);
}

async fn a_restored_backup_sends_no_email_twice(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let (sink, smtp_url) = mail_sink();
    let sending = |smtp_url: &str| mailing(&database_url, smtp_url);

    // Ten signers, their confirmations delivered before the backup.
    let mut server = sending(&smtp_url).start().await;
    let app = app_at(&server, &database_url, directory.path());
    app.create_letter(SLUG, "open", "");
    for number in 0..10 {
        sign(&app, number).await;
    }
    wait_until(
        "the first confirmations delivered",
        Duration::from_secs(30),
        || sink.arrivals().len() >= 10,
    )
    .await;
    server.sigterm().await;
    // Each instance's test connections go with it (a SQLite file is replaced below).
    drop(app);

    // Twenty more while the mail server is unreachable: waiting when the backup is taken.
    let unreachable = format!("smtp://127.0.0.1:{}", free_port());
    let mut server = sending(&unreachable).start().await;
    let app = app_at(&server, &database_url, directory.path());
    for number in 10..30 {
        sign(&app, number).await;
    }
    let backup = directory.path().join("backup.dump");
    let said = sending(&unreachable).cli_ok(&["backup", backup.to_str().expect("UTF-8")]);
    assert!(said.contains("backup written to"), "{said}");
    server.sigterm().await;

    // The live service delivers them after the backup.
    let mut server = sending(&smtp_url).start().await;
    wait_until(
        "every confirmation delivered",
        Duration::from_secs(60),
        || sink.arrivals().len() >= 30,
    )
    .await;
    server.sigterm().await;
    drop(app);

    // Restored, the copy sends none of them again, and new signers get theirs.
    let restored_url = restore(backend, &backup, &database_url, directory.path());
    let restored = Config::new(&restored_url)
        .smtp(&smtp_url)
        .unlimited()
        .set("mail.concurrency", MAIL_CONCURRENCY)
        .set("server.secret", "backup-secret");
    let mut server = restored.start().await;
    let app = app_at(&server, &restored_url, directory.path());
    for number in 100..105 {
        sign(&app, number).await;
    }
    wait_until(
        "the new signers' confirmations",
        Duration::from_secs(30),
        || sink.arrivals().len() >= 35,
    )
    .await;
    assert_sent_once(&sink);
    let status = restored.cli_ok(&["outbox", "status"]);
    assert!(
        status.contains("held: 20") && status.contains("undersigned outbox discard"),
        "the operator is told what is held and what to do: {status}"
    );
    let discarded = restored.cli_ok(&["outbox", "discard"]);
    assert!(discarded.contains("20 email(s) discarded"), "{discarded}");
    // Started again, the service still sends nothing it sent before.
    server.restart().await;
    sign(&app, 200).await;
    wait_until(
        "the last signer's confirmation",
        Duration::from_secs(30),
        || sink.arrivals().len() >= 36,
    )
    .await;
    assert_eq!(outbox_states(&restored_url).get(&OutboxState::Held), None);

    assert_sent_once(&sink);
    let arrivals = sink.arrivals();
    assert_eq!(arrivals.len(), 36, "every signer got one confirmation");
    let actions = app.audit_actions();
    assert!(
        actions.contains(&"outbox.discard".to_owned()),
        "{actions:?}"
    );
}

fn assert_sent_once(sink: &SmtpSink) {
    let arrivals = sink.arrivals();
    let twice: Vec<(&String, &usize)> = arrivals.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.is_empty(),
        "{} email(s) arrived twice after the restore: {twice:?}",
        twice.len()
    );
}

async fn mail_held_by_hand_and_an_update_being_queued_wait_until_released(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let (sink, smtp_url) = mail_sink();
    let unreachable = format!("smtp://127.0.0.1:{}", free_port());
    let binary = |smtp_url: &str| mailing(&database_url, smtp_url);
    // Five confirmations waiting, as in a copy restored by other means than `backup`.
    let mut server = binary(&unreachable).start().await;
    let app = app_at(&server, &database_url, directory.path());
    app.create_letter(SLUG, "open", "");
    for number in 0..5 {
        sign(&app, number).await;
    }
    server.sigterm().await;
    // An update to them had begun queueing when the copy was taken, and its queuer's claim
    // has run out since: a worker would take it over and queue it to everyone again.
    {
        use undersigned::db::schema::updates;
        use undersigned::signatures::SignatureState;
        let connection: &mut DbConnection = &mut app.connection();
        diesel::update(signatures::table)
            .set((
                signatures::state.eq(SignatureState::Verified),
                signatures::updates.eq(true),
            ))
            .execute(connection)
            .expect("the signers confirmed, wanting updates");
        let letter = undersigned::letters::find_by_slug(connection, SLUG)
            .expect("read")
            .expect("the letter");
        let actor = undersigned::staff::Actor::command_line();
        let update = undersigned::updates::create(
            connection,
            &letter,
            "News",
            "We delivered it.",
            crate::helpers::PUBLIC_URL,
            &actor,
            None,
        )
        .expect("an update");
        assert!(
            undersigned::updates::start_sending(connection, &update.id, &actor).expect("sending")
        );
        diesel::update(updates::table)
            .set(
                updates::queue_locked_until.eq(undersigned::db::now() - chrono::Duration::hours(1)),
            )
            .execute(connection)
            .expect("its queuer long gone");
    }
    drop(app);
    let held = binary(&smtp_url).cli_ok(&["outbox", "hold"]);
    assert!(
        held.contains("5 email(s) held")
            && held.contains("1 update(s) that were being queued paused"),
        "{held}"
    );
    let queued = undersigned::updates::queue::resume_stalled(
        &mut undersigned::db::connect(&database_url, 1)
            .expect("open")
            .get()
            .expect("a connection"),
    )
    .expect("look for stalled updates");
    assert_eq!(queued, 0, "a paused update is not taken over");

    let server = binary(&smtp_url).start().await;
    let app = app_at(&server, &database_url, directory.path());
    sign(&app, 5).await;
    wait_until("the new confirmation", Duration::from_secs(30), || {
        sink.count() >= 1
    })
    .await;
    assert_eq!(
        outbox_states(&database_url).get(&OutboxState::Held),
        Some(&5)
    );
    assert_eq!(sink.count(), 1, "held mail is not sent");

    let released = binary(&smtp_url).cli_ok(&["outbox", "release"]);
    assert!(
        released.contains("5 email(s) released") && released.contains("1 update(s)"),
        "{released}"
    );
    // The service's job takes the update over within seconds; this is the same call, now.
    let _ = undersigned::updates::queue::resume_stalled(
        &mut undersigned::db::connect(&database_url, 1)
            .expect("open")
            .get()
            .expect("a connection"),
    );
    wait_until(
        "the released confirmations and the update",
        Duration::from_secs(30),
        || sink.count() >= 11,
    )
    .await;
    assert!(sink.arrivals().values().all(|count| *count == 1));
    let actions = app.audit_actions();
    for action in ["outbox.hold", "outbox.release"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
}

/// `outbox hold` on a live service races the mail worker: a message it holds may be in a
/// worker's hands, its SMTP conversation under way. When that send fails (here: a mail server
/// that accepts and hangs up after a while), the worker's retry must not put it back to wait.
async fn mail_held_while_a_worker_is_sending_it_stays_held_when_the_send_fails(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let stalling = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the mail server");
    let smtp_url = format!(
        "smtp://{}",
        stalling.local_addr().expect("the mail server's address")
    );
    std::thread::spawn(move || {
        for connection in stalling.incoming().flatten() {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(2));
                drop(connection);
            });
        }
    });
    let mut server = mailing(&database_url, &smtp_url).start().await;
    let app = app_at(&server, &database_url, directory.path());
    app.create_letter(SLUG, "open", "");
    for number in 0..3 {
        sign(&app, number).await;
    }
    wait_until(
        "a worker sending the confirmations",
        Duration::from_secs(30),
        || outbox_states(&database_url).contains_key(&OutboxState::Sending),
    )
    .await;
    let held = mailing(&database_url, &smtp_url).cli_ok(&["outbox", "hold"]);
    assert!(held.contains("3 email(s) held"), "{held}");
    // The sends under way fail within 2 s; the worker would retry after 1 s.
    actix_web::rt::time::sleep(Duration::from_secs(5)).await;
    let states = outbox_states(&database_url);
    assert_eq!(
        states,
        HashMap::from([(OutboxState::Held, 3)]),
        "held mail went back to the worker"
    );
    server.sigterm().await;
}
