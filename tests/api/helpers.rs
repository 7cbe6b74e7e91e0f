//! Starts the real application on a random port against a fresh database (a SQLite file, or a
//! new database on the PostgreSQL server named by UNDERSIGNED_TEST_POSTGRES_URL) and offers
//! helpers that read like what a user does.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::config::Settings;
use undersigned::db::schema::{outbox, signatures};
use undersigned::db::{DbConnection, DbPool};
use undersigned::letters::import;
use undersigned::startup::Application;

use crate::harness::{Config, SmtpSink, succeeded};

pub use crate::harness::PUBLIC_URL;
pub const POSTGRES_ENV: &str = "UNDERSIGNED_TEST_POSTGRES_URL";
pub const METRICS_TOKEN: &str = "test-metrics-token";
pub use crate::harness::TEST_ADDRESS_KEY;

/// What the service keeps of `email` once it lets the address go (and what it finds a signer
/// by): its mailbox key, as the applications of this test process make it.
pub fn mailbox_key(email: &str) -> String {
    let address =
        undersigned::values::email_address::EmailAddress::parse(email).expect("a valid address");
    undersigned::values::mailbox::AddressKey::derive(TEST_ADDRESS_KEY)
        .key_of(address.normalized())
        .as_str()
        .to_owned()
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend from an `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[actix_web::test]
                #[ignore = "needs PostgreSQL (UNDERSIGNED_TEST_POSTGRES_URL); `bash .ci/test` runs it"]
                async fn $name() {
                    $crate::helpers::postgres_url();
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// The PostgreSQL server for tests; a test that needs it and runs without it fails, naming
/// what is missing (see `harness::needs`). Mark such a test
/// `#[ignore = "needs PostgreSQL (UNDERSIGNED_TEST_POSTGRES_URL); `bash .ci/test` runs it"]`,
/// as `on_both_backends!` does, so that a plain `cargo test` counts it as ignored.
pub fn postgres_url() -> String {
    crate::harness::needs(
        "PostgreSQL",
        std::env::var(POSTGRES_ENV)
            .ok()
            .filter(|url| !url.trim().is_empty())
            .ok_or_else(|| {
                format!(
                    "{POSTGRES_ENV} is not set (`bash .ci/test` starts a throw-away server and \
                     sets it)"
                )
            }),
    )
}

pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl Email {
    pub fn parse(raw: &[u8]) -> Email {
        // A file caught while it is being written may be empty: it reads as an empty email.
        let Some(message) = mail_parser::MessageParser::default().parse(raw) else {
            return Email {
                to: String::new(),
                subject: String::new(),
                text: String::new(),
                html: String::new(),
                message_id: String::new(),
            };
        };
        Email {
            to: message
                .to()
                .and_then(|to| to.first())
                .and_then(|address| address.address())
                .unwrap_or_default()
                .to_owned(),
            subject: message.subject().unwrap_or_default().to_owned(),
            text: message
                .body_text(0)
                .map(|text| text.into_owned())
                .unwrap_or_default(),
            html: message
                .body_html(0)
                .map(|html| html.into_owned())
                .unwrap_or_default(),
            message_id: message.message_id().unwrap_or_default().to_owned(),
        }
    }

    /// The path (with leading slash) of the first link under `prefix`, e.g. "/verify/",
    /// without the language it carries (`/he/verify/T` gives `/verify/T`, which opens the
    /// same page in the reader's language): see [`Email::link_in_language`].
    pub fn link(&self, prefix: &str) -> String {
        let (lang, path) = self.link_in_language(prefix);
        path[lang.map_or(0, |lang| lang.len() + 1)..].to_owned()
    }

    /// The language a link under `prefix` carries (`he` for `/he/verify/T`), if any, and the
    /// link's path as sent.
    pub fn link_in_language(&self, prefix: &str) -> (Option<String>, String) {
        self.text
            .split_whitespace()
            .filter_map(|word| word.strip_prefix(PUBLIC_URL))
            .find_map(|path| {
                if path.starts_with(prefix) {
                    return Some((None, path.to_owned()));
                }
                let (lang, rest) = path.strip_prefix('/')?.split_once('/')?;
                let first = lang.split('-').next().unwrap_or_default();
                let is_language = (2..=3).contains(&first.len())
                    && first.bytes().all(|byte| byte.is_ascii_lowercase());
                (is_language && format!("/{rest}").starts_with(prefix))
                    .then(|| (Some(lang.to_owned()), path.to_owned()))
            })
            .unwrap_or_else(|| panic!("no {prefix} link in email:\n{}", self.text))
    }
}

pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    pub pool: DbPool,
    pub database_url: String,
    pub mail_dir: PathBuf,
    pub directory: tempfile::TempDir,
}

