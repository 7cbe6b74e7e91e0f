//! The outbox on both databases: a withdrawal erases what it holds about the signature, and
//! a state this build does not know is an error, never a silent default.

use diesel::prelude::*;
use undersigned::db::schema::outbox;
use undersigned::db::{DbConnection, DbPool};
use undersigned::mail::outbox::{self as mail_outbox, DeliveryOutcome, FailureAction, OutboxState};
use undersigned::mail::{MailContent, OutgoingMail};

use crate::helpers::{Backend, fresh_database_url};
use crate::on_both_backends;

on_both_backends!(
    redaction_deletes_unsent_mail_and_blanks_sent_mail_about_one_signature,
    an_unknown_outbox_state_is_an_error,
);

fn empty_database(backend: Backend, directory: &std::path::Path) -> DbPool {
    let pool = undersigned::db::connect(&fresh_database_url(backend, directory), 1)
        .expect("open the database");
    undersigned::db::migrate(&pool).expect("migrate");
    pool
}

fn queue(connection: &mut DbConnection, recipient: &str, subject: &str) -> String {
    queue_about(connection, recipient, subject, None)
}

fn queue_about(
    connection: &mut DbConnection,
    recipient: &str,
    subject: &str,
    signature_id: Option<&str>,
) -> String {
    let mut mail = OutgoingMail::to(
        recipient,
        MailContent {
            subject: subject.into(),
            text: format!("Dear {recipient}, confirm at http://letters.test/verify/abc"),
            html: format!("<p>Dear {recipient}</p>"),
        },
    );
    if let Some(signature_id) = signature_id {
        mail = mail.about(signature_id);
    }
    mail_outbox::enqueue(connection, &mail, undersigned::db::now()).expect("queued")
}

type Row = (String, String, String, String, OutboxState, Option<String>);

fn rows(connection: &mut DbConnection) -> Vec<Row> {
    outbox::table
        .order(outbox::id.asc())
        .select((
            outbox::id,
            outbox::recipient,
            outbox::subject,
            outbox::body_text,
            outbox::state,
            outbox::last_error,
        ))
        .load(connection)
        .expect("read the outbox")
}

async fn redaction_deletes_unsent_mail_and_blanks_sent_mail_about_one_signature(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let pool = empty_database(backend, directory.path());
    let connection: &mut DbConnection = &mut pool.get().expect("a connection");
    let ada = "Ada.Lovelace@Example.org";
    let about_a = Some("signature-ada-letter-a");
    let sent = queue_about(connection, ada, "Please confirm, Ada", about_a);
    let failed = queue_about(connection, ada, "Your signature was approved, Ada", about_a);
    let claimed = queue_about(connection, ada, "Already signed, Ada", about_a);
    let waiting = queue_about(connection, ada, "Resent link, Ada", about_a);
    // Ada's confirmation for another letter, still on its way: hers to keep.
    let other_letter = queue_about(
        connection,
        ada,
        "Please confirm your other signature, Ada",
        Some("signature-ada-letter-b"),
    );
    let grace_sent = queue(connection, "grace@example.org", "Please confirm, Grace");
    let grace_waiting = queue(connection, "grace@example.org", "Resent link, Grace");

    // Deliver some: claim everything, then record what happened to each.
    let batch =
        mail_outbox::claim_due(connection, 100, chrono::Duration::seconds(60)).expect("claimed");
    assert_eq!(batch.len(), 7);
    mail_outbox::record(
        connection,
        &[
            DeliveryOutcome::Sent(sent.clone()),
            DeliveryOutcome::Sent(grace_sent.clone()),
            DeliveryOutcome::Failed {
                id: failed.clone(),
                action: FailureAction::GiveUp,
                error: format!("550 no such mailbox {ada}"),
            },
            DeliveryOutcome::Released(waiting.clone()),
            DeliveryOutcome::Released(other_letter.clone()),
            DeliveryOutcome::Released(grace_waiting.clone()),
        ],
    )
    .expect("recorded");
    let before = mail_outbox::depth(connection).expect("depth");
    assert_eq!((before.waiting, before.sent, before.failed), (4, 2, 1));

    let changed = connection
        .transaction(|connection| {
            mail_outbox::redact_for_signature(
                connection,
                "signature-ada-letter-a",
                ada,
                &mail_outbox::mailbox_key(ada),
            )
        })
        .expect("redacted");
    assert_eq!(changed, 4);

    let after = rows(connection);
    let ids: Vec<&str> = after.iter().map(|row| row.0.as_str()).collect();
    assert!(!ids.contains(&waiting.as_str()), "unsent mail is gone");
    assert!(!ids.contains(&claimed.as_str()), "mail being sent is gone");
    for row in after.iter().filter(|row| row.0 != other_letter) {
        let everything = format!("{} {} {} {:?}", row.1, row.2, row.3, row.5);
        assert!(
            !everything.contains("Ada") && !everything.to_lowercase().contains("lovelace"),
            "nothing about Ada's withdrawn signature is left: {row:?}"
        );
    }
    let row_of = |id: &str| {
        after
            .iter()
            .find(|row| row.0 == id)
            .cloned()
            .expect("row kept")
    };
    assert_eq!(row_of(&sent).4, OutboxState::Sent, "kept for the counts");
    assert_eq!(row_of(&failed).4, OutboxState::Failed);
    let untouched = row_of(&other_letter);
    assert_eq!(
        (untouched.1.as_str(), untouched.4),
        (ada, OutboxState::Waiting),
        "her mail about another letter still goes out"
    );
    assert!(untouched.2.contains("other signature, Ada"));
    let grace: Vec<&Row> = after
        .iter()
        .filter(|row| row.1 == "grace@example.org")
        .collect();
    assert_eq!(grace.len(), 2, "another person's mail is untouched");
    assert!(grace.iter().all(|row| row.2.contains("Grace")));
    let depth = mail_outbox::depth(connection).expect("depth");
    assert_eq!((depth.waiting, depth.sent, depth.failed), (2, 2, 1));

    // The deleted messages are never claimed again.
    let again =
        mail_outbox::claim_due(connection, 100, chrono::Duration::seconds(60)).expect("claimed");
    let mut again: Vec<&str> = again
        .iter()
        .map(|record| record.recipient.as_str())
        .collect();
    again.sort_unstable();
    assert_eq!(again, [ada, "grace@example.org"]);
}

async fn an_unknown_outbox_state_is_an_error(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let pool = empty_database(backend, directory.path());
    let connection: &mut DbConnection = &mut pool.get().expect("a connection");
    let id = queue(connection, "ada@example.org", "Please confirm");
    let pending = mail_outbox::undelivered(connection, 10).expect("readable");
    assert_eq!(pending[0].state, OutboxState::Waiting);
    diesel::sql_query(format!(
        "UPDATE outbox SET state = 'delivered-maybe' WHERE id = '{id}'"
    ))
    .execute(connection)
    .expect("written behind the program's back");
    let error = mail_outbox::undelivered(connection, 10).expect_err("an unknown state");
    assert!(
        format!("{error:?}").contains("delivered-maybe"),
        "{error:?}"
    );
    let depth = mail_outbox::depth(connection);
    assert!(depth.is_err(), "{depth:?}");
}
