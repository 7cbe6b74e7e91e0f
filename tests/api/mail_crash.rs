//! A crash sends again at most the messages in flight: the real binary delivers a backlog to
//! a real SMTP server and is killed midway (SIGKILL), or stopped (SIGTERM); after a restart
//! every message arrives, and no Message-ID arrives twice beyond `mail.concurrency` (none
//! after SIGTERM).

use std::collections::HashMap;
use std::time::Duration;

use undersigned::mail::outbox::{self, OutboxState};
use undersigned::mail::{MailContent, OutgoingMail};

use crate::harness::{Config, Server, SmtpSink, wait_until};
use crate::helpers::{Backend, fresh_database_url};
use crate::on_both_backends;

on_both_backends!(
    sigkill_mid_delivery_resends_at_most_the_messages_in_flight,
    sigterm_mid_delivery_finishes_in_flight_messages_and_resends_none,
    one_of_two_instances_killed_mid_delivery_the_other_finishes_and_resends_at_most_its_in_flight,
);

const MESSAGES: usize = 600;
pub(crate) const CONCURRENCY: usize = 4;

/// A sink that takes a moment per message, as a real SMTP server does, so that a kill lands
/// in the middle of the backlog.
pub(crate) fn slow_sink() -> (SmtpSink, String) {
    SmtpSink::new()
        .slow(Duration::from_millis(5))
        .connections(2 * CONCURRENCY)
        .start()
}

/// The binary as these tests run it: sending over SMTP with `CONCURRENCY` slots and a short
/// claim lease (so that a dead instance's claims are taken over quickly).
pub(crate) fn sending(database_url: &str, smtp_url: &str) -> Config {
    Config::new(database_url)
        .smtp(smtp_url)
        .set("server.secret", "mail-crash-secret")
        .set("mail.concurrency", CONCURRENCY)
        .set("mail.claim_lease_seconds", 2)
        .set("limits.emails_per_minute", 1_000_000)
        // The stop under test is the mail worker's, not the drain before it.
        .set("server.drain_seconds", 0)
}

/// A database with the schema and a backlog of `MESSAGES` confirmation emails.
fn database_with_backlog(backend: Backend, directory: &std::path::Path) -> String {
    let database_url = fresh_database_url(backend, directory);
    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    undersigned::db::migrate(&pool).expect("migrate");
    let mut connection = pool.get().expect("a connection");
    for number in 0..MESSAGES {
        let mail = OutgoingMail::to(
            &format!("signer{number}@example.org"),
            MailContent {
                subject: "Please confirm your signature".into(),
                text: format!(
                    "Confirm: {}/verify/token{number}",
                    crate::helpers::PUBLIC_URL
                ),
                html: "<p>Confirm</p>".into(),
            },
        );
        outbox::enqueue(&mut connection, &mail, undersigned::db::now()).expect("queued");
    }
    database_url
}

fn states(database_url: &str) -> HashMap<OutboxState, usize> {
    use diesel::prelude::*;
    use undersigned::db::schema::outbox;
    let pool = undersigned::db::connect(database_url, 1).expect("open the database");
    let mut connection = pool.get().expect("a connection");
    let states: Vec<OutboxState> = outbox::table
        .select(outbox::state)
        .load(&mut *connection as &mut undersigned::db::DbConnection)
        .expect("read the outbox");
    let mut counted = HashMap::new();
    for state in states {
        *counted.entry(state).or_insert(0) += 1;
    }
    counted
}

/// Delivers the rest after a restart and returns how often each message arrived.
async fn restart_and_deliver_everything(
    database_url: &str,
    sink: &SmtpSink,
    server: &mut Server,
) -> HashMap<String, usize> {
    server.restart().await;
    wait_until(
        "every message delivered after the restart",
        Duration::from_secs(90),
        || sink.arrivals().len() >= MESSAGES,
    )
    .await;
    wait_until(
        "the outbox records every message as sent",
        Duration::from_secs(30),
        || states(database_url).get(&OutboxState::Sent) == Some(&MESSAGES),
    )
    .await;
    let arrivals = sink.arrivals();
    assert_eq!(arrivals.len(), MESSAGES, "every message arrived");
    assert!(
        arrivals.keys().all(|id| !id.is_empty()),
        "every message has an id"
    );
    arrivals
}

