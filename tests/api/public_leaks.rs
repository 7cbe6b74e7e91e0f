//! What a stranger can learn by detail, and consent honoured for organizations: public times
//! are to the minute (the JSON API, the feed, the pages), text drafted before publication
//! stays private in every language while published texts stay readable, `robots.txt` keeps
//! crawlers off every personal path, and an organization's contact hears updates only after
//! ticking "Keep me updated".

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letter_versions, letters, outbox, signatures};

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::updates::{SLUG, confirm_and_send, sign_and_confirm, write_update};

on_both_backends!(
    strangers_read_every_time_to_the_minute,
    text_drafted_before_publication_stays_private_in_every_language,
    robots_txt_keeps_crawlers_off_every_personal_path,
    an_organizations_contact_hears_updates_only_after_ticking_keep_me_updated,
);

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").expect("a time")
}

/// GETs `path` until `done` holds for its body (pages are cached for a moment).
async fn get_until(app: &TestApp, path: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = app.get(path).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
        if done(&response.body) {
            return response.body;
        }
        assert!(Instant::now() < deadline, "{path}: {}", response.body);
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn strangers_read_every_time_to_the_minute(backend: Backend) {
    let app = crate::updates::app(backend).await;
    sign_and_confirm(
        &app,
        "ada@example.org",
        &[("name", "Ada"), ("public", "on")],
    )
    .await;
    sign_and_confirm(
        &app,
        "contact@greens.example",
        &[
            ("name", "Gus"),
            ("kind", "organization"),
            ("organization", "Greens"),
            ("public", "on"),
        ],
    )
    .await;
    // Times with seconds and microseconds, as the database holds them.
    let signed = at("2026-05-03 11:22:33.456789");
    {
        let mut connection = app.connection();
        let connection: &mut DbConnection = &mut connection;
        diesel::update(signatures::table)
            .set(signatures::verified_at.eq(Some(signed)))
            .execute(connection)
            .expect("date the signatures");
        diesel::update(letters::table)
            .set((
                letters::published_at.eq(Some(at("2026-05-01 08:09:10.111213"))),
                letters::updated_at.eq(at("2026-05-02 14:15:16.171819")),
                letters::closes_at.eq(Some(at("2099-01-02 03:04:05.678901"))),
            ))
            .execute(connection)
            .expect("date the letter");
    }

    let listed = get_until(
        &app,
        &format!("/api/v1/letters/{SLUG}/signatories"),
        |body| body.contains("2026-05-03T11:22"),
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
    let signatories = json["signatories"].as_array().expect("signatories");
    assert_eq!(signatories.len(), 2, "{json}");
    for signatory in signatories {
        assert_eq!(signatory["signed_at"], "2026-05-03T11:22Z", "{json}");
    }
    let detail = get_until(&app, &format!("/api/v1/letters/{SLUG}"), |body| {
        body.contains("2099-01-02T03:04")
    })
    .await;
    let json: serde_json::Value = serde_json::from_str(&detail).expect("JSON");
    assert_eq!(json["organizations"][0]["signed_at"], "2026-05-03T11:22Z");
    assert_eq!(json["closes_at"], "2099-01-02T03:04Z");
    assert_eq!(json["opens_at"], serde_json::Value::Null);

    let feed = get_until(&app, "/feed.atom", |body| body.contains("2026-05-02T14:15")).await;
    assert!(feed.contains("2026-05-02T14:15:00"), "{feed}");
    assert!(feed.contains("2026-05-01T08:09:00"), "{feed}");

    let page = get_until(&app, &format!("/letters/{SLUG}"), |body| {
        body.contains("2099-01-02T03:04")
    })
    .await;
    let signatories_page = app.get(&format!("/letters/{SLUG}/signatories")).await.body;
    for (what, body) in [
        ("signatories API", &listed),
        ("letter API", &detail),
        ("feed", &feed),
        ("letter page", &page),
        ("signatories page", &signatories_page),
    ] {
        for precise in [
            "11:22:33", "456789", "08:09:10", "111213", "14:15:16", "171819", "03:04:05", "678901",
        ] {
            assert!(!body.contains(precise), "{what} shows {precise}: {body}");
        }
    }
}

const TRANSLATED: &str = "shared-future";

/// `letter.md` of the translated letter, with its status and body.
fn original(status: &str, body: &str) -> String {
    format!(
        "+++\nslug = \"{TRANSLATED}\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nstatus = \"{status}\"\n+++\n\n{body}\n"
    )
}

fn translation(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\naddressee = \"The governments\"\n+++\n\n{body}\n")
}

/// Writes `letter.md` and imports it (with whatever `letter.LANG.md` lie beside it).
fn import(app: &TestApp, status: &str, body: &str) {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), original(status, body)).expect("write");
    app.cli_ok(&[
        "letters",
        "import",
        &directory.join("letter.md").display().to_string(),
    ]);
}

