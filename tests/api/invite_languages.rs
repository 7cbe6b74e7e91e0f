//! Invites in the language of the member's contact: staff give a member a language (the
//! console's picker, `members add --lang`), its invitation email and invite page are written
//! in it with the letter's translation in it, and the original, where the letter has none,
//! keeps its own language and direction inside the page.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{members, signatures};

use crate::helpers::{Backend, Email, Response, TestApp, encode, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_hebrew_member_is_invited_in_hebrew_with_the_hebrew_text,
    a_french_member_reads_a_french_page_around_the_marked_original,
    the_console_and_the_cli_refuse_a_language_that_is_no_tag,
);

const SLUG: &str = "shared-future";
const HEBREW_TITLE: &str = "עתיד משותף";
const HEBREW_BODY: &str = "אנו כותבים יחד למען עתיד משותף.";

const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nsummary = \"Peace for both peoples.\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";

/// The letter in English with a Hebrew translation, imported as staff do.
fn import_letter(app: &TestApp) {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW).expect("write the Hebrew");
    let file = directory.join("letter.md").display().to_string();
    app.cli_ok(&["letters", "import", &file]);
}

/// Adds the member with `--lang` through the command line, invites it, and returns the
/// invitation it got.
async fn invite(app: &TestApp, member: &str, email: &str, lang: &str) -> Email {
    app.cli_ok(&["members", "add", member, "--email", email, "--lang", lang]);
    let sent = app.cli_ok(&["invites", "send", SLUG, "--member", member]);
    assert!(sent.contains("invite sent"), "{sent}");
    let mails = app.wait_for_mails_to(email, 1).await;
    mails.into_iter().last().expect("an invitation")
}

/// The invite link's secret, from the emailed `/{lang}/letters/{slug}/invite/{token}`.
fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

async fn get_with_language(app: &TestApp, path: &str, accept: &str) -> Response {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("accept-language", accept))
        .send()
        .await
        .expect("GET answered");
    read(response).await
}

