//! An address only while there is a reason (issue 22): once confirmed, a signer who asked for
//! nothing that needs their address leaves no trace of it in any table (only a keyed hash,
//! which still makes a second signature a duplicate and leaves the withdraw link working);
//! asking for updates, an organization's contact and a letter kept for delivery keep it, and
//! it goes when that reason ends: unsubscribing, the delivery hold running out. A withdrawal
//! takes the "no more updates" wish with it, so signing again with "Keep me updated" works.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{signatures, update_unsubscribes};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_confirmed_signer_who_asked_for_nothing_leaves_no_address_in_any_table,
    an_address_stays_while_there_is_a_reason_and_goes_when_it_ends,
    a_withdrawal_takes_the_unsubscribe_with_it_and_signing_again_gets_updates,
    a_key_other_than_the_one_the_database_was_keyed_with_is_refused,
);

const SLUG: &str = "dear-president";

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

/// Every value of every row of every table, as text, lower-cased: what a dump of the database
/// would show.
fn whole_database(app: &TestApp) -> String {
    let mut connection = app.connection();
    let connection: &mut DbConnection = &mut connection;
    let mut dump = String::new();
    match connection {
        DbConnection::Sqlite(connection) => {
            let tables: Vec<Text> = diesel::sql_query(
                "SELECT name AS text FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%'",
            )
            .load(connection)
            .expect("list the tables");
            for table in tables {
                let columns: Vec<Text> = diesel::sql_query(format!(
                    "SELECT name AS text FROM pragma_table_info('{}')",
                    table.text
                ))
                .load(connection)
                .expect("list the columns");
                let row = columns
                    .iter()
                    .map(|column| format!("quote(\"{}\")", column.text))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let rows: Vec<Text> =
                    diesel::sql_query(format!("SELECT {row} AS text FROM \"{}\"", table.text))
                        .load(connection)
                        .expect("read a table");
                for row in rows {
                    dump.push_str(&format!("{}: {}\n", table.text, row.text));
                }
            }
        }
        DbConnection::Postgresql(connection) => {
            let tables: Vec<Text> = diesel::sql_query(
                "SELECT table_name::text AS text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .load(connection)
            .expect("list the tables");
            for table in tables {
                let rows: Vec<Text> = diesel::sql_query(format!(
                    "SELECT CAST(t AS TEXT) AS text FROM \"{}\" t",
                    table.text
                ))
                .load(connection)
                .expect("read a table");
                for row in rows {
                    dump.push_str(&format!("{}: {}\n", table.text, row.text));
                }
            }
        }
    }
    assert!(dump.contains("signatures:"), "the tables were read: {dump}");
    dump.to_lowercase()
}

fn held_address(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .filter(signatures::withdrawn_at.is_null())
        .select(signatures::email)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn sign_and_confirm(
    app: &TestApp,
    slug: &str,
    email: &str,
    extra: &[(&str, &str)],
) -> crate::helpers::Email {
    let before = app
        .mails()
        .iter()
        .filter(|mail| mail.to.eq_ignore_ascii_case(email))
        .count();
    let mut fields = vec![("name", "Dana Levi"), ("email", email), ("public", "on")];
    fields.extend_from_slice(extra);
    let signed = app.sign(slug, &fields).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app
        .wait_for_mails_to(email, before + 1)
        .await
        .into_iter()
        .rfind(|mail| mail.text.contains("/verify/"))
        .expect("a confirmation");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        confirmed.body.contains("Signature confirmed"),
        "{}",
        confirmed.body
    );
    mail
}

async fn a_confirmed_signer_who_asked_for_nothing_leaves_no_address_in_any_table(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let email = "Dana.Levi@Example.org";
    let confirmation = sign_and_confirm(&app, SLUG, email, &[]).await;
    // Mail goes out through the outbox; wait until nothing about Dana is left unsent.
    app.wait_for_public_total(SLUG, 1).await;
    let dump = whole_database(&app);
    assert!(
        !dump.contains("dana.levi@example.org") && !dump.contains("@example.org"),
        "an address is still kept after confirmation: {dump}"
    );
    assert!(dump.contains("dana levi"), "the listed name stays: {dump}");
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(
        page.body.contains("Dana Levi"),
        "still listed: {}",
        page.body
    );

    // Signing again with the same address (another spelling of it) is still a duplicate: one
    // signature, and an "already signed" email to the address typed now.
    let again = app
        .sign(
            SLUG,
            &[("name", "Dana Levi"), ("email", "dana.levi@example.org")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let mails = app.wait_for_mails_to("dana.levi@example.org", 2).await;
    let already = mails.last().expect("a second email");
    assert!(
        already.text.to_lowercase().contains("already"),
        "{}",
        already.text
    );
    assert_eq!(app.signature_count(), 1, "no second signature");

    // The withdraw link of the first email still works: it names the signature.
    let withdrawn = app.post_form(&confirmation.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    app.wait_for_public_total(SLUG, 0).await;
}

async fn an_address_stays_while_there_is_a_reason_and_goes_when_it_ends(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.create_letter(
        "kept-for-delivery",
        "open",
        "keep_addresses_until_delivery = true",
    );
    sign_and_confirm(&app, SLUG, "updates@example.org", &[("updates", "on")]).await;
    sign_and_confirm(&app, "kept-for-delivery", "delivery@example.org", &[]).await;
    assert_eq!(
        held_address(&app, "updates@example.org"),
        "updates@example.org"
    );
    assert_eq!(
        held_address(&app, "delivery@example.org"),
        "delivery@example.org"
    );

    // The hourly sweep leaves both while their reasons hold.
    let sweep = |days: i64| {
        undersigned::signatures::retention::sweep(&mut app.connection(), days).expect("a sweep")
    };
    assert_eq!(sweep(1), 0);
    assert_eq!(
        held_address(&app, "delivery@example.org"),
        "delivery@example.org"
    );

    // The letter closed two days ago: with `erase_after_days = 1` its delivery hold is over.
    diesel::update(
        undersigned::db::schema::letters::table
            .filter(undersigned::db::schema::letters::slug.eq("kept-for-delivery")),
    )
    .set((
        undersigned::db::schema::letters::status.eq("closed"),
        undersigned::db::schema::letters::closed_at
            .eq(undersigned::db::now() - chrono::Duration::days(2)),
    ))
    .execute(&mut *app.connection() as &mut DbConnection)
    .expect("close the letter");
    assert_eq!(sweep(1), 1);
    assert_eq!(held_address(&app, "delivery@example.org"), "");
    assert_eq!(
        held_address(&app, "updates@example.org"),
        "updates@example.org",
        "asked for updates: kept"
    );
    let dump = whole_database(&app);
    assert!(!dump.contains("delivery@example.org"), "{dump}");
}

async fn a_withdrawal_takes_the_unsubscribe_with_it_and_signing_again_gets_updates(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let email = "dana@example.org";
    let confirmation = sign_and_confirm(&app, SLUG, email, &[("updates", "on")]).await;
    send_update(&app, "First news");
    let update = wait_for_update(&app, email, "First news").await;
    let unsubscribe = update.link("/unsubscribe/");
    assert!(
        !unsubscribe.contains("ZGFuYU") && !unsubscribe.contains("dana"),
        "the link holds no address, not even in base64: {unsubscribe}"
    );
    let done = app
        .post_form(&unsubscribe, "List-Unsubscribe=One-Click")
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // No more updates was the last reason to keep the address.
    assert_eq!(held_address(&app, email), "");
    let unsubscribed = || -> i64 {
        update_unsubscribes::table
            .count()
            .get_result(&mut *app.connection() as &mut DbConnection)
            .expect("count")
    };
    assert_eq!(unsubscribed(), 1);
    assert!(!whole_database(&app).contains(email));

    let withdrawn = app.post_form(&confirmation.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(
        unsubscribed(),
        0,
        "the withdrawal took the unsubscribe with it"
    );

    sign_and_confirm(&app, SLUG, email, &[("updates", "on")]).await;
    send_update(&app, "Second news");
    wait_for_update(&app, email, "Second news").await;
}

fn send_update(app: &TestApp, subject: &str) {
    let mut connection = app.connection();
    let connection: &mut DbConnection = &mut connection;
    let letter = undersigned::letters::find_by_slug(connection, SLUG)
        .expect("read")
        .expect("the letter");
    let actor = undersigned::staff::Actor::command_line();
    let update = undersigned::updates::create(
        connection,
        &letter,
        subject,
        "News.",
        crate::helpers::PUBLIC_URL,
        &actor,
        None,
    )
    .expect("a draft");
    undersigned::updates::send(connection, &update.id, 1000, &actor).expect("queued");
}

async fn wait_for_update(app: &TestApp, email: &str, subject: &str) -> crate::helpers::Email {
    for _ in 0..200 {
        if let Some(mail) = app
            .mails()
            .into_iter()
            .find(|mail| mail.to == email && mail.subject.contains(subject))
        {
            return mail;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no update {subject:?} to {email}");
}

/// A changed `signing.address_key` (or `server.secret`, or a lost key file) would make every
/// kept hash unrecognisable: the binary refuses to start, saying so, and starts again with
/// the right key.
async fn a_key_other_than_the_one_the_database_was_keyed_with_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let refused = app
        .binary()
        .set("signing.address_key", "another key")
        .cli(&["letters", "list"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("not the one this database was keyed with"),
        "{stderr}"
    );
    if matches!(backend, Backend::Sqlite) {
        // No key set: a key file is made beside the database, readable by its owner only, and
        // it is not the key this database was keyed with either.
        let refused = app
            .binary()
            .set("signing.address_key", "")
            .cli(&["letters", "list"]);
        assert!(!refused.status.success());
        let key_file = app.directory.path().join("undersigned.db.address-key");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&key_file)
                .expect("the key file")
                .permissions(),
        );
        assert_eq!(mode & 0o777, 0o600, "{key_file:?}");
    }
    let listed = app.cli_ok(&["letters", "list"]);
    assert!(listed.contains(SLUG), "{listed}");
}