async fn sigkill_mid_delivery_resends_at_most_the_messages_in_flight(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = database_with_backlog(backend, directory.path());
    let (sink, smtp_url) = slow_sink();

    let mut server = sending(&database_url, &smtp_url).start().await;
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    // SIGKILL: no chance to record anything more.
    server.sigkill();
    let at_kill = sink.count();
    assert!(
        at_kill < MESSAGES,
        "the kill landed mid-delivery ({at_kill} of {MESSAGES})"
    );

    let arrivals = restart_and_deliver_everything(&database_url, &sink, &mut server).await;
    let twice: Vec<(&String, &usize)> = arrivals.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.len() <= CONCURRENCY && twice.iter().all(|(_, count)| **count == 2),
        "{} message(s) arrived twice or more after a crash with {at_kill} delivered; at most \
         the {CONCURRENCY} in flight may: {twice:?}",
        twice.len()
    );
}

async fn sigterm_mid_delivery_finishes_in_flight_messages_and_resends_none(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = database_with_backlog(backend, directory.path());
    let (sink, smtp_url) = slow_sink();

    let mut server = sending(&database_url, &smtp_url).start().await;
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    let status = server.sigterm().await;
    assert!(status.success(), "a graceful stop exits cleanly: {status}");
    let at_stop = sink.count();
    assert!(
        at_stop < MESSAGES,
        "stopped mid-delivery ({at_stop} of {MESSAGES})"
    );
    let recorded = states(&database_url);
    assert_eq!(
        recorded.get(&OutboxState::Sent).copied().unwrap_or(0),
        at_stop,
        "every accepted message is recorded as sent: {recorded:?}"
    );
    assert_eq!(
        recorded.get(&OutboxState::Sending),
        None,
        "nothing is left claimed: {recorded:?}"
    );

    let arrivals = restart_and_deliver_everything(&database_url, &sink, &mut server).await;
    let twice: Vec<(&String, &usize)> = arrivals.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.is_empty(),
        "sent twice after a graceful stop: {twice:?}"
    );
}

/// Two instances deliver one backlog together; one is killed mid-batch (SIGKILL). The other
/// takes over the dead one's claimed messages once their lease runs out, without a restart:
/// every message arrives, and only what the dead instance had in flight may arrive twice.
async fn one_of_two_instances_killed_mid_delivery_the_other_finishes_and_resends_at_most_its_in_flight(
    backend: Backend,
) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = database_with_backlog(backend, directory.path());
    let (sink, smtp_url) = slow_sink();

    let binary = sending(&database_url, &smtp_url);
    let mut doomed = binary.start().await;
    let _survivor = binary.start().await;
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    doomed.sigkill();
    let at_kill = sink.count();
    assert!(
        at_kill < MESSAGES,
        "the kill landed mid-delivery ({at_kill} of {MESSAGES})"
    );

    wait_until(
        "the surviving instance delivers everything",
        Duration::from_secs(90),
        || sink.arrivals().len() >= MESSAGES,
    )
    .await;
    wait_until(
        "the outbox records every message as sent",
        Duration::from_secs(30),
        || states(&database_url).get(&OutboxState::Sent) == Some(&MESSAGES),
    )
    .await;
    let arrivals = sink.arrivals();
    assert_eq!(arrivals.len(), MESSAGES, "every message arrived");
    let twice: Vec<(&String, &usize)> = arrivals.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.len() <= CONCURRENCY && twice.iter().all(|(_, count)| **count == 2),
        "{} message(s) arrived twice or more after one of two instances died with {at_kill} \
         delivered; at most its {CONCURRENCY} in flight may: {twice:?}",
        twice.len()
    );
}
