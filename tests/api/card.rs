//! The share card (`/letters/{slug}/card.png`) and the link-preview tags that point at it:
//! what a chat app or a social network fetches when someone pastes a letter's address.

use awc::http::StatusCode;
use awc::http::header::{self, HeaderMap};
use diesel::prelude::*;
use undersigned::db::schema::letters;
use undersigned::letters::import;

use crate::helpers::{Backend, PUBLIC_URL, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_card_is_a_1200_by_630_png_with_cache_headers,
    a_client_holding_the_card_gets_304,
    unknown_and_draft_letters_have_no_card,
    the_letter_page_points_link_previews_at_the_card,
    hebrew_and_arabic_letters_get_their_own_cards,
    nasty_stored_titles_still_draw,
);

struct Fetched {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

async fn fetch(app: &TestApp, path: &str, headers: &[(header::HeaderName, &str)]) -> Fetched {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.insert_header((name.clone(), *value));
    }
    let mut response = request.send().await.expect("GET answered");
    let body = response
        .body()
        .limit(8 * 1024 * 1024)
        .await
        .expect("response body")
        .to_vec();
    Fetched {
        status: response.status(),
        headers: response.headers().clone(),
        body,
    }
}

fn header_of(fetched: &Fetched, name: header::HeaderName) -> &str {
    fetched
        .headers
        .get(&name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The picture's size, decoding the whole PNG as a browser would.
fn decoded_size(png: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut pixels).expect("the PNG decodes");
    (frame.width, frame.height)
}

fn store_letter(app: &TestApp, slug: &str, status: &str, title: &str, addressee: &str) {
    let document = format!(
        "+++\nslug = \"{slug}\"\ntitle = \"{title}\"\naddressee = \"{addressee}\"\nstatus = \"{status}\"\n+++\n\nWe write to you.\n"
    );
    let document = import::parse_document(&document).expect("valid letter");
    import::store(&mut app.connection(), &document).expect("letter stored");
}

async fn the_card_is_a_1200_by_630_png_with_cache_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let card = fetch(&app, "/letters/dear-president/card.png", &[]).await;
    assert_eq!(card.status, StatusCode::OK);
    assert_eq!(header_of(&card, header::CONTENT_TYPE), "image/png");
    assert_eq!(
        header_of(&card, header::CACHE_CONTROL),
        "public, max-age=60"
    );
    assert!(header_of(&card, header::ETAG).starts_with('"'));
    assert!(header_of(&card, header::LAST_MODIFIED).ends_with(" GMT"));
    assert_eq!(decoded_size(&card.body), (1200, 630));
    assert!(card.body.len() < 200 * 1024, "{} bytes", card.body.len());

    // Crawlers that check the address first with HEAD get the headers alone.
    let head = app
        .client
        .head(format!("{}/letters/dear-president/card.png", app.address))
        .send()
        .await
        .expect("HEAD answered");
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok()),
        Some("image/png")
    );

    // Asked again, the same picture (it is kept, not redrawn).
    let again = fetch(&app, "/letters/dear-president/card.png", &[]).await;
    assert_eq!(again.body, card.body);
    assert_eq!(
        header_of(&again, header::ETAG),
        header_of(&card, header::ETAG)
    );
}

async fn a_client_holding_the_card_gets_304(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let path = "/letters/dear-president/card.png";
    let card = fetch(&app, path, &[]).await;
    let etag = header_of(&card, header::ETAG).to_owned();

    let unchanged = fetch(&app, path, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert!(unchanged.body.is_empty());
    assert_eq!(header_of(&unchanged, header::ETAG), etag);
    assert_eq!(
        header_of(&unchanged, header::CACHE_CONTROL),
        "public, max-age=60"
    );
    let listed = format!("\"stale\", {etag}");
    let among = fetch(&app, path, &[(header::IF_NONE_MATCH, &listed)]).await;
    assert_eq!(among.status, StatusCode::NOT_MODIFIED);

    let other = fetch(&app, path, &[(header::IF_NONE_MATCH, "\"another\"")]).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, card.body);

    let modified = header_of(&card, header::LAST_MODIFIED).to_owned();
    let since = fetch(&app, path, &[(header::IF_MODIFIED_SINCE, &modified)]).await;
    assert_eq!(since.status, StatusCode::NOT_MODIFIED);
    let long_ago = "Mon, 01 Jan 2001 00:00:00 GMT";
    let old = fetch(&app, path, &[(header::IF_MODIFIED_SINCE, long_ago)]).await;
    assert_eq!(old.status, StatusCode::OK);
}

