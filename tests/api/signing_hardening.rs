//! Real signatures are never lost, and tricks stay out (issue 9 items 1, 2, 4, 6 and 16): open
//! forms survive restarts and other instances, a hurried person is asked again rather than
//! dropped, a room behind one address can sign, only real forms are read, and a closed letter
//! stops changing.

use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letters, signatures};

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
    a_room_behind_one_address_signs_while_a_script_gets_few_emails,
    html_sign_endpoints_read_only_urlencoded_forms,
    a_closed_letter_takes_no_resend_and_confirms_only_within_the_grace,
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

// Issue 9 item 1.
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

// Issue 9 item 1: every instance shares the secret kept in the database.
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

// Issue 9 item 1: `server.secret`, when set, signs the forms instead of the stored secret.
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

// Issue 9 item 2: autofill and a quick tap.
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

// Issue 9 item 2: stamps expire (`signing.form_token_hours`) and are bound to their letter.
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

// Issue 9 item 4: campus or rally Wi-Fi, with the shipped limits.
async fn a_room_behind_one_address_signs_while_a_script_gets_few_emails(backend: Backend) {
    let defaults = undersigned::config::Settings::defaults_with(&[])
        .expect("default settings")
        .limits;
    let burst = defaults.sign_burst as usize;
    let per_minute = defaults.sign_per_minute as usize;
    let per_mailbox = defaults.emails_per_address_per_hour as i64;
    assert!(
        burst + 10 * per_minute >= 200,
        "200 people behind one address sign within 10 minutes: {burst} at once, then {per_minute} a minute"
    );
    let app = spawn_app_with(
        backend,
        &[
            ("limits.trusted_proxies", r#"["127.0.0.1"]"#.to_owned()),
            ("limits.sign_per_minute", per_minute.to_string()),
            ("limits.sign_burst", burst.to_string()),
            (
                "limits.emails_per_address_per_hour",
                per_mailbox.to_string(),
            ),
            (
                "limits.min_form_seconds",
                defaults.min_form_seconds.to_string(),
            ),
        ],
    )
    .await;
    app.create_letter(SLUG, "open", "");
    let secret = app.stored_form_secret().expect("the stored form secret");
    // Everyone opened the page a little while ago.
    let stamp = form_time_signed(&secret, &app.letter_id(SLUG), unix_now() - 30);
    let room = "198.51.100.7";

    let mut refused = None;
    for n in 0..200 {
        let name = format!("Person {n}");
        let email = format!("person{n}@example.org");
        let response = app
            .post_form_from(
                room,
                &sign_path(SLUG),
                encode(&[("name", &name), ("email", &email), ("t", &stamp)]),
            )
            .await;
        if n < burst {
            assert_eq!(
                response.status,
                StatusCode::SEE_OTHER,
                "the first {burst} sign at once: {n}: {}",
                response.body
            );
        } else if response.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((response, name, email));
            break;
        }
    }
    assert!(app.signature_count() >= burst as i64);
    let (page, name, email) = refused.expect("a flood beyond the quota is slowed down");
    let wait: u64 = page
        .headers
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!(
        wait <= 60,
        "the page asks for a minute at most; Retry-After {wait}"
    );
    assert!(page.body.contains("Please wait a minute"), "{}", page.body);
    for value in [&name, &email] {
        assert!(
            page.body.contains(&format!("value=\"{value}\"")),
            "kept {value}"
        );
    }
    assert!(
        page.body.contains("<h1>Protect the right to protest</h1>")
            && page
                .body
                .contains(&format!("action=\"/letters/{SLUG}/sign#sign\"")),
        "the answer is the letter with its form, ready to press Sign again"
    );
    let stored_before_script = app.signature_count();

    // One script, many names, one mailbox: silent answers, and few emails.
    for n in 0..(per_mailbox * 3) {
        let response = app
            .post_form_from(
                "198.51.100.8",
                &sign_path(SLUG),
                encode(&[
                    ("name", &format!("Fake Name {n}")),
                    ("email", "target@example.org"),
                    ("t", &stamp),
                ]),
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let emails = app.outbox_count_to("target@example.org");
    assert!(
        (1..=per_mailbox).contains(&emails),
        "{emails} emails to one mailbox; at most {per_mailbox} an hour"
    );
    assert_eq!(
        app.signature_count(),
        stored_before_script + 1,
        "one mailbox, one signature"
    );
}

/// Sends `body` with exactly these headers, as a cross-site page or a script could.
fn post_raw(app: &TestApp, path: &str, content_type: Option<&str>, body: &str) -> u16 {
    use std::io::{Read, Write};
    let host = app.address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let content_type = content_type
        .map(|value| format!("Content-Type: {value}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{content_type}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
        .split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP answer: {answer}"))
}

async fn invite_link(app: &TestApp, slug: &str, member: &str, email: &str) -> String {
    app.cli_ok(&["members", "add", member, "--email", email]);
    app.cli_ok(&["invites", "send", slug, "--member", member]);
    let mails = app.wait_for_mails_to(email, 1).await;
    mails[0].link(&format!("/letters/{slug}/invite/"))
}

fn counts(app: &TestApp) -> (i64, i64, i64) {
    (app.signature_count(), app.outbox_count(), app.token_count())
}

// Issue 9 item 6: a cross-site page cannot make browsers sign with a `text/plain` body.
async fn html_sign_endpoints_read_only_urlencoded_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let invite = invite_link(&app, SLUG, "Member Org", "member@org.example").await;
    let pending = app
        .sign(
            SLUG,
            &[("name", "Pending"), ("email", "pending@example.org")],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);
    let stamp = app.form_time(SLUG).await;
    let endpoints = [
        (
            sign_path(SLUG),
            encode(&[("name", "Ada"), ("email", "ada@example.org"), ("t", &stamp)]),
            StatusCode::SEE_OTHER,
        ),
        (
            format!("/letters/{SLUG}/resend"),
            encode(&[("email", "pending@example.org"), ("t", &stamp)]),
            StatusCode::SEE_OTHER,
        ),
        (
            invite.clone(),
            encode(&[("name", "Grace"), ("public", "on"), ("t", &stamp)]),
            StatusCode::OK,
        ),
    ];
    for (path, body, _) in &endpoints {
        let json_body = r#"{"name":"Ada","email":"ada@example.org"}"#;
        for (content_type, body) in [
            (Some("text/plain"), body.as_str()),
            (Some("text/plain;charset=UTF-8"), body.as_str()),
            (Some("application/json"), json_body),
            (None, body.as_str()),
        ] {
            let before = counts(&app);
            let status = post_raw(&app, path, content_type, body);
            assert_eq!(status, 415, "{path} with {content_type:?}");
            assert_eq!(
                counts(&app),
                before,
                "{path} with {content_type:?}: nothing changed"
            );
        }
    }
    // The same bodies sent as forms are taken: only the content type was refused.
    for (path, body, taken) in endpoints {
        let response = app.post_form_raw(&path, body).await;
        assert_eq!(response.status, taken, "{path}: {}", response.body);
    }
    assert_eq!(app.signature_count(), 3);
}

// Issue 9 item 16: a closed letter stops changing, with a grace for late confirmations.
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
    let states: Vec<(String, String)> = signatures::table
        .select((signatures::email_normalized, signatures::state))
        .order(signatures::email_normalized.asc())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures");
    assert_eq!(
        states,
        vec![
            ("early@example.org".to_owned(), "verified".to_owned()),
            ("late@example.org".to_owned(), "pending".to_owned()),
        ]
    );
}
