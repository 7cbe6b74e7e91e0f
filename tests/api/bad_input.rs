//! Every refusal is clear and leaves the data as it was; the sign endpoints read only real
//! (urlencoded) forms.

use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signature_tokens;

use crate::helpers::{Backend, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    invalid_forms_come_back_with_a_message_per_field,
    oversized_and_malformed_bodies_are_refused,
    unknown_letters_get_a_real_404,
    a_closed_letter_shows_its_list_but_takes_no_signatures,
    drafts_are_not_public,
    forged_and_expired_links_get_a_clear_page,
    html_sign_endpoints_read_only_urlencoded_forms,
);

const SLUG: &str = "dear-president";

async fn invalid_forms_come_back_with_a_message_per_field(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let long_city = "x".repeat(101);
    let response = app
        .sign(
            "dear-president",
            &[
                ("name", ""),
                ("email", "not-an-address"),
                ("city", &long_city),
                ("comment", "<script>alert('x')</script>"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("Enter your name."));
    assert!(
        response
            .body
            .contains("Enter an email address like name@example.org.")
    );
    assert!(response.body.contains("Use at most 100 characters."));
    assert!(
        response.body.contains("value=\"not-an-address\""),
        "what was typed is kept"
    );
    assert!(
        !response.body.contains("<script>alert"),
        "user input is escaped"
    );
    assert!(
        response.body.contains("&#60;script&#62;"),
        "shown back as text"
    );

    let control = app
        .sign(
            "dear-president",
            &[("name", "Ada\u{7}Lovelace"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(control.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(control.body.contains("characters that are not allowed"));

    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);
}

async fn oversized_and_malformed_bodies_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let huge = format!(
        "name=Ada&email=ada%40example.org&comment={}",
        "a".repeat(64 * 1024)
    );
    let response = app.post_form("/letters/dear-president/sign", huge).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);

    let bad_utf8 = app
        .post_form(
            "/letters/dear-president/sign",
            b"name=Ada%FF%FE&email=ada%40example.org".to_vec(),
        )
        .await;
    assert_eq!(bad_utf8.status, StatusCode::BAD_REQUEST);
    assert!(bad_utf8.body.contains("not valid UTF-8"));
    let raw_bad_utf8 = app
        .post_form(
            "/letters/dear-president/sign",
            b"name=Ada\xff&email=ada%40example.org".to_vec(),
        )
        .await;
    assert_eq!(raw_bad_utf8.status, StatusCode::BAD_REQUEST);

    let bad_json = app
        .client
        .post(format!(
            "{}/api/v1/letters/dear-president/signatures",
            app.address
        ))
        .insert_header(("content-type", "application/json"))
        .send_body("{\"name\": ")
        .await
        .expect("answered");
    let bad_json = crate::helpers::read(bad_json).await;
    assert_eq!(bad_json.status, StatusCode::BAD_REQUEST);
    assert!(bad_json.body.contains("bad_request"));

    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);
}

async fn unknown_letters_get_a_real_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let page = app.get("/letters/no-such-letter").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"));
    assert!(
        page.body.contains("<html"),
        "a real page, not a bare status"
    );
    let sign = app
        .sign(
            "no-such-letter",
            &[("name", "Ada"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(sign.status, StatusCode::NOT_FOUND);
    let api = app.get("/api/v1/letters/no-such-letter").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.body.contains("not_found"));
    let nowhere = app.get("/nowhere").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(app.signature_count(), 0);
}

async fn a_closed_letter_shows_its_list_but_takes_no_signatures(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Early Signer", "early@example.org")
        .await;
    app.create_letter("dear-president", "closed", "");
    let outbox_before = app.outbox_count();

    // The running instance may serve the letter from its one-second snapshot.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let page = app.get("/letters/dear-president").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Early Signer"), "the list stays visible");
    assert!(page.body.contains("no longer takes signatures"));
    assert!(!page.body.contains(r#"id="sign-form""#), "no form");

    let refused = app
        .sign(
            "dear-president",
            &[("name", "Late Signer"), ("email", "late@example.org")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("no longer takes signatures"));
    let api = app
        .post_json(
            "/api/v1/letters/dear-president/signatures",
            &serde_json::json!({"name": "Late", "email": "late@example.org"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(app.signature_count(), 1);
    assert_eq!(app.outbox_count(), outbox_before);

    // A letter whose closing time has passed is closed too.
    app.create_letter("past-deadline", "open", "closes_at = 2020-01-01T00:00:00Z");
    let late = app
        .sign(
            "past-deadline",
            &[("name", "Late Signer"), ("email", "late@example.org")],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(app.signature_count(), 1);
}

async fn drafts_are_not_public(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("work-in-progress", "draft", "");
    assert_eq!(
        app.get("/letters/work-in-progress").await.status,
        StatusCode::NOT_FOUND
    );
    let sign = app
        .sign(
            "work-in-progress",
            &[("name", "Ada"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(sign.status, StatusCode::NOT_FOUND);
    let index = app.get("/").await;
    assert!(!index.body.contains("work-in-progress"));
    assert_eq!(app.signature_count(), 0);
}

async fn forged_and_expired_links_get_a_clear_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    for forged in [
        "/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/verify/short",
        "/verify/%3Cscript%3E",
        "/withdraw/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let page = app.get(forged).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{forged}");
        assert!(page.body.contains("This link does not work"));
        let post = app.post_form(forged, "").await;
        assert_eq!(post.status, StatusCode::NOT_FOUND, "{forged}");
    }

    let response = app
        .sign(
            "dear-president",
            &[("name", "Ada"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let mail = app.wait_for_mails_to("ada@example.org", 1).await;
    let verify = mail[0].link("/verify/");
    // The withdraw link is no confirmation link, and the other way round.
    let swapped = verify.replace("/verify/", "/withdraw/");
    assert_eq!(
        app.post_form(&swapped, "").await.status,
        StatusCode::NOT_FOUND
    );

    let past = undersigned::db::now() - chrono::Duration::hours(1);
    diesel::update(signature_tokens::table)
        .set((
            signature_tokens::verify_expires_at.eq(past),
            signature_tokens::withdraw_expires_at.eq(past),
        ))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("age the tokens");
    let expired = app.get(&verify).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("This link has expired"));
    assert!(expired.body.contains("sign the letter again"));
    assert!(
        expired.body.contains("/letters/dear-president"),
        "a way to get a new link"
    );
    let expired = app.post_form(&verify, "").await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert_eq!(app.signature_states()[0].1, "pending", "nothing confirmed");

    // Signing again sends a fresh link that works.
    app.sign(
        "dear-president",
        &[("name", "Ada"), ("email", "ada@example.org")],
    )
    .await;
    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    let confirmed = app.post_form(&mails[1].link("/verify/"), "").await;
    assert!(confirmed.body.contains("Signature confirmed"));
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

/// A cross-site page cannot make browsers sign with a `text/plain` body.
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
            format!("/letters/{SLUG}/sign"),
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
