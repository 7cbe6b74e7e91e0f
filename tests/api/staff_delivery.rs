//! Staff can deliver: the print view counts every counted signature and says how many are not
//! named; the CSV for Excel starts with a byte-order mark and keeps Hebrew and Arabic names;
//! publishing, closing, archiving and every removal in the console ask first; the letter's
//! console page leads with what needs doing; console forms show the error summary; a new
//! letter's address comes from its title; a member's website may be typed without https://;
//! partner links are shown whole with a Copy button.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, StaffClient, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_print_view_counts_every_counted_signature_and_names_the_listed,
    the_excel_csv_starts_with_a_byte_order_mark_and_keeps_hebrew_and_arabic_names,
    publishing_closing_archiving_and_every_removal_ask_first,
    the_letter_page_leads_with_what_needs_doing,
    console_forms_lead_with_the_error_summary,
    a_new_letter_without_an_address_takes_it_from_its_title,
    a_member_website_is_accepted_without_https_and_partner_links_are_whole,
);

const SLUG: &str = "protest";
const TITLE: &str = "Protect the right to protest";

/// Signs as an organization and confirms; `listed` ticks "list publicly".
async fn organization_signs(app: &TestApp, organization: &str, email: &str, listed: bool) {
    let mut fields = vec![
        ("kind", "organization"),
        ("organization", organization),
        ("name", "Contact Person"),
        ("email", email),
    ];
    if listed {
        fields.push(("public", "on"));
    }
    let response = app.sign(SLUG, &fields).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    confirm_latest(app, email).await;
}

