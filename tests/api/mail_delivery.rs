//! Email leaves through a real SMTP conversation, and waits in the outbox when it cannot.

use std::time::{Duration, Instant};

use awc::http::StatusCode;

use crate::harness::SmtpSink;
use crate::helpers::{Backend, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(confirmation_email_goes_through_smtp);

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
