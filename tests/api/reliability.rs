//! Nothing is lost: emails wait out an SMTP outage, a crash loses no acknowledged signature,
//! and a lost confirmation link can be replaced.

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signatures};

use crate::harness::{Config, SmtpSink};
use crate::helpers::{Backend, Email, encode, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_resent_link_works_beside_the_old_one,
    email_waits_out_an_smtp_outage_and_permanent_refusals_stop,
);

async fn a_resent_link_works_beside_the_old_one(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign(
        "dear-president",
        &[("name", "Ada"), ("email", "ada@example.org")],
    )
    .await;
    let first = app.wait_for_mails_to("ada@example.org", 1).await;
    let old_link = first[0].link("/verify/");

    let form = app.get("/letters/dear-president/resend").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Get a new confirmation link"));
    let bad = app
        .post_form(
            "/letters/dear-president/resend",
            encode(&[("email", "nope")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = app
        .post_form(
            "/letters/dear-president/resend",
            encode(&[("email", "stranger@example.org")]),
        )
        .await;
    let known = app
        .post_form(
            "/letters/dear-president/resend",
            encode(&[("email", " ADA@example.org")]),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::SEE_OTHER);
    assert_eq!(
        known.location, unknown.location,
        "no way to tell who signed"
    );

    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    let new_link = mails[1].link("/verify/");
    // The old link was never used: it keeps working, and both confirm the one signature.
    let old = app.get(&old_link).await;
    assert_eq!(old.status, StatusCode::OK, "the old link still works");
    let confirmed = app.post_form(&new_link, "").await;
    assert!(confirmed.body.contains("Signature confirmed"));
    let old = app.post_form(&old_link, "").await;
    assert!(old.body.contains("already confirmed"), "{}", old.body);
    assert!(app.mails().iter().all(|mail| !mail.to.contains("stranger")));
}

fn outbox_rows(app: &crate::helpers::TestApp) -> Vec<(String, i32, Option<String>, bool, bool)> {
    outbox::table
        .select((
            outbox::recipient,
            outbox::attempts,
            outbox::last_error,
            outbox::sent_at.is_not_null(),
            outbox::failed_at.is_not_null(),
        ))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the outbox")
}

async fn email_waits_out_an_smtp_outage_and_permanent_refusals_stop(backend: Backend) {
    // Reserve a port for the SMTP server that is down at first.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = reserved.local_addr().expect("port").port();
    drop(reserved);
    let app = spawn_app_with(
        backend,
        &[
            ("mail.transport", "smtp".into()),
            ("mail.smtp_url", format!("smtp://127.0.0.1:{port}")),
            ("mail.retry_base_seconds", "1".into()),
        ],
    )
    .await;
    app.create_letter("dear-president", "open", "");
    let signed = app
        .sign(
            "dear-president",
            &[
                ("name", "Ada"),
                ("email", "ada@example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(
        signed.status,
        StatusCode::SEE_OTHER,
        "signing works while SMTP is down"
    );
    let refused = app
        .sign(
            "dear-president",
            &[("name", "Ghost"), ("email", "ghost@nowhere.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = outbox_rows(&app);
        if rows.len() == 2 && rows.iter().all(|row| row.1 >= 1 && row.2.is_some()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "delivery was never attempted: {rows:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let status = app.cli_ok(&["outbox", "status"]);
    assert!(status.contains("waiting: 2"), "{status}");
    assert!(status.contains("smtp"), "the operator sees why: {status}");

    // The server comes back; it refuses one mailbox for good.
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("rebind the SMTP port");
    let sink = SmtpSink::new()
        .refusing("nowhere.example")
        .start_on(listener);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mail = loop {
        if let Some(mail) = sink
            .emails()
            .into_iter()
            .find(|mail| mail.to == "ada@example.org")
        {
            break mail;
        }
        assert!(
            Instant::now() < deadline,
            "the waiting email was never delivered"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert!(confirmed.body.contains("Signature confirmed"));

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = outbox_rows(&app);
        let ghost = rows
            .iter()
            .find(|row| row.0 == "ghost@nowhere.example")
            .cloned();
        if let Some((_, attempts, _, sent, failed)) = ghost
            && failed
        {
            assert!(!sent);
            // The refused address's row, a while apart: it must not move. (Only that row:
            // the other message may still be finishing, and rows come in no set order.)
            let ghost_row = |app: &crate::helpers::TestApp| {
                outbox_rows(app)
                    .into_iter()
                    .filter(|row| row.0 == "ghost@nowhere.example")
                    .collect::<Vec<_>>()
            };
            let later = ghost_row(&app);
            actix_web::rt::time::sleep(Duration::from_millis(2500)).await;
            let again = ghost_row(&app);
            assert_eq!(
                later, again,
                "a refused address is not retried: {attempts} attempt(s)"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the refused address was never marked: {rows:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let status = app.cli_ok(&["outbox", "status"]);
    assert!(status.contains("failed: 1"), "{status}");
}

/// Runs the real binary under concurrent signing, kills it with SIGKILL, restarts it, and
/// checks that every acknowledged signature is stored and every queued email goes out.
#[actix_web::test]
async fn a_crash_loses_no_acknowledged_signature_and_no_email() {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = format!("sqlite://{}", directory.path().join("crash.db").display());
    let letter = directory.path().join("letter.md");
    std::fs::write(
        &letter,
        crate::helpers::letter_document("crash-letter", "open", ""),
    )
    .expect("write the letter");
    let binary = Config::new(&database_url)
        .mail_files(&directory.path().join("mail"))
        .unlimited()
        .set("server.secret", "crash-test-secret")
        .set("mail.claim_lease_seconds", 2);
    // Only `serve` and `migrate` create the database; the import comes before the server.
    binary.cli_ok(&["migrate"]);
    binary.cli_ok(&["letters", "import", &letter.display().to_string()]);
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(Duration::from_secs(5))
        .finish();

    let mut server = binary.start().await;
    let base = server.address();
    let page = crate::helpers::read(
        client
            .get(format!("{base}/letters/crash-letter"))
            .send()
            .await
            .expect("letter page"),
    )
    .await;
    let t = page
        .body
        .split(r#"name="t" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();

    let acknowledged = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let signers = (0..6).map(|signer| {
        let client = client.clone();
        let base = base.clone();
        let t = t.clone();
        let acknowledged = acknowledged.clone();
        async move {
            for n in 0.. {
                let email = format!("signer{signer}-{n}@example.org");
                let body = encode(&[("name", "Crash Tester"), ("email", &email), ("t", &t)]);
                let sent = client
                    .post(format!("{base}/letters/crash-letter/sign"))
                    .insert_header(("content-type", "application/x-www-form-urlencoded"))
                    .send_body(body)
                    .await;
                match sent {
                    Ok(response) if response.status() == StatusCode::SEE_OTHER => {
                        acknowledged.borrow_mut().push(email)
                    }
                    _ => return,
                }
            }
        }
    });
    let killer = async {
        actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
        // SIGKILL: no chance to flush or finish anything.
        server.sigkill();
    };
    futures_util::future::join(futures_util::future::join_all(signers), killer).await;
    let acknowledged = acknowledged.borrow().clone();
    assert!(
        acknowledged.len() > 20,
        "the load ran: {} signatures",
        acknowledged.len()
    );

    server.restart().await;
    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    let stored: Vec<String> = signatures::table
        .select(signatures::email)
        .load(&mut *pool.get().expect("connection") as &mut DbConnection)
        .expect("read signatures");
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|email| !stored.contains(*email))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");

    // Every stored signature's email goes out, including any the crash interrupted.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let delivered: std::collections::HashSet<String> =
            std::fs::read_dir(directory.path().join("mail"))
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter_map(|entry| std::fs::read(entry.path()).ok())
                        .filter_map(|raw| std::panic::catch_unwind(|| Email::parse(&raw)).ok())
                        .map(|mail| mail.to.to_lowercase())
                        .collect()
                })
                .unwrap_or_default();
        let missing = stored
            .iter()
            .filter(|email| !delivered.contains(*email))
            .count();
        if missing == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{missing} queued email(s) never delivered after the restart"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
}
