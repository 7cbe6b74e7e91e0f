//! What a real signer tripped over: a website typed without https://, a form that ignored the
//! choice of signing for an organization, a progress bar stuck at zero, dates in the wrong
//! style, closed letters listed above open ones, and emails laid out for a desktop on a phone.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_bare_domain_is_stored_and_exported_as_a_web_address,
    a_website_that_is_not_a_web_address_is_refused_and_nothing_is_stored,
    the_form_speaks_to_the_kind_chosen_without_script,
    the_progress_bar_shows_a_sliver_and_what_is_left,
    every_public_time_has_a_datetime_and_the_site_date_style,
    the_index_lists_open_letters_before_closed_ones,
    every_email_is_laid_out_for_a_phone_and_signed_by_the_coalition,
);

const SLUG: &str = "dear-president";

fn websites(app: &TestApp) -> Vec<Option<String>> {
    signatures::table
        .order(signatures::id.asc())
        .select(signatures::website)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read websites")
}

async fn sign_organization(app: &TestApp, organization: &str, email: &str, website: &str) -> u16 {
    app.sign(
        SLUG,
        &[
            ("kind", "organization"),
            ("organization", organization),
            ("name", "Grace Hopper"),
            ("email", email),
            ("website", website),
            ("public", "on"),
        ],
    )
    .await
    .status
    .as_u16()
}

async fn a_bare_domain_is_stored_and_exported_as_a_web_address(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    assert_eq!(
        sign_organization(
            &app,
            "Friends of the Earth",
            "grace@foe.example",
            "example.org"
        )
        .await,
        303
    );
    assert_eq!(
        sign_organization(
            &app,
            "Greenpeace",
            "ada@gp.example",
            " www.example.org/path "
        )
        .await,
        303
    );
    assert_eq!(
        websites(&app),
        vec![
            Some("https://example.org".to_owned()),
            Some("https://www.example.org/path".to_owned())
        ]
    );
    let export = app.cli_ok(&["export", SLUG, "--format", "csv", "--state", "pending"]);
    assert!(export.contains("https://example.org"), "{export}");
    assert!(export.contains("https://www.example.org/path"), "{export}");
}

