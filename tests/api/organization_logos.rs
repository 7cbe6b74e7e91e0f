//! Members' logos and links on a letter's lists: staff give a logo address (`members add
//! --logo-url`, the console's member form); it shows beside the organization on the letter
//! page and the signatories page only from a host in `site.image_hosts`, lazily, without a
//! referrer, and the Content-Security-Policy lets exactly those hosts' pictures in.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_logo_from_an_allowed_host_shows_and_one_from_elsewhere_does_not,
    a_logo_address_must_be_plain_https_at_every_entry_point,
);

const SLUG: &str = "coalition";

async fn app_allowing_cdn(backend: Backend) -> TestApp {
    let app = spawn_app_with(
        backend,
        &[("site.image_hosts", r#"["cdn.example.org"]"#.to_owned())],
    )
    .await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app
}

async fn organization_signs(app: &TestApp, organization: &str, email: &str) {
    let response = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", "Someone"),
                ("email", email),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mail = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

async fn a_logo_from_an_allowed_host_shows_and_one_from_elsewhere_does_not(backend: Backend) {
    let app = app_allowing_cdn(backend).await;
    app.cli_ok(&[
        "members",
        "add",
        "Alpha Network",
        "--email",
        "contact@alpha.example",
        "--website",
        "alpha.example",
        "--logo-url",
        "https://cdn.example.org/alpha.png",
    ]);
    app.cli_ok(&[
        "members",
        "add",
        "Zeta Union",
        "--email",
        "contact@zeta.example",
        "--logo-url",
        "https://tracker.example/zeta.png",
    ]);
    // A logo address with markup in it is stored percent-encoded and shown escaped.
    app.cli_ok(&[
        "members",
        "add",
        "Gamma Group",
        "--email",
        "contact@gamma.example",
        "--logo-url",
        r#"https://cdn.example.org/"><script>alert(1)</script>.png"#,
    ]);
    organization_signs(&app, "Alpha Network", "someone@alpha.example").await;
    organization_signs(&app, "Zeta Union", "someone@zeta.example").await;
    organization_signs(&app, "Gamma Group", "someone@gamma.example").await;
    app.wait_for_public_total(SLUG, 3).await;

    for path in [
        format!("/letters/{SLUG}"),
        format!("/letters/{SLUG}/signatories"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(
            body.contains(
                r#"<img class="logo" src="https://cdn.example.org/alpha.png" alt="" width="32" height="32" loading="lazy" decoding="async" referrerpolicy="no-referrer">"#
            ),
            "{path}: {body}"
        );
        assert!(
            body.contains(r#"<a href="https://alpha.example" rel="nofollow ugc noopener"><bdi><strong>Alpha Network</strong></bdi></a>"#),
            "{path}: the member's website links its name: {body}"
        );
        assert!(body.contains("Zeta Union"), "{body}");
        assert!(
            !body.contains("tracker.example"),
            "{path}: a logo from a host nobody allowed is not shown"
        );
        assert!(!body.contains("<script>alert"), "{path}: {body}");
        assert!(
            body.contains("cdn.example.org/%22%3E%3Cscript%3E"),
            "{path}: {body}"
        );
        let policy = page
            .headers
            .get("content-security-policy")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        assert!(
            policy.contains("img-src 'self' data: https://cdn.example.org;"),
            "{policy}"
        );
    }

    // The search finds the organization and keeps its logo.
    let found = app
        .get(&format!("/letters/{SLUG}/signatories?q=alpha"))
        .await;
    assert!(
        found
            .body
            .contains(r#"src="https://cdn.example.org/alpha.png""#)
    );
}

async fn a_logo_address_must_be_plain_https_at_every_entry_point(backend: Backend) {
    let app = app_allowing_cdn(backend).await;
    for bad in [
        "javascript:alert(1)",
        "http://cdn.example.org/logo.png",
        "https://user:secret@cdn.example.org/logo.png",
    ] {
        let refused = app.cli(&[
            "members",
            "add",
            "Alpha Network",
            "--email",
            "contact@alpha.example",
            "--logo-url",
            bad,
        ]);
        assert!(!refused.status.success(), "{bad} taken");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("logo"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
    }
    let roster = app.cli_ok(&["members", "list"]);
    assert!(!roster.contains("Alpha Network"), "nothing saved: {roster}");

    let editor = app.staff("editor@coalition.test", "editor").await;
    let refused = editor
        .post(
            "/admin/members",
            &[
                ("name", "Alpha Network"),
                ("email", "contact@alpha.example"),
                ("logo_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("must start with https://") || refused.body.contains("logo"));
    assert!(
        refused.body.contains(r#"value="javascript:alert(1)""#),
        "the form keeps what was typed"
    );
    let saved = editor
        .post(
            "/admin/members",
            &[
                ("name", "Alpha Network"),
                ("email", "contact@alpha.example"),
                ("logo_url", "https://cdn.example.org/alpha.png"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let roster = editor.get("/admin/members").await;
    assert!(
        roster
            .body
            .contains(r#"href="https://cdn.example.org/alpha.png""#)
    );
    assert!(app.audit_actions().contains(&"member.logo".to_owned()));
}
