//! Searching the signatories page on a phone (390x844), without touching script: the GET
//! form finds a name without its accents, says when nothing matches, works in Hebrew, and
//! the page never scrolls sideways at 320 px. axe-core runs on each state. Screenshots:
//! `target/screenshots/signatories-*.png`.

use diesel::prelude::*;
use fantoccini::{Client, Locator};

use super::{
    ChromeDriver, axe_check, axe_source, click, fill, require_browser, save_png, screenshot_dir,
    set_viewport, spawn_app, wait_for_text, wait_until_loaded,
};

const SLUG: &str = "dear-president";

/// Three listed signers and one unlisted, written straight to the database (the sign flow has
/// its own browser tests); the tally triggers count them.
fn seed(database_url: &str, letter_id: &str, content_hash: &str) {
    let path = database_url.trim_start_matches("sqlite://");
    let mut connection = diesel::SqliteConnection::establish(path).expect("open the database");
    let rows = [
        ("1", "José Núñez", "Perú", true),
        ("2", "נועה לוי", "ישראל", true),
        ("3", "Ana Berg", "Spain", true),
        ("4", "Quiet Person", "Spain", false),
    ];
    for (n, name, country, public) in rows {
        diesel::sql_query(
            "INSERT INTO signatures (id, letter_id, kind, state, name, email, email_normalized, \
             country, public, content_hash, created_at, verified_at) VALUES (?, ?, 'individual', \
             'verified', ?, ?, ?, ?, ?, ?, '2026-12-01 10:00:00', ?)",
        )
        .bind::<diesel::sql_types::Text, _>(format!("0000000000000000000000000000000{n}"))
        .bind::<diesel::sql_types::Text, _>(letter_id)
        .bind::<diesel::sql_types::Text, _>(name)
        .bind::<diesel::sql_types::Text, _>(format!("signer{n}@example.org"))
        .bind::<diesel::sql_types::Text, _>(format!("signer{n}@example.org"))
        .bind::<diesel::sql_types::Text, _>(country)
        .bind::<diesel::sql_types::Bool, _>(public)
        .bind::<diesel::sql_types::Text, _>(content_hash)
        .bind::<diesel::sql_types::Text, _>(format!("2026-12-01 10:00:0{n}"))
        .execute(&mut connection)
        .expect("seed a signer");
    }
}

fn letter_of(database_url: &str) -> (String, String) {
    let path = database_url.trim_start_matches("sqlite://");
    let mut connection = diesel::SqliteConnection::establish(path).expect("open the database");
    undersigned::db::schema::letters::table
        .filter(undersigned::db::schema::letters::slug.eq(SLUG))
        .select((
            undersigned::db::schema::letters::id,
            undersigned::db::schema::letters::content_hash,
        ))
        .first(&mut connection)
        .expect("the letter")
}

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join(format!("signatories-{name}.png")),
        &png,
    );
}

/// The page is no wider than the screen at 320 px.
async fn fits_320(client: &Client, page: &str) {
    set_viewport(client, 320, 700).await;
    let widths = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("read the widths");
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "{page} scrolls sideways at 320 px: {widths}"
    );
    set_viewport(client, 390, 844).await;
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn a_visitor_searches_the_signatories_on_a_phone() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md");
    app.cli(&["letters", "import", example]);
    let (letter_id, content_hash) = letter_of(&app.database_url);
    seed(&app.database_url, &letter_id, &content_hash);

    let driver = ChromeDriver::start().await;
    let client = driver
        .session(&directory.path().join("visitor-profile"))
        .await;
    // The search is a plain GET form: the page's own scripts play no part in it.
    let mut found = Vec::new();
    set_viewport(&client, 390, 844).await;
    client
        .goto(&app.url(&format!("/letters/{SLUG}/signatories")))
        .await
        .expect("open the signatories");
    wait_for_text(&client, "3 names listed").await;
    wait_until_loaded(&client).await;
    shot(&client, "01-all-phone").await;
    axe_check(&client, &axe, "signatories", &mut found).await;
    fits_320(&client, "signatories").await;

    set_viewport(&client, 390, 844).await;
    fill(&client, "#q", "nunez").await;
    click(
        &client,
        Locator::Css("form.signatory-search button[type=submit]"),
    )
    .await;
    let text = wait_for_text(&client, "1 signatory found").await;
    assert!(text.contains("José Núñez"), "{text}");
    assert!(!text.contains("Ana Berg"), "{text}");
    assert!(
        client
            .current_url()
            .await
            .expect("url")
            .as_str()
            .contains("q=nunez"),
        "the search is an address to share"
    );
    wait_until_loaded(&client).await;
    shot(&client, "02-found-phone").await;
    axe_check(&client, &axe, "signatories?q=nunez", &mut found).await;

    set_viewport(&client, 390, 844).await;
    fill(&client, "#q", "").await;
    fill(&client, "#country", "spain").await;
    click(
        &client,
        Locator::Css("form.signatory-search button[type=submit]"),
    )
    .await;
    let text = wait_for_text(&client, "1 signatory found").await;
    assert!(
        text.contains("Ana Berg") && !text.contains("Quiet Person"),
        "{text}"
    );

    fill(&client, "#q", "Nobody Here").await;
    click(
        &client,
        Locator::Css("form.signatory-search button[type=submit]"),
    )
    .await;
    wait_for_text(&client, "No signatories match").await;
    wait_until_loaded(&client).await;
    shot(&client, "03-none-phone").await;
    axe_check(&client, &axe, "signatories?q=Nobody", &mut found).await;
    fits_320(&client, "signatories, nothing found").await;

    // In Hebrew, right to left.
    set_viewport(&client, 390, 844).await;
    client
        .goto(&app.url(&format!(
            "/he/letters/{SLUG}/signatories?q=%D7%A0%D7%95%D7%A2%D7%94"
        )))
        .await
        .expect("open the Hebrew search");
    let text = wait_for_text(&client, "נועה לוי").await;
    assert!(text.contains("שם או ארגון"), "{text}");
    wait_until_loaded(&client).await;
    shot(&client, "04-hebrew-phone").await;
    axe_check(&client, &axe, "he/signatories?q=", &mut found).await;
    fits_320(&client, "he/signatories").await;

    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