async fn a_website_that_is_not_a_web_address_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    for hostile in [
        "javascript:alert(1)",
        "example.org<script>",
        "example.org\"onmouseover=alert(1)",
        "data:text/html,hi",
        "example",
    ] {
        let response = app
            .sign(
                SLUG,
                &[
                    ("kind", "organization"),
                    ("organization", "Friends of the Earth"),
                    ("name", "Grace Hopper"),
                    ("email", "grace@foe.example"),
                    ("website", hostile),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{hostile}"
        );
        assert!(
            response
                .body
                .contains(r#"<p class="field-error" id="website-error">"#),
            "{hostile}: {}",
            response.body
        );
        assert!(
            !response.body.contains("<script>"),
            "{hostile} comes back escaped"
        );
        // The field stays visible while it carries its error, whatever the kind.
        assert!(
            response
                .body
                .contains(r#"<div class="field only-organization invalid">"#)
        );
    }
    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);
}

async fn the_form_speaks_to_the_kind_chosen_without_script(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(r#"class="sign-form kind-choice""#), "{body}");
    assert!(
        body.contains(r#"id="kind-organization" type="radio" name="kind" value="organization""#)
    );
    assert!(body.contains(r#"<span class="if-person">Your name</span>"#));
    assert!(body.contains(r#"<span class="if-organization">Name of the person signing</span>"#));
    assert!(body.contains(r#"<div class="field only-organization">"#));
    assert!(body.contains(r#"City <span class="hint">(optional)</span>"#));
    assert!(body.contains(r#"Country <span class="hint">(optional)</span>"#));
    // The stylesheet follows the ticked button; without :has() everything shows, with hints.
    let css = app.get("/static/style.css").await.body;
    assert!(css.contains("@supports selector(:has(*))"));
    assert!(css.contains(".sign-form.kind-choice:has(#kind-organization:checked) .if-organization { display: inline; }"));
    assert!(css.contains(
        ".sign-form.kind-choice:not(:has(#kind-organization:checked)) .only-organization:not(.invalid) { display: none; }"
    ));
    // Sticky only where the whole panel fits.
    assert!(css.contains("@media (min-width: 52rem) and (min-height: 1500px)"));
    // The jump to the form is there on every screen, out of sight until it takes focus.
    assert!(body.contains(r##"<p class="jump"><a href="#sign">"##));
    assert!(css.contains(".jump:not(:focus-within) { position: absolute;"));

    // A letter only organizations sign says so in its wording from the start.
    app.create_letter(
        "organizations-only",
        "open",
        "accepts_individuals = false\naccepts_organizations = true",
    );
    let organizations = app.get("/letters/organizations-only").await.body;
    assert!(organizations.contains(r#"class="sign-form kind-organization""#));
    // A letter only people sign has no website field.
    app.create_letter(
        "people-only",
        "open",
        "accepts_individuals = true\naccepts_organizations = false",
    );
    let people = app.get("/letters/people-only").await.body;
    assert!(people.contains(r#"class="sign-form kind-individual""#));
    assert!(!people.contains(r#"id="website""#));

    // After a failed submit for an organization the choice is still ticked.
    let failed = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("name", "Grace"),
                ("email", "grace@foe.example"),
            ],
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(failed.body.contains(r#"value="organization" checked"#));
    assert!(failed.body.contains(r#"<aside class="sign has-problems""#));
}

fn bar_value(body: &str) -> &str {
    body.split(r#"<progress class="progress" max="100" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no progress bar in {body}"))
}

async fn the_progress_bar_shows_a_sliver_and_what_is_left(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "goal = 500");
    let empty = app.get(&format!("/letters/{SLUG}")).await.body;
    assert_eq!(bar_value(&empty), "0");
    assert!(empty.contains("Goal: 500 · 500 to go"), "{empty}");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm(SLUG, "Grace Hopper", "grace@example.org")
        .await;
    app.sign_and_confirm(SLUG, "Katherine Johnson", "katherine@example.org")
        .await;
    app.wait_for_public_total(SLUG, 3).await;
    let three = app.get(&format!("/letters/{SLUG}")).await.body;
    assert_eq!(bar_value(&three), "1", "3 of 500 is not an empty bar");
    let css = app.get("/static/style.css").await.body;
    assert!(
        css.contains(
            r#"progress.progress:not([value="0"])::-webkit-progress-value { min-width: .7em; }"#
        ),
        "a sliver at least"
    );
    assert!(three.contains("Goal: 500 · 497 to go"), "{three}");
}

/// Every `<time` in `body` carries a machine-readable `datetime`.
fn assert_times_have_datetime(body: &str) -> usize {
    let times: Vec<&str> = body.split("<time").skip(1).collect();
    for time in &times {
        assert!(time.starts_with(" datetime=\""), "<time{time}");
    }
    times.len()
}

async fn every_public_time_has_a_datetime_and_the_site_date_style(backend: Backend) {
    let app = spawn_app_with(backend, &[("site.date_style", "iso".to_owned())]).await;
    app.create_letter(SLUG, "open", "closes_at = 2099-12-31T18:00:00Z");
    let letter = app.get(&format!("/letters/{SLUG}")).await.body;
    assert_eq!(assert_times_have_datetime(&letter), 2, "{letter}");
    assert!(letter.contains(">2099-12-31 18:00 UTC</time>"), "{letter}");
    let versions = app.get(&format!("/letters/{SLUG}/versions")).await.body;
    assert!(assert_times_have_datetime(&versions) >= 1, "{versions}");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(versions.contains(&format!("\">{today} ")), "{versions}");
    let hash = versions
        .split(&format!("/letters/{SLUG}/versions/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to a version")
        .to_owned();
    let version = app
        .get(&format!("/letters/{SLUG}/versions/{hash}"))
        .await
        .body;
    assert!(assert_times_have_datetime(&version) >= 2, "{version}");
    for path in ["/", &format!("/letters/{SLUG}/signatories")] {
        assert_times_have_datetime(&app.get(path).await.body);
    }
}

async fn the_index_lists_open_letters_before_closed_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("still-open", "open", "");
    // Created later, so newer: without the rule it would come first.
    app.create_letter("already-closed", "closed", "");
    app.create_letter("also-open", "open", "");
    let index = app.get("/").await.body;
    let position = |slug: &str| {
        index
            .find(&format!("href=\"/letters/{slug}\""))
            .unwrap_or_else(|| panic!("{slug} is not listed: {index}"))
    };
    assert!(
        position("also-open") < position("already-closed"),
        "{index}"
    );
    assert!(
        position("still-open") < position("already-closed"),
        "{index}"
    );
}

async fn every_email_is_laid_out_for_a_phone_and_signed_by_the_coalition(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    // Signing again with a confirmed address sends the "already signed" notice.
    let again = app
        .sign(
            SLUG,
            &[("name", "Ada Lovelace"), ("email", "ada@example.org")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    for mail in &mails {
        assert!(
            mail.html.contains(
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            ),
            "{}: {}",
            mail.subject,
            mail.html
        );
        assert!(!mail.text.contains("\nsomeone"), "{}", mail.text);
        assert!(
            mail.html.contains("border-top"),
            "the coalition's signature"
        );
    }
    // Every HTML template, including the ones these flows do not send.
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/email"))
        .expect("the email templates")
    {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if !name.ends_with(".html") || name == "signature.html" {
            continue;
        }
        let html = std::fs::read_to_string(&path).expect("readable");
        assert!(
            html.contains(
                r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
            ),
            "{name}"
        );
        assert!(
            html.contains(r#"{% include "email/signature.html" %}"#),
            "{name}"
        );
    }
}
