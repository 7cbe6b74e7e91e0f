//! The limits that protect people hold across instances: two instances of the service on one
//! database send one mailbox no more than its hourly allowance between them, and together
//! stay under the ceiling on all outgoing mail.

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::outbox;
use undersigned::mail::{MailContent, OutgoingMail};

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    one_mailbox_gets_its_allowance_across_two_instances,
    two_instances_together_stay_under_the_mail_ceiling,
);

const PER_MAILBOX: usize = 3;
const CEILING: i64 = 10;

fn signatures_by_mailbox(app: &TestApp, mailbox: &str) -> i64 {
    use undersigned::db::schema::signatures;
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(mailbox)))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count signatures")
}

fn mail_to_mailbox(app: &TestApp, mailbox: &str) -> i64 {
    outbox::table
        .filter(outbox::recipient_key.eq(crate::helpers::mailbox_key(mailbox)))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count the outbox")
}

async fn one_mailbox_gets_its_allowance_across_two_instances(backend: Backend) {
    let limit = [(
        "limits.emails_per_address_per_hour",
        PER_MAILBOX.to_string(),
    )];
    let first = spawn_app_with(backend, &limit).await;
    let second = first.another_instance(&limit).await;
    let instances = [&first, &second];
    // Spellings of one Gmail inbox: the limit is the mailbox's, not the typed text's.
    let spellings = [
        "Ada.Lovelace@gmail.com",
        "adalovelace@gmail.com",
        "ada.lovelace+petitions@gmail.com",
        "ADALOVELACE@GMAIL.COM",
        "a.d.a.lovelace@googlemail.com",
        "adalovelace+x@gmail.com",
    ];
    for (number, email) in spellings.iter().enumerate() {
        let slug = format!("letter-{number}");
        first.create_letter(&slug, "open", "");
        // Alternate instances, as a balancer in front of them would.
        let instance = instances[number % 2];
        let signed = instance
            .sign(
                &slug,
                &[("name", "Ada Lovelace"), ("email", email), ("public", "on")],
            )
            .await;
        // Over the limit is answered like a success: the response never tells.
        assert_eq!(
            signed.status,
            StatusCode::SEE_OTHER,
            "{email}: {}",
            signed.body
        );
    }

    let mailbox = "adalovelace@gmail.com";
    assert_eq!(
        mail_to_mailbox(&first, mailbox),
        PER_MAILBOX as i64,
        "one mailbox got more than its allowance from two instances"
    );
    assert_eq!(
        signatures_by_mailbox(&first, mailbox),
        PER_MAILBOX as i64,
        "an attempt over the limit stores nothing"
    );
    let delivered = first.wait_for_mails_to("Ada.Lovelace@gmail.com", 1).await;
    assert_eq!(delivered.len(), 1);

    // Another person is not held back by Ada's full mailbox, on either instance.
    first.create_letter("letter-grace", "open", "");
    for instance in instances {
        let signed = instance
            .sign(
                "letter-grace",
                &[
                    ("name", "Grace Hopper"),
                    ("email", "grace@example.org"),
                    ("public", "on"),
                ],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    }
    assert_eq!(mail_to_mailbox(&first, "grace@example.org"), 2);
}

fn sent_times(app: &TestApp) -> Vec<NaiveDateTime> {
    let mut times: Vec<NaiveDateTime> = outbox::table
        .filter(outbox::sent_at.is_not_null())
        .select(outbox::sent_at.assume_not_null())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the outbox");
    times.sort_unstable();
    times
}

/// The most messages the database records as sent within any 60 seconds.
fn most_sent_in_a_minute(times: &[NaiveDateTime]) -> usize {
    times
        .iter()
        .map(|start| {
            let end = *start + chrono::Duration::seconds(60);
            times
                .iter()
                .filter(|time| **time >= *start && **time < end)
                .count()
        })
        .max()
        .unwrap_or(0)
}

async fn two_instances_together_stay_under_the_mail_ceiling(backend: Backend) {
    let ceiling = [("limits.emails_per_minute", CEILING.to_string())];
    let first = spawn_app_with(backend, &ceiling).await;
    let second = first.another_instance(&ceiling).await;

    // Thirty messages queued at once (a busy minute); both workers find them on their poll.
    {
        let mut connection = first.connection();
        let now = undersigned::db::now();
        for number in 0..30 {
            let mail = OutgoingMail::to(
                &format!("signer{number}@example.org"),
                MailContent {
                    subject: format!("Please confirm, signer {number}"),
                    text: "Confirm at http://letters.test/verify/x".into(),
                    html: "<p>Confirm</p>".into(),
                },
            );
            undersigned::mail::outbox::enqueue(&mut connection, &mail, now).expect("queued");
        }
    }

    // The first minute's allowance goes out...
    let deadline = Instant::now() + Duration::from_secs(20);
    while (sent_times(&first).len() as i64) < CEILING {
        assert!(
            Instant::now() < deadline,
            "only {} sent",
            sent_times(&first).len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    // ...and several polls of both workers later, nothing more has: a per-instance ceiling
    // would by now have let each instance send its own allowance.
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    let times = sent_times(&first);
    assert_eq!(
        most_sent_in_a_minute(&times),
        CEILING as usize,
        "two instances sent more than the ceiling within one minute: {times:?}"
    );
    let depth = undersigned::mail::outbox::depth(&mut second.connection()).expect("depth");
    assert_eq!(
        depth.waiting + depth.sent,
        30,
        "mail over the ceiling waits; none is dropped"
    );
    assert_eq!(depth.failed, 0);
    assert!(depth.waiting >= 30 - CEILING, "{depth:?}");
}