fn write_translation(app: &TestApp, lang: &str, title: &str, body: &str) {
    std::fs::write(
        app.directory.path().join(format!("letter.{lang}.md")),
        translation(title, body),
    )
    .expect("write a translation");
}

/// The hash of the newest recorded text in `lang`.
fn newest_hash(app: &TestApp, lang: &str) -> String {
    letter_versions::table
        .filter(letter_versions::lang.eq(lang))
        .order((
            letter_versions::created_at.desc(),
            letter_versions::id.desc(),
        ))
        .select(letter_versions::content_hash)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("a version")
}

async fn status_of(app: &TestApp, path: &str) -> StatusCode {
    app.get(path).await.status
}

async fn text_drafted_before_publication_stays_private_in_every_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@example.org", "editor").await;
    // The draft: a first English text, a Hebrew translation removed before publication, a
    // French one kept.
    write_translation(&app, "he", "טיוטה", "טיוטה פנימית שנמחקה.");
    write_translation(&app, "fr", "Un avenir commun", "Nous écrivons ensemble.");
    import(&app, "draft", "First draft, not for the public.");
    let hebrew_draft = newest_hash(&app, "he");
    let english_draft = newest_hash(&app, "en");
    let french = newest_hash(&app, "fr");
    std::fs::remove_file(app.directory.path().join("letter.he.md")).expect("drop the file");
    let removed = editor
        .post(
            &format!("/admin/letters/{TRANSLATED}/translation/remove"),
            &[("lang", "he"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    import(&app, "draft", "We write together.");
    // Published with the second English text and the French.
    import(&app, "open", "We write together.");
    let published = newest_hash(&app, "en");
    assert_ne!(published, english_draft);

    let version = |hash: &str| format!("/letters/{TRANSLATED}/versions/{hash}");
    for (what, path) in [
        ("the removed Hebrew draft", version(&hebrew_draft)),
        (
            "the removed Hebrew draft, in Hebrew",
            format!("/he{}", version(&hebrew_draft)),
        ),
        ("the first English draft", version(&english_draft)),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{what}");
        assert!(!response.body.contains("טיוטה פנימית"), "{what}");
        assert!(!response.body.contains("First draft"), "{what}");
    }
    for (what, path) in [
        ("the published English", version(&published)),
        ("the French published with it", version(&french)),
    ] {
        assert_eq!(status_of(&app, &path).await, StatusCode::OK, "{what}");
    }
    let history = app
        .get(&format!("/letters/{TRANSLATED}/versions"))
        .await
        .body;
    assert_eq!(history.matches("/versions/").count(), 1, "{history}");
    let hebrew_history = app
        .get(&format!("/he/letters/{TRANSLATED}/versions"))
        .await
        .body;
    assert!(!hebrew_history.contains(&hebrew_draft), "{hebrew_history}");

    // After publication: the first draft's words brought back are public from then on, and
    // stay readable once replaced; a Hebrew translation written now stays readable after it
    // is removed, the one drafted before still does not.
    import(&app, "open", "First draft, not for the public.");
    import(&app, "open", "A third text.");
    assert_eq!(
        status_of(&app, &version(&english_draft)).await,
        StatusCode::OK,
        "the draft's words, public for a while"
    );
    assert_eq!(status_of(&app, &version(&published)).await, StatusCode::OK);
    write_translation(&app, "he", "עתיד משותף", "אנו כותבים יחד.");
    import(&app, "open", "A third text.");
    let hebrew = newest_hash(&app, "he");
    assert_ne!(hebrew, hebrew_draft);
    assert_eq!(status_of(&app, &version(&hebrew)).await, StatusCode::OK);
    let removed = editor
        .post(
            &format!("/admin/letters/{TRANSLATED}/translation/remove"),
            &[("lang", "he"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let shown = app.get(&version(&hebrew)).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("אנו כותבים יחד"), "{}", shown.body);
    assert!(!shown.body.contains(&hebrew_draft), "{}", shown.body);
    assert_eq!(
        status_of(&app, &version(&hebrew_draft)).await,
        StatusCode::NOT_FOUND
    );

    a_language_the_draft_was_first_written_in_stays_private(&app).await;
}

/// A draft first written in German, then in English: once published, the German words are
/// not public, even where they are the same words (the same hash).
async fn a_language_the_draft_was_first_written_in_stays_private(app: &TestApp) {
    let file = app.directory.path().join("other.md");
    let document = |lang: &str, status: &str, body: &str| {
        format!(
            "+++\nslug = \"first-in-german\"\nlang = \"{lang}\"\ntitle = \"Title\"\naddressee = \"Them\"\nstatus = \"{status}\"\n+++\n\n{body}\n"
        )
    };
    let import = |text: String| {
        std::fs::write(&file, text).expect("write");
        app.cli_ok(&["letters", "import", &file.display().to_string()]);
    };
    import(document("de", "draft", "Wir schreiben."));
    let german = newest_hash(app, "de");
    import(document("en", "draft", "Same words."));
    import(document("de", "draft", "Same words."));
    let same_words = newest_hash(app, "de");
    import(document("en", "open", "Same words."));
    assert_eq!(newest_hash(app, "en"), same_words);
    let english = app
        .get(&format!("/letters/first-in-german/versions/{same_words}"))
        .await;
    assert_eq!(english.status, StatusCode::OK);
    assert!(english.body.contains(r#"lang="en""#), "{}", english.body);
    assert!(!english.body.contains(r#"lang="de""#), "{}", english.body);
    assert_eq!(
        status_of(app, &format!("/letters/first-in-german/versions/{german}")).await,
        StatusCode::NOT_FOUND
    );
}

async fn robots_txt_keeps_crawlers_off_every_personal_path(backend: Backend) {
    let app = spawn_app(backend).await;
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    let lines: Vec<&str> = robots.body.lines().collect();
    for path in [
        "/verify",
        "/*/verify/",
        "/withdraw",
        "/*/withdraw/",
        "/unsubscribe",
        "/*/unsubscribe/",
        "/partners",
        "/*/partners/",
        "/my-signatures",
        "/*/my-signatures",
        "/admin",
    ] {
        let line = format!("Disallow: {path}");
        assert!(lines.contains(&line.as_str()), "{line}:\n{}", robots.body);
    }
    // The public pages stay open to crawlers.
    for public in ["/", "/letters/", "/feed.atom", "/sitemap.xml"] {
        assert!(
            !lines.contains(&format!("Disallow: {public}").as_str()),
            "{public}:\n{}",
            robots.body
        );
    }
}

async fn an_organizations_contact_hears_updates_only_after_ticking_keep_me_updated(
    backend: Backend,
) {
    let app = crate::updates::app(backend).await;
    // Signed for an organization without ticking the box, by the form and by the API.
    sign_and_confirm(
        &app,
        "quiet@union.example",
        &[
            ("name", "Quinn"),
            ("kind", "organization"),
            ("organization", "Quiet Union"),
        ],
    )
    .await;
    let api = app
        .post_json(
            &format!("/api/v1/letters/{SLUG}/signatures"),
            &serde_json::json!({
                "name": "Jo",
                "email": "api@union.example",
                "kind": "organization",
                "organization": "API Union",
            }),
        )
        .await;
    assert!(api.status.is_success(), "{}", api.body);
    let mail = app.wait_for_mails_to("api@union.example", 1).await;
    let confirmed = app
        .post_form(&mail.last().expect("mail").link("/verify/"), "")
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    // Ticked it: hears back.
    sign_and_confirm(
        &app,
        "news@loud.example",
        &[
            ("name", "Nia"),
            ("kind", "organization"),
            ("organization", "Loud Union"),
            ("updates", "on"),
        ],
    )
    .await;
    let confirmed_organizations: i64 = signatures::table
        .filter(signatures::verified_at.is_not_null())
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count");
    assert_eq!(confirmed_organizations, 3);

    let staff = app.staff("editor@coalition.test", "editor").await;
    let update = write_update(&staff, "News for those who asked", "Thank you.").await;
    // The console's number before sending, and the command line's.
    let question = staff.get(&format!("{update}/send")).await;
    assert!(
        question.body.contains("<strong>1 address</strong>"),
        "{}",
        question.body
    );
    confirm_and_send(&staff, &update).await;
    let mails = crate::updates::wait_for_update_mails_within(
        &app,
        "News for those who asked",
        1,
        Duration::from_secs(20),
    )
    .await;
    let recipients: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
    assert_eq!(recipients, ["news@loud.example"]);
    let queued: Vec<String> = outbox::table
        .filter(outbox::update_id.is_not_null())
        .select(outbox::recipient)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the outbox");
    assert_eq!(queued, ["news@loud.example"]);
    crate::harness::wait_until("the update sent", Duration::from_secs(10), || {
        outbox::table
            .filter(outbox::update_id.is_not_null())
            .filter(outbox::state.eq(undersigned::mail::outbox::OutboxState::Sent))
            .count()
            .get_result::<i64>(&mut *app.connection() as &mut DbConnection)
            .is_ok_and(|sent| sent == 1)
    })
    .await;
    let shown = staff.get(&update).await;
    assert!(
        shown.body.contains(r#"<span class="value">1</span> sent"#),
        "{}",
        shown.body
    );
}
