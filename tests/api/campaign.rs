//! A campaign page that spreads: consent asked the way data-protection law expects (nothing
//! ticked in advance, "keep me updated" as its own choice), the coalition's own identity from
//! `[site]`, the files crawlers and feed readers ask for, and link previews.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_sign_form_ticks_nothing_in_advance,
    a_signature_without_the_public_box_is_counted_but_not_listed,
    the_updates_choice_is_stored_exported_and_erased_on_withdrawal,
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
