//! One notion of "listed" (counted, and its signer chose to be listed publicly) decides every
//! sentence that says so: the letter page's counts, the emails to an organization, the invite
//! page, the moderation queue; the organization's own form; the share step after an invite;
//! "Be the first to sign" on a new letter; the addressee inside a sentence.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    unlisted_organizations_are_counted_and_told_the_truth,
    an_invited_organization_that_keeps_off_the_list_is_told_so_and_asked_to_share,
    an_invited_sign_on_awaiting_review_says_what_its_signer_chose,
    a_new_letter_asks_for_the_first_signature,
    the_organization_form_is_an_organizations,
);

const ORGS: &str = "coalition";

fn signature_id(app: &TestApp, organization: &str) -> String {
    signatures::table
        .filter(signatures::organization.eq(organization))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the organization's signature")
}

/// Signs for `organization` on the public form and confirms by email.
async fn organization_signs(app: &TestApp, organization: &str, email: &str, public: bool) {
    let mut fields = vec![
        ("kind", "organization"),
        ("organization", organization),
        ("name", "Grace Hopper"),
        ("email", email),
    ];
    if public {
        fields.push(("public", "on"));
    }
    let signed = app.sign(ORGS, &fields).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    // The confirmed page promises a listing only to who chose one.
    assert_eq!(
        confirmed
            .body
            .contains("will be listed once they approve it"),
        public,
        "{}",
        confirmed.body
    );
    assert_eq!(
        confirmed
            .body
            .contains("as you chose, it will not be listed publicly"),
        !public,
        "{}",
        confirmed.body
    );
}

