//! Every text anyone can store follows the same rules, whichever door it comes through:
//! letter and translation titles, addressees and summaries (console and `letters import`),
//! update subjects (console and `updates send`), delivery notes, API token names, member and
//! organization names and signer names refuse direction tricks, invisible characters (Hangul
//! fillers and the braille blank included), control characters and line breaks, and store
//! nothing. A look-alike organization is the same organization. A NUL anywhere (an address,
//! a query, a form, a JSON body) is a 4xx on both backends, never a 500.

use awc::http::StatusCode;
use diesel::dsl::count_star;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{
    api_tokens, letter_deliveries, letter_translations, letters, members, signatures, updates,
};

use crate::helpers::{Backend, StaffClient, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    letter_texts_refuse_hostile_and_invisible_text_in_the_console_and_on_import,
    translation_texts_refuse_hostile_and_invisible_text,
    update_subjects_refuse_hostile_text_in_the_console_and_on_the_command_line,
    delivery_notes_refuse_hostile_text_and_stay_plain_text_in_the_update,
    token_member_organization_and_signer_names_refuse_invisible_text,
    a_look_alike_organization_is_the_same_organization,
    a_nul_anywhere_is_a_client_error_and_stores_nothing,
);

const SLUG: &str = "dear-president";

/// One-line texts that must be refused, and a word of the message that says why.
const NASTY_LINES: &[(&str, &str)] = &[
    ("Protect\u{202E}tsetorp", "direction"),
    ("Protect \u{2066}the right", "direction"),
    ("\u{200B}\u{200B}\u{200B}", "invisible"),
    ("\u{3164}", "invisible"),
    ("\u{3164}\u{3164}\u{3164}", "invisible"),
    ("Quiet\u{3164}Org", "invisible"),
    ("\u{2800}\u{2800}", "invisible"),
    ("\u{FFA0}\u{115F}\u{1160}", "invisible"),
    ("Protect\u{0}the right", "control characters"),
    ("The \u{1b}[31mPresident", "control characters"),
    ("Protect\r\nBcc: everyone", "one line"),
];

/// The same for free text (a note): line breaks are fine there.
const NASTY_NOTES: &[(&str, &str)] = &[
    ("Handed over \u{202E}noon", "direction"),
    ("Handed over \u{2066}at noon", "direction"),
    ("\u{200B}\u{200B}", "invisible"),
    ("\u{3164}\u{3164}", "invisible"),
    ("\u{2800}", "invisible"),
    ("Handed\u{0}over", "control characters"),
    ("Handed \u{1b}[31mover", "control characters"),
    ("Handed\u{7}over", "control characters"),
];

/// How many rows a table holds.
macro_rules! count {
    ($app:expr, $table:expr) => {
        $table
            .select(count_star())
            .get_result::<i64>(&mut *$app.connection() as &mut DbConnection)
            .expect("count rows")
    };
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn letter_file(slug: &str, title: &str, addressee: &str, summary: &str) -> String {
    format!(
        "+++\nslug = {}\ntitle = {}\naddressee = {}\nsummary = {}\nstatus = \"open\"\n+++\n\nDear President,\n\nWe write.\n",
        toml_string(slug),
        toml_string(title),
        toml_string(addressee),
        toml_string(summary),
    )
}

fn letter_form<'a>(
    slug: &'a str,
    title: &'a str,
    addressee: &'a str,
    summary: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", slug),
        ("title", title),
        ("addressee", addressee),
        ("summary", summary),
        ("body", "Dear President,\n\nWe write."),
        ("goal", ""),
        ("opens_at", ""),
        ("closes_at", ""),
        ("accepts_individuals", "on"),
    ]
}