pub struct Response {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Response {
    /// The `action` of the page's first form whose address contains `containing` (a button
    /// of a list, such as a staff account's "Disable"), unescaped.
    pub fn form_action(&self, containing: &str) -> String {
        self.body
            .split("action=\"")
            .filter_map(|rest| rest.split('"').next())
            .find(|action| action.contains(containing))
            .unwrap_or_else(|| panic!("a form posting to ...{containing}... in {}", self.body))
            .replace("&amp;", "&")
    }
}

pub fn fresh_database_url(backend: Backend, directory: &Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", directory.join("undersigned.db").display()),
        Backend::Postgres => {
            let admin = postgres_url();
            let name = format!("undersigned_test_{}", uuid_like());
            let mut connection = diesel::PgConnection::establish(&admin)
                .expect("connect to the test PostgreSQL server");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut connection)
                .expect("create a test database");
            let base = admin.split('?').next().unwrap_or(&admin);
            let (server, _) = base.rsplit_once('/').expect("url with a database name");
            format!("{server}/{name}")
        }
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|time| time.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn test_settings(database_url: &str, mail_dir: &Path, extra: &[(&str, String)]) -> Settings {
    let mut overrides = vec![
        ("server.bind", "127.0.0.1:0".to_owned()),
        ("server.public_url", PUBLIC_URL.to_owned()),
        ("server.workers", "2".to_owned()),
        ("database.url", database_url.to_owned()),
        ("database.pool_size", "4".to_owned()),
        // One key for every application this test process runs (the key is process-wide);
        // `mailbox_key` below makes the same keys.
        ("signing.address_key", TEST_ADDRESS_KEY.to_owned()),
        ("mail.transport", "file".to_owned()),
        ("mail.file_dir", mail_dir.display().to_string()),
        ("mail.from", "Coalition <letters@coalition.test>".to_owned()),
        // Tests post forms at once and all come from 127.0.0.1; the abuse tests set their own.
        ("limits.min_form_seconds", "0".to_owned()),
        ("limits.sign_per_minute", "100000".to_owned()),
        ("limits.sign_burst", "100000".to_owned()),
        ("limits.verify_per_minute", "100000".to_owned()),
        ("limits.verify_burst", "100000".to_owned()),
        ("limits.login_per_minute", "100000".to_owned()),
        ("limits.login_burst", "100000".to_owned()),
        ("limits.emails_per_address_per_hour", "1000".to_owned()),
        // /metrics is private; tests read it as the operator's scraper does.
        ("server.metrics_token", METRICS_TOKEN.to_owned()),
    ];
    overrides.extend(extra.iter().cloned());
    Settings::defaults_with(&overrides).expect("valid test settings")
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

pub async fn spawn_app_with(backend: Backend, extra: &[(&str, String)]) -> TestApp {
    let directory = tempfile::tempdir().expect("temporary directory");
    let mail_dir = directory.path().join("mail");
    let database_url = fresh_database_url(backend, directory.path());
    let settings = test_settings(&database_url, &mail_dir, extra);
    let application = Application::build(settings)
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let pool = application.pool();
    actix_web::rt::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: awc::Client::builder()
            .disable_redirects()
            .timeout(Duration::from_secs(30))
            .finish(),
        pool,
        database_url,
        mail_dir,
        directory,
    }
}

pub fn letter_document(slug: &str, status: &str, extra_front_matter: &str) -> String {
    format!(
        "+++\nslug = \"{slug}\"\ntitle = \"Protect the right to protest\"\naddressee = \"The President\"\nsummary = \"Veto the assembly bill.\"\nstatus = \"{status}\"\n{extra_front_matter}\n+++\n\nDear President,\n\nWe ask you to **veto** the bill.\n"
    )
}

impl TestApp {
    /// The usual helpers for an application that runs in its own process (the real binary,
    /// started through the harness) at `address`; `pool` reaches its database directly.
    pub fn driving(
        address: String,
        database_url: &str,
        mail_dir: PathBuf,
        directory: tempfile::TempDir,
    ) -> TestApp {
        TestApp {
            address,
            client: awc::Client::builder()
                .disable_redirects()
                .timeout(Duration::from_secs(60))
                .finish(),
            pool: undersigned::db::connect(database_url, 2).expect("open the database directly"),
            database_url: database_url.to_owned(),
            mail_dir,
            directory,
        }
    }

