//! The page and API totals come from `signature_tallies`, kept by database triggers. These
//! tests change signatures every way the service does (and a few ways it does not, such as a
//! staff member's UPDATE by hand) and check after each change that the tallies equal a full
//! recount of the rows, and that what a visitor reads equals the counted rows.

use std::collections::BTreeMap;

use awc::http::StatusCode;
use diesel::prelude::*;
use futures_util::future::join_all;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use undersigned::db::DbConnection;
use undersigned::db::schema::{signature_tallies, signatures};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    tallies_equal_a_recount_after_every_kind_of_change,
    totals_match_confirmed_rows_after_concurrent_confirms_and_withdrawals,
);

const CONFIRMED: [&str; 2] = ["verified", "approved"];

type Key = (String, String, String, bool);

/// Nonzero tally rows, as the triggers keep them.
fn tallies(connection: &mut DbConnection) -> BTreeMap<Key, i64> {
    signature_tallies::table
        .select((
            signature_tallies::letter_id,
            signature_tallies::kind,
            signature_tallies::state,
            signature_tallies::public,
            signature_tallies::count,
        ))
        .load::<(String, String, String, bool, i64)>(connection)
        .expect("read tallies")
        .into_iter()
        .filter(|row| row.4 != 0)
        .map(|(letter, kind, state, public, count)| ((letter, kind, state, public), count))
        .collect()
}

/// The same numbers counted from the signature rows.
fn recount(connection: &mut DbConnection) -> BTreeMap<Key, i64> {
    signatures::table
        .filter(signatures::state.eq_any(CONFIRMED))
        .group_by((
            signatures::letter_id,
            signatures::kind,
            signatures::state,
            signatures::public,
        ))
        .select((
            signatures::letter_id,
            signatures::kind,
            signatures::state,
            signatures::public,
            diesel::dsl::count_star(),
        ))
        .load::<(String, String, String, bool, i64)>(connection)
        .expect("recount signatures")
        .into_iter()
        .map(|(letter, kind, state, public, count)| ((letter, kind, state, public), count))
        .collect()
}

/// What the one rule counts for a letter, from the rows.
fn counted_rows(app: &TestApp, slug: &str, organizations_need_approval: bool) -> i64 {
    let letter_id = app.letter_id(slug);
    let rows: Vec<(String, String)> = signatures::table
        .filter(signatures::letter_id.eq(&letter_id))
        .select((signatures::kind, signatures::state))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures");
    rows.iter()
        .filter(|(kind, state)| match (kind.as_str(), state.as_str()) {
            ("individual", "verified") | ("organization", "approved") => true,
            ("organization", "verified") => !organizations_need_approval,
            _ => false,
        })
        .count() as i64
}

struct Workload {
    rng: StdRng,
    letters: Vec<String>,
    serial: u64,
}

impl Workload {
    fn letter(&mut self) -> String {
        let index = self.rng.random_range(0..self.letters.len());
        self.letters[index].clone()
    }

