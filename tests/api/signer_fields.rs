//! Every field a signer fills in reaches the staff: a signature with every field of the form
//! filled shows each value in the CSV and JSON exports and on the moderators' page; every
//! column of `signatures` that holds signer data is exported and shown to moderators; and the
//! invite form asks what the letter page asks.

use awc::http::StatusCode;
use diesel::prelude::*;
use diesel::sql_types::Text;
use undersigned::db::DbConnection;
use undersigned::db::schema::{members, signatures};
use undersigned::signatures::details::NOT_PERSONAL;

use crate::helpers::{Backend, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    every_form_field_reaches_the_exports_and_the_moderators,
    the_invite_form_offers_the_letter_pages_fields,
    the_review_queue_shows_every_field_an_organization_gave,
);

const SLUG: &str = "dear-president";

/// An `<input>` or `<textarea>` of the sign form.
#[derive(Debug)]
struct Control {
    name: String,
    kind: String,
    url: bool,
}

/// The named controls of the form `id="sign-form"` on a page.
fn sign_form_controls(html: &str) -> Vec<Control> {
    let start = html.find(r#"id="sign-form""#).expect("a sign form");
    let form = &html[start..start + html[start..].find("</form>").expect("</form>")];
    let attribute = |tag: &str, name: &str| {
        tag.split(&format!(r#" {name}=""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    let mut controls: Vec<Control> = Vec::new();
    for (index, _) in form.match_indices('<') {
        let tag = &form[index..index + form[index..].find('>').expect("tag end")];
        let kind = if tag.starts_with("<input ") {
            attribute(tag, "type").unwrap_or_else(|| "text".into())
        } else if tag.starts_with("<textarea ") {
            "textarea".into()
        } else {
            continue;
        };
        let Some(name) = attribute(tag, "name") else {
            continue;
        };
        if !controls.iter().any(|control| control.name == name) {
            controls.push(Control {
                name,
                kind,
                url: tag.contains(r#"inputmode="url""#),
            });
        }
    }
    controls
}

/// What the signer types: distinct values that pass the field's rules.
fn value_for(control: &Control) -> String {
    match control.kind.as_str() {
        "checkbox" => "on".into(),
        _ if control.name == "email" => "every.field@example.org".into(),
        _ if control.url => format!("https://{}-value.example.org/", control.name),
        _ => format!("Value of {} Q7", control.name),
    }
}

/// The value of a field as the page holds it (empty for none).
fn hidden_value(html: &str, name: &str) -> String {
    html.split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Every column of `signatures` as the database has it.
fn columns(app: &TestApp) -> Vec<String> {
    let mut connection = app.connection();
    let found: Vec<Column> = match &mut *connection {
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("SELECT name FROM pragma_table_info('signatures') ORDER BY cid")
                .load(sqlite)
        }
        DbConnection::Postgresql(postgres) => diesel::sql_query(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'signatures' \
             ORDER BY ordinal_position",
        )
        .load(postgres),
    }
    .expect("read the columns of signatures");
    found.into_iter().map(|column| column.name).collect()
}

async fn every_form_field_reaches_the_exports_and_the_moderators(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app.cli_ok(&[
        "members",
        "add",
        "Partner Q7",
        "--email",
        "partner@example.org",
    ]);
    let code: String = members::table
        .select(members::code)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the member's code");

    // Everything the letter page's form asks, filled in; the hidden fields as the page has them.
    let page = app.get(&format!("/letters/{SLUG}?via={code}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let controls = sign_form_controls(&page.body);
    let hidden = ["t", "lang", "via", "kind", "nickname"];
    let mut filled: Vec<(String, String)> = Vec::new();
    for control in &controls {
        let value = if control.name == "kind" {
            "organization".to_owned()
        } else if control.kind == "hidden" || control.name == "nickname" {
            hidden_value(&page.body, &control.name)
        } else {
            value_for(control)
        };
        filled.push((control.name.clone(), value));
    }
    for field in [
        "name",
        "email",
        "organization",
        "title",
        "city",
        "comment",
        "website",
    ] {
        assert!(
            filled.iter().any(|(name, _)| name == field),
            "the form asks no {field}: {controls:?}"
        );
    }
    let pairs: Vec<(&str, &str)> = filled
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let signed = app
        .post_form(&format!("/letters/{SLUG}/sign"), encode(&pairs))
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mails = app.wait_for_mails_to("every.field@example.org", 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);

    let typed: Vec<&(String, String)> = filled
        .iter()
        .filter(|(name, _)| !hidden.contains(&name.as_str()))
        .collect();
    let ticked: Vec<&str> = controls
        .iter()
        .filter(|control| control.kind == "checkbox")
        .map(|control| control.name.as_str())
        .collect();
    assert!(ticked.contains(&"public") && ticked.contains(&"share_with_member"));

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let csv = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let json = viewer
        .get(&format!("/admin/letters/{SLUG}/export.json"))
        .await;
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("a JSON export");
    let row = &rows[0];
    let header: Vec<&str> = csv
        .body
        .lines()
        .next()
        .expect("a header")
        .split(',')
        .map(|cell| cell.trim_matches('"'))
        .collect();
    for (name, value) in &typed {
        if ticked.contains(&name.as_str()) {
            assert_eq!(row[name.as_str()], true, "{name} in the JSON export");
            continue;
        }
        assert!(header.contains(&name.as_str()), "{name} in the CSV header");
        assert!(
            csv.body.contains(value.as_str()),
            "{name}: {value} in the CSV"
        );
        assert_eq!(
            row[name.as_str()],
            value.as_str(),
            "{name} in the JSON export"
        );
    }
    assert_eq!(row["via_member"], "Partner Q7");
    assert!(csv.body.contains("Partner Q7"));

    let id: String = signatures::table
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");
    let shown = viewer
        .get(&format!("/admin/letters/{SLUG}/signatures/{id}"))
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    for (name, value) in &typed {
        if ticked.contains(&name.as_str()) {
            continue;
        }
        assert!(
            shown.body.contains(value.as_str()),
            "{name}: {value} on the moderators' page"
        );
    }
    assert!(shown.body.contains("Partner Q7"), "the member, by name");

    // Every column of the table that holds signer data, as the database has it: exported, and
    // a row of the moderators' page.
    for column in columns(&app) {
        if NOT_PERSONAL.contains(&column.as_str()) {
            continue;
        }
        let exported = undersigned::export::export_column_of(&column);
        assert!(
            header.contains(&exported),
            "the column {column} of signatures holds signer data and is not exported"
        );
        let row_column = match column.as_str() {
            "email_normalized" => "email",
            "organization_normalized" => "organization",
            other => other,
        };
        assert!(
            shown
                .body
                .contains(&format!(r#"<tr data-column="{row_column}">"#)),
            "the column {column} of signatures holds signer data and is not on the moderators' page"
        );
    }
}

async fn the_invite_form_offers_the_letter_pages_fields(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.cli_ok(&[
        "members",
        "add",
        "Invited Q7",
        "--email",
        "invited@example.org",
    ]);
    let sent = app.cli_ok(&["invites", "send", SLUG, "--member", "Invited Q7"]);
    assert!(sent.contains("invite sent"), "{sent}");
    let mails = app.wait_for_mails_to("invited@example.org", 1).await;
    let link = mails[0].link(&format!("/letters/{SLUG}/invite/"));

    // What a person types or ticks; the invite knows the kind, the organization and the
    // address, and the letter page carries a member's code only from a member's link.
    let asked = |html: &str| -> Vec<String> {
        let mut names: Vec<String> = sign_form_controls(html)
            .into_iter()
            .filter(|control| control.kind != "hidden" && control.kind != "radio")
            .map(|control| control.name)
            .filter(|name| !["email", "organization"].contains(&name.as_str()))
            .collect();
        names.sort();
        names
    };
    let letter = app.get(&format!("/letters/{SLUG}")).await;
    let invite = app.get(&link).await;
    assert_eq!(invite.status, StatusCode::OK, "{}", invite.body);
    let on_letter = asked(&letter.body);
    assert!(on_letter.contains(&"website".to_owned()), "{on_letter:?}");
    assert_eq!(asked(&invite.body), on_letter);

    // And what the invite form sends is kept.
    let fields: Vec<(String, String)> = sign_form_controls(&invite.body)
        .iter()
        .filter(|control| control.kind != "hidden" && control.name != "nickname")
        .map(|control| (control.name.clone(), value_for(control)))
        .collect();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let signed = app.post_form(&link, encode(&pairs)).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    let export = app.cli_ok(&["export", SLUG, "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&export).expect("JSON export");
    for (name, value) in &fields {
        if value == "on" {
            assert_eq!(rows[0][name.as_str()], true, "{name}");
        } else {
            assert_eq!(rows[0][name.as_str()], value.as_str(), "{name}");
        }
    }
}

/// Staff approve organizations from the queue: what the organization told us is there, the
/// fields the queue does not place itself (city, country, and any field added to the list)
/// under the signer, by their label.
async fn the_review_queue_shows_every_field_an_organization_gave(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = true");
    let signed = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", "Haifa Neighbours"),
                ("name", "Rana Haddad"),
                ("title", "Coordinator"),
                ("city", "Haifa"),
                ("country", "Israel"),
                ("comment", "With our whole board."),
                ("email", "rana@neighbours.example"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app.wait_for_mails_to("rana@neighbours.example", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);

    let editor = app.staff("editor@coalition.test", "editor").await;
    let queue = editor.get("/admin/moderation").await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    for shown in [
        "Haifa Neighbours",
        "Coordinator",
        "With our whole board.",
        "City: Haifa",
        "Country: Israel",
    ] {
        assert!(queue.body.contains(shown), "{shown} in {}", queue.body);
    }
}