async fn unlisted_organizations_are_counted_and_told_the_truth(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(ORGS, "open", "");
    organization_signs(&app, "Listed Union", "listed@org.example", true).await;
    organization_signs(&app, "Quiet Network", "quiet@org.example", false).await;
    organization_signs(&app, "Silent Trust", "silent@org.example", false).await;

    // The queue shows each sign-on's choice before staff decide.
    let editor = app.staff("editor@coalition.test", "editor").await;
    let queue = editor.get("/admin/letters/coalition/moderation").await;
    let row = |name: &str| {
        queue
            .body
            .split("<tr>")
            .find(|row| row.contains(name))
            .unwrap_or_else(|| panic!("{name} in the queue"))
            .to_owned()
    };
    assert!(row("Listed Union").contains("Listed publicly: yes, once approved"));
    assert!(
        row("Quiet Network")
            .contains("Listed publicly: no (its signer's choice); counted once approved")
    );
    let quiet = signature_id(&app, "Quiet Network");
    let detail = editor
        .get(&format!("/admin/letters/coalition/signatures/{quiet}"))
        .await;
    assert!(
        detail
            .body
            .contains("not listed publicly (its signer's choice)"),
        "{}",
        detail.body
    );

    for organization in ["Listed Union", "Quiet Network", "Silent Trust"] {
        let id = signature_id(&app, organization);
        let approved = editor
            .post(
                "/admin/letters/coalition/moderation",
                &[("decision", "approve"), ("id", &id), ("return", "letter")],
            )
            .await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    }

    let listed = app.wait_for_mails_to("listed@org.example", 2).await;
    assert_eq!(
        listed[1].subject,
        "Listed Union is listed on “Protect the right to protest”"
    );
    let quiet = app.wait_for_mails_to("quiet@org.example", 2).await;
    assert_eq!(
        quiet[1].subject,
        "Quiet Network's signature on “Protect the right to protest” is counted"
    );
    assert!(
        !quiet[1].text.contains("is now listed"),
        "{}",
        quiet[1].text
    );
    assert!(
        quiet[1]
            .text
            .contains("Quiet Network is not listed publicly: its name does not appear"),
        "{}",
        quiet[1].text
    );
    // The addressee "The President" inside the sentence.
    assert!(
        quiet[1].text.contains("the open letter to the President,"),
        "{}",
        quiet[1].text
    );
    assert!(quiet[1].html.contains("is counted"), "{}", quiet[1].html);

    app.wait_for_public_total(ORGS, 3).await;
    let page = app.get("/letters/coalition").await;
    assert!(
        page.body
            .contains("Signed by 3 organizations (1 listed below)<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<strong>Listed Union</strong>"));
    assert!(!page.body.contains("Quiet Network"));
    assert!(!page.body.contains("Silent Trust"));
    assert!(
        page.body
            .contains(r#"To <bdi lang="en" dir="ltr">the President</bdi>"#),
        "mid-sentence article"
    );
}

async fn invite(app: &TestApp, member: &str, email: &str) -> String {
    app.cli_ok(&["members", "add", member, "--email", email]);
    let sent = app.cli_ok(&["invites", "send", ORGS, "--member", member]);
    assert!(sent.contains("invite sent"), "{sent}");
    let mails = app.wait_for_mails_to(email, 1).await;
    mails
        .last()
        .expect("an invite")
        .link("/letters/coalition/invite/")
}

async fn an_invited_organization_that_keeps_off_the_list_is_told_so_and_asked_to_share(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_letter(ORGS, "open", "");
    let quiet = invite(&app, "Quiet Section", "quiet@member.example").await;
    let form = app.get(&quiet).await;
    assert!(
        form.body
            .contains("List Quiet Section publicly among the signatories")
    );
    let signed = app
        .post_form(&quiet, encode(&[("name", "Carla Quiet")]))
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(!signed.body.contains("now listed"), "{}", signed.body);
    assert!(
        signed
            .body
            .contains("As you chose, it is not listed publicly"),
        "{}",
        signed.body
    );
    // The share step, as after any signature.
    assert!(
        signed.body.contains("Ask others to sign"),
        "{}",
        signed.body
    );
    assert!(signed.body.contains("id=\"share-url\""));
    let mails = app.wait_for_mails_to("quiet@member.example", 2).await;
    assert_eq!(
        mails[1].subject,
        "Quiet Section's signature on “Protect the right to protest” is counted"
    );

    let loud = invite(&app, "Loud Section", "loud@member.example").await;
    let signed = app
        .post_form(&loud, encode(&[("name", "Lou"), ("public", "on")]))
        .await;
    assert!(signed.body.contains("now listed"), "{}", signed.body);
    assert!(signed.body.contains("Ask others to sign"));

    app.wait_for_public_total(ORGS, 2).await;
    let page = app.get("/letters/coalition").await;
    assert!(
        page.body
            .contains("Signed by 2 organizations (1 listed below)<")
    );
    assert!(page.body.contains("<strong>Loud Section</strong>"));
    assert!(!page.body.contains("Quiet Section"));
}

async fn an_invited_sign_on_awaiting_review_says_what_its_signer_chose(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(ORGS, "open", "invites_skip_approval = false");
    let link = invite(&app, "Careful Org", "careful@org.example").await;
    let form = app.get(&link).await;
    assert!(
        form.body
            .contains("staff review organizations before they count and appear"),
        "review said up front"
    );
    let signed = app.post_form(&link, encode(&[("name", "Carla")])).await;
    assert!(
        signed
            .body
            .contains("as you chose, it will not be listed publicly"),
        "{}",
        signed.body
    );
    assert!(!signed.body.contains("will be listed once"));
    assert!(signed.body.contains("Ask others to sign"));
    let mails = app.wait_for_mails_to("careful@org.example", 2).await;
    assert!(
        mails[1]
            .text
            .contains("Careful Org will be counted but not listed publicly"),
        "{}",
        mails[1].text
    );
    assert!(!mails[1].text.contains("appears on the letter"));
}

async fn a_new_letter_asks_for_the_first_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let page = app.get("/letters/dear-president").await;
    assert!(page.body.contains("Be the first to sign"), "{}", page.body);
    assert!(!page.body.contains("0 signatures so far"));
    // The card's words say what the card shows.
    assert!(page.body.contains(
        r#"<meta property="og:image:alt" content="Protect the right to protest: an open letter to the President. Be the first to sign.">"#
    ));
    assert!(!page.body.contains("<span class=\"number\">0</span>"));
    let embed = app.get("/letters/dear-president/embed").await;
    assert!(
        embed.body.contains("Be the first to sign"),
        "{}",
        embed.body
    );
    assert!(!embed.body.contains("<span class=\"number\">0</span>"));
    for (lang, words) in [
        ("fr", "Soyez le premier à signer"),
        ("es", "Sé la primera persona en firmar"),
        ("he", "היו הראשונים לחתום"),
        ("ar", "كن أول من يوقّع"),
    ] {
        let page = app
            .get(&format!("/letters/dear-president?lang={lang}"))
            .await;
        assert!(page.body.contains(words), "{lang}: {}", page.body);
    }
    let index = app.get("/").await;
    assert!(
        index.body.contains("<strong>Be the first to sign</strong>"),
        "{}",
        index.body
    );
    let card = app.get("/letters/dear-president/card.png").await;
    assert_eq!(card.status, StatusCode::OK);

    app.sign_and_confirm("dear-president", "Ada", "ada@example.org")
        .await;
    app.wait_for_public_total("dear-president", 1).await;
    let page = app.get("/letters/dear-president").await;
    assert!(!page.body.contains("Be the first to sign"));
    assert!(page.body.contains("1 signature so far"));
}

async fn the_organization_form_is_an_organizations(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(ORGS, "open", "accepts_individuals = false");
    let page = app.get("/letters/coalition").await;
    let body = &page.body;
    let at = |needle: &str| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(
        at("id=\"organization\"") < at("id=\"name\""),
        "the organization's name first"
    );
    assert!(body.contains("<span class=\"if-organization\">Organization&#39;s name</span>"));
    assert!(body.contains("List your organization publicly among the signatories"));
    assert!(body.contains("<span class=\"if-organization\">Add our organization</span>"));
    assert!(body.contains("staff review organizations before they count and appear"));

    // Sent back with a mistake, the box names the organization typed.
    let again = app
        .sign(
            ORGS,
            &[
                ("kind", "organization"),
                ("organization", "Acme & Co"),
                ("name", ""),
                ("email", "acme@org.example"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("List Acme &#38; Co publicly among the signatories"),
        "{}",
        again.body
    );

    // A letter signed by both: the person's words, the organization's when it is chosen.
    app.create_letter("both", "open", "");
    let both = app.get("/letters/both").await;
    assert!(
        both.body
            .contains("<span class=\"if-person\">List my name publicly</span>")
    );
    assert!(
        both.body
            .contains("<span class=\"if-organization\">List your organization publicly")
    );
    assert!(
        both.body.find("id=\"name\"") < both.body.find("id=\"organization\""),
        "a person's name first while a person signs"
    );
}
