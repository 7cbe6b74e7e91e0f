//! A person signs, confirms by email, appears on the letter; signing twice changes nothing.

use awc::http::StatusCode;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_signature_counts_once_confirmed_by_email,
    signing_again_never_creates_a_second_signature,
    concurrent_duplicate_signs_store_exactly_one,
    withdrawing_removes_the_name_everywhere,
    the_json_api_signs_and_lists,
    signatories_page_lists_consenting_signers_only,
    health_answers_when_the_database_does,
);

async fn a_signature_counts_once_confirmed_by_email(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "goal = 100");

    let page = app.get("/letters/dear-president").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Protect the right to protest"));
    assert!(
        page.body.contains("<strong>veto</strong>"),
        "markdown is rendered"
    );
    assert!(
        page.body.contains("<label for=\"email\">"),
        "the form has labelled inputs"
    );
    assert!(page.body.contains("Be the first to sign"));

    let signed = app
        .sign(
            "dear-president",
            &[
                ("kind", "individual"),
                ("name", "Ada Lovelace"),
                ("email", "Ada@Example.org"),
                ("city", "London"),
                ("country", "United Kingdom"),
                ("organization", "Analytical Society"),
                ("comment", "Count me in."),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let location = signed.location.expect("redirect target");
    let check = app.get(&location).await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(check.body.contains("Check your email"));

    let mails = app.wait_for_mails_to("Ada@Example.org", 1).await;
    let mail = &mails[0];
    assert!(
        mail.subject.contains("Please confirm your signature"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("Hello Ada Lovelace"));
    assert!(
        mail.html.contains("Confirm my signature"),
        "HTML part present"
    );
    assert!(
        !mail.message_id.is_empty(),
        "a message id lets receivers drop duplicates"
    );
    let verify = mail.link("/verify/");
    mail.link("/withdraw/");

    // Not counted and not listed before confirmation.
    let before = app.get("/letters/dear-president").await;
    assert!(!before.body.contains("Ada Lovelace"));
    assert!(before.body.contains("Be the first to sign"));

    // Opening the link shows a button; only the POST confirms (mail scanners only GET).
    let landing = app.get(&verify).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("Confirm my signature"));
    assert!(landing.body.contains(&format!(r#"action="{verify}""#)));
    assert_eq!(
        landing
            .headers
            .get("referrer-policy")
            .and_then(|value| value.to_str().ok()),
        Some("no-referrer")
    );
    assert_eq!(app.signature_states()[0].1, "pending");

    let confirmed = app.post_form(&verify, "").await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.body.contains("Signature confirmed"));
    assert_eq!(app.signature_states()[0].1, "verified");

    let after = app.get("/letters/dear-president").await;
    assert!(
        after.body.contains(r#"<span class="number">1</span>"#),
        "counted"
    );
    assert!(after.body.contains("Ada Lovelace"), "listed");
    assert!(after.body.contains("Signed by 1 individual<"));
    assert!(
        after.body.contains(r#"max="100" value="1""#),
        "progress toward the goal of 100"
    );
    for path in [
        "/letters/dear-president",
        "/letters/dear-president/signatories",
        "/api/v1/letters/dear-president",
        "/api/v1/letters/dear-president/signatories",
    ] {
        let page = app.get(path).await;
        assert!(page.body.contains("Ada Lovelace") || path == "/api/v1/letters/dear-president");
        assert!(
            !page.body.to_lowercase().contains("ada@example.org"),
            "email leaked on {path}"
        );
    }

    // The link again: already confirmed, on both the page and the button.
    let again = app.get(&verify).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("already confirmed"));
    let again = app.post_form(&verify, "").await;
    assert!(again.body.contains("already confirmed"));
    assert_eq!(app.signature_count(), 1);
}

async fn signing_again_never_creates_a_second_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let first = app
        .sign(
            "dear-president",
            &[("name", "Grace Hopper"), ("email", "grace@example.org")],
        )
        .await;
    let second = app
        .sign(
            "dear-president",
            &[("name", "G. Hopper"), ("email", "  GRACE@Example.ORG ")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(
        second.status, first.status,
        "the same answer whether new or not"
    );
    assert_eq!(second.location, first.location);
    assert_eq!(app.signature_count(), 1);

    // A pending signer gets a fresh link; the earlier one (never used) keeps working, and
    // both confirm the one signature.
    let mails = app.wait_for_mails_to("grace@example.org", 2).await;
    let old_link = mails[0].link("/verify/");
    let new_link = mails[1].link("/verify/");
    assert_ne!(old_link, new_link);
    let confirmed = app.post_form(&old_link, "").await;
    assert!(confirmed.body.contains("Signature confirmed"));
    let other = app.post_form(&new_link, "").await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(other.body.contains("already confirmed"), "{}", other.body);
    assert_eq!(app.signature_count(), 1);

    // A confirmed signer who signs again is told by email, and nothing else changes.
    let third = app
        .sign(
            "dear-president",
            &[("name", "Grace"), ("email", "grace@EXAMPLE.org")],
        )
        .await;
    assert_eq!(third.status, StatusCode::SEE_OTHER);
    assert_eq!(third.location, first.location);
    let mails = app.wait_for_mails_to("grace@example.org", 3).await;
    assert!(
        mails[2].subject.contains("already signed"),
        "{}",
        mails[2].subject
    );
    assert_eq!(app.signature_count(), 1);
    assert_eq!(app.signature_states()[0].1, "verified");
}

async fn concurrent_duplicate_signs_store_exactly_one(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let attempts = (0..8).map(|_| {
        app.sign(
            "dear-president",
            &[("name", "Rosa Parks"), ("email", "rosa@example.org")],
        )
    });
    let responses = futures_util::future::join_all(attempts).await;
    for response in &responses {
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    assert_eq!(
        app.signature_count(),
        1,
        "exactly one signature for one address"
    );
}

async fn withdrawing_removes_the_name_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let mail = app
        .sign_and_confirm(
            "dear-president",
            "Emmeline Pankhurst",
            "emmeline@example.org",
        )
        .await;
    let page = app.get("/letters/dear-president").await;
    assert!(page.body.contains("Emmeline Pankhurst"));

    let withdraw = mail.link("/withdraw/");
    let landing = app.get(&withdraw).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("Withdraw my signature"));
    assert_eq!(
        app.signature_states()[0].1,
        "verified",
        "opening the link changes nothing"
    );

    let done = app.post_form(&withdraw, "").await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Your signature is withdrawn"));
    let page = app.get("/letters/dear-president").await;
    assert!(!page.body.contains("Emmeline"));
    assert!(page.body.contains("Be the first to sign"));
    let list = app.get("/api/v1/letters/dear-president/signatories").await;
    assert!(!list.body.contains("Emmeline"));
    let states = app.signature_states();
    assert_eq!(
        states[0],
        (String::new(), "withdrawn".to_owned()),
        "no personal data kept"
    );

    let again = app.post_form(&withdraw, "").await;
    assert!(again.body.contains("already withdrawn"));
    // The address may sign again later.
    let resign = app
        .sign(
            "dear-president",
            &[("name", "Emmeline"), ("email", "emmeline@example.org")],
        )
        .await;
    assert_eq!(resign.status, StatusCode::SEE_OTHER);
    assert_eq!(app.signature_count(), 2);
}

async fn the_json_api_signs_and_lists(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "goal = 10");
    let accepted = app
        .post_json(
            "/api/v1/letters/dear-president/signatures",
            &serde_json::json!({"name": "Nelson Mandela", "email": "nelson@example.org", "country": "South Africa", "public": true}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    let invalid = app
        .post_json(
            "/api/v1/letters/dear-president/signatures",
            &serde_json::json!({"name": "", "email": "nope"}),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = serde_json::from_str(&invalid.body).expect("JSON problem");
    assert!(problem["fields"]["name"].is_string());
    assert!(problem["fields"]["email"].is_string());

    let mail = app.wait_for_mails_to("nelson@example.org", 1).await;
    app.post_form(&mail[0].link("/verify/"), "").await;
    let letters: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/letters").await.body).expect("JSON");
    assert_eq!(letters["letters"][0]["slug"], "dear-president");
    assert_eq!(letters["letters"][0]["total"], 1);
    let list: serde_json::Value = serde_json::from_str(
        &app.get("/api/v1/letters/dear-president/signatories")
            .await
            .body,
    )
    .expect("JSON");
    assert_eq!(list["signatories"][0]["name"], "Nelson Mandela");
    assert!(list["signatories"][0].get("email").is_none());
}

async fn signatories_page_lists_consenting_signers_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Public Person", "public@example.org")
        .await;
    let response = app
        .sign(
            "dear-president",
            &[("name", "Private Person"), ("email", "private@example.org")],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let mail = app.wait_for_mails_to("private@example.org", 1).await;
    app.post_form(&mail[0].link("/verify/"), "").await;

    let list = app.get("/letters/dear-president/signatories").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Public Person"));
    assert!(
        !list.body.contains("Private Person"),
        "no consent, not listed"
    );
    let page = app.get("/letters/dear-president").await;
    assert!(
        page.body.contains(r#"<span class="number">2</span>"#),
        "both count"
    );
}

async fn health_answers_when_the_database_does(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body.trim(), "ok");
}
