//! What a person signing meets: the error summary, every error tied to its field, a reload of
//! the failed submit, counts in words that agree; a form that speaks to the kind chosen
//! without script, a progress bar that shows a sliver, times in the site's date style, and
//! open letters listed before closed ones.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, encode, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_failed_submit_leads_with_a_summary_linking_each_field,
    the_retry_line_sits_in_the_summary,
    the_invite_form_summarises_its_errors_too,
    reloading_a_failed_submit_returns_to_the_letter,
    counts_agree_with_their_number,
    a_page_number_that_is_not_a_number_gets_the_styled_400_page,
    the_signatories_page_links_to_the_form_while_it_takes_signatures,
    the_form_speaks_to_the_kind_chosen_without_script,
    the_progress_bar_shows_a_sliver_and_what_is_left,
    every_public_time_has_a_datetime_and_the_site_date_style,
    the_index_lists_open_letters_before_closed_ones,
);

const SLUG: &str = "dear-president";

/// The part of the page between `start` and the next `end`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {body}"));
    let rest = &body[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Every value of `attribute="..."` in `html`.
fn values_of<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    html.split(&format!("{attribute}=\""))
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

fn has_id(body: &str, id: &str) -> bool {
    body.contains(&format!(" id=\"{id}\""))
}

/// The summary comes first in the form, takes focus through a served script, and each entry
/// links to an element that exists.
fn assert_summary_links(body: &str, expected_ids: &[&str]) {
    let title = between(body, "<title>", "</title>");
    assert!(title.starts_with("<title>Error: "), "{title}");
    let summary = between(body, "<div class=\"error-summary\"", "</div>");
    assert!(summary.contains("role=\"alert\""), "{summary}");
    assert!(summary.contains("tabindex=\"-1\""), "{summary}");
    assert!(summary.contains("There is a problem"), "{summary}");
    let links: Vec<&str> = values_of(summary, "href")
        .into_iter()
        .filter_map(|href| href.strip_prefix('#'))
        .collect();
    for id in expected_ids {
        assert!(links.contains(id), "no link to #{id} in {summary}");
    }
    for id in &links {
        assert!(
            has_id(body, id),
            "the summary links to #{id}, which is not on the page"
        );
    }
    assert!(
        body.contains("<script src=\"/static/error-summary.js\""),
        "the focus script is on the page"
    );
}

async fn assert_focus_script_served(app: &TestApp) {
    let script = app.get("/static/error-summary.js").await;
    assert_eq!(script.status, StatusCode::OK);
    let content_type = script
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    assert!(script.body.contains(".focus()"));
}

async fn a_failed_submit_leads_with_a_summary_linking_each_field(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    let fresh = app.get("/letters/dear-president").await;
    assert!(
        !fresh.body.contains("error-summary"),
        "no summary before a submit"
    );
    assert!(!fresh.body.contains("<title>Error: "));
    assert!(
        fresh
            .body
            .contains("action=\"/letters/dear-president/sign#sign\""),
        "the browser lands on the form after submitting"
    );
    assert!(
        fresh
            .body
            .contains("<label for=\"city\">City <span class=\"hint\">(optional)</span>")
    );
    assert!(
        fresh
            .body
            .contains("<label for=\"country\">Country <span class=\"hint\">(optional)</span>")
    );

    let long_place = "x".repeat(150);
    let long_title = "t".repeat(250);
    let long_comment = "c".repeat(1200);
    let response = app
        .sign(
            "dear-president",
            &[
                ("kind", "individual"),
                ("name", ""),
                ("email", "not-an-address"),
                ("title", &long_title),
                ("city", &long_place),
                ("country", &long_place),
                ("website", "javascript:alert(1)"),
                ("comment", &long_comment),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &response.body;
    let fields = [
        "name", "email", "title", "city", "country", "website", "comment",
    ];
    assert_summary_links(body, &fields);
    for field in fields {
        let control = between(body, &format!("id=\"{field}\" name=\"{field}\""), ">");
        assert!(control.contains("aria-invalid=\"true\""), "{control}");
        let described: Vec<&str> = values_of(control, "aria-describedby");
        assert_eq!(described, vec![format!("{field}-error")], "{control}");
        assert!(
            has_id(body, &format!("{field}-error")),
            "{field}'s error has an id"
        );
    }
    // A field without an error is not marked.
    let organization = between(body, "id=\"organization\" name=\"organization\"", ">");
    assert!(!organization.contains("aria-invalid"), "{organization}");
    assert_eq!(app.signature_count(), 0, "nothing stored");
    assert_focus_script_served(&app).await;
}

async fn the_retry_line_sits_in_the_summary(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    // A forged time stamp: maybe a person, so the form comes back with one plain line.
    let response = app
        .post_form_raw(
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Quick Person"),
                ("email", "quick@example.org"),
                ("t", "1700000000.forged"),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_summary_links(&response.body, &[]);
    let summary = between(&response.body, "<div class=\"error-summary\"", "</div>");
    assert!(
        summary.contains("Please check your details and press Sign again."),
        "{summary}"
    );
    assert!(
        response.body.contains("value=\"Quick Person\""),
        "values kept"
    );
    assert_eq!(app.signature_count(), 0, "nothing stored");
}

async fn the_invite_form_summarises_its_errors_too(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    app.cli_ok(&[
        "members",
        "add",
        "Amnesty Section",
        "--email",
        "contact@amnesty.example",
    ]);
    let sent = app.cli_ok(&[
        "invites",
        "send",
        "coalition",
        "--member",
        "Amnesty Section",
    ]);
    assert!(sent.contains("invite sent"), "{sent}");
    let mails = app.wait_for_mails_to("contact@amnesty.example", 1).await;
    let link = mails[0].link("/letters/coalition/invite/");

    let form = app.get(&link).await;
    assert!(!form.body.contains("error-summary"));
    assert!(form.body.contains("#sign\""), "the form is anchored");

    let long_place = "x".repeat(150);
    let response = app
        .post_form(
            &link,
            encode(&[
                ("name", ""),
                ("city", &long_place),
                ("website", "javascript:x"),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_summary_links(&response.body, &["name", "city", "website"]);
    for field in ["city", "website"] {
        let control = between(
            &response.body,
            &format!("id=\"{field}\" name=\"{field}\""),
            ">",
        );
        assert!(
            control.contains(&format!("aria-describedby=\"{field}-error\"")),
            "{control}"
        );
    }
    assert_eq!(app.signature_count(), 0, "nothing stored");
}

async fn reloading_a_failed_submit_returns_to_the_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    let reload = app.get("/letters/dear-president/sign").await;
    assert!(
        [StatusCode::SEE_OTHER, StatusCode::FOUND].contains(&reload.status),
        "{} {}",
        reload.status,
        reload.body
    );
    let location = reload.location.expect("a redirect target");
    assert_eq!(location, "/letters/dear-president#sign");
    let letter = app.get(&location).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains("Add your name"));
    assert_eq!(app.signature_count(), 0, "a GET signs nothing");

    let unknown = app.get("/letters/no-such-letter/sign").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn counts_agree_with_their_number(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    let none = app.get("/letters/dear-president/signatories").await;
    assert!(none.body.contains("0 names listed"), "{}", none.body);

    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.org")
        .await;
    let one = app.get("/letters/dear-president/signatories").await;
    assert!(one.body.contains("1 name listed"), "{}", one.body);
    assert!(!one.body.contains("1 names"), "{}", one.body);
    let letter = app.get("/letters/dear-president").await;
    assert!(
        letter.body.contains("Signed by 1 individual<"),
        "{}",
        letter.body
    );
    assert!(!letter.body.contains("1 signatures"));

    app.sign_and_confirm("dear-president", "Grace Hopper", "grace@example.org")
        .await;
    let two = app.get("/letters/dear-president/signatories").await;
    assert!(two.body.contains("2 names listed"), "{}", two.body);
    let letter = app.get("/letters/dear-president").await;
    assert!(
        letter.body.contains("Signed by 2 individuals<"),
        "{}",
        letter.body
    );
}

async fn a_page_number_that_is_not_a_number_gets_the_styled_400_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");

    for query in ["?page=abc", "?page=-", "?page=99999999999999999999999"] {
        let response = app
            .get(&format!("/letters/dear-president/signatories{query}"))
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            response.body.contains("<header class=\"site\">")
                && response.body.contains("/static/style.css"),
            "the page in the site's layout for {query}: {}",
            response.body
        );
        assert!(
            response
                .body
                .contains("The page number in the address is not a number."),
            "{}",
            response.body
        );
    }
    let fine = app.get("/letters/dear-president/signatories?page=2").await;
    assert_eq!(
        fine.status,
        StatusCode::OK,
        "an out-of-range page shows the last"
    );
}

async fn the_signatories_page_links_to_the_form_while_it_takes_signatures(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.create_letter("finished", "closed", "");

    let open = app.get("/letters/dear-president/signatories").await;
    assert!(
        open.body
            .contains("<a href=\"/letters/dear-president#sign\">Sign this letter</a>"),
        "{}",
        open.body
    );
    let closed = app.get("/letters/finished/signatories").await;
    assert_eq!(closed.status, StatusCode::OK);
    assert!(!closed.body.contains("Sign this letter"), "{}", closed.body);
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
