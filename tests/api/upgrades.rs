//! A rolling upgrade from the previous release, run as README and DEPLOYMENT.md say to run
//! one: the previous release serves; `undersigned migrate` with the new binary (the old one
//! keeps serving); a new instance starts beside the old one; the old one is stopped and a
//! second new one takes its place. Nothing is lost on the way: links emailed by either
//! release work on the other, messages the old release queued are sent by the new one, no
//! message is given up, and the new binary does not start before the migration.
//!
//! The previous release is the commit in `.ci/previous-release`, built by
//! `.ci/previous-release.sh` (which `.ci/run` calls) and found through
//! `UNDERSIGNED_PREVIOUS_BINARY`. The test is marked ignored, so a plain `cargo test` counts
//! it as such; `bash .ci/test` runs it, and without that binary it fails saying so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signatures};
use undersigned::mail::outbox::OutboxState;

use crate::harness::{Config, Server};
use crate::helpers::{Backend, Email, TestApp, fresh_database_url, letter_document};
use crate::schema_versions::{get, open, refusal};

// Written out rather than through `on_both_backends!`: both need the previous release's
// binary, so both are marked ignored for a plain `cargo test` (see `harness::needs`).
mod sqlite {
    #[actix_web::test]
    #[ignore = "needs the previous release's binary (UNDERSIGNED_PREVIOUS_BINARY); `bash .ci/run` builds it"]
    async fn a_rolling_upgrade_from_the_previous_release_loses_no_link_and_no_email() {
        super::a_rolling_upgrade_from_the_previous_release_loses_no_link_and_no_email(
            crate::helpers::Backend::Sqlite,
        )
        .await;
    }
}

mod postgres {
    #[actix_web::test]
    #[ignore = "needs PostgreSQL and the previous release's binary (UNDERSIGNED_PREVIOUS_BINARY); `bash .ci/run` builds it"]
    async fn a_rolling_upgrade_from_the_previous_release_loses_no_link_and_no_email() {
        crate::helpers::postgres_url();
        super::a_rolling_upgrade_from_the_previous_release_loses_no_link_and_no_email(
            crate::helpers::Backend::Postgres,
        )
        .await;
    }
}

pub const PREVIOUS_ENV: &str = "UNDERSIGNED_PREVIOUS_BINARY";
const SLUG: &str = "upgrade-letter";

/// The previous release's binary; a test run without it fails, naming it.
fn previous_release() -> PathBuf {
    crate::harness::needs(
        "the previous release's binary",
        std::env::var_os(PREVIOUS_ENV)
            .map(PathBuf::from)
            .filter(|path| path.is_file())
            .ok_or_else(|| {
                format!(
                    "{PREVIOUS_ENV} does not name it (`bash .ci/previous-release.sh` builds it \
                     and prints its path; `bash .ci/test` sets {PREVIOUS_ENV})"
                )
            }),
    )
}

/// A client for a running instance, reading the mail it writes to `mail_dir`.
fn site(server: &Server, database_url: &str, mail_dir: &Path) -> TestApp {
    TestApp {
        address: server.address(),
        client: awc::Client::builder()
            .disable_redirects()
            .timeout(Duration::from_secs(30))
            .finish(),
        pool: open(database_url),
        database_url: database_url.to_owned(),
        mail_dir: mail_dir.to_owned(),
        directory: tempfile::tempdir().expect("temporary directory"),
    }
}

async fn sign(site: &TestApp, email: &str) {
    let signed = site
        .sign(SLUG, &[("name", "Upgrade Signer"), ("email", email)])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
}

/// Confirms a signature through `mail`'s link on `site`.
async fn confirm(site: &TestApp, mail: &Email) {
    let confirmed = site.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(
        confirmed.status,
        StatusCode::OK,
        "{} on {}: {}",
        mail.link("/verify/"),
        site.address,
        confirmed.body
    );
    assert!(
        confirmed.body.contains("Signature confirmed"),
        "{}",
        confirmed.body
    );
}

async fn one_mail_to(site: &TestApp, address: &str) -> Email {
    let mut mails = site.wait_for_mails_to(address, 1).await;
    assert_eq!(mails.len(), 1, "one email to {address}");
    mails.remove(0)
}

