//! The embed keeps the visitor on the member's site: a refused form comes back inside the
//! frame with its error summary and what was typed, "check your email" is shown inside the
//! frame with the address typed, the frame says how tall it is, and the console gives each
//! member its own snippet (its `via` code, a language, the resize listener).

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{members, signatures};

use crate::helpers::{Backend, PUBLIC_URL, Response, TestApp, encode, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_refused_form_comes_back_inside_the_frame_with_what_was_typed,
    signing_inside_the_frame_shows_check_email_there_and_counts_for_the_member,
    a_hurried_or_closed_form_says_so_inside_the_frame,
    the_frame_in_hebrew_answers_in_hebrew,
    the_frame_reports_its_height_and_each_member_gets_its_own_snippet,
);

const MEMBERS: &str = "https://members.example.org";
const SLUG: &str = "dear-president";

async fn app(backend: Backend, extra: &[(&str, String)]) -> TestApp {
    let mut settings = vec![("embed.allowed_origins", format!(r#"["{MEMBERS}"]"#))];
    settings.extend(extra.iter().cloned());
    let app = spawn_app_with(backend, &settings).await;
    app.create_letter(SLUG, "open", "");
    app
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// The answer may be shown in a member's frame: the policy names the members' origins and
/// no X-Frame-Options refuses it.
fn assert_framable(what: &str, response: &Response) {
    let policy = header(response, "content-security-policy").unwrap_or_default();
    assert!(
        policy.ends_with(&format!("frame-ancestors {MEMBERS}")),
        "{what}: {policy}"
    );
    assert_eq!(header(response, "x-frame-options"), None, "{what}");
    assert!(
        response.body.contains(r#"<body class="embed">"#),
        "{what}: the embed's own page, not the letter page: {}",
        response.body
    );
}

/// The embed's form: where it posts (without `#sign`) and its signed time stamp.
fn form_of(body: &str) -> (String, String) {
    let action = regex::Regex::new(r##"<form id="sign-form"[^>]* action="([^"#]+)(?:#sign)?""##)
        .expect("a valid pattern")
        .captures(body)
        .map(|found| found[1].to_owned())
        .unwrap_or_else(|| panic!("a sign form in {body}"));
    (action, crate::helpers::form_time_in(body))
}

async fn post_in_frame(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> Response {
    let embed = app.get(page).await;
    assert_eq!(embed.status, StatusCode::OK, "{}", embed.body);
    let (action, t) = form_of(&embed.body);
    let mut all = fields.to_vec();
    all.push(("t", &t));
    all.push(("nickname", ""));
    app.post_form_raw(&action, encode(&all)).await
}

async fn a_refused_form_comes_back_inside_the_frame_with_what_was_typed(backend: Backend) {
    let app = app(backend, &[]).await;
    let embed = app.get(&format!("/letters/{SLUG}/embed")).await;
    assert!(
        !embed.body.contains("target=\"_top\""),
        "the form's answer stays in the frame: {}",
        embed.body
    );
    let (action, _) = form_of(&embed.body);
    assert_eq!(action, format!("/en/letters/{SLUG}/embed"));

    let refused = post_in_frame(
        &app,
        &format!("/letters/{SLUG}/embed"),
        &[
            ("kind", "organization"),
            ("name", ""),
            ("email", "dana@gmial"),
            ("organization", "Friends <of> Peace"),
            ("public", "on"),
        ],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.location, None,
        "no redirect to the coalition's page"
    );
    assert_framable("a refused form", &refused);
    assert!(
        refused.body.contains(r#"class="error-summary""#)
            && refused.body.contains("There is a problem"),
        "the error summary: {}",
        refused.body
    );
    assert!(refused.body.contains("<title>Error: "), "{}", refused.body);
    assert!(
        refused.body.contains(r##"<a href="#name">"##)
            && refused.body.contains(r##"<a href="#email">"##),
        "each error links to its field: {}",
        refused.body
    );
    // What was typed is kept (escaped), the organization still chosen, the box still ticked.
    assert!(
        refused.body.contains(r#"value="dana@gmial""#),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(r#"value="Friends &#60;of&#62; Peace""#),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("<of>"));
    assert!(
        refused.body.contains(
            r#"id="kind-organization" type="radio" name="kind" value="organization" checked"#
        ),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"name="public" value="on" checked"#));
    assert!(refused.body.contains("/static/error-summary.js"));
    assert_eq!(header(&refused, "cache-control"), Some("no-store"));
    assert_eq!(app.signature_count(), 0, "nothing stored");

    // Fixed in the frame, it goes through.
    let fixed = post_in_frame(
        &app,
        &format!("/letters/{SLUG}/embed"),
        &[
            ("kind", "organization"),
            ("name", "Dana Levi"),
            ("email", "dana@example.org"),
            ("organization", "Friends of Peace"),
        ],
    )
    .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.body);
    assert!(fixed.body.contains("Check your email"), "{}", fixed.body);
    assert_eq!(app.signature_count(), 1);
}

fn member_code(app: &TestApp, name: &str) -> String {
    app.cli_ok(&["members", "add", name, "--email", "contact@cfpeace.example"]);
    members::table
        .filter(members::name.eq(name))
        .select(members::code)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the member's code")
}

async fn signing_inside_the_frame_shows_check_email_there_and_counts_for_the_member(
    backend: Backend,
) {
    let app = app(backend, &[]).await;
    let code = member_code(&app, "Coalition for Peace");
    let page = format!("/letters/{SLUG}/embed?via={code}");
    let embed = app.get(&page).await;
    assert!(
        embed.body.contains(r#"name="share_with_member""#)
            && embed.body.contains("Coalition for Peace"),
        "the member's box: {}",
        embed.body
    );
    let signed = post_in_frame(
        &app,
        &page,
        &[
            ("kind", "individual"),
            ("name", "Ada Lovelace"),
            ("email", "  ada@example.org "),
            ("public", "on"),
            ("via", &code),
            ("share_with_member", "on"),
        ],
    )
    .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert_eq!(signed.location, None, "answered in the frame, no redirect");
    assert_framable("check your email", &signed);
    assert_eq!(header(&signed, "cache-control"), Some("no-store"));
    assert!(signed.body.contains("Check your email"), "{}", signed.body);
    assert!(
        signed.body.contains("The link went to")
            && signed
                .body
                .contains(r#"<bdi class="address">ada@example.org</bdi>"#),
        "the address typed, shown back: {}",
        signed.body
    );
    assert!(
        signed.body.contains(&format!(
            r#"href="/en/letters/{SLUG}/embed?via={code}">Not your address? Sign again"#
        )),
        "{}",
        signed.body
    );
    assert!(
        signed.body.contains(&format!(
            r#"href="/letters/{SLUG}/resend" target="_blank" rel="noopener""#
        )),
        "the site's own pages open in a new tab: {}",
        signed.body
    );
    assert!(signed.body.contains(r#"class="share""#), "the share step");

    let mail = app.wait_for_mails_to("ada@example.org", 1).await.remove(0);
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert!(
        confirmed.body.contains("Signature confirmed"),
        "{}",
        confirmed.body
    );
    let (via, shared): (Option<String>, bool) = signatures::table
        .select((signatures::via_member_id, signatures::share_with_member))
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");
    assert!(
        via.is_some() && shared,
        "counted as the member's, shared as ticked"
    );
    app.wait_for_public_total(SLUG, 1).await;
}

async fn a_hurried_or_closed_form_says_so_inside_the_frame(backend: Backend) {
    let hurried_app = app(backend, &[("limits.min_form_seconds", "3600".to_owned())]).await;
    let hurried = post_in_frame(
        &hurried_app,
        &format!("/letters/{SLUG}/embed"),
        &[("name", "Quick"), ("email", "quick@example.org")],
    )
    .await;
    assert_eq!(hurried.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_framable("a hurried form", &hurried);
    assert!(
        hurried.body.contains("press Sign again"),
        "{}",
        hurried.body
    );
    assert!(hurried.body.contains(r#"value="quick@example.org""#));
    assert_eq!(hurried_app.signature_count(), 0);

    // Closed while the form was open: the frame says so, without a form.
    let app = app(backend, &[]).await;
    let t = crate::helpers::form_time_in(&app.get(&format!("/letters/{SLUG}/embed")).await.body);
    app.create_letter(SLUG, "closed", "");
    // Once this instance has seen the change (its letter snapshot lives a moment).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .get(&format!("/letters/{SLUG}/embed"))
        .await
        .body
        .contains("sign-form")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the embed shows the letter closed"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let late = app
        .post_form_raw(
            &format!("/letters/{SLUG}/embed"),
            encode(&[("name", "Late"), ("email", "late@example.org"), ("t", &t)]),
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert_framable("a closed letter", &late);
    assert!(!late.body.contains("sign-form"), "{}", late.body);
    assert_eq!(app.signature_count(), 0);

    // A post that is no form at all is refused plainly, and not framable.
    let garbage = app
        .post_form_raw("/letters/no-such-letter/embed", "name=x")
        .await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&garbage, "x-frame-options"), Some("DENY"));
}

async fn the_frame_in_hebrew_answers_in_hebrew(backend: Backend) {
    let app = app(backend, &[]).await;
    let embed = app.get(&format!("/he/letters/{SLUG}/embed")).await;
    let (action, _) = form_of(&embed.body);
    assert_eq!(
        action,
        format!("/he/letters/{SLUG}/embed"),
        "the language goes with the post"
    );
    for page in [
        format!("/he/letters/{SLUG}/embed"),
        format!("/letters/{SLUG}/embed?lang=he"),
    ] {
        let refused = post_in_frame(&app, &page, &[("name", ""), ("email", "x")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            refused.body.contains(r#"<html lang="he" dir="rtl">"#),
            "{page}: {}",
            refused.body
        );
        assert!(!refused.body.contains("There is a problem"), "{page}");
    }
    let signed = post_in_frame(
        &app,
        &format!("/he/letters/{SLUG}/embed"),
        &[("name", "דנה"), ("email", "dana@example.org")],
    )
    .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(signed.body.contains("הקישור נשלח אל"), "{}", signed.body);
}

async fn the_frame_reports_its_height_and_each_member_gets_its_own_snippet(backend: Backend) {
    let app = app(backend, &[]).await;
    let code = member_code(&app, "Coalition for Peace");
    let embed = app.get(&format!("/letters/{SLUG}/embed")).await;
    assert!(
        embed
            .body
            .contains(r#"<script src="/static/embed.js" defer></script>"#)
    );
    let script = app.get("/static/embed.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(
        script.body.contains("postMessage") && script.body.contains("undersigned:height"),
        "{}",
        script.body
    );

    let staff = app.staff("viewer@coalition.test", "viewer").await;
    let partners = staff.get(&format!("/admin/letters/{SLUG}/partners")).await;
    let link = format!("/admin/letters/{SLUG}/embed?member={code}");
    assert!(partners.body.contains(&link), "{}", partners.body);
    let letter = staff.get(&format!("/admin/letters/{SLUG}")).await;
    assert!(
        letter
            .body
            .contains(&format!("/admin/letters/{SLUG}/embed"))
    );

    let console = staff.get(&format!("{link}&lang=he")).await;
    assert_eq!(console.status, StatusCode::OK, "{}", console.body);
    assert!(
        console.body.contains(&format!(
            "&#60;iframe src=&#34;{PUBLIC_URL}/he/letters/{SLUG}/embed?via={code}&#34;"
        )),
        "the member's code and the language: {}",
        console.body
    );
    assert!(
        console.body.contains(r#"height=&#34;1500&#34;"#),
        "a height that fits without script: {}",
        console.body
    );
    let origin = PUBLIC_URL.trim_end_matches('/');
    assert!(
        console
            .body
            .contains(&format!("e.origin !== &#34;{origin}&#34;"))
            && console.body.contains("undersigned:height")
            && console.body.contains("f.contentWindow === e.source"),
        "the listener takes heights only from this site, for its own frame: {}",
        console.body
    );
    assert!(
        !console.body.contains("<iframe"),
        "shown as text, never as a frame"
    );
    assert!(
        console.body.contains(r#"<option value="he" selected>"#),
        "{}",
        console.body
    );
    assert!(
        console.body.contains(MEMBERS),
        "the allowed sites are named"
    );

    // Without a language chosen, the member's snippet is in the letter's.
    let plain = staff.get(&link).await;
    assert!(
        plain
            .body
            .contains(&format!("/en/letters/{SLUG}/embed?via={code}"))
    );
    // A code that is no member's gives the snippet without a code.
    let unknown = staff
        .get(&format!("/admin/letters/{SLUG}/embed?member=%3Cb%3E"))
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(!unknown.body.contains("?via="), "{}", unknown.body);
    assert!(!unknown.body.contains("<b>"));
}
