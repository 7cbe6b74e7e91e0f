//! `/my-signatures` in a real browser, on a phone and on a laptop, in English and Hebrew: ask
//! for the list, open the emailed link, read what is public and held, withdraw a signature.
//! Every page passes axe-core and none scrolls sideways; screenshots go to
//! target/screenshots/my-signatures-*.png.

use diesel::Connection;
use fantoccini::{Client, Locator};

use super::{
    ChromeDriver, axe_check, axe_source, click, click_and_load, fill, press_confirm,
    require_browser, save_png, screenshot_dir, set_viewport, spawn_app, wait_for_text,
    wait_until_loaded,
};

const SLUG: &str = "dear-president";

async fn shot(client: &Client, name: &str) {
    // The whole page, to read what lies below the fold.
    let height = client
        .execute(
            "return Math.ceil(document.documentElement.scrollHeight);",
            vec![],
        )
        .await
        .ok()
        .and_then(|value| value.as_u64())
        .and_then(|value| u32::try_from(value).ok())
        .unwrap_or(900)
        .clamp(600, 6000);
    let width = client
        .execute("return window.innerWidth;", vec![])
        .await
        .ok()
        .and_then(|value| value.as_u64())
        .and_then(|value| u32::try_from(value).ok())
        .unwrap_or(1280);
    set_viewport(client, width, height).await;
    let png = client.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join(format!("my-signatures-{name}.png")),
        &png,
    );
}

async fn fits(client: &Client, what: &str) {
    let fits = client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .expect("measure the page");
    assert_eq!(fits, serde_json::json!(true), "{what} scrolls sideways");
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn a_signer_finds_and_withdraws_their_signature_on_a_phone_and_a_laptop() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    // Straight into the database: the command line would need the test key of its own
    // harness.
    let mut connection =
        undersigned::db::DbConnection::establish(&app.database_url).expect("open the database");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md");
    let text = std::fs::read_to_string(example).expect("the example letter");
    let document = undersigned::letters::import::parse_document(&text).expect("a letter");
    undersigned::letters::import::store(&mut connection, &document).expect("stored");
    let driver = ChromeDriver::start().await;
    let mut found = Vec::new();

    for (device, width, height, email, lang) in [
        (
            "phone",
            390,
            844,
            "dana.levi.with.a.rather.long.address@example.org",
            "he",
        ),
        ("laptop", 1366, 768, "sam@example.org", "en"),
    ] {
        let prefix = if lang == "en" {
            String::new()
        } else {
            format!("/{lang}")
        };
        let visitor = driver
            .session(&directory.path().join(format!("{device}-profile")))
            .await;
        set_viewport(&visitor, width, height).await;
        // Signs, with updates, and confirms.
        visitor
            .goto(&app.url(&format!("/letters/{SLUG}")))
            .await
            .expect("open the letter");
        wait_for_text(&visitor, "Add your name").await;
        fill(&visitor, "#name", "Dana Levi").await;
        fill(&visitor, "#email", email).await;
        click(&visitor, Locator::Css("#public")).await;
        click(&visitor, Locator::Css("#updates")).await;
        click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
        wait_for_text(&visitor, "Check your email").await;
        let mail = app.wait_for_mail_to(email).await;
        visitor
            .goto(&app.link_in(&mail, "/verify/"))
            .await
            .expect("open the confirm link");
        wait_for_text(&visitor, "Confirm your signature").await;
        press_confirm(&visitor).await;
        wait_for_text(&visitor, "Signature confirmed").await;

        // Asks for the list.
        visitor
            .goto(&app.url(&format!("{prefix}/my-signatures")))
            .await
            .expect("open /my-signatures");
        wait_until_loaded(&visitor).await;
        axe_check(&visitor, &axe, "/my-signatures", &mut found).await;
        set_viewport(&visitor, width, height).await;
        fits(&visitor, "the ask form").await;
        shot(&visitor, &format!("ask-{lang}-{device}")).await;
        set_viewport(&visitor, width, height).await;
        fill(&visitor, "#email", "not an address").await;
        click_and_load(&visitor, Locator::Css("form button[type=submit]")).await;
        axe_check(&visitor, &axe, "/my-signatures (error)", &mut found).await;
        set_viewport(&visitor, width, height).await;
        shot(&visitor, &format!("ask-error-{lang}-{device}")).await;
        set_viewport(&visitor, width, height).await;
        fill(&visitor, "#email", email).await;
        click_and_load(&visitor, Locator::Css("form button[type=submit]")).await;
        axe_check(&visitor, &axe, "/my-signatures/sent", &mut found).await;
        set_viewport(&visitor, width, height).await;
        shot(&visitor, &format!("sent-{lang}-{device}")).await;

        // The emailed link: the list.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let list = loop {
            let text = std::fs::read_dir(&app.mail_dir)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .filter_map(|entry| std::fs::read(entry.path()).ok())
                .find_map(|raw| {
                    let message = mail_parser::MessageParser::default().parse(&raw)?;
                    let to = message.to()?.first()?.address()?.to_owned();
                    let text = message.body_text(0)?.into_owned();
                    (to.eq_ignore_ascii_case(email) && text.contains("/my-signatures/"))
                        .then_some(text)
                });
            if let Some(text) = text {
                break app.link_in(&text, "/my-signatures/");
            }
            assert!(std::time::Instant::now() < deadline, "no list email");
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        visitor.goto(&list).await.expect("open the list");
        wait_until_loaded(&visitor).await;
        axe_check(&visitor, &axe, "/my-signatures/{token}", &mut found).await;
        set_viewport(&visitor, width, height).await;
        fits(&visitor, "the list").await;
        shot(&visitor, &format!("list-{lang}-{device}")).await;
        set_viewport(&visitor, width, height).await;

        // Withdraws it.
        click_and_load(
            &visitor,
            Locator::Css("article.my-signature button[type=submit]"),
        )
        .await;
        axe_check(
            &visitor,
            &axe,
            "/my-signatures/{token} (withdrawn)",
            &mut found,
        )
        .await;
        set_viewport(&visitor, width, height).await;
        fits(&visitor, "the list after withdrawing").await;
        shot(&visitor, &format!("withdrawn-{lang}-{device}")).await;
        assert!(
            visitor
                .find(Locator::Css("article.my-signature"))
                .await
                .is_err(),
            "[{device}] nothing left to list"
        );
        visitor.close().await.expect("close the browser");
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
