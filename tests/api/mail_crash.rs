//! A crash sends again at most the messages in flight: the real binary delivers a backlog to
//! a real SMTP server and is killed midway (SIGKILL), or stopped (SIGTERM); after a restart
//! every message arrives, and no Message-ID arrives twice beyond `mail.concurrency` (none
//! after SIGTERM).

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use undersigned::mail::outbox::{self, OutboxState};
use undersigned::mail::{MailContent, OutgoingMail};

use crate::helpers::{Backend, Email, fresh_database_url};
use crate::on_both_backends;

on_both_backends!(
    sigkill_mid_delivery_resends_at_most_the_messages_in_flight,
    sigterm_mid_delivery_finishes_in_flight_messages_and_resends_none,
    one_of_two_instances_killed_mid_delivery_the_other_finishes_and_resends_at_most_its_in_flight,
);

const MESSAGES: usize = 600;
pub(crate) const CONCURRENCY: usize = 4;

/// An SMTP server that takes a moment per message, as a real one does, so that a kill lands
/// in the middle of the backlog.
#[derive(Clone, Default)]
pub(crate) struct SlowSink {
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    current: Vec<u8>,
}

impl mailin_embedded::Handler for SlowSink {
    fn data(&mut self, buffer: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buffer);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        std::thread::sleep(Duration::from_millis(5));
        let message = std::mem::take(&mut self.current);
        if let Ok(mut received) = self.received.lock() {
            received.push(message);
        }
        mailin_embedded::response::OK
    }
}

impl SlowSink {
    pub(crate) fn start() -> (SlowSink, String) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind SMTP port");
        let port = listener.local_addr().expect("SMTP port").port();
        let sink = SlowSink::default();
        let mut server = mailin_embedded::Server::new(sink.clone());
        server
            .with_name("smtp.test")
            .with_num_threads(2 * CONCURRENCY as u32)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        (sink, format!("smtp://127.0.0.1:{port}"))
    }

    pub(crate) fn count(&self) -> usize {
        self.received
            .lock()
            .map(|received| received.len())
            .unwrap_or(0)
    }

    /// How many times each Message-ID arrived.
    pub(crate) fn arrivals(&self) -> HashMap<String, usize> {
        let mut arrivals = HashMap::new();
        let received = self
            .received
            .lock()
            .map(|received| received.clone())
            .unwrap_or_default();
        for raw in received {
            *arrivals.entry(Email::parse(&raw).message_id).or_insert(0) += 1;
        }
        arrivals
    }
}

pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_server(database_url: &str, smtp_url: &str) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("UNDERSIGNED_SERVER__BIND", "127.0.0.1:0")
        .env("UNDERSIGNED_SERVER__PUBLIC_URL", crate::helpers::PUBLIC_URL)
        .env("UNDERSIGNED_SERVER__SECRET", "mail-crash-secret")
        .env("UNDERSIGNED_MAIL__TRANSPORT", "smtp")
        .env("UNDERSIGNED_MAIL__SMTP_URL", smtp_url)
        .env(
            "UNDERSIGNED_MAIL__FROM",
            "Coalition <letters@coalition.test>",
        )
        .env("UNDERSIGNED_MAIL__CONCURRENCY", CONCURRENCY.to_string())
        .env("UNDERSIGNED_MAIL__CLAIM_LEASE_SECONDS", "2")
        .env("UNDERSIGNED_LIMITS__EMAILS_PER_MINUTE", "1000000")
        .env("UNDERSIGNED_LOG__LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start undersigned serve");
    Server { child }
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

pub(crate) async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
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
    sink: &SlowSink,
    smtp_url: &str,
) -> HashMap<String, usize> {
    let _restarted = start_server(database_url, smtp_url);
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
    let (sink, smtp_url) = SlowSink::start();

    let mut server = start_server(&database_url, &smtp_url);
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    // SIGKILL: no chance to record anything more.
    let _ = server.child.kill();
    let _ = server.child.wait();
    let at_kill = sink.count();
    assert!(
        at_kill < MESSAGES,
        "the kill landed mid-delivery ({at_kill} of {MESSAGES})"
    );

    let arrivals = restart_and_deliver_everything(&database_url, &sink, &smtp_url).await;
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
    let (sink, smtp_url) = SlowSink::start();

    let mut server = start_server(&database_url, &smtp_url);
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    let terminated = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(terminated.success());
    let exited = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().expect("wait for the server") {
            assert!(status.success(), "a graceful stop exits cleanly: {status}");
            break;
        }
        assert!(
            exited.elapsed() < Duration::from_secs(20),
            "the server kept running after SIGTERM"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
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

    let arrivals = restart_and_deliver_everything(&database_url, &sink, &smtp_url).await;
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
    let (sink, smtp_url) = SlowSink::start();

    let mut doomed = start_server(&database_url, &smtp_url);
    let _survivor = start_server(&database_url, &smtp_url);
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    let _ = doomed.child.kill();
    let _ = doomed.child.wait();
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
