//! Organizations co-sign: public sign-ons with staff approval, the member roster, invites, and
//! a website typed without https:// stored and exported as a web address.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{signatures, tokens};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    an_organization_confirms_waits_and_is_listed_once_approved,
    a_rejected_organization_is_never_listed,
    an_organization_appears_once_whatever_the_spelling,
    an_individual_and_an_organization_may_share_an_email,
    moderation_never_touches_another_letters_signature,
    an_invite_link_signs_for_the_member_in_one_step,
    used_expired_and_foreign_invite_links_change_nothing,
    invite_status_and_reminders_follow_each_member,
    invited_sign_ons_wait_for_approval_when_the_letter_says_so,
    staff_choose_the_order_of_organizations,
    a_bare_domain_is_stored_and_exported_as_a_web_address,
    a_website_that_is_not_a_web_address_is_refused_and_nothing_is_stored,
);

const SLUG: &str = "dear-president";

async fn staff_choose_the_order_of_organizations(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "organizations_need_approval = false");
    for (organization, email) in [
        ("Alpha Network", "alpha@org.example"),
        ("Zeta Union", "zeta@org.example"),
    ] {
        sign_as_organization(&app, organization, "Signer", email).await;
        let mail = app.wait_for_mails_to(email, 1).await;
        app.post_form(&mail[0].link("/verify/"), "").await;
    }
    let page = app.get("/letters/coalition").await;
    let position =
        |body: &str, name: &str| body.find(name).unwrap_or_else(|| panic!("{name} missing"));
    assert!(
        position(&page.body, "Alpha Network") < position(&page.body, "Zeta Union"),
        "alphabetical by default"
    );

    let editor = app.staff("editor@coalition.test", "editor").await;
    let form = editor.get("/admin/letters/coalition/organizations").await;
    assert_eq!(form.status, StatusCode::OK);
    let zeta = signature_id(&app, "Zeta Union");
    let saved = editor
        .post(
            "/admin/letters/coalition/organizations",
            &[(&format!("position-{zeta}"), "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get("/letters/coalition").await;
    assert!(
        position(&page.body, "Zeta Union") < position(&page.body, "Alpha Network"),
        "staff order first"
    );
    let print = editor.get("/admin/letters/coalition/print").await;
    assert!(position(&print.body, "Zeta Union") < position(&print.body, "Alpha Network"));

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let refused = viewer
        .post(
            "/admin/letters/coalition/organizations",
            &[(&format!("position-{zeta}"), "2")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(app.audit_actions().contains(&"letter.order".to_owned()));
}

async fn sign_as_organization(app: &TestApp, organization: &str, name: &str, email: &str) {
    let response = app
        .sign(
            "coalition",
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", name),
                ("title", "Director"),
                ("email", email),
                ("website", "https://example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

fn signature_id(app: &TestApp, organization: &str) -> String {
    signatures::table
        .filter(signatures::organization.eq(organization))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the organization's signature")
}

async fn an_organization_confirms_waits_and_is_listed_once_approved(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    sign_as_organization(
        &app,
        "Friends of the Earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    assert!(mail[0].text.contains("on behalf of Friends of the Earth"));
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert!(
        confirmed
            .body
            .contains("will be listed once they approve it"),
        "{}",
        confirmed.body
    );

    let page = app.get("/letters/coalition").await;
    assert!(
        !page.body.contains("Friends of the Earth"),
        "not listed before approval"
    );
    assert!(page.body.contains("No signatures yet"));

    let waiting = app.cli_ok(&[
        "signatures",
        "list",
        "coalition",
        "--kind",
        "organization",
        "--state",
        "verified",
    ]);
    assert!(waiting.contains("Friends of the Earth"), "{waiting}");
    // Staff read that it waits for them, not "verified" (which reads as done).
    assert!(
        waiting
            .lines()
            .any(|line| line.contains("Friends of the Earth") && line.contains("awaiting approval")),
        "{waiting}"
    );
    let id = signature_id(&app, "Friends of the Earth");
    let approved = app.cli_ok(&[
        "signatures",
        "approve",
        "coalition",
        &id,
        "--by",
        "staff@coalition.test",
    ]);
    assert!(approved.contains("approved"), "{approved}");

    let mails = app.wait_for_mails_to("grace@foe.example", 2).await;
    assert!(
        mails[1].subject.contains("Friends of the Earth is listed"),
        "{}",
        mails[1].subject
    );
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let page = app.get("/letters/coalition").await;
    assert!(page.body.contains("<strong>Friends of the Earth</strong>"));
    assert!(page.body.contains("Signed by 1 organization<"));

    let export = app.cli_ok(&["export", "coalition", "--kind", "organization"]);
    assert!(
        export.contains("staff@coalition.test"),
        "export says who approved: {export}"
    );
    assert!(export.contains("https://example.org"));
}

async fn a_rejected_organization_is_never_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    sign_as_organization(&app, "Spam Inc", "Spammer", "spam@spam.example").await;
    let mail = app.wait_for_mails_to("spam@spam.example", 1).await;
    app.post_form(&mail[0].link("/verify/"), "").await;
    let id = signature_id(&app, "Spam Inc");
    app.cli_ok(&["signatures", "reject", "coalition", &id]);
    let mails = app.wait_for_mails_to("spam@spam.example", 2).await;
    assert!(
        mails[1].text.contains("not able to list it"),
        "told politely"
    );

    let again = app.cli(&["signatures", "approve", "coalition", &id]);
    assert!(
        !again.status.success(),
        "a rejected sign-on is not approved by accident"
    );
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let page = app.get("/letters/coalition").await;
    assert!(!page.body.contains("Spam Inc"));
    let list = app.get("/letters/coalition/signatories").await;
    assert!(!list.body.contains("Spam Inc"));
    assert_eq!(app.signature_states()[0].1, "rejected");
}

async fn an_organization_appears_once_whatever_the_spelling(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "organizations_need_approval = false");
    sign_as_organization(&app, "Friends of the Earth", "Grace", "grace@foe.example").await;
    sign_as_organization(
        &app,
        "  friends OF the   EARTH ",
        "Alan",
        "alan@foe.example",
    )
    .await;
    // Unconfirmed sign-ons hold nothing: both wait for their email.
    assert_eq!(app.signature_count(), 2);
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert!(
        confirmed.body.contains("counts toward the total"),
        "listed at once without approval"
    );
    // The second confirmation finds the name held: told on the page and by email, never
    // dropped in silence, and not listed twice.
    let second = app.wait_for_mails_to("alan@foe.example", 1).await;
    let duplicate = app.post_form(&second[0].link("/verify/"), "").await;
    assert_eq!(duplicate.status, StatusCode::OK);
    assert!(
        duplicate
            .body
            .contains("Your organization has already signed"),
        "{}",
        duplicate.body
    );
    let told = app.wait_for_mails_to("alan@foe.example", 2).await;
    assert!(
        told[1].subject.contains("has already signed"),
        "{}",
        told[1].subject
    );
    let page = app.get("/letters/coalition").await;
    assert_eq!(page.body.matches("Friends of the Earth").count(), 1);
    let mut states: Vec<String> = app
        .signature_states()
        .into_iter()
        .map(|(_, state)| state)
        .collect();
    states.sort();
    assert_eq!(states, vec!["approved", "duplicate"], "staff see both");
}

async fn an_individual_and_an_organization_may_share_an_email(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let person = app
        .sign(
            "coalition",
            &[("name", "Grace Hopper"), ("email", "grace@foe.example")],
        )
        .await;
    assert_eq!(person.status, StatusCode::SEE_OTHER);
    sign_as_organization(
        &app,
        "Friends of the Earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    assert_eq!(app.signature_count(), 2);
    let mails = app.wait_for_mails_to("grace@foe.example", 2).await;
    for mail in &mails {
        let confirmed = app.post_form(&mail.link("/verify/"), "").await;
        assert!(confirmed.body.contains("Signature confirmed"));
    }
}

async fn moderation_never_touches_another_letters_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    app.create_letter("other-letter", "open", "");
    sign_as_organization(&app, "Friends of the Earth", "Grace", "grace@foe.example").await;
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    app.post_form(&mail[0].link("/verify/"), "").await;
    let id = signature_id(&app, "Friends of the Earth");
    let refused = app.cli(&["signatures", "approve", "other-letter", &id]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stdout).contains("not a signature of other-letter"));
    assert_eq!(app.signature_states()[0].1, "verified", "unchanged");
}

/// Adds a member and sends it an invite through the CLI; returns the emailed link.
async fn invite(app: &TestApp, member: &str, email: &str) -> String {
    app.cli_ok(&[
        "members",
        "add",
        member,
        "--email",
        email,
        "--website",
        "https://member.example",
    ]);
    let sent = app.cli_ok(&["invites", "send", "coalition", "--member", member]);
    assert!(sent.contains("invite sent"), "{sent}");
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("an invite");
    assert!(mail.subject.contains("Invitation"), "{}", mail.subject);
    mail.link("/letters/coalition/invite/")
}

async fn an_invite_link_signs_for_the_member_in_one_step(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let link = invite(&app, "Amnesty Section", "contact@amnesty.example").await;

    let form = app.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Sign for Amnesty Section"));
    assert!(
        form.body.contains("value=\"https://member.example\""),
        "prefilled"
    );
    assert_eq!(app.signature_count(), 0, "opening the link signs nothing");

    let invalid = app
        .post_form(&link, crate::helpers::encode(&[("name", "")]))
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.body.contains("Enter your name."));
    assert_eq!(app.signature_count(), 0);

    let signed = app
        .post_form(
            &link,
            crate::helpers::encode(&[
                ("name", "Agnès Callamard"),
                ("title", "Secretary General"),
                ("public", "on"),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains("now listed"));
    let page = app.get("/letters/coalition").await;
    assert!(
        page.body.contains("<strong>Amnesty Section</strong>"),
        "listed without a second step"
    );
    let mails = app.wait_for_mails_to("contact@amnesty.example", 2).await;
    assert!(
        mails[1].subject.contains("is listed"),
        "{}",
        mails[1].subject
    );
    assert!(
        !mails.iter().any(|mail| mail.text.contains("/verify/")),
        "no confirmation email"
    );

    let status = app.cli_ok(&["invites", "status", "coalition"]);
    let line = status
        .lines()
        .find(|line| line.starts_with("Amnesty Section"))
        .expect("member listed");
    assert!(
        line.contains("signed") && line.contains("Agnès Callamard"),
        "{line}"
    );
    let export = app.cli_ok(&["export", "coalition", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&export).expect("JSON export");
    assert!(rows[0]["invite_id"].is_string());
    assert_eq!(rows[0]["approved_by"], "invite");
    assert_eq!(rows[0]["organization"], "Amnesty Section");

    let reused = app
        .post_form(&link, crate::helpers::encode(&[("name", "Someone Else")]))
        .await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert_eq!(app.signature_count(), 1);
}

async fn used_expired_and_foreign_invite_links_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    app.create_letter("other-letter", "open", "");
    let link = invite(&app, "Greenpeace Local", "contact@greenpeace.example").await;

    let foreign = link.replace("/letters/coalition/", "/letters/other-letter/");
    let page = app.get(&foreign).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("This link does not work"));
    let post = app
        .post_form(&foreign, crate::helpers::encode(&[("name", "X")]))
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);

    let forged = "/letters/coalition/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(app.get(forged).await.status, StatusCode::NOT_FOUND);

    let past = undersigned::db::now() - chrono::Duration::hours(1);
    diesel::update(tokens::table.filter(tokens::purpose.eq("invite")))
        .set(tokens::expires_at.eq(past))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("age the invite");
    let expired = app
        .post_form(&link, crate::helpers::encode(&[("name", "Late")]))
        .await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("expired"));
    assert!(expired.body.contains("new invite link"));
    assert_eq!(app.signature_count(), 0);

    // A new invite replaces the expired link, and the old one stays dead.
    app.cli_ok(&[
        "invites",
        "send",
        "coalition",
        "--member",
        "Greenpeace Local",
    ]);
    let mails = app.wait_for_mails_to("contact@greenpeace.example", 2).await;
    let fresh = mails[1].link("/letters/coalition/invite/");
    assert_ne!(fresh, link);
    let signed = app
        .post_form(
            &fresh,
            crate::helpers::encode(&[("name", "Jennifer Morgan")]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK);
    assert_eq!(app.signature_count(), 1);
}

async fn invite_status_and_reminders_follow_each_member(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let roster = app.directory.path().join("members.csv");
    std::fs::write(
        &roster,
        "name,email,website\nAnswering Org,answer@org.example,\nSilent Org,silent@org.example,https://silent.example\nUninvited Org,uninvited@org.example,\n",
    )
    .expect("write roster");
    let imported = app.cli_ok(&["members", "import", &roster.display().to_string()]);
    assert!(imported.contains("3 added"), "{imported}");
    let listed = app.cli_ok(&["members", "list"]);
    assert!(listed.contains("Silent Org") && listed.contains("silent@org.example"));

    app.cli_ok(&[
        "invites",
        "send",
        "coalition",
        "--member",
        "Answering Org",
        "--member",
        "silent org",
    ]);
    let mail = app.wait_for_mails_to("answer@org.example", 1).await;
    let link = mail[0].link("/letters/coalition/invite/");
    app.post_form(&link, crate::helpers::encode(&[("name", "Ann Swer")]))
        .await;

    let status = app.cli_ok(&["invites", "status", "coalition"]);
    let line = |member: &str| {
        status
            .lines()
            .find(|line| line.starts_with(member))
            .unwrap_or_else(|| panic!("{member} missing from {status}"))
            .to_owned()
    };
    assert!(line("Answering Org").contains("signed"));
    assert!(line("Silent Org").contains("invited, no answer"));
    assert!(line("Uninvited Org").contains("not invited"));

    let reminded = app.cli_ok(&["invites", "remind", "coalition"]);
    assert!(reminded.contains("Silent Org: invite sent"), "{reminded}");
    assert!(!reminded.contains("Uninvited Org: invite sent"));
    assert!(!reminded.contains("Answering Org: invite sent"));
    let mails = app.wait_for_mails_to("silent@org.example", 2).await;
    assert!(
        mails[1].subject.starts_with("Reminder"),
        "{}",
        mails[1].subject
    );

    app.cli_ok(&["members", "remove", "Uninvited Org"]);
    assert!(!app.cli_ok(&["members", "list"]).contains("Uninvited Org"));
    let bad = app.cli(&["members", "add", "Broken", "--email", "not-an-email"]);
    assert!(!bad.status.success());
}

async fn invited_sign_ons_wait_for_approval_when_the_letter_says_so(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "invites_skip_approval = false");
    let link = invite(&app, "Careful Org", "careful@org.example").await;
    let signed = app
        .post_form(
            &link,
            crate::helpers::encode(&[("name", "Carla"), ("public", "on")]),
        )
        .await;
    assert!(
        signed.body.contains("once they approve it"),
        "{}",
        signed.body
    );
    let mails = app.wait_for_mails_to("careful@org.example", 2).await;
    assert!(mails[1].text.contains("review organization sign-ons"));
    let status = app.cli_ok(&["invites", "status", "coalition"]);
    assert!(status.contains("pending approval"), "{status}");
    let page = app.get("/letters/coalition").await;
    assert!(!page.body.contains("<strong>Careful Org</strong>"));
}

fn websites(app: &TestApp) -> Vec<Option<String>> {
    signatures::table
        .order(signatures::id.asc())
        .select(signatures::website)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read websites")
}

async fn sign_organization(app: &TestApp, organization: &str, email: &str, website: &str) -> u16 {
    app.sign(
        SLUG,
        &[
            ("kind", "organization"),
            ("organization", organization),
            ("name", "Grace Hopper"),
            ("email", email),
            ("website", website),
            ("public", "on"),
        ],
    )
    .await
    .status
    .as_u16()
}

async fn a_bare_domain_is_stored_and_exported_as_a_web_address(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    assert_eq!(
        sign_organization(
            &app,
            "Friends of the Earth",
            "grace@foe.example",
            "example.org"
        )
        .await,
        303
    );
    assert_eq!(
        sign_organization(
            &app,
            "Greenpeace",
            "ada@gp.example",
            " www.example.org/path "
        )
        .await,
        303
    );
    assert_eq!(
        websites(&app),
        vec![
            Some("https://example.org".to_owned()),
            Some("https://www.example.org/path".to_owned())
        ]
    );
    let export = app.cli_ok(&["export", SLUG, "--format", "csv", "--state", "pending"]);
    assert!(export.contains("https://example.org"), "{export}");
    assert!(export.contains("https://www.example.org/path"), "{export}");
}

async fn a_website_that_is_not_a_web_address_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    for hostile in [
        "javascript:alert(1)",
        "example.org<script>",
        "example.org\"onmouseover=alert(1)",
        "data:text/html,hi",
        "example",
    ] {
        let response = app
            .sign(
                SLUG,
                &[
                    ("kind", "organization"),
                    ("organization", "Friends of the Earth"),
                    ("name", "Grace Hopper"),
                    ("email", "grace@foe.example"),
                    ("website", hostile),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{hostile}"
        );
        assert!(
            response
                .body
                .contains(r#"<p class="field-error" id="website-error">"#),
            "{hostile}: {}",
            response.body
        );
        assert!(
            !response.body.contains("<script>"),
            "{hostile} comes back escaped"
        );
        // The field stays visible while it carries its error, whatever the kind.
        assert!(
            response
                .body
                .contains(r#"<div class="field only-organization invalid">"#)
        );
    }
    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);
}
