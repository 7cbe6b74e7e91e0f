//! Console: the letter editor's forms. The address bar never shows the CSRF token (the
//! editor posts it in the body), and closing a live letter asks first.

use awc::http::StatusCode;

use crate::helpers::{Backend, StaffClient, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_editor_posts_to_a_clean_address,
    closing_a_live_letter_asks_first,
);

const SLUG: &str = "dear-president";

fn letter_fields<'a>(slug: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", slug),
        ("title", title),
        ("addressee", "The President"),
        ("summary", "Veto the assembly bill."),
        (
            "body",
            "Dear President,\n\nWe ask you to **veto** the bill.",
        ),
        ("goal", "500"),
        ("opens_at", ""),
        ("closes_at", ""),
        ("accepts_individuals", "on"),
        ("accepts_organizations", "on"),
    ]
}

/// Posts a console form as its page does: to the form's clean action, the token in the body.
async fn post_in_body(
    editor: &StaffClient<'_>,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Response {
    let mut all = fields.to_vec();
    all.push(("csrf", &editor.csrf));
    editor.post_without_csrf(path, &all).await
}

/// No form on the page sends the token in its address or as a GET (signing out redirects at
/// once, so its address is never shown).
fn assert_no_token_in_form_addresses(body: &str) {
    for form in body.split("<form").skip(1) {
        let tag = form.split('>').next().unwrap_or_default();
        if tag.contains("/admin/logout") {
            continue;
        }
        assert!(!tag.contains("csrf="), "<form{tag}>");
        assert!(!tag.contains(r#"method="get""#), "<form{tag}>");
    }
}

async fn the_editor_posts_to_a_clean_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let new = editor.get("/admin/letters/new").await.body;
    assert_no_token_in_form_addresses(&new);
    assert!(new.contains(r#"<form method="post" action="/admin/letters" class="panel">"#));
    assert!(new.contains(&format!(
        r#"<input type="hidden" name="csrf" value="{}">"#,
        editor.csrf
    )));
    // No aria-label on an element without a role that takes one.
    for div in new.split("<div").skip(1) {
        let tag = div.split('>').next().unwrap_or_default();
        assert!(
            !tag.contains("aria-label=") || tag.contains("role="),
            "<div{tag}>"
        );
    }

    // Preview: the page comes back from the clean address, nothing stored.
    let mut preview = letter_fields(SLUG, "Working title");
    preview.push(("preview", "1"));
    let previewed = post_in_body(&editor, "/admin/letters", &preview).await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    assert!(previewed.body.contains("<strong>veto</strong>"));
    assert_no_token_in_form_addresses(&previewed.body);
    assert_eq!(
        editor.get(&format!("/admin/letters/{SLUG}")).await.status,
        StatusCode::NOT_FOUND
    );

    // A validation error: the same, and nothing stored.
    let mut invalid = letter_fields("Not A Slug!", "Working title");
    invalid.push(("save", "1"));
    let refused = post_in_body(&editor, "/admin/letters", &invalid).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="slug-error""#));
    assert_no_token_in_form_addresses(&refused.body);

    // Saving through the clean address works; without the token it does not.
    let mut save = letter_fields(SLUG, "Working title");
    save.push(("save", "1"));
    let forged = editor.post_without_csrf("/admin/letters", &save).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mut wrong = save.clone();
    wrong.push(("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(
        editor
            .post_without_csrf("/admin/letters", &wrong)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        editor.get(&format!("/admin/letters/{SLUG}")).await.status,
        StatusCode::NOT_FOUND
    );
    let saved = post_in_body(&editor, "/admin/letters", &save).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // The edit form is the same.
    let edit = editor
        .get(&format!("/admin/letters/{SLUG}/edit"))
        .await
        .body;
    assert_no_token_in_form_addresses(&edit);
    let mut changed = letter_fields(SLUG, "A better title");
    changed.retain(|(name, _)| *name != "slug");
    changed.push(("preview", "1"));
    let previewed = post_in_body(&editor, &format!("/admin/letters/{SLUG}"), &changed).await;
    assert_eq!(previewed.status, StatusCode::OK);
    assert!(previewed.body.contains("A better title"));
    let show = editor.get(&format!("/admin/letters/{SLUG}")).await.body;
    assert!(
        show.contains(r#"<h1 lang="en" dir="ltr">Working title</h1>"#),
        "a preview stores nothing"
    );
    assert_no_token_in_form_addresses(&show);
}

async fn closing_a_live_letter_asks_first(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let show = editor.get(&format!("/admin/letters/{SLUG}")).await.body;
    assert!(show.contains("Close the letter"));
    assert_no_token_in_form_addresses(&show);

    // One press of "Close the letter" asks; the letter stays open.
    let asked = post_in_body(
        &editor,
        &format!("/admin/letters/{SLUG}/state"),
        &[("to", "closed")],
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(
        asked
            .body
            .contains("<h1>Close “Protect the right to protest”?</h1>"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("It stops taking signatures now."));
    assert!(
        asked
            .body
            .contains(r#"<input type="hidden" name="confirm" value="yes">"#)
    );
    assert!(
        asked
            .body
            .contains(r#"<button type="submit" class="danger">Close</button>"#)
    );
    assert!(
        asked
            .body
            .contains(&format!(r#"<a href="/admin/letters/{SLUG}">Cancel</a>"#))
    );
    assert!(!asked.body.contains("<script"), "works without script");
    assert_no_token_in_form_addresses(&asked.body);
    let public = app.get(&format!("/letters/{SLUG}")).await.body;
    assert!(public.contains("Sign the letter"), "still open");

    // A forged confirmation changes nothing.
    let forged = editor
        .post_without_csrf(
            &format!("/admin/letters/{SLUG}/state"),
            &[("to", "closed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        app.get(&format!("/letters/{SLUG}"))
            .await
            .body
            .contains("Sign the letter")
    );

    // The confirmation page's own button closes it.
    let closed = post_in_body(
        &editor,
        &format!("/admin/letters/{SLUG}/state"),
        &[("to", "closed"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let public = app.get(&format!("/letters/{SLUG}")).await.body;
    assert!(public.contains("no longer takes signatures"), "{public}");

    // Reopening asks too, and acts once answered.
    let asked = post_in_body(
        &editor,
        &format!("/admin/letters/{SLUG}/state"),
        &[("to", "open")],
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked
            .body
            .contains("Reopen “Protect the right to protest” for signatures?")
    );
    let reopened = post_in_body(
        &editor,
        &format!("/admin/letters/{SLUG}/state"),
        &[("to", "open"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&format!("/letters/{SLUG}"))
            .await
            .body
            .contains("Sign the letter")
    );
}