    /// The binary on this app's database, as an operator runs it.
    pub fn binary(&self) -> Config {
        Config::new(&self.database_url)
    }

    /// Runs the `undersigned` binary against this app's database, as an operator would.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.binary().cli(args)
    }

    /// Runs the binary, insists that it succeeded, and returns what it printed.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        self.binary().cli_ok(args)
    }

    pub fn connection(&self) -> diesel::r2d2::PooledConnection<undersigned::db::ConnectionManager> {
        self.pool.get().expect("database connection")
    }

    /// Publishes a letter the way staff do (`letters import`).
    pub fn create_letter(&self, slug: &str, status: &str, extra_front_matter: &str) {
        let document = import::parse_document(&letter_document(slug, status, extra_front_matter))
            .expect("valid letter");
        import::store(&mut self.connection(), &document).expect("letter stored");
    }

    pub async fn get(&self, path: &str) -> Response {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET answered");
        read(response).await
    }

    /// Reads /metrics with the scraper's bearer token.
    pub async fn metrics(&self) -> Response {
        let response = self
            .client
            .get(format!("{}/metrics", self.address))
            .insert_header(("authorization", format!("Bearer {METRICS_TOKEN}")))
            .send()
            .await
            .expect("GET /metrics answered");
        read(response).await
    }

    /// Posts as a client at `address`, as a trusted proxy in front of the app would say.
    pub async fn post_form_from(
        &self,
        address: &str,
        path: &str,
        body: impl Into<Vec<u8>>,
    ) -> Response {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .insert_header(("x-forwarded-for", address))
            .send_body(body.into())
            .await
            .expect("POST answered");
        read(response).await
    }

    /// The signed timestamp of the letter's sign form, as a browser would submit it.
    pub async fn form_time(&self, slug: &str) -> String {
        self.form_time_on(&format!("/letters/{slug}")).await
    }

    /// The signed timestamp of the form on the page at `path`.
    pub async fn form_time_on(&self, path: &str) -> String {
        let page = self.get(path).await;
        page.body
            .split(r#"name="t" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    }

    /// Posts a form as a browser that loaded it would: the signed time stamp of the page the
    /// form lives on is added unless the body carries its own `t`.
    pub async fn post_form(&self, path: &str, body: impl Into<Vec<u8>>) -> Response {
        let mut body: Vec<u8> = body.into();
        if let Some(page) = form_page_of(path)
            && !body.starts_with(b"t=")
            && !body.windows(3).any(|window| window == b"&t=")
        {
            let stamp = self.form_time_on(&page).await;
            if !stamp.is_empty() {
                if !body.is_empty() {
                    body.push(b'&');
                }
                body.extend_from_slice(encode(&[("t", &stamp)]).as_bytes());
            }
        }
        self.post_form_raw(path, body).await
    }

    /// Posts exactly `body`, as a script that never loaded the form would.
    pub async fn post_form_raw(&self, path: &str, body: impl Into<Vec<u8>>) -> Response {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .send_body(body.into())
            .await
            .expect("POST answered");
        read(response).await
    }

    /// Posts JSON; a signature gets the `form_token` the letter's JSON hands out, as an
    /// integration that read the letter first would send, unless it carries its own.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        let mut body = body.clone();
        if let Some(letter) = path.strip_suffix("/signatures")
            && let Some(fields) = body.as_object_mut()
            && !fields.contains_key("form_token")
            && !fields.contains_key("t")
        {
            let detail = self.get(letter).await;
            if let Ok(detail) = serde_json::from_str::<serde_json::Value>(&detail.body)
                && let Some(token) = detail["form_token"].as_str()
            {
                fields.insert("form_token".into(), token.into());
            }
        }
        self.post_json_raw(path, &body).await
    }

    /// Posts exactly this JSON.
    pub async fn post_json_raw(&self, path: &str, body: &serde_json::Value) -> Response {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .send_json(body)
            .await
            .expect("POST answered");
        read(response).await
    }

    /// Opens the letter page and submits its sign form, as a browser does (the form carries
    /// a signed timestamp; a page without a form means none is sent).
    pub async fn sign(&self, slug: &str, fields: &[(&str, &str)]) -> Response {
        let page = self.get(&format!("/letters/{slug}")).await;
        let form_time = page
            .body
            .split(r#"name="t" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !form_time.is_empty() && !fields.iter().any(|(key, _)| *key == "t") {
            all.push(("t", &form_time));
        }
        self.post_form(&format!("/letters/{slug}/sign"), encode(&all))
            .await
    }

    pub fn signature_count(&self) -> i64 {
        signatures::table
            .count()
            .get_result(&mut *self.connection() as &mut DbConnection)
            .expect("count signatures")
    }

    /// Each signature's address as kept (the empty text once it was let go after
    /// confirmation: `signatures::retention`) and state, oldest first.
    pub fn signature_states(&self) -> Vec<(String, String)> {
        signatures::table
            .select((signatures::email, signatures::state))
            .order(signatures::id.asc())
            .load(&mut *self.connection() as &mut DbConnection)
            .expect("read signatures")
    }

    pub fn outbox_count(&self) -> i64 {
        outbox::table
            .count()
            .get_result(&mut *self.connection() as &mut DbConnection)
            .expect("count outbox")
    }

    /// Every email written so far by the file transport, in the order they were queued
    /// (message ids are the outbox's time-ordered ids; delivery itself runs in parallel).
    pub fn mails(&self) -> Vec<Email> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        let mut mails: Vec<Email> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
            .filter_map(|path| std::fs::read(path).ok())
            .map(|raw| Email::parse(&raw))
            // A file still being written has no complete body yet; it is read next time.
            .filter(|mail| !mail.text.is_empty() && mail.html.contains("</html>"))
            .collect();
        mails.sort_by(|a, b| a.message_id.cmp(&b.message_id));
        mails
    }

    /// Waits until `count` emails have reached `address`, and returns them oldest first.
    pub async fn wait_for_mails_to(&self, address: &str, count: usize) -> Vec<Email> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let mails: Vec<Email> = self
                .mails()
                .into_iter()
                .filter(|mail| mail.to.eq_ignore_ascii_case(address))
                .collect();
            if mails.len() >= count {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} email(s) to {address}, got {}",
                mails.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Signs, confirms through the emailed link, and returns the confirmation email.
    /// Signs as a listed individual who asked for updates (a reason to keep the address after
    /// confirmation, `signatures::retention`, which tests read back), and confirms.
    pub async fn sign_and_confirm(&self, slug: &str, name: &str, email: &str) -> Email {
        let before = self
            .mails()
            .iter()
            .filter(|mail| mail.to.eq_ignore_ascii_case(email))
            .count();
        let response = self
            .sign(
                slug,
                &[
                    ("name", name),
                    ("email", email),
                    ("city", "Lyon"),
                    ("public", "on"),
                    ("updates", "on"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let mails = self.wait_for_mails_to(email, before + 1).await;
        let mail = mails.into_iter().last().expect("a confirmation email");
        let confirmed = self.post_form(&mail.link("/verify/"), "").await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert!(
            confirmed.body.contains("Signature confirmed"),
            "{}",
            confirmed.body
        );
        mail
    }
}

pub async fn read<S>(mut response: awc::ClientResponse<S>) -> Response
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let body = response
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .expect("response body");
    Response {
        status: response.status(),
        location: response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{key}={}", percent(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

impl SmtpSink {
    /// Every message received, parsed.
    pub fn emails(&self) -> Vec<Email> {
        self.raw().iter().map(|raw| Email::parse(raw)).collect()
    }
}

pub const STAFF_PASSWORD: &str = "correct horse battery staple";

/// A signed-in staff member's browser: sends the session cookie and knows the CSRF token.
pub struct StaffClient<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    /// Creates a staff account the way an operator does (`undersigned staff add`).
    pub fn create_staff(&self, email: &str, role: &str) {
        let args = ["staff", "add", email, "--role", role];
        succeeded(
            &args,
            self.binary()
                .cli_with_input(&args, &format!("{STAFF_PASSWORD}\n")),
        );
    }

    /// Opens the login page and posts its form, as a browser does (the form's login token
    /// and its cookie go back together); returns the raw response.
    pub async fn post_login(&self, email: &str, password: &str) -> Response {
        let (cookie, token) = self.login_form_token().await;
        let response = self
            .client
            .post(format!("{}/admin/login", self.address))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .insert_header(("cookie", format!("undersigned_login={cookie}")))
            .send_body(encode(&[
                ("email", email),
                ("password", password),
                ("next", "/admin/letters"),
                ("login_token", &token),
            ]))
            .await
            .expect("POST answered");
        read(response).await
    }

    /// The login page's token cookie and the same token from its hidden field.
    pub async fn login_form_token(&self) -> (String, String) {
        let page = self.get("/admin/login").await;
        let cookie = page
            .headers
            .get_all("set-cookie")
            .filter_map(|value| value.to_str().ok())
            .find_map(|value| value.strip_prefix("undersigned_login="))
            .and_then(|value| value.split(';').next())
            .expect("the login page sets its token cookie")
            .to_owned();
        let token = page
            .body
            .split(r#"name="login_token" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the login form carries its token")
            .to_owned();
        (cookie, token)
    }

    /// Creates an account with `role` and signs it in.
    pub async fn staff(&self, email: &str, role: &str) -> StaffClient<'_> {
        self.create_staff(email, role);
        self.sign_in(email).await
    }

    pub async fn sign_in(&self, email: &str) -> StaffClient<'_> {
        let response = self.post_login(email, STAFF_PASSWORD).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            response.body
        );
        let set_cookie = response
            .headers
            .get_all("set-cookie")
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("undersigned_session="))
            .expect("a session cookie")
            .to_owned();
        let cookie = set_cookie
            .split(';')
            .next()
            .and_then(|pair| pair.split_once('='))
            .map(|(_, value)| value.to_owned())
            .expect("cookie value");
        use undersigned::db::schema::staff_sessions;
        let csrf: String = staff_sessions::table
            .filter(staff_sessions::token_hash.eq(undersigned::values::tokens::hash(&cookie)))
            .select(staff_sessions::csrf_token)
            .first(&mut *self.connection() as &mut DbConnection)
            .expect("the session row");
        StaffClient {
            app: self,
            cookie,
            csrf,
        }
    }

    pub fn audit_actions(&self) -> Vec<String> {
        use undersigned::db::schema::audit_log;
        audit_log::table
            .order(audit_log::created_at.asc())
            .select(audit_log::action)
            .load(&mut *self.connection() as &mut DbConnection)
            .expect("read the audit log")
    }
}

