//! Languages as staff set them and as the console shows them: the
//! translation's and a new letter's language are picked from the known languages (free text
//! such as "Hebrew" is refused and nothing is stored), `letters import` refuses a tag no
//! address reaches, and the print view prints each language of the letter. (`/privacy` in the
//! reader's language: `privacy_notice.rs`.)

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letter_translations, letters};

use crate::helpers::{Backend, StaffClient, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_console_refuses_a_free_text_language_and_a_picked_one_has_an_address,
    a_new_letter_written_in_hebrew_is_a_hebrew_page,
    import_refuses_a_language_no_address_reaches_and_stores_nothing,
    the_print_view_prints_each_language_of_the_letter,
);

const SLUG: &str = "shared-future";
const HEBREW_TITLE: &str = "עתיד משותף";
const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";
const ARABIC: &str = "+++\ntitle = \"مستقبل مشترك\"\naddressee = \"الحكومات\"\n+++\n\nنكتب معًا من أجل مستقبل مشترك.\n";

/// Imports `letter.md` with the translations given as (language, file text) beside it.
fn import(app: &TestApp, translations: &[(&str, &str)]) -> std::process::Output {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    for (lang, text) in translations {
        std::fs::write(directory.join(format!("letter.{lang}.md")), text).expect("write");
    }
    let file = directory.join("letter.md").display().to_string();
    app.cli(&["letters", "import", &file])
}

fn count_letters(app: &TestApp) -> i64 {
    letters::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count letters")
}

fn count_translations(app: &TestApp) -> i64 {
    letter_translations::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count translations")
}

/// Posts a console form with the CSRF token in its body, as the console's own forms do.
async fn post_form(
    staff: &StaffClient<'_>,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Response {
    let mut all = fields.to_vec();
    all.push(("csrf", &staff.csrf));
    staff.post_without_csrf(path, &all).await
}

