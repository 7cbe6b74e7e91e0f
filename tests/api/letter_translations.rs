//! One letter in several languages with one pool of signatures: an English original with
//! Hebrew and Arabic translations, imported from `letter.md`, `letter.he.md` and
//! `letter.ar.md`; each page in its language, each signature recording the text it was
//! given.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letter_translations, letter_versions, letters};

use crate::helpers::{Backend, TestApp, encode, form_time_in, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    translations_are_imported_and_each_address_shows_its_language,
    signatures_record_the_text_read_and_are_counted_together,
    a_forged_language_signs_the_original_and_is_never_echoed,
    reimporting_a_changed_translation_versions_that_language_only,
    bad_translations_are_refused_by_import_and_nothing_is_stored,
    the_console_edits_a_translation_beside_its_original,
    an_organization_that_signed_in_hebrew_hears_back_in_hebrew,
    an_update_without_a_version_in_a_language_reaches_its_signers_in_the_original,
    two_editors_adding_the_same_language_at_once_both_succeed,
);

const SLUG: &str = "shared-future";
const HEBREW_TITLE: &str = "עתיד משותף";
const ARABIC_TITLE: &str = "مستقبل مشترك";

const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nsummary = \"Peace for both peoples.\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";
const ARABIC: &str = "+++\ntitle = \"مستقبل مشترك\"\naddressee = \"الحكومات\"\n+++\n\nنكتب معًا من أجل مستقبل مشترك.\n";

/// Writes the three files into the app's directory and imports `letter.md`.
fn import_letter(app: &TestApp) -> (std::path::PathBuf, String) {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW).expect("write the Hebrew");
    std::fs::write(directory.join("letter.ar.md"), ARABIC).expect("write the Arabic");
    let file = directory.join("letter.md");
    let printed = app.cli_ok(&["letters", "import", &file.display().to_string()]);
    (file, printed)
}

async fn get_with_language(app: &TestApp, path: &str, accept: &str) -> crate::helpers::Response {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("accept-language", accept))
        .send()
        .await
        .expect("GET answered");
    read(response).await
}

