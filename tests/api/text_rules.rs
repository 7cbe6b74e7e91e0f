//! One set of text rules for every way text gets in: the public form, the console and the
//! command line refuse invisible, direction-changing and control characters, keep what real
//! scripts need, and treat look-alike spellings of an organization as the same organization.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{api_tokens, members, signatures};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    hostile_signer_names_are_refused_and_nothing_is_stored,
    names_in_persian_hindi_and_decomposed_form_are_accepted,
    websites_are_checked_as_web_addresses,
    look_alike_organization_names_are_one_organization,
    console_member_names_follow_the_text_rules,
    cli_member_import_follows_the_text_rules,
    api_token_names_follow_the_text_rules,
    names_stored_under_the_old_key_still_match_after_rekeying,
);

const RIGHT_TO_LEFT_OVERRIDE: &str = "Ada\u{202E}ecalevoL";
const ZALGO: &str = "Z\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}\u{0306}\u{0307}algo";

fn stored_names(app: &TestApp) -> Vec<String> {
    signatures::table
        .select(signatures::name)
        .order(signatures::id.asc())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signature names")
}

fn member_names(app: &TestApp) -> Vec<String> {
    members::table
        .select(members::name)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read member names")
}

async fn hostile_signer_names_are_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for (name, says) in [
        (RIGHT_TO_LEFT_OVERRIDE, "change the direction"),
        ("\u{200B}\u{200B}\u{200B}", "invisible"),
        (ZALGO, "Too many accents"),
        ("Ada\u{0}Lovelace", "control characters"),
        ("Ada\nLovelace", "one line"),
    ] {
        let response = app
            .sign(
                "dear-president",
                &[("name", name), ("email", "ada@example.org")],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?} refused"
        );
        assert!(response.body.contains(says), "{name:?}: {}", response.body);
    }
    let comment = app
        .sign(
            "dear-president",
            &[
                ("name", "Ada Lovelace"),
                ("email", "ada@example.org"),
                ("comment", &format!("Yes {RIGHT_TO_LEFT_OVERRIDE}")),
            ],
        )
        .await;
    assert_eq!(comment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.signature_count(), 0, "nothing stored");
    assert_eq!(app.outbox_count(), 0, "no email queued");
}

async fn names_in_persian_hindi_and_decomposed_form_are_accepted(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let persian = "می\u{200C}خواهم";
    let hindi = "क्\u{200D}षमा";
    for (name, email) in [
        (persian, "persian@example.org"),
        (hindi, "hindi@example.org"),
        ("Zoe\u{0308}", "zoe@example.org"),
    ] {
        let response = app
            .sign("dear-president", &[("name", name), ("email", email)])
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{name:?}: {}",
            response.body
        );
    }
    let names = stored_names(&app);
    assert_eq!(names.len(), 3);
    assert!(names.contains(&persian.to_owned()), "joiner kept");
    assert!(names.contains(&hindi.to_owned()), "joiner kept");
    assert!(names.contains(&"Zo\u{00EB}".to_owned()), "stored as NFC");
}

