//! What a person signing meets when something goes wrong: the error summary, every error
//! tied to its field, a reload of the failed submit, counts in words that agree.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_failed_submit_leads_with_a_summary_linking_each_field,
    the_retry_line_sits_in_the_summary,
    the_invite_form_summarises_its_errors_too,
);

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
