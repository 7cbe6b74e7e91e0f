//! The form stamp (the hidden `t` field) keeps real signatures and turns scripts away: a form
//! opened before a restart or on another instance is taken, `server.secret` signs the stamps
//! when set, a hurried person is asked again rather than dropped, and an expired or foreign
//! stamp shows the form again with a fresh one.

use std::time::Duration;

use awc::http::StatusCode;

use crate::helpers::{
    Backend, Response, TestApp, encode, form_time_in, form_time_signed, spawn_app, spawn_app_with,
    spawn_stoppable_app, unix_now,
};
use crate::on_both_backends;

on_both_backends!(
    a_form_loaded_before_a_restart_is_taken_after_it,
    two_instances_on_one_database_take_each_others_forms,
    a_configured_server_secret_signs_the_forms,
    a_hurried_signer_is_asked_again_and_then_signs,
    expired_and_foreign_stamps_show_the_form_again_with_a_fresh_one,
);

const SLUG: &str = "dear-president";
const PRESS_AGAIN: &str = "Please check your details and press Sign again.";

fn sign_path(slug: &str) -> String {
    format!("/letters/{slug}/sign")
}

fn stored_emails(app: &TestApp) -> Vec<String> {
    app.signature_states()
        .into_iter()
        .map(|(email, _)| email)
        .collect()
}

/// Waits for a confirmation email to `email` and checks it carries a working-looking link.
async fn confirmation_arrives(app: &TestApp, email: &str) {
    let mails = app.wait_for_mails_to(email, 1).await;
    assert!(mails[0].text.contains("/verify/"), "{}", mails[0].text);
}

