//! Pooled SMTP connections and the mail ceiling: the real binary sends a backlog over SMTP
//! with `mail.concurrency` slots and a pool as large (`mail.smtp_pool_size`): messages go
//! over kept-open connections (fewer SMTP sessions than messages), and still no more than
//! `limits.emails_per_minute` leave in a minute; the rest wait in the outbox.

use std::time::Duration;

use undersigned::mail::outbox;
use undersigned::mail::{MailContent, OutgoingMail};

use crate::harness::{Config, SmtpSink, wait_until};
use crate::helpers::{Backend, fresh_database_url};
use crate::on_both_backends;

on_both_backends!(pooled_smtp_connections_keep_to_the_mail_ceiling,);

const BACKLOG: usize = 400;
const CEILING: usize = 150;
const CONCURRENCY: usize = 32;

async fn pooled_smtp_connections_keep_to_the_mail_ceiling(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    undersigned::db::migrate(&pool).expect("migrate");
    let mut connection = pool.get().expect("a connection");
    let now = undersigned::db::now();
    for number in 0..BACKLOG {
        let mail = OutgoingMail::to(
            &format!("reader{number}@example.org"),
            MailContent {
                subject: "Please confirm your signature".into(),
                text: format!("Confirm: {}/verify/t{number}", crate::helpers::PUBLIC_URL),
                html: "<p>Confirm</p>".into(),
            },
        );
        outbox::enqueue(&mut connection, &mail, now).expect("queued");
    }

    // One thread per open connection, for the connection's life: more than the pool keeps.
    let (sink, smtp_url) = SmtpSink::new().connections(4 * CONCURRENCY).start();
    let _server = Config::new(&database_url)
        .smtp(&smtp_url)
        .set("server.secret", "mail-pool-secret")
        .set("mail.concurrency", CONCURRENCY)
        .set("mail.smtp_pool_size", CONCURRENCY)
        .set("limits.emails_per_minute", CEILING)
        .start()
        .await;

    wait_until(
        "the minute's allowance delivered",
        Duration::from_secs(60),
        || sink.count() >= CEILING,
    )
    .await;
    // Several polls of the worker later, nothing more has gone out this minute.
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        sink.count(),
        CEILING,
        "no more than the ceiling in a minute"
    );
    let depth = outbox::depth(&mut connection).expect("depth");
    assert_eq!(depth.sent, CEILING as i64, "{depth:?}");
    assert_eq!(
        depth.waiting,
        (BACKLOG - CEILING) as i64,
        "over the ceiling waits"
    );
    assert_eq!(depth.failed, 0);
    // Kept-open connections carried several messages each. Not one session per slot:
    // lettre opens a connection when a slot finds none idle, and a connection on its way
    // back to the pool is not idle yet.
    let sessions = sink.sessions();
    assert!(
        sessions < CEILING,
        "{sessions} SMTP sessions for {CEILING} messages: connections were not reused"
    );
}
