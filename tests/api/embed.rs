//! Member organizations' websites: the embed (a counter and the sign form in an `<iframe>`),
//! framable only from `[embed] allowed_origins`, which signs through the letter page's
//! admission path (its answers inside the frame are in embed_frame.rs),
//! and `count.json` for members who draw their own counter.

use awc::http::StatusCode;

use crate::helpers::{Backend, PUBLIC_URL, TestApp, encode, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    only_the_embed_may_be_framed_and_only_by_the_configured_origins,
    without_origins_the_embed_refuses_framing_too,
    signing_through_the_embed_is_signing_on_the_letter_page,
    bots_signing_through_the_embed_store_and_send_nothing,
    count_json_says_what_the_letter_page_says,
    the_console_shows_the_snippet_and_the_count_address,
);

const MEMBERS: &str = "https://members.example.org";
const LOCAL: &str = "http://localhost:8000";

async fn spawn_with_origins(backend: Backend, extra: &[(&str, String)]) -> TestApp {
    let mut settings = vec![(
        "embed.allowed_origins",
        format!(r#"["{MEMBERS}", "{LOCAL}"]"#),
    )];
    settings.extend(extra.iter().cloned());
    spawn_app_with(backend, &settings).await
}

fn header<'a>(response: &'a crate::helpers::Response, name: &str) -> Option<&'a str> {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn assert_not_framable(path: &str, response: &crate::helpers::Response) {
    let policy = header(response, "content-security-policy").unwrap_or_default();
    assert!(
        policy.contains("frame-ancestors 'none'") && !policy.contains(MEMBERS),
        "{path}: {policy}"
    );
    assert_eq!(header(response, "x-frame-options"), Some("DENY"), "{path}");
}

async fn only_the_embed_may_be_framed_and_only_by_the_configured_origins(backend: Backend) {
    let app = spawn_with_origins(backend, &[]).await;
    app.create_letter("dear-president", "open", "");
    app.create_letter("draft-letter", "draft", "");

    let embed = app.get("/letters/dear-president/embed").await;
    assert_eq!(embed.status, StatusCode::OK);
    let policy = header(&embed, "content-security-policy").expect("a policy");
    assert!(
        policy.ends_with(&format!("; frame-ancestors {MEMBERS} {LOCAL}")),
        "{policy}"
    );
    assert_eq!(
        policy.matches("frame-ancestors").count(),
        1,
        "one frame-ancestors: {policy}"
    );
    assert!(
        policy.contains("script-src 'self'") && policy.contains("form-action 'self'"),
        "the rest of the policy stays: {policy}"
    );
    assert_eq!(
        header(&embed, "x-frame-options"),
        None,
        "X-Frame-Options cannot name an origin; it would refuse the members' frames"
    );
    assert!(embed.body.contains("Be the first to sign"));

    for path in [
        "/",
        "/letters/dear-president",
        "/letters/dear-president/signed",
        "/letters/dear-president/signatories",
        "/letters/dear-president/count.json",
        "/letters/no-such-letter/embed",
        "/letters/draft-letter/embed",
        "/privacy",
        "/admin/login",
        "/no-such-page",
    ] {
        let response = app.get(path).await;
        assert_not_framable(path, &response);
    }
    assert_eq!(
        app.get("/letters/draft-letter/embed").await.status,
        StatusCode::NOT_FOUND,
        "a draft has no embed"
    );
    // A failed submit on the letter page is the letter page again: not framable either.
    let failed = app
        .post_form("/letters/dear-president/sign", encode(&[("name", "Ada")]))
        .await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_not_framable("POST /letters/dear-president/sign", &failed);
}

async fn without_origins_the_embed_refuses_framing_too(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let embed = app.get("/letters/dear-president/embed").await;
    assert_eq!(embed.status, StatusCode::OK);
    assert_not_framable("/letters/dear-president/embed", &embed);
}

