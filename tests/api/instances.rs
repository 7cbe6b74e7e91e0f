//! Several instances on one database: two real `undersigned serve` processes on one
//! PostgreSQL database (two apps on one SQLite file in this process for the SQLite half),
//! each race driven through both at once, many times. Whatever the interleaving, exactly one
//! of two racing changes wins, nothing answers 5xx, and what the public sees matches the rows.

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use futures_util::future::{join, join_all};
use undersigned::db::DbConnection;
use undersigned::db::schema::{audit_log, outbox, signature_tokens, signatures};

use crate::harness::{Config, Server};
use crate::helpers::{
    Backend, Response, StaffClient, TestApp, encode, fresh_database_url, test_settings,
};
use crate::on_both_backends;

on_both_backends!(
    confirm_on_one_instance_and_withdraw_on_another_leave_one_clean_outcome,
    the_same_address_signing_on_both_instances_at_once_stores_one_row,
    concurrent_resends_on_two_instances_keep_every_link_for_one_signature,
    approve_and_reject_on_two_instances_decide_once_and_email_once,
);

/// How many times each race runs.
const ROUNDS: usize = 40;
const SLUG: &str = "many-instances";

/// Two instances on one database; `a` and `b` share the database and the mail folder.
struct Cluster {
    a: TestApp,
    b: TestApp,
    _servers: Vec<Server>,
    _shared: tempfile::TempDir,
}

fn client() -> awc::Client {
    awc::Client::builder()
        .disable_redirects()
        .timeout(Duration::from_secs(60))
        .finish()
}

/// PostgreSQL: two real processes, started together (so they also race on migrations).
/// SQLite: two apps of this process on one file (one instance per SQLite file is what the
/// deployment guide promises; this checks that the code paths agree on both backends).
async fn two_instances(backend: Backend) -> Cluster {
    let shared = tempfile::tempdir().expect("temporary directory");
    let mail_dir = shared.path().join("mail");
    let database_url = fresh_database_url(backend, shared.path());
    let (addresses, servers): (Vec<String>, Vec<Server>) = match backend {
        Backend::Postgres => {
            let binary = Config::new(&database_url)
                .mail_files(&mail_dir)
                .unlimited()
                .set("server.workers", 2)
                .set("database.pool_size", 4);
            let mut servers = vec![binary.spawn(), binary.spawn()];
            for server in &mut servers {
                server.ready().await;
            }
            let addresses = servers.iter().map(Server::address).collect();
            (addresses, servers)
        }
        Backend::Sqlite => {
            let mut addresses = Vec::new();
            for _ in 0..2 {
                let settings = test_settings(&database_url, &mail_dir, &[]);
                let application = undersigned::startup::Application::build(settings)
                    .await
                    .expect("application starts");
                addresses.push(format!("http://127.0.0.1:{}", application.port()));
                actix_web::rt::spawn(application.run_until_stopped());
            }
            (addresses, Vec::new())
        }
    };
    let instance = |address: &str| TestApp {
        address: address.to_owned(),
        client: client(),
        pool: undersigned::db::connect(&database_url, 2).expect("open the database"),
        database_url: database_url.clone(),
        mail_dir: mail_dir.clone(),
        directory: tempfile::tempdir().expect("temporary directory"),
    };
    let cluster = Cluster {
        a: instance(&addresses[0]),
        b: instance(&addresses[1]),
        _servers: servers,
        _shared: shared,
    };
    cluster.a.create_letter(SLUG, "open", "");
    cluster
}

fn assert_no_server_error(responses: &[&Response], what: &str) {
    for response in responses {
        assert!(
            !response.status.is_server_error(),
            "{what} answered {}: {}",
            response.status,
            response.body
        );
    }
}

fn email_of(round: usize) -> String {
    format!("signer{round}@example.org")
}

