//! The console's forms that post to a clean address (letter, state, delivery, translation)
//! share one opening: a post that is not a form, a forged one without the session's token
//! and one from a viewer each get the same answer on every form, and nothing changes. And
//! the public sign form's field errors speak the reader's language.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, StaffClient, TestApp, encode, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    every_console_form_refuses_what_is_not_its_form,
    a_field_error_of_the_sign_form_reads_in_hebrew,
);

/// Each form: its address, a body that would change something, and what a post that is not a
/// urlencoded form is told (the page escapes the apostrophe, so the words stop before it).
const FORMS: [(&str, &str, &str); 6] = [
    (
        "/admin/letters/dear-mayor/state",
        "to=closed&confirm=yes",
        "Send the change from the letter",
    ),
    (
        "/admin/letters/dear-mayor/delivered",
        "delivered_on=2026-01-02&delivered_note=Handed+over",
        "Send the delivery from the letter",
    ),
    (
        "/admin/letters",
        "slug=another-letter&title=Another&addressee=The+Mayor&body=Text",
        "Send the letter from the console",
    ),
    (
        "/admin/letters/dear-mayor",
        "title=Changed&addressee=The+Mayor&body=Changed+text",
        "Send the letter from the console",
    ),
    (
        "/admin/letters/dear-mayor/translation",
        "lang=fr&title=Cher+maire&addressee=Le+maire&body=Texte",
        "Send the translation from the console",
    ),
    (
        "/admin/letters/dear-mayor/translation/remove",
        "lang=fr&confirm=yes",
        "Send the translation from the console",
    ),
];

/// Posts `body` as `content_type`, with the session's cookie and, when `csrf`, its token in
/// the address.
async fn post_as(
    staff: &StaffClient<'_>,
    path: &str,
    body: &str,
    content_type: &str,
    csrf: bool,
) -> Response {
    let address = if csrf {
        format!("{}{path}?csrf={}", staff.app.address, staff.csrf)
    } else {
        format!("{}{path}", staff.app.address)
    };
    let response = staff
        .app
        .client
        .post(address)
        .insert_header(("cookie", format!("undersigned_session={}", staff.cookie)))
        .insert_header(("content-type", content_type))
        .send_body(body.to_owned())
        .await
        .expect("POST answered");
    read(response).await
}

/// What the console shows of the letter, to tell that nothing changed.
fn letter_row(app: &TestApp) -> (String, String, i64) {
    use diesel::prelude::*;
    use undersigned::db::schema::{letter_translations, letters};
    let mut connection = app.connection();
    let (status, title): (String, String) = letters::table
        .filter(letters::slug.eq("dear-mayor"))
        .select((letters::status, letters::title))
        .first(&mut *connection as &mut undersigned::db::DbConnection)
        .expect("the letter");
    let count: i64 = letters::table
        .count()
        .get_result(&mut *connection as &mut undersigned::db::DbConnection)
        .expect("count letters");
    let translated: i64 = letter_translations::table
        .count()
        .get_result(&mut *connection as &mut undersigned::db::DbConnection)
        .expect("count translations");
    (status, title, count * 100 + translated)
}

async fn every_console_form_refuses_what_is_not_its_form(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-mayor", "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let before = letter_row(&app);
    let audit_before = app.audit_actions().len();

    for (path, body, not_a_form) in FORMS {
        // A script posting text/plain (no CORS preflight) with a valid token: 400, in words.
        let plain = post_as(&editor, path, body, "text/plain", true).await;
        assert_eq!(
            plain.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            plain.body
        );
        assert!(plain.body.contains("That did not work"), "{path}");
        assert!(plain.body.contains(not_a_form), "{path}: {}", plain.body);

        // A forged cross-site form: the cookie rides along, the token does not.
        let forged = post_as(
            &editor,
            path,
            body,
            "application/x-www-form-urlencoded",
            false,
        )
        .await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            forged.body
        );
        assert!(forged.body.contains("This form has expired"), "{path}");

        // A viewer reads but does not write.
        let viewed = post_as(
            &viewer,
            path,
            body,
            "application/x-www-form-urlencoded",
            true,
        )
        .await;
        assert_eq!(
            viewed.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            viewed.body
        );
        assert!(
            viewed.body.contains("Your role does not allow this"),
            "{path}"
        );

        // Nobody signed in: to the sign-in page.
        let stranger = app
            .client
            .post(format!("{}{path}", app.address))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .send_body(body.to_owned())
            .await
            .expect("POST answered");
        let stranger = read(stranger).await;
        assert_eq!(stranger.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            stranger
                .location
                .as_deref()
                .is_some_and(|to| to.starts_with("/admin/login")),
            "{path}: {:?}",
            stranger.location
        );
    }
    assert_eq!(letter_row(&app), before, "nothing changed");
    assert_eq!(app.audit_actions().len(), audit_before, "nothing recorded");

    // The same opening lets the editor's own form through: the token in the body, as the
    // console's clean-address forms send it.
    let closed = post_as(
        &editor,
        "/admin/letters/dear-mayor/state",
        &encode(&[("to", "closed"), ("confirm", "yes"), ("csrf", &editor.csrf)]),
        "application/x-www-form-urlencoded",
        false,
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert_eq!(letter_row(&app).0, "closed");
}

async fn a_field_error_of_the_sign_form_reads_in_hebrew(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-mayor", "open", "");
    let form_time = app.form_time("dear-mayor").await;
    let response = app
        .client
        .post(format!("{}/letters/dear-mayor/sign", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("cookie", "lang=he"))
        .send_body(encode(&[
            ("kind", "individual"),
            ("name", ""),
            ("email", "ada@example.org"),
            ("city", &"x".repeat(150)),
            ("t", &form_time),
        ]))
        .await
        .expect("POST answered");
    let response = read(response).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    let body = &response.body;
    assert!(body.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(
        body.contains("נא להזין את שמכם."),
        "the name's error: {body}"
    );
    assert!(
        body.contains("לכל היותר 100 תווים."),
        "the city's error: {body}"
    );
    assert!(!body.contains("Enter your name."), "no English left");
    assert!(!body.contains("Use at most"), "no English left");
    assert_eq!(app.signature_count(), 0, "nothing stored");

    // The JSON API keeps its English words for programs.
    let api = app
        .post_json(
            "/api/v1/letters/dear-mayor/signatures",
            &serde_json::json!({"name": "", "email": "ada@example.org"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert_eq!(json["fields"]["name"], "Enter your name.");
}