async fn the_console_refuses_a_free_text_language_and_a_picked_one_has_an_address(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let imported = import(&app, &[]);
    assert!(imported.status.success(), "{imported:?}");
    let editor = app.staff("editor@example.org", "editor").await;
    let path = format!("/admin/letters/{SLUG}/translation");

    // A picker of languages in their own names, without the original's.
    let form = editor.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body
            .contains(r#"<select id="lang" name="lang" required"#)
    );
    assert!(
        form.body
            .contains(r#"<option value="he" lang="he" dir="rtl">עברית</option>"#),
        "{}",
        form.body
    );
    assert!(
        form.body
            .contains(r#"<option value="ar" lang="ar" dir="rtl">العربية</option>"#)
    );
    assert!(!form.body.contains(r#"<option value="en""#));
    // No language chosen yet: the text fields follow what is typed.
    assert!(
        form.body.contains(
            r#"<textarea id="body" name="body" class="markdown" rows="18" required dir="auto""#
        ),
        "{}",
        form.body
    );

    // Free text, an unknown tag and a tag no address reaches are refused; nothing is stored.
    for typed in ["Hebrew", "hebrew", "abcde", "xx"] {
        let refused = post_form(
            &editor,
            &path,
            &[
                ("lang", typed),
                ("title", HEBREW_TITLE),
                ("addressee", "הממשלות"),
                ("body", "אנו כותבים."),
            ],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(refused.body.contains("There is a problem"), "{typed}");
        assert!(
            refused
                .body
                .contains(r##"<a href="#lang">Choose the language from the list.</a>"##),
            "{typed}: {}",
            refused.body
        );
        assert!(refused.body.contains("Nothing was saved"), "{typed}");
    }
    assert_eq!(count_translations(&app), 0);

    // Picked as he: the Hebrew address reaches it.
    let saved = post_form(
        &editor,
        &path,
        &[
            ("lang", "he"),
            ("title", HEBREW_TITLE),
            ("addressee", "הממשלות"),
            ("body", "אנו כותבים יחד למען עתיד משותף."),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(&format!("/he/letters/{SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(HEBREW_TITLE), "{}", page.body);
    assert!(
        page.body
            .contains(r#"<div class="body" lang="he" dir="rtl">"#)
    );

    // Its editor shows the language by name, its fields right to left; a new translation
    // is no longer offered in Hebrew.
    let edit = editor.get(&format!("{path}?lang=he")).await;
    assert!(
        edit.body
            .contains(r#"<input type="hidden" name="lang" value="he">"#)
    );
    assert!(
        edit.body
            .contains(r#"<input id="title" name="title" type="text" maxlength="300" required lang="he" dir="rtl""#),
        "{}",
        edit.body
    );
    assert!(
        edit.body
            .contains(r#"<span lang="he" dir="rtl">עברית</span>"#)
    );
    let another = editor.get(&path).await;
    assert!(!another.body.contains(r#"<option value="he""#));
}

async fn a_new_letter_written_in_hebrew_is_a_hebrew_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@example.org", "editor").await;

    // The form asks for the original language, English unless changed.
    let form = editor.get("/admin/letters/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"<label for="lang">Original language"#));
    assert!(
        form.body
            .contains(r#"<option value="en" lang="en" dir="ltr" selected>English</option>"#),
        "{}",
        form.body
    );
    assert!(
        form.body
            .contains(r#"<option value="he" lang="he" dir="rtl">עברית</option>"#)
    );

    let letter = |lang: &'static str| {
        [
            ("slug", "hebrew-first"),
            ("lang", lang),
            ("title", "מכתב לשלום"),
            ("addressee", "הממשלה"),
            ("body", "אנו כותבים בעברית."),
            ("accepts_individuals", "on"),
        ]
    };
    let refused = post_form(&editor, "/admin/letters", &letter("Hebrew")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose the language from the list."));
    assert_eq!(count_letters(&app), 0);

    let saved = post_form(&editor, "/admin/letters", &letter("he")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let opened = post_form(
        &editor,
        "/admin/letters/hebrew-first/state",
        &[("to", "open"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);

    let page = app.get("/letters/hebrew-first").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(r#"<div class="body" lang="he" dir="rtl">"#),
        "{}",
        page.body
    );
    assert!(page.body.contains("אנו כותבים בעברית."));

    // The editor shows the letter's language, its text fields right to left.
    let edit = editor.get("/admin/letters/hebrew-first/edit").await;
    assert!(
        edit.body
            .contains(r#"<span lang="he" dir="rtl">עברית</span>"#),
        "{}",
        edit.body
    );
    assert!(
        edit.body
            .contains(r#"<input id="title" name="title" type="text" lang="he" dir="rtl""#)
    );
    assert!(edit.body.contains(
        r#"<textarea id="body" name="body" class="markdown" rows="18" required lang="he" dir="rtl""#
    ));
}

async fn import_refuses_a_language_no_address_reaches_and_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let refused = import(&app, &[("he", HEBREW), ("abcde", ARABIC)]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("letter.abcde.md") && said.contains("abcde cannot be"),
        "{said}"
    );
    assert_eq!((count_letters(&app), count_translations(&app)), (0, 0));
    std::fs::remove_file(app.directory.path().join("letter.abcde.md")).expect("remove");

    // Named in the front matter, of the letter or of a translation.
    let file = app.directory.path().join("abcde.md");
    std::fs::write(&file, ORIGINAL.replace("lang = \"en\"", "lang = \"abcde\"")).expect("write");
    let refused = app.cli(&["letters", "import", &file.display().to_string()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("abcde cannot be"),
        "{refused:?}"
    );
    assert_eq!(count_letters(&app), 0);

    let imported = import(&app, &[("he", HEBREW)]);
    assert!(imported.status.success(), "{imported:?}");
    std::fs::write(
        &file,
        format!("+++\nslug = \"{SLUG}\"\nlang = \"abcde\"\ntitle = \"T\"\naddressee = \"A\"\n+++\n\nText.\n"),
    )
    .expect("write");
    let refused = app.cli(&["letters", "import", &file.display().to_string()]);
    assert!(!refused.status.success());
    assert_eq!(count_translations(&app), 1);
}

async fn the_print_view_prints_each_language_of_the_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    let imported = import(&app, &[("he", HEBREW), ("ar", ARABIC)]);
    assert!(imported.status.success(), "{imported:?}");
    let viewer = app.staff("viewer@example.org", "viewer").await;
    let path = format!("/admin/letters/{SLUG}/print");

    let original = viewer.get(&path).await;
    assert_eq!(original.status, StatusCode::OK);
    assert!(
        original.body.contains(r#"<html lang="en" dir="ltr">"#),
        "{}",
        original.body
    );
    assert!(original.body.contains("We write together"));
    assert!(original.body.contains(&format!(
        r#"<a href="{path}?lang=he" hreflang="he" lang="he" dir="rtl">עברית</a>"#
    )));

    for asked in ["he", "he-IL"] {
        let hebrew = viewer.get(&format!("{path}?lang={asked}")).await;
        assert_eq!(hebrew.status, StatusCode::OK);
        let body = &hebrew.body;
        assert!(
            body.contains(r#"<html lang="he" dir="rtl">"#),
            "{asked}: {body}"
        );
        assert!(
            body.contains(&format!("<title>Print · {HEBREW_TITLE}")),
            "{body}"
        );
        assert!(body.contains(&format!("<h1>{HEBREW_TITLE}</h1>")), "{body}");
        assert!(
            body.contains("אל הממשלות"),
            "the addressee, in Hebrew: {body}"
        );
        assert!(body.contains("אנו כותבים יחד"));
        assert!(
            body.contains(r#"<h2 id="signatories-heading">החותמים</h2>"#),
            "{body}"
        );
        assert!(!body.contains("We write together") && !body.contains("The governments"));
        // The console's own words stay English, marked as such.
        assert!(body.contains(r#"<header class="site" lang="en" dir="ltr">"#));
    }
    // A language the letter is not in prints the original.
    let german = viewer.get(&format!("{path}?lang=de")).await;
    assert!(german.body.contains(r#"<html lang="en" dir="ltr">"#));
}
