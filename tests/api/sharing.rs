//! The share step: after signing and after confirming, a person is asked to pass the letter
//! on, with plain links that load nothing from another host and carry the letter's title
//! and address exactly, however odd the title.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letters, signatures};

use crate::helpers::{Backend, PUBLIC_URL, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_share_step_follows_signing_and_confirming_with_every_link_encoded,
    no_page_loads_a_script_or_stylesheet_from_another_host,
    a_closed_letter_asks_nobody_to_share,
    an_approved_organization_is_asked_to_share,
);

/// Quotes, markup, an ampersand and the direction overrides a title stored before the text
/// rules refused them could hold.
const NASTY_TITLE: &str = "\"Free\" <script>alert('x')</script> & \u{202E}evil\u{202C} +1 #now?a=b";
/// The title as shared: the direction controls dropped, nothing else changed.
const SHARED_TITLE: &str = "\"Free\" <script>alert('x')</script> & evil +1 #now?a=b";

/// Reverses askama's escaping of an attribute value.
pub fn unescape(value: &str) -> String {
    let pattern = regex::Regex::new(r"&(#\d+|amp|quot|lt|gt|apos);").expect("a valid pattern");
    pattern
        .replace_all(value, |captures: &regex::Captures| {
            let entity = &captures[1];
            match entity {
                "amp" => "&".to_owned(),
                "quot" => "\"".to_owned(),
                "lt" => "<".to_owned(),
                "gt" => ">".to_owned(),
                "apos" => "'".to_owned(),
                number => number[1..]
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
                    .unwrap_or_default(),
            }
        })
        .into_owned()
}

