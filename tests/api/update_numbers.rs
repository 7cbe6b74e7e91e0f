//! Each update has a number, and its messages are named by it (short ids, the Message-ID
//! too): staff on two instances writing updates at the same moment all succeed and every
//! signer gets each update once under its own Message-ID; a withdrawal still takes back the
//! update message not yet sent; and an update half queued by the version before the numbers
//! is finished after the upgrade with one message per signer, the messages queued before
//! the upgrade going out under the Message-IDs they had.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::future::join_all;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signatures, updates};
use undersigned::mail::outbox::OutboxState;

use crate::harness::wait_until;
use crate::helpers::{Backend, Email, PUBLIC_URL, fresh_database_url, spawn_app_with, start_on};
use crate::on_both_backends;
use crate::updates::{
    SLUG, app, confirm_and_send, insert_opted_in_signers, sign_and_confirm,
    wait_for_update_mails_within, write_update,
};

on_both_backends!(
    updates_written_at_once_on_two_instances_each_reach_every_signer_once,
    withdrawing_takes_back_the_update_message_not_yet_sent,
    an_update_half_queued_before_the_upgrade_reaches_every_signer_once_after_it,
);

const SIGNERS: [&str; 3] = ["ada@example.org", "bob@example.org", "eve@example.org"];

async fn updates_written_at_once_on_two_instances_each_reach_every_signer_once(backend: Backend) {
    let first = app(backend).await;
    let second = first.another_instance(&[]).await;
    for email in SIGNERS {
        sign_and_confirm(&first, email, &[("name", "Signer"), ("updates", "on")]).await;
    }
    let alice = first.staff("alice@coalition.test", "editor").await;
    let bruno = second.staff("bruno@coalition.test", "editor").await;
    // Three rounds of two staff saving an update at the same moment, each on an instance of
    // their own: every one of them is saved.
    let mut pages = Vec::new();
    for round in 0..3 {
        let subjects = [format!("News {round}a"), format!("News {round}b")];
        let saved = join_all([
            write_update(&alice, &subjects[0], "From Alice."),
            write_update(&bruno, &subjects[1], "From Bruno."),
        ])
        .await;
        pages.extend(saved.into_iter().zip(subjects));
    }
    let distinct: HashSet<&String> = pages.iter().map(|(page, _)| page).collect();
    assert_eq!(distinct.len(), 6, "six updates saved: {pages:?}");
    // Sending them all at once too.
    join_all(pages.iter().enumerate().map(|(index, (page, _))| {
        confirm_and_send(if index % 2 == 0 { &alice } else { &bruno }, page)
    }))
    .await;
    let mut message_ids = HashSet::new();
    for (_, subject) in &pages {
        let mails =
            wait_for_update_mails_within(&first, subject, SIGNERS.len(), Duration::from_secs(30))
                .await;
        let mut recipients: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
        recipients.sort();
        assert_eq!(recipients, SIGNERS, "“{subject}” once to every signer");
        for mail in &mails {
            assert!(
                message_ids.insert(mail.message_id.clone()),
                "“{subject}” to {} reuses a Message-ID: {}",
                mail.to,
                mail.message_id
            );
        }
    }
    assert_eq!(message_ids.len(), 6 * SIGNERS.len());
}

