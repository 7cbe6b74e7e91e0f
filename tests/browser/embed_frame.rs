//! The embed on a member's own site, on another origin, on a phone (390x844), with the code
//! the console gives that member: the frame grows when "for an organization" is chosen (its
//! page posts its height, the snippet's three lines set it), a mistake is shown inside the
//! frame with the error summary, and "check your email" too; the member's page never
//! leaves. Without script the frame's own height fits the organization's form. axe-core
//! runs on the console's embed page and on the embed in each state. Screenshots:
//! `target/screenshots/embed-frame-*.png`.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{
    App, ChromeDriver, WAIT, axe_check, axe_source, click, fill, require_browser, save_png,
    screenshot_dir, set_viewport, sign_in, spawn_app_with, visit_and_check, wait_for_text,
    wait_until_loaded,
};

const SLUG: &str = "dear-president";
const MEMBER: &str = "Friends of the Riverbank";
const PHONE: (u32, u32) = (390, 844);
/// `http::embed::DEFAULT_HEIGHT`, as the console's snippet writes it.
const DEFAULT_HEIGHT: u64 = 1500;

/// The member's page: a heading, a line, and the code pasted as the console gave it.
fn serve_member_page(listener: TcpListener, snippet: String) {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{MEMBER}</title></head><body style=\"font-family: sans-serif; margin: 1em; \
         background: #eef4ee\"><main><h1>{MEMBER}</h1><p>We signed this open letter. Will \
         you?</p>\n{snippet}\n<p id=\"after\">Thank you from the riverbank.</p></main></body></html>"
    );
    let server = actix_web::HttpServer::new(move || {
        let page = page.clone();
        actix_web::App::new().default_service(actix_web::web::to(move || {
            let page = page.clone();
            async move {
                actix_web::HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(page)
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .expect("serve the member's page")
    .run();
    actix_web::rt::spawn(server);
}

/// The frame's height on the member's page, in CSS pixels.
async fn frame_height(client: &Client) -> u64 {
    client
        .execute(
            "return Math.round(document.querySelector('iframe').getBoundingClientRect().height);",
            vec![],
        )
        .await
        .expect("read the frame's height")
        .as_u64()
        .unwrap_or(0)
}

/// Waits until the frame's height on the member's page satisfies `done`; returns it.
async fn wait_for_height(client: &Client, what: &str, done: impl Fn(u64) -> bool) -> u64 {
    let deadline = Instant::now() + WAIT;
    loop {
        let height = frame_height(client).await;
        if done(height) {
            return height;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: the frame stays {height} px tall"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Inside the frame: how tall its content is, and how tall the frame shows it.
async fn content_and_window(client: &Client) -> (u64, u64) {
    let answer = client
        .execute(
            "const panel = document.querySelector('.embed-panel');
             const style = getComputedStyle(document.body);
             return [Math.ceil(panel.getBoundingClientRect().bottom + scrollY + parseFloat(style.marginBottom)),
                     window.innerHeight];",
            vec![],
        )
        .await
        .expect("measure the frame's content");
    (
        answer[0].as_u64().unwrap_or(0),
        answer[1].as_u64().unwrap_or(0),
    )
}

async fn enter_frame(client: &Client) {
    client
        .find(Locator::Css("iframe"))
        .await
        .expect("the embed's frame")
        .enter_frame()
        .await
        .expect("enter the embed's frame");
}

/// The whole member's page at the phone's width, for a look.
async fn shoot(client: &Client, name: &str) {
    client
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .expect("scroll to the top");
    let height = client
        .execute(
            "return Math.ceil(document.documentElement.scrollHeight);",
            vec![],
        )
        .await
        .ok()
        .and_then(|value| value.as_u64())
        .and_then(|value| u32::try_from(value).ok())
        .unwrap_or(PHONE.1)
        .clamp(PHONE.1, 6000);
    set_viewport(client, PHONE.0, height).await;
    let png = client.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join(format!("embed-frame-{name}.png")),
        &png,
    );
    set_viewport(client, PHONE.0, PHONE.1).await;
}

async fn the_top_page_is_the_members(client: &Client, member_origin: &str) {
    client
        .enter_parent_frame()
        .await
        .expect("the member's page");
    let url = client.current_url().await.expect("the page's address");
    assert!(
        url.as_str().starts_with(member_origin),
        "the visitor left the member's site for {url}"
    );
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn the_embed_fits_its_frame_and_keeps_errors_inside_it_on_a_phone() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let member_site = TcpListener::bind("127.0.0.1:0").expect("a port for the member's site");
    let member_origin = format!(
        "http://127.0.0.1:{}",
        member_site.local_addr().expect("its address").port()
    );
    // The public address is the one the browser uses, so that the snippet's origin check
    // meets the frame's real origin.
    let port = super::harness::free_port();
    let site = format!("http://127.0.0.1:{port}");
    let app: App = spawn_app_with(
        directory.path(),
        &[
            ("server.bind", format!("127.0.0.1:{port}")),
            ("server.public_url", site.clone()),
            ("embed.allowed_origins", format!(r#"["{member_origin}"]"#)),
        ],
    )
    .await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md");
    app.cli(&["letters", "import", example]);
    app.cli(&[
        "members",
        "add",
        MEMBER,
        "--email",
        "contact@riverbank.test",
    ]);
    let code = app
        .cli(&["members", "list"])
        .lines()
        .find(|line| line.contains(MEMBER))
        .and_then(|line| line.split_whitespace().next())
        .expect("the member's code")
        .to_owned();
    app.create_admin();

    let driver = ChromeDriver::start().await;
    let mut found = Vec::new();

    // Staff take the member's code from the console.
    let admin = driver
        .session(&directory.path().join("admin-profile"))
        .await;
    sign_in(&admin, &app).await;
    let console = app.url(&format!("/admin/letters/{SLUG}/embed?member={code}"));
    visit_and_check(&admin, &axe, &console, "Code to paste for", &mut found).await;
    let snippet = admin
        .execute(
            "return document.getElementById('embed-snippet').value;",
            vec![],
        )
        .await
        .expect("read the snippet")
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        snippet.contains(&format!("{site}/en/letters/{SLUG}/embed?via={code}")),
        "{snippet}"
    );
    set_viewport(&admin, 1366, 768).await;
    let png = admin.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join("embed-frame-console-snippet.png"),
        &png,
    );
    admin.close().await.expect("close the admin's browser");
    serve_member_page(member_site, snippet);

    let visitor = driver
        .session(&directory.path().join("visitor-profile"))
        .await;
    set_viewport(&visitor, PHONE.0, PHONE.1).await;
    visitor
        .goto(&format!("{member_origin}/"))
        .await
        .expect("open the member's page");
    wait_for_text(&visitor, "Will you?").await;

    // The frame takes its content's height, as a person signs.
    let person = wait_for_height(&visitor, "the frame's page says its height", |height| {
        height > 0 && height != DEFAULT_HEIGHT
    })
    .await;
    enter_frame(&visitor).await;
    wait_for_text(&visitor, "Add your name").await;
    wait_until_loaded(&visitor).await;
    let (content, shown) = content_and_window(&visitor).await;
    assert!(
        content <= shown + 1,
        "a person's form: the content ({content} px) is taller than the frame ({shown} px)"
    );
    visitor
        .enter_parent_frame()
        .await
        .expect("the member's page");
    shoot(&visitor, "phone-person").await;

    // For an organization: more to fill in, and the frame grows with it.
    enter_frame(&visitor).await;
    click(&visitor, Locator::Css("#kind-organization")).await;
    visitor
        .enter_parent_frame()
        .await
        .expect("the member's page");
    let organization = wait_for_height(&visitor, "the frame grows for an organization", |height| {
        height > person
    })
    .await;
    enter_frame(&visitor).await;
    let (content, shown) = content_and_window(&visitor).await;
    assert!(
        content <= shown + 1,
        "an organization's form: the content ({content} px) is taller than the frame ({shown} px)"
    );
    // The height a page without script keeps fits this, the tallest form on a phone.
    assert!(
        content <= DEFAULT_HEIGHT,
        "the frame's default height ({DEFAULT_HEIGHT} px) cuts off the organization's form \
         ({content} px) on a phone"
    );
    visitor
        .enter_parent_frame()
        .await
        .expect("the member's page");
    shoot(&visitor, "phone-organization").await;

    // A mistake: shown inside the frame, with the error summary, what was typed kept.
    enter_frame(&visitor).await;
    fill(&visitor, "#email", "dana@gmial").await;
    fill(&visitor, "#organization", "Riverbank Friends").await;
    click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
    wait_for_text(&visitor, "There is a problem").await;
    wait_until_loaded(&visitor).await;
    let state = visitor
        .execute(
            "return { summary: !!document.querySelector('.error-summary'),
                      focused: document.activeElement && document.activeElement.className,
                      email: document.getElementById('email').value,
                      organization: document.getElementById('kind-organization').checked };",
            vec![],
        )
        .await
        .expect("read the form");
    assert_eq!(
        state,
        json!({ "summary": true, "focused": "error-summary", "email": "dana@gmial", "organization": true }),
        "the error inside the frame"
    );
    axe_check(&visitor, &axe, "embed in a frame, with errors", &mut found).await;
    set_viewport(&visitor, PHONE.0, PHONE.1).await;
    the_top_page_is_the_members(&visitor, &member_origin).await;
    let with_errors = wait_for_height(&visitor, "the frame fits the errors", |height| {
        height > organization
    })
    .await;
    enter_frame(&visitor).await;
    let (content, shown) = content_and_window(&visitor).await;
    assert!(
        content <= shown + 1,
        "with errors: {content} px in {shown} px"
    );
    visitor
        .enter_parent_frame()
        .await
        .expect("the member's page");
    shoot(&visitor, "phone-error").await;

    // Fixed and signed: "check your email" in the frame, the address shown back.
    enter_frame(&visitor).await;
    fill(&visitor, "#name", "Dana Levi").await;
    fill(&visitor, "#email", "dana@riverbank.test").await;
    click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
    wait_for_text(&visitor, "Check your email").await;
    let text = wait_for_text(&visitor, "dana@riverbank.test").await;
    assert!(text.contains("Not your address? Sign again"), "{text}");
    wait_until_loaded(&visitor).await;
    let focused = visitor
        .execute("return document.activeElement.id;", vec![])
        .await
        .expect("read the focus");
    assert_eq!(
        focused,
        json!("check-email-heading"),
        "the answer has the focus"
    );
    axe_check(&visitor, &axe, "check your email in a frame", &mut found).await;
    set_viewport(&visitor, PHONE.0, PHONE.1).await;
    the_top_page_is_the_members(&visitor, &member_origin).await;
    let signed = wait_for_height(&visitor, "the frame fits check-your-email", |height| {
        height < with_errors
    })
    .await;
    assert!(signed > 200, "{signed}");
    // The person was at the button, far down; the answer's heading is on their screen.
    let top = visitor
        .execute(
            "return Math.round(document.querySelector('iframe').getBoundingClientRect().top);",
            vec![],
        )
        .await
        .expect("where the frame is")
        .as_i64()
        .unwrap_or(i64::MIN);
    assert!(
        (-60..i64::from(PHONE.1) - 100).contains(&top),
        "the frame's top is at {top} px: its answer is off screen"
    );
    let png = visitor.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join("embed-frame-phone-check-email-seen.png"),
        &png,
    );
    shoot(&visitor, "phone-check-email").await;
    let mail = app.wait_for_mail_to("dana@riverbank.test").await;
    assert!(mail.contains("/verify/"), "{mail}");

    // The embed itself, as a page, at both sizes.
    visit_and_check(
        &visitor,
        &axe,
        &app.url(&format!("/he/letters/{SLUG}/embed?via={code}")),
        "Riverbank",
        &mut found,
    )
    .await;

    visitor.close().await.expect("close the visitor's browser");
    drop(driver);
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}
