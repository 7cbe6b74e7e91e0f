//! Email leaves through a real SMTP conversation, and every email is laid out for a phone and
//! signed by the coalition.

use std::time::{Duration, Instant};

use awc::http::StatusCode;

use crate::harness::SmtpSink;
use crate::helpers::{Backend, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    confirmation_email_goes_through_smtp,
    every_email_is_laid_out_for_a_phone_and_signed_by_the_coalition,
);

const SLUG: &str = "dear-president";

async fn confirmation_email_goes_through_smtp(backend: Backend) {
    let (sink, smtp_url) = SmtpSink::new().start();
    let app = spawn_app_with(
        backend,
        &[
            ("mail.transport", "smtp".into()),
            ("mail.smtp_url", smtp_url),
        ],
    )
    .await;
    app.create_letter("dear-president", "open", "");
    let response = app
        .sign(
            "dear-president",
            &[
                ("name", "Wangari Maathai"),
                ("email", "wangari@example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);

    let deadline = Instant::now() + Duration::from_secs(15);
    let mail = loop {
        if let Some(mail) = sink.emails().into_iter().next() {
            break mail;
        }
        assert!(
            Instant::now() < deadline,
            "no email reached the SMTP server"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(mail.to, "wangari@example.org");
    assert!(mail.subject.contains("Please confirm your signature"));
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert!(confirmed.body.contains("Signature confirmed"));
    let page = app.get("/letters/dear-president").await;
    assert!(page.body.contains("Wangari Maathai"));
}

async fn every_email_is_laid_out_for_a_phone_and_signed_by_the_coalition(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    // Signing again with a confirmed address sends the "already signed" notice.
    let again = app
        .sign(
            SLUG,
            &[("name", "Ada Lovelace"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    for mail in &mails {
        assert!(
            mail.html.contains(
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            ),
            "{}: {}",
            mail.subject,
            mail.html
        );
        assert!(!mail.text.contains("\nsomeone"), "{}", mail.text);
        assert!(
            mail.html.contains("border-top"),
            "the coalition's signature"
        );
    }
    // Every HTML template, including the ones these flows do not send.
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/email"))
        .expect("the email templates")
    {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if !name.ends_with(".html") || name == "signature.html" {
            continue;
        }
        let html = std::fs::read_to_string(&path).expect("readable");
        assert!(
            html.contains(
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            ),
            "{name}"
        );
        assert!(
            html.contains(r#"{% include "email/signature.html" %}"#),
            "{name}"
        );
    }
}