/// The form in a page, as (action, target, the fields' names in order).
fn form_of(body: &str) -> (String, String, Vec<String>) {
    let form = regex::Regex::new(
        r#"<form id="sign-form"(?: class="[^"]*")? method="post" action="([^"]+)"(?: target="([^"]+)")?"#,
    )
    .expect("a valid pattern");
    let captures = form.captures(body).expect("a sign form");
    let start = captures.get(0).map(|found| found.start()).unwrap_or(0);
    let end = body[start..]
        .find("</form>")
        .map(|at| start + at)
        .unwrap_or(body.len());
    let name = regex::Regex::new(r#"\bname="([a-z]+)""#).expect("a valid pattern");
    let mut names: Vec<String> = name
        .captures_iter(&body[start..end])
        .map(|found| found[1].to_owned())
        .collect();
    names.dedup();
    (
        captures[1].to_owned(),
        captures
            .get(2)
            .map(|target| target.as_str().to_owned())
            .unwrap_or_default(),
        names,
    )
}

async fn signing_through_the_embed_is_signing_on_the_letter_page(backend: Backend) {
    let app = spawn_with_origins(backend, &[]).await;
    app.create_letter("dear-president", "open", "");
    let embed = app.get("/letters/dear-president/embed").await;
    let letter = app.get("/letters/dear-president").await;
    let (action, target, fields) = form_of(&embed.body);
    let (_, _, letter_fields) = form_of(&letter.body);
    assert_eq!(
        action, "/en/letters/dear-president/embed#sign",
        "the embed answers its own form, inside the frame (tests/api/embed_frame.rs)"
    );
    assert_eq!(target, "", "the result stays in the frame");
    let mut sorted = fields.clone();
    sorted.sort();
    let mut letter_sorted = letter_fields.clone();
    letter_sorted.sort();
    assert_eq!(
        sorted, letter_sorted,
        "the same fields, form token and honeypot"
    );
    assert!(fields.contains(&"t".to_owned()) && fields.contains(&"nickname".to_owned()));

    let t = crate::helpers::form_time_in(&embed.body);
    let path = action.split('#').next().unwrap_or(&action).to_owned();
    let signed = app
        .post_form_raw(
            &path,
            encode(&[
                ("kind", "individual"),
                ("name", "Ada Lovelace"),
                ("email", "ada@example.org"),
                ("public", "on"),
                ("t", &t),
                ("nickname", ""),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains("Check your email"), "{}", signed.body);

    // Someone else signs on the letter page; both get the same confirmation email.
    let other = app
        .sign(
            "dear-president",
            &[
                ("name", "Grace Hopper"),
                ("email", "grace@example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    let from_embed = app.wait_for_mails_to("ada@example.org", 1).await.remove(0);
    let from_page = app
        .wait_for_mails_to("grace@example.org", 1)
        .await
        .remove(0);
    assert_eq!(from_embed.subject, from_page.subject);
    let normalized = |text: &str, name: &str| {
        let token =
            regex::Regex::new(r"/(verify|withdraw)/[A-Za-z0-9_.-]+").expect("a valid pattern");
        token
            .replace_all(&text.replace(name, "NAME"), "/$1/TOKEN")
            .into_owned()
    };
    assert_eq!(
        normalized(&from_embed.text, "Ada Lovelace"),
        normalized(&from_page.text, "Grace Hopper")
    );
    let confirmed = app.post_form(&from_embed.link("/verify/"), "").await;
    assert!(confirmed.body.contains("Signature confirmed"));
    app.wait_for_public_total("dear-president", 1).await;
}

async fn bots_signing_through_the_embed_store_and_send_nothing(backend: Backend) {
    // A person takes far longer than this to fill the form; a script posting at once does not.
    let app = spawn_with_origins(backend, &[("limits.min_form_seconds", "3600".to_owned())]).await;
    app.create_letter("dear-president", "open", "");
    let embed = app.get("/letters/dear-president/embed").await;
    let t = crate::helpers::form_time_in(&embed.body);
    assert!(
        !t.is_empty(),
        "the embed's form carries the signed time stamp"
    );

    let honeypot = app
        .post_form_raw(
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Bot"),
                ("email", "bot@example.org"),
                ("t", &t),
                ("nickname", "filled by a bot"),
            ]),
        )
        .await;
    assert_eq!(
        honeypot.status,
        StatusCode::SEE_OTHER,
        "the bot sees the usual answer"
    );

    let hurried = app
        .post_form_raw(
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Quick"),
                ("email", "quick@example.org"),
                ("t", &t),
                ("nickname", ""),
            ]),
        )
        .await;
    assert_eq!(hurried.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        hurried.body.contains("press Sign again"),
        "{}",
        hurried.body
    );

    assert_eq!(app.signature_count(), 0, "nothing stored");
    assert_eq!(app.outbox_count(), 0, "nothing sent");
}

async fn count_json_says_what_the_letter_page_says(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "goal = 500");
    app.create_letter("draft-letter", "draft", "");
    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.org")
        .await;
    app.wait_for_public_total("dear-president", 1).await;

    let count = app.get("/letters/dear-president/count.json").await;
    assert_eq!(count.status, StatusCode::OK);
    assert_eq!(
        header(&count, "cache-control"),
        Some("public, max-age=5, stale-while-revalidate=30")
    );
    assert_eq!(header(&count, "access-control-allow-origin"), Some("*"));
    assert!(
        header(&count, "content-type").is_some_and(|value| value.starts_with("application/json"))
    );
    let json: serde_json::Value = serde_json::from_str(&count.body).expect("JSON");
    assert_eq!(json["slug"], "dear-president");
    assert_eq!(json["total"], 1);
    assert_eq!(json["individuals"], 1);
    assert_eq!(json["organizations"], 0);
    assert_eq!(json["goal"], 500);
    assert_eq!(json["accepting_signatures"], true);
    assert!(count.body.find("ada").is_none(), "no one's details");

    let page = app.get("/letters/dear-president").await;
    assert!(
        page.body.contains(&format!(
            "<span class=\"number\">{}</span> signature",
            json["total"]
        )),
        "{}",
        page.body
    );
    let embed = app.get("/letters/dear-president/embed").await;
    assert!(
        embed
            .body
            .contains("<span class=\"number\">1</span> signature<")
    );
    // The same goal line as the letter page, how far there is to go included.
    assert!(page.body.contains("Goal: 500 · 499 to go"), "{}", page.body);
    assert!(
        embed.body.contains("Goal: 500 · 499 to go"),
        "{}",
        embed.body
    );
    let arabic = app.get("/letters/dear-president/embed?lang=ar").await;
    assert!(arabic.body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(!arabic.body.contains("to go"), "{}", arabic.body);

    for path in [
        "/letters/draft-letter/count.json",
        "/letters/no-such-letter/count.json",
        "/letters/NOT%20A%20SLUG/count.json",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn the_console_shows_the_snippet_and_the_count_address(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let staff = app.staff("viewer@coalition.test", "viewer").await;
    let page = staff.get("/admin/letters/dear-president").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let escaped_snippet = format!(
        "&#60;iframe src=&#34;{PUBLIC_URL}/letters/dear-president/embed&#34; title=&#34;Sign: Protect the right to protest&#34;"
    );
    assert!(page.body.contains(&escaped_snippet), "{}", page.body);
    assert!(
        !page.body.contains("<iframe"),
        "shown as text, never as a frame"
    );
    assert!(
        page.body
            .contains(&format!("{PUBLIC_URL}/letters/dear-president/count.json"))
    );
}

/// An origin that could smuggle a directive into the header stops the service at start-up,
/// naming the key.
#[test]
fn a_bad_embed_origin_refuses_to_start() {
    for bad in [
        "https://members.example.org; script-src *",
        "https://members.example.org/page",
        "'unsafe-inline'",
        "https://a.example.org,https://b.example.org",
    ] {
        let directory = tempfile::tempdir().expect("temporary directory");
        let config = directory.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[server]\nbind = \"127.0.0.1:0\"\n[embed]\nallowed_origins = [{}]\n[database]\nurl = \"sqlite://{}/db.sqlite\"\npool_size = 1\n",
                serde_json::to_string(bad).expect("a TOML string"),
                directory.path().display()
            ),
        )
        .expect("write the configuration");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .env(
                "UNDERSIGNED_SIGNING__ADDRESS_KEY",
                crate::helpers::TEST_ADDRESS_KEY,
            )
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start undersigned serve");
        // Were the origin accepted the server would run on; stop it rather than hang.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while child.try_wait().expect("wait for serve").is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{bad:?} was accepted: the server started");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let output = child.wait_with_output().expect("serve's output");
        assert!(!output.status.success(), "{bad:?} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("configuration error") && stderr.contains("embed.allowed_origins"),
            "{bad:?}: {stderr}"
        );
    }
}