    /// A signature as the sign form or an invite stores it.
    fn insert(&mut self, connection: &mut DbConnection, state: &str) {
        self.serial += 1;
        let serial = self.serial;
        let organization = self.rng.random_bool(0.3);
        let letter = self.letter();
        let now = undersigned::db::now();
        let email = format!("signer{serial}@example.org");
        let name = organization.then(|| format!("Organization {serial}"));
        diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(format!("tally-{serial:08}")),
                signatures::letter_id.eq(letter),
                signatures::kind.eq(if organization {
                    "organization"
                } else {
                    "individual"
                }),
                signatures::state.eq(state),
                signatures::name.eq(format!("Signer {serial}")),
                signatures::email.eq(&email),
                signatures::email_normalized.eq(crate::helpers::mailbox_key(&email)),
                signatures::organization.eq(&name),
                signatures::organization_normalized.eq(name.as_ref().map(|n| n.to_lowercase())),
                signatures::public.eq(self.rng.random_bool(0.8)),
                signatures::content_hash.eq("hash"),
                signatures::created_at.eq(now),
                signatures::verified_at.eq((state != "pending").then_some(now)),
            ))
            .execute(connection)
            .expect("insert a signature");
    }

    /// A random signature matching the filter, if any.
    fn pick(
        &mut self,
        connection: &mut DbConnection,
        states: &[&str],
        kind: Option<&str>,
    ) -> Option<String> {
        let mut query = signatures::table
            .filter(signatures::state.eq_any(states.to_vec()))
            .select(signatures::id)
            .order(signatures::id.asc())
            .into_boxed();
        if let Some(kind) = kind {
            query = query.filter(signatures::kind.eq(kind.to_owned()));
        }
        let ids: Vec<String> = query.load(connection).expect("pick a signature");
        if ids.is_empty() {
            return None;
        }
        let index = self.rng.random_range(0..ids.len());
        Some(ids[index].clone())
    }

    fn set_state(
        &mut self,
        connection: &mut DbConnection,
        from: &[&str],
        kind: Option<&str>,
        to: &str,
    ) {
        if let Some(id) = self.pick(connection, from, kind) {
            diesel::update(signatures::table.find(id))
                .set(signatures::state.eq(to))
                .execute(connection)
                .expect("change a state");
        }
    }

    /// One change, chosen at random; returns its name for the failure message.
    fn step(&mut self, connection: &mut DbConnection) -> &'static str {
        let all_but_removed = [
            "pending",
            "verified",
            "approved",
            "rejected",
            "withdrawn",
            "duplicate",
        ];
        match self.rng.random_range(0..16) {
            0..=2 => {
                self.insert(connection, "pending");
                "sign"
            }
            3..=4 => {
                self.set_state(connection, &["pending"], None, "verified");
                "confirm"
            }
            5 => {
                self.set_state(connection, &CONFIRMED, None, "withdrawn");
                "withdraw"
            }
            6 => {
                self.set_state(connection, &["verified"], Some("organization"), "approved");
                "approve"
            }
            7 => {
                self.set_state(connection, &["verified"], Some("organization"), "rejected");
                "reject"
            }
            8 => {
                if let Some(id) = self.pick(connection, &all_but_removed, None) {
                    let public = self.rng.random_bool(0.5);
                    diesel::update(signatures::table.find(id))
                        .set(signatures::public.eq(public))
                        .execute(connection)
                        .expect("hide or show");
                }
                "hide or show"
            }
            9 => {
                self.set_state(connection, &all_but_removed, None, "removed");
                "remove"
            }
            10 => {
                self.set_state(connection, &["pending"], Some("organization"), "duplicate");
                "duplicate organization confirm"
            }
            11 => {
                self.insert(connection, "verified");
                "invite accept"
            }
            12 => {
                let cutoff = undersigned::db::now() + chrono::Duration::days(1);
                undersigned::signatures::lists::purge_unconfirmed(
                    connection,
                    cutoff,
                    &undersigned::staff::Actor::command_line(),
                )
                .expect("purge unconfirmed");
                "purge of unconfirmed"
            }
            13 => {
                // A staff bulk decision: one statement over many rows, in one transaction.
                let letter = self.letter();
                let public = self.rng.random_bool(0.5);
                connection
                    .transaction::<_, diesel::result::Error, _>(|connection| {
                        diesel::update(
                            signatures::table
                                .filter(signatures::letter_id.eq(&letter))
                                .filter(signatures::kind.eq("organization"))
                                .filter(signatures::state.eq("verified")),
                        )
                        .set(signatures::state.eq("approved"))
                        .execute(connection)?;
                        diesel::update(signatures::table.filter(signatures::letter_id.eq(&letter)))
                            .set(signatures::public.eq(public))
                            .execute(connection)
                    })
                    .expect("bulk decision");
                "bulk approve and listing"
            }
            14 => {
                // Writing the same values changes nothing.
                diesel::update(signatures::table)
                    .set((
                        signatures::state.eq(signatures::state),
                        signatures::public.eq(signatures::public),
                    ))
                    .execute(connection)
                    .expect("no-op update");
                "update to the same values"
            }
            _ => {
                // Erasure of a confirmed row (not a path the service offers, but the trigger
                // must follow it as well).
                if let Some(id) = self.pick(connection, &CONFIRMED, None) {
                    diesel::delete(signatures::table.find(id))
                        .execute(connection)
                        .expect("delete a signature");
                }
                "delete a confirmed signature"
            }
        }
    }
}