async fn withdrawing_takes_back_the_update_message_not_yet_sent(backend: Backend) {
    // Two emails a minute: the two confirmations go out, the update waits behind them.
    let app = spawn_app_with(backend, &[("limits.emails_per_minute", "2".to_owned())]).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    let ada = sign_and_confirm(&app, SIGNERS[0], &[("name", "Ada"), ("updates", "on")]).await;
    sign_and_confirm(&app, SIGNERS[2], &[("name", "Eve"), ("updates", "on")]).await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let update = write_update(&staff, "Waiting news", "Soon.").await;
    confirm_and_send(&staff, &update).await;
    let waiting = |app: &crate::helpers::TestApp| -> Vec<(String, OutboxState)> {
        outbox::table
            .filter(outbox::update_id.is_not_null())
            .select((outbox::recipient, outbox::state))
            .order(outbox::recipient.asc())
            .load(&mut *app.connection() as &mut DbConnection)
            .expect("read the outbox")
    };
    // Sending queues in the background.
    wait_until("the update queued", Duration::from_secs(10), || {
        waiting(&app).len() == 2
    })
    .await;
    assert_eq!(
        waiting(&app),
        [
            (SIGNERS[0].to_owned(), OutboxState::Waiting),
            (SIGNERS[2].to_owned(), OutboxState::Waiting)
        ],
        "the update waits for both"
    );

    let withdrawn = app.post_form(&ada.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);

    // Ada's message is gone, so it never goes out; Eve's still waits.
    assert_eq!(
        waiting(&app),
        [(SIGNERS[2].to_owned(), OutboxState::Waiting)],
        "only Eve's message is left"
    );
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// The first migration of the version that numbers updates.
const NUMBERS: &str = "2026-12-01-000700";
const BEFORE: usize = 10;
const AFTER: usize = 10;
const SUBJECT: &str = "Queued across the upgrade";

/// Whether a migration (by its name, however it spells the date) belongs to the version
/// before: older than `NUMBERS`, or one of the additive ones its setup needs (`ADDED_SINCE`).
fn before_numbers(name: &str) -> bool {
    let digits = |text: &str| -> String {
        text.chars()
            .take_while(|c| *c != '_')
            .filter(char::is_ascii_digit)
            .collect()
    };
    // Later migrations that only add columns this test's setup writes through today's code
    // (`letters::import::store` writes `letters.comments`) and that update numbering never
    // reads: applied out of order with the version before's schema.
    const ADDED_SINCE: [&str; 2] = ["2026-12-07-000500", "2026-12-07-000600"];
    digits(name) < digits(NUMBERS)
        || ADDED_SINCE
            .iter()
            .any(|added| digits(name) == digits(added))
}

/// Applies every migration older than `NUMBERS`: the schema of the version before.
fn migrate_to_the_version_before(connection: &mut DbConnection) {
    match connection {
        DbConnection::Sqlite(connection) => {
            for migration in connection
                .pending_migrations(SQLITE_MIGRATIONS)
                .expect("list migrations")
            {
                if before_numbers(&migration.name().to_string()) {
                    connection.run_migration(&*migration).expect("migrate");
                }
            }
        }
        DbConnection::Postgresql(connection) => {
            for migration in connection
                .pending_migrations(POSTGRES_MIGRATIONS)
                .expect("list migrations")
            {
                if before_numbers(&migration.name().to_string()) {
                    connection.run_migration(&*migration).expect("migrate");
                }
            }
        }
    }
}

/// What the version before did for an update: the row (no number), claimed by a queuer that
/// died after queueing the first `BEFORE` signers under ids `u<update hex>.<signature hex>`.
/// Returns the ids (the Message-IDs) of those messages.
fn half_queued_the_old_way(connection: &mut DbConnection) -> Vec<String> {
    let document = undersigned::letters::import::parse_document(&crate::helpers::letter_document(
        SLUG, "open", "",
    ))
    .expect("a letter");
    undersigned::letters::import::store(connection, &document).expect("stored");
    let letter = undersigned::letters::find_by_slug(connection, SLUG)
        .expect("read")
        .expect("the letter");
    insert_opted_in_signers(connection, &letter, BEFORE + AFTER);
    let signers: Vec<String> = signatures::table
        .order(signatures::id.asc())
        .select(signatures::id)
        .load(connection)
        .expect("the signers");
    let update_id = undersigned::db::new_id();
    let now = undersigned::db::now();
    diesel::insert_into(updates::table)
        .values((
            updates::id.eq(&update_id),
            updates::letter_id.eq(&letter.id),
            updates::subject.eq(SUBJECT),
            updates::body_markdown.eq("Across."),
            updates::body_html.eq("<p>Across.</p>"),
            updates::state.eq("sending"),
            updates::public_base.eq(PUBLIC_URL),
            updates::created_by.eq("test"),
            updates::created_at.eq(now),
            updates::sending_at.eq(now),
            updates::queue_cursor.eq(&signers[BEFORE - 1]),
            updates::queue_locked_until.eq(now - chrono::Duration::seconds(1)),
            updates::queued.eq(BEFORE as i64),
        ))
        .execute(connection)
        .expect("the update as the version before stored it");
    let compact = |id: &str| id.replace('-', "");
    let ids: Vec<String> = signers[..BEFORE]
        .iter()
        .map(|signature| format!("u{}.{}", compact(&update_id), compact(signature)))
        .collect();
    for (id, signature) in ids.iter().zip(&signers) {
        let email: String = signatures::table
            .find(signature)
            .select(signatures::email)
            .first(connection)
            .expect("the signer's address");
        diesel::insert_into(outbox::table)
            .values((
                outbox::id.eq(id),
                outbox::message_id.eq(""),
                outbox::recipient.eq(email),
                outbox::subject.eq(""),
                outbox::body_text.eq(""),
                outbox::body_html.eq(""),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
                outbox::state.eq(OutboxState::Waiting),
                outbox::recipient_key.eq(""),
                outbox::update_id.eq(&update_id),
            ))
            .execute(connection)
            .expect("a message as the version before queued it");
    }
    ids
}

async fn an_update_half_queued_before_the_upgrade_reaches_every_signer_once_after_it(
    backend: Backend,
) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let queued_before = {
        let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
        let queued = {
            let mut connection = pool.get().expect("a connection");
            let connection: &mut DbConnection = &mut connection;
            migrate_to_the_version_before(connection);
            half_queued_the_old_way(connection)
        };
        // The upgrade's first step: `undersigned migrate` with the new binary.
        undersigned::db::migrate(&pool).expect("migrate to the new version");
        queued
    };
    // The new version starts on that database: it sends what waits, and its mail worker
    // takes over the update whose queuer died.
    let mail_dir = directory.path().join("mail");
    let (app, _handle) = start_on(database_url, mail_dir, &[]).await;
    let mails =
        wait_for_update_mails_within(&app, SUBJECT, BEFORE + AFTER, Duration::from_secs(40)).await;
    let mut per_recipient: HashMap<&str, usize> = HashMap::new();
    for mail in &mails {
        *per_recipient.entry(mail.to.as_str()).or_insert(0) += 1;
    }
    assert_eq!(
        per_recipient.len(),
        BEFORE + AFTER,
        "every signer: {per_recipient:?}"
    );
    assert!(
        per_recipient.values().all(|count| *count == 1),
        "once each: {per_recipient:?}"
    );
    let message_ids: HashSet<&str> = mails
        .iter()
        .map(|mail: &Email| mail.message_id.as_str())
        .collect();
    assert_eq!(message_ids.len(), BEFORE + AFTER, "a Message-ID each");
    for id in &queued_before {
        assert!(
            message_ids
                .iter()
                .any(|message_id| message_id.split('@').next() == Some(id.as_str())),
            "a message queued before the upgrade went out under its Message-ID {id}: {message_ids:?}"
        );
    }
}
