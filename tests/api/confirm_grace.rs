//! A signature made before a letter closed may be confirmed for `signing.confirm_grace_hours`
//! (24) after the close, counted from the real close: archiving or editing the closed letter
//! later does not start the grace again. A closed letter sends no new links.

use awc::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letters, signatures};

use crate::helpers::{Backend, TestApp, encode, form_time_signed, spawn_app, unix_now};
use crate::on_both_backends;

on_both_backends!(
    archiving_a_closed_letter_later_does_not_restart_the_grace,
    a_closed_letter_takes_no_resend_and_confirms_only_within_the_grace,
);

const SLUG: &str = "dear-president";

async fn sign_pending(app: &TestApp, name: &str, email: &str) -> String {
    let signed = app
        .sign(SLUG, &[("name", name), ("email", email), ("public", "on")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app
        .wait_for_mails_to(email, 1)
        .await
        .pop()
        .expect("a confirmation email");
    mail.link("/verify/")
}

fn closed_at(app: &TestApp) -> Option<NaiveDateTime> {
    letters::table
        .filter(letters::slug.eq(SLUG))
        .select(letters::closed_at)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the letter")
}

/// Moves the letter's close `hours` further into the past, as if it had closed that much
/// earlier, and its signatures to before that. Its last change (`updated_at`) stays: the
/// archiving a moment ago.
fn closed_earlier(app: &TestApp, hours: i64) {
    let connection: &mut DbConnection = &mut app.connection();
    let closed = closed_at_of(connection).expect("the letter has closed");
    let earlier = closed - chrono::Duration::hours(hours);
    diesel::update(letters::table.filter(letters::slug.eq(SLUG)))
        .set(letters::closed_at.eq(earlier))
        .execute(connection)
        .expect("move the close");
    diesel::update(signatures::table)
        .set(signatures::created_at.eq(earlier - chrono::Duration::hours(1)))
        .execute(connection)
        .expect("move the signatures");
}

fn closed_at_of(connection: &mut DbConnection) -> Option<NaiveDateTime> {
    letters::table
        .filter(letters::slug.eq(SLUG))
        .select(letters::closed_at)
        .first(connection)
        .expect("the letter")
}

fn state_of(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn archiving_a_closed_letter_later_does_not_restart_the_grace(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    assert_eq!(closed_at(&app), None, "an open letter has not closed");
    let ada = sign_pending(&app, "Ada Lovelace", "ada@example.org").await;
    let grace = sign_pending(&app, "Grace Hopper", "grace@example.org").await;

    let editor = app.staff("editor@coalition.test", "editor").await;
    let closed = editor
        .post(
            &format!("/admin/letters/{SLUG}/state"),
            &[("to", "closed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert!(closed_at(&app).is_some(), "closing records when");

    // 23 hours after the close, staff archive the letter.
    closed_earlier(&app, 23);
    let real_close = closed_at(&app);
    let archived = editor
        .post(
            &format!("/admin/letters/{SLUG}/state"),
            &[("to", "archived"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    assert_eq!(closed_at(&app), real_close, "archiving is not a new close");

    // Within the grace after the real close: Grace's confirmation counts.
    let confirmed = app.post_form(&grace, "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(state_of(&app, "grace@example.org"), "verified");

    // Two hours later the grace after the real close is over, however recent the archiving.
    closed_earlier(&app, 2);
    let page = app.get(&ada).await;
    assert_eq!(
        page.status,
        StatusCode::GONE,
        "no button that could only answer too late"
    );
    let refused = app.post_form(&ada, "").await;
    assert_eq!(refused.status, StatusCode::GONE, "{}", refused.body);
    assert!(
        refused.body.contains("This letter has closed"),
        "{}",
        refused.body
    );
    assert_eq!(
        state_of(&app, "ada@example.org"),
        "pending",
        "nothing counted"
    );
}

/// A closed letter stops changing, with a grace for late confirmations.
async fn a_closed_letter_takes_no_resend_and_confirms_only_within_the_grace(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let mut links = Vec::new();
    for email in ["early@example.org", "late@example.org"] {
        let signed = app
            .sign(SLUG, &[("name", "Reader"), ("email", email)])
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER);
        let mails = app.wait_for_mails_to(email, 1).await;
        links.push(mails[0].link("/verify/"));
    }
    let editor = app.staff("editor@coalition.test", "editor").await;
    let closed = editor
        .post(
            &format!("/admin/letters/{SLUG}/state"),
            &[("to", "closed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);

    // A new link for a pending signature: refused, the letter has closed.
    let secret = app.stored_form_secret().expect("the stored form secret");
    let stamp = form_time_signed(&secret, &app.letter_id(SLUG), unix_now() - 30);
    let outbox = app.outbox_count();
    let resend = app
        .post_form_raw(
            &format!("/letters/{SLUG}/resend"),
            encode(&[("email", "late@example.org"), ("t", &stamp)]),
        )
        .await;
    assert_eq!(resend.status, StatusCode::CONFLICT, "{}", resend.body);
    assert!(
        resend
            .body
            .contains("This letter has closed and no longer takes signatures."),
        "{}",
        resend.body
    );
    assert_eq!(app.outbox_count(), outbox, "no new link sent");
    let resend_page = app.get(&format!("/letters/{SLUG}/resend")).await;
    assert!(resend_page.body.contains("no longer takes signatures"));

    // Within the grace (24 hours by default), a signature made before the close is confirmed.
    let early = app.post_form(&links[0], "").await;
    assert_eq!(early.status, StatusCode::OK, "{}", early.body);
    assert!(early.body.contains("Signature confirmed"), "{}", early.body);

    // The letter closed 25 hours ago: too late.
    let long_ago = undersigned::db::now() - chrono::Duration::hours(25);
    diesel::update(letters::table.filter(letters::slug.eq(SLUG)))
        .set((
            letters::updated_at.eq(long_ago),
            letters::closed_at.eq(long_ago),
        ))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("move the close back");
    let page = app.get(&links[1]).await;
    let late = app.post_form(&links[1], "").await;
    assert_eq!(late.status, StatusCode::GONE, "{}", late.body);
    assert!(
        late.body.contains("This letter has closed"),
        "{}",
        late.body
    );
    assert!(
        late.body
            .contains("the time to confirm one made before it closed has passed"),
        "{}",
        late.body
    );
    // The link's page says so at once rather than offering a button that cannot work.
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(
        page.body.contains("This letter has closed"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Confirm my signature"), "{}", page.body);
    let mut states: Vec<(String, String)> = signatures::table
        .select((signatures::email_normalized, signatures::state))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures");
    states.sort();
    let mut expected = vec![
        (
            crate::helpers::mailbox_key("early@example.org"),
            "verified".to_owned(),
        ),
        (
            crate::helpers::mailbox_key("late@example.org"),
            "pending".to_owned(),
        ),
    ];
    expected.sort();
    assert_eq!(states, expected);
}
