//! Console fixes found by using it at 1280 px: the moderation decision beside the name, an
//! export that starts from what counts, an editor whose address bar never shows the CSRF
//! token, "awaiting approval" where it was "verified", a goal line on the chart, and a close
//! that asks first.

use awc::http::StatusCode;

use crate::helpers::{Backend, StaffClient, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_moderation_decision_sits_beside_the_organization,
    the_export_page_starts_from_what_counts,
    the_editor_posts_to_a_clean_address,
    organizations_waiting_are_awaiting_approval_wherever_staff_look,
    the_progress_chart_draws_the_goal,
    closing_a_live_letter_asks_first,
);

const SLUG: &str = "dear-president";

/// An organization signs and confirms; it then waits for approval.
async fn organization_waits(app: &TestApp, organization: &str, email: &str) {
    let response = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", "Grace Hopper"),
                ("email", email),
                ("website", "https://averyveryverylongaddress.example.org/with/a/long/path/that/would/widen/the/table"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mail = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

/// The `<td>` that holds `text`, whole.
fn cell_with<'a>(body: &'a str, text: &str) -> &'a str {
    let at = body
        .find(text)
        .unwrap_or_else(|| panic!("no {text} in {body}"));
    let start = body[..at].rfind("<td").expect("inside a cell");
    let end = at + body[at..].find("</td>").expect("the cell ends");
    &body[start..end]
}

