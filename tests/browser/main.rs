//! End to end in a real browser: the staff console and the public pages driven through
//! Chromium with WebDriver, as an admin and a visitor would use them.
//!
//! Needs Debian's `chromium` and `chromium-driver` and the `axe-core` npm package
//! (`bash .ci/run` installs them). The tests are marked ignored, so a plain `cargo test`
//! counts them as such and works anywhere; `bash .ci/test` (`-- --include-ignored`) runs
//! them, and without those parts they fail saying which is missing.
//! Screenshots land in `target/screenshots/`. The shared Hebrew and Arabic links' journey is in
//! `languages.rs`, on the helpers here.

mod embed_frame;
#[path = "../api/harness.rs"]
mod harness;
mod languages;
mod listing;
mod my_signatures;
mod phone_layout;
mod privacy_notice;
mod signatories;
mod signer_loop;
mod staff_delivery;
mod token_scopes;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use undersigned::config::Settings;
use undersigned::startup::Application;

use harness::{Config, PUBLIC_URL, free_port, succeeded};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WAIT: Duration = Duration::from_secs(20);

const ADMIN_EMAIL: &str = "admin@coalition.test";
const ADMIN_PASSWORD: &str = "correct horse battery staple";
const SLUG: &str = "protect-the-right-to-protest";
const TITLE: &str = "Protect the right to protest";
const ORGANIZATION: &str = "Friends of the Riverbank";
const SIGNER_NAME: &str = "Maria Okafor";
const SIGNER_EMAIL: &str = "maria@riverbank.test";