/// The `href` of the share link labelled `label`, unescaped.
fn share_link(body: &str, label: &str) -> String {
    let pattern = regex::Regex::new(&format!(r#"<a href="([^"]*)"[^>]*>{label}</a>"#))
        .expect("a valid pattern");
    let captures = pattern
        .captures(body)
        .unwrap_or_else(|| panic!("no {label} share link in:\n{body}"));
    unescape(&captures[1])
}

/// The decoded value of `name` in a link's query.
fn query_value(link: &str, name: &str) -> String {
    let query = link.split_once('?').map(|(_, query)| query).unwrap_or("");
    let raw = query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {link}"));
    assert!(
        raw.bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~%".contains(&byte)),
        "{name} is not fully percent-encoded in {link}"
    );
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .expect("UTF-8")
        .into_owned()
}

/// Checks the share step on a page for the letter `slug`.
pub fn assert_share_step(body: &str, slug: &str, title: &str) {
    let url = format!("{PUBLIC_URL}/letters/{slug}");
    assert!(body.contains("Ask others to sign"), "{body}");
    // Without script: the link in a labelled, read-only field.
    assert!(
        body.contains(r#"<label for="share-url">"#)
            && body.contains(&format!(
                r#"<input id="share-url" type="text" readonly value="{url}">"#
            )),
        "{body}"
    );
    // With script: a Copy button and the browser's share sheet, both hidden until it runs.
    // The script's words come with the page, in its language.
    assert!(body.contains(
        r#"id="share-copy" data-copy="share-url" data-copied="Copied" data-copied-status="The link is copied." hidden>Copy link"#
    ));
    assert!(
        body.contains(r#"id="share-native""#)
            && body.contains(r#"<script src="/static/share.js" defer></script>"#)
    );

    let email = share_link(body, "Email");
    assert!(email.starts_with("mailto:?"), "{email}");
    assert_eq!(query_value(&email, "subject"), title);
    assert_eq!(query_value(&email, "body"), format!("{title}\n\n{url}"));
    let whatsapp = share_link(body, "WhatsApp");
    assert!(whatsapp.starts_with("https://wa.me/?"), "{whatsapp}");
    assert_eq!(query_value(&whatsapp, "text"), format!("{title} {url}"));
    let telegram = share_link(body, "Telegram");
    assert!(
        telegram.starts_with("https://t.me/share/url?"),
        "{telegram}"
    );
    assert_eq!(query_value(&telegram, "url"), url);
    assert_eq!(query_value(&telegram, "text"), title);
    let bluesky = share_link(body, "Bluesky");
    assert!(
        bluesky.starts_with("https://bsky.app/intent/compose?"),
        "{bluesky}"
    );
    assert_eq!(query_value(&bluesky, "text"), format!("{title} {url}"));
    let x = share_link(body, "X");
    assert!(x.starts_with("https://x.com/intent/post?"), "{x}");
    assert_eq!(query_value(&x, "text"), title);
    assert_eq!(query_value(&x, "url"), url);
    let facebook = share_link(body, "Facebook");
    assert!(
        facebook.starts_with("https://www.facebook.com/sharer/sharer.php?"),
        "{facebook}"
    );
    assert_eq!(query_value(&facebook, "u"), url);
}

/// Every script and stylesheet the page loads comes from this site.
pub fn assert_only_own_resources(path: &str, body: &str) {
    let script = regex::Regex::new(r#"<script\b[^>]*>"#).expect("a valid pattern");
    for tag in script.find_iter(body) {
        let tag = tag.as_str();
        assert!(
            tag.contains(r#" src="/"#) && !tag.contains(r#" src="//"#),
            "{path}: a script that is not this site's own file: {tag}"
        );
    }
    let link = regex::Regex::new(r#"<link\b[^>]*>"#).expect("a valid pattern");
    for tag in link.find_iter(body) {
        let tag = tag.as_str();
        if tag.contains(r#"rel="stylesheet""#) || tag.contains(r#"rel="icon""#) {
            assert!(
                tag.contains(r#" href="/"#) && !tag.contains(r#" href="//"#),
                "{path}: a stylesheet or icon from another host: {tag}"
            );
        }
    }
    for attribute in [" src=\"http", " src=\"//", "@import", "url(http"] {
        assert!(
            !body.contains(attribute),
            "{path} loads from another host: {attribute}"
        );
    }
}

fn set_title(app: &TestApp, slug: &str, title: &str) {
    diesel::update(letters::table.filter(letters::slug.eq(slug)))
        .set(letters::title.eq(title))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("title stored");
}

async fn the_share_step_follows_signing_and_confirming_with_every_link_encoded(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("nasty", "open", "");
    set_title(&app, "nasty", NASTY_TITLE);

    let signed = app
        .sign("nasty", &[("name", "Ada"), ("email", "ada@example.org")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let location = signed.location.expect("a redirect");
    let check_email = app.get(&location).await;
    assert_eq!(check_email.status, StatusCode::OK);
    assert!(check_email.body.contains("Check your email"));
    assert_share_step(&check_email.body, "nasty", SHARED_TITLE);
    assert!(
        !check_email.body.contains("<script>alert"),
        "the title is escaped on the page"
    );
    assert_only_own_resources(&location, &check_email.body);

    let mail = app.wait_for_mails_to("ada@example.org", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(confirmed.body.contains("Signature confirmed"));
    assert_share_step(&confirmed.body, "nasty", SHARED_TITLE);
    assert!(!confirmed.body.contains("<script>alert"));
    assert_only_own_resources("/verify/...", &confirmed.body);
    assert_eq!(
        confirmed
            .headers
            .get("referrer-policy")
            .and_then(|value| value.to_str().ok()),
        Some("no-referrer"),
        "the confirmation token never leaves in a Referer when someone follows a share link"
    );

    let script = app.get("/static/share.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("data-copied") && script.body.contains("navigator.share"));
    assert!(
        !script.body.contains("Copied"),
        "the script's words come from the page"
    );
}

async fn no_page_loads_a_script_or_stylesheet_from_another_host(backend: Backend) {
    let app = spawn_app_with_embed(backend).await;
    app.create_letter("plain", "open", "");
    app.sign_and_confirm("plain", "Ada", "ada@example.org")
        .await;
    for path in [
        "/",
        "/letters/plain",
        "/letters/plain/signed",
        "/letters/plain/signatories",
        "/letters/plain/versions",
        "/letters/plain/resend",
        "/letters/plain/embed",
        "/privacy",
        "/no-such-page",
    ] {
        let page = app.get(path).await;
        assert_only_own_resources(path, &page.body);
    }
}

async fn spawn_app_with_embed(backend: Backend) -> TestApp {
    crate::helpers::spawn_app_with(
        backend,
        &[(
            "embed.allowed_origins",
            r#"["https://members.example.org"]"#.to_owned(),
        )],
    )
    .await
}

async fn a_closed_letter_asks_nobody_to_share(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("done", "closed", "");
    let page = app.get("/letters/done/signed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Ask others to sign"), "{}", page.body);
}

async fn an_approved_organization_is_asked_to_share(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let signed = app
        .sign(
            "coalition",
            &[
                ("kind", "organization"),
                ("organization", "Friends of the Earth"),
                ("name", "Grace Hopper"),
                ("email", "grace@foe.example"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert!(
        confirmed.body.contains("once they approve it"),
        "{}",
        confirmed.body
    );
    let id: String = signatures::table
        .filter(signatures::organization.eq("Friends of the Earth"))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the organization's signature");
    app.cli_ok(&[
        "signatures",
        "approve",
        "coalition",
        &id,
        "--by",
        "staff@coalition.test",
    ]);

    let mails = app.wait_for_mails_to("grace@foe.example", 2).await;
    let listed = &mails[1];
    assert!(listed.subject.contains("is listed"), "{}", listed.subject);
    let url = format!("{PUBLIC_URL}/letters/coalition");
    assert!(
        listed
            .text
            .contains("Please help the letter travel: share it")
            && listed
                .text
                .replace("\r\n", "\n")
                .contains(&format!("The link to share:\n{url}\n")),
        "{}",
        listed.text
    );
    assert!(
        listed.html.contains("share it with your members")
            && listed
                .html
                .contains(&format!(r#"<a href="{url}">{url}</a>"#)),
        "{}",
        listed.html
    );
}
