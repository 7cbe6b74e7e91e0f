//! One negotiation for every route: `?lang=`, a `/{lang}/` address, the switcher's cookie
//! and `Accept-Language` pick a letter's text and the interface by the same rule (`he-IL`
//! reads `he`), every public address has its `/{lang}/` form, and the switcher takes the
//! reader to the same page in the language chosen, saying which languages the letter's text
//! is in.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_regional_tag_finds_the_language_however_it_is_asked_for,
    the_switcher_leaves_a_hebrew_address_for_the_same_page_in_english,
    every_public_address_has_its_language_form,
    the_switcher_says_which_languages_the_letter_is_written_in,
    the_feed_follows_the_address_language,
);

const SLUG: &str = "shared-future";
const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nsummary = \"Peace for both peoples.\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";
const HEBREW_TITLE: &str = "עתיד משותף";
const GERMAN: &str = "+++\ntitle = \"Eine gemeinsame Zukunft\"\naddressee = \"Die Regierungen\"\n+++\n\nWir schreiben gemeinsam.\n";

fn import_letter(app: &TestApp, german: bool) {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW).expect("write the Hebrew");
    if german {
        std::fs::write(directory.join("letter.de.md"), GERMAN).expect("write the German");
    }
    let file = directory.join("letter.md");
    app.cli_ok(&["letters", "import", &file.display().to_string()]);
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> crate::helpers::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for header in headers {
        request = request.insert_header(*header);
    }
    read(request.send().await.expect("GET answered")).await
}

