//! What the README's first run promises a newcomer: the confirmation link in a
//! `data/mail/*.eml` file works as copied from the file, and a script signs through the JSON
//! API with the form token it hands out, once the token is `limits.min_form_seconds` old.

use std::time::Duration;

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, spawn_app_with};

/// Long enough that every link in an email is longer than the 76 characters after which
/// quoted-printable breaks a line.
const LONG_PUBLIC_URL: &str = "http://letters.a-rather-long-coalition-name.example.org";

#[actix_web::test]
async fn the_link_in_a_mail_file_works_as_copied_from_the_file() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("server.public_url", LONG_PUBLIC_URL.to_owned())],
    )
    .await;
    app.create_letter("dear-president", "open", "");
    app.sign(
        "dear-president",
        &[("name", "Ada"), ("email", "ada@example.org")],
    )
    .await;
    app.wait_for_mails_to("ada@example.org", 1).await;
    let file = std::fs::read_dir(&app.mail_dir)
        .expect("the mail directory")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|extension| extension == "eml"))
        .expect("an .eml file");
    let raw = std::fs::read_to_string(&file).expect("an .eml file is text");
    // The link carries the language the signer read the page in (English here).
    let prefix = format!("{LONG_PUBLIC_URL}/en/verify/");
    let line = raw
        .lines()
        .find(|line| line.contains(&prefix))
        .unwrap_or_else(|| panic!("no whole {prefix} link on one line of the file:\n{raw}"));
    let link = line[line.find(&prefix).expect("found above")..]
        .split(|character: char| character.is_whitespace() || character == '"' || character == '<')
        .next()
        .expect("a link");
    assert!(
        link.len() > 76 && !link.ends_with('=') && !link.contains("=3D"),
        "the link is whole, not quoted-printable: {link}"
    );
    // Copied from the file and opened (on the test's own address), it is the confirm page.
    let page = app.get(&link[LONG_PUBLIC_URL.len()..]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<form"), "{}", page.body);
}

/// `GET /api/v1/letters/{slug}` hands out `form_token`; a sign sent with it at once is refused
/// with a message that says to wait, and the same token sent after the wait is taken.
#[actix_web::test]
async fn a_script_signs_through_the_api_with_the_form_token_after_the_wait() {
    // The shipped wait. The token carries whole seconds, so a sign sent at once is at most a
    // second old however the clock falls, and one sent 2.1 s later at least two.
    let wait = undersigned::config::Settings::defaults_with(&[])
        .expect("default settings")
        .limits
        .min_form_seconds;
    assert_eq!(wait, 2, "the README says to wait 2 s");
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("limits.min_form_seconds", wait.to_string())],
    )
    .await;
    app.create_letter("dear-president", "open", "");
    let letter = app.get("/api/v1/letters/dear-president").await;
    let letter: serde_json::Value = serde_json::from_str(&letter.body).expect("JSON");
    let token = letter["form_token"]
        .as_str()
        .expect("a form token")
        .to_owned();
    let signature = json!({
        "name": "Ada",
        "email": "ada@example.org",
        "form_token": token,
    });
    let at_once = app
        .post_json("/api/v1/letters/dear-president/signatures", &signature)
        .await;
    assert_eq!(at_once.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(at_once.body.contains("form_token"), "{}", at_once.body);
    actix_web::rt::time::sleep(Duration::from_millis(wait * 1000 + 100)).await;
    let later = app
        .post_json("/api/v1/letters/dear-president/signatures", &signature)
        .await;
    assert_eq!(later.status, StatusCode::ACCEPTED, "{}", later.body);
    assert_eq!(app.signature_count(), 1);
}
