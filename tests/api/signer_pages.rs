//! What a person signing meets when something goes wrong: the error summary, every error
//! tied to its field, a reload of the failed submit, counts in words that agree.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_failed_submit_leads_with_a_summary_linking_each_field,
    the_retry_line_sits_in_the_summary,
    the_invite_form_summarises_its_errors_too,
    reloading_a_failed_submit_returns_to_the_letter,
    counts_agree_with_their_number,
    a_page_number_that_is_not_a_number_gets_the_styled_400_page,
    the_signatories_page_links_to_the_form_while_it_takes_signatures,
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
