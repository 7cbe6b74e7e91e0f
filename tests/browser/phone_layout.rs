//! No public page is wider than a 320 px phone, whatever people type: a letter with a long
//! address and a long unbroken link in its text, Hebrew and Arabic translations, a signer
//! with a 60-letter surname, a member organization with a long name, a delivery link of
//! 200 characters. Each page is opened in a phone-sized Chromium (320x640, as a phone
//! reports itself, so the page's viewport tag applies), checked for sideways scrolling
//! (`scrollWidth` of the document at most its `clientWidth`) and with axe-core, and
//! screenshotted to `target/screenshots/phone-320-*.png`.

use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::{
    App, CHROMIUM, ChromeDriver, axe_source, click, fill, press_confirm, require_browser, save_png,
    screenshot_dir, spawn_app, wait_for_text, wait_until_loaded,
};

const SLUG: &str = "protect-the-right-to-protest-and-to-assemble-peacefully-in-every-city";
const SURNAME: &str = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewis";
const MEMBER: &str = "Internationale Arbeitsgemeinschaft der Nachbarschaftsinitiativen für Versammlungsfreiheitsrechte";
const SIGNER_EMAIL: &str = "maria@riverbank.test";

fn original() -> String {
    format!(
        "+++\nslug = \"{SLUG}\"\nlang = \"en\"\ntitle = \"Protect the right to protest and to assemble peacefully\"\naddressee = \"The Honourable Presidents of the Parliamentary Assemblies of the Republic\"\nsummary = \"Veto the assembly bill.\"\nstatus = \"open\"\ngoal = 1000\n+++\n\nDear Presidents,\n\nRead the bill at https://parliament.example.org/bills/2026/public-assembly-bill-consolidated-text-as-amended-in-committee-final-version.pdf before you sign it.\n\nWe ask you to **veto** the bill.\n"
    )
}

const HEBREW: &str = "+++\ntitle = \"הגנו על הזכות להפגין ולהתאסף בשלום בכל עיר ובכל כפר\"\naddressee = \"נשיאי האספות הפרלמנטריות של הרפובליקה\"\n+++\n\nאנו מבקשים להטיל וטו על הצעת החוק. https://parliament.example.org/bills/2026/public-assembly-bill-consolidated-text-as-amended-in-committee.pdf\n";
const ARABIC: &str = "+++\ntitle = \"احموا الحق في الاحتجاج والتجمع السلمي في كل مدينة وكل قرية\"\naddressee = \"رؤساء المجالس البرلمانية في الجمهورية\"\n+++\n\nنطلب منكم نقض مشروع القانون. https://parliament.example.org/bills/2026/public-assembly-bill-consolidated-text-as-amended-in-committee.pdf\n";

/// A browser that reports itself as a 320x640 phone, as Chrome's device mode does; without
/// `script`, one that runs none (the confirm page a script would submit at once).
async fn phone_session(driver: &ChromeDriver, profile: &Path, script: bool) -> Client {
    let mut capabilities = serde_json::Map::new();
    let scripts = format!("--blink-settings=scriptEnabled={script}");
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                format!("--user-data-dir={}", profile.display()),
                scripts,
            ],
            "mobileEmulation": {
                "deviceMetrics": { "width": 320, "height": 640, "pixelRatio": 1.0, "touch": true, "mobile": true },
            },
        }),
    );
    ClientBuilder::rustls()
        .expect("TLS roots for the WebDriver client")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// The page as loaded: no sideways scrolling (else the widest elements, to say which), an
