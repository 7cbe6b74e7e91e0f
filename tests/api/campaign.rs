//! A campaign page that spreads: consent asked the way data-protection law expects (nothing
//! ticked in advance, "keep me updated" as its own choice), the coalition's own identity from
//! `[site]`, the files crawlers and feed readers ask for, and link previews.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, PUBLIC_URL, TestApp, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    the_sign_form_ticks_nothing_in_advance,
    a_signature_without_the_public_box_is_counted_but_not_listed,
    the_updates_choice_is_stored_exported_and_erased_on_withdrawal,
    site_identity_is_on_every_page_title_and_the_from_line,
    the_installed_site_reaches_emails_the_console_and_error_pages,
    robots_sitemap_feed_and_icons_list_only_public_letters,
    letter_pages_carry_escaped_link_previews,
);

const SLUG: &str = "dear-president";

/// The `<input ...>` tag named `name` in `html`.
fn input_tag<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!(r#"name="{name}""#);
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input named {name} in:\n{html}"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

async fn the_sign_form_ticks_nothing_in_advance(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["public", "updates"] {
        let tag = input_tag(&page.body, name);
        assert!(tag.contains(r#"type="checkbox""#), "{tag}");
        assert!(
            !tag.contains("checked"),
            "{name} is ticked in advance: {tag}"
        );
    }
    assert!(page.body.contains("List my name publicly"));
    assert!(page.body.contains("Keep me updated about this letter"));
    // What becomes public is said beside the box.
    for what in ["name", "organization", "city", "comment"] {
        assert!(
            page.body.contains(&format!("Your {what}"))
                || page.body.contains(&format!(", {what}"))
                || page.body.contains(&format!(" {what} then appear")),
            "the public box does not say that the {what} becomes public"
        );
    }

    // A form sent back with errors keeps what the person chose, and nothing more.
    let refused = app
        .sign(SLUG, &[("name", ""), ("email", "nobody@example.org")])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(!input_tag(&refused.body, "public").contains("checked"));
    let refused = app
        .sign(
            SLUG,
            &[("name", ""), ("email", "x@example.org"), ("updates", "on")],
        )
        .await;
    assert!(input_tag(&refused.body, "updates").contains("checked"));
    assert!(!input_tag(&refused.body, "public").contains("checked"));
    assert_eq!(app.signature_count(), 0, "a refused form stored something");

    // The form behind a member organization's invite link, too.
    app.cli_ok(&[
        "members",
        "add",
        "Member Org",
        "--email",
        "member@org.example",
    ]);
    app.cli_ok(&["invites", "send", SLUG, "--member", "Member Org"]);
    let mails = app.wait_for_mails_to("member@org.example", 1).await;
    let invite = app
        .get(&mails[0].link(&format!("/letters/{SLUG}/invite/")))
        .await;
    assert_eq!(invite.status, StatusCode::OK, "{}", invite.body);
    for name in ["public", "updates"] {
        let tag = input_tag(&invite.body, name);
        assert!(
            !tag.contains("checked"),
            "{name} is ticked in advance: {tag}"
        );
    }
}

async fn confirm_latest_mail_to(app: &TestApp, email: &str) {
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

async fn a_signature_without_the_public_box_is_counted_but_not_listed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let signed = app
        .sign(
            SLUG,
            &[("name", "Quiet Quentin"), ("email", "quentin@example.org")],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    confirm_latest_mail_to(&app, "quentin@example.org").await;
    // The JSON API, too, lists nobody who did not say so.
    let accepted = app
        .post_json(
            &format!("/api/v1/letters/{SLUG}/signatures"),
            &serde_json::json!({"name": "Silent Sam", "email": "sam@example.org"}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    confirm_latest_mail_to(&app, "sam@example.org").await;

    app.wait_for_public_total(SLUG, 2).await;
    for path in [
        format!("/letters/{SLUG}"),
        format!("/letters/{SLUG}/signatories"),
        format!("/api/v1/letters/{SLUG}/signatories"),
    ] {
        let body = app.get(&path).await.body;
        assert!(
            !body.contains("Quiet Quentin"),
            "{path} lists an unlisted signer"
        );
        assert!(
            !body.contains("Silent Sam"),
            "{path} lists an unlisted signer"
        );
    }
}

fn stored_updates(app: &TestApp) -> Vec<(String, bool)> {
    signatures::table
        .select((signatures::name, signatures::updates))
        .order(signatures::id.asc())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures")
}

async fn the_updates_choice_is_stored_exported_and_erased_on_withdrawal(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    for (name, email, updates) in [
        ("Ada Keen", "ada@example.org", true),
        ("Bob Busy", "bob@example.org", false),
    ] {
        let mut fields = vec![("name", name), ("email", email), ("public", "on")];
        if updates {
            fields.push(("updates", "on"));
        }
        let signed = app.sign(SLUG, &fields).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        confirm_latest_mail_to(&app, email).await;
    }
    assert_eq!(
        stored_updates(&app),
        vec![
            ("Ada Keen".to_owned(), true),
            ("Bob Busy".to_owned(), false)
        ]
    );

    let csv = app.cli_ok(&["export", SLUG, "--format", "csv"]);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().expect("CSV header").clone();
    let updates_column = headers
        .iter()
        .position(|header| header == "updates")
        .unwrap_or_else(|| panic!("no updates column in {headers:?}"));
    let name_column = headers
        .iter()
        .position(|header| header == "name")
        .expect("name");
    let exported: Vec<(String, String)> = rows
        .records()
        .map(|row| {
            let row = row.expect("CSV row");
            (row[name_column].to_owned(), row[updates_column].to_owned())
        })
        .collect();
    assert_eq!(
        exported,
        vec![
            ("Ada Keen".to_owned(), "yes".to_owned()),
            ("Bob Busy".to_owned(), "no".to_owned())
        ]
    );
    let json = app.cli_ok(&["export", SLUG, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON export");
    let rows = json
        .as_array()
        .or_else(|| json["signatures"].as_array())
        .expect("a list of signatures");
    let choices: Vec<(String, bool)> = rows
        .iter()
        .map(|row| {
            (
                row["name"].as_str().unwrap_or_default().to_owned(),
                row["updates"].as_bool().expect("updates is a boolean"),
            )
        })
        .collect();
    assert_eq!(
        choices,
        vec![
            ("Ada Keen".to_owned(), true),
            ("Bob Busy".to_owned(), false)
        ]
    );

    // Withdrawal takes the choice with everything else personal.
    let mails = app.wait_for_mails_to("ada@example.org", 1).await;
    let withdraw = mails
        .iter()
        .find(|mail| mail.text.contains("/withdraw/"))
        .expect("a withdraw link");
    let withdrawn = app.post_form(&withdraw.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(
        stored_updates(&app),
        vec![(String::new(), false), ("Bob Busy".to_owned(), false)]
    );
}

fn content_type(response: &crate::helpers::Response) -> String {
    response
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A name that must be escaped wherever it lands.
const SITE_NAME: &str = r#"Friends of "Protest" & <Co>"#;
const SITE_NAME_HTML: &str = "Friends of &#34;Protest&#34; &#38; &#60;Co&#62;";

fn site_settings(assets: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![
        ("site.name", SITE_NAME.to_owned()),
        (
            "site.tagline",
            "Together for the right to protest".to_owned(),
        ),
        ("site.accent_color", "#336699".to_owned()),
        ("site.contact", "hello@coalition.test".to_owned()),
        ("site.footer", "Printed by the coalition, 2026".to_owned()),
        ("site.date_style", "iso".to_owned()),
        ("site.logo", "img/logo.svg".to_owned()),
        ("site.assets_dir", assets.display().to_string()),
        (
            "site.privacy",
            "We keep **only what you type**. <script>alert(1)</script>".to_owned(),
        ),
        // A bare address: the site's name becomes the display name.
        ("mail.from", "letters@coalition.test".to_owned()),
    ]
}

/// The From header of every email written so far, as sent.
fn from_headers(app: &TestApp) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&app.mail_dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path()).ok())
        .filter_map(|raw| {
            let message = mail_parser::MessageParser::default().parse(&raw)?;
            let from = message.from()?.first()?;
            Some(format!(
                "{} <{}>",
                from.name().unwrap_or_default(),
                from.address().unwrap_or_default()
            ))
        })
        .collect()
}

async fn site_identity_is_on_every_page_title_and_the_from_line(backend: Backend) {
    let assets = tempfile::tempdir().expect("assets folder");
    std::fs::create_dir_all(assets.path().join("img")).expect("img folder");
    std::fs::write(
        assets.path().join("img/logo.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#,
    )
    .expect("write the logo");
    std::fs::write(assets.path().join(".secret.png"), "hidden").expect("write a hidden file");
    let app = spawn_app_with(backend, &site_settings(assets.path())).await;
    app.create_letter(SLUG, "open", "");

    let index = app.get("/").await;
    assert!(
        index
            .body
            .contains(&format!("<title>Open letters · {SITE_NAME_HTML}</title>")),
        "{}",
        index.body
    );
    let letter = app.get(&format!("/letters/{SLUG}")).await;
    let signatories = app.get(&format!("/letters/{SLUG}/signatories")).await;
    // The operator's own words stay as written in every interface language.
    let hebrew = app.get(&format!("/letters/{SLUG}?lang=he")).await;
    assert!(hebrew.body.contains(r#"<html lang="he" dir="rtl">"#));
    for page in [&index, &letter, &signatories, &hebrew] {
        assert!(!page.body.contains(SITE_NAME), "unescaped site name");
        assert!(page.body.contains("Together for the right to protest"));
        assert!(page.body.contains("Printed by the coalition, 2026"));
        assert!(page.body.contains(r#"href="mailto:hello@coalition.test""#));
        assert!(
            page.body
                .contains(r#"<img class="logo" src="/assets/img/logo.svg""#)
        );
        assert!(page.body.contains(r#"href="/privacy""#));
        assert!(!page.body.contains("undersigned"), "the tool's name shows");
    }
    assert!(letter.body.contains(&format!(
        "<title>Protect the right to protest · {SITE_NAME_HTML}</title>"
    )));
    // The privacy line under the Sign button names the coalition.
    let after_button = letter
        .body
        .split("Add our organization</span></button>")
        .nth(1)
        .expect("button");
    assert!(after_button.contains(SITE_NAME_HTML) && after_button.contains(r#"href="/privacy""#));
    // Dates in the site's style.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        letter.body.contains(&format!(">{today}</time>")),
        "{}",
        letter.body
    );

    let css = app.get("/static/site.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(content_type(&css).starts_with("text/css"));
    assert!(css.body.contains("--accent: #336699;"), "{}", css.body);
    let logo = app.get("/assets/img/logo.svg").await;
    assert_eq!(logo.status, StatusCode::OK);
    assert_eq!(content_type(&logo), "image/svg+xml");
    for hidden in [
        "/assets/.secret.png",
        "/assets/img/../.secret.png",
        "/assets/img/%2e%2e/.secret.png",
        "/assets/nothing.png",
    ] {
        assert_eq!(
            app.get(hidden).await.status,
            StatusCode::NOT_FOUND,
            "{hidden}"
        );
    }
    let privacy = app.get("/privacy").await;
    assert_eq!(privacy.status, StatusCode::OK);
    assert!(
        privacy.body.contains("<strong>only what you type</strong>"),
        "{}",
        privacy.body
    );
    assert!(!privacy.body.contains("<script>alert"), "{}", privacy.body);

    let signed = app
        .sign(SLUG, &[("name", "Ada"), ("email", "ada@example.org")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    app.wait_for_mails_to("ada@example.org", 1).await;
    assert_eq!(
        from_headers(&app),
        vec![format!("{SITE_NAME} <letters@coalition.test>")]
    );
}

/// What `serve` renders without an application at hand (emails, the console, error pages)
/// takes the site the process loaded: the real binary, configured by environment variables.
async fn the_installed_site_reaches_emails_the_console_and_error_pages(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = crate::helpers::fresh_database_url(backend, directory.path());
    let mail_dir = directory.path().join("mail");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .env(
            "UNDERSIGNED_SIGNING__ADDRESS_KEY",
            crate::helpers::TEST_ADDRESS_KEY,
        )
        .arg("serve")
        .env("DATABASE_URL", &database_url)
        .env("UNDERSIGNED_SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("UNDERSIGNED_SERVER__PUBLIC_URL", PUBLIC_URL)
        .env("UNDERSIGNED_MAIL__FILE_DIR", &mail_dir)
        .env("UNDERSIGNED_LIMITS__MIN_FORM_SECONDS", "0")
        .env("UNDERSIGNED_LOG__LEVEL", "warn")
        .env("UNDERSIGNED_SITE__NAME", "Coalition for Clean Air")
        .env("UNDERSIGNED_SITE__TAGLINE", "Breathe easy")
        .env("UNDERSIGNED_SITE__CONTACT", "air@coalition.test")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start undersigned serve");
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let address = format!("http://127.0.0.1:{port}");
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Ok(response) = client.get(format!("{address}/readyz")).send().await
            && response.status() == StatusCode::OK
        {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("undersigned serve exited: {status}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve never became ready"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _stop = Stop(child);
    let app = TestApp {
        address,
        client,
        pool: undersigned::db::connect(&database_url, 2).expect("connect to the database"),
        database_url,
        mail_dir,
        directory,
    };
    app.create_letter(SLUG, "open", "");

    let login = app.get("/admin/login").await;
    assert!(
        login
            .body
            .contains("Coalition for Clean Air console</title>"),
        "{}",
        login.body
    );
    let missing = app.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("· Coalition for Clean Air</title>"),
        "{}",
        missing.body
    );

    let signed = app
        .sign(SLUG, &[("name", "Ada"), ("email", "ada@example.org")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mails = app.wait_for_mails_to("ada@example.org", 1).await;
    assert!(
        mails[0]
            .text
            .replace("\r\n", "\n")
            .contains("\n-- \nCoalition for Clean Air: Breathe easy\nair@coalition.test"),
        "{}",
        mails[0].text
    );
    assert!(
        mails[0].html.contains("mailto:air@coalition.test"),
        "{}",
        mails[0].html
    );
    assert_eq!(
        from_headers(&app),
        vec!["Coalition for Clean Air <letters@localhost>".to_owned()]
    );
}

async fn robots_sitemap_feed_and_icons_list_only_public_letters(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.create_letter("closed-letter", "closed", "");
    app.create_letter("secret-draft", "draft", "");

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert!(content_type(&robots).starts_with("text/plain"));
    for line in [
        "User-agent: *",
        "Disallow: /admin",
        "Disallow: /verify",
        "Disallow: /withdraw",
        "Disallow: /*/verify/",
        "Disallow: /*/withdraw/",
        "Disallow: /api/v1/admin",
        &format!("Sitemap: {PUBLIC_URL}/sitemap.xml"),
    ] {
        assert!(
            robots.body.lines().any(|found| found == line),
            "{line}:\n{}",
            robots.body
        );
    }

    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(content_type(&sitemap).starts_with("application/xml"));
    assert!(sitemap.body.starts_with("<?xml"));
    let locations: Vec<&str> = sitemap
        .body
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .collect();
    let mut expected = vec![format!("{PUBLIC_URL}/")];
    for slug in ["closed-letter", SLUG] {
        expected.push(format!("{PUBLIC_URL}/letters/{slug}"));
        expected.push(format!("{PUBLIC_URL}/letters/{slug}/signatories"));
    }
    let mut found: Vec<String> = locations.iter().map(|&loc| loc.to_owned()).collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);

    let feed = app.get("/feed.atom").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(content_type(&feed).starts_with("application/atom+xml"));
    assert!(
        feed.body
            .contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#),
        "{}",
        feed.body
    );
    assert!(
        feed.body
            .contains(&format!("<id>{PUBLIC_URL}/letters/{SLUG}</id>")),
        "{}",
        feed.body
    );
    assert!(
        !feed.body.contains("secret-draft"),
        "a draft is in the feed"
    );
    assert!(
        !feed.body.contains("closed-letter"),
        "a closed letter is in the feed"
    );
    assert!(
        app.get("/")
            .await
            .body
            .contains(r#"type="application/atom+xml""#)
    );

    let favicon = app.get("/static/favicon.svg").await;
    assert_eq!(favicon.status, StatusCode::OK);
    assert_eq!(content_type(&favicon), "image/svg+xml");
    assert!(favicon.body.contains("<svg"));
    assert_eq!(
        content_type(&app.get("/favicon.ico").await),
        "image/svg+xml"
    );
    for path in ["/static/apple-touch-icon.png", "/apple-touch-icon.png"] {
        let icon = app.get(path).await;
        assert_eq!(icon.status, StatusCode::OK, "{path}");
        assert_eq!(content_type(&icon), "image/png", "{path}");
        assert!(
            icon.body.contains("PNG") && icon.body.contains("IHDR"),
            "{path}"
        );
    }
    let page = app.get(&format!("/letters/{SLUG}")).await.body;
    assert!(page.contains(r#"<link rel="icon" href="/static/favicon.svg">"#));
    assert!(page.contains(r#"<link rel="apple-touch-icon" href="/static/apple-touch-icon.png">"#));
}

/// The content of the `<meta>` (or `<link>`) tag whose `key` attribute is `name`.
fn meta(html: &str, key: &str, name: &str, value_attribute: &str) -> String {
    let marker = format!(r#"{key}="{name}""#);
    let tag = html
        .split('<')
        .find(|tag| tag.contains(&marker))
        .unwrap_or_else(|| panic!("no tag with {marker}"));
    let start = format!(r#"{value_attribute}=""#);
    tag.split(&start)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {value_attribute} in <{tag}"))
        .to_owned()
}

async fn letter_pages_carry_escaped_link_previews(backend: Backend) {
    let app = spawn_app(backend).await;
    let document = r#"+++
slug = "quotes"
title = "Say \"no\" <&> now"
addressee = "The <Mayor> & \"Council\""
summary = "Stop \"it\" <script>alert(1)</script> & more"
status = "open"
+++

Dear Mayor,
"#;
    let parsed = undersigned::letters::import::parse_document(document).expect("a valid letter");
    undersigned::letters::import::store(&mut app.connection(), &parsed).expect("stored");

    let page = app.get("/letters/quotes").await;
    assert_eq!(page.status, StatusCode::OK);
    let head = page.body.split("</head>").next().expect("a head");
    let title = "Say &#34;no&#34; &#60;&#38;&#62; now";
    let summary = "Stop &#34;it&#34; &#60;script&#62;alert(1)&#60;/script&#62; &#38; more";
    assert_eq!(meta(head, "property", "og:title", "content"), title);
    assert_eq!(meta(head, "property", "og:description", "content"), summary);
    assert_eq!(meta(head, "name", "description", "content"), summary);
    assert_eq!(meta(head, "property", "og:type", "content"), "website");
    assert_eq!(
        meta(head, "property", "og:site_name", "content"),
        "undersigned"
    );
    assert_eq!(
        meta(head, "name", "twitter:card", "content"),
        "summary_large_image"
    );
    let url = format!("{PUBLIC_URL}/letters/quotes");
    assert_eq!(meta(head, "property", "og:url", "content"), url);
    assert_eq!(meta(head, "rel", "canonical", "href"), url);
    assert!(!head.contains("<script"), "{head}");
    assert!(!head.contains(r#""no""#) && !head.contains("<&>"), "{head}");
}