/// A running ChromeDriver, killed when dropped (also when the test panics) together with
/// the browsers it started: they run in its own process group, so that a failed test
/// leaves no Chromium behind.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let group = format!("kill -KILL -{} 2>/dev/null", self.child.id());
        let _ = Command::new("/bin/sh").args(["-c", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ChromeDriver {
    async fn start() -> ChromeDriver {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    /// A new browser session with its own profile directory.
    async fn session(&self, profile: &Path) -> Client {
        let mut capabilities = serde_json::Map::new();
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
                ],
            }),
        );
        ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

struct App {
    address: String,
    database_url: String,
    mail_dir: PathBuf,
}

async fn spawn_app(directory: &Path) -> App {
    spawn_app_with(directory, &[]).await
}

/// The app with `extra` settings on top of the browser tests' own.
async fn spawn_app_with(directory: &Path, extra: &[(&str, String)]) -> App {
    let mail_dir = directory.join("mail");
    let database_url = format!("sqlite://{}", directory.join("undersigned.db").display());
    let mut settings = vec![
        ("server.bind", "127.0.0.1:0".to_owned()),
        ("server.public_url", PUBLIC_URL.to_owned()),
        ("server.workers", "2".to_owned()),
        ("database.url", database_url.clone()),
        ("mail.transport", "file".to_owned()),
        ("mail.file_dir", mail_dir.display().to_string()),
        // A browser fills the form faster than a person; everything comes from 127.0.0.1.
        ("limits.min_form_seconds", "0".to_owned()),
        // One key for every application this test process runs (the key is process-wide), and
        // the one the binary is given (`harness::Config`), so commands work on its database.
        ("signing.address_key", harness::TEST_ADDRESS_KEY.to_owned()),
        ("limits.sign_per_minute", "100000".to_owned()),
        ("limits.sign_burst", "100000".to_owned()),
        ("limits.verify_per_minute", "100000".to_owned()),
        ("limits.verify_burst", "100000".to_owned()),
        ("limits.login_per_minute", "100000".to_owned()),
        ("limits.login_burst", "100000".to_owned()),
    ];
    settings.extend(extra.iter().cloned());
    let settings = Settings::defaults_with(&settings).expect("valid test settings");
    let application = Application::build(settings)
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    actix_web::rt::spawn(application.run_until_stopped());
    App {
        address,
        database_url,
        mail_dir,
    }
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The binary on this app's database, as an operator runs it.
    fn binary(&self) -> Config {
        Config::new(&self.database_url)
    }

    /// Creates an admin the way an operator does: `undersigned staff add`.
    fn create_admin(&self) {
        let args = ["staff", "add", ADMIN_EMAIL, "--role", "admin"];
        succeeded(
            &args,
            self.binary()
                .cli_with_input(&args, &format!("{ADMIN_PASSWORD}\n")),
        );
    }

    /// Waits for the file transport to write an email to `address`; returns its text part.
    async fn wait_for_mail_to(&self, address: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = std::fs::read_dir(&self.mail_dir)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
                .filter_map(|path| std::fs::read(path).ok())
                .find_map(|raw| {
                    let message = mail_parser::MessageParser::default().parse(&raw)?;
                    let to = message.to()?.first()?.address()?.to_owned();
                    to.eq_ignore_ascii_case(address)
                        .then(|| message.body_text(0).map(|text| text.into_owned()))
                        .flatten()
                });
            if let Some(text) = found {
                return text;
            }
            assert!(Instant::now() < deadline, "no email to {address}");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The emailed link under `prefix`, pointed at this running app.
    /// The link under `prefix` as sent, with the language it carries (`/he/verify/T`).
    fn link_in(&self, text: &str, prefix: &str) -> String {
        let link = text
            .split_whitespace()
            .filter_map(|word| word.strip_prefix(PUBLIC_URL))
            .find(|path| {
                path.starts_with(prefix)
                    || path
                        .strip_prefix('/')
                        .and_then(|rest| rest.split_once('/'))
                        .is_some_and(|(lang, rest)| {
                            lang.len() <= 10
                                && lang.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
                                && format!("/{rest}").starts_with(prefix)
                        })
            })
            .unwrap_or_else(|| panic!("no {prefix} link in the email:\n{text}"));
        self.url(link)
    }
}

/// The page's visible text.
async fn page_text(client: &Client) -> String {
    match client.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the page shows `expected` (after a click or a navigation); returns its text.
async fn wait_for_text(client: &Client, expected: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = page_text(client).await;
        if text.contains(expected) {
            return text;
        }
        if Instant::now() > deadline {
            let url = client
                .current_url()
                .await
                .map(|url| url.to_string())
                .unwrap_or_default();
            panic!("the page never showed {expected:?}; at {url} it shows:\n{text}");
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reloads `url` until the page shows `expected` (public pages are cached for a second).
async fn reload_until(client: &Client, url: &str, expected: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        client.goto(url).await.expect("open the page");
        let text = page_text(client).await;
        if text.contains(expected) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never showed {expected:?}; it shows:\n{text}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The status shown next to the letter's title in the console (styled in capitals).
async fn letter_status(client: &Client) -> String {
    client
        .find(Locator::Css("main .meta .status"))
        .await
        .expect("the letter's status")
        .text()
        .await
        .expect("its text")
        .to_lowercase()
}

async fn fill(client: &Client, css: &str, value: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no field {css}: {error}"));
    field.clear().await.expect("clear the field");
    field.send_keys(value).await.expect("type into the field");
}

/// On the confirm page an emailed link opens, the person reads the name and choices and
/// presses the button (the page does not confirm by itself).
async fn press_confirm(client: &Client) {
    click(client, Locator::Css("#confirm-form button[type=submit]")).await;
}

async fn click(client: &Client, locator: Locator<'_>) {
    client
        .find(locator)
        .await
        .unwrap_or_else(|error| panic!("nothing to click at {locator:?}: {error}"))
        .click()
        .await
        .expect("click");
}

/// Where screenshots go: `target/screenshots/`, next to the build (never the repository).
fn screenshot_dir() -> PathBuf {
    // The test binary lives in target/<profile>/deps/.
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let directory = target.join("screenshots");
    std::fs::create_dir_all(&directory).expect("create target/screenshots");
    directory
}

/// Sizes the window so that the page itself (the viewport) is `width` x `height`: the
/// window also counts the browser's own frame, even headless.
async fn set_viewport(client: &Client, width: u32, height: u32) {
    client
        .set_window_size(width, height)
        .await
        .expect("resize the window");
    let inner = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .expect("read the viewport size");
    let inner_width = inner[0].as_u64().unwrap_or(u64::from(width));
    let inner_height = inner[1].as_u64().unwrap_or(u64::from(height));
    let frame_width = u32::try_from(u64::from(width).saturating_sub(inner_width)).unwrap_or(0);
    let frame_height = u32::try_from(u64::from(height).saturating_sub(inner_height)).unwrap_or(0);
    if frame_width > 0 || frame_height > 0 {
        client
            .set_window_size(width + frame_width, height + frame_height)
            .await
            .expect("resize the window");
    }
}

/// Screenshots the page at `url` at a desktop and a phone viewport, plus the whole page at
/// each width; checks every file is a non-empty PNG.
async fn screenshots(client: &Client, url: &str, name: &str) -> Vec<PathBuf> {
    let directory = screenshot_dir();
    let mut written = Vec::new();
    for (viewport, width, height) in [("desktop", 1280u32, 900u32), ("phone", 390, 844)] {
        set_viewport(client, width, height).await;
        client.goto(url).await.expect("open the page");
        let png = client.screenshot().await.expect("screenshot");
        let path = directory.join(format!("{name}-{viewport}.png"));
        save_png(&path, &png);
        written.push(path);

        // The whole page, for reviewing what lies below the fold.
        let full_height = client
            .execute(
                "return Math.ceil(document.documentElement.scrollHeight);",
                vec![],
            )
            .await
            .ok()
            .and_then(|value| value.as_u64())
            .and_then(|value| u32::try_from(value).ok())
            .unwrap_or(height)
            .clamp(height, 8000);
        set_viewport(client, width, full_height).await;
        let png = client.screenshot().await.expect("full-page screenshot");
        let path = directory.join(format!("{name}-{viewport}-full.png"));
        save_png(&path, &png);
        written.push(path);
    }
    set_viewport(client, 1280, 900).await;
    written
}

fn save_png(path: &Path, png: &[u8]) {
    assert!(
        png.len() > 1000 && png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a real PNG ({} bytes)",
        path.display(),
        png.len()
    );
    std::fs::write(path, png).expect("write the screenshot");
    let size = std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0);
    assert!(size > 0, "{} is empty", path.display());
}

/// Fails the test, naming what is missing, unless Chromium and ChromeDriver are installed.
fn require_browser() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).exists())
        .collect();
    harness::needs(
        "Chromium and ChromeDriver",
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "no {} (`bash .ci/run` installs Debian's chromium and chromium-driver)",
                missing.join(", no ")
            ))
        },
    )
}