/// The value of the hidden field `name` in the page's form.
fn hidden(body: &str, name: &str) -> String {
    body.split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

async fn a_hebrew_member_is_invited_in_hebrew_with_the_hebrew_text(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let mail = invite(&app, "Neve Shalom", "contact@nsws.example", "he").await;

    // The email: Hebrew frame, the Hebrew title and addressee, a link that names Hebrew.
    assert!(mail.subject.contains(HEBREW_TITLE), "{}", mail.subject);
    assert!(!mail.subject.contains("Invitation"), "{}", mail.subject);
    assert!(
        mail.html.contains(r#"<html lang="he" dir="rtl">"#),
        "{}",
        mail.html
    );
    assert!(
        mail.html
            .contains(&format!(r#"<bdi lang="he" dir="rtl">{HEBREW_TITLE}</bdi>"#)),
        "{}",
        mail.html
    );
    assert!(mail.text.contains("הממשלות"), "{}", mail.text);
    assert!(!mail.text.contains("A shared future"), "{}", mail.text);
    assert!(!mail.text.contains("is invited"), "{}", mail.text);
    let link = mail.link(&format!("/he/letters/{SLUG}/invite/"));

    // The page without the address's language, from an English browser: the member's
    // Hebrew, text and interface.
    let plain = format!("/letters/{SLUG}/invite/{}", token_of(&link));
    let page = get_with_language(&app, &plain, "en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(r#"<html lang="he" dir="rtl">"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!(r#"<h1 lang="he" dir="rtl">{HEBREW_TITLE}</h1>"#)),
        "{}",
        page.body
    );
    assert!(page.body.contains(HEBREW_BODY));
    assert!(!page.body.contains("We write together"));
    assert!(page.body.contains("חתימה בשם Neve Shalom"), "{}", page.body);

    // The emailed address itself, and the form posted from it: Hebrew to the end, and the
    // signature records the Hebrew text.
    let page = get_with_language(&app, &link, "en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(HEBREW_BODY));
    let action = page.form_action("/invite/");
    assert!(action.starts_with("/he/letters/"), "{action}");
    let signed = app
        .post_form_raw(
            &action,
            encode(&[
                ("name", "Nadia"),
                ("public", "on"),
                ("lang", &hidden(&page.body, "lang")),
                ("t", &hidden(&page.body, "t")),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(
        signed.body.contains(r#"<html lang="he" dir="rtl">"#),
        "{}",
        signed.body
    );
    let recorded: Option<String> = signatures::table
        .select(signatures::lang)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");
    assert_eq!(recorded.as_deref(), Some("he"));
    let mails = app.wait_for_mails_to("contact@nsws.example", 2).await;
    assert!(
        mails[1].subject.contains(HEBREW_TITLE),
        "{}",
        mails[1].subject
    );
    // Its links open Hebrew pages too, whatever the contact's browser says.
    let (lang, withdraw) = mails[1].link_in_language("/withdraw/");
    assert_eq!(lang.as_deref(), Some("he"), "{withdraw}");

    // Staff see the member's language.
    let status = app.cli_ok(&["invites", "status", SLUG]);
    let line = status
        .lines()
        .find(|line| line.starts_with("Neve Shalom"))
        .unwrap_or_else(|| panic!("the member in {status}"));
    assert!(line.contains(" he "), "{line}");
}

async fn a_french_member_reads_a_french_page_around_the_marked_original(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let mail = invite(&app, "Les Amis", "contact@amis.example", "fr").await;

    // No French text: the French frame around the English title, marked as English.
    assert!(
        mail.subject.contains("Invitation à signer"),
        "{}",
        mail.subject
    );
    assert!(mail.subject.contains("A shared future"), "{}", mail.subject);
    assert!(
        mail.html.contains(r#"<html lang="fr" dir="ltr">"#),
        "{}",
        mail.html
    );
    assert!(
        mail.html
            .contains(r#"<bdi lang="en" dir="ltr">A shared future</bdi>"#),
        "{}",
        mail.html
    );
    let link = mail.link(&format!("/fr/letters/{SLUG}/invite/"));
    let plain = format!("/letters/{SLUG}/invite/{}", token_of(&link));

    for path in [plain.as_str(), link.as_str()] {
        let page = get_with_language(&app, path, "he, en;q=0.5").await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(
            page.body.contains(r#"<html lang="fr" dir="ltr">"#),
            "{path}: {}",
            page.body
        );
        assert!(
            page.body.contains("Signer au nom de Les Amis"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains(r#"<h1 lang="en" dir="ltr">A shared future</h1>"#),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains(r#"<div class="body" lang="en" dir="ltr">"#),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains(r#"<bdi lang="en" dir="ltr">the governments</bdi>"#),
            "{}",
            page.body
        );
    }

    // An Arabic member on the same letter: the bug as reported, an English original in a
    // right-to-left page, now carries its own direction.
    let mail = invite(&app, "Jusur", "contact@jusur.example", "ar").await;
    assert!(
        mail.html.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        mail.html
    );
    let token = token_of(&mail.link(&format!("/ar/letters/{SLUG}/invite/")));
    let page = get_with_language(&app, &format!("/letters/{SLUG}/invite/{token}"), "en").await;
    assert!(
        page.body.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<h1 lang="en" dir="ltr">A shared future</h1>"#),
        "{}",
        page.body
    );
}

fn member_count(app: &TestApp) -> i64 {
    members::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count members")
}

async fn the_console_and_the_cli_refuse_a_language_that_is_no_tag(backend: Backend) {
    let app = spawn_app(backend).await;
    for typed in ["hebrew", "abcde"] {
        let refused = app.cli(&[
            "members",
            "add",
            "Free Text Org",
            "--email",
            "free@org.example",
            "--lang",
            typed,
        ]);
        assert!(!refused.status.success(), "--lang {typed} was taken");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&refused.stdout),
            String::from_utf8_lossy(&refused.stderr)
        );
        assert!(said.contains(typed) && said.contains("language"), "{said}");
    }
    assert_eq!(member_count(&app), 0, "nothing stored");

    let editor = app.staff("editor@coalition.test", "editor").await;
    let roster = editor.get("/admin/members").await;
    assert!(
        roster
            .body
            .contains(r#"<label for="member-lang">Language of the contact</label>"#),
        "{}",
        roster.body
    );
    assert!(
        roster
            .body
            .contains(r#"<option value="he" lang="he" dir="rtl">עברית</option>"#),
        "{}",
        roster.body
    );
    for typed in ["hebrew", "abcde"] {
        let refused = editor
            .post(
                "/admin/members",
                &[
                    ("name", "Free Text Org"),
                    ("email", "free@org.example"),
                    ("lang", typed),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(
            refused.body.contains("language from the list"),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("free@org.example"),
            "the form keeps what was typed"
        );
    }
    assert_eq!(member_count(&app), 0, "nothing stored");

    let added = editor
        .post(
            "/admin/members",
            &[
                ("name", "Picked Org"),
                ("email", "picked@org.example"),
                ("lang", "he"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let roster = editor.get("/admin/members").await;
    assert!(
        roster.body.contains(r#"<span lang="he">עברית</span>"#),
        "{}",
        roster.body
    );
    let listed = app.cli_ok(&["members", "list"]);
    let line = listed
        .lines()
        .find(|line| line.contains("Picked Org"))
        .unwrap_or_else(|| panic!("listed: {listed}"));
    assert!(line.contains(" he "), "{line}");
}
