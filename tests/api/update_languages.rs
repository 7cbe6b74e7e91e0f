//! Updates in the languages of their letter: written once (in the letter's original, English
//! here) with a Hebrew version beside it, from the console or as `update.md` with
//! `update.he.md` on the command line. A Hebrew signer gets all of it in Hebrew (subject,
//! body, title, frame), an English signer all in English; a version in a language the letter
//! lacks is refused with nothing stored; the console's preview and the letter page's timeline
//! show each language.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, update_translations, updates};

use crate::helpers::{Backend, Email, PUBLIC_URL, TestApp, encode, form_time_in, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_hebrew_version_written_in_the_console_reaches_hebrew_signers_in_hebrew,
    updates_send_reads_the_hebrew_file_beside_the_update,
    a_version_in_a_language_the_letter_lacks_is_refused_and_nothing_is_stored,
    the_delivery_in_the_timeline_is_in_the_pages_language,
);

const SLUG: &str = "shared-future";
const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW_LETTER: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";
const ARABIC_LETTER: &str = "+++\ntitle = \"مستقبل مشترك\"\naddressee = \"الحكومات\"\n+++\n\nنكتب معًا من أجل مستقبل مشترك.\n";

const SUBJECT: &str = "We met the ministers";
const BODY: &str = "Thank you **all**: the letter was read aloud.";
const HEBREW_SUBJECT: &str = "נפגשנו עם השרים";
const HEBREW_BODY: &str = "תודה **לכולם**: המכתב הוקרא בקול.";
/// The Hebrew catalog's "why you get this" (locales/he/email.ftl, `update-why`).
const HEBREW_WHY: &str = "ההודעה נשלחה אליכם כי חתמתם על המכתב";
const ENGLISH_WHY: &str = "You get this because you signed the letter";

const NOA: &str = "noa@example.org";
const ADA: &str = "ada@example.org";

/// The letter in English with Hebrew and Arabic translations, and two opted-in signers: Noa
/// signed the Hebrew text, Ada the English one.
async fn letter_with_two_signers(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW_LETTER).expect("write the Hebrew");
    std::fs::write(directory.join("letter.ar.md"), ARABIC_LETTER).expect("write the Arabic");
    let file = directory.join("letter.md").display().to_string();
    app.cli_ok(&["letters", "import", &file]);
    sign_on_page(&app, &format!("/he/letters/{SLUG}"), "Noa", NOA).await;
    sign_on_page(&app, &format!("/letters/{SLUG}"), "Ada", ADA).await;
    app
}