/// Signs as an individual who is not listed, and confirms.
async fn unlisted_person_signs(app: &TestApp, name: &str, email: &str) {
    let response = app.sign(SLUG, &[("name", name), ("email", email)]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    confirm_latest(app, email).await;
}

async fn confirm_latest(app: &TestApp, email: &str) {
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

async fn the_print_view_counts_every_counted_signature_and_names_the_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    organization_signs(&app, "Friends of the Riverbank", "a@river.example", true).await;
    organization_signs(&app, "Quiet Union", "b@quiet.example", false).await;
    organization_signs(&app, "Silent Guild", "c@silent.example", false).await;
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm(SLUG, "Grace Hopper", "grace@example.org")
        .await;
    unlisted_person_signs(&app, "Private Person", "private@example.org").await;
    // Not confirmed: not counted, not printed.
    let pending = app
        .sign(
            SLUG,
            &[("name", "Pending Person"), ("email", "pending@example.org")],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let print = viewer.get(&format!("/admin/letters/{SLUG}/print")).await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    let body = &print.body;
    assert!(
        body.contains("6 signatures: 3 organizations · 3 individuals"),
        "the whole count, as the page counts:\n{body}"
    );
    assert!(body.contains("Friends of the Riverbank"));
    assert!(body.contains("and 2 more organizations"), "{body}");
    assert!(body.contains("Ada Lovelace") && body.contains("Grace Hopper"));
    assert!(body.contains("and 1 more person"), "{body}");
    for unlisted in [
        "Quiet Union",
        "Silent Guild",
        "Private Person",
        "Pending Person",
    ] {
        assert!(!body.contains(unlisted), "{unlisted} is not named");
    }
    // The same total as the public page.
    app.wait_for_public_total(SLUG, 6).await;

    // In the language of a translation, the words around the names are in it too.
    let editor = app.staff("editor@coalition.test", "editor").await;
    let translated = editor
        .post(
            &format!("/admin/letters/{SLUG}/translation"),
            &[
                ("lang", "he"),
                ("title", "הגנו על הזכות להפגין"),
                ("addressee", "הנשיא"),
                ("summary", ""),
                ("body", "אנו כותבים יחד."),
            ],
        )
        .await;
    assert_eq!(
        translated.status,
        StatusCode::SEE_OTHER,
        "{}",
        translated.body
    );
    let hebrew = viewer
        .get(&format!("/admin/letters/{SLUG}/print?lang=he"))
        .await
        .body;
    assert!(hebrew.contains("6 חתימות"), "{hebrew}");
    assert!(hebrew.contains("ועוד 2 ארגונים"), "{hebrew}");
    assert!(hebrew.contains("ועוד אדם אחד"), "{hebrew}");
    // The print stylesheet: page margins and numbers, no console chrome, no entry split.
    let css = app.get("/static/style.css").await.body;
    assert!(css.contains("@page { margin: 2cm 1.8cm;"));
    assert!(css.contains("counter(pages)"));
    assert!(css.contains(".console header.site, .no-print { display: none; }"));
    assert!(css.contains(".print-letter li { break-inside: avoid;"));
}

async fn the_excel_csv_starts_with_a_byte_order_mark_and_keeps_hebrew_and_arabic_names(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app.sign_and_confirm(SLUG, "דנה לוי", "dana@example.org")
        .await;
    app.sign_and_confirm(SLUG, "ليلى حداد", "layla@example.org")
        .await;

    let directory = tempfile::tempdir().expect("a directory");
    let excel = directory.path().join("excel.csv");
    let plain = directory.path().join("plain.csv");
    let path = |file: &std::path::Path| file.display().to_string();
    app.cli_ok(&["export", SLUG, "--excel", "--output", &path(&excel)]);
    app.cli_ok(&["export", SLUG, "--output", &path(&plain)]);
    let excel = std::fs::read(&excel).expect("the Excel file");
    let plain = std::fs::read(&plain).expect("the plain file");
    assert_eq!(
        &excel[..3],
        b"\xEF\xBB\xBF",
        "a UTF-8 byte-order mark first"
    );
    assert_ne!(&plain[..3], b"\xEF\xBB\xBF", "the default stays as it was");
    let text = std::str::from_utf8(&excel[3..]).expect("UTF-8 after the mark");
    assert!(
        text.contains("דנה לוי") && text.contains("ليلى حداد"),
        "{text}"
    );
    assert!(text.contains("\r\n"), "Windows line ends");
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    // The same rows as the plain CSV, only the line ends and the mark differ.
    let plain = std::str::from_utf8(&plain).expect("UTF-8");
    assert_eq!(text.replace("\r\n", "\n"), plain);

    // The console's "Download CSV for Excel" sends the same bytes.
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let form = viewer.get(&format!("/admin/letters/{SLUG}/exports")).await;
    assert!(
        form.body
            .contains(r#"name="excel" value="yes" aria-describedby="excel-hint">Download CSV for Excel</button>"#),
        "{}",
        form.body
    );
    let downloaded = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv?excel=yes"))
        .await;
    assert_eq!(downloaded.status, StatusCode::OK);
    assert!(
        downloaded.body.starts_with('\u{feff}'),
        "{:?}",
        &downloaded.body[..10]
    );
    assert!(downloaded.body.contains("ليلى حداد"));
    let default = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert!(!default.body.starts_with('\u{feff}'));
}

/// Posts `fields` and expects the confirmation page: 200, the question, the consequence, a
/// button that repeats the post with `confirm=yes`, and a way back.
async fn asks(staff: &StaffClient<'_>, path: &str, fields: &[(&str, &str)], question: &str) {
    let asked = staff.post(path, fields).await;
    assert_eq!(asked.status, StatusCode::OK, "{path}: {}", asked.body);
    assert!(asked.body.contains(question), "{path}: {}", asked.body);
    assert!(
        asked
            .body
            .contains(r#"<input type="hidden" name="confirm" value="yes">"#),
        "{}",
        asked.body
    );
    assert!(asked.body.contains(">Cancel</a>"));
    assert!(!asked.body.contains("<script"), "works without script");
}

async fn publishing_closing_archiving_and_every_removal_ask_first(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "draft", "");
    let admin = app.staff("admin@coalition.test", "admin").await;
    let state = format!("/admin/letters/{SLUG}/state");

    // Open for signatures.
    asks(
        &admin,
        &state,
        &[("to", "open")],
        &format!("Open “{TITLE}” for signatures?"),
    )
    .await;
    assert_eq!(
        app.get(&format!("/letters/{SLUG}")).await.status,
        StatusCode::NOT_FOUND,
        "still a draft"
    );
    let opened = admin
        .post(&state, &[("to", "open"), ("confirm", "yes")])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(
        app.get(&format!("/letters/{SLUG}")).await.status,
        StatusCode::OK
    );

    // Hiding and removing a signature.
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let ada: String = signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key("ada@example.org")))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");
    let signature = format!("/admin/letters/{SLUG}/signatures/{ada}");
    for (takedown, verb) in [("hide", "Hide"), ("remove", "Remove")] {
        asks(
            &admin,
            &format!("{signature}/{takedown}"),
            &[("reason", "Asked by phone")],
            &format!("{verb} this signature on “{TITLE}”?"),
        )
        .await;
    }
    app.wait_for_public_total(SLUG, 1).await;
    assert!(
        app.get(&format!("/letters/{SLUG}"))
            .await
            .body
            .contains("Ada Lovelace"),
        "still listed"
    );
    let removed = admin
        .post(
            &format!("{signature}/remove"),
            &[("reason", "Asked by phone"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);

    // A translation.
    let translation = format!("/admin/letters/{SLUG}/translation");
    let added = admin
        .post(
            &translation,
            &[
                ("lang", "fr"),
                ("title", "Protégez le droit de manifester"),
                ("addressee", "Le Président"),
                ("summary", ""),
                ("body", "Nous écrivons ensemble."),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let remove = format!("{translation}/remove");
    asks(
        &admin,
        &remove,
        &[("lang", "fr")],
        &format!("(fr) translation of “{TITLE}”?"),
    )
    .await;
    assert!(
        app.get(&format!("/fr/letters/{SLUG}"))
            .await
            .body
            .contains("Nous écrivons ensemble"),
        "still translated"
    );
    let removed = admin
        .post(&remove, &[("lang", "fr"), ("confirm", "yes")])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert!(
        !app.get(&format!("/fr/letters/{SLUG}"))
            .await
            .body
            .contains("Nous écrivons ensemble")
    );

    // A member.
    let member = admin
        .post(
            "/admin/members",
            &[
                ("name", "Peace Coalition"),
                ("email", "office@cfpeace.example"),
            ],
        )
        .await;
    assert_eq!(member.status, StatusCode::SEE_OTHER, "{}", member.body);
    let roster = admin.get("/admin/members").await;
    let remove = action_ending(&roster.body, "/remove");
    asks(
        &admin,
        &remove,
        &[],
        "Remove Peace Coalition from the members?",
    )
    .await;
    assert!(app.cli_ok(&["members", "list"]).contains("Peace Coalition"));
    let gone = admin.post(&remove, &[("confirm", "yes")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    assert!(!app.cli_ok(&["members", "list"]).contains("Peace Coalition"));

    // An API token.
    let created = admin
        .post("/admin/tokens", &[("name", "delivery script")])
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let tokens = admin.get("/admin/tokens").await;
    let revoke = action_ending(&tokens.body, "/revoke");
    asks(&admin, &revoke, &[], "Revoke the token “delivery script”?").await;
    assert!(admin.get("/admin/tokens").await.body.contains(&revoke));

    // A staff account.
    app.create_staff("editor@coalition.test", "editor");
    let accounts = admin.get("/admin/staff").await;
    let disable = action_ending(&accounts.body, "/disable");
    asks(&admin, &disable, &[], "Disable editor@coalition.test?").await;

    // Closing, then archiving.
    asks(
        &admin,
        &state,
        &[("to", "closed")],
        &format!("Close “{TITLE}”?"),
    )
    .await;
    assert!(
        app.get(&format!("/letters/{SLUG}"))
            .await
            .body
            .contains("Sign the letter"),
        "still open"
    );
    let closed = admin
        .post(&state, &[("to", "closed"), ("confirm", "yes")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    asks(
        &admin,
        &state,
        &[("to", "archived")],
        &format!("Archive “{TITLE}”?"),
    )
    .await;
    // A confirmation without the session's token changes nothing.
    let forged = admin
        .post_without_csrf(&state, &[("to", "archived"), ("confirm", "yes")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let letters = app.cli_ok(&["letters", "list"]);
    assert!(letters.contains("closed"), "{letters}");
}

/// The path of the first form on the page whose action ends with `ending` (before its
/// `?csrf=`).
fn action_ending(body: &str, ending: &str) -> String {
    body.split(r#"action=""#)
        .filter_map(|rest| rest.split('"').next())
        .map(|action| action.split('?').next().unwrap_or(action))
        .find(|action| action.ends_with(ending))
        .unwrap_or_else(|| panic!("no form ending {ending}:\n{body}"))
        .to_owned()
}

async fn the_letter_page_leads_with_what_needs_doing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = true");
    organization_signs(&app, "Friends of the Riverbank", "a@river.example", true).await;
    organization_signs(&app, "Quiet Union", "b@quiet.example", false).await;
    organization_signs(&app, "Silent Guild", "c@silent.example", true).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let page = editor.get(&format!("/admin/letters/{SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let to_approve =
        format!(r#"<a href="/admin/letters/{SLUG}/moderation"><strong>3 to approve</strong></a>"#);
    let first = |text: &str| {
        body.find(text)
            .unwrap_or_else(|| panic!("no {text:?} on the page:\n{body}"))
    };
    assert!(first(&to_approve) < first("Everything about this letter"));
    assert!(first("Close the letter") < first("Everything about this letter"));
    // Delivery is folded at the end while the letter collects signatures.
    assert!(first("<summary>Mark as delivered</summary>") > first("Everything about this letter"));

    // Closed: printing and delivering come first.
    let closed = editor
        .post(
            &format!("/admin/letters/{SLUG}/state"),
            &[("to", "closed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let page = editor.get(&format!("/admin/letters/{SLUG}")).await.body;
    let delivery = page.find(r#"id="delivered""#).expect("the delivery form");
    assert!(
        delivery
            < page
                .find("Everything about this letter")
                .expect("the groups")
    );
    assert!(
        page.contains("print the letter with its signatories"),
        "{page}"
    );
    assert!(!page.contains("<summary>Mark as delivered</summary>"));
}

async fn console_forms_lead_with_the_error_summary(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.staff("admin@coalition.test", "admin").await;

    let letter = admin
        .post(
            "/admin/letters",
            &[
                ("slug", "Bad Address"),
                ("lang", "en"),
                ("title", ""),
                ("addressee", "The Mayor"),
                ("body", "Text"),
            ],
        )
        .await;
    assert_eq!(
        letter.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        letter.body
    );
    summary_links(&letter.body, &["#slug", "#title"]);

    let token = admin.post("/admin/tokens", &[("name", "")]).await;
    summary_links(&token.body, &["#token-name"]);

    let member = admin
        .post(
            "/admin/members",
            &[
                ("name", "Peace Coalition"),
                ("email", "office@cfpeace.example"),
                ("website", "not a website"),
            ],
        )
        .await;
    assert_eq!(
        member.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        member.body
    );
    summary_links(&member.body, &["#member-website"]);
    assert!(!app.cli_ok(&["members", "list"]).contains("Peace Coalition"));
}

/// The GOV.UK error summary, first in the form, each problem a link to its field, and the
/// script that moves focus to it.
fn summary_links(body: &str, links: &[&str]) {
    assert!(
        body.contains(r#"<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">"#),
        "{body}"
    );
    assert!(body.contains(r#"<script src="/static/error-summary.js" defer></script>"#));
    let summary = body
        .split(r#"class="error-summary""#)
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_default();
    for link in links {
        assert!(
            summary.contains(&format!(r#"<a href="{link}">"#)),
            "{link} in {summary}"
        );
    }
}

async fn a_new_letter_without_an_address_takes_it_from_its_title(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let fields = [
        ("slug", ""),
        ("lang", "en"),
        ("title", "Protect the right to protest!"),
        ("addressee", "The President"),
        ("body", "Dear President,"),
        ("accepts_individuals", "on"),
        ("save", "1"),
    ];
    let form = editor.get("/admin/letters/new").await;
    assert!(
        form.body
            .contains("Leave it empty to make it from the title")
    );
    assert!(
        !form
            .body
            .contains(r#"id="slug" name="slug" type="text" maxlength="80" required"#)
    );
    let first = editor.post("/admin/letters", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(
        first.location.as_deref(),
        Some("/admin/letters/protect-the-right-to-protest")
    );
    let second = editor.post("/admin/letters", &fields).await;
    assert_eq!(
        second.location.as_deref(),
        Some("/admin/letters/protect-the-right-to-protest-2"),
        "{}",
        second.body
    );
    // A title with nothing to make an address from asks for one.
    let mut nothing = fields;
    nothing[2] = ("title", "!!!");
    let refused = editor.post("/admin/letters", &nothing).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    summary_links(&refused.body, &["#slug"]);
}

async fn a_member_website_is_accepted_without_https_and_partner_links_are_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let roster = editor.get("/admin/members").await;
    assert!(
        roster
            .body
            .contains(r#"id="member-website" name="website" type="text" inputmode="url""#),
        "{}",
        roster.body
    );
    let added = editor
        .post(
            "/admin/members",
            &[
                ("name", "Peace Coalition"),
                ("email", "office@cfpeace.example"),
                ("website", "cfpeace.example"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let roster = editor.get("/admin/members").await;
    assert!(
        roster.body.contains("https://cfpeace.example"),
        "{}",
        roster.body
    );

    let partners = editor.get(&format!("/admin/letters/{SLUG}/partners")).await;
    let body = &partners.body;
    let link = body
        .split(r#"<code class="copyable" id="partner-link-1">"#)
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap_or_else(|| panic!("the link shown whole:\n{body}"));
    assert!(
        link.starts_with("http://") && link.contains(&format!("/letters/{SLUG}?via=")),
        "{link}"
    );
    assert!(body.contains(r#"data-copy="partner-link-1" data-copied="Copied" data-copied-status="Link copied" hidden aria-label="Copy the link for Peace Coalition">Copy</button>"#));
    assert!(body.contains(r#"<script src="/static/copy.js" defer></script>"#));
    let script = app.get("/static/copy.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("navigator.clipboard"));
}