async fn unknown_and_draft_letters_have_no_card(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("still-a-draft", "draft", "");
    for path in [
        "/letters/no-such-letter/card.png",
        "/letters/still-a-draft/card.png",
        "/letters/NOT%20A%20SLUG/card.png",
    ] {
        let answer = fetch(&app, path, &[]).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            header_of(&answer, header::CONTENT_TYPE).starts_with("text/html"),
            "{path} answers the ordinary 404 page"
        );
        // The letter page agrees.
        let page = app.get(path.trim_end_matches("/card.png")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn the_letter_page_points_link_previews_at_the_card(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.test")
        .await;
    app.wait_for_public_total("dear-president", 1).await;
    let page = app.get("/letters/dear-president").await;
    assert_eq!(page.status, StatusCode::OK);
    let image = format!("{PUBLIC_URL}/letters/dear-president/card.png");
    for tag in [
        format!("<meta property=\"og:image\" content=\"{image}\">"),
        "<meta property=\"og:image:width\" content=\"1200\">".to_owned(),
        "<meta property=\"og:image:height\" content=\"630\">".to_owned(),
        "<meta property=\"og:image:alt\" content=\"Protect the right to protest: an open letter to the President, 1 signature\">".to_owned(),
        "<meta name=\"twitter:card\" content=\"summary_large_image\">".to_owned(),
        format!("<meta name=\"twitter:image\" content=\"{image}\">"),
    ] {
        assert!(page.body.contains(&tag), "no {tag} in the page head");
    }
    assert!(!page.body.contains("content=\"summary\""));
    // The address in the tags answers.
    let path = image.trim_start_matches(PUBLIC_URL);
    let card = fetch(&app, path, &[]).await;
    assert_eq!(card.status, StatusCode::OK);
}

async fn hebrew_and_arabic_letters_get_their_own_cards(backend: Backend) {
    let app = spawn_app(backend).await;
    store_letter(
        &app,
        "hebrew-letter",
        "open",
        "הגנו על הזכות להפגין בשלום",
        "ראש הממשלה",
    );
    store_letter(
        &app,
        "arabic-letter",
        "open",
        "احموا حق التظاهر السلمي",
        "رئيس الوزراء",
    );
    app.create_letter("latin-letter", "open", "");
    let mut etags = Vec::new();
    for slug in ["hebrew-letter", "arabic-letter", "latin-letter"] {
        let card = fetch(&app, &format!("/letters/{slug}/card.png"), &[]).await;
        assert_eq!(card.status, StatusCode::OK, "{slug}");
        assert_eq!(decoded_size(&card.body), (1200, 630), "{slug}");
        assert!(
            card.body.len() < 200 * 1024,
            "{slug}: {} bytes",
            card.body.len()
        );
        etags.push(header_of(&card, header::ETAG).to_owned());
    }
    etags.dedup();
    assert_eq!(etags.len(), 3, "three letters, three different pictures");
    let page = app.get("/letters/hebrew-letter").await;
    assert!(page.body.contains(
        "<meta property=\"og:image:alt\" content=\"הגנו על הזכות להפגין בשלום: an open letter to ראש הממשלה. Be the first to sign.\">"
    ));
}

/// Titles stored before today's rules, or written straight into the database: direction
/// overrides and 2,000 characters. The card still draws (the layout is checked in the
/// module's own tests).
async fn nasty_stored_titles_still_draw(backend: Backend) {
    let app = spawn_app(backend).await;
    let titles = [
        (
            "override",
            "\u{202e}Protect the right to protest\u{202c} now".to_owned(),
        ),
        (
            "isolate",
            "\u{2067}احموا\u{2069} \u{2066}the right".to_owned(),
        ),
        ("long", "Protect the right to protest ".repeat(69)),
        ("one-word", "W".repeat(2_000)),
    ];
    for (slug, title) in &titles {
        app.create_letter(slug, "open", "");
        diesel::update(letters::table.filter(letters::slug.eq(slug)))
            .set(letters::title.eq(title))
            .execute(&mut app.connection())
            .expect("title written");
    }
    for (slug, _) in &titles {
        let card = fetch(&app, &format!("/letters/{slug}/card.png"), &[]).await;
        assert_eq!(card.status, StatusCode::OK, "{slug}");
        assert_eq!(decoded_size(&card.body), (1200, 630), "{slug}");
        assert!(card.body.len() < 200 * 1024, "{slug}");
    }
}
