//! The signer's loop in a real browser, on a phone and on a laptop: a mistyped address is
//! corrected from the check-email page, the choices are said back on every page after Sign,
//! the confirm page offers them before its button, and the letter then says "You signed".
//! Every page passes axe-core; screenshots go to target/screenshots/signer-loop-*.png.

use fantoccini::{Client, Locator};

use super::{
    ChromeDriver, axe_check, axe_source, click, fill, page_text, press_confirm, require_browser,
    save_png, screenshot_dir, set_viewport, spawn_app, wait_for_text, wait_until_loaded,
};

const SLUG: &str = "dear-president";

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join(format!("signer-loop-{name}.png")),
        &png,
    );
}

async fn value_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no {css}: {error}"))
        .prop("value")
        .await
        .expect("read the value")
        .unwrap_or_default()
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn a_typo_is_corrected_from_the_check_email_page_and_the_choices_follow() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md");
    app.cli(&["letters", "import", example]);
    let driver = ChromeDriver::start().await;
    let mut found = Vec::new();

    for (device, width, height, typed, meant, name) in [
        (
            "phone",
            390,
            844,
            "dana@gmial.con",
            "dana@gmail.com",
            "Dana Levi",
        ),
        (
            "laptop",
            1366,
            768,
            "sam@hotmial.com",
            "sam@hotmail.com",
            "Sam Cohen",
        ),
    ] {
        let visitor = driver
            .session(&directory.path().join(format!("{device}-profile")))
            .await;
        set_viewport(&visitor, width, height).await;
        visitor
            .goto(&app.url(&format!("/letters/{SLUG}")))
            .await
            .expect("open the letter");
        wait_for_text(&visitor, "Add your name").await;
        fill(&visitor, "#name", name).await;
        fill(&visitor, "#email", typed).await;
        click(&visitor, Locator::Css("#public")).await;
        click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;

        // Check your email: the address as typed, a suggestion, the choices.
        let text = wait_for_text(&visitor, "Check your email").await;
        wait_until_loaded(&visitor).await;
        assert!(text.contains(typed), "[{device}] {text}");
        assert!(
            text.contains(&format!("Did you mean {meant}?")),
            "[{device}] {text}"
        );
        assert!(text.contains("Wrong address?"), "[{device}] {text}");
        assert!(
            text.contains("Listed publicly on the letter: yes"),
            "[{device}] {text}"
        );
        assert!(
            text.contains("Updates about this letter by email: no"),
            "[{device}] {text}"
        );
        assert!(
            !visitor
                .current_url()
                .await
                .expect("url")
                .as_str()
                .contains('@')
        );
        axe_check(&visitor, &axe, "/letters/{slug}/signed (typo)", &mut found).await;
        set_viewport(&visitor, width, height).await;
        shot(&visitor, &format!("check-email-{device}")).await;

        // "Yes, correct my address": the form again, kept, with the right address.
        click(&visitor, Locator::LinkText("Yes, correct my address")).await;
        wait_for_text(&visitor, "Add your name").await;
        wait_until_loaded(&visitor).await;
        assert_eq!(value_of(&visitor, "#email").await, meant, "[{device}]");
        assert_eq!(value_of(&visitor, "#name").await, name, "[{device}]");
        let public = visitor
            .find(Locator::Css("#public"))
            .await
            .expect("the public box")
            .prop("checked")
            .await
            .expect("read the box");
        assert_eq!(
            public.as_deref(),
            Some("true"),
            "[{device}] the box is kept"
        );
        axe_check(&visitor, &axe, "/letters/{slug}/change?fix", &mut found).await;
        set_viewport(&visitor, width, height).await;
        shot(&visitor, &format!("corrected-form-{device}")).await;
        click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
        let text = wait_for_text(&visitor, "Check your email").await;
        assert!(text.contains(meant), "[{device}] {text}");
        assert!(!text.contains("Did you mean"), "[{device}] {text}");

        // The email says the choices; its link opens the confirm page with them as boxes.
        let mail = app.wait_for_mail_to(meant).await;
        assert!(
            mail.contains("Listed publicly on the letter: yes"),
            "{mail}"
        );
        visitor
            .goto(&app.link_in(&mail, "/verify/"))
            .await
            .expect("open the emailed link");
        let text = wait_for_text(&visitor, "Confirm your signature").await;
        wait_until_loaded(&visitor).await;
        assert!(
            text.contains(&format!("Signed as {name}")),
            "[{device}] {text}"
        );
        axe_check(&visitor, &axe, "/verify/{token} (choices)", &mut found).await;
        set_viewport(&visitor, width, height).await;
        shot(&visitor, &format!("confirm-{device}")).await;
        // Updates wanted after all: ticked here, before confirming.
        click(&visitor, Locator::Css("#choice-updates")).await;
        press_confirm(&visitor).await;
        let text = wait_for_text(&visitor, "Signature confirmed").await;
        wait_until_loaded(&visitor).await;
        assert!(
            text.contains("listed publicly on the letter"),
            "[{device}] {text}"
        );
        assert!(
            text.contains("Updates about this letter by email: yes"),
            "[{device}] {text}"
        );
        assert!(!text.contains("if you chose"), "[{device}] {text}");
        axe_check(
            &visitor,
            &axe,
            "/verify/{token} (confirmed, choices)",
            &mut found,
        )
        .await;
        set_viewport(&visitor, width, height).await;
        shot(&visitor, &format!("confirmed-{device}")).await;

        // The letter, in this browser: "You signed" and the share step, not the form.
        visitor
            .goto(&app.url(&format!("/letters/{SLUG}")))
            .await
            .expect("open the letter");
        let text = wait_for_text(&visitor, "You signed this letter").await;
        wait_until_loaded(&visitor).await;
        assert!(!text.contains("Add your name"), "[{device}] {text}");
        axe_check(&visitor, &axe, "/letters/{slug} (you signed)", &mut found).await;
        set_viewport(&visitor, width, height).await;
        visitor
            .execute("document.getElementById('sign').scrollIntoView();", vec![])
            .await
            .expect("scroll to the aside");
        shot(&visitor, &format!("you-signed-{device}")).await;
        let wide = visitor
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await
            .expect("measure the page");
        assert_eq!(
            wide,
            serde_json::json!(true),
            "[{device}] the page scrolls sideways"
        );
        let _ = page_text(&visitor).await;
        visitor.close().await.expect("close the browser");
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