/// Signs `ROUNDS` people on instance A and returns each one's confirmation email.
async fn sign_many(cluster: &Cluster) -> Vec<crate::helpers::Email> {
    let signed = join_all((0..ROUNDS).map(|round| async move {
        let email = email_of(round);
        let name = format!("Signer {round}");
        cluster
            .a
            .sign(
                SLUG,
                &[("name", &name), ("email", &email), ("public", "on")],
            )
            .await
    }))
    .await;
    for response in &signed {
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let mut mails = Vec::new();
    for round in 0..ROUNDS {
        let mut to = cluster.a.wait_for_mails_to(&email_of(round), 1).await;
        mails.push(to.remove(0));
    }
    mails
}

/// The public total, read from each instance until both say `expected` (each instance
/// refreshes its page snapshot on its own).
async fn wait_for_public_total(cluster: &Cluster, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut totals = Vec::new();
        for app in [&cluster.a, &cluster.b] {
            let detail = app.get(&format!("/api/v1/letters/{SLUG}")).await;
            let json: serde_json::Value =
                serde_json::from_str(&detail.body).expect("the letter as JSON");
            totals.push(json["total"].as_i64().unwrap_or(-1));
        }
        if totals.iter().all(|total| *total == expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the public totals {totals:?} never matched the {expected} confirmed rows"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The links that open the confirm page (read on alternating instances): every one, since a
/// link that was never used keeps working until it expires; one that does not must say why.
async fn working_links(cluster: &Cluster, email: &str, links: &[String]) -> Vec<String> {
    let mut working = Vec::new();
    for (index, link) in links.iter().enumerate() {
        let app = if index % 2 == 0 {
            &cluster.a
        } else {
            &cluster.b
        };
        let page = app.get(link).await;
        if page.status == StatusCode::OK {
            working.push(link.clone());
        } else {
            assert_eq!(page.status, StatusCode::GONE, "{email}: {}", page.body);
            assert!(
                page.body.contains("already been used"),
                "{email}: {}",
                page.body
            );
        }
    }
    working
}

type Row = (String, String, String, String, bool, bool);

fn rows(app: &TestApp) -> Vec<Row> {
    signatures::table
        .select((
            signatures::id,
            signatures::state,
            signatures::name,
            signatures::email,
            signatures::withdrawn_at.is_not_null(),
            signatures::verified_at.is_not_null(),
        ))
        .order(signatures::id.asc())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures")
}

async fn confirm_on_one_instance_and_withdraw_on_another_leave_one_clean_outcome(backend: Backend) {
    let cluster = two_instances(backend).await;
    let mails = sign_many(&cluster).await;
    let cluster = &cluster;
    let answers = join_all(mails.iter().map(|mail| async move {
        let verify = mail.link("/verify/");
        let withdraw = mail.link("/withdraw/");
        join(
            cluster.a.post_form(&verify, ""),
            cluster.b.post_form(&withdraw, ""),
        )
        .await
    }))
    .await;
    for (confirmed, withdrawn) in &answers {
        assert_no_server_error(&[confirmed, withdrawn], "confirm or withdraw");
        assert!(
            withdrawn.status == StatusCode::OK,
            "the withdrawal always wins or finds a confirmed signature to withdraw: {} {}",
            withdrawn.status,
            withdrawn.body
        );
    }

    let rows = rows(&cluster.a);
    assert_eq!(rows.len(), ROUNDS);
    let mut confirmed = 0;
    for (id, state, name, email, withdrawn_at, _) in &rows {
        match state.as_str() {
            "withdrawn" => assert!(
                *withdrawn_at && name.is_empty() && email.is_empty(),
                "{id}: withdrawn but not erased ({name:?}, {email:?}, withdrawn_at set: {withdrawn_at})"
            ),
            "verified" => {
                confirmed += 1;
                assert!(
                    !*withdrawn_at && name.starts_with("Signer ") && email.contains('@'),
                    "{id}: confirmed but half withdrawn ({name:?}, {email:?}, withdrawn_at set: {withdrawn_at})"
                );
            }
            other => panic!("{id}: ended {other}"),
        }
    }
    // A withdrawal link works whatever the confirmation did, so every signature is withdrawn.
    assert_eq!(confirmed, 0, "{rows:?}");
    wait_for_public_total(cluster, confirmed).await;
    let listed = cluster.b.get(&format!("/letters/{SLUG}/signatories")).await;
    assert!(
        !listed.body.contains("Signer "),
        "nothing withdrawn is listed"
    );
}

async fn the_same_address_signing_on_both_instances_at_once_stores_one_row(backend: Backend) {
    let cluster = two_instances(backend).await;
    let answers = join_all((0..ROUNDS).map(|round| {
        let cluster = &cluster;
        async move {
            let email = email_of(round);
            let fields = [
                ("name", "Same Person"),
                ("email", email.as_str()),
                ("public", "on"),
            ];
            join(cluster.a.sign(SLUG, &fields), cluster.b.sign(SLUG, &fields)).await
        }
    }))
    .await;
    for (on_a, on_b) in &answers {
        assert_no_server_error(&[on_a, on_b], "sign");
        assert_eq!(on_a.status, StatusCode::SEE_OTHER, "{}", on_a.body);
        assert_eq!(on_b.status, StatusCode::SEE_OTHER, "{}", on_b.body);
    }
    let live: Vec<(String, String)> = signatures::table
        .filter(signatures::withdrawn_at.is_null())
        .select((signatures::kind, signatures::email))
        .load(&mut *cluster.a.connection() as &mut DbConnection)
        .expect("read signatures");
    for round in 0..ROUNDS {
        let email = email_of(round);
        let stored = live.iter().filter(|(_, stored)| *stored == email).count();
        assert_eq!(stored, 1, "{email}: {stored} live rows");
    }
    assert_eq!(live.len(), ROUNDS);
    // Each request sent a confirmation email; both links work and confirm the one signature.
    for round in 0..ROUNDS {
        let email = email_of(round);
        let mails = cluster.a.wait_for_mails_to(&email, 2).await;
        let links: Vec<String> = mails.iter().map(|mail| mail.link("/verify/")).collect();
        let working = working_links(&cluster, &email, &links).await;
        assert_eq!(working.len(), 2, "{email}: {} links work", working.len());
        let confirmed = cluster.b.post_form(&working[0], "").await;
        assert!(
            confirmed.body.contains("Signature confirmed"),
            "{email}: {}",
            confirmed.body
        );
        let other = cluster.a.post_form(&working[1], "").await;
        assert!(
            other.body.contains("already confirmed"),
            "{email}: {}",
            other.body
        );
    }
    wait_for_public_total(&cluster, ROUNDS as i64).await;
}

async fn concurrent_resends_on_two_instances_keep_every_link_for_one_signature(backend: Backend) {
    let cluster = two_instances(backend).await;
    sign_many(&cluster).await;
    let path = format!("/letters/{SLUG}/resend");
    let (cluster, path) = (&cluster, &path);
    let answers = join_all((0..ROUNDS).map(|round| async move {
        let body = encode(&[("email", &email_of(round))]);
        join(
            cluster.a.post_form(path, body.clone()),
            cluster.b.post_form(path, body),
        )
        .await
    }))
    .await;
    for (on_a, on_b) in &answers {
        assert_no_server_error(&[on_a, on_b], "resend");
    }

    let mut connection = cluster.a.connection();
    for round in 0..ROUNDS {
        let email = email_of(round);
        let mails = cluster.a.wait_for_mails_to(&email, 3).await;
        assert_eq!(mails.len(), 3, "{email}: one email per request");
        let signature: String = signatures::table
            .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(&email)))
            .select(signatures::id)
            .first(&mut *connection as &mut DbConnection)
            .expect("the signature");
        let unused: i64 = signature_tokens::table
            .filter(signature_tokens::signature_id.eq(&signature))
            .filter(signature_tokens::verify_digest.is_not_null())
            .filter(signature_tokens::verify_used_at.is_null())
            .count()
            .get_result(&mut *connection as &mut DbConnection)
            .expect("count tokens");
        assert_eq!(
            unused, 3,
            "{email}: {unused} confirmation links still valid"
        );

        // Every link works, on either instance, and they confirm the one signature.
        let links: Vec<String> = mails.iter().map(|mail| mail.link("/verify/")).collect();
        let working = working_links(cluster, &email, &links).await;
        assert_eq!(working.len(), 3, "{email}: {} links work", working.len());
        let confirmed = cluster.b.post_form(&working[0], "").await;
        assert!(
            confirmed.body.contains("Signature confirmed"),
            "{}",
            confirmed.body
        );
    }
    drop(connection);
    wait_for_public_total(cluster, ROUNDS as i64).await;
}

async fn approve_and_reject_on_two_instances_decide_once_and_email_once(backend: Backend) {
    let cluster = two_instances(backend).await;
    let signed = join_all((0..ROUNDS).map(|round| {
        let cluster = &cluster;
        async move {
            let organization = format!("Organization {round}");
            let email = email_of(round);
            cluster
                .a
                .sign(
                    SLUG,
                    &[
                        ("kind", "organization"),
                        ("organization", &organization),
                        ("name", "Director"),
                        ("email", &email),
                        ("public", "on"),
                    ],
                )
                .await
        }
    }))
    .await;
    for response in &signed {
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let mut ids = Vec::new();
    for round in 0..ROUNDS {
        let email = email_of(round);
        let mails = cluster.a.wait_for_mails_to(&email, 1).await;
        let confirmed = cluster.b.post_form(&mails[0].link("/verify/"), "").await;
        assert!(
            confirmed
                .body
                .contains("will be listed once they approve it"),
            "{}",
            confirmed.body
        );
        let id: String = signatures::table
            .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(&email)))
            .select(signatures::id)
            .first(&mut *cluster.a.connection() as &mut DbConnection)
            .expect("the signature");
        ids.push(id);
    }

    // One staff session, used on both instances (sessions live in the database).
    let on_a = cluster.a.staff("editor@coalition.test", "editor").await;
    let on_b = StaffClient {
        app: &cluster.b,
        cookie: on_a.cookie.clone(),
        csrf: on_a.csrf.clone(),
    };
    let path = format!("/admin/letters/{SLUG}/moderation");
    let (on_a, on_b, path) = (&on_a, &on_b, &path);
    let answers = join_all(ids.iter().map(|id| async move {
        // As the review queue's forms post: the decision, the sign-on, the state it showed.
        let approve = [
            ("decision", "approve"),
            ("id", id.as_str()),
            ("from", "verified"),
        ];
        let reject = [
            ("decision", "reject"),
            ("id", id.as_str()),
            ("from", "verified"),
        ];
        join(on_a.post(path, &approve), on_b.post(path, &reject)).await
    }))
    .await;
    for (approved, rejected) in &answers {
        assert_no_server_error(&[approved, rejected], "approve or reject");
    }

    let mut connection = cluster.a.connection();
    let mut listed = 0;
    for (round, id) in ids.iter().enumerate() {
        let email = email_of(round);
        let state: String = signatures::table
            .find(id)
            .select(signatures::state)
            .first(&mut *connection as &mut DbConnection)
            .expect("the signature");
        assert!(
            state == "approved" || state == "rejected",
            "{email}: ended {state}"
        );
        if state == "approved" {
            listed += 1;
        }
        let decisions: Vec<String> = audit_log::table
            .filter(audit_log::subject.eq(id))
            .select(audit_log::action)
            .load(&mut *connection as &mut DbConnection)
            .expect("read the audit log");
        assert_eq!(
            decisions,
            vec![format!(
                "signature.{}",
                if state == "approved" {
                    "approve"
                } else {
                    "reject"
                }
            )],
            "{email}: exactly the winning decision is recorded"
        );
        // The confirmation email and exactly one decision email.
        let queued: i64 = outbox::table
            .filter(outbox::recipient.eq(&email))
            .count()
            .get_result(&mut *connection as &mut DbConnection)
            .expect("count the outbox");
        assert_eq!(queued, 2, "{email}: {queued} emails queued");
        let mails = cluster.a.wait_for_mails_to(&email, 2).await;
        let decision = &mails[1];
        if state == "approved" {
            assert!(
                decision.subject.contains("is listed"),
                "{}",
                decision.subject
            );
        } else {
            assert!(
                decision.text.contains("not able to list it"),
                "{}",
                decision.text
            );
        }
    }
    drop(connection);
    wait_for_public_total(&cluster, listed).await;
}
