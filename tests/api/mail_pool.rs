//! Pooled SMTP connections and the mail ceiling: the real binary sends a backlog over SMTP
//! with `mail.concurrency` slots and a pool as large (`mail.smtp_pool_size`): messages go
//! over kept-open connections (fewer SMTP sessions than messages), and still no more than
//! `limits.emails_per_minute` leave in a minute; the rest wait in the outbox.

use std::net::IpAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use undersigned::mail::outbox;
use undersigned::mail::{MailContent, OutgoingMail};

use crate::helpers::{Backend, fresh_database_url};
use crate::mail_crash::wait_until;
use crate::on_both_backends;

on_both_backends!(pooled_smtp_connections_keep_to_the_mail_ceiling,);

const BACKLOG: usize = 400;
const CEILING: usize = 150;
const CONCURRENCY: usize = 32;

/// An SMTP server that counts sessions (EHLO) and messages.
#[derive(Clone, Default)]
struct Sink {
    sessions: Arc<AtomicUsize>,
    messages: Arc<Mutex<Vec<Vec<u8>>>>,
    current: Vec<u8>,
}

impl mailin_embedded::Handler for Sink {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> mailin_embedded::Response {
        self.sessions.fetch_add(1, Ordering::SeqCst);
        mailin_embedded::response::OK
    }

    fn data(&mut self, buffer: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buffer);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let message = std::mem::take(&mut self.current);
        if let Ok(mut messages) = self.messages.lock() {
            messages.push(message);
        }
        mailin_embedded::response::OK
    }
}

impl Sink {
    fn count(&self) -> usize {
        self.messages
            .lock()
            .map(|messages| messages.len())
            .unwrap_or(0)
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind SMTP port");
    let port = listener.local_addr().expect("SMTP port").port();
    let sink = Sink::default();
    let mut smtp = mailin_embedded::Server::new(sink.clone());
    // One thread per open connection, for the connection's life: more than the pool keeps.
    smtp.with_name("smtp.test")
        .with_num_threads(4 * CONCURRENCY as u32)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = smtp.serve();
    });

    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .arg("serve")
            .env("DATABASE_URL", &database_url)
            .env("UNDERSIGNED_SERVER__BIND", "127.0.0.1:0")
            .env("UNDERSIGNED_SERVER__PUBLIC_URL", crate::helpers::PUBLIC_URL)
            .env("UNDERSIGNED_SERVER__SECRET", "mail-pool-secret")
            .env("UNDERSIGNED_MAIL__TRANSPORT", "smtp")
            .env(
                "UNDERSIGNED_MAIL__SMTP_URL",
                format!("smtp://127.0.0.1:{port}"),
            )
            .env(
                "UNDERSIGNED_MAIL__FROM",
                "Coalition <letters@coalition.test>",
            )
            .env("UNDERSIGNED_MAIL__CONCURRENCY", CONCURRENCY.to_string())
            .env("UNDERSIGNED_MAIL__SMTP_POOL_SIZE", CONCURRENCY.to_string())
            .env("UNDERSIGNED_LIMITS__EMAILS_PER_MINUTE", CEILING.to_string())
            .env("UNDERSIGNED_LOG__LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start undersigned serve"),
    );

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
    let sessions = sink.sessions.load(Ordering::SeqCst);
    assert!(
        sessions < CEILING,
        "{sessions} SMTP sessions for {CEILING} messages: connections were not reused"
    );
}