async fn a_form_loaded_before_a_restart_is_taken_after_it(backend: Backend) {
    let (before, handle) = spawn_stoppable_app(backend, &[]).await;
    before.create_letter(SLUG, "open", "");
    let stamp = before.form_time(SLUG).await;
    assert!(!stamp.is_empty());
    handle.stop(true).await;

    let after = before.another_instance(&[]).await;
    let signed = after
        .post_form_raw(
            &sign_path(SLUG),
            encode(&[
                ("name", "Patient Person"),
                ("email", "patient@example.org"),
                ("t", &stamp),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(stored_emails(&after), vec!["patient@example.org"]);
    confirmation_arrives(&after, "patient@example.org").await;
}

/// Every instance shares the secret kept in the database.
async fn two_instances_on_one_database_take_each_others_forms(backend: Backend) {
    let first = spawn_app(backend).await;
    let second = first.another_instance(&[]).await;
    first.create_letter(SLUG, "open", "");
    for (shown_by, sent_to, email) in [
        (&first, &second, "one@example.org"),
        (&second, &first, "two@example.org"),
    ] {
        let stamp = shown_by.form_time(SLUG).await;
        let signed = sent_to
            .post_form_raw(
                &sign_path(SLUG),
                encode(&[("name", "Someone"), ("email", email), ("t", &stamp)]),
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        confirmation_arrives(&first, email).await;
    }
    assert_eq!(first.signature_count(), 2);
}

/// `server.secret`, when set, signs the forms instead of the stored secret.
async fn a_configured_server_secret_signs_the_forms(backend: Backend) {
    const CONFIGURED: &str = "a secret the operator configured";
    let configured = [("server.secret", CONFIGURED.to_owned())];
    let app = spawn_app_with(backend, &configured).await;
    app.create_letter(SLUG, "open", "");
    let stamp = app.form_time(SLUG).await;
    let (timestamp, _) = stamp.split_once('.').expect("timestamp.signature");
    let timestamp: u64 = timestamp.parse().expect("a unix time");
    assert_eq!(
        stamp,
        form_time_signed(CONFIGURED, &app.letter_id(SLUG), timestamp),
        "signed with the configured secret"
    );

    // Another instance configured alike takes it; one relying on the stored secret does not.
    let alike = app.another_instance(&configured).await;
    let unconfigured = app.another_instance(&[]).await;
    let body = |email: &str| encode(&[("name", "Someone"), ("email", email), ("t", &stamp)]);
    let refused = unconfigured
        .post_form_raw(&sign_path(SLUG), body("refused@example.org"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(PRESS_AGAIN), "{}", refused.body);
    assert_eq!(app.signature_count(), 0);
    let taken = alike
        .post_form_raw(&sign_path(SLUG), body("taken@example.org"))
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    assert_eq!(stored_emails(&app), vec!["taken@example.org"]);
}

/// The default minimum time between showing a form and taking it.
fn default_min_form_seconds() -> Vec<(&'static str, String)> {
    let defaults = undersigned::config::Settings::defaults_with(&[]).expect("default settings");
    vec![(
        "limits.min_form_seconds",
        defaults.limits.min_form_seconds.to_string(),
    )]
}

/// The checked stamp's timestamp, after checking it is signed for `slug` by the service.
fn stamp_time(app: &TestApp, slug: &str, stamp: &str) -> u64 {
    let secret = app.stored_form_secret().expect("the stored form secret");
    let (timestamp, _) = stamp.split_once('.').expect("timestamp.signature");
    let timestamp: u64 = timestamp.parse().expect("a unix time");
    assert_eq!(
        stamp,
        form_time_signed(&secret, &app.letter_id(slug), timestamp),
        "a stamp the service signed for {slug}"
    );
    timestamp
}

fn assert_asked_again(response: &Response, typed: &[&str]) {
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert!(response.body.contains(PRESS_AGAIN), "{}", response.body);
    for value in typed {
        assert!(
            response.body.contains(&format!("value=\"{value}\"")),
            "{value} kept:\n{}",
            response.body
        );
    }
}

/// Autofill and a quick tap.
async fn a_hurried_signer_is_asked_again_and_then_signs(backend: Backend) {
    let app = spawn_app_with(backend, &default_min_form_seconds()).await;
    app.create_letter(SLUG, "open", "");
    let shown = app.form_time(SLUG).await;
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    let typed = [
        ("name", "Quick Person"),
        ("email", "quick@example.org"),
        ("city", "Lyon"),
    ];
    let mut body = typed.to_vec();
    body.push(("t", &shown));
    let hurried = app.post_form_raw(&sign_path(SLUG), encode(&body)).await;
    assert_asked_again(&hurried, &["Quick Person", "quick@example.org", "Lyon"]);
    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);
    let fresh = form_time_in(&hurried.body);
    assert!(
        stamp_time(&app, SLUG, &fresh) >= stamp_time(&app, SLUG, &shown),
        "the form shown again carries a stamp made now"
    );

    // The person looks at the form again and presses Sign.
    actix_web::rt::time::sleep(Duration::from_millis(2100)).await;
    let mut again = typed.to_vec();
    again.push(("t", &fresh));
    let signed = app.post_form_raw(&sign_path(SLUG), encode(&again)).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(stored_emails(&app), vec!["quick@example.org"]);
    confirmation_arrives(&app, "quick@example.org").await;
}

/// Stamps expire (`signing.form_token_hours`) and are bound to their letter.
async fn expired_and_foreign_stamps_show_the_form_again_with_a_fresh_one(backend: Backend) {
    let mut settings = default_min_form_seconds();
    settings.push(("signing.form_token_hours", "1".to_owned()));
    let app = spawn_app_with(backend, &settings).await;
    app.create_letter(SLUG, "open", "");
    app.create_letter("other-letter", "open", "");
    let secret = app.stored_form_secret().expect("the stored form secret");
    let letter = app.letter_id(SLUG);
    let other = app.letter_id("other-letter");

    // Within the hour: taken.
    let half_an_hour_old = form_time_signed(&secret, &letter, unix_now() - 1800);
    let kept = app
        .post_form_raw(
            &sign_path(SLUG),
            encode(&[
                ("name", "Slow Reader"),
                ("email", "slow@example.org"),
                ("t", &half_an_hour_old),
            ]),
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    assert_eq!(app.signature_count(), 1);
    let outbox = app.outbox_count();

    let stale = [
        (
            "expired@example.org",
            form_time_signed(&secret, &letter, unix_now() - 3700),
        ),
        (
            "foreign@example.org",
            form_time_signed(&secret, &other, unix_now() - 60),
        ),
    ];
    let mut fresh = Vec::new();
    for (email, stamp) in &stale {
        let response = app
            .post_form_raw(
                &sign_path(SLUG),
                encode(&[("name", "Late Person"), ("email", email), ("t", stamp)]),
            )
            .await;
        assert_asked_again(&response, &["Late Person", email]);
        let shown = form_time_in(&response.body);
        assert_ne!(&shown, stamp, "a new stamp");
        stamp_time(&app, SLUG, &shown);
        fresh.push((*email, shown));
    }
    assert_eq!(app.signature_count(), 1, "nothing stored");
    assert_eq!(app.outbox_count(), outbox, "nothing sent");

    // Pressing Sign again on the form shown again works.
    actix_web::rt::time::sleep(Duration::from_millis(2100)).await;
    for (email, stamp) in &fresh {
        let signed = app
            .post_form_raw(
                &sign_path(SLUG),
                encode(&[("name", "Late Person"), ("email", email), ("t", stamp)]),
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        confirmation_arrives(&app, email).await;
    }
    assert_eq!(app.signature_count(), 3);
}