impl StaffClient<'_> {
    pub async fn get(&self, path: &str) -> Response {
        let response = self
            .app
            .client
            .get(format!("{}{path}", self.app.address))
            .insert_header(("cookie", format!("undersigned_session={}", self.cookie)))
            .send()
            .await
            .expect("GET answered");
        read(response).await
    }

    /// Posts a console form with the session's CSRF token, as the console's own forms do.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let separator = if path.contains('?') { '&' } else { '?' };
        self.post_without_csrf(&format!("{path}{separator}csrf={}", self.csrf), fields)
            .await
    }

    /// Posts like a forged cross-site form would: the cookie, but no CSRF token.
    pub async fn post_without_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let response = self
            .app
            .client
            .post(format!("{}{path}", self.app.address))
            .insert_header(("cookie", format!("undersigned_session={}", self.cookie)))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .send_body(encode(fields))
            .await
            .expect("POST answered");
        read(response).await
    }
}

/// The page a public sign form is loaded from, for the form posted to `path`.
fn form_page_of(path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    if let Some(letter) = path.strip_suffix("/sign") {
        return Some(letter.to_owned());
    }
    if path.ends_with("/resend") || path.contains("/invite/") || path.ends_with("/my-signatures") {
        return Some(path.to_owned());
    }
    None
}

