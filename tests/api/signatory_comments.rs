//! Signers' comments: asked ("Why are you signing?") only on letters that take comments,
//! shown on the signatories page only for signers who are listed, under the text rules
//! (no direction tricks, markup shown as text), and hidden by staff when they must be.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_comment_shows_where_the_letter_takes_comments_and_the_signer_is_listed,
    a_letter_without_comments_neither_asks_nor_stores_nor_shows_one,
    comments_follow_the_text_rules_and_show_as_text,
    staff_hide_a_comment_and_show_it_again,
);

async fn signs(app: &TestApp, slug: &str, email: &str, fields: &[(&str, &str)]) {
    let mut all = fields.to_vec();
    all.push(("email", email));
    let response = app.sign(slug, &all).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

fn stored_comment(app: &TestApp, email: &str) -> Option<String> {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::comment)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

fn signature_id(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn a_comment_shows_where_the_letter_takes_comments_and_the_signer_is_listed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_letter("open-letter", "open", "comments = true");
    let page = app.get("/letters/open-letter").await;
    assert!(
        page.body.contains("Why are you signing?"),
        "the form asks: {}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<textarea id="comment" name="comment""#)
    );

    signs(
        &app,
        "open-letter",
        "ana@example.org",
        &[
            ("name", "Ana Berg"),
            ("comment", "Because the right to protest is ours."),
            ("public", "on"),
        ],
    )
    .await;
    signs(
        &app,
        "open-letter",
        "quiet@example.org",
        &[("name", "Quiet Person"), ("comment", "My private reason.")],
    )
    .await;
    app.wait_for_public_total("open-letter", 2).await;

    let list = app.get("/letters/open-letter/signatories").await;
    assert!(
        list.body.contains(
            r#"<blockquote dir="auto">Because the right to protest is ours.</blockquote>"#
        ),
        "{}",
        list.body
    );
    assert!(
        !list.body.contains("My private reason."),
        "an unlisted signer's comment is not shown"
    );
    let api = app.get("/api/v1/letters/open-letter/signatories").await;
    assert!(api.body.contains("Because the right to protest is ours."));
    assert!(!api.body.contains("My private reason."));
}

async fn a_letter_without_comments_neither_asks_nor_stores_nor_shows_one(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("quiet-letter", "open", "comments = false");
    let page = app.get("/letters/quiet-letter").await;
    assert!(!page.body.contains("name=\"comment\""), "no comment box");
    assert!(!page.body.contains("Why are you signing?"));

    // A comment posted anyway (a stale form, a script) is dropped, even one that breaks the
    // text rules: the signer was not asked.
    signs(
        &app,
        "quiet-letter",
        "ana@example.org",
        &[
            ("name", "Ana Berg"),
            ("comment", "Posted anyway \u{202E}"),
            ("public", "on"),
        ],
    )
    .await;
    assert_eq!(stored_comment(&app, "ana@example.org"), None);
    app.wait_for_public_total("quiet-letter", 1).await;
    let list = app.get("/letters/quiet-letter/signatories").await;
    assert!(list.body.contains("Ana Berg"));
    assert!(!list.body.contains("Posted anyway"));
}

async fn comments_follow_the_text_rules_and_show_as_text(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("open-letter", "open", "");
    let refused = app
        .sign(
            "open-letter",
            &[
                ("name", "Ana Berg"),
                ("email", "ana@example.org"),
                ("comment", "I agree \u{202E}eurt ton"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#comment\""),
        "the summary links to the comment box: {}",
        refused.body
    );
    assert_eq!(app.signature_count(), 0, "nothing stored");

    signs(
        &app,
        "open-letter",
        "ana@example.org",
        &[
            ("name", "Ana Berg"),
            ("comment", "<script>alert(1)</script> שלום"),
            ("public", "on"),
        ],
    )
    .await;
    app.wait_for_public_total("open-letter", 1).await;
    let list = app.get("/letters/open-letter/signatories").await;
    assert!(!list.body.contains("<script>alert(1)"), "{}", list.body);
    assert!(
        list.body
            .contains("<blockquote dir=\"auto\">&#60;script&#62;alert(1)&#60;"),
        "{}",
        list.body
    );
    assert!(list.body.contains(" שלום</blockquote>"));
}

async fn staff_hide_a_comment_and_show_it_again(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("open-letter", "open", "");
    signs(
        &app,
        "open-letter",
        "ana@example.org",
        &[
            ("name", "Ana Berg"),
            ("comment", "Something staff must not show."),
            ("public", "on"),
        ],
    )
    .await;
    app.wait_for_public_total("open-letter", 1).await;
    let id = signature_id(&app, "ana@example.org");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let page = editor
        .get(&format!("/admin/letters/open-letter/signatures/{id}"))
        .await;
    assert!(page.body.contains("Hide the comment"), "{}", page.body);

    let hidden = editor
        .post(
            &format!("/admin/letters/open-letter/signatures/{id}/comment"),
            &[("hidden", "yes")],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    let list = app.get("/letters/open-letter/signatories").await;
    assert!(list.body.contains("Ana Berg"), "the name stays listed");
    assert!(!list.body.contains("Something staff must not show."));
    let page = editor
        .get(&format!("/admin/letters/open-letter/signatures/{id}"))
        .await;
    assert!(page.body.contains("Show the comment again"));
    assert!(
        app.audit_actions()
            .contains(&"signature.comment_hide".to_owned())
    );

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let refused = viewer
        .post(
            &format!("/admin/letters/open-letter/signatures/{id}/comment"),
            &[("hidden", "no")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let shown = editor
        .post(
            &format!("/admin/letters/open-letter/signatures/{id}/comment"),
            &[("hidden", "no")],
        )
        .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER);
    let list = app.get("/letters/open-letter/signatories").await;
    assert!(list.body.contains("Something staff must not show."));
}
