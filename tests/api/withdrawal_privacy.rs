//! Withdrawing through the emailed link erases the signer from the outbox at once, not at the
//! next purge: mail about the withdrawn signature that has not gone out is dropped, mail that
//! went out keeps only its row. The same person's mail about another letter is theirs to keep.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signatures};

use crate::helpers::{Backend, TestApp, encode, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(withdrawing_one_letter_erases_its_mail_and_keeps_the_other_letters);

const NAME: &str = "Ada Lovelace";
const EMAIL: &str = "ada.lovelace@example.org";

#[derive(Debug, Queryable)]
struct OutboxRow {
    id: String,
    signature_id: Option<String>,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    /// What a message rendered when sent says (a confirmation: name and links).
    params: Option<String>,
    last_error: Option<String>,
    state: String,
}

fn outbox_rows(app: &TestApp) -> Vec<OutboxRow> {
    outbox::table
        .order(outbox::id.asc())
        .select((
            outbox::id,
            outbox::signature_id,
            outbox::recipient,
            outbox::subject,
            outbox::body_text,
            outbox::body_html,
            outbox::params,
            outbox::last_error,
            outbox::state,
        ))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the outbox")
}

fn mentions_ada(row: &OutboxRow) -> bool {
    let everything = format!(
        "{} {} {} {} {:?} {:?}",
        row.recipient, row.subject, row.body_text, row.body_html, row.params, row.last_error
    )
    .to_lowercase();
    everything.contains("lovelace") || everything.contains("ada")
}

fn signature_of(app: &TestApp, slug: &str) -> String {
    signatures::table
        .filter(signatures::letter_id.eq(app.letter_id(slug)))
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(EMAIL)))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn withdrawing_one_letter_erases_its_mail_and_keeps_the_other_letters(backend: Backend) {
    // One email a minute: the first confirmation goes out, everything after it waits, as
    // mail does behind the ceiling or a slow server.
    let app = spawn_app_with(backend, &[("limits.emails_per_minute", "1".to_owned())]).await;
    app.create_letter("letter-a", "open", "");
    app.create_letter("letter-b", "open", "");
    let fields = [
        ("name", NAME),
        ("email", EMAIL),
        ("city", "London"),
        ("public", "on"),
    ];

    let signed_a = app.sign("letter-a", &fields).await;
    assert_eq!(signed_a.status, StatusCode::SEE_OTHER, "{}", signed_a.body);
    let confirmation_a = app
        .wait_for_mails_to(EMAIL, 1)
        .await
        .pop()
        .expect("the confirmation for letter A");
    let signed_b = app.sign("letter-b", &fields).await;
    assert_eq!(signed_b.status, StatusCode::SEE_OTHER, "{}", signed_b.body);
    // Asking again for letter A's link queues another message about A, still unsent.
    let resent = app
        .post_form("/letters/letter-a/resend", encode(&[("email", EMAIL)]))
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let signature_a = signature_of(&app, "letter-a");
    let signature_b = signature_of(&app, "letter-b");
    let before = outbox_rows(&app);
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(before.iter().all(mentions_ada), "{before:?}");
    let pending_b: Vec<&OutboxRow> = before
        .iter()
        .filter(|row| row.signature_id.as_deref() == Some(signature_b.as_str()))
        .collect();
    assert_eq!(pending_b.len(), 1, "{before:?}");
    assert_ne!(
        pending_b[0].state, "sent",
        "B's confirmation is still waiting"
    );
    let pending_b_id = pending_b[0].id.clone();
    let pending_b_subject = pending_b[0].subject.clone();

    let withdrawn = app.post_form(&confirmation_a.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);

    let after = outbox_rows(&app);
    // Letter A's sent confirmation keeps its row, blank; its resent link is gone.
    let about_a: Vec<&OutboxRow> = after
        .iter()
        .filter(|row| row.signature_id.as_deref() == Some(signature_a.as_str()))
        .collect();
    assert_eq!(about_a.len(), 1, "{after:?}");
    assert_eq!(about_a[0].state, "sent");
    for row in after.iter().filter(|row| row.id != pending_b_id) {
        assert!(
            !mentions_ada(row),
            "the outbox still holds Ada for letter A: {row:?}"
        );
    }
    // Letter B's confirmation is exactly as it was, and still goes out.
    let kept_b = after
        .iter()
        .find(|row| row.id == pending_b_id)
        .expect("B's confirmation is kept");
    assert_eq!(kept_b.recipient, EMAIL);
    assert_eq!(kept_b.subject, pending_b_subject);
    assert!(
        kept_b.body_text.contains("/verify/")
            || kept_b
                .params
                .as_deref()
                // Its links' secrets, rendered into links when it is sent.
                .is_some_and(|params| params.contains("\"v\":")),
        "{kept_b:?}"
    );
    assert_ne!(kept_b.state, "sent");
    assert_eq!(after.len(), 2, "{after:?}");

    // B's signature is untouched by A's withdrawal.
    let state_b: String = signatures::table
        .find(&signature_b)
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("B's signature");
    assert_eq!(state_b, "pending");
}
