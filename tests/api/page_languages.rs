//! Public pages in the reader's language: the embed, the index, the signatories and versions
//! pages show the text of the letter the reader reads (an English original with Hebrew and
//! Arabic translations) inside an interface in their language, mark each text with its own
//! `lang`/`dir`, and keep the language in their links; each value on a signatory's line is
//! isolated on its own; the share card is drawn in the reader's language.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_embed_reads_the_translation_in_its_interface,
    the_index_shows_each_letter_in_the_readers_language,
    signatories_and_versions_pages_keep_the_readers_language,
    each_value_on_a_signatory_line_has_its_own_bdi,
    the_card_is_drawn_in_the_readers_language,
);

const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nsummary = \"Peace for both peoples.\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\nsummary = \"שלום לשני העמים.\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";
const ARABIC: &str = "+++\ntitle = \"مستقبل مشترك\"\naddressee = \"الحكومات\"\nsummary = \"السلام للشعبين.\"\n+++\n\nنكتب معًا من أجل مستقبل مشترك.\n";

/// One language as a reader sees it: the letter's words and the interface's.
struct Reading {
    lang: &'static str,
    dir: &'static str,
    title: &'static str,
    addressee: &'static str,
    /// The catalog's "To" before the addressee.
    to: &'static str,
    /// The catalog's "Add your name".
    add_your_name: &'static str,
    /// The letter's address in this language.
    path: &'static str,
}

const ENGLISH: Reading = Reading {
    lang: "en",
    dir: "ltr",
    title: "A shared future",
    // In a sentence, an English addressee's "The" is lower case (`i18n::addressee_in_sentence`).
    addressee: "the governments",
    to: "To ",
    add_your_name: "Add your name",
    path: "/letters/shared-future",
};
const IN_HEBREW: Reading = Reading {
    lang: "he",
    dir: "rtl",
    title: "עתיד משותף",
    addressee: "הממשלות",
    to: "אל ",
    add_your_name: "הוסיפו את שמכם",
    path: "/he/letters/shared-future",
};
const IN_ARABIC: Reading = Reading {
    lang: "ar",
    dir: "rtl",
    title: "مستقبل مشترك",
    addressee: "الحكومات",
    to: "إلى ",
    add_your_name: "أضف اسمك",
    path: "/ar/letters/shared-future",
};

fn import_letter(app: &TestApp) {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW).expect("write the Hebrew");
    std::fs::write(directory.join("letter.ar.md"), ARABIC).expect("write the Arabic");
    let file = directory.join("letter.md").display().to_string();
    app.cli_ok(&["letters", "import", &file]);
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

/// The words of every other language's text that must not show on a page in `reading`.
fn others(reading: &Reading) -> Vec<&'static str> {
    [ENGLISH, IN_HEBREW, IN_ARABIC]
        .into_iter()
        .filter(|other| other.lang != reading.lang)
        .flat_map(|other| [other.title, other.addressee])
        .collect()
}

