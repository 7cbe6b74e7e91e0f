//! Listing truth in a real browser, on a phone (390x844) and a laptop (1366x768): a new
//! letter asks for the first signature; an organization signs on its own form (its name
//! first, "List your organization publicly", "Add our organization", review said up front)
//! without choosing to be listed, is approved, and the page and the email say it is counted
//! but not shown; a member signs through its invite and reaches the share step. axe-core runs
//! on every page at both sizes; screenshots: `target/screenshots/listing-NN-{step}-{size}.png`.

use std::time::Instant;

use fantoccini::{Client, Locator};

use super::{
    App, ChromeDriver, VIEWPORTS, WAIT, assert_share_step, axe_check, axe_source, click, fill,
    press_confirm, reload_until, require_browser, save_png, screenshot_dir, set_viewport, sign_in,
    spawn_app, wait_for_text, wait_until_loaded,
};

const SLUG: &str = "coalition-letter";
const LETTER: &str = "+++\nslug = \"coalition-letter\"\ntitle = \"Stop the arms exports\"\naddressee = \"The governments of Europe\"\nsummary = \"End arms exports to the war.\"\nstatus = \"open\"\n+++\n\nWe ask you to stop the arms exports now.\n";
const ORGANIZATION: &str = "Quiet Harbour Collective";
const ORGANIZATION_EMAIL: &str = "quiet@harbour.test";
const MEMBER: &str = "Riverside Union";
const MEMBER_EMAIL: &str = "contact@riverside.test";

