//! Console: editors write, preview, open, edit, close and reopen letters; every published
//! text stays readable; viewers only read; nobody else gets in.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, StaffClient, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    an_editor_writes_opens_edits_closes_and_reopens_a_letter,
    a_viewer_reads_but_cannot_change_anything,
    strangers_and_forged_forms_change_nothing,
    invalid_letters_are_refused_field_by_field_and_nothing_is_stored,
    the_list_counts_signatures_of_every_letter,
    the_editor_previews_as_they_type,
);

async fn the_editor_previews_as_they_type(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let form = editor.get("/admin/letters/new").await;
    assert!(
        form.body
            .contains("data-live-preview=\"/admin/letters/preview?csrf=")
    );
    assert!(form.body.contains("/static/preview.js"));
    let preview = editor
        .post(
            "/admin/letters/preview",
            &[(
                "body",
                "# Dear President\n\nWe **urge** you.\n\n<script>alert(1)</script>",
            )],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("<h1>Dear President</h1>"));
    assert!(preview.body.contains("<strong>urge</strong>"));
    assert!(
        !preview.body.contains("<script"),
        "sanitized like the public page"
    );
    let forged = editor
        .post_without_csrf("/admin/letters/preview", &[("body", "x")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let refused = viewer
        .post("/admin/letters/preview", &[("body", "x")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let script = app.get("/static/preview.js").await;
    assert!(script.body.contains("data-live-preview"));
}

const SLUG: &str = "dear-president";

fn letter_fields<'a>(slug: &'a str, title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", slug),
        ("title", title),
        ("addressee", "The President"),
        ("summary", "Veto the assembly bill."),
        ("body", body),
        ("goal", "1000"),
        ("opens_at", ""),
        ("closes_at", "2099-12-31T18:00"),
        ("accepts_individuals", "on"),
        ("accepts_organizations", "on"),
        ("organizations_need_approval", "on"),
        ("invites_skip_approval", "on"),
    ]
}

fn with<'a>(
    mut fields: Vec<(&'a str, &'a str)>,
    extra: (&'a str, &'a str),
) -> Vec<(&'a str, &'a str)> {
    fields.push(extra);
    fields
}

/// The addresses of the version pages linked from a version list, in page order.
fn version_links(page: &Response, slug: &str) -> Vec<String> {
    let pattern = regex::Regex::new(&format!(
        r#"href="(/letters/{slug}/versions/[0-9a-f]{{64}})""#
    ))
    .expect("a valid pattern");
    pattern
        .captures_iter(&page.body)
        .map(|captures| captures[1].to_owned())
        .collect()
}

fn count_of(app: &TestApp, action: &str) -> usize {
    app.audit_actions()
        .iter()
        .filter(|recorded| recorded.as_str() == action)
        .count()
}

async fn change_state(editor: &StaffClient<'_>, slug: &str, to: &str) -> Response {
    editor
        .post(
            &format!("/admin/letters/{slug}/state"),
            &[("to", to), ("confirm", "yes")],
        )
        .await
}

async fn an_editor_writes_opens_edits_closes_and_reopens_a_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;

    let list = editor.get("/admin/letters").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains(r#"href="/admin/letters/new""#),
        "editors may write"
    );
    let form = editor.get("/admin/letters/new").await;
    assert_eq!(form.status, StatusCode::OK);
    for label in [
        r#"<label for="slug">"#,
        r#"<label for="title">"#,
        r#"<label for="body">"#,
    ] {
        assert!(form.body.contains(label), "{label} in {}", form.body);
    }

    let first_text =
        "Dear President,\r\n\r\nWe ask you to **veto** the bill.\r\n\r\n<script>alert(1)</script>";
    let fields = letter_fields(
        SLUG,
        "Working title",
        "Draft wording **nobody** outside sees.\r\n\r\n<script>alert(1)</script>",
    );

    // Preview: the text rendered and sanitized, nothing stored.
    let preview = editor
        .post("/admin/letters", &with(fields.clone(), ("preview", "1")))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("<strong>nobody</strong>"),
        "{}",
        preview.body
    );
    assert!(
        !preview.body.contains("<script>alert"),
        "the preview is sanitized"
    );
    assert!(preview.body.contains("Nothing is saved yet"));
    assert_eq!(
        editor.get(&format!("/admin/letters/{SLUG}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count_of(&app, "letter.create"), 0);

    // Save: a draft, visible in the console only.
    let saved = editor
        .post("/admin/letters", &with(fields.clone(), ("save", "1")))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some("/admin/letters/dear-president")
    );
    let console = editor.get("/admin/letters/dear-president").await;
    assert_eq!(console.status, StatusCode::OK);
    assert!(console.body.contains("Working title"));
    assert!(
        console
            .body
            .contains(r#"<span class="status">draft</span>"#)
    );
    assert!(console.body.contains("Open for signatures"));
    for link in [
        "edit",
        "moderation",
        "invites",
        "exports",
        "print",
        "progress",
    ] {
        assert!(
            console
                .body
                .contains(&format!(r#"href="/admin/letters/dear-president/{link}""#)),
            "a link to {link}"
        );
    }
    assert_eq!(
        app.get("/letters/dear-president").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/letters/dear-president/versions").await.status,
        StatusCode::NOT_FOUND,
        "a draft's text is not public"
    );
    assert!(
        editor
            .get("/admin/letters")
            .await
            .body
            .contains("Working title")
    );

    // The draft gets its final wording before anyone sees it.
    let mut final_draft = letter_fields(SLUG, "Protect the right to protest", first_text);
    final_draft.retain(|(name, _)| *name != "slug");
    let redrafted = editor
        .post("/admin/letters/dear-president", &final_draft)
        .await;
    assert_eq!(
        redrafted.status,
        StatusCode::SEE_OTHER,
        "{}",
        redrafted.body
    );

    // Open: public and signable.
    let opened = change_state(&editor, SLUG, "open").await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let public = app.get("/letters/dear-president").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("<strong>veto</strong>"));
    assert!(!public.body.contains("<script>alert"));
    assert!(public.body.contains("Sign the letter"));
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let console = editor.get("/admin/letters/dear-president").await;
    assert!(console.body.contains(r#"<span class="status">open</span>"#));
    assert!(
        console
            .body
            .contains(r#"<span class="value">1</span> confirmed individuals"#)
    );

    let versions = app.get("/letters/dear-president/versions").await;
    assert_eq!(versions.status, StatusCode::OK);
    let first_versions = version_links(&versions, SLUG);
    assert_eq!(first_versions.len(), 1, "{}", versions.body);
    assert!(
        !versions.body.contains("Working title"),
        "texts drafted before publication stay private"
    );
    let first_version = first_versions[0].clone();

    // The edit form shows the stored text; editing it records a new public version.
    let edit_form = editor.get("/admin/letters/dear-president/edit").await;
    assert_eq!(edit_form.status, StatusCode::OK);
    assert!(edit_form.body.contains("We ask you to **veto** the bill."));
    assert!(
        !edit_form.body.contains(r#"name="slug""#),
        "the address cannot change"
    );
    let second_text = "Dear President,\n\nWe ask you to **veto** the bill before Friday.";
    let mut edit = letter_fields(SLUG, "Protect the right to protest", second_text);
    edit.retain(|(name, _)| *name != "slug");
    let previewed = editor
        .post(
            "/admin/letters/dear-president",
            &with(edit.clone(), ("preview", "1")),
        )
        .await;
    assert_eq!(previewed.status, StatusCode::OK);
    assert!(previewed.body.contains("before Friday"));
    assert!(
        !app.get("/letters/dear-president")
            .await
            .body
            .contains("before Friday"),
        "a preview changes nothing"
    );
    let edited = editor
        .post("/admin/letters/dear-president", &with(edit, ("save", "1")))
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let public = app.get("/letters/dear-president").await;
    assert!(
        public.body.contains("before Friday"),
        "the public sees the new text at once"
    );

    let versions = app.get("/letters/dear-president/versions").await;
    let links = version_links(&versions, SLUG);
    assert_eq!(links.len(), 2, "{}", versions.body);
    assert_eq!(
        links[1], first_version,
        "newest first; the old version is still listed"
    );
    let old = app.get(&first_version).await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(
        old.body.contains("<strong>veto</strong> the bill."),
        "{}",
        old.body
    );
    assert!(!old.body.contains("before Friday"));
    assert!(old.body.contains("The letter has changed since"));
    let new = app.get(&links[0]).await;
    assert!(new.body.contains("before Friday"));
    assert!(new.body.contains("The current text"));
    assert_eq!(
        app.get(&format!("/letters/{SLUG}/versions/{}", "0".repeat(64)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Close: still readable, no longer signable.
    assert_eq!(
        change_state(&editor, SLUG, "closed").await.status,
        StatusCode::SEE_OTHER
    );
    let closed = app.get("/letters/dear-president").await;
    assert_eq!(closed.status, StatusCode::OK);
    assert!(closed.body.contains("no longer takes signatures"));
    let refused = app
        .sign(
            SLUG,
            &[
                ("name", "Late Comer"),
                ("email", "late@example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let back_to_draft = change_state(&editor, SLUG, "draft").await;
    assert_eq!(
        back_to_draft.status,
        StatusCode::BAD_REQUEST,
        "published texts stay published"
    );
    assert_eq!(
        app.get("/letters/dear-president").await.status,
        StatusCode::OK
    );

    // Reopen: signable again.
    assert_eq!(
        change_state(&editor, SLUG, "open").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.get("/letters/dear-president")
            .await
            .body
            .contains("Sign the letter")
    );
    app.sign_and_confirm(SLUG, "Late Comer", "late@example.org")
        .await;

    // Archive is the end of the road.
    assert_eq!(
        change_state(&editor, SLUG, "archived").await.status,
        StatusCode::SEE_OTHER
    );
    let reopen_archived = change_state(&editor, SLUG, "open").await;
    assert_eq!(reopen_archived.status, StatusCode::BAD_REQUEST);
    assert!(
        !app.get("/letters/dear-president")
            .await
            .body
            .contains("Sign the letter")
    );

    assert_eq!(count_of(&app, "letter.create"), 1);
    assert_eq!(count_of(&app, "letter.edit"), 2);
    assert_eq!(
        count_of(&app, "letter.state"),
        4,
        "open, close, reopen, archive"
    );
}

async fn a_viewer_reads_but_cannot_change_anything(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let viewer = app.staff("viewer@coalition.test", "viewer").await;

    let list = viewer.get("/admin/letters").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Protect the right to protest"));
    assert!(
        !list.body.contains(r#"href="/admin/letters/new""#),
        "no New letter link"
    );
    let letter = viewer.get("/admin/letters/dear-president").await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains(r#"<span class="status">open</span>"#));
    assert!(
        !letter.body.contains("Close the letter"),
        "no state buttons"
    );
    assert!(!letter.body.contains("/admin/letters/dear-president/edit"));

    assert_eq!(
        viewer.get("/admin/letters/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer
            .get("/admin/letters/dear-president/edit")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let create = viewer
        .post(
            "/admin/letters",
            &letter_fields("viewer-letter", "Mine", "Text"),
        )
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    assert!(create.body.contains("Your role does not allow this"));
    let mut edit = letter_fields(SLUG, "Changed by a viewer", "Changed text");
    edit.retain(|(name, _)| *name != "slug");
    let edited = viewer.post("/admin/letters/dear-president", &edit).await;
    assert_eq!(edited.status, StatusCode::FORBIDDEN);
    let closed = change_state(&viewer, SLUG, "closed").await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN);

    let public = app.get("/letters/dear-president").await;
    assert!(public.body.contains("Protect the right to protest"));
    assert!(!public.body.contains("Changed by a viewer"));
    assert!(public.body.contains("Sign the letter"), "still open");
    assert_eq!(
        viewer.get("/admin/letters/viewer-letter").await.status,
        StatusCode::NOT_FOUND
    );
    let actions = app.audit_actions();
    assert!(
        !actions.iter().any(|action| action.starts_with("letter.")),
        "{actions:?}"
    );
}

async fn strangers_and_forged_forms_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");

    for path in [
        "/admin/letters",
        "/admin/letters/new",
        "/admin/letters/dear-president",
        "/admin/letters/dear-president/edit",
    ] {
        let anonymous = app.get(path).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            anonymous.location.as_deref(),
            Some(format!("/admin/login?next={path}").as_str())
        );
    }
    let anonymous_close = app
        .post_form("/admin/letters/dear-president/state", "to=closed")
        .await;
    assert_eq!(anonymous_close.status, StatusCode::SEE_OTHER);
    assert!(
        anonymous_close
            .location
            .unwrap_or_default()
            .starts_with("/admin/login")
    );

    let editor = app.staff("editor@coalition.test", "editor").await;
    let forged_create = editor
        .post_without_csrf(
            "/admin/letters",
            &letter_fields("forged", "Forged", "Forged text"),
        )
        .await;
    assert_eq!(forged_create.status, StatusCode::FORBIDDEN);
    assert!(forged_create.body.contains("This form has expired"));
    let mut edit = letter_fields(SLUG, "Forged title", "Forged text");
    edit.retain(|(name, _)| *name != "slug");
    let forged_edit = editor
        .post_without_csrf("/admin/letters/dear-president", &edit)
        .await;
    assert_eq!(forged_edit.status, StatusCode::FORBIDDEN);
    let forged_close = editor
        .post_without_csrf("/admin/letters/dear-president/state", &[("to", "closed")])
        .await;
    assert_eq!(forged_close.status, StatusCode::FORBIDDEN);

    let public = app.get("/letters/dear-president").await;
    assert!(public.body.contains("Sign the letter"), "still open");
    assert!(!public.body.contains("Forged"));
    assert_eq!(
        editor.get("/admin/letters/forged").await.status,
        StatusCode::NOT_FOUND
    );
    let actions = app.audit_actions();
    assert!(
        !actions.iter().any(|action| action.starts_with("letter.")),
        "{actions:?}"
    );
}

async fn invalid_letters_are_refused_field_by_field_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("taken", "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;

    let bad_slug = editor
        .post(
            "/admin/letters",
            &letter_fields("Bad Slug!", "A fine title", "Some text"),
        )
        .await;
    assert_eq!(bad_slug.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_slug.body.contains(r#"id="slug-error""#),
        "{}",
        bad_slug.body
    );
    assert!(!bad_slug.body.contains(r#"id="title-error""#));
    assert!(
        bad_slug.body.contains(r#"value="A fine title""#),
        "the form keeps what was typed"
    );
    assert!(bad_slug.body.contains("Some text"));

    let no_title = editor
        .post(
            "/admin/letters",
            &letter_fields("fine-slug", "   ", "Some text"),
        )
        .await;
    assert_eq!(no_title.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_title.body.contains(r#"id="title-error""#));
    assert!(!no_title.body.contains(r#"id="slug-error""#));

    let mut bad_goal = letter_fields("fine-slug", "A fine title", "Some text");
    bad_goal.retain(|(name, _)| *name != "goal" && *name != "closes_at");
    bad_goal.push(("goal", "lots"));
    bad_goal.push(("closes_at", "next week"));
    let refused = editor.post("/admin/letters", &bad_goal).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="goal-error""#));
    assert!(refused.body.contains(r#"id="closes_at-error""#));

    let duplicate = editor
        .post(
            "/admin/letters",
            &letter_fields("taken", "Another letter", "Other text"),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.body.contains("already has this address"));
    let kept = app.get("/letters/taken").await;
    assert!(
        kept.body.contains("Protect the right to protest"),
        "the other letter is untouched"
    );
    assert!(!kept.body.contains("Other text"));

    assert_eq!(
        editor.get("/admin/letters/fine-slug").await.status,
        StatusCode::NOT_FOUND,
        "nothing was stored"
    );
    let reserved = editor
        .post(
            "/admin/letters",
            &letter_fields("new", "A fine title", "Some text"),
        )
        .await;
    assert_eq!(
        reserved.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form's own address"
    );
    let list = editor.get("/admin/letters").await;
    assert!(!list.body.contains("A fine title"));

    // An edit that blanks the title changes nothing either.
    let mut edit = letter_fields("taken", "", "Replaced text");
    edit.retain(|(name, _)| *name != "slug");
    let blank_title = editor.post("/admin/letters/taken", &edit).await;
    assert_eq!(blank_title.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank_title.body.contains(r#"id="title-error""#));
    let public = app.get("/letters/taken").await;
    assert!(public.body.contains("Protect the right to protest"));
    assert!(!public.body.contains("Replaced text"));

    assert_eq!(
        editor
            .post("/admin/letters/taken/state", &[("to", "ajar")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let actions = app.audit_actions();
    assert!(
        !actions.iter().any(|action| action.starts_with("letter.")),
        "{actions:?}"
    );
}

/// The numbers in a letter's row of the console list, left to right.
fn row_numbers(list: &Response, slug: &str) -> Vec<String> {
    let row = list
        .body
        .split("<tr>")
        .find(|row| row.contains(&format!(r#"href="/admin/letters/{slug}""#)))
        .unwrap_or_else(|| panic!("a row for {slug} in {}", list.body));
    let number = regex::Regex::new(r#"<td class="number">([^<]*)</td>"#).expect("a valid pattern");
    number
        .captures_iter(row)
        .map(|captures| captures[1].to_owned())
        .collect()
}

async fn the_list_counts_signatures_of_every_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.create_letter("quiet-letter", "open", "");
    app.create_letter("unfinished", "draft", "");
    let viewer = app.staff("viewer@coalition.test", "viewer").await;

    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm(SLUG, "Alan Turing", "alan@example.org")
        .await;
    let unconfirmed = app
        .sign(
            SLUG,
            &[
                ("name", "Not Yet"),
                ("email", "later@example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
    let organization = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", "Friends of the Earth"),
                ("name", "Grace Hopper"),
                ("email", "grace@foe.example"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(organization.status, StatusCode::SEE_OTHER);
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK);

    let list = viewer.get("/admin/letters").await;
    assert_eq!(list.status, StatusCode::OK);
    // Individuals, organizations, pending, awaiting approval.
    assert_eq!(row_numbers(&list, SLUG), ["2", "0", "1", "1"]);
    assert_eq!(row_numbers(&list, "quiet-letter"), ["0", "0", "0", "0"]);
    assert_eq!(
        row_numbers(&list, "unfinished"),
        ["0", "0", "0", "0"],
        "drafts are listed too"
    );
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let row = list
        .body
        .split("<tr>")
        .find(|row| row.contains(r#"href="/admin/letters/dear-president""#))
        .unwrap_or_default();
    assert!(row.contains(&today), "the last signature's date: {row}");

    let letter = viewer.get("/admin/letters/dear-president").await;
    assert!(
        letter
            .body
            .contains(r#"<span class="value">2</span> counted"#)
    );
    assert!(
        letter
            .body
            .contains(r#"<span class="value">1</span> awaiting approval"#)
    );
    assert!(
        letter
            .body
            .contains(r#"<span class="value">1</span> pending email confirmation"#)
    );
}