async fn the_embed_reads_the_translation_in_its_interface(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    for (address, reading) in [
        ("/letters/shared-future/embed", ENGLISH),
        ("/letters/shared-future/embed?lang=he", IN_HEBREW),
        ("/letters/shared-future/embed?lang=ar", IN_ARABIC),
        ("/ar/letters/shared-future/embed", IN_ARABIC),
        ("/he/letters/shared-future/embed", IN_HEBREW),
    ] {
        let embed = app.get(address).await;
        assert_eq!(embed.status, StatusCode::OK, "{address}");
        let body = &embed.body;
        let (lang, dir) = (reading.lang, reading.dir);
        assert!(
            body.contains(&format!(r#"<html lang="{lang}" dir="{dir}">"#)),
            "{address}: {body}"
        );
        assert!(
            body.contains(&format!(
                r#"<h1 class="embed-title" lang="{lang}" dir="{dir}"><a href="http://"#
            )),
            "{address}: the title is marked with its language: {body}"
        );
        assert!(
            body.contains(&format!(
                r#"{}" target="_blank" rel="noopener">{}</a></h1>"#,
                reading.path, reading.title
            )),
            "{address}: the title links to the text in its language: {body}"
        );
        assert!(
            body.contains(&format!(
                r#"{}<bdi lang="{lang}" dir="{dir}">{}</bdi>"#,
                reading.to, reading.addressee
            )),
            "{address}: {body}"
        );
        assert!(body.contains(reading.add_your_name), "{address}: {body}");
        assert!(
            body.contains(&format!(
                r#"action="/{lang}/letters/shared-future/embed#sign""#
            )),
            "{address}: the form keeps the language (and answers in the frame): {body}"
        );
        assert!(
            body.contains(&format!(r#"name="lang" value="{lang}""#)),
            "{address}: {body}"
        );
        for other in others(&reading) {
            assert!(!body.contains(other), "{address} shows {other}: {body}");
        }
        // A frame may not get the language cookie: the privacy notice's link says it.
        let privacy = format!("/{lang}/privacy");
        assert!(
            body.contains(&format!(r#"href="{privacy}""#)),
            "{address}: {body}"
        );
        let notice = app.get(&privacy).await;
        assert_eq!(notice.status, StatusCode::OK, "{privacy}");
        assert!(
            notice
                .body
                .contains(&format!(r#"<html lang="{lang}" dir="{dir}">"#)),
            "{privacy}"
        );
    }
}

async fn the_index_shows_each_letter_in_the_readers_language(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    // A letter with no Hebrew text: its card stays English, marked so.
    app.create_letter("dear-president", "open", "");

    for address in ["/?lang=he", "/he/"] {
        let index = app.get(address).await;
        assert_eq!(index.status, StatusCode::OK, "{address}");
        let body = &index.body;
        assert!(body.contains(r#"<html lang="he" dir="rtl">"#), "{address}");
        assert!(
            body.contains(
                r#"<h2 lang="he" dir="rtl"><a href="/he/letters/shared-future">עתיד משותף</a></h2>"#
            ),
            "{address}: {body}"
        );
        assert!(
            body.contains(r#"<p class="addressee">אל <bdi lang="he" dir="rtl">הממשלות</bdi></p>"#),
            "{address}: {body}"
        );
        assert!(
            body.contains(r#"<p lang="he" dir="rtl">שלום לשני העמים.</p>"#),
            "{address}: {body}"
        );
        for english in [
            "A shared future",
            "The governments",
            "Peace for both peoples.",
        ] {
            assert!(!body.contains(english), "{address} shows {english}");
        }
        // English in a Hebrew page keeps its full stop at its own end.
        assert!(
            body.contains(r#"<h2 lang="en" dir="ltr"><a href="/letters/dear-president">Protect the right to protest</a></h2>"#),
            "{address}: {body}"
        );
        assert!(
            body.contains(r#"<p lang="en" dir="ltr">Veto the assembly bill.</p>"#),
            "{address}: {body}"
        );
    }

    // The browser's language does the same; English readers get the original.
    let arabic = get_with_language(&app, "/", "ar-EG,ar;q=0.9").await;
    assert!(
        arabic
            .body
            .contains(r#"<a href="/ar/letters/shared-future">مستقبل مشترك</a>"#),
        "{}",
        arabic.body
    );
    let english = app.get("/").await;
    assert!(
        english.body.contains(
            r#"<h2 lang="en" dir="ltr"><a href="/letters/shared-future">A shared future</a></h2>"#
        ),
        "{}",
        english.body
    );
}

async fn signatories_and_versions_pages_keep_the_readers_language(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    for address in [
        "/letters/shared-future/signatories?lang=he",
        "/he/letters/shared-future/signatories",
    ] {
        let page = app.get(address).await;
        assert_eq!(page.status, StatusCode::OK, "{address}");
        let body = &page.body;
        assert!(body.contains(r#"<html lang="he" dir="rtl">"#), "{address}");
        assert!(
            body.contains(
                r#"<a href="/he/letters/shared-future" lang="he" dir="rtl">עתיד משותף</a>"#
            ),
            "{address}: {body}"
        );
        assert!(
            body.contains(r#"<a href="/he/letters/shared-future#sign">"#),
            "{address}: the way back to the form keeps the language: {body}"
        );
        assert!(body.contains("<title>החותמים · עתיד משותף · "), "{address}");
        assert!(!body.contains("A shared future"), "{address}: {body}");
    }

    for address in [
        "/letters/shared-future/versions?lang=he",
        "/he/letters/shared-future/versions",
    ] {
        let page = app.get(address).await;
        assert_eq!(page.status, StatusCode::OK, "{address}");
        let body = &page.body;
        assert!(
            body.contains(
                r#"<a href="/he/letters/shared-future" lang="he" dir="rtl">עתיד משותף</a>"#
            ),
            "{address}: {body}"
        );
        assert!(
            body.contains(r#"<a href="/he/letters/shared-future/versions/"#),
            "{address}: each version's link keeps the language: {body}"
        );
        assert!(
            body.contains(r#"<bdi lang="he" dir="rtl">עתיד משותף</bdi>"#),
            "{address}: {body}"
        );
        assert!(!body.contains("A shared future"), "{address}: {body}");
    }

    // One version, followed from the list: the Hebrew text, marked.
    let list = app.get("/letters/shared-future/versions?lang=he").await;
    let version = list
        .body
        .split(r#"<a href="/he/letters/shared-future/versions/"#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a version's link")
        .to_owned();
    let shown = app
        .get(&format!(
            "/letters/shared-future/versions/{version}?lang=he"
        ))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown
            .body
            .contains(r#"<h1 lang="he" dir="rtl">עתיד משותף</h1>"#),
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains(r#"<p class="addressee">אל <bdi lang="he" dir="rtl">הממשלות</bdi></p>"#),
        "{}",
        shown.body
    );
}

/// The one line under Rana's name, each value in its own isolate, the separators between.
const RANAS_LINE: &str = r#"<bdi class="name">Rana Haddad</bdi> <span class="detail"><bdi>Teacher</bdi> · <bdi>مدرسة الجليل</bdi> · <bdi>Haifa</bdi>, <bdi>Israel</bdi></span>"#;

async fn each_value_on_a_signatory_line_has_its_own_bdi(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let signed = app
        .sign(
            "dear-president",
            &[
                ("name", "Rana Haddad"),
                ("email", "rana@example.org"),
                ("title", "Teacher"),
                ("organization", "مدرسة الجليل"),
                ("city", "Haifa"),
                ("country", "Israel"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app.wait_for_mails_to("rana@example.org", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    app.wait_for_public_total("dear-president", 1).await;

    let one_isolate_around_several =
        regex::Regex::new(r"<bdi[^>]*>[^<]*(?: · |, )[^<]*</bdi>").expect("a valid pattern");
    for address in [
        "/letters/dear-president",
        "/letters/dear-president?lang=ar",
        "/letters/dear-president/signatories",
        "/letters/dear-president/signatories?lang=he",
    ] {
        let page = app.get(address).await;
        assert!(page.body.contains(RANAS_LINE), "{address}: {}", page.body);
        assert!(
            !one_isolate_around_several.is_match(&page.body),
            "{address}: one <bdi> around several values"
        );
    }

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let print = viewer.get("/admin/letters/dear-president/print").await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    assert!(
        print.body.contains(r#"<li><bdi>Rana Haddad</bdi> <span class="detail"><bdi>Teacher</bdi> · <bdi>مدرسة الجليل</bdi> · <bdi>Haifa</bdi>, <bdi>Israel</bdi></span></li>"#),
        "{}",
        print.body
    );
}

/// The picture's size, decoding the whole PNG as a browser would.
fn decoded_size(png: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut pixels).expect("the PNG decodes");
    (frame.width, frame.height)
}

async fn fetch_card(app: &TestApp, path: &str, accept: Option<&str>) -> (Vec<u8>, String) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(accept) = accept {
        request = request.insert_header(("accept-language", accept));
    }
    let mut response = request.send().await.expect("GET answered");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let vary = response
        .headers()
        .get("vary")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .body()
        .limit(8 * 1024 * 1024)
        .await
        .expect("the card")
        .to_vec();
    (body, vary)
}

/// Where screenshots go: `target/screenshots/`, beside the build (never the repository).
fn screenshot(name: &str, png: &[u8]) {
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let directory = target.join("screenshots");
    std::fs::create_dir_all(&directory).expect("create target/screenshots");
    std::fs::write(directory.join(name), png).expect("write the screenshot");
}

async fn the_card_is_drawn_in_the_readers_language(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let (english, _) = fetch_card(&app, "/letters/shared-future/card.png", None).await;
    let (hebrew, _) = fetch_card(&app, "/he/letters/shared-future/card.png", None).await;
    let (arabic, _) = fetch_card(&app, "/letters/shared-future/card.png?lang=ar", None).await;
    for (lang, png) in [("en", &english), ("he", &hebrew), ("ar", &arabic)] {
        assert_eq!(decoded_size(png), (1200, 630), "{lang}");
        screenshot(&format!("card-{lang}.png"), png);
    }
    assert_ne!(hebrew, english, "the Hebrew card is the English one");
    assert_ne!(arabic, english, "the Arabic card is the English one");
    assert_ne!(hebrew, arabic);
    // The same address draws the card of the reader's language, and says it varies by it.
    let (negotiated, vary) = fetch_card(
        &app,
        "/letters/shared-future/card.png",
        Some("he-IL,he;q=0.9"),
    )
    .await;
    assert_eq!(negotiated, hebrew);
    assert!(vary.contains("Accept-Language"), "{vary}");
}