async fn the_moderation_decision_sits_beside_the_organization(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    organization_waits(&app, "Friends of the Earth", "grace@foe.example").await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    for path in [
        "/admin/moderation",
        &format!("/admin/letters/{SLUG}/moderation"),
    ] {
        let queue = editor.get(path).await;
        assert_eq!(queue.status, StatusCode::OK);
        let cell = cell_with(&queue.body, ">Friends of the Earth</a>");
        assert!(
            cell.contains(r#"aria-label="Approve Friends of the Earth">Approve</button>"#),
            "{cell}"
        );
        assert!(
            cell.contains(r#"aria-label="Reject Friends of the Earth">Reject</button>"#),
            "{cell}"
        );
        // The select label is there for screen readers, out of sight.
        assert!(
            queue
                .body
                .contains(r#"class="visually-hidden">select Friends of the Earth</label>"#),
            "{}",
            queue.body
        );
        // Five columns, not eight: nothing is pushed past a 1280 px screen.
        let header = queue.body.split("<thead>").nth(1).expect("a table head");
        let header = header.split("</thead>").next().unwrap_or_default();
        assert_eq!(header.matches("<th ").count(), 5, "{header}");
    }
    let css = app.get("/static/style.css").await.body;
    assert!(css.contains(".visually-hidden {"));
    assert!(css.contains("table.data td { overflow-wrap: anywhere; }"));

    // The decision beside the name works.
    let queue = editor.get("/admin/moderation").await.body;
    let id = queue
        .split(r#"name="id" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a signature id")
        .to_owned();
    let approved = editor
        .post(
            &format!("/admin/letters/{SLUG}/moderation"),
            &[
                ("decision", "approve"),
                ("id", &id),
                ("return", "queue"),
                ("from", "verified"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert!(
        app.get(&format!("/letters/{SLUG}"))
            .await
            .body
            .contains("<strong>Friends of the Earth</strong>")
    );
}

async fn the_export_page_starts_from_what_counts(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = true");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let pending = app
        .sign(
            SLUG,
            &[("name", "Pending Person"), ("email", "pending@example.org")],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);
    // An organization that confirmed by email and waits for staff: stored as verified, not
    // counted.
    let waiting = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("name", "Wanda Waits"),
                ("organization", "Waiting Org"),
                ("email", "wanda@waiting.example"),
            ],
        )
        .await;
    assert_eq!(waiting.status, StatusCode::SEE_OTHER, "{}", waiting.body);
    let mail = app
        .wait_for_mails_to("wanda@waiting.example", 1)
        .await
        .remove(0);
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let form = viewer
        .get(&format!("/admin/letters/{SLUG}/exports"))
        .await
        .body;
    assert!(
        form.contains(r#"name="counted" value="yes" checked"#),
        "{form}"
    );
    for unticked in [
        "pending",
        "verified",
        "approved",
        "rejected",
        "withdrawn",
        "removed",
        "duplicate",
    ] {
        assert!(
            form.contains(&format!(r#"name="state" value="{unticked}">"#)),
            "{unticked} starts unticked"
        );
    }
    assert!(form.contains("the signatures that count"), "{form}");
    // The long command lines wrap instead of scrolling the page sideways.
    assert_eq!(form.matches(r#"<pre class="wrap">"#).count(), 2);
    let css = app.get("/static/style.css").await.body;
    assert!(css.contains("pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; }"));

    // What the form sends untouched: the confirmed person only, not the pending one and not
    // the organization still awaiting approval.
    let download = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv?counted=yes"))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.body.contains("ada@example.org"));
    assert!(!download.body.contains("pending@example.org"));
    assert!(!download.body.contains("wanda@waiting.example"));
    // The command line says the same.
    let cli = app.cli_ok(&["export", SLUG, "--counted"]);
    assert!(cli.contains("ada@example.org"));
    assert!(!cli.contains("wanda@waiting.example"));
    // Unticked, everything.
    let everything = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert!(everything.body.contains("wanda@waiting.example"));
    assert!(everything.body.contains("pending@example.org"));
    // A value that means nothing is refused, not read as "no".
    let nonsense = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv?counted=maybe"))
        .await;
    assert_eq!(
        nonsense.status,
        StatusCode::BAD_REQUEST,
        "{}",
        nonsense.body
    );
}

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
        show.contains("<h1>Working title</h1>"),
        "a preview stores nothing"
    );
    assert_no_token_in_form_addresses(&show);
}

async fn organizations_waiting_are_awaiting_approval_wherever_staff_look(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    organization_waits(&app, "Friends of the Earth", "grace@foe.example").await;
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;

    let list = viewer
        .get(&format!("/admin/letters/{SLUG}/signatures"))
        .await
        .body;
    assert!(cell_with(&list, "grace@foe.example").contains("grace@foe.example"));
    let grace_row = list
        .split("<tr>")
        .find(|row| row.contains("grace@foe.example"))
        .expect("Grace's row");
    assert!(grace_row.contains("<td>awaiting approval"), "{grace_row}");
    let ada_row = list
        .split("<tr>")
        .find(|row| row.contains("ada@example.org"))
        .expect("Ada's row");
    assert!(ada_row.contains("<td>verified"), "{ada_row}");

    let detail_href = grace_row
        .split(r#"href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the signature");
    let detail = viewer.get(detail_href).await.body;
    assert!(
        detail.contains("awaiting approval: confirmed, waiting for approval"),
        "{detail}"
    );

    for path in [
        format!("/admin/letters/{SLUG}"),
        format!("/admin/letters/{SLUG}/progress"),
        format!("/admin/letters/{SLUG}/exports"),
    ] {
        let page = viewer.get(&path).await.body;
        assert!(
            page.contains("verified (organizations: awaiting approval)"),
            "{path}: {page}"
        );
    }
}

async fn the_progress_chart_draws_the_goal(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "goal = 500");
    app.create_letter("no-goal", "open", "");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm("no-goal", "Ada Lovelace", "ada@example.org")
        .await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let with_goal = viewer
        .get(&format!("/admin/letters/{SLUG}/progress"))
        .await
        .body;
    assert!(with_goal.contains(r#"<g class="goal""#), "{with_goal}");
    assert!(with_goal.contains(">Goal: 500</text>"));
    assert!(
        with_goal.contains("The goal is 500."),
        "named for screen readers"
    );
    let without = viewer.get("/admin/letters/no-goal/progress").await.body;
    assert!(!without.contains(r#"<g class="goal""#));
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
            .contains(r#"<button type="submit">Close</button>"#)
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

    // Reopening needs no question.
    let reopened = post_in_body(
        &editor,
        &format!("/admin/letters/{SLUG}/state"),
        &[("to", "open")],
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
