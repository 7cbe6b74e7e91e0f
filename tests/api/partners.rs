//! Partners: a member's referral link records who brought a signature (through the
//! confirmation round trip), the signer's consent to hear from that member, the tallies, and
//! the member contact's own download of its consenting, counted signers.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{members, signatures};

use crate::helpers::{Backend, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    attribution_survives_the_confirmation_round_trip,
    unknown_or_hostile_codes_are_ignored_and_nothing_odd_is_stored,
);

const SLUG: &str = "dear-president";

/// Adds a member with the command line and reads its code back from `members list`.
fn add_member(app: &TestApp, name: &str, email: &str) -> String {
    app.cli_ok(&["members", "add", name, "--email", email]);
    let listed = app.cli_ok(&["members", "list"]);
    let line = listed
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("{name} listed in {listed}"));
    let code = line.split_whitespace().next().expect("a code column");
    assert_eq!(code.len(), 7, "{line}");
    code.to_owned()
}

fn member_id(app: &TestApp, code: &str) -> String {
    members::table
        .filter(members::code.eq(code))
        .select(members::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the member")
}

/// (via_member_id, share_with_member) of the signatures of this address.
fn attribution(app: &TestApp, email: &str) -> Vec<(Option<String>, bool)> {
    signatures::table
        .filter(signatures::email_normalized.eq(email))
        .select((signatures::via_member_id, signatures::share_with_member))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures")
}

/// Signs through the form of the page at `page` (which may carry `?via=`), sending what the
/// form holds plus `fields`.
async fn sign_from(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> crate::helpers::Response {
    let page = app.get(page).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let hidden = |name: &str| {
        page.body
            .split(&format!(r#"name="{name}" value=""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    let mut all: Vec<(&str, String)> = fields
        .iter()
        .map(|(key, value)| (*key, (*value).to_owned()))
        .collect();
    for name in ["t", "via"] {
        if let Some(value) = hidden(name)
            && !fields.iter().any(|(key, _)| *key == name)
        {
            all.push((name, value));
        }
    }
    let all: Vec<(&str, &str)> = all.iter().map(|(key, value)| (*key, value.as_str())).collect();
    app.post_form(&format!("/letters/{SLUG}/sign"), encode(&all))
        .await
}

async fn confirm_latest(app: &TestApp, email: &str) {
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

async fn attribution_survives_the_confirmation_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let code = add_member(&app, "Friends & <Neighbours>", "contact@friends.example");
    let other = add_member(&app, "Other Coalition", "hello@other.example");
    assert_ne!(code, other);

    // The link works in any case; the form names the member (escaped) in an unticked box.
    let page = app
        .get(&format!("/letters/{SLUG}?via={}", code.to_lowercase()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Let Friends &#38; &#60;Neighbours&#62; keep me informed"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<Neighbours>"));
    assert!(page.body.contains(&format!(r#"name="via" value="{code}""#)));
    let share_box = page
        .body
        .split(r#"name="share_with_member""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the consent box");
    assert!(!share_box.contains("checked"), "{share_box}");
    // Without a code there is no box.
    let plain = app.get(&format!("/letters/{SLUG}")).await;
    assert!(!plain.body.contains("keep me informed"));

    let via = format!("/letters/{SLUG}?via={code}");
    let ticked = sign_from(
        &app,
        &via,
        &[
            ("name", "Ada Lovelace"),
            ("email", "ada@example.org"),
            ("share_with_member", "on"),
        ],
    )
    .await;
    assert_eq!(ticked.status, StatusCode::SEE_OTHER, "{}", ticked.body);
    let unticked = sign_from(
        &app,
        &via,
        &[("name", "Grace Hopper"), ("email", "grace@example.org")],
    )
    .await;
    assert_eq!(unticked.status, StatusCode::SEE_OTHER, "{}", unticked.body);

    // A refused form keeps the member and the box.
    let refused = sign_from(
        &app,
        &via,
        &[("name", ""), ("email", "x@example.org"), ("share_with_member", "on")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("keep me informed"));
    assert!(refused.body.contains(&format!(r#"name="via" value="{code}""#)));

    confirm_latest(&app, "ada@example.org").await;
    confirm_latest(&app, "grace@example.org").await;
    let id = member_id(&app, &code);
    assert_eq!(attribution(&app, "ada@example.org"), [(Some(id.clone()), true)]);
    assert_eq!(attribution(&app, "grace@example.org"), [(Some(id), false)]);
    let states = app.signature_states();
    assert!(states.iter().all(|(_, state)| state == "verified"), "{states:?}");
}

async fn unknown_or_hostile_codes_are_ignored_and_nothing_odd_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let removed = add_member(&app, "Gone Org", "gone@example.org");
    app.cli_ok(&["members", "remove", "Gone Org"]);
    let long = "A".repeat(10 * 1024);
    let hostile = [
        "<script>alert(1)</script>",
        "ABC\u{202E}DEF",
        "\u{2066}ABCDEFG",
        long.as_str(),
        "ZZZZZZZ",
        removed.as_str(),
        "%FF%FE",
    ];
    for (index, via) in hostile.iter().enumerate() {
        let query = encode(&[("via", via)]);
        let page = app.get(&format!("/letters/{SLUG}?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{via:?}");
        assert!(!page.body.contains("keep me informed"), "{via:?}");
        assert!(!page.body.contains("<script>alert"), "{via:?}");
        assert!(!page.body.contains(r#"name="via""#), "{via:?}");

        let email = format!("person{index}@example.org");
        let response = sign_from(
            &app,
            &format!("/letters/{SLUG}"),
            &[
                ("name", "Ada"),
                ("email", &email),
                ("via", via),
                ("share_with_member", "on"),
            ],
        )
        .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{via:?}: {}", response.body);
        assert_eq!(attribution(&app, &email), [(None, false)], "{via:?}");
    }
    // A raw, undecodable query string is no error either.
    let raw = app.get(&format!("/letters/{SLUG}?via=%FF%00&via")).await;
    assert_eq!(raw.status, StatusCode::OK);
}