fn waiting_to(site: &TestApp, address: &str) -> i64 {
    outbox::table
        .filter(outbox::recipient.eq(address))
        .filter(outbox::state.eq(OutboxState::Waiting))
        .count()
        .get_result(&mut *site.connection() as &mut DbConnection)
        .expect("read the outbox")
}

async fn a_rolling_upgrade_from_the_previous_release_loses_no_link_and_no_email(backend: Backend) {
    let previous = previous_release();
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let letter = directory.path().join("letter.md");
    std::fs::write(&letter, letter_document(SLUG, "open", "")).expect("write the letter");
    // Each release writes its mail to a folder of its own, so that who sent what shows.
    let (old_mail, new_mail) = (
        directory.path().join("mail-old"),
        directory.path().join("mail-new"),
    );
    let new = Config::new(&database_url).mail_files(&new_mail).unlimited();
    // The previous release lets one email out a minute: what it queues after the first
    // waits in the outbox across the upgrade.
    let old = Config::new(&database_url)
        .program(&previous)
        .mail_files(&old_mail)
        .unlimited()
        .set("limits.emails_per_minute", 1);

    // The previous release serves alone.
    old.cli_ok(&["letters", "import", &letter.display().to_string()]);
    let mut old_server = old.start().await;
    let old_site = site(&old_server, &database_url, &old_mail);
    sign(&old_site, "ada@example.org").await;
    let ada = one_mail_to(&old_site, "ada@example.org").await;
    sign(&old_site, "bob@example.org").await;
    sign(&old_site, "eve@example.org").await;
    assert_eq!(
        waiting_to(&old_site, "bob@example.org") + waiting_to(&old_site, "eve@example.org"),
        2,
        "two confirmations queued by the previous release wait"
    );

    // The new binary does not start on the previous release's schema.
    let stderr = refusal(&new);
    assert!(stderr.contains("run `undersigned migrate`"), "{stderr}");

    // Step 1: migrate with the new binary while the previous release serves on.
    let migrated = new.cli_ok(&["migrate"]);
    assert!(migrated.contains("migration(s) applied"), "{migrated}");
    assert_eq!(get(&old_server, "/readyz").await.status, StatusCode::OK);
    sign(&old_site, "frank@example.org").await;

    // Step 2: a new instance beside the old one. It sends what the old one queued, and the
    // links of each release work on the other.
    let new_server = new.start().await;
    let new_site = site(&new_server, &database_url, &new_mail);
    let bob = one_mail_to(&new_site, "bob@example.org").await;
    let eve = one_mail_to(&new_site, "eve@example.org").await;
    confirm(&new_site, &ada).await;
    confirm(&old_site, &bob).await;
    confirm(&new_site, &eve).await;
    sign(&new_site, "carol@example.org").await;
    let carol = one_mail_to(&new_site, "carol@example.org").await;
    confirm(&old_site, &carol).await;

    // Step 3: the old instance stopped, a second new one in its place.
    assert!(
        old_server.sigterm().await.success(),
        "the previous release stops cleanly"
    );
    let second = new.start().await;
    let second_site = site(&second, &database_url, &new_mail);
    let frank = one_mail_to(&second_site, "frank@example.org").await;
    confirm(&second_site, &frank).await;

    second_site.wait_for_public_total(SLUG, 5).await;
    let states: Vec<String> = signatures::table
        .select(signatures::state)
        .load::<undersigned::signatures::SignatureState>(
            &mut *second_site.connection() as &mut DbConnection
        )
        .expect("read the signatures")
        .into_iter()
        .map(|state| state.as_str().to_owned())
        .collect();
    assert_eq!(states, ["verified"; 5], "every signer confirmed");
    let failed: i64 = outbox::table
        .filter(outbox::state.eq(OutboxState::Failed))
        .count()
        .get_result(&mut *second_site.connection() as &mut DbConnection)
        .expect("read the outbox");
    assert_eq!(failed, 0, "no message given up");
    assert_eq!(
        old_site.mails().len(),
        1,
        "the previous release sent only the first confirmation"
    );
}