/// The subject and text of the email to `address` whose subject contains `subject`.
async fn mail_with_subject(app: &App, address: &str, subject: &str) -> (String, String) {
    let deadline = Instant::now() + WAIT;
    loop {
        let found = std::fs::read_dir(&app.mail_dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .find_map(|raw| {
                let message = mail_parser::MessageParser::default().parse(&raw)?;
                let to = message.to()?.first()?.address()?.to_owned();
                let title = message.subject()?.to_owned();
                (to.eq_ignore_ascii_case(address) && title.contains(subject))
                    .then(|| Some((title, message.body_text(0)?.into_owned())))
                    .flatten()
            });
        if let Some(found) = found {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no email to {address} about {subject:?}"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// axe-core on the page shown, at both sizes, and a screenshot of the viewport at each.
async fn check_and_shoot(client: &Client, axe: &str, step: &str, found: &mut Vec<String>) {
    wait_until_loaded(client).await;
    axe_check(client, axe, step, found).await;
    for (size, width, height) in VIEWPORTS {
        set_viewport(client, width, height).await;
        let png = client.screenshot().await.expect("screenshot");
        let path = screenshot_dir().join(format!("listing-{step}-{size}.png"));
        save_png(&path, &png);
        eprintln!("screenshot: {}", path.display());
    }
}

/// The vertical position of an element on the page.
async fn top_of(client: &Client, id: &str) -> f64 {
    client
        .execute(
            "return document.getElementById(arguments[0]).getBoundingClientRect().top;",
            vec![serde_json::json!(id)],
        )
        .await
        .expect("read the position")
        .as_f64()
        .unwrap_or_default()
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn an_unlisted_organization_and_an_invited_member_are_told_the_truth() {
    require_browser();
    let axe = axe_source();
    let started = Instant::now();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    app.create_admin();
    let file = directory.path().join("letter.md");
    std::fs::write(&file, LETTER).expect("write the letter");
    app.cli(&["letters", "import", &file.display().to_string()]);
    let driver = ChromeDriver::start().await;
    let visitor = driver.session(&directory.path().join("visitor")).await;
    let admin = driver.session(&directory.path().join("admin")).await;
    let mut violations = Vec::new();
    let letter_url = app.url(&format!("/letters/{SLUG}"));

    // 1. A new letter asks for the first signature, the addressee inside the sentence.
    set_viewport(&visitor, 390, 844).await;
    visitor.goto(&letter_url).await.expect("open the letter");
    let text = wait_for_text(&visitor, "Be the first to sign").await;
    assert!(!text.contains("0 signatures"), "{text}");
    // (The stylesheet sets the line in capitals; the words are what a screen reader reads.)
    let addressee = visitor
        .execute(
            "return document.querySelector('p.addressee').textContent;",
            vec![],
        )
        .await
        .expect("read the addressee");
    assert_eq!(addressee, "To the governments of Europe");
    check_and_shoot(&visitor, &axe, "01-new-letter", &mut violations).await;

    // 2. For an organization, the form becomes the organization's.
    set_viewport(&visitor, 390, 844).await;
    click(&visitor, Locator::Css("#kind-organization")).await;
    let text = wait_for_text(&visitor, "Add our organization").await;
    assert!(text.contains("Organization's name"), "{text}");
    assert!(
        text.contains("List your organization publicly among the signatories"),
        "{text}"
    );
    assert!(
        text.contains("staff review organizations before they count and appear"),
        "{text}"
    );
    assert!(!text.contains("List my name publicly"), "{text}");
    assert!(
        top_of(&visitor, "organization").await < top_of(&visitor, "name").await,
        "the organization's name comes first"
    );
    fill(&visitor, "#organization", ORGANIZATION).await;
    fill(&visitor, "#name", "Ines Moreau").await;
    fill(&visitor, "#email", ORGANIZATION_EMAIL).await;
    visitor
        .execute(
            "document.getElementById('sign-form').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll to the form");
    check_and_shoot(&visitor, &axe, "02-organization-form", &mut violations).await;
    click(
        &visitor,
        Locator::Css("aside.sign form button[type=submit]"),
    )
    .await;
    wait_for_text(&visitor, "Check your email").await;

    // 3. It confirms; staff see in the queue that it chose not to be listed, and approve.
    let mail = app.wait_for_mail_to(ORGANIZATION_EMAIL).await;
    visitor
        .goto(&app.link_in(&mail, "/verify/"))
        .await
        .expect("open the confirmation link");
    // The link's page shows what is confirmed and waits for the button.
    press_confirm(&visitor).await;
    wait_for_text(&visitor, "Signature confirmed").await;
    set_viewport(&admin, 1366, 768).await;
    sign_in(&admin, &app).await;
    admin
        .goto(&app.url(&format!("/admin/letters/{SLUG}/moderation")))
        .await
        .expect("open the queue");
    let text = wait_for_text(&admin, ORGANIZATION).await;
    assert!(
        text.contains("Listed publicly: no (its signer's choice)"),
        "{text}"
    );
    check_and_shoot(&admin, &axe, "03-queue", &mut violations).await;
    click(
        &admin,
        Locator::Css(&format!(r#"button[aria-label="Approve {ORGANIZATION}"]"#)),
    )
    .await;
    wait_for_text(&admin, "Nothing is waiting for approval").await;

    // 4. The email and the page say it counts and is not shown.
    let (subject, text) = mail_with_subject(&app, ORGANIZATION_EMAIL, "is counted").await;
    assert!(!subject.contains("is listed"), "{subject}");
    assert!(
        text.contains(&format!("{ORGANIZATION} is not listed publicly")),
        "{text}"
    );
    assert!(!text.contains("is now listed"), "{text}");
    let text = reload_until(&visitor, &letter_url, "Signed by 1 organization").await;
    assert!(
        text.contains("Signed by 1 organization (none listed)"),
        "{text}"
    );
    assert!(
        !text.contains(ORGANIZATION),
        "not shown, as chosen:\n{text}"
    );
    check_and_shoot(&visitor, &axe, "04-counted-not-listed", &mut violations).await;

    // 5. A member signs through its invite, chooses to be listed, and reaches the share step.
    app.cli(&["members", "add", MEMBER, "--email", MEMBER_EMAIL]);
    app.cli(&["invites", "send", SLUG, "--member", MEMBER]);
    let mail = app.wait_for_mail_to(MEMBER_EMAIL).await;
    set_viewport(&visitor, 390, 844).await;
    visitor
        .goto(&app.link_in(&mail, &format!("/letters/{SLUG}/invite/")))
        .await
        .expect("open the invite");
    let text = wait_for_text(&visitor, &format!("Sign for {MEMBER}")).await;
    assert!(
        text.contains(&format!("List {MEMBER} publicly among the signatories")),
        "{text}"
    );
    fill(&visitor, "#name", "Tomas Reyes").await;
    click(&visitor, Locator::Css("#public")).await;
    click(
        &visitor,
        Locator::Css("aside.sign form button[type=submit]"),
    )
    .await;
    let text = wait_for_text(&visitor, "Ask others to sign").await;
    assert!(
        text.contains("Your organization is now listed on the letter."),
        "{text}"
    );
    assert_share_step(&visitor, "invite signed").await;
    check_and_shoot(&visitor, &axe, "05-invite-share-step", &mut violations).await;
    let text = reload_until(&visitor, &letter_url, MEMBER).await;
    assert!(
        text.contains("Signed by 2 organizations (1 listed below)"),
        "{text}"
    );
    check_and_shoot(&visitor, &axe, "06-one-of-two-listed", &mut violations).await;

    visitor.close().await.expect("close the visitor's browser");
    admin.close().await.expect("close the admin's browser");
    drop(driver);
    eprintln!("listing browser test took {:.1?}", started.elapsed());
    assert!(
        violations.is_empty(),
        "axe-core found:\n{}",
        violations.join("\n")
    );
}
