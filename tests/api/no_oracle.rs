//! No oracle: a stranger who types an address into the sign form, the JSON API or the resend
//! form gets the same answer whether that address signed (confirmed or pending) or never did:
//! the same status, the same headers (cookies of the same length) and the same body. Only
//! the mailbox learns the difference. A withdrawal answers the same whatever else is held
//! on the address. How long the answers take is measured by `benches/timing.py`
//! (BENCHMARKS.md, "No oracle"), not here.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_sign_form_answers_alike_for_a_signer_and_a_stranger,
    the_json_api_answers_alike_for_a_signer_and_a_stranger,
    the_resend_form_answers_alike_and_mails_only_the_signer,
    a_withdrawal_answers_alike_whatever_else_is_held_on_the_address,
);

const SLUG: &str = "no-oracle";
// Addresses of one length: a sealed cookie's length follows what was typed.
const CONFIRMED: &str = "signed-1@example.org";
const PENDING: &str = "signed-2@example.org";
const STRANGER: &str = "unknown1@example.org";

/// What a client can see of an answer, with what differs by nature blanked: the date, the
/// request's id, and the values of cookies (sealed, different on every answer), whose
/// length is kept.
fn seen(response: &Response) -> (StatusCode, Vec<(String, String)>, String) {
    let mut headers: Vec<(String, String)> = response
        .headers
        .iter()
        .filter(|(name, _)| !["date", "x-request-id"].contains(&name.as_str()))
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or_default().to_owned();
            let value = if name.as_str() == "set-cookie" {
                blank_cookie_value(&value)
            } else {
                value
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    headers.sort();
    (response.status, headers, response.body.clone())
}

fn blank_cookie_value(cookie: &str) -> String {
    let (pair, attributes) = cookie.split_once(';').unwrap_or((cookie, ""));
    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
    format!("{name}=<{} bytes>;{attributes}", value.len())
}

/// A letter with one confirmed signer and one who has not confirmed yet.
async fn letter_with_signers(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.sign_and_confirm(SLUG, "Ada Lovelace", CONFIRMED).await;
    let pending = app.sign(SLUG, &fields("Bea Pending", PENDING)).await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER, "{}", pending.body);
    app.wait_for_mails_to(PENDING, 1).await;
    app
}

fn fields<'a>(name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("city", "Lyon"),
        ("public", "on"),
    ]
}

async fn the_sign_form_answers_alike_for_a_signer_and_a_stranger(backend: Backend) {
    let app = letter_with_signers(backend).await;
    let mut answers = Vec::new();
    for email in [CONFIRMED, PENDING, STRANGER] {
        let answer = app.sign(SLUG, &fields("Same Name", email)).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{email}: {}",
            answer.body
        );
        answers.push(seen(&answer));
    }
    assert_eq!(answers[0], answers[2], "a confirmed signer and a stranger");
    assert_eq!(answers[1], answers[2], "a pending signer and a stranger");
    // The mailboxes tell them apart: "already signed", a new link, a first link.
    let already = app.wait_for_mails_to(CONFIRMED, 2).await;
    assert!(
        already[1].subject.contains("already"),
        "{}",
        already[1].subject
    );
    app.wait_for_mails_to(PENDING, 2).await;
    app.wait_for_mails_to(STRANGER, 1).await;
}

async fn the_json_api_answers_alike_for_a_signer_and_a_stranger(backend: Backend) {
    let app = letter_with_signers(backend).await;
    let path = format!("/api/v1/letters/{SLUG}/signatures");
    let mut answers = Vec::new();
    for email in [CONFIRMED, PENDING, STRANGER] {
        let body = serde_json::json!({"name": "Same Name", "email": email, "city": "Lyon"});
        let answer = app.post_json(&path, &body).await;
        assert_eq!(
            answer.status,
            StatusCode::ACCEPTED,
            "{email}: {}",
            answer.body
        );
        answers.push(seen(&answer));
    }
    assert_eq!(answers[0], answers[2], "a confirmed signer and a stranger");
    assert_eq!(answers[1], answers[2], "a pending signer and a stranger");
    app.wait_for_mails_to(CONFIRMED, 2).await;
    app.wait_for_mails_to(STRANGER, 1).await;
}

async fn the_resend_form_answers_alike_and_mails_only_the_signer(backend: Backend) {
    let app = letter_with_signers(backend).await;
    let path = format!("/letters/{SLUG}/resend");
    let mut answers = Vec::new();
    for email in [CONFIRMED, PENDING, STRANGER, "not an address at all"] {
        let answer = app.post_form(&path, encode(&[("email", email)])).await;
        answers.push((email, answer));
    }
    for (email, answer) in &answers[..3] {
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{email}: {}",
            answer.body
        );
        assert_eq!(
            answer.location.as_deref(),
            Some(format!("/letters/{SLUG}/signed").as_str())
        );
    }
    assert_eq!(
        seen(&answers[0].1),
        seen(&answers[2].1),
        "confirmed and stranger"
    );
    assert_eq!(
        seen(&answers[1].1),
        seen(&answers[2].1),
        "pending and stranger"
    );
    // What is not an address is told so: that says nothing about anyone.
    assert_eq!(answers[3].1.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The work was done after the answer: the signer's "already signed" note and the
    // pending signer's new link arrive; the stranger's mailbox stays empty.
    let already = app.wait_for_mails_to(CONFIRMED, 2).await;
    assert!(
        already[1].subject.contains("already"),
        "{}",
        already[1].subject
    );
    let links = app.wait_for_mails_to(PENDING, 2).await;
    let confirmed = app.post_form(&links[1].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    // One more for the signer, behind the stranger's in the writer's queue: once it has
    // arrived, the stranger's was done, and sent nothing.
    let again = app.post_form(&path, encode(&[("email", CONFIRMED)])).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    app.wait_for_mails_to(CONFIRMED, 3).await;
    assert!(app.mails().iter().all(|mail| mail.to != STRANGER));
}

async fn a_withdrawal_answers_alike_whatever_else_is_held_on_the_address(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.create_letter("another-letter", "open", "");
    // One signer asked for updates and signed another letter too; the other holds nothing else.
    let busy = "holds-a1@example.org";
    let quiet = "holds-no@example.org";
    let mut with_updates = fields("Same Name", busy);
    with_updates.push(("updates", "on"));
    let signed = app.sign(SLUG, &with_updates).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let busy_mail = app.wait_for_mails_to(busy, 1).await.remove(0);
    let confirmed = app.post_form(&busy_mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    app.sign_and_confirm("another-letter", "Same Name", busy)
        .await;
    let quiet_mail = app.sign_and_confirm(SLUG, "Same Name", quiet).await;

    let mut answers = Vec::new();
    for mail in [&busy_mail, &quiet_mail] {
        let link = mail.link("/withdraw/");
        let mut answer = app.post_form(&link, "").await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        // The page links to itself in each language: its own link, which is all that differs.
        let token = link.rsplit('/').next().unwrap_or_default();
        answer.body = answer.body.replace(token, "<the link's token>");
        answers.push(seen(&answer));
    }
    assert_eq!(answers[0], answers[1]);
}
