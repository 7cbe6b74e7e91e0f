//! Nobody can hold an organization's name without confirming it: a sign-on from an address
//! that never confirms, or one staff took down, leaves the real organization free to sign, be
//! invited, be listed and be counted; a second confirmed sign-on is told, never dropped.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_sign_on_never_confirmed_does_not_block_the_real_organization,
    the_real_organization_signs_after_staff_take_the_squatter_down,
    invites_reach_a_member_while_a_squatter_is_pending_or_removed,
    a_second_confirmed_sign_on_is_told_and_shown_to_staff_and_counted_once,
    an_invite_completes_a_sign_on_its_contact_never_confirmed,
);

const SLUG: &str = "coalition";

async fn sign_as(app: &TestApp, organization: &str, name: &str, email: &str) {
    let response = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", name),
                ("email", email),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

/// Confirms the latest emailed link of `email`; returns the page's text.
async fn confirm(app: &TestApp, email: &str, emails_so_far: usize) -> String {
    let mails = app.wait_for_mails_to(email, emails_so_far).await;
    let link = mails.last().expect("a confirmation email").link("/verify/");
    let page = app.post_form(&link, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
}

fn id_of(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

fn state_of(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

/// The real organization is listed under its name exactly once and counted once.
async fn assert_listed_once(app: &TestApp, shown_as: &str) {
    app.wait_for_public_total(SLUG, 1).await;
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(
        page.body.contains(&format!("<strong>{shown_as}</strong>")),
        "{shown_as} is listed"
    );
    let listed = app.get(&format!("/letters/{SLUG}/signatories")).await;
    assert_eq!(
        listed.body.matches(shown_as).count(),
        1,
        "{shown_as} is listed once"
    );
}

async fn a_sign_on_never_confirmed_does_not_block_the_real_organization(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    sign_as(
        &app,
        "Friends of the Earth",
        "Mallory",
        "squatter@evil.example",
    )
    .await;
    app.wait_for_mails_to("squatter@evil.example", 1).await;

    // The real organization, spelt another way, is stored and emailed like anyone.
    sign_as(
        &app,
        "  friends OF the   EARTH ",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    assert_eq!(app.signature_count(), 2, "the real sign-on is stored");
    let page = confirm(&app, "grace@foe.example", 1).await;
    assert!(page.contains("counts toward the total"), "{page}");
    assert_eq!(state_of(&app, "grace@foe.example"), "approved");
    assert_listed_once(&app, "friends OF the EARTH").await;

    // The squatter confirming late finds the name held: told, not listed, not counted.
    let late = confirm(&app, "squatter@evil.example", 1).await;
    assert!(
        late.contains("Your organization has already signed"),
        "{late}"
    );
    assert_eq!(state_of(&app, "squatter@evil.example"), "duplicate");
    assert_listed_once(&app, "friends OF the EARTH").await;
}

async fn the_real_organization_signs_after_staff_take_the_squatter_down(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    let editor = app.staff("editor@coalition.test", "editor").await;

    // A squatter who confirms holds the name until staff remove it in the console.
    sign_as(
        &app,
        "Friends of the Earth",
        "Mallory",
        "squatter@evil.example",
    )
    .await;
    confirm(&app, "squatter@evil.example", 1).await;
    let squatter = id_of(&app, "squatter@evil.example");
    let removed = editor
        .post(
            &format!("/admin/letters/{SLUG}/signatures/{squatter}/remove"),
            &[("reason", "Not the organization"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(state_of(&app, "squatter@evil.example"), "removed");
    app.wait_for_public_total(SLUG, 0).await;

    sign_as(
        &app,
        "FRIENDS of the earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    let page = confirm(&app, "grace@foe.example", 1).await;
    assert!(page.contains("counts toward the total"), "{page}");
    assert_listed_once(&app, "FRIENDS of the earth").await;

    // The same after a rejection from the command line, on a letter that asks for approval.
    app.create_letter("second-letter", "open", "");
    let sign_second = |organization: &'static str, name: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let response = app
                .sign(
                    "second-letter",
                    &[
                        ("kind", "organization"),
                        ("organization", organization),
                        ("name", name),
                        ("email", email),
                    ],
                )
                .await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        }
    };
    sign_second("Friends of the Earth", "Mallory", "squatter@evil.example").await;
    confirm(&app, "squatter@evil.example", 2).await;
    let squatter: String = signatures::table
        .filter(
            signatures::email_normalized.eq(crate::helpers::mailbox_key("squatter@evil.example")),
        )
        .filter(signatures::state.eq("verified"))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the squatter's second sign-on");
    app.cli_ok(&["signatures", "reject", "second-letter", &squatter]);
    sign_second("Friends of the Earth", "Grace Hopper", "grace@foe.example").await;
    let page = confirm(&app, "grace@foe.example", 2).await;
    // Signed without ticking "list publicly": counted once approved, never promised a listing.
    assert!(
        page.contains("Once they approve it, your organization&#39;s signature counts"),
        "{page}"
    );
}

async fn invites_reach_a_member_while_a_squatter_is_pending_or_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    let editor = app.staff("editor@coalition.test", "editor").await;
    for (member, email) in [
        ("Friends of the Earth", "contact@foe.example"),
        ("Greenpeace Local", "contact@greenpeace.example"),
    ] {
        app.cli_ok(&["members", "add", member, "--email", email]);
    }
    // One squatter never confirms; the other confirms and is removed by staff.
    sign_as(
        &app,
        "friends of the earth",
        "Mallory",
        "squatter@evil.example",
    )
    .await;
    sign_as(&app, "GREENPEACE LOCAL", "Eve", "eve@evil.example").await;
    confirm(&app, "eve@evil.example", 1).await;
    let eve = id_of(&app, "eve@evil.example");
    let removed = editor
        .post(
            &format!("/admin/letters/{SLUG}/signatures/{eve}/remove"),
            &[("reason", "Not the organization"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);

    let sent = app.cli_ok(&["invites", "send", SLUG, "--all"]);
    assert!(
        sent.contains("Friends of the Earth: invite sent"),
        "not skipped while the squatter is pending: {sent}"
    );
    assert!(
        sent.contains("Greenpeace Local: invite sent"),
        "not skipped once the squatter is removed: {sent}"
    );
    assert!(!sent.contains("skipped"), "{sent}");

    // The member signs through its link and is listed under its roster name.
    let mails = app.wait_for_mails_to("contact@foe.example", 1).await;
    let link = mails[0].link(&format!("/letters/{SLUG}/invite/"));
    let signed = app
        .post_form(
            &link,
            crate::helpers::encode(&[("name", "Grace Hopper"), ("public", "on")]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains("now listed"), "{}", signed.body);
    assert_listed_once(&app, "Friends of the Earth").await;

    // Now it has signed, a second round skips it.
    let again = app.cli_ok(&["invites", "send", SLUG, "--member", "Friends of the Earth"]);
    assert!(again.contains("skipped (already signed)"), "{again}");
}

async fn a_second_confirmed_sign_on_is_told_and_shown_to_staff_and_counted_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    sign_as(
        &app,
        "Friends of the Earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    sign_as(
        &app,
        "friends of the  earth",
        "Alan Turing",
        "alan@foe.example",
    )
    .await;
    assert_eq!(app.signature_count(), 2, "both wait for their email");

    let first = confirm(&app, "grace@foe.example", 1).await;
    assert!(first.contains("counts toward the total"), "{first}");
    let second = confirm(&app, "alan@foe.example", 1).await;
    assert!(
        second.contains("Your organization has already signed"),
        "the page says so: {second}"
    );
    let told = app.wait_for_mails_to("alan@foe.example", 2).await;
    assert!(
        told[1].subject.contains("has already signed"),
        "told by email: {}",
        told[1].subject
    );
    // Pressing the link again gives the same answer, and nothing changes.
    let again = app.post_form(&told[0].link("/verify/"), "").await;
    assert!(
        again.body.contains("Your organization has already signed"),
        "{}",
        again.body
    );
    assert_eq!(app.wait_for_mails_to("alan@foe.example", 2).await.len(), 2);

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let duplicates = viewer
        .get(&format!("/admin/letters/{SLUG}/signatures?state=duplicate"))
        .await;
    assert_eq!(duplicates.status, StatusCode::OK);
    assert!(
        duplicates.body.contains("alan@foe.example"),
        "staff see the second sign-on: {}",
        duplicates.body
    );
    assert!(!duplicates.body.contains("grace@foe.example"));
    let detail = viewer
        .get(&format!(
            "/admin/letters/{SLUG}/signatures/{}",
            id_of(&app, "alan@foe.example")
        ))
        .await;
    assert!(detail.body.contains("duplicate") || detail.body.contains("already signed"));
    assert_eq!(state_of(&app, "alan@foe.example"), "duplicate");
    assert_listed_once(&app, "Friends of the Earth").await;
}

/// The member's contact started on the public form and lost the email; the invite link
/// proves the address, so signing through it lists the organization instead of answering
/// "already signed" with nothing signed.
async fn an_invite_completes_a_sign_on_its_contact_never_confirmed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app.cli_ok(&[
        "members",
        "add",
        "Friends of the Earth",
        "--email",
        "contact@foe.example",
    ]);
    sign_as(
        &app,
        "Friends of the Earth",
        "Grace Hopper",
        "contact@foe.example",
    )
    .await;
    app.wait_for_mails_to("contact@foe.example", 1).await;
    let sent = app.cli_ok(&["invites", "send", SLUG, "--member", "Friends of the Earth"]);
    assert!(sent.contains("invite sent"), "{sent}");
    let mails = app.wait_for_mails_to("contact@foe.example", 2).await;
    let link = mails[1].link(&format!("/letters/{SLUG}/invite/"));
    let signed = app
        .post_form(
            &link,
            crate::helpers::encode(&[("name", "Grace Hopper"), ("public", "on")]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains("now listed"), "{}", signed.body);
    assert_eq!(app.signature_count(), 1, "one sign-on, now confirmed");
    assert_eq!(state_of(&app, "contact@foe.example"), "approved");
    assert_listed_once(&app, "Friends of the Earth").await;
    // The public form's link is spent: the sign-on was confirmed by the invite.
    let old = app.post_form(&mails[0].link("/verify/"), "").await;
    assert!(!old.status.is_server_error(), "{}", old.body);
    app.wait_for_public_total(SLUG, 1).await;
}