async fn letter_texts_refuse_hostile_and_invisible_text_in_the_console_and_on_import(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    for (nasty, says) in NASTY_LINES {
        for field in ["title", "addressee", "summary"] {
            let text = |name: &str, fine: &'static str| if name == field { *nasty } else { fine };
            let (title, addressee, summary) = (
                text("title", "Protect the right to protest"),
                text("addressee", "The President"),
                text("summary", "Veto the bill."),
            );
            let refused = editor
                .post(
                    "/admin/letters",
                    &letter_form("fine-letter", title, addressee, summary),
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "console took {nasty:?} as the {field}"
            );
            assert!(
                refused.body.contains(&format!(r#"id="{field}-error""#)),
                "the {field} is named for {nasty:?}"
            );
            assert!(
                refused.body.contains(says),
                "{nasty:?} as the {field}: says {says:?}"
            );

            let file = app.directory.path().join("letter.md");
            std::fs::write(&file, letter_file("fine-letter", title, addressee, summary))
                .expect("write the letter file");
            let imported = app.cli(&["letters", "import", &file.display().to_string()]);
            assert!(
                !imported.status.success(),
                "import took {nasty:?} as the {field}"
            );
            let stderr = String::from_utf8_lossy(&imported.stderr);
            assert!(
                stderr.contains(&format!("{field}:")) && stderr.contains(says),
                "import names the {field} for {nasty:?}: {stderr}"
            );
        }
    }
    assert_eq!(count!(app, letters::table), 0, "nothing stored");
    assert!(
        !app.audit_actions()
            .iter()
            .any(|action| action.starts_with("letter.")),
        "nothing recorded"
    );
    // Spaces typed around and inside a title are cleaned, as for every other one-line text.
    let created = editor
        .post(
            "/admin/letters",
            &letter_form("fine-letter", "  Protect   the right ", "The President", ""),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let title: String = letters::table
        .select(letters::title)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the letter");
    assert_eq!(title, "Protect the right");
}

async fn translation_texts_refuse_hostile_and_invisible_text(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let path = format!("/admin/letters/{SLUG}/translation");
    for (nasty, says) in NASTY_LINES {
        for field in ["title", "addressee", "summary"] {
            let text = |name: &str, fine: &'static str| if name == field { *nasty } else { fine };
            let refused = editor
                .post(
                    &path,
                    &[
                        ("lang", "fr"),
                        ("title", text("title", "Un avenir partagé")),
                        ("addressee", text("addressee", "Les gouvernements")),
                        ("summary", text("summary", "")),
                        ("body", "Nous écrivons."),
                    ],
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "console took {nasty:?} as the translation's {field}"
            );
            assert!(refused.body.contains(says), "{nasty:?}: says {says:?}");
        }
        // The same words in a translation file.
        let file = app.directory.path().join(format!("{SLUG}.fr.md"));
        std::fs::write(
            &file,
            format!(
                "+++\nslug = \"{SLUG}\"\nlang = \"fr\"\ntitle = {}\naddressee = \"Les gouvernements\"\n+++\n\nNous écrivons.\n",
                toml_string(nasty)
            ),
        )
        .expect("write the translation file");
        let imported = app.cli(&["letters", "import", &file.display().to_string()]);
        assert!(!imported.status.success(), "import took {nasty:?}");
        let stderr = String::from_utf8_lossy(&imported.stderr);
        assert!(stderr.contains("title:"), "{nasty:?}: {stderr}");
    }
    assert_eq!(count!(app, letter_translations::table), 0, "nothing stored");
}

async fn update_subjects_refuse_hostile_text_in_the_console_and_on_the_command_line(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    for (nasty, says) in NASTY_LINES.iter().chain(&[
        ("Thanks\u{7}all", "control characters"),
        ("Thanks\u{2028}all", "one line"),
    ]) {
        let refused = editor
            .post(
                &format!("/admin/letters/{SLUG}/updates"),
                &[("subject", nasty), ("body", "Onwards."), ("save", "1")],
            )
            .await;
        assert!(
            refused.status.is_client_error(),
            "console took the subject {nasty:?}: {}",
            refused.status
        );
        // The message names the problem, except for a NUL, which the form decoder refuses
        // before any field is read.
        let expected = if nasty.contains('\u{0}') { "NUL" } else { says };
        assert!(
            refused.body.contains(expected),
            "{nasty:?}: says {expected:?}"
        );

        let file = app.directory.path().join("update.md");
        std::fs::write(
            &file,
            format!("+++\ntitle = {}\n+++\n\nOnwards.\n", toml_string(nasty)),
        )
        .expect("write the update file");
        let sent = app.cli(&[
            "updates",
            "send",
            SLUG,
            &file.display().to_string(),
            "--yes",
        ]);
        assert!(!sent.status.success(), "the command line took {nasty:?}");
        let stderr = String::from_utf8_lossy(&sent.stderr);
        assert!(stderr.contains(says), "{nasty:?}: {stderr}");
    }
    // A control character in the text is refused too (a NUL never reaches the database).
    for body in ["Onwards\u{1b}[31m.", "Onwards\u{0}."] {
        let refused = editor
            .post(
                &format!("/admin/letters/{SLUG}/updates"),
                &[("subject", "Thank you"), ("body", body), ("save", "1")],
            )
            .await;
        assert!(
            refused.status.is_client_error(),
            "{body:?}: {}",
            refused.status
        );
    }
    assert_eq!(count!(app, updates::table), 0, "nothing stored");
}

async fn delivery_notes_refuse_hostile_text_and_stay_plain_text_in_the_update(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let path = format!("/admin/letters/{SLUG}/delivered");
    let today = chrono::Utc::now().date_naive().to_string();
    for (nasty, says) in NASTY_NOTES {
        let refused = editor
            .post(
                &path,
                &[
                    ("delivered_on", today.as_str()),
                    ("delivered_note", nasty),
                    ("delivered_link", ""),
                ],
            )
            .await;
        assert!(
            refused.status.is_client_error(),
            "took the note {nasty:?}: {}",
            refused.status
        );
        let expected = if nasty.contains('\u{0}') { "NUL" } else { says };
        assert!(
            refused.body.contains(expected),
            "{nasty:?}: says {expected:?}"
        );
    }
    assert_eq!(count!(app, letter_deliveries::table), 0, "nothing stored");

    // A note's Markdown is shown as typed in the update: no live link, no HTML.
    let marked = editor
        .post(
            &path,
            &[
                ("delivered_on", today.as_str()),
                (
                    "delivered_note",
                    "Handed over. [Read the reply](https://evil.example/login) <https://evil.example/> **now**",
                ),
                ("delivered_link", ""),
                ("send_update", "yes"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let html: String = updates::table
        .select(updates::body_html)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the update made from the delivery");
    assert!(!html.contains("href=\"https://evil.example"), "{html}");
    assert!(!html.contains("<strong>"), "{html}");
    assert!(
        html.contains("[Read the reply](https://evil.example/login)"),
        "{html}"
    );
}

async fn post_member(editor: &StaffClient<'_>, name: &str) -> crate::helpers::Response {
    editor
        .post(
            "/admin/members",
            &[("name", name), ("email", "contact@org.example")],
        )
        .await
}

async fn token_member_organization_and_signer_names_refuse_invisible_text(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    for (nasty, says) in NASTY_LINES {
        let token = editor.post("/admin/tokens", &[("name", nasty)]).await;
        assert_eq!(token.status, StatusCode::BAD_REQUEST, "token {nasty:?}");
        assert!(!token.body.contains("Copy it now"), "no token shown");

        let member = post_member(&editor, nasty).await;
        assert_eq!(
            member.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "member {nasty:?}"
        );
        if !nasty.contains(['\u{0}']) {
            let added = app.cli(&["members", "add", nasty, "--email", "contact@org.example"]);
            assert!(!added.status.success(), "command line took {nasty:?}");
        }

        let organization = app
            .sign(
                SLUG,
                &[
                    ("kind", "organization"),
                    ("organization", nasty),
                    ("name", "Grace Hopper"),
                    ("title", "Director"),
                    ("email", "grace@org.example"),
                ],
            )
            .await;
        assert_eq!(
            organization.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "organization {nasty:?}"
        );
        assert!(organization.body.contains(says), "{nasty:?}: says {says:?}");

        let signer = app
            .sign(SLUG, &[("name", nasty), ("email", "ada@example.org")])
            .await;
        assert_eq!(
            signer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "signer {nasty:?}"
        );
        assert!(signer.body.contains(says), "{nasty:?}: says {says:?}");
    }
    assert_eq!(count!(app, api_tokens::table), 0, "no token stored");
    assert_eq!(count!(app, members::table), 0, "no member stored");
    assert_eq!(app.signature_count(), 0, "no signature stored");
    assert_eq!(app.outbox_count(), 0, "no email queued");
}

async fn a_look_alike_organization_is_the_same_organization(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    let sign_on = |organization: &'static str, email: &'static str| {
        let app = &app;
        async move {
            app.sign(
                SLUG,
                &[
                    ("kind", "organization"),
                    ("organization", organization),
                    ("name", "Grace Hopper"),
                    ("title", "Director"),
                    ("email", email),
                ],
            )
            .await
        }
    };
    let first = sign_on("Quiet Org", "grace@quiet.example").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let mail = app.wait_for_mails_to("grace@quiet.example", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK);

    // With a Hangul filler where the space was: refused, so it cannot pass for another.
    let filler = sign_on("Quiet\u{3164}Org", "eve@quiet.example").await;
    assert_eq!(filler.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(filler.body.contains("invisible"), "{}", filler.body);
    // Without the space: the same organization, told so on confirming.
    let squeezed = sign_on("QuietOrg", "alan@quiet.example").await;
    assert_eq!(squeezed.status, StatusCode::SEE_OTHER, "{}", squeezed.body);
    let mail = app.wait_for_mails_to("alan@quiet.example", 1).await;
    let duplicate = app.post_form(&mail[0].link("/verify/"), "").await;
    assert!(
        duplicate
            .body
            .contains("Your organization has already signed"),
        "{}",
        duplicate.body
    );
    let mut states: Vec<String> = app
        .signature_states()
        .into_iter()
        .map(|(_, state)| state)
        .collect();
    states.sort();
    assert_eq!(states, vec!["approved", "duplicate"]);

    // A member stored with a filler before this rule (under the key of the time) is found
    // under its look-alike once the keys are made again.
    diesel::insert_into(members::table)
        .values((
            members::id.eq("legacy-member"),
            members::name.eq("Calm\u{3164}Group"),
            members::name_normalized.eq("calm\u{3164}group"),
            members::email.eq("old@calm.example"),
            members::created_at.eq(chrono::Utc::now().naive_utc()),
            members::code.eq("LEGACYCODE"),
        ))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("store a member as an older release did");
    let clashes =
        undersigned::members::rekey_organization_names(&mut *app.connection() as &mut DbConnection)
            .expect("rekey");
    assert!(clashes.is_empty());
    let editor = app.staff("editor@coalition.test", "editor").await;
    let updated = post_member(&editor, "Calm Group").await;
    assert_eq!(
        updated.location.as_deref(),
        Some("/admin/members?done=updated"),
        "{}",
        updated.body
    );
    assert_eq!(count!(app, members::table), 1);
}

async fn a_nul_anywhere_is_a_client_error_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let signed = app
        .sign(
            SLUG,
            &[("name", "Ada Lovelace"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let updates_before = count!(app, updates::table);
    let signatures_before = count!(app, signatures::table);

    let client_error = |what: &str, status: StatusCode, body: &str| {
        assert!(
            status.is_client_error(),
            "{what}: {status} (a NUL is the client's mistake): {body}"
        );
    };

    let login = app.post_login("editor\u{0}@coalition.test", "x").await;
    client_error("login email", login.status, &login.body);

    for path in [
        format!("/admin/letters/{SLUG}/signatures?q=%00"),
        format!("/admin/letters/{SLUG}/signatures?q=Ada%00"),
        format!("/admin/letters/{SLUG}/signatures/abc%00"),
        format!("/admin/letters/{SLUG}/updates/abc%00"),
        format!("/letters/{SLUG}?via=%00"),
        "/admin/members?q=%00".to_owned(),
    ] {
        let page = editor.get(&path).await;
        client_error(&path, page.status, &page.body);
        assert!(page.body.contains("NUL"), "{path}: says why");
    }

    for (path, fields) in [
        (
            format!("/admin/letters/{SLUG}/moderation"),
            vec![("decision", "approve"), ("id", "abc\u{0}")],
        ),
        (
            format!("/admin/letters/{SLUG}/signatures/abc\u{0}/hide"),
            vec![],
        ),
        (
            format!("/admin/letters/{SLUG}/updates"),
            vec![
                ("subject", "Thanks\u{0}"),
                ("body", "Onwards."),
                ("save", "1"),
            ],
        ),
        (
            format!("/admin/letters/{SLUG}/updates"),
            vec![
                ("subject", "Thanks"),
                ("body", "Onwards\u{0}"),
                ("save", "1"),
            ],
        ),
        (
            format!("/admin/letters/{SLUG}/partners/links"),
            vec![("member", "abc\u{0}")],
        ),
    ] {
        let path = path.replace('\u{0}', "%00");
        let posted = editor.post(&path, &fields).await;
        client_error(&path, posted.status, &posted.body);
    }

    let json = app
        .post_json(
            &format!("/api/v1/letters/{SLUG}/signatures"),
            &serde_json::json!({"name": "Ada\u{0}Lovelace", "email": "nul@example.org"}),
        )
        .await;
    assert_eq!(json.status, StatusCode::BAD_REQUEST, "{}", json.body);
    assert!(json.body.contains("NUL"), "{}", json.body);

    assert_eq!(
        count!(app, updates::table),
        updates_before,
        "no update stored"
    );
    assert_eq!(
        count!(app, signatures::table),
        signatures_before,
        "no signature stored"
    );
}