/// Signs with the page's own hidden fields (its language and time stamp), asks for updates,
/// and confirms through the emailed link (wherever its language puts it).
async fn sign_on_page(app: &TestApp, page_path: &str, name: &str, email: &str) {
    let page = app.get(page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let lang = page
        .body
        .split(r#"name="lang" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let response = app
        .post_form_raw(
            &format!("/letters/{SLUG}/sign"),
            encode(&[
                ("name", name),
                ("email", email),
                ("updates", "on"),
                ("lang", &lang),
                ("t", &form_time_in(&page.body)),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("a confirmation email");
    let link = mail
        .text
        .split_whitespace()
        .find(|word| word.starts_with(PUBLIC_URL) && word.contains("/verify/"))
        .unwrap_or_else(|| panic!("a verify link in {}", mail.text));
    let confirmed = app.post_form(&link[PUBLIC_URL.len()..], "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

/// The update email to `address` (its second email, after the confirmation).
async fn update_mail_to(app: &TestApp, address: &str) -> Email {
    let mails = app.wait_for_mails_to(address, 2).await;
    assert_eq!(mails.len(), 2, "one update to {address}");
    mails.into_iter().last().expect("the update")
}

fn assert_all_hebrew(mail: &Email) {
    assert_eq!(
        mail.subject, HEBREW_SUBJECT,
        "the subject is the Hebrew one"
    );
    assert!(mail.text.contains("תודה **לכולם**"), "{}", mail.text);
    assert!(
        mail.html.contains("תודה <strong>לכולם</strong>"),
        "{}",
        mail.html
    );
    assert!(
        mail.html.contains(r#"<html lang="he" dir="rtl">"#),
        "{}",
        mail.html
    );
    assert!(
        mail.html.contains(r#"lang="he" dir="rtl"><p>תודה"#),
        "{}",
        mail.html
    );
    for part in [&mail.text, &mail.html] {
        assert!(part.contains(HEBREW_WHY), "the frame is Hebrew: {part}");
        assert!(
            part.contains("עתיד משותף"),
            "the letter's Hebrew title: {part}"
        );
        assert!(part.contains("הממשלות"), "the Hebrew addressee: {part}");
        assert!(
            part.contains(&format!("{PUBLIC_URL}/he/letters/{SLUG}")),
            "the link leads to the Hebrew text: {part}"
        );
        for english in [
            SUBJECT,
            "Thank you",
            ENGLISH_WHY,
            "A shared future",
            "governments",
        ] {
            assert!(!part.contains(english), "no {english:?} in {part}");
        }
    }
}

fn assert_all_english(mail: &Email) {
    assert_eq!(mail.subject, SUBJECT);
    assert!(
        mail.html.contains(r#"<html lang="en" dir="ltr">"#),
        "{}",
        mail.html
    );
    for part in [&mail.text, &mail.html] {
        assert!(part.contains("Thank you"), "{part}");
        assert!(part.contains(ENGLISH_WHY), "{part}");
        assert!(part.contains("A shared future"), "{part}");
        for hebrew in [HEBREW_SUBJECT, "תודה", HEBREW_WHY, "עתיד משותף"] {
            assert!(!part.contains(hebrew), "no {hebrew:?} in {part}");
        }
    }
}

/// The page at `path` once it shows `needle`: a change made by another process (the command
/// line) reaches the page's snapshot within a moment.
async fn page_showing(app: &TestApp, path: &str, needle: &str) -> crate::helpers::Response {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        if page.body.contains(needle) {
            return page;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} never showed {needle:?}: {}",
            page.body
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn stored(app: &TestApp) -> (i64, i64, i64) {
    let connection = &mut *app.connection() as &mut DbConnection;
    let updates: i64 = updates::table
        .count()
        .get_result(connection)
        .expect("count updates");
    let versions: i64 = update_translations::table
        .count()
        .get_result(connection)
        .expect("count versions");
    let messages: i64 = outbox::table
        .filter(outbox::update_id.is_not_null())
        .count()
        .get_result(connection)
        .expect("count update messages");
    (updates, versions, messages)
}

async fn a_hebrew_version_written_in_the_console_reaches_hebrew_signers_in_hebrew(
    backend: Backend,
) {
    let app = letter_with_two_signers(backend).await;
    let staff = app.staff("editor@example.org", "editor").await;
    let saved = staff
        .post(
            &format!("/admin/letters/{SLUG}/updates"),
            &[("subject", SUBJECT), ("body", BODY), ("save", "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let update_path = saved.location.expect("the update's page");

    // The draft's page offers a form per language of the letter, each field in its
    // language and direction.
    let draft = staff.get(&update_path).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    for field in [
        r#"id="subject-he" name="subject" type="text" maxlength="200" required lang="he" dir="rtl""#,
        r#"id="body-he" name="body" class="markdown" rows="10" required lang="he" dir="rtl""#,
        r#"id="subject-ar" name="subject" type="text" maxlength="200" required lang="ar" dir="rtl""#,
    ] {
        assert!(draft.body.contains(field), "{field}: {}", draft.body);
    }
    let versions_path = format!("{update_path}/versions");
    let hebrew = staff
        .post(
            &versions_path,
            &[
                ("lang", "he"),
                ("subject", HEBREW_SUBJECT),
                ("body", HEBREW_BODY),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(hebrew.status, StatusCode::SEE_OTHER, "{}", hebrew.body);
    // A language the letter lacks is refused on the page, with the typed text kept.
    let french = staff
        .post(
            &versions_path,
            &[
                ("lang", "fr"),
                ("subject", "Nous avons vu les ministres"),
                ("body", "Merci."),
                ("save", "1"),
            ],
        )
        .await;
    assert!(
        french.status.is_client_error(),
        "{}: {}",
        french.status,
        french.body
    );
    assert!(french.body.contains("no text in fr"), "{}", french.body);
    assert_eq!(stored(&app).1, 1, "only the Hebrew version is stored");

    // The preview shows the original and the Hebrew version, each marked with its language.
    let preview = staff.get(&update_path).await;
    assert!(
        preview
            .body
            .contains(r#"<div class="preview" lang="en" dir="ltr">"#),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("Thank you <strong>all</strong>"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains(r#"<div class="preview" lang="he" dir="rtl">"#),
        "{}",
        preview.body
    );
    assert!(preview.body.contains(HEBREW_SUBJECT), "{}", preview.body);
    assert!(
        preview.body.contains("תודה <strong>לכולם</strong>"),
        "{}",
        preview.body
    );
    let list = staff.get(&format!("/admin/letters/{SLUG}/updates")).await;
    assert!(list.body.contains("(also in he)"), "{}", list.body);
    let question = staff.get(&format!("{update_path}/send")).await;
    assert!(question.body.contains(HEBREW_SUBJECT), "{}", question.body);
    assert!(question.body.contains(SUBJECT), "{}", question.body);

    let sent = staff.post(&format!("{update_path}/send"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let hebrew_mail = update_mail_to(&app, NOA).await;
    assert_all_hebrew(&hebrew_mail);
    assert_all_english(&update_mail_to(&app, ADA).await);
    // Its unsubscribe link opens a Hebrew page about the Hebrew text, whose button keeps
    // the language.
    let unsubscribe = app.get(&hebrew_mail.link("/he/unsubscribe/")).await;
    assert_eq!(unsubscribe.status, StatusCode::OK, "{}", unsubscribe.body);
    assert!(
        unsubscribe.body.contains("עתיד משותף"),
        "{}",
        unsubscribe.body
    );
    assert!(
        !unsubscribe.body.contains("A shared future"),
        "{}",
        unsubscribe.body
    );
    assert!(
        unsubscribe.body.contains(r#"action="/he/unsubscribe/"#),
        "{}",
        unsubscribe.body
    );

    // The one-click address in its headers is the same: it unsubscribes, answered in Hebrew.
    let one_click = app
        .post_form(
            &hebrew_mail.link("/he/unsubscribe/"),
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(one_click.status, StatusCode::OK, "{}", one_click.body);
    assert!(one_click.body.contains("עתיד משותף"), "{}", one_click.body);
    assert!(
        one_click.body.contains(r#"lang="he""#),
        "{}",
        one_click.body
    );

    // Sent, its versions no longer change.
    let late = staff
        .post(
            &versions_path,
            &[
                ("lang", "he"),
                ("subject", "שינוי"),
                ("body", "שינוי"),
                ("save", "1"),
            ],
        )
        .await;
    assert!(late.status.is_client_error(), "{}", late.status);

    // The letter page's timeline: the Hebrew version on the Hebrew page, the original on
    // the English one and on the Arabic one (no Arabic version), marked as English there.
    let hebrew_page = page_showing(&app, &format!("/he/letters/{SLUG}"), HEBREW_SUBJECT).await;
    assert!(
        hebrew_page.body.contains(HEBREW_SUBJECT),
        "{}",
        hebrew_page.body
    );
    assert!(!hebrew_page.body.contains(SUBJECT), "{}", hebrew_page.body);
    let english_page = page_showing(&app, &format!("/letters/{SLUG}"), SUBJECT).await;
    assert!(!english_page.body.contains(HEBREW_SUBJECT));
    let arabic_page = page_showing(&app, &format!("/ar/letters/{SLUG}"), SUBJECT).await;
    assert!(
        arabic_page.body.contains(&format!(
            r#"<article lang="en" dir="ltr"><h3>{SUBJECT}</h3>"#
        )),
        "{}",
        arabic_page.body
    );
}

async fn updates_send_reads_the_hebrew_file_beside_the_update(backend: Backend) {
    let app = letter_with_two_signers(backend).await;
    let directory = app.directory.path();
    std::fs::write(
        directory.join("update.md"),
        format!("+++\ntitle = \"{SUBJECT}\"\n+++\n\n{BODY}\n"),
    )
    .expect("write the update");
    std::fs::write(
        directory.join("update.he.md"),
        format!("+++\ntitle = \"{HEBREW_SUBJECT}\"\n+++\n\n{HEBREW_BODY}\n"),
    )
    .expect("write the Hebrew version");
    let file = directory.join("update.md").display().to_string();
    let printed = app.cli_ok(&["updates", "send", SLUG, &file, "--yes"]);
    assert!(printed.contains("2 message(s) queued"), "{printed}");
    assert_eq!(stored(&app).1, 1, "the Hebrew version is stored");
    assert_all_hebrew(&update_mail_to(&app, NOA).await);
    assert_all_english(&update_mail_to(&app, ADA).await);
}

async fn a_version_in_a_language_the_letter_lacks_is_refused_and_nothing_is_stored(
    backend: Backend,
) {
    let app = letter_with_two_signers(backend).await;
    let directory = app.directory.path();
    std::fs::write(
        directory.join("update.md"),
        format!("+++\ntitle = \"{SUBJECT}\"\n+++\n\n{BODY}\n"),
    )
    .expect("write the update");
    std::fs::write(
        directory.join("update.he.md"),
        format!("+++\ntitle = \"{HEBREW_SUBJECT}\"\n+++\n\n{HEBREW_BODY}\n"),
    )
    .expect("write the Hebrew version");
    let file = directory.join("update.md").display().to_string();
    for (name, says) in [
        ("update.fr.md", "no text in fr"),
        ("update.abcde.md", "not a language a letter can be read in"),
    ] {
        let beside = directory.join(name);
        std::fs::write(&beside, "+++\ntitle = \"Version\"\n+++\n\nText.\n").expect("write");
        let refused = app.cli(&["updates", "send", SLUG, &file, "--yes"]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name} is named: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert_eq!(stored(&app), (0, 0, 0), "{name}: nothing is stored");
        std::fs::remove_file(&beside).expect("remove");
    }
    // The original's language is the update itself, not a version of it.
    let beside = directory.join("update.en.md");
    std::fs::write(&beside, "+++\ntitle = \"Again\"\n+++\n\nText.\n").expect("write");
    let refused = app.cli(&["updates", "send", SLUG, &file, "--yes"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("the letter's own language"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(stored(&app), (0, 0, 0));
    assert_eq!(app.mails().len(), 2, "only the two confirmations went out");
}

async fn the_delivery_in_the_timeline_is_in_the_pages_language(backend: Backend) {
    let app = letter_with_two_signers(backend).await;
    let on = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    app.cli_ok(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        &on,
        "--note",
        "Handed over.",
        "--send-update",
        "--yes",
    ]);
    // Sent as an update, it reaches each signer in the language they signed in.
    let hebrew_mail = update_mail_to(&app, NOA).await;
    assert_eq!(hebrew_mail.subject, "נמסר אל הממשלות");
    assert!(
        hebrew_mail.text.contains("נמסר אל הממשלות ב־"),
        "{}",
        hebrew_mail.text
    );
    assert!(
        hebrew_mail.text.contains("Handed over."),
        "the note as typed"
    );
    assert!(hebrew_mail.html.contains(r#"<html lang="he" dir="rtl">"#));
    let english_mail = update_mail_to(&app, ADA).await;
    assert_eq!(english_mail.subject, "Delivered to the governments");
    let hebrew = page_showing(&app, &format!("/he/letters/{SLUG}"), "נמסר אל").await;
    assert!(
        hebrew
            .body
            .contains(r#"<article lang="he" dir="rtl"><h3>נמסר אל"#),
        "{}",
        hebrew.body
    );
    assert!(hebrew.body.contains("הממשלות"), "{}", hebrew.body);
    assert!(!hebrew.body.contains("Delivered to"), "{}", hebrew.body);
    let arabic = page_showing(&app, &format!("/ar/letters/{SLUG}"), "سُلّمت إلى").await;
    assert!(arabic.body.contains("الحكومات"), "{}", arabic.body);
    page_showing(
        &app,
        &format!("/letters/{SLUG}"),
        "Delivered to the governments",
    )
    .await;
}
