//! Searching the signatories page: by name, organization and country, accents and capitals
//! aside, without script (a GET form), in every interface language; only listed, counted
//! names are ever found, and someone who withdrew stops being found.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    finds_a_name_an_organization_and_a_country_and_never_an_unlisted_signer,
    the_search_is_escaped_and_says_when_nothing_matches_in_every_language,
    a_withdrawn_signer_is_no_longer_found,
);

const SLUG: &str = "dear-president";
const PAGE: &str = "/letters/dear-president/signatories";

/// Signs with `fields` and confirms through the emailed link; returns the mails to `email`.
async fn signs(app: &TestApp, email: &str, fields: &[(&str, &str)]) -> Vec<crate::helpers::Email> {
    let mut all = fields.to_vec();
    all.push(("email", email));
    let response = app.sign(SLUG, &all).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    mails
}

async fn three_signers(app: &TestApp) {
    app.create_letter(SLUG, "open", "");
    signs(
        app,
        "jose@example.org",
        &[
            ("name", "José Núñez"),
            ("country", "Perú"),
            ("public", "on"),
        ],
    )
    .await;
    signs(
        app,
        "ana@example.org",
        &[
            ("name", "Ana Berg"),
            ("organization", "Cruz Roja"),
            ("country", "Spain"),
            ("public", "on"),
        ],
    )
    .await;
    // Signed, counted, but not listed: never found, not even by an exact name.
    signs(
        app,
        "quiet@example.org",
        &[("name", "Quiet Person"), ("country", "Spain")],
    )
    .await;
    app.wait_for_public_total(SLUG, 3).await;
}

/// The names in the page's lists (between the heading and the pager).
fn names(body: &str) -> Vec<&str> {
    body.split("<bdi class=\"name\">")
        .skip(1)
        .filter_map(|rest| rest.split("</bdi>").next())
        .collect()
}

async fn finds_a_name_an_organization_and_a_country_and_never_an_unlisted_signer(backend: Backend) {
    let app = spawn_app(backend).await;
    three_signers(&app).await;

    let all = app.get(PAGE).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("role=\"search\""), "{}", all.body);
    assert!(all.body.contains("<label for=\"q\">Name or organization"));
    assert!(all.body.contains("<label for=\"country\">Country"));
    assert_eq!(names(&all.body), vec!["Ana Berg", "José Núñez"]);

    // A part of a name, without its accents and in capitals.
    let by_name = app.get(&format!("{PAGE}?q=NUNEZ")).await;
    assert_eq!(names(&by_name.body), vec!["José Núñez"], "{}", by_name.body);
    assert!(
        by_name.body.contains("1 signatory found"),
        "{}",
        by_name.body
    );
    assert!(
        by_name.body.contains("value=\"NUNEZ\""),
        "the form shows the search"
    );
    assert!(by_name.body.contains("Show all signatories"));

    let by_organization = app.get(&format!("{PAGE}?q=cruz+roja")).await;
    assert_eq!(names(&by_organization.body), vec!["Ana Berg"]);

    let by_country = app.get(&format!("{PAGE}?country=peru")).await;
    assert_eq!(names(&by_country.body), vec!["José Núñez"]);
    let both = app.get(&format!("{PAGE}?q=ana&country=Spain")).await;
    assert_eq!(names(&both.body), vec!["Ana Berg"]);
    assert!(both.body.contains("value=\"Spain\""));
    let spain = app.get(&format!("{PAGE}?country=spain")).await;
    assert_eq!(
        names(&spain.body),
        vec!["Ana Berg"],
        "the unlisted Spaniard is not found"
    );

    let quiet = app.get(&format!("{PAGE}?q=Quiet+Person")).await;
    assert!(names(&quiet.body).is_empty());
    assert!(!quiet.body.contains("quiet@example.org"));
    assert!(
        quiet.body.contains("No signatories match"),
        "{}",
        quiet.body
    );
    // Addresses are not searched.
    let address = app.get(&format!("{PAGE}?q=jose%40example.org")).await;
    assert!(names(&address.body).is_empty(), "{}", address.body);

    // The JSON list takes the same search.
    let api = app
        .get(&format!("/api/v1/letters/{SLUG}/signatories?q=jose"))
        .await;
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert_eq!(json["total"], 1, "{json}");
    assert_eq!(json["signatories"][0]["name"], "José Núñez");
    assert!(!api.body.contains("@example.org"));
}

async fn the_search_is_escaped_and_says_when_nothing_matches_in_every_language(backend: Backend) {
    let app = spawn_app(backend).await;
    three_signers(&app).await;

    let hostile = app
        .get(&format!(
            "{PAGE}?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&country=%22%3E%3Cb%3E"
        ))
        .await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(!hostile.body.contains("<script>alert"), "{}", hostile.body);
    assert!(!hostile.body.contains("\"><b>"), "{}", hostile.body);
    assert!(
        hostile
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        hostile
            .body
            .contains("No signatories match <bdi>&lt;script&gt;"),
        "the words typed are isolated: {}",
        hostile.body
    );
    // The pager and the clear link keep working without script: plain links.
    assert!(
        hostile
            .body
            .contains("<a class=\"clear-search\" href=\"?\">")
    );

    // In Hebrew (right to left) the form and the answer are in Hebrew.
    let hebrew = app
        .get(&format!("/he{PAGE}?q=%D7%A9%D7%9C%D7%95%D7%9D"))
        .await;
    assert_eq!(hebrew.status, StatusCode::OK);
    assert!(hebrew.body.contains("dir=\"rtl\""), "{}", hebrew.body);
    assert!(hebrew.body.contains("שם או ארגון"), "{}", hebrew.body);
    assert!(
        hebrew.body.contains("אין חותמים שמתאימים"),
        "{}",
        hebrew.body
    );
    let arabic = app.get(&format!("/ar{PAGE}?q=nunez")).await;
    assert!(arabic.body.contains("عُثر على موقّع واحد"), "{}", arabic.body);
    assert_eq!(names(&arabic.body), vec!["José Núñez"]);
}

async fn a_withdrawn_signer_is_no_longer_found(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let mails = signs(
        &app,
        "jose@example.org",
        &[("name", "José Núñez"), ("public", "on")],
    )
    .await;
    signs(
        &app,
        "ana@example.org",
        &[("name", "Ana Berg"), ("public", "on")],
    )
    .await;
    app.wait_for_public_total(SLUG, 2).await;
    let found = app.get(&format!("{PAGE}?q=jose")).await;
    assert_eq!(names(&found.body), vec!["José Núñez"]);

    let withdraw = mails
        .iter()
        .find(|mail| mail.text.contains("/withdraw/"))
        .expect("a withdraw link");
    let withdrawn = app.post_form(&withdraw.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    app.wait_for_public_total(SLUG, 1).await;

    let gone = app.get(&format!("{PAGE}?q=jose")).await;
    assert!(names(&gone.body).is_empty(), "{}", gone.body);
    assert!(gone.body.contains("No signatories match"));
}
