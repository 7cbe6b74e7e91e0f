//! The privacy notice and the line by the sign button, as a reader sees them on a phone
//! (390x844) in English, Hebrew and Arabic: the notice's sections and lists read in the
//! page's direction, the coalition's own paragraphs come under it, nothing scrolls sideways
//! at 320 px, and axe-core finds nothing. Screenshots: `target/screenshots/privacy-*.png`.

use diesel::Connection;
use fantoccini::Client;

use super::{
    ChromeDriver, axe_check, axe_source, require_browser, save_png, screenshot_dir, set_viewport,
    spawn_app_with, wait_for_text, wait_until_loaded,
};

const SLUG: &str = "dear-president";

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    save_png(&screenshot_dir().join(format!("privacy-{name}.png")), &png);
}

/// The page is no wider than a 320 px screen.
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
async fn the_notice_and_the_gist_read_well_on_a_phone_in_three_languages() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app_with(
        directory.path(),
        &[
            ("site.name", "Coalition for the Right to Protest".to_owned()),
            ("site.contact", "privacy@coalition.example".to_owned()),
            (
                "site.privacy",
                "Our data protection officer is **Dana Levi**.".to_owned(),
            ),
            (
                "site.privacy_by_language.ar",
                "مسؤولة حماية البيانات لدينا هي **دانة ليفي**.".to_owned(),
            ),
        ],
    )
    .await;
    // Straight into the database: the command line would need the test key of its own
    // harness. This letter keeps addresses until delivery, so its line says so.
    let mut connection =
        undersigned::db::DbConnection::establish(&app.database_url).expect("open the database");
    let document = undersigned::letters::import::parse_document(&format!(
        "+++\nslug = \"{SLUG}\"\ntitle = \"Dear President\"\naddressee = \"The President\"\nstatus = \"open\"\nkeep_addresses_until_delivery = true\n+++\n\nWe ask you to **veto** the bill.\n"
    ))
    .expect("a letter");
    undersigned::letters::import::store(&mut connection, &document).expect("stored");

    let driver = ChromeDriver::start().await;
    let client = driver.session(&directory.path().join("reader")).await;
    let mut found = Vec::new();
    for (lang, heading, own) in [
        ("en", "What we keep when you sign", "Dana Levi"),
        ("he", "מה אנחנו שומרים כשאתם חותמים", "Dana Levi"),
        ("ar", "ما الذي نحتفظ به عندما توقّع", "دانة ليفي"),
    ] {
        set_viewport(&client, 390, 844).await;
        client
            .goto(&app.url(&format!("/{lang}/privacy")))
            .await
            .expect("open the notice");
        let text = wait_for_text(&client, heading).await;
        assert!(text.contains(own), "{lang}: {text}");
        assert!(text.contains("privacy@coalition.example"), "{lang}: {text}");
        wait_until_loaded(&client).await;
        shot(&client, &format!("{lang}-notice-phone")).await;
        client
            .execute(
                "document.querySelector('#privacy-how-long')?.scrollIntoView();",
                vec![],
            )
            .await
            .expect("scroll");
        shot(&client, &format!("{lang}-notice-how-long-phone")).await;
        axe_check(&client, &axe, &format!("{lang}/privacy"), &mut found).await;
        fits_320(&client, &format!("{lang}/privacy")).await;

        // The letter page: the line under the sign button, before anyone signs.
        set_viewport(&client, 390, 844).await;
        client
            .goto(&app.url(&format!("/{lang}/letters/{SLUG}")))
            .await
            .expect("open the letter");
        wait_until_loaded(&client).await;
        client
            .execute(
                "document.querySelector('.hint.privacy')?.scrollIntoView({block: 'center'});",
                vec![],
            )
            .await
            .expect("scroll");
        shot(&client, &format!("{lang}-gist-phone")).await;
        let gist = client
            .execute(
                "return document.querySelector('.hint.privacy').innerText;",
                vec![],
            )
            .await
            .expect("read the line");
        assert!(
            gist.as_str()
                .unwrap_or("")
                .contains("Coalition for the Right to Protest"),
            "{lang}: {gist}"
        );
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