/// Starts the application on an existing database, writing its mail to `mail_dir`.
pub async fn start_on(
    database_url: String,
    mail_dir: PathBuf,
    extra: &[(&str, String)],
) -> (TestApp, actix_web::dev::ServerHandle) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let settings = test_settings(&database_url, &mail_dir, extra);
    let application = Application::build(settings)
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let pool = application.pool();
    let handle = application.handle();
    actix_web::rt::spawn(application.run_until_stopped());
    let app = TestApp {
        address,
        client: awc::Client::builder()
            .disable_redirects()
            .timeout(Duration::from_secs(30))
            .finish(),
        pool,
        database_url,
        mail_dir,
        directory,
    };
    (app, handle)
}

/// Like `spawn_app_with`, and the handle to stop it as a deploy or a restart would.
pub async fn spawn_stoppable_app(
    backend: Backend,
    extra: &[(&str, String)],
) -> (TestApp, actix_web::dev::ServerHandle) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let mail_dir = directory.path().join("mail");
    let database_url = fresh_database_url(backend, directory.path());
    let (mut app, handle) = start_on(database_url, mail_dir, extra).await;
    // The first instance owns the directory that holds the SQLite file and the mail.
    app.directory = directory;
    (app, handle)
}

impl TestApp {
    /// Another instance of the service on this app's database (a second server, or the same
    /// one after a restart), writing mail to the same directory so `mails()` sees all of it.
    /// `self` must outlive it: it owns the SQLite file and the mail directory.
    pub async fn another_instance(&self, extra: &[(&str, String)]) -> TestApp {
        self.another_stoppable_instance(extra).await.0
    }