async fn websites_are_checked_as_web_addresses(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for website in ["http://a b.example", "javascript:alert(1)", "https://"] {
        let response = app
            .sign(
                "dear-president",
                &[
                    ("name", "Ada"),
                    ("email", "ada@example.org"),
                    ("website", website),
                ],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{website}"
        );
        assert!(response.body.contains("Enter a web address"));
    }
    assert_eq!(app.signature_count(), 0);
    let response = app
        .sign(
            "dear-president",
            &[
                ("name", "Ada"),
                ("email", "ada@example.org"),
                ("website", "example.org/path"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let stored: Option<String> = signatures::table
        .select(signatures::website)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature");
    assert_eq!(stored.as_deref(), Some("https://example.org/path"));
}

async fn look_alike_organization_names_are_one_organization(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "organizations_need_approval = false");
    sign_as_organization(&app, "Friends of the Earth", "grace@foe.example").await;
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    app.post_form(&mail[0].link("/verify/"), "").await;
    // A Cyrillic "а" and a different case and spacing: the same organization.
    sign_as_organization(&app, "friends  of the e\u{0430}rth", "mallory@foe.example").await;
    sign_as_organization(&app, "FRIENDS OF THE EARTH", "alan@foe.example").await;

    let listed: i64 = signatures::table
        .filter(signatures::kind.eq("organization"))
        .filter(signatures::state.ne("pending"))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count organizations");
    assert_eq!(listed, 1, "only the first sign-on counts");
    let page = app.get("/letters/coalition").await;
    assert_eq!(page.body.matches("Friends of the Earth").count(), 1);
    assert!(!page.body.contains("e\u{0430}rth"));
    assert!(!page.body.contains("FRIENDS OF THE EARTH"));
}

async fn sign_as_organization(app: &TestApp, organization: &str, email: &str) {
    let response = app
        .sign(
            "coalition",
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", "Signer"),
                ("email", email),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

async fn console_member_names_follow_the_text_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    for name in ["Bad\u{0}Org", "Evil\u{202E}groR", "\u{200B}"] {
        let refused = editor
            .post(
                "/admin/members",
                &[("name", name), ("email", "contact@org.example")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        let pasted = editor
            .post(
                "/admin/members/import",
                &[(
                    "csv",
                    &format!("name,email\nGood Org,good@org.example\n{name},bad@org.example\n"),
                )],
            )
            .await;
        assert_eq!(pasted.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert!(pasted.body.contains("Nothing was imported"));
    }
    let website = editor
        .post(
            "/admin/members",
            &[
                ("name", "Web Org"),
                ("email", "web@org.example"),
                ("website", "http://a b.example"),
            ],
        )
        .await;
    assert_eq!(website.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(member_names(&app).is_empty(), "nothing stored");

    // The roster finds a member under a look-alike spelling and updates it.
    let added = editor
        .post(
            "/admin/members",
            &[
                ("name", "Friends of the Earth"),
                ("email", "old@foe.example"),
                ("website", "foe.example"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let updated = editor
        .post(
            "/admin/members",
            &[
                ("name", "friends  of the e\u{0430}rth"),
                ("email", "new@foe.example"),
            ],
        )
        .await;
    assert_eq!(
        updated.location.as_deref(),
        Some("/admin/members?done=updated")
    );
    assert_eq!(member_names(&app).len(), 1);
}

async fn cli_member_import_follows_the_text_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let directory = tempfile::tempdir().expect("temporary directory");
    for name in ["Bad\u{0}Org", "Evil\u{202E}groR"] {
        let file = directory.path().join("members.csv");
        std::fs::write(
            &file,
            format!("name,email\nGood Org,good@org.example\n{name},bad@org.example\n"),
        )
        .expect("write the CSV");
        let output = app.cli(&["members", "import", &file.display().to_string()]);
        assert!(!output.status.success(), "{name:?} refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains("line 3"), "{stderr}");

        // A process argument cannot hold NUL; an escape character is the nearest thing.
        let argument = name.replace('\u{0}', "\u{1b}");
        let output = app.cli(&["members", "add", &argument, "--email", "bad@org.example"]);
        assert!(!output.status.success(), "{name:?} refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    }
    let output = app.cli(&[
        "members",
        "add",
        "Web Org",
        "--email",
        "web@org.example",
        "--website",
        "http://a b.example",
    ]);
    assert!(!output.status.success());
    assert!(member_names(&app).is_empty(), "nothing stored");
}

async fn api_token_names_follow_the_text_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    for name in ["script\u{0}", "\u{202E}tpircs", "\u{200B}"] {
        let refused = editor.post("/admin/tokens", &[("name", name)]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{name:?}");
        assert!(
            !refused.body.contains("Copy it now"),
            "no token shown: {}",
            refused.body
        );
    }
    let stored: i64 = api_tokens::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count tokens");
    assert_eq!(stored, 0, "nothing stored");
}

async fn names_stored_under_the_old_key_still_match_after_rekeying(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let added = editor
        .post(
            "/admin/members",
            &[
                ("name", "Amnesty Section"),
                ("email", "old@amnesty.example"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    // The key as the previous release stored it: lower case, spaces collapsed.
    diesel::update(members::table)
        .set(members::name_normalized.eq("amnesty section"))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("store an old key");

    let clashes =
        undersigned::members::rekey_organization_names(&mut *app.connection() as &mut DbConnection)
            .expect("rekey");
    assert!(clashes.is_empty());
    let updated = editor
        .post(
            "/admin/members",
            &[
                ("name", "AMNESTY  section"),
                ("email", "new@amnesty.example"),
            ],
        )
        .await;
    assert_eq!(
        updated.location.as_deref(),
        Some("/admin/members?done=updated"),
        "found under the new key"
    );
    assert_eq!(member_names(&app), vec!["AMNESTY section".to_owned()]);
}