fn is_hebrew_page(body: &str) -> bool {
    body.contains(r#"<html lang="he" dir="rtl">"#) && body.contains(HEBREW_TITLE)
}

/// The `href` of the switcher's link to `code`.
fn switcher_href(body: &str, code: &str) -> String {
    let nav = body
        .split(r#"<nav class="languages""#)
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a language switcher");
    nav.split("<li>")
        .find(|item| item.contains(&format!(r#"hreflang="{code}""#)))
        .and_then(|item| item.split(r#"href=""#).nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no switcher entry for {code}: {nav}"))
        .to_owned()
}

async fn a_regional_tag_finds_the_language_however_it_is_asked_for(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app, false);
    for (how, path, headers) in [
        ("?lang=he-IL", format!("/letters/{SLUG}?lang=he-IL"), vec![]),
        (
            "Accept-Language: he-IL",
            format!("/letters/{SLUG}"),
            vec![("accept-language", "he-IL,he;q=0.9")],
        ),
        ("/he-IL/", format!("/he-IL/letters/{SLUG}"), vec![]),
        (
            "/he/ over an English browser",
            format!("/he/letters/{SLUG}"),
            vec![("accept-language", "en-GB,en;q=0.9")],
        ),
    ] {
        let page = get(&app, &path, &headers).await;
        assert_eq!(page.status, StatusCode::OK, "{how}");
        assert!(
            is_hebrew_page(&page.body),
            "{how}: not the Hebrew text and interface"
        );
        assert!(!page.body.contains("A shared future</h1>"), "{how}");
    }
    // A language the letter lacks shows the original, never a 404.
    let page = get(&app, &format!("/pt-BR/letters/{SLUG}"), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("A shared future"));
    // Something that is no routable language is an unknown address, not a letter.
    let page = get(&app, &format!("/abcde/letters/{SLUG}"), &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

async fn the_switcher_leaves_a_hebrew_address_for_the_same_page_in_english(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app, false);
    let hebrew = get(&app, &format!("/he/letters/{SLUG}"), &[]).await;
    assert!(is_hebrew_page(&hebrew.body));
    let to_english = switcher_href(&hebrew.body, "en");
    assert_eq!(to_english, format!("/en/letters/{SLUG}"));
    // The reader's cookie still says Hebrew (set by the /he/ page): the click wins anyway.
    let english = get(&app, &to_english, &[("cookie", "lang=he")]).await;
    assert_eq!(english.status, StatusCode::OK);
    assert!(english.body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(english.body.contains("A shared future</h1>"));
    assert!(
        !english.body.contains(HEBREW_TITLE),
        "Hebrew left on the English page"
    );
    assert!(
        english
            .body
            .contains(r#"hreflang="en" aria-current="true">English</a>"#),
        "English is the one marked"
    );
    assert!(
        english
            .headers
            .get_all("set-cookie")
            .any(|cookie| cookie.to_str().is_ok_and(|c| c.starts_with("lang=en;"))),
        "the choice is remembered"
    );
    // And back, on another page of the letter, keeping its query but not an old ?lang=.
    let list = get(
        &app,
        &format!("/letters/{SLUG}/signatories?page=1&lang=en"),
        &[],
    )
    .await;
    assert_eq!(
        switcher_href(&list.body, "he"),
        format!("/he/letters/{SLUG}/signatories?page=1")
    );
}

async fn every_public_address_has_its_language_form(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app, false);
    for path in [
        "/he/".to_owned(),
        format!("/he/letters/{SLUG}"),
        format!("/he/letters/{SLUG}/signatories"),
        format!("/he/letters/{SLUG}/versions"),
        format!("/he/letters/{SLUG}/resend"),
        format!("/he/letters/{SLUG}/embed"),
        "/he/privacy".to_owned(),
    ] {
        let page = get(&app, &path, &[("accept-language", "en")]).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body.contains(r#"<html lang="he" dir="rtl">"#),
            "{path} is not in Hebrew"
        );
    }
    let count = get(&app, &format!("/he/letters/{SLUG}/count.json"), &[]).await;
    assert_eq!(count.status, StatusCode::OK);
    let card = get(&app, &format!("/he/letters/{SLUG}/card.png"), &[]).await;
    assert_eq!(card.status, StatusCode::OK);
    assert_eq!(
        card.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    let api = get(&app, &format!("/api/v1/letters/{SLUG}?lang=he-IL"), &[]).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert_eq!(json["lang"], "he");
    assert_eq!(json["title"], HEBREW_TITLE);
    // The service's own addresses are never taken for a language.
    let api = get(&app, "/api/v1/letters", &[]).await;
    assert_eq!(api.status, StatusCode::OK);
}

async fn the_switcher_says_which_languages_the_letter_is_written_in(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app, true);
    let page = get(&app, &format!("/he/letters/{SLUG}"), &[]).await;
    let nav = page
        .body
        .split(r#"<nav class="languages""#)
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a switcher")
        .to_owned();
    let entry = |code: &str| {
        nav.split("<li>")
            .find(|item| item.contains(&format!(r#"hreflang="{code}""#)))
            .unwrap_or_else(|| panic!("no entry for {code}: {nav}"))
            .to_owned()
    };
    // Written in English, Hebrew and German; French and Arabic are only the interface.
    for code in ["en", "he", "de"] {
        assert!(!entry(code).contains("interface-only"), "{code}: {nav}");
    }
    for code in ["fr", "ar"] {
        assert!(entry(code).contains("(המכתב לא תורגם)"), "{code}: {nav}");
    }
    assert!(
        entry("de").contains(">Deutsch</a>"),
        "German in its own name"
    );
    // German text around the interface we have (English): the page says so in its marks.
    let german = get(&app, &format!("/de/letters/{SLUG}"), &[]).await;
    assert!(german.body.contains("Eine gemeinsame Zukunft"));
    assert!(german.body.contains(r#"lang="de""#));
}

async fn the_feed_follows_the_address_language(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app, false);
    let feed = get(&app, "/he/feed.atom", &[]).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.contains(r#"xml:lang="he""#), "{}", feed.body);
    assert!(feed.body.contains(HEBREW_TITLE));
    assert!(feed.body.contains(&format!("/he/letters/{SLUG}")));
    assert!(!feed.body.contains("A shared future"));
    assert!(
        !feed.body.contains("open letters"),
        "the feed's own title in Hebrew"
    );
    // The Hebrew page points its readers at the Hebrew feed.
    let page = get(&app, &format!("/he/letters/{SLUG}"), &[]).await;
    assert!(page.body.contains(r#"href="/he/feed.atom""#));
    let feed = get(&app, "/feed.atom", &[]).await;
    assert!(feed.body.contains("A shared future"));
}
