//! Staff deliver a letter in a real browser: the letter's console page leads with what needs
//! doing, closing asks first, the print view counts organizations and people who chose not to
//! be listed, and Chromium's own print (WebDriver "Print Page", what "Save as PDF" makes)
//! gives a document of several pages; partner links are copyable whole and console forms show
//! the error summary. Each page passes axe-core on a phone and a laptop; screenshots and the
//! PDF land in `target/screenshots/`.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::wd::PrintConfiguration;

use super::{
    App, ChromeDriver, WAIT, axe_check, axe_source, click, fill, require_browser, save_png,
    screenshot_dir, screenshots, set_viewport, sign_in, spawn_app, wait_for_text,
    wait_until_loaded,
};

const SLUG: &str = "deliver-me";
const TITLE: &str = "Stop the river dam";

/// Signs through the letter's form over plain HTTP (a browser's post, with the form's time)
/// and confirms through the emailed link.
async fn sign(app: &App, fields: &[(&str, &str)]) {
    let client = awc::Client::builder()
        .timeout(WAIT)
        .disable_redirects()
        .finish();
    let mut page = client
        .get(app.url(&format!("/letters/{SLUG}")))
        .send()
        .await
        .expect("the letter page");
    let page =
        String::from_utf8_lossy(&page.body().limit(4 << 20).await.expect("its body")).into_owned();
    let form_time = page
        .split(r#"name="t" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("t", &form_time));
    let mut signed = client
        .post(app.url(&format!("/letters/{SLUG}/sign")))
        .send_form(&all)
        .await
        .expect("signed");
    if signed.status().as_u16() != 303 {
        let body = signed.body().limit(4 << 20).await.unwrap_or_default();
        let body = String::from_utf8_lossy(&body);
        let problem = body
            .split("error-summary")
            .nth(1)
            .unwrap_or(&body)
            .chars()
            .take(1500)
            .collect::<String>();
        panic!("{fields:?} answered {}: {problem}", signed.status());
    }
    let email = fields
        .iter()
        .find(|(name, _)| *name == "email")
        .map(|(_, value)| *value)
        .expect("an email");
    let mail = app.wait_for_mail_to(email).await;
    let verify = app.link_in(&mail, "/verify/");
    let confirmed = client.post(verify).send().await.expect("confirmed");
    assert_eq!(confirmed.status().as_u16(), 200);
}

async fn organization(app: &App, name: &str, email: &str, listed: bool) {
    let mut fields = vec![
        ("kind", "organization"),
        ("organization", name),
        ("name", "Contact Person"),
        ("email", email),
    ];
    if listed {
        fields.push(("public", "on"));
    }
    sign(app, &fields).await;
}

/// The PDF's pages, as Chromium's PDF writer declares them.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn staff_print_a_letter_with_unlisted_organizations_and_get_the_counts_right() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    app.create_admin();
    let letter = directory.path().join("letter.md");
    let paragraphs =
        "The dam would drown the valley's last wetlands and the villages beside them. \
         We ask you to stop it before the permits are signed.\n\n"
            .repeat(12);
    std::fs::write(
        &letter,
        format!(
            "+++\nslug = \"{SLUG}\"\ntitle = \"{TITLE}\"\naddressee = \"the Prime Minister\"\nstatus = \"open\"\norganizations_need_approval = false\n+++\n\nDear Prime Minister,\n\n{paragraphs}"
        ),
    )
    .expect("write the letter");
    app.cli(&["letters", "import", &letter.display().to_string()]);

    organization(&app, "Friends of the Riverbank", "a@river.example", true).await;
    organization(&app, "Quiet Union", "b@quiet.example", false).await;
    organization(&app, "Silent Guild", "c@silent.example", false).await;
    for (name, email) in [
        ("Maria Okafor", "maria@example.org"),
        ("דנה לוי", "dana@example.org"),
        ("ليلى حداد", "layla@example.org"),
    ] {
        sign(&app, &[("name", name), ("email", email), ("public", "on")]).await;
    }
    sign(
        &app,
        &[("name", "Private Person"), ("email", "private@example.org")],
    )
    .await;

    let driver = ChromeDriver::start().await;
    let admin = driver
        .session(&directory.path().join("admin-profile"))
        .await;
    set_viewport(&admin, 1366, 768).await;
    sign_in(&admin, &app).await;
    let mut found = Vec::new();

    // The letter's page: what needs doing first.
    let page = app.url(&format!("/admin/letters/{SLUG}"));
    admin.goto(&page).await.expect("open the letter's page");
    let text = wait_for_text(&admin, "What needs doing").await;
    let lead = text.find("What needs doing").unwrap_or(usize::MAX);
    let rest = text.find("Everything about this letter").unwrap_or(0);
    assert!(lead < rest, "the page leads with what needs doing:\n{text}");
    wait_until_loaded(&admin).await;
    axe_check(&admin, &axe, "letter page", &mut found).await;
    screenshots(&admin, &page, "staff-letter").await;

    // Closing asks first, on a page of its own; Cancel leaves the letter open.
    set_viewport(&admin, 1366, 768).await;
    admin.goto(&page).await.expect("open the letter's page");
    wait_for_text(&admin, "Close the letter").await;
    click(
        &admin,
        Locator::XPath("//form[input[@name='to' and @value='closed']]//button"),
    )
    .await;
    wait_for_text(&admin, &format!("Close “{TITLE}”?")).await;
    wait_until_loaded(&admin).await;
    axe_check(&admin, &axe, "close confirmation", &mut found).await;
    save_screenshot(&admin, "staff-close-confirm").await;
    click(&admin, Locator::Css("form.confirm button[type=submit]")).await;
    wait_for_text(&admin, "print the letter with its signatories").await;

    // The print view: every counted signature, the unlisted ones as "and N more".
    let print = app.url(&format!("/admin/letters/{SLUG}/print"));
    set_viewport(&admin, 1366, 768).await;
    admin.goto(&print).await.expect("open the print view");
    let text = wait_for_text(&admin, "7 signatures").await;
    for expected in [
        "7 signatures: 3 organizations · 4 individuals",
        "Friends of the Riverbank",
        "and 2 more organizations",
        "Maria Okafor",
        "דנה לוי",
        "ليلى حداد",
        "and 1 more person",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    for unlisted in ["Quiet Union", "Silent Guild", "Private Person"] {
        assert!(!text.contains(unlisted), "{unlisted} is not named");
    }
    wait_until_loaded(&admin).await;
    axe_check(&admin, &axe, "print view", &mut found).await;
    screenshots(&admin, &print, "staff-print").await;

    // Chromium's own print, as "Save as PDF" makes it: the console's header is left out and
    // the signatories start on a page of their own.
    set_viewport(&admin, 1366, 768).await;
    admin.goto(&print).await.expect("open the print view");
    wait_for_text(&admin, "7 signatures").await;
    let pdf = admin
        .print(PrintConfiguration::default())
        .await
        .expect("Chromium prints the page");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let pages = pdf_pages(&pdf);
    assert!(
        pages >= 2,
        "the letter, then its signatories on a page of their own: {pages} page(s)"
    );
    std::fs::write(screenshot_dir().join("staff-print.pdf"), &pdf).expect("write the PDF");

    // Partner links whole, with a Copy button once the script runs.
    let member = "Peace Coalition";
    app.cli(&[
        "members",
        "add",
        member,
        "--email",
        "office@cfpeace.example",
        "--website",
        "cfpeace.example",
    ]);
    let partners = app.url(&format!("/admin/letters/{SLUG}/partners"));
    admin.goto(&partners).await.expect("open the partners page");
    wait_for_text(&admin, member).await;
    wait_until_loaded(&admin).await;
    let copy = admin
        .find(Locator::Css("button[data-copy]"))
        .await
        .expect("a Copy button");
    assert!(
        copy.is_displayed().await.expect("visibility"),
        "shown with script"
    );
    let link = admin
        .find(Locator::Css("code.copyable"))
        .await
        .expect("the link")
        .text()
        .await
        .expect("its text");
    assert!(link.contains(&format!("/letters/{SLUG}?via=")), "{link}");
    axe_check(&admin, &axe, "partners", &mut found).await;
    screenshots(&admin, &partners, "staff-partners").await;

    // The members page after a mistake: the error summary, its link to the field.
    set_viewport(&admin, 390, 844).await;
    admin
        .goto(&app.url("/admin/members"))
        .await
        .expect("open the members page");
    wait_for_text(&admin, "Add a member").await;
    fill(&admin, "#member-name", "Typo Org").await;
    fill(&admin, "#member-email", "office@typo.example").await;
    fill(&admin, "#member-website", "not a website").await;
    click(
        &admin,
        Locator::XPath("//form[.//input[@id='member-name']]//button[@type='submit']"),
    )
    .await;
    wait_for_text(&admin, "There is a problem").await;
    let deadline = Instant::now() + WAIT;
    loop {
        let focused = admin
            .execute(
                "return document.activeElement.classList.contains('error-summary');",
                vec![],
            )
            .await
            .expect("read the focus");
        if focused == serde_json::json!(true) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the error summary never had focus"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    axe_check(&admin, &axe, "members with a problem", &mut found).await;
    save_screenshot(&admin, "staff-member-problem-phone").await;

    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}

async fn save_screenshot(client: &fantoccini::Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    save_png(&screenshot_dir().join(format!("{name}.png")), &png);
}