    pub async fn another_stoppable_instance(
        &self,
        extra: &[(&str, String)],
    ) -> (TestApp, actix_web::dev::ServerHandle) {
        start_on(self.database_url.clone(), self.mail_dir.clone(), extra).await
    }

    /// The secret the service keeps in the database to sign form time stamps.
    pub fn stored_form_secret(&self) -> Option<String> {
        use undersigned::db::schema::instance_secrets;
        instance_secrets::table
            .find("form_time")
            .select(instance_secrets::value)
            .first(&mut *self.connection() as &mut DbConnection)
            .optional()
            .expect("read instance_secrets")
    }

    pub fn letter_id(&self, slug: &str) -> String {
        use undersigned::db::schema::letters;
        letters::table
            .filter(letters::slug.eq(slug))
            .select(letters::id)
            .first(&mut *self.connection() as &mut DbConnection)
            .expect("the letter exists")
    }

    /// Emailed tokens stored: signatures' links and invites'.
    pub fn token_count(&self) -> i64 {
        use undersigned::db::schema::{signature_tokens, tokens};
        let mut connection = self.connection();
        let connection = &mut *connection as &mut DbConnection;
        let links: i64 = signature_tokens::table
            .count()
            .get_result(connection)
            .expect("count signature tokens");
        let others: i64 = tokens::table
            .count()
            .get_result(connection)
            .expect("count tokens");
        links + others
    }

    /// Outbox rows (queued or sent) addressed to `recipient`.
    pub fn outbox_count_to(&self, recipient: &str) -> i64 {
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .count()
            .get_result(&mut *self.connection() as &mut DbConnection)
            .expect("count outbox")
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

/// A form time stamp for `letter_id` made at `timestamp`, signed with `secret` the way the
/// service signs the ones it hands out (HMAC-SHA256 over "letter id\ntimestamp", hex).
pub fn form_time_signed(secret: &str, letter_id: &str, timestamp: u64) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(letter_id.as_bytes());
    mac.update(b"\n");
    mac.update(timestamp.to_string().as_bytes());
    let signature: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{timestamp}.{signature}")
}

/// The `t` value of the form in an HTML page (empty when the page has no form).
pub fn form_time_in(body: &str) -> String {
    body.split(r#"name="t" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// Waits until the letter's public JSON says `expected` signatures count (the page
    /// snapshot refreshes on its own), and fails with what it said last.
    pub async fn wait_for_public_total(&self, slug: &str, expected: i64) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let detail = self.get(&format!("/api/v1/letters/{slug}")).await;
            let total = serde_json::from_str::<serde_json::Value>(&detail.body)
                .ok()
                .and_then(|json| json["total"].as_i64());
            if total == Some(expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the public total stayed {total:?}, expected {expected}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