/// The value of the hidden field `name` in the page's sign form.
fn hidden(body: &str, name: &str) -> String {
    body.split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// Signs on the page at `page_path` with its own hidden fields (language and time stamp) and
/// confirms through the emailed link.
async fn sign_on_page(app: &TestApp, page_path: &str, name: &str, email: &str) {
    let page = app.get(page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let lang = hidden(&page.body, "lang");
    let t = form_time_in(&page.body);
    let response = app
        .post_form_raw(
            &format!("/letters/{SLUG}/sign"),
            encode(&[
                ("name", name),
                ("email", email),
                ("public", "on"),
                // Asking for updates keeps the address, which the export is read by.
                ("updates", "on"),
                ("lang", &lang),
                ("t", &t),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    confirm(app, email).await;
}

async fn confirm(app: &TestApp, email: &str) {
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

/// The staff export (JSON, through the command line), one object per signature.
fn export(app: &TestApp) -> Vec<serde_json::Value> {
    let printed = app.cli_ok(&["export", SLUG, "--format", "json"]);
    serde_json::from_str(&printed).expect("the export is JSON")
}

fn row_of<'a>(rows: &'a [serde_json::Value], email: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|row| row["email"] == email)
        .unwrap_or_else(|| panic!("{email} is in the export: {rows:?}"))
}

/// The current hash of the letter's text in `lang`, as the public API gives it.
async fn hash_in(app: &TestApp, lang: &str) -> String {
    let detail = app
        .get(&format!("/api/v1/letters/{SLUG}?lang={lang}"))
        .await;
    let json: serde_json::Value = serde_json::from_str(&detail.body).expect("JSON");
    assert_eq!(json["lang"], lang, "{json}");
    json["content_hash"].as_str().expect("a hash").to_owned()
}

fn version_count(app: &TestApp, lang: &str) -> i64 {
    letter_versions::table
        .inner_join(letters::table)
        .filter(letters::slug.eq(SLUG))
        .filter(letter_versions::lang.eq(lang))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count versions")
}

fn translation_count(app: &TestApp) -> i64 {
    letter_translations::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count translations")
}

fn assert_shows_hebrew(body: &str, how: &str) {
    assert!(body.contains(HEBREW_TITLE), "{how}: {body}");
    assert!(
        body.contains(r#"<div class="body" lang="he" dir="rtl">"#),
        "{how}: the text is marked Hebrew, right to left: {body}"
    );
    assert!(!body.contains("We write together"), "{how}");
}

async fn translations_are_imported_and_each_address_shows_its_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, printed) = import_letter(&app);
    assert!(printed.contains("shared-future created"), "{printed}");
    assert!(
        printed.contains("shared-future he: translation created"),
        "{printed}"
    );
    assert!(
        printed.contains("shared-future ar: translation created"),
        "{printed}"
    );

    let original = app.get(&format!("/letters/{SLUG}")).await;
    assert_eq!(original.status, StatusCode::OK);
    assert!(original.body.contains("We write together"));
    assert!(
        original
            .body
            .contains(r#"<div class="body" lang="en" dir="ltr">"#)
    );

    let by_address = app.get(&format!("/he/letters/{SLUG}")).await;
    assert_eq!(by_address.status, StatusCode::OK);
    assert_shows_hebrew(&by_address.body, "/he/letters/");
    let by_query = app.get(&format!("/letters/{SLUG}?lang=he")).await;
    assert_shows_hebrew(&by_query.body, "?lang=he");
    let by_browser =
        get_with_language(&app, &format!("/letters/{SLUG}"), "he-IL,he;q=0.9,en;q=0.5").await;
    assert_shows_hebrew(&by_browser.body, "Accept-Language: he");

    let arabic = app.get(&format!("/ar/letters/{SLUG}")).await;
    assert!(arabic.body.contains(ARABIC_TITLE));
    assert!(
        arabic
            .body
            .contains(r#"<div class="body" lang="ar" dir="rtl">"#)
    );

    // A language the letter lacks, or none at all, shows the original: never a 404.
    for path in [
        format!("/fr/letters/{SLUG}"),
        format!("/letters/{SLUG}?lang=fr"),
        format!("/letters/{SLUG}?lang=%3Cscript%3E"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("We write together"), "{path}");
        assert!(!page.body.contains("<script>"), "{path}");
    }
    // The address beats the browser's languages.
    let english_address = get_with_language(&app, &format!("/letters/{SLUG}?lang=en"), "he").await;
    assert!(english_address.body.contains("We write together"));

    // Every language is named to search engines, on every language's page.
    for page in [&original.body, &by_address.body, &arabic.body] {
        for link in [
            format!(
                r#"<link rel="alternate" hreflang="en" href="http://letters.test/letters/{SLUG}">"#
            ),
            format!(
                r#"<link rel="alternate" hreflang="he" href="http://letters.test/he/letters/{SLUG}">"#
            ),
            format!(
                r#"<link rel="alternate" hreflang="ar" href="http://letters.test/ar/letters/{SLUG}">"#
            ),
            format!(
                r#"<link rel="alternate" hreflang="x-default" href="http://letters.test/letters/{SLUG}">"#
            ),
        ] {
            assert!(page.contains(&link), "{link} missing");
        }
    }
    assert!(by_address.body.contains(&format!(
        r#"<link rel="canonical" href="http://letters.test/he/letters/{SLUG}">"#
    )));
    assert!(by_address.body.contains(&format!(
        r#"content="http://letters.test/he/letters/{SLUG}/card.png""#
    )));
    assert!(by_address.body.contains(&format!(
        r#"<meta property="og:title" content="{HEBREW_TITLE}">"#
    )));

    let sitemap = app.get("/sitemap.xml").await;
    for lang in ["he", "ar"] {
        assert!(
            sitemap.body.contains(&format!(
                "<loc>http://letters.test/{lang}/letters/{SLUG}</loc>"
            )),
            "{}",
            sitemap.body
        );
        assert!(sitemap.body.contains(&format!(
            r#"<xhtml:link rel="alternate" hreflang="{lang}" href="http://letters.test/{lang}/letters/{SLUG}"/>"#
        )));
    }
    assert!(
        sitemap
            .body
            .contains(&format!("<loc>http://letters.test/letters/{SLUG}</loc>"))
    );

    let card = app.get(&format!("/he/letters/{SLUG}/card.png")).await;
    assert_eq!(card.status, StatusCode::OK);
    let card = app.get(&format!("/letters/{SLUG}/card.png?lang=ar")).await;
    assert_eq!(card.status, StatusCode::OK);
}

async fn signatures_record_the_text_read_and_are_counted_together(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    sign_on_page(
        &app,
        &format!("/he/letters/{SLUG}"),
        "Noa",
        "noa@example.org",
    )
    .await;
    sign_on_page(&app, &format!("/letters/{SLUG}"), "Ada", "ada@example.org").await;
    // Each confirmation email names the letter as its signer read it.
    let hebrew = app.wait_for_mails_to("noa@example.org", 1).await;
    assert!(hebrew[0].text.contains(HEBREW_TITLE), "{}", hebrew[0].text);
    let english = app.wait_for_mails_to("ada@example.org", 1).await;
    assert!(
        english[0].text.contains("A shared future"),
        "{}",
        english[0].text
    );
    // One count, one list, whatever language each signer read.
    app.wait_for_public_total(SLUG, 2).await;
    for path in [format!("/he/letters/{SLUG}"), format!("/letters/{SLUG}")] {
        let page = app.get(&path).await;
        assert!(
            page.body.contains("Noa") && page.body.contains("Ada"),
            "{path}"
        );
    }

    let hebrew_hash = hash_in(&app, "he").await;
    let english_hash = hash_in(&app, "en").await;
    assert_ne!(hebrew_hash, english_hash);
    let rows = export(&app);
    let noa = row_of(&rows, "noa@example.org");
    assert_eq!(noa["language"], "he");
    assert_eq!(noa["content_hash"], hebrew_hash.as_str());
    let ada = row_of(&rows, "ada@example.org");
    assert_eq!(ada["language"], "en");
    assert_eq!(ada["content_hash"], english_hash.as_str());

    let csv = app.cli_ok(&["export", SLUG]);
    let header = csv.lines().next().expect("a header");
    assert!(header.contains(r#""language","content_hash""#), "{header}");
    assert!(csv.contains(&format!(r#""he","{hebrew_hash}""#)), "{csv}");

    // The JSON API takes the language too.
    let detail = app.get(&format!("/api/v1/letters/{SLUG}?lang=ar")).await;
    let json: serde_json::Value = serde_json::from_str(&detail.body).expect("JSON");
    let token = json["form_token"]
        .as_str()
        .expect("a form token")
        .to_owned();
    let arabic_hash = json["content_hash"].as_str().expect("a hash").to_owned();
    let accepted = app
        .post_json(
            &format!("/api/v1/letters/{SLUG}/signatures"),
            &serde_json::json!({
                "name": "Layla",
                "email": "layla@example.org",
                "updates": true,
                "form_token": token,
                "lang": "ar",
            }),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    confirm(&app, "layla@example.org").await;
    app.wait_for_public_total(SLUG, 3).await;
    let rows = export(&app);
    let layla = row_of(&rows, "layla@example.org");
    assert_eq!(layla["language"], "ar");
    assert_eq!(layla["content_hash"], arabic_hash.as_str());
}

async fn a_forged_language_signs_the_original_and_is_never_echoed(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let english_hash = hash_in(&app, "en").await;
    let forged = [
        ("one@example.org", "fr"),
        ("two@example.org", "<script>alert(1)</script>"),
        ("three@example.org", "he\u{202e}"),
        ("four@example.org", "\u{2067}ar"),
    ];
    for (email, lang) in forged {
        let t = app.form_time(SLUG).await;
        let response = app
            .post_form_raw(
                &format!("/letters/{SLUG}/sign"),
                encode(&[
                    ("name", "Someone"),
                    ("email", email),
                    ("lang", lang),
                    ("t", &t),
                ]),
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{lang:?}: {}",
            response.body
        );
    }
    // A form sent back with a problem shows the original, and the forged value nowhere.
    let t = app.form_time(SLUG).await;
    let again = app
        .post_form_raw(
            &format!("/letters/{SLUG}/sign"),
            encode(&[
                ("name", "No Email"),
                ("lang", "<script>alert(1)</script>"),
                ("t", &t),
            ]),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!again.body.contains("<script>alert"), "{}", again.body);
    assert!(again.body.contains(r#"name="lang" value="en""#));

    let rows = export(&app);
    for (email, _) in forged {
        let row = row_of(&rows, email);
        assert_eq!(row["language"], "en", "{email}");
        assert_eq!(row["content_hash"], english_hash.as_str(), "{email}");
    }
    let stored: Vec<Option<String>> = undersigned::db::schema::signatures::table
        .select(undersigned::db::schema::signatures::lang)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read languages");
    assert!(
        stored.iter().all(|lang| lang.as_deref() == Some("en")),
        "{stored:?}"
    );
}

async fn reimporting_a_changed_translation_versions_that_language_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (file, _) = import_letter(&app);
    let hebrew_before = hash_in(&app, "he").await;
    let arabic_before = hash_in(&app, "ar").await;
    let english_before = hash_in(&app, "en").await;

    std::fs::write(
        app.directory.path().join("letter.he.md"),
        HEBREW.replace("יחד", "ביחד"),
    )
    .expect("edit the Hebrew");
    let printed = app.cli_ok(&["letters", "import", &file.display().to_string()]);
    assert!(
        printed.contains("he: translation updated (new text version)"),
        "{printed}"
    );
    assert!(printed.contains("ar: translation unchanged"), "{printed}");
    assert!(
        !printed.contains("updated (new text version): A shared"),
        "{printed}"
    );

    assert_eq!(version_count(&app, "he"), 2);
    assert_eq!(version_count(&app, "ar"), 1);
    assert_eq!(version_count(&app, "en"), 1);
    // The pages are cached for a moment; the stored hashes are what signatures will record.
    let stored: Vec<(String, String)> = letter_translations::table
        .select((letter_translations::lang, letter_translations::content_hash))
        .order(letter_translations::lang)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read translations");
    assert_eq!(stored[0], ("ar".to_owned(), arabic_before));
    assert_eq!(stored[1].0, "he");
    assert_ne!(stored[1].1, hebrew_before);
    let original: String = letters::table
        .select(letters::content_hash)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the letter");
    assert_eq!(original, english_before);

    // Each language has its own public history; a signer's link (the hash alone) finds its
    // text in whichever language it is.
    let hebrew_history = app.get(&format!("/letters/{SLUG}/versions?lang=he")).await;
    assert_eq!(
        hebrew_history
            .body
            .matches(&format!("/letters/{SLUG}/versions/"))
            .count(),
        2
    );
    let english_history = app.get(&format!("/letters/{SLUG}/versions")).await;
    assert_eq!(
        english_history
            .body
            .matches(&format!("/letters/{SLUG}/versions/"))
            .count(),
        1
    );
    let old_hebrew = app
        .get(&format!("/letters/{SLUG}/versions/{hebrew_before}"))
        .await;
    assert_eq!(old_hebrew.status, StatusCode::OK);
    assert!(
        old_hebrew.body.contains("אנו כותבים יחד"),
        "{}",
        old_hebrew.body
    );
}

async fn bad_translations_are_refused_by_import_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    let directory = app.directory.path();
    let new_letter = |name: &str, slug: &str| {
        let path = directory.join(format!("{name}.md"));
        std::fs::write(&path, ORIGINAL.replace(SLUG, slug)).expect("write");
        path.display().to_string()
    };

    // A translation in the original's language.
    let same = new_letter("same", "same-language");
    std::fs::write(directory.join("same.en.md"), HEBREW).expect("write");
    let refused = app.cli(&["letters", "import", &same]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("lang"),
        "{refused:?}"
    );

    // A translation that breaks the text rules.
    let empty = new_letter("empty", "empty-title");
    std::fs::write(
        directory.join("empty.he.md"),
        HEBREW.replace(HEBREW_TITLE, ""),
    )
    .expect("write");
    let refused = app.cli(&["letters", "import", &empty]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("title"),
        "{refused:?}"
    );

    // A language that is not one, named in the front matter of a file for a stored letter.
    import_letter(&app);
    let translations_before = translation_count(&app);
    for lang in ["<script>", "english!", "he\u{202e}"] {
        let path = directory.join("forged.md");
        std::fs::write(
            &path,
            format!("+++\nslug = \"{SLUG}\"\nlang = \"{lang}\"\ntitle = \"T\"\naddressee = \"A\"\n+++\n\nText.\n"),
        )
        .expect("write");
        let refused = app.cli(&["letters", "import", &path.display().to_string()]);
        assert!(!refused.status.success(), "{lang:?} was accepted");
    }
    let stored_slugs: Vec<String> = letters::table
        .select(letters::slug)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read letters");
    assert_eq!(stored_slugs, [SLUG], "the refused letters were not stored");
    assert_eq!(translation_count(&app), translations_before);

    // A file with a language and the slug of a stored letter is a translation of it.
    let french = directory.join("french.md");
    std::fs::write(
        &french,
        format!("+++\nslug = \"{SLUG}\"\nlang = \"fr\"\ntitle = \"Un avenir commun\"\naddressee = \"Les gouvernements\"\n+++\n\nNous écrivons ensemble.\n"),
    )
    .expect("write");
    let printed = app.cli_ok(&["letters", "import", &french.display().to_string()]);
    assert!(printed.contains("fr: translation created"), "{printed}");
    let page = app.get(&format!("/fr/letters/{SLUG}")).await;
    assert!(page.body.contains("Un avenir commun"));
}

async fn the_console_edits_a_translation_beside_its_original(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let editor = app.staff("editor@example.org", "editor").await;

    let show = editor.get(&format!("/admin/letters/{SLUG}")).await;
    assert!(
        show.body
            .contains(&format!("/admin/letters/{SLUG}/translation?lang=he"))
    );

    let form = editor
        .get(&format!("/admin/letters/{SLUG}/translation?lang=he"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    // The original, read-only, beside the translation's own fields.
    assert!(form.body.contains("A shared future"));
    assert!(form.body.contains("We write together"));
    assert!(form.body.contains(HEBREW_TITLE));
    assert!(form.body.contains(r#"dir="rtl""#));

    let path = format!("/admin/letters/{SLUG}/translation");
    let saved = editor
        .post(
            &path,
            &[
                ("lang", "he"),
                ("title", "עתיד משותף לכולנו"),
                ("addressee", "הממשלות"),
                ("summary", ""),
                ("body", "טקסט חדש."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(version_count(&app, "he"), 2);
    let page = app.get(&format!("/he/letters/{SLUG}")).await;
    assert!(page.body.contains("עתיד משותף לכולנו"), "{}", page.body);
    assert!(
        app.audit_actions()
            .iter()
            .any(|action| action == "letter.translation")
    );

    // Refused: the original's language, a language that is not one, an empty title.
    let before = translation_count(&app);
    for (lang, title) in [
        ("en", "Title"),
        ("EN", "Title"),
        ("b@d", "Title"),
        ("de", ""),
    ] {
        let refused = editor
            .post(
                &path,
                &[
                    ("lang", lang),
                    ("title", title),
                    ("addressee", "A"),
                    ("body", "Text."),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(refused.body.contains("Nothing was saved"), "{lang}");
    }
    assert_eq!(translation_count(&app), before);
    let english = app.get(&format!("/letters/{SLUG}")).await;
    assert!(english.body.contains("We write together"));

    // A new language, then removing it; without the CSRF token nothing happens.
    let added = editor
        .post(
            &path,
            &[
                ("lang", "fr"),
                ("title", "Un avenir commun"),
                ("addressee", "Les gouvernements"),
                ("body", "Nous écrivons."),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(translation_count(&app), before + 1);
    let forged = editor
        .post_without_csrf(&format!("{path}/remove"), &[("lang", "fr")])
        .await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
    assert_eq!(translation_count(&app), before + 1);
    let removed = editor
        .post(
            &format!("{path}/remove"),
            &[("lang", "fr"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(translation_count(&app), before);
    let gone = app.get(&format!("/fr/letters/{SLUG}")).await;
    assert_eq!(gone.status, StatusCode::OK);
    assert!(gone.body.contains("We write together"));
}

/// Staff's decision reaches an organization's contact in the language of the text it signed.
async fn an_organization_that_signed_in_hebrew_hears_back_in_hebrew(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let page = app.get(&format!("/he/letters/{SLUG}")).await;
    let response = app
        .post_form_raw(
            &format!("/letters/{SLUG}/sign"),
            encode(&[
                ("kind", "organization"),
                ("organization", "שלום עכשיו"),
                ("name", "Dana"),
                ("email", "dana@example.org"),
                ("public", "on"),
                ("lang", &hidden(&page.body, "lang")),
                ("t", &form_time_in(&page.body)),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    confirm(&app, "dana@example.org").await;
    let id: String = undersigned::db::schema::signatures::table
        .filter(undersigned::db::schema::signatures::email.eq("dana@example.org"))
        .select(undersigned::db::schema::signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the organization's signature");
    app.cli_ok(&["signatures", "approve", SLUG, &id]);
    let mails = app.wait_for_mails_to("dana@example.org", 2).await;
    let listed = &mails[1];
    assert!(listed.html.contains(r#"lang="he""#), "{}", listed.html);
    assert!(
        listed
            .text
            .chars()
            .any(|c| ('\u{05d0}'..='\u{05ea}').contains(&c)),
        "{}",
        listed.text
    );
}

/// Staff write an update once; each signer's copy explains itself (why it came, how to stop
/// it) in the language of the text they signed, around the staff's words as written.
async fn an_update_without_a_version_in_a_language_reaches_its_signers_in_the_original(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    for (path, name, email) in [
        (format!("/he/letters/{SLUG}"), "Noa", "noa@example.org"),
        (format!("/letters/{SLUG}"), "Ada", "ada@example.org"),
    ] {
        let page = app.get(&path).await;
        let response = app
            .post_form_raw(
                &format!("/letters/{SLUG}/sign"),
                encode(&[
                    ("name", name),
                    ("email", email),
                    ("updates", "on"),
                    ("lang", &hidden(&page.body, "lang")),
                    ("t", &form_time_in(&page.body)),
                ]),
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        confirm(&app, email).await;
    }
    let file = app.directory.path().join("update.md");
    std::fs::write(
        &file,
        "+++\ntitle = \"We met the ministers\"\n+++\n\nThank you **all**.\n",
    )
    .expect("write the update");
    let sent = app.cli_ok(&[
        "updates",
        "send",
        SLUG,
        &file.display().to_string(),
        "--yes",
    ]);
    assert!(sent.contains("2 message(s) queued"), "{sent}");
    // No Hebrew version: the Hebrew signer gets the original whole, its frame in its
    // language too, never a Hebrew frame around English words (tests/api/update_languages.rs
    // sends one with a Hebrew version).
    let hebrew = app.wait_for_mails_to("noa@example.org", 2).await;
    let update = &hebrew[1];
    assert!(update.text.contains("Thank you"), "{}", update.text);
    assert!(
        update.html.contains(r#"<html lang="en" dir="ltr">"#),
        "{}",
        update.html
    );
    let english = app.wait_for_mails_to("ada@example.org", 2).await;
    assert!(
        english[1].html.contains(r#"lang="en" dir="ltr""#),
        "{}",
        english[1].html
    );
}

/// Two editors add the same new language in the same moment, several times over (French,
/// then removed and added again): both are answered as saved and one translation is kept,
/// with a version for each distinct text.
async fn two_editors_adding_the_same_language_at_once_both_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let first = app.staff("first@example.org", "editor").await;
    let second = app.staff("second@example.org", "editor").await;
    let path = format!("/admin/letters/{SLUG}/translation");
    let form = |title: &'static str| {
        [
            ("lang", "fr"),
            ("title", title),
            ("addressee", "Les gouvernements"),
            ("summary", ""),
            ("body", "Nous écrivons ensemble."),
        ]
    };
    for round in 0..5 {
        if round > 0 {
            let removed = first
                .post(
                    &format!("{path}/remove"),
                    &[("lang", "fr"), ("confirm", "yes")],
                )
                .await;
            assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
        }
        let (a, b) = futures_util::future::join(
            first.post(&path, &form("Un avenir partagé")),
            second.post(&path, &form("Un avenir commun")),
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "round {round}: {}", a.body);
        assert_eq!(b.status, StatusCode::SEE_OTHER, "round {round}: {}", b.body);
        let kept: Vec<String> = letter_translations::table
            .filter(letter_translations::lang.eq("fr"))
            .select(letter_translations::title)
            .load(&mut *app.connection() as &mut DbConnection)
            .expect("read translations");
        assert_eq!(kept.len(), 1, "round {round}: {kept:?}");
    }
    // The two texts, each recorded once however often it was saved.
    assert_eq!(version_count(&app, "fr"), 2);
}