/// axe-core run (where scripts run: axe is one), a screenshot.
async fn check_page(client: &Client, axe: Option<&str>, name: &str, problems: &mut Vec<String>) {
    wait_until_loaded(client).await;
    let width = client
        .execute(
            "const root = document.documentElement;
             const wide = [...document.querySelectorAll('body *')]
               .filter(element => element.getBoundingClientRect().right > root.clientWidth + 0.5
                 || element.getBoundingClientRect().left < -0.5)
               .filter(element => !element.closest('.visually-hidden, .hp, .skip'))
               .slice(0, 5)
               .map(element => element.tagName.toLowerCase()
                 + (element.id ? '#' + element.id : '')
                 + (element.className && typeof element.className === 'string' ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
                 + ' ' + Math.round(element.getBoundingClientRect().width) + 'px');
             return { scroll: root.scrollWidth, client: root.clientWidth, inner: window.innerWidth, wide };",
            vec![],
        )
        .await
        .expect("measure the page");
    let scroll = width["scroll"].as_u64().unwrap_or(u64::MAX);
    let client_width = width["client"].as_u64().unwrap_or(0);
    // A phone shows a page wider than itself zoomed out, its viewport as wide as the page
    // (innerWidth 420 on a 320 px screen): that too is a page wider than the screen.
    let inner = width["inner"].as_u64().unwrap_or(u64::MAX);
    if scroll > client_width || inner != 320 {
        problems.push(format!(
            "{name}: {scroll} px wide on a 320 px screen ({width})"
        ));
    }
    // The part long text is likeliest to break, in view for the screenshot.
    client
        .execute(
            "document.querySelector('.delivered, .share, .people')?.scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll");
    let png = client.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join(format!("phone-320-{name}.png")),
        &png,
    );
    let Some(axe) = axe else {
        return;
    };
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("ask whether axe is loaded");
    if loaded != json!(true) {
        client
            .execute(&format!("{axe}\n;return true;"), vec![])
            .await
            .expect("inject axe-core");
    }
    let answer = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(results => done(results.violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(error => done(['axe-error ' + String(error)]));",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("axe.run on {name}: {error}"));
    for violation in answer.as_array().cloned().unwrap_or_default() {
        problems.push(format!("{name}: axe {}", violation.as_str().unwrap_or("?")));
    }
}

async fn visit(
    client: &Client,
    axe: Option<&str>,
    url: &str,
    expected: &str,
    name: &str,
    problems: &mut Vec<String>,
) {
    client.goto(url).await.expect("open the page");
    wait_for_text(client, expected).await;
    check_page(client, axe, name, problems).await;
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn no_public_page_is_wider_than_a_320_px_phone() {
    require_browser();
    let axe = axe_source();
    let axe = Some(axe.as_str());
    let directory = tempfile::tempdir().expect("temporary directory");
    let app: App = spawn_app(directory.path()).await;
    let file = directory.path().join("letter.md");
    std::fs::write(&file, original()).expect("write the letter");
    std::fs::write(directory.path().join("letter.he.md"), HEBREW).expect("write the Hebrew");
    std::fs::write(directory.path().join("letter.ar.md"), ARABIC).expect("write the Arabic");
    app.cli(&["letters", "import", &file.display().to_string()]);
    app.cli(&["members", "add", MEMBER, "--email", "office@arge.test"]);
    app.cli(&["invites", "send", SLUG, "--member", MEMBER]);
    let invite_mail = app.wait_for_mail_to("office@arge.test").await;
    let invite = app.link_in(&invite_mail, &format!("/letters/{SLUG}/invite/"));
    let partner = app
        .cli(&["members", "export-link", SLUG, MEMBER])
        .split_whitespace()
        .find(|word| word.contains("/partners/"))
        .map(|link| {
            app.url(
                link.strip_prefix(super::PUBLIC_URL)
                    .unwrap_or(link)
                    .trim_end_matches(['.', ',']),
            )
        })
        .expect("the partner link printed");

    let driver = ChromeDriver::start().await;
    let phone = phone_session(&driver, &directory.path().join("phone-profile"), true).await;
    let no_script =
        phone_session(&driver, &directory.path().join("no-script-profile"), false).await;
    let mut problems = Vec::new();
    let letter = app.url(&format!("/letters/{SLUG}"));

    // A signer with a 60-letter surname signs on the phone, asking for updates.
    visit(
        &phone,
        axe,
        &letter,
        "Add your name",
        "letter",
        &mut problems,
    )
    .await;
    fill(&phone, "#name", &format!("Maria {SURNAME}")).await;
    fill(&phone, "#email", SIGNER_EMAIL).await;
    click(&phone, Locator::Css("#public")).await;
    click(&phone, Locator::Css("#updates")).await;
    click(&phone, Locator::Css("#sign-form button[type=submit]")).await;
    wait_for_text(&phone, "Check your email").await;
    check_page(&phone, axe, "check-email", &mut problems).await;
    let mail = app.wait_for_mail_to(SIGNER_EMAIL).await;
    let verify = app.link_in(&mail, "/verify/");
    let withdraw = app.link_in(&mail, "/withdraw/");
    // The link's page shows what is confirmed and waits for the button, without script first.
    visit(
        &no_script,
        None,
        &verify,
        "Confirm my signature",
        "confirm",
        &mut problems,
    )
    .await;
    // With script too the page shows what is confirmed and waits for the button.
    visit(
        &phone,
        axe,
        &verify,
        "Confirm my signature",
        "confirm-with-script",
        &mut problems,
    )
    .await;
    press_confirm(&phone).await;
    wait_for_text(&phone, "Signature confirmed").await;
    check_page(&phone, axe, "confirmed", &mut problems).await;
    visit(
        &phone,
        axe,
        &withdraw,
        "Withdraw",
        "withdraw",
        &mut problems,
    )
    .await;

    // The letter and its pages, with the long name listed.
    let mut listed = false;
    for _ in 0..20 {
        phone.goto(&letter).await.expect("open the letter");
        if super::page_text(&phone).await.contains(SURNAME) {
            listed = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(listed, "the long surname is listed");
    check_page(&phone, axe, "letter-signed", &mut problems).await;
    for (path, expected, name) in [
        ("/".to_owned(), "Protect the right", "index"),
        (
            format!("/letters/{SLUG}/signatories"),
            SURNAME,
            "signatories",
        ),
        (
            format!("/letters/{SLUG}/versions"),
            "Protect the right",
            "versions",
        ),
        (
            format!("/letters/{SLUG}/resend"),
            "Protect the right",
            "resend",
        ),
        (
            format!("/letters/{SLUG}/embed"),
            "Protect the right",
            "embed",
        ),
        ("/privacy".to_owned(), "Privacy", "privacy"),
        (
            "/letters/no-such-letter".to_owned(),
            "not found",
            "not-found",
        ),
        // Last: the interface then stays in the language chosen.
        (format!("/he/letters/{SLUG}"), "הגנו על הזכות", "letter-he"),
        (format!("/ar/letters/{SLUG}"), "احموا الحق", "letter-ar"),
    ] {
        visit(&phone, axe, &app.url(&path), expected, name, &mut problems).await;
    }
    visit(
        &phone,
        axe,
        &invite,
        "Internationale",
        "invite",
        &mut problems,
    )
    .await;
    visit(
        &phone,
        axe,
        &partner,
        "Internationale",
        "partner-download",
        &mut problems,
    )
    .await;

    // Delivered, with a long link and an update to the signer, whose unsubscribe page opens.
    let long_link = format!(
        "https://news.example.org/2026/12/07/{}",
        "coalition-hands-the-open-letter-to-the-presidents-of-the-assemblies-".repeat(2)
    );
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    app.cli(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        &today,
        "--note",
        &format!("Handed over at the ministry; the recording is at {long_link}"),
        "--link",
        &long_link,
        "--send-update",
        "--yes",
    ]);
    let mut delivered = false;
    for _ in 0..20 {
        phone.goto(&letter).await.expect("open the letter");
        if super::page_text(&phone).await.contains("Handed over") {
            delivered = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(delivered, "the delivered notice shows");
    check_page(&phone, axe, "delivered", &mut problems).await;
    let update = wait_for_mail_containing(&app, SIGNER_EMAIL, "/unsubscribe/").await;
    let unsubscribe = app.link_in(&update, "/unsubscribe/");
    visit(&phone, axe, &unsubscribe, "", "unsubscribe", &mut problems).await;

    phone.close().await.expect("close the browser");
    no_script.close().await.expect("close the browser");
    drop(driver);
    assert!(
        problems.is_empty(),
        "{} problem(s) on a 320 px phone:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The text of the email to `address` that contains `needle` (another than the first).
async fn wait_for_mail_containing(app: &App, address: &str, needle: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = std::fs::read_dir(&app.mail_dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .find_map(|raw| {
                let message = mail_parser::MessageParser::default().parse(&raw)?;
                let to = message.to()?.first()?.address()?.to_owned();
                let text = message.body_text(0)?.into_owned();
                (to.eq_ignore_ascii_case(address) && text.contains(needle)).then_some(text)
            });
        if let Some(text) = found {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no email to {address} with {needle}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}