async fn tallies_equal_a_recount_after_every_kind_of_change(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.create_letter("dear-mayor", "open", "organizations_need_approval = false");

    // The real paths first: sign and confirm over HTTP, then withdraw through the link.
    let mail = app
        .sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm("dear-mayor", "Grace Hopper", "grace@example.org")
        .await;
    let withdrawn = app.post_form(&mail.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);

    let mut connection = app.connection();
    let connection: &mut DbConnection = &mut connection;
    assert_eq!(tallies(connection), recount(connection));

    let mut workload = Workload {
        rng: StdRng::seed_from_u64(20261201),
        letters: vec![app.letter_id("dear-president"), app.letter_id("dear-mayor")],
        serial: 0,
    };
    for step in 0..400 {
        let change = workload.step(connection);
        assert_eq!(
            tallies(connection),
            recount(connection),
            "tallies differ from a recount after step {step} ({change})"
        );
    }
    assert!(
        !recount(connection).is_empty(),
        "the workload left confirmed signatures to count"
    );

    for (slug, need_approval) in [("dear-president", true), ("dear-mayor", false)] {
        let expected = counted_rows(&app, slug, need_approval);
        app.wait_for_public_total(slug, expected).await;
    }
}

async fn totals_match_confirmed_rows_after_concurrent_confirms_and_withdrawals(backend: Backend) {
    const SIGNERS: usize = 50;
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    let mut confirm_links = Vec::new();
    for n in 0..SIGNERS {
        let email = format!("signer{n}@example.org");
        let response = app
            .sign(
                "dear-president",
                &[
                    ("name", &format!("Signer {n}")),
                    ("email", &email),
                    ("public", "on"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let mail = app.wait_for_mails_to(&email, 1).await.remove(0);
        confirm_links.push((mail.link("/verify/"), mail.link("/withdraw/")));
    }

    // The first half confirms all at once.
    let first: Vec<_> = confirm_links[..SIGNERS / 2].to_vec();
    let answers = join_all(first.iter().map(|(verify, _)| app.post_form(verify, ""))).await;
    assert!(answers.iter().all(|answer| answer.status == StatusCode::OK));
    app.wait_for_public_total("dear-president", (SIGNERS / 2) as i64)
        .await;

    // Then the second half confirms while the first half withdraws, all at once.
    let confirms = confirm_links[SIGNERS / 2..]
        .iter()
        .map(|(verify, _)| app.post_form(verify, ""));
    let withdrawals = first
        .iter()
        .map(|(_, withdraw)| app.post_form(withdraw, ""));
    let (confirmed, withdrawn) =
        futures_util::future::join(join_all(confirms), join_all(withdrawals)).await;
    assert!(
        confirmed
            .iter()
            .all(|answer| answer.status == StatusCode::OK)
    );
    assert!(
        withdrawn
            .iter()
            .all(|answer| answer.status == StatusCode::OK)
    );

    let expected = counted_rows(&app, "dear-president", true);
    assert_eq!(expected, (SIGNERS - SIGNERS / 2) as i64);
    let mut connection = app.connection();
    let connection: &mut DbConnection = &mut connection;
    assert_eq!(tallies(connection), recount(connection));

    app.wait_for_public_total("dear-president", expected).await;
    let page = app.get("/letters/dear-president").await;
    assert!(
        page.body
            .contains(&format!(r#"<span class="number">{expected}</span>"#)),
        "the letter page shows {expected}"
    );
}