/// CI runs the browser tests, which are marked ignored for a plain `cargo test`.
#[test]
fn under_ci_the_browser_tests_run() {
    harness::assert_ci_runs_ignored_tests("Chromium");
}

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn an_organization_signs_and_staff_approve_it_in_a_real_browser() {
    require_browser();
    let started = Instant::now();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    app.create_admin();
    let driver = ChromeDriver::start().await;
    let admin = driver
        .session(&directory.path().join("admin-profile"))
        .await;
    let visitor = driver
        .session(&directory.path().join("visitor-profile"))
        .await;
    set_viewport(&admin, 1280, 900).await;
    set_viewport(&visitor, 1280, 900).await;

    // 1. The admin signs in, writes a letter, saves it as a draft and opens it.
    admin
        .goto(&app.url("/admin/login"))
        .await
        .expect("open the login page");
    wait_for_text(&admin, "Sign in").await;
    fill(&admin, "#email", ADMIN_EMAIL).await;
    fill(&admin, "#password", ADMIN_PASSWORD).await;
    click(&admin, Locator::Css("main form button[type=submit]")).await;
    wait_for_text(&admin, ADMIN_EMAIL).await;

    admin
        .goto(&app.url("/admin/letters/new"))
        .await
        .expect("open the new letter form");
    wait_for_text(&admin, "New letter").await;
    fill(&admin, "#slug", SLUG).await;
    fill(&admin, "#title", TITLE).await;
    fill(&admin, "#addressee", "The President of the Republic").await;
    fill(
        &admin,
        "#summary",
        "Veto the assembly bill that bans demonstrations.",
    )
    .await;
    fill(
        &admin,
        "#body",
        "Dear President,\n\nThe assembly bill would ban demonstrations near public buildings. \
         We ask you to **veto** it.\n\nThe right to protest is how citizens are heard \
         between elections.",
    )
    .await;
    fill(&admin, "#goal", "1000").await;
    click(&admin, Locator::Css("button[name=save]")).await;
    let text = wait_for_text(&admin, "Open for signatures").await;
    assert!(text.contains(TITLE), "{text}");
    assert_eq!(
        letter_status(&admin).await,
        "draft",
        "a new letter is a draft"
    );
    click(
        &admin,
        Locator::XPath("//form[input[@name='to' and @value='open']]//button"),
    )
    .await;
    // Publishing asks first, on a page of its own.
    wait_for_text(&admin, "for signatures?").await;
    click(&admin, Locator::Css("form.confirm button[type=submit]")).await;
    wait_for_text(&admin, "Close the letter").await;
    assert_eq!(letter_status(&admin).await, "open", "the letter is open");

    // 2. A visitor, in another browser, signs for an organization.
    let letter_url = app.url(&format!("/letters/{SLUG}"));
    visitor.goto(&letter_url).await.expect("open the letter");
    let text = wait_for_text(&visitor, "Add your name").await;
    assert!(text.contains(TITLE), "{text}");
    assert!(text.contains("veto"), "the letter's text is shown:\n{text}");
    click(
        &visitor,
        Locator::Css("input[name=kind][value=organization]"),
    )
    .await;
    fill(&visitor, "#organization", ORGANIZATION).await;
    fill(&visitor, "#name", SIGNER_NAME).await;
    fill(&visitor, "#email", SIGNER_EMAIL).await;
    let public = visitor
        .find(Locator::Css("input[name=public]"))
        .await
        .expect("the public checkbox");
    if !public.is_selected().await.expect("checkbox state") {
        public.click().await.expect("tick the public checkbox");
    }
    click(
        &visitor,
        Locator::Css("aside.sign form button[type=submit]"),
    )
    .await;
    wait_for_text(&visitor, "Check your email").await;

    // 3. The visitor confirms from the emailed link, pressing the confirm page's button.
    let mail = app.wait_for_mail_to(SIGNER_EMAIL).await;
    let verify = app.link_in(&mail, "/verify/");
    visitor.goto(&verify).await.expect("open the emailed link");
    press_confirm(&visitor).await;
    wait_for_text(&visitor, "Signature confirmed").await;

    // 4. The admin approves the organization; it is then listed on the public page.
    admin
        .goto(&app.url(&format!("/admin/letters/{SLUG}/moderation")))
        .await
        .expect("open the moderation queue");
    let text = wait_for_text(&admin, ORGANIZATION).await;
    assert!(text.contains(SIGNER_NAME), "{text}");
    click(
        &admin,
        Locator::Css(&format!(r#"button[aria-label="Approve {ORGANIZATION}"]"#)),
    )
    .await;
    wait_for_text(&admin, "Nothing is waiting for approval").await;

    let text = reload_until(&admin, &letter_url, ORGANIZATION).await;
    let listed = admin
        .find(Locator::Css("ul.organizations"))
        .await
        .expect("the list of organizations")
        .text()
        .await
        .expect("its text");
    assert!(listed.contains(ORGANIZATION), "{text}");
    assert!(
        !text.contains(SIGNER_EMAIL),
        "the email address is never shown:\n{text}"
    );

    // 5. The progress chart is drawn, and the CSV export lists the organization.
    admin
        .goto(&app.url(&format!("/admin/letters/{SLUG}/progress")))
        .await
        .expect("open the progress page");
    wait_for_text(&admin, "Over time").await;
    let chart = admin
        .find(Locator::Css("figure.chart svg"))
        .await
        .expect("an SVG chart on the progress page");
    assert!(chart.is_displayed().await.expect("chart visibility"));

    let answer = admin
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0], { credentials: 'same-origin' })
               .then(response => response.text().then(body => done({
                 status: response.status,
                 type: response.headers.get('content-type'),
                 body: body,
               })))
               .catch(error => done({ status: 0, type: '', body: String(error) }));",
            vec![json!(format!("/admin/letters/{SLUG}/export.csv"))],
        )
        .await
        .expect("download the CSV");
    let csv = answer["body"].as_str().unwrap_or_default();
    assert_eq!(answer["status"], 200, "{answer}");
    assert!(
        answer["type"].as_str().unwrap_or_default().contains("csv"),
        "{answer}"
    );
    assert!(csv.contains(ORGANIZATION), "{csv}");
    assert!(csv.contains(SIGNER_NAME), "{csv}");

    // 6. Screenshots of the public page and of the console's letter page.
    let mut written = screenshots(&visitor, &letter_url, "public-letter").await;
    written.extend(
        screenshots(
            &admin,
            &app.url(&format!("/admin/letters/{SLUG}")),
            "console-letter",
        )
        .await,
    );
    for path in &written {
        eprintln!("screenshot: {}", path.display());
    }

    visitor.close().await.expect("close the visitor's browser");
    admin.close().await.expect("close the admin's browser");
    drop(driver);
    eprintln!("browser test took {:.1?}", started.elapsed());
}

