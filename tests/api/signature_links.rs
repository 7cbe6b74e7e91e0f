//! The links in a signer's emails are `{signature id}.{secret}` with only the secret's digest
//! stored (`signatures::links`): they confirm and withdraw as before, a forged or borrowed
//! one changes nothing, and the links and queued emails of the earlier scheme (a bare secret
//! whose hash is in `tokens`, whole links in the queued email) keep working after the
//! upgrade, so nobody who signed before it is stranded.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signature_tokens, signatures, tokens};

use crate::helpers::{Backend, PUBLIC_URL, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    forged_and_borrowed_links_change_nothing,
    links_and_emails_from_before_the_upgrade_still_confirm_and_withdraw,
);

const SLUG: &str = "dear-president";

/// By id: a withdrawal erases the address.
fn state_of(app: &TestApp, id: &str) -> String {
    signatures::table
        .find(id)
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

fn id_of(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn sign(app: &TestApp, name: &str, email: &str) -> crate::helpers::Email {
    let response = app
        .sign(SLUG, &[("name", name), ("email", email), ("public", "on")])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    app.wait_for_mails_to(email, 1).await.remove(0)
}

async fn forged_and_borrowed_links_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let ada = sign(&app, "Ada Lovelace", "ada@example.org").await;
    let grace = sign(&app, "Grace Hopper", "grace@example.org").await;
    let ada_verify = ada.link("/verify/");
    let grace_verify = grace.link("/verify/");
    let ada_id = id_of(&app, "ada@example.org");
    let grace_id = id_of(&app, "grace@example.org");
    assert_eq!(
        ada_verify,
        format!(
            "/verify/{ada_id}.{}",
            ada_verify.rsplit('.').next().unwrap_or_default()
        ),
        "the link names its signature"
    );
    let ada_secret = ada_verify.rsplit('.').next().unwrap_or_default().to_owned();
    let grace_secret = grace_verify
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_owned();

    let forged = [
        // Ada's secret on Grace's signature, and the other way round.
        format!("/verify/{grace_id}.{ada_secret}"),
        format!("/verify/{ada_id}.{grace_secret}"),
        // The secret alone (the earlier scheme's shape), and the id alone.
        format!("/verify/{ada_secret}"),
        format!("/verify/{ada_id}."),
        format!("/verify/{ada_id}"),
        // The withdraw secret where the confirm secret goes.
        format!(
            "/verify/{ada_id}.{}",
            ada.link("/withdraw/")
                .rsplit('.')
                .next()
                .unwrap_or_default()
        ),
        // Invisible and bidi characters glued on, a path trick, a wildcard.
        format!("/verify/{ada_id}.{ada_secret}%E2%80%8B"),
        format!("/verify/%E2%80%AE{ada_id}.{ada_secret}"),
        format!("/verify/..%2F{ada_id}.{ada_secret}"),
        format!("/verify/{}.{ada_secret}", "%25".repeat(12)),
    ];
    for link in &forged {
        let shown = app.get(link).await;
        assert_eq!(shown.status, StatusCode::NOT_FOUND, "GET {link}");
        let pressed = app.post_form(link, "").await;
        assert_eq!(pressed.status, StatusCode::NOT_FOUND, "POST {link}");
    }
    assert_eq!(state_of(&app, &ada_id), "pending");
    assert_eq!(state_of(&app, &grace_id), "pending");

    // Each person's own link does what it says, once.
    let confirmed = app.post_form(&ada_verify, "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(confirmed.body.contains("Signature confirmed"));
    assert_eq!(state_of(&app, &ada_id), "verified");
    assert_eq!(state_of(&app, &grace_id), "pending");
    let withdrawn = app.post_form(&grace.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(state_of(&app, &grace_id), "withdrawn");
    // Withdrawing spent Grace's confirm link too.
    let late = app.post_form(&grace_verify, "").await;
    assert_ne!(late.status, StatusCode::OK, "{}", late.body);
    assert_eq!(state_of(&app, &grace_id), "withdrawn");

    // Only digests are stored: no secret from either email is in the tokens table.
    let rows: Vec<(Option<Vec<u8>>, Vec<u8>)> = signature_tokens::table
        .select((
            signature_tokens::verify_digest,
            signature_tokens::withdraw_digest,
        ))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read tokens");
    assert_eq!(rows.len(), 2, "one row per confirmation email");
    for digest in rows
        .iter()
        .flat_map(|(verify, withdraw)| verify.iter().chain([withdraw]))
    {
        assert_eq!(digest.len(), 32);
        assert_ne!(digest.as_slice(), ada_secret.as_bytes());
    }
}

/// What an earlier version left behind for a pending signature: its token rows in `tokens`
/// (hashes of bare secrets) and a queued confirmation whose parameters hold whole links.
fn leave_pre_upgrade_links(app: &TestApp, signature: &str, email: &str) -> (String, String) {
    let mut connection = app.connection();
    let connection = &mut *connection as &mut DbConnection;
    let letter = app.letter_id(SLUG);
    let now = undersigned::db::now();
    let verify = undersigned::values::tokens::mint();
    let withdraw = undersigned::values::tokens::mint();
    for (token, purpose) in [(&verify, "verify"), (&withdraw, "withdraw")] {
        diesel::insert_into(tokens::table)
            .values((
                tokens::id.eq(undersigned::db::new_id()),
                tokens::token_hash.eq(&token.hash),
                tokens::purpose.eq(purpose),
                tokens::signature_id.eq(signature),
                tokens::letter_id.eq(&letter),
                tokens::expires_at.eq(now + chrono::Duration::days(7)),
                tokens::created_at.eq(now),
            ))
            .execute(connection)
            .expect("store an old token");
    }
    let params = serde_json::json!({
        "letter": letter,
        "name": "Ada Lovelace",
        "verify_url": format!("{PUBLIC_URL}/verify/{}", verify.secret),
        "withdraw_url": format!("{PUBLIC_URL}/withdraw/{}", withdraw.secret),
        "expires_at": now + chrono::Duration::days(7),
        "lang": null,
    });
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(undersigned::db::new_id()),
            outbox::message_id.eq(""),
            outbox::recipient.eq(email),
            outbox::subject.eq(""),
            outbox::body_text.eq(""),
            outbox::body_html.eq(""),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
            outbox::state.eq("waiting"),
            outbox::signature_id.eq(signature),
            outbox::recipient_key.eq(email),
            outbox::kind.eq("confirm_signature"),
            outbox::params.eq(params.to_string()),
        ))
        .execute(connection)
        .expect("queue an old confirmation");
    (verify.secret, withdraw.secret)
}

async fn links_and_emails_from_before_the_upgrade_still_confirm_and_withdraw(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    sign(&app, "Ada Lovelace", "ada@example.org").await;
    sign(&app, "Grace Hopper", "grace@example.org").await;
    let ada_id = id_of(&app, "ada@example.org");
    let grace_id = id_of(&app, "grace@example.org");
    let (ada_verify, _) = leave_pre_upgrade_links(&app, &ada_id, "ada@example.org");
    let (_, grace_withdraw) = leave_pre_upgrade_links(&app, &grace_id, "grace@example.org");

    // The queued old-style email goes out with its old links.
    let old_mail = app.wait_for_mails_to("ada@example.org", 2).await.remove(1);
    assert_eq!(old_mail.link("/verify/"), format!("/verify/{ada_verify}"));
    assert!(old_mail.text.contains("Ada Lovelace"), "{}", old_mail.text);

    // A bare old secret still confirms, once; on the other purpose it is nothing.
    assert_eq!(
        app.post_form(&format!("/withdraw/{ada_verify}"), "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let confirmed = app.post_form(&old_mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(confirmed.body.contains("Signature confirmed"));
    assert_eq!(state_of(&app, &ada_id), "verified");

    // An old withdraw link still withdraws, and spends the new links of that signature.
    let new_verify = app.wait_for_mails_to("grace@example.org", 1).await[0].link("/verify/");
    let withdrawn = app
        .post_form(&format!("/withdraw/{grace_withdraw}"), "")
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(state_of(&app, &grace_id), "withdrawn");
    assert_ne!(app.post_form(&new_verify, "").await.status, StatusCode::OK);
    assert_eq!(state_of(&app, &grace_id), "withdrawn");
}