/// The two viewports every page is checked at: a phone and a laptop.
const VIEWPORTS: [(&str, u32, u32); 2] = [("phone", 390, 844), ("laptop", 1366, 768)];

/// axe-core's script: `UNDERSIGNED_AXE_JS`, or what `bash .ci/run` puts in `target/npm`. A
/// browser test without it fails, naming it.
fn axe_source() -> String {
    let path = std::env::var_os("UNDERSIGNED_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/npm/node_modules/axe-core/axe.min.js")
        });
    harness::needs(
        "axe-core",
        std::fs::read_to_string(&path).map_err(|error| {
            format!(
                "cannot read {} ({error}; `bash .ci/run` installs it, or set UNDERSIGNED_AXE_JS)",
                path.display()
            )
        }),
    )
}

/// Runs axe-core on the page as loaded, at each viewport, and adds one line per violation
/// to `found`: where, the rule, and the elements it names.
async fn axe_check(client: &Client, axe: &str, page: &str, found: &mut Vec<String>) {
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
    for (viewport, width, height) in VIEWPORTS {
        set_viewport(client, width, height).await;
        let answer = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(results => done(results.violations.map(violation => ({
                     id: violation.id,
                     impact: violation.impact,
                     help: violation.help,
                     targets: violation.nodes.map(node => node.target.join(' ')),
                   }))))
                   .catch(error => done([{ id: 'axe-error', impact: '', help: String(error), targets: [] }]));",
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("axe.run on {page}: {error}"));
        for violation in answer.as_array().cloned().unwrap_or_default() {
            found.push(format!(
                "{page} @ {viewport}: {} ({}) {}: {}",
                violation["id"].as_str().unwrap_or("?"),
                violation["impact"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or("?"),
                violation["targets"]
                    .as_array()
                    .map(|targets| targets
                        .iter()
                        .filter_map(|target| target.as_str())
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            ));
        }
    }
}

/// Waits until the page and its deferred scripts have run (the text can show before).
/// Clicks what submits a form and waits until the answer's page has replaced this one and
/// loaded: answers that name an address leave at the answer step (`limits.answer_step_ms`),
/// and until then the old page still reads as loaded.
async fn click_and_load(client: &Client, locator: Locator<'_>) {
    client
        .execute(
            "window.__replaced_by_next_page = true; return true;",
            vec![],
        )
        .await
        .expect("mark the page");
    click(client, locator).await;
    let deadline = Instant::now() + WAIT;
    while client
        .execute("return window.__replaced_by_next_page === true;", vec![])
        .await
        .ok()
        != Some(json!(false))
    {
        assert!(Instant::now() < deadline, "the next page never came");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    wait_until_loaded(client).await;
}

async fn wait_until_loaded(client: &Client) {
    let deadline = Instant::now() + WAIT;
    while client
        .execute("return document.readyState;", vec![])
        .await
        .ok()
        .as_ref()
        .and_then(|state| state.as_str())
        != Some("complete")
    {
        assert!(Instant::now() < deadline, "the page never finished loading");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens `url`, waits for `expected`, and checks the page with axe-core.
async fn visit_and_check(
    client: &Client,
    axe: &str,
    url: &str,
    expected: &str,
    found: &mut Vec<String>,
) {
    client.goto(url).await.expect("open the page");
    wait_for_text(client, expected).await;
    wait_until_loaded(client).await;
    let path = url.split_once("://").map_or(url, |(_, rest)| {
        rest.find('/').map_or(rest, |slash| &rest[slash..])
    });
    axe_check(client, axe, path, found).await;
}

impl App {
    /// Runs the binary against this app's database, as an operator would; returns stdout.
    fn cli(&self, args: &[&str]) -> String {
        self.binary().cli_ok(args)
    }
}

async fn sign_in(client: &Client, app: &App) {
    client
        .goto(&app.url("/admin/login"))
        .await
        .expect("open the login page");
    wait_for_text(client, "Sign in").await;
    fill(client, "#email", ADMIN_EMAIL).await;
    fill(client, "#password", ADMIN_PASSWORD).await;
    click(client, Locator::Css("main form button[type=submit]")).await;
    wait_for_text(client, ADMIN_EMAIL).await;
}

/// Every public page and the console's main pages, at a phone's and a laptop's size, pass
/// axe-core with no violation; after a failed submit on a phone the error summary has focus
/// and is on screen.
#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn every_page_passes_axe_core_on_a_phone_and_a_laptop() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    app.create_admin();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md");
    app.cli(&["letters", "import", example]);
    // A second text version, so that the versions page lists two.
    let text = std::fs::read_to_string(example).expect("read examples/letter.md");
    let changed = directory.path().join("letter-v2.md");
    std::fs::write(
        &changed,
        format!("{text}\nA paragraph added after the launch.\n"),
    )
    .expect("write the changed letter");
    app.cli(&["letters", "import", &changed.display().to_string()]);
    let slug = "dear-president";
    let letter = app.url(&format!("/letters/{slug}"));

    let driver = ChromeDriver::start().await;
    let visitor = driver
        .session(&directory.path().join("visitor-profile"))
        .await;
    let admin = driver
        .session(&directory.path().join("admin-profile"))
        .await;
    let mut found = Vec::new();

    // On a phone, a form sent with mistakes comes back with the summary focused and in view.
    set_viewport(&visitor, 390, 844).await;
    visitor.goto(&letter).await.expect("open the letter");
    wait_for_text(&visitor, "Add your name").await;
    fill(&visitor, "#email", "not an address").await;
    click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
    wait_for_text(&visitor, "There is a problem").await;
    // The script moves focus once the page has loaded.
    let deadline = Instant::now() + WAIT;
    let focus = loop {
        let focus = visitor
            .execute(
                "const active = document.activeElement;
                 const box = active.getBoundingClientRect();
                 return {
                   summary: active.classList.contains('error-summary'),
                   tag: active.tagName,
                   top: box.top,
                   height: window.innerHeight,
                   title: document.title,
                 };",
                vec![],
            )
            .await
            .expect("read the focused element");
        if focus["summary"] == true || Instant::now() > deadline {
            break focus;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        focus["summary"], true,
        "focus is not on the error summary: {focus}"
    );
    let top = focus["top"].as_f64().unwrap_or(-1.0);
    let height = focus["height"].as_f64().unwrap_or(0.0);
    assert!(
        (0.0..height).contains(&top),
        "the focused error summary is off screen: {focus}"
    );
    assert!(
        focus["title"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Error"),
        "the page title does not say there is an error: {focus}"
    );
    let png = visitor.screenshot().await.expect("screenshot");
    save_png(&screenshot_dir().join("letter-errors-phone.png"), &png);
    axe_check(&visitor, &axe, "/letters/{slug}/sign (errors)", &mut found).await;

    // A person signs and confirms: each page on the way.
    visit_and_check(&visitor, &axe, &letter, "Add your name", &mut found).await;
    fill(&visitor, "#name", SIGNER_NAME).await;
    fill(&visitor, "#email", SIGNER_EMAIL).await;
    click(&visitor, Locator::Css("#public")).await;
    click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
    wait_for_text(&visitor, "Check your email").await;
    axe_check(&visitor, &axe, "/letters/{slug}/signed", &mut found).await;
    let mail = app.wait_for_mail_to(SIGNER_EMAIL).await;
    let verify = app.link_in(&mail, "/verify/");
    let withdraw = app.link_in(&mail, "/withdraw/");
    visit_and_check(
        &visitor,
        &axe,
        &verify,
        "Confirm your signature",
        &mut found,
    )
    .await;
    press_confirm(&visitor).await;
    wait_for_text(&visitor, "Signature confirmed").await;
    axe_check(&visitor, &axe, "/verify/{token} (confirmed)", &mut found).await;
    visit_and_check(&visitor, &axe, &verify, "already", &mut found).await;

    // A member organization's invite.
    app.cli(&[
        "members",
        "add",
        ORGANIZATION,
        "--email",
        "office@riverbank.test",
    ]);
    app.cli(&["invites", "send", slug, "--member", ORGANIZATION]);
    let invite_mail = app.wait_for_mail_to("office@riverbank.test").await;
    let invite = app.link_in(&invite_mail, &format!("/letters/{slug}/invite/"));
    visit_and_check(&visitor, &axe, &invite, ORGANIZATION, &mut found).await;

    // The other public pages.
    reload_until(&visitor, &letter, SIGNER_NAME).await;
    for (path, expected) in [
        ("/".to_owned(), "Protect the right to protest"),
        (format!("/letters/{slug}"), SIGNER_NAME),
        (format!("/letters/{slug}/signatories"), SIGNER_NAME),
        (
            format!("/letters/{slug}/versions"),
            "Protect the right to protest",
        ),
        (
            format!("/letters/{slug}/resend"),
            "Protect the right to protest",
        ),
        ("/privacy".to_owned(), "Privacy"),
        ("/letters/no-such-letter".to_owned(), "not found"),
        (
            format!("/letters/{slug}/signatories?page=abc"),
            "not a number",
        ),
    ] {
        visit_and_check(&visitor, &axe, &app.url(&path), expected, &mut found).await;
    }
    visitor
        .goto(&app.url(&format!("/letters/{slug}/versions")))
        .await
        .expect("open the versions");
    click(&visitor, Locator::Css("main a[href*='/versions/']")).await;
    wait_for_text(&visitor, "Protect the right to protest").await;
    axe_check(
        &visitor,
        &axe,
        "/letters/{slug}/versions/{hash}",
        &mut found,
    )
    .await;
    visit_and_check(&visitor, &axe, &withdraw, "Withdraw", &mut found).await;

    // The console.
    set_viewport(&admin, 1366, 768).await;
    visit_and_check(
        &admin,
        &axe,
        &app.url("/admin/login"),
        "Sign in",
        &mut found,
    )
    .await;
    sign_in(&admin, &app).await;
    for (path, expected) in [
        "/admin/letters",
        "/admin/letters/new",
        "/admin/letters/dear-president",
        "/admin/letters/dear-president/edit",
        "/admin/moderation",
        "/admin/letters/dear-president/moderation",
        "/admin/letters/dear-president/signatures",
        "/admin/letters/dear-president/progress",
        "/admin/letters/dear-president/exports",
        "/admin/letters/dear-president/invites",
        "/admin/letters/dear-president/organizations",
        "/admin/letters/dear-president/partners",
        "/admin/letters/dear-president/updates",
        "/admin/members",
        "/admin/staff",
        "/admin/audit",
        "/admin/tokens",
    ]
    .map(|path| (path, ADMIN_EMAIL))
    {
        visit_and_check(&admin, &axe, &app.url(path), expected, &mut found).await;
    }

    visitor.close().await.expect("close the visitor's browser");
    admin.close().await.expect("close the admin's browser");
    drop(driver);
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// A page of a member organization's own site, on another origin, that frames the embed.
fn serve_member_page(listener: TcpListener, embed_url: String) {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Friends of the Riverbank</title></head><body style=\"font-family: sans-serif; \
         margin: 1em; background: #eef4ee\"><main><h1>Friends of the Riverbank</h1>\
         <p>We signed this open letter. Will you?</p>\
         <iframe src=\"{embed_url}\" title=\"Sign the open letter\" width=\"360\" height=\"1200\" \
         style=\"border: 0; max-width: 100%\"></iframe></main></body></html>"
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

/// Checks the share step on the page shown: the plain links are there, and nothing on the
/// page came from another host.
async fn assert_share_step(client: &Client, page: &str) {
    let found = client
        .execute(
            "return {
               links: Array.from(document.querySelectorAll('.share-links a')).map(a => a.textContent.trim()),
               url: (document.getElementById('share-url') || {}).value || '',
               foreign: performance.getEntriesByType('resource')
                 .map(entry => entry.name)
                 .filter(name => new URL(name).origin !== location.origin),
             };",
            vec![],
        )
        .await
        .expect("read the share step");
    let links: Vec<&str> = found["links"]
        .as_array()
        .map(|links| links.iter().filter_map(|link| link.as_str()).collect())
        .unwrap_or_default();
    for expected in ["Email", "WhatsApp", "Telegram", "Bluesky", "X", "Facebook"] {
        assert!(
            links.contains(&expected),
            "{page}: no {expected} link in {found}"
        );
    }
    assert!(
        found["url"]
            .as_str()
            .unwrap_or_default()
            .starts_with(PUBLIC_URL),
        "{page}: the link to copy is not the letter's: {found}"
    );
    assert_eq!(found["foreign"], json!([]), "{page} loads from other hosts");
}

/// Enters the (only) frame of the page shown.
async fn enter_frame_of(client: &Client) {
    client
        .find(Locator::Css("iframe"))
        .await
        .expect("a frame")
        .enter_frame()
        .await
        .expect("enter the frame");
}

/// Scrolls the share step to the top of the screen, for its screenshot.
async fn show_share_step(client: &Client) {
    client
        .execute(
            "document.getElementById('share-heading').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll to the share step");
}

/// Sharing as a signer meets it: the embed framed by a member's site on another origin signs
/// like the letter page, the share step follows signing and confirming, the letter page carries its link
/// preview tags, and the share card they name loads. Every page passes axe-core.
#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn the_embed_share_step_and_share_card_work_in_a_real_browser() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let member_site = TcpListener::bind("127.0.0.1:0").expect("a port for the member's site");
    let member_origin = format!(
        "http://127.0.0.1:{}",
        member_site.local_addr().expect("its address").port()
    );
    let app = spawn_app_with(
        directory.path(),
        &[("embed.allowed_origins", format!(r#"["{member_origin}"]"#))],
    )
    .await;
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md");
    app.cli(&["letters", "import", example]);
    let slug = "dear-president";
    let embed = app.url(&format!("/letters/{slug}/embed"));
    serve_member_page(member_site, embed.clone());

    let driver = ChromeDriver::start().await;
    let visitor = driver
        .session(&directory.path().join("visitor-profile"))
        .await;
    let mut found = Vec::new();
    visit_and_check(&visitor, &axe, &embed, "Add your name", &mut found).await;

    // The member's page frames the embed; a person signs in the frame.
    set_viewport(&visitor, 1366, 768).await;
    visitor
        .goto(&format!("{member_origin}/"))
        .await
        .expect("open the member's page");
    wait_for_text(&visitor, "Will you?").await;
    let frame = visitor
        .find(Locator::Css("iframe"))
        .await
        .expect("the embed's frame");
    frame
        .clone()
        .enter_frame()
        .await
        .expect("enter the embed's frame");
    wait_for_text(&visitor, "Add your name").await;
    visitor
        .enter_parent_frame()
        .await
        .expect("back to the member's page");
    let png = visitor.screenshot().await.expect("screenshot");
    save_png(&screenshot_dir().join("embed-on-another-origin.png"), &png);
    frame.enter_frame().await.expect("enter the embed's frame");
    fill(&visitor, "#name", SIGNER_NAME).await;
    fill(&visitor, "#email", SIGNER_EMAIL).await;
    click(&visitor, Locator::Css("#public")).await;
    click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
    // The answer stays in the frame, on the member's site: "check your email" with the
    // share step (tests/browser/embed_frame.rs follows the frame's height and errors).
    wait_for_text(&visitor, "Check your email").await;
    wait_until_loaded(&visitor).await;
    assert_share_step(&visitor, "check your email").await;
    axe_check(
        &visitor,
        &axe,
        "/letters/{slug}/embed, signed (share step)",
        &mut found,
    )
    .await;
    visitor.enter_parent_frame().await.expect("the top window");
    let url = visitor.current_url().await.expect("the page's address");
    assert!(
        url.as_str().starts_with(&member_origin),
        "the embed's form left the member's site: {url}"
    );
    set_viewport(&visitor, 390, 844).await;
    enter_frame_of(&visitor).await;
    show_share_step(&visitor).await;
    visitor.enter_parent_frame().await.expect("the top window");
    let png = visitor.screenshot().await.expect("screenshot");
    save_png(&screenshot_dir().join("share-step-phone.png"), &png);

    // Confirming shows the share step again.
    let mail = app.wait_for_mail_to(SIGNER_EMAIL).await;
    visitor
        .goto(&app.link_in(&mail, "/verify/"))
        .await
        .expect("open the emailed link");
    press_confirm(&visitor).await;
    wait_for_text(&visitor, "Signature confirmed").await;
    wait_until_loaded(&visitor).await;
    assert_share_step(&visitor, "signature confirmed").await;
    axe_check(&visitor, &axe, "/verify/{token} (share step)", &mut found).await;
    set_viewport(&visitor, 390, 844).await;
    show_share_step(&visitor).await;
    let png = visitor.screenshot().await.expect("screenshot");
    save_png(
        &screenshot_dir().join("share-step-confirmed-phone.png"),
        &png,
    );

    // The letter page's link preview, and the share card it names (with the form, or with
    // "You signed" where the form was if this browser signed on the letter page).
    let letter = app.url(&format!("/letters/{slug}"));
    visitor.goto(&letter).await.expect("open the letter");
    wait_for_text(&visitor, TITLE).await;
    let tags = visitor
        .execute(
            "const value = selector => {
               const element = document.querySelector(selector);
               return element ? (element.getAttribute('content') || element.getAttribute('href')) : null;
             };
             const result = {};
             for (const name of ['og:title', 'og:description', 'og:url', 'og:type', 'og:site_name',
                                 'og:image', 'og:image:width', 'og:image:height', 'og:image:alt']) {
               result[name] = value(`meta[property=\"${name}\"]`);
             }
             result['twitter:card'] = value('meta[name=\"twitter:card\"]');
             result['canonical'] = value('link[rel=canonical]');
             return result;",
            vec![],
        )
        .await
        .expect("read the link preview tags");
    for (name, value) in tags.as_object().into_iter().flatten() {
        assert!(
            value.as_str().is_some_and(|value| !value.trim().is_empty()),
            "the letter page has no {name}: {tags}"
        );
    }
    let canonical = format!("{PUBLIC_URL}/letters/{slug}");
    assert_eq!(tags["canonical"], json!(canonical), "{tags}");
    assert_eq!(tags["og:url"], json!(canonical), "{tags}");
    assert_eq!(
        tags["og:title"],
        json!("Protect the right to protest"),
        "{tags}"
    );
    assert_eq!(tags["twitter:card"], json!("summary_large_image"), "{tags}");
    assert_eq!(tags["og:image:width"], json!("1200"), "{tags}");
    assert_eq!(tags["og:image:height"], json!("630"), "{tags}");
    let image = tags["og:image"].as_str().unwrap_or_default();
    let card = app.url(
        image
            .strip_prefix(PUBLIC_URL)
            .unwrap_or_else(|| panic!("og:image is not on the site: {image}")),
    );
    let loaded = visitor
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const image = new Image();
             image.onload = () => done({ width: image.naturalWidth, height: image.naturalHeight });
             image.onerror = () => done({ width: 0, height: 0 });
             image.src = arguments[0];",
            vec![json!(card)],
        )
        .await
        .expect("load the share card");
    assert_eq!(loaded, json!({ "width": 1200, "height": 630 }), "{card}");
    // The card itself, as a link preview fetches it.
    let mut response = awc::Client::default()
        .get(&card)
        .send()
        .await
        .expect("fetch the share card");
    assert_eq!(response.status(), 200, "{card}");
    let png = response
        .body()
        .limit(1024 * 1024)
        .await
        .expect("the share card's bytes");
    assert!(
        png.len() < 200 * 1024,
        "the share card is {} bytes",
        png.len()
    );
    save_png(&screenshot_dir().join("share-card.png"), &png);

    visitor.close().await.expect("close the browser");
    drop(driver);
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Where the text of `selector` sits on the line: `start` when it hugs the side a reader of
/// the page's direction starts from (right in Hebrew and Arabic, left in English).
async fn text_side(client: &Client, selector: &str) -> serde_json::Value {
    client
        .execute(
            "const element = document.querySelector(arguments[0]);
             if (!element) { return { missing: arguments[0] }; }
             const range = document.createRange();
             range.selectNodeContents(element);
             const text = range.getBoundingClientRect();
             const box = element.getBoundingClientRect();
             return {
               dir: getComputedStyle(element).direction,
               left_gap: Math.round(text.left - box.left),
               right_gap: Math.round(box.right - text.right),
             };",
            vec![json!(selector)],
        )
        .await
        .expect("measure where the text sits")
}

/// The letter in Hebrew and in Arabic, on a phone and a desktop: the page is marked right to
/// left, the layout mirrors, a Latin name in the list keeps to itself, nothing fails axe-core,
/// and the screenshots are in target/screenshots/ (letter-he-*, letter-ar-*).
#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn the_hebrew_and_arabic_letter_pages_read_right_to_left() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    // The original and its two translations, imported as an operator would: one file per
    // language side by side.
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for file in ["letter.md", "letter.he.md", "letter.ar.md"] {
        std::fs::copy(examples.join(file), directory.path().join(file))
            .unwrap_or_else(|error| panic!("copy {file}: {error}"));
    }
    app.cli(&[
        "letters",
        "import",
        &directory.path().join("letter.md").display().to_string(),
    ]);
    let slug = "dear-president";

    let driver = ChromeDriver::start().await;
    let visitor = driver
        .session(&directory.path().join("visitor-profile"))
        .await;
    let mut found = Vec::new();

    // A Latin name signs from the Hebrew page and confirms.
    let hebrew = app.url(&format!("/he/letters/{slug}"));
    visitor.goto(&hebrew).await.expect("open the Hebrew letter");
    wait_for_text(&visitor, "להגן על הזכות להפגין").await;
    fill(&visitor, "#name", SIGNER_NAME).await;
    fill(&visitor, "#email", SIGNER_EMAIL).await;
    click(&visitor, Locator::Css("#public")).await;
    click(&visitor, Locator::Css("#sign-form button[type=submit]")).await;
    let mail = app.wait_for_mail_to(SIGNER_EMAIL).await;
    // In Hebrew, and naming the letter by its Hebrew title.
    assert!(
        mail.contains("להגן על הזכות להפגין") && mail.contains("נא לאשר"),
        "the confirmation email of a Hebrew signer is not in Hebrew:\n{mail}"
    );
    let verify = app.link_in(&mail, "/verify/");
    visitor.goto(&verify).await.expect("open the emailed link");
    press_confirm(&visitor).await;
    wait_until_loaded(&visitor).await;

    for (lang, title) in [
        ("he", "להגן על הזכות להפגין"),
        ("ar", "احموا الحق في التظاهر"),
    ] {
        let url = app.url(&format!("/{lang}/letters/{slug}"));
        visitor
            .goto(&url)
            .await
            .expect("open the translated letter");
        wait_for_text(&visitor, title).await;
        wait_until_loaded(&visitor).await;
        let page = visitor
            .execute(
                "return {
                   lang: document.documentElement.lang,
                   dir: document.documentElement.dir,
                   latin_names_isolated: [...document.querySelectorAll('bdi')]
                     .some(element => element.textContent.includes(arguments[0])),
                   body_text: document.body.innerText,
                 };",
                vec![json!(SIGNER_NAME)],
            )
            .await
            .expect("read the page's language");
        assert_eq!(page["lang"], json!(lang), "{url}");
        assert_eq!(page["dir"], json!("rtl"), "{url}");
        let text = page["body_text"].as_str().unwrap_or_default();
        if text.contains(SIGNER_NAME) {
            assert_eq!(
                page["latin_names_isolated"],
                json!(true),
                "{SIGNER_NAME} is listed on {url} outside a <bdi>"
            );
        }
        // The mirrored layout: the title's text starts at the right edge of its box.
        for (viewport, width, height) in VIEWPORTS {
            set_viewport(&visitor, width, height).await;
            let side = text_side(&visitor, "main h1").await;
            assert_eq!(side["dir"], json!("rtl"), "{url} @ {viewport}: {side}");
            assert!(
                side["right_gap"].as_i64().unwrap_or(i64::MAX) <= 2
                    && side["left_gap"].as_i64().unwrap_or(0) >= 0,
                "the title of {url} @ {viewport} does not start at the right: {side}"
            );
        }
        axe_check(
            &visitor,
            &axe,
            &format!("/{lang}/letters/{slug}"),
            &mut found,
        )
        .await;
        let written = screenshots(&visitor, &url, &format!("letter-{lang}")).await;
        for path in written {
            eprintln!("screenshot: {}", path.display());
        }
        // The signatories page in the same language.
        visit_and_check(
            &visitor,
            &axe,
            &app.url(&format!("/letters/{slug}/signatories?lang={lang}")),
            SIGNER_NAME,
            &mut found,
        )
        .await;
        let isolated = visitor
            .execute(
                "return [...document.querySelectorAll('bdi')]
                   .some(element => element.textContent.includes(arguments[0]));",
                vec![json!(SIGNER_NAME)],
            )
            .await
            .expect("look for the name in a <bdi>");
        assert_eq!(
            isolated,
            json!(true),
            "{SIGNER_NAME} outside a <bdi> in {lang}"
        );
    }

    visitor.close().await.expect("close the browser");
    drop(driver);
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}
