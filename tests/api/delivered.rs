//! A letter marked delivered: the console's form (its error summary, escaping, nothing stored
//! on bad input), the letter page's top and timeline, sending it as an update once however
//! often it is submitted, the command line with `--undo`, and the JSON API's field.

use std::time::{Duration, Instant};

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letter_deliveries, outbox};

use crate::helpers::{Backend, Email, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    marking_delivered_in_the_console_shows_at_the_top_and_in_the_timeline_escaped,
    a_bad_date_link_or_note_shows_the_error_summary_and_stores_nothing,
    sending_the_delivery_as_an_update_reaches_each_opted_in_signer_once,
    the_command_line_marks_edits_and_takes_back_a_delivery,
    two_staff_marking_at_once_both_succeed_with_one_delivery,
);

const SLUG: &str = "protest";
const TOP: &str = "Delivered to the President on";
const ENTRY: &str = "<h3>Delivered to the President</h3>";

async fn app(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app
}

fn days_ago(days: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn deliveries(app: &TestApp) -> Vec<(String, Option<String>)> {
    letter_deliveries::table
        .select((
            letter_deliveries::delivered_note,
            letter_deliveries::delivered_link,
        ))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read deliveries")
}

fn update_messages(app: &TestApp) -> i64 {
    outbox::table
        .filter(outbox::update_id.is_not_null())
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count update messages")
}

/// The public page once it shows (or stops showing) the delivery: the page snapshot of
/// another process (the command line) refreshes on its own within a moment.
async fn page_when(app: &TestApp, delivered: bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let page = app.get(&format!("/letters/{SLUG}")).await;
        assert_eq!(page.status, StatusCode::OK);
        if page.body.contains(TOP) == delivered {
            return page.body;
        }
        assert!(
            Instant::now() < deadline,
            "the page never {} the delivery: {}",
            if delivered { "showed" } else { "dropped" },
            page.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn api_delivered(app: &TestApp) -> serde_json::Value {
    let detail = app.get(&format!("/api/v1/letters/{SLUG}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&detail.body).expect("JSON");
    json["delivered"].clone()
}

async fn sign_and_confirm(app: &TestApp, email: &str, name: &str, updates: bool) -> Email {
    let mut fields = vec![("email", email), ("name", name), ("city", "Lyon")];
    if updates {
        fields.push(("updates", "on"));
    }
    let response = app.sign(SLUG, &fields).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mail = app
        .wait_for_mails_to(email, 1)
        .await
        .into_iter()
        .next()
        .expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    mail
}

async fn marking_delivered_in_the_console_shows_at_the_top_and_in_the_timeline_escaped(
    backend: Backend,
) {
    let app = app(backend).await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    // An update sent today, then a delivery three days ago: the timeline is newest first.
    let saved = staff
        .post(
            &format!("/admin/letters/{SLUG}/updates"),
            &[
                ("subject", "Thank you all"),
                ("body", "Onwards."),
                ("save", "1"),
            ],
        )
        .await;
    let update = saved.location.expect("the update's page");
    let sent = staff.post(&format!("{update}/send"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    let on = days_ago(3);
    let marked = staff
        .post(
            &format!("/admin/letters/{SLUG}/delivered"),
            &[
                ("delivered_on", on.as_str()),
                (
                    "delivered_note",
                    "Handed to the <script>alert(1)</script> office\r\nat noon",
                ),
                ("delivered_link", "https://example.org/press?a=1&b=2"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    assert_eq!(
        marked.location.as_deref(),
        Some(format!("/admin/letters/{SLUG}#delivered").as_str())
    );
    // Nothing was sent for it: the box was not ticked.
    assert_eq!(update_messages(&app), 0);

    let page = app.get(&format!("/letters/{SLUG}")).await;
    let body = &page.body;
    let top = body.find(TOP).expect("the delivery at the top");
    assert!(
        top < body.find("Dear President").expect("the letter's text"),
        "{body}"
    );
    assert!(
        body.contains(&format!(r#"<time datetime="{on}">"#)),
        "{body}"
    );
    assert!(
        body.contains("Handed to the &#60;script&#62;alert(1)&#60;/script&#62; office<br>at noon")
            || body
                .contains("Handed to the &lt;script&gt;alert(1)&lt;/script&gt; office<br>at noon"),
        "{body}"
    );
    assert!(!body.contains("<script>alert(1)"), "{body}");
    assert!(
        body.contains(r#"href="https://example.org/press?a=1&#38;b=2""#)
            || body.contains(r#"href="https://example.org/press?a=1&amp;b=2""#),
        "{body}"
    );
    let timeline = body
        .split(r#"<ol class="timeline">"#)
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("the updates timeline");
    let delivered_at = timeline.find(ENTRY).expect("a Delivered entry");
    let update_at = timeline.find("Thank you all").expect("the update");
    assert!(update_at < delivered_at, "newest first: {timeline}");

    // Marking again edits it; the console shows it and the audit log has both.
    let edited = staff
        .post(
            &format!("/admin/letters/{SLUG}/delivered"),
            &[
                ("delivered_on", on.as_str()),
                ("delivered_note", "Handed over at noon."),
                ("delivered_link", ""),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert_eq!(
        deliveries(&app),
        [("Handed over at noon.".to_owned(), None)]
    );
    let console = staff.get(&format!("/admin/letters/{SLUG}")).await;
    assert!(
        console
            .body
            .contains(&format!("Delivered on <time datetime=\"{on}\">")),
        "{}",
        console.body
    );
    assert!(console.body.contains("Handed over at noon."));
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(page.body.contains("Handed over at noon."), "{}", page.body);
    assert!(!page.body.contains("example.org/press"));
    assert_eq!(page.body.matches(ENTRY).count(), 1);

    // Taking it back (a staff mistake) shows at once, and is audited.
    let undone = staff
        .post(
            &format!("/admin/letters/{SLUG}/delivered/undo"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(undone.status, StatusCode::SEE_OTHER, "{}", undone.body);
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(!page.body.contains(TOP), "{}", page.body);
    assert!(!page.body.contains(ENTRY));
    assert!(page.body.contains("Thank you all"));
    assert!(deliveries(&app).is_empty());
    let audit = app.audit_actions();
    assert_eq!(
        audit
            .iter()
            .filter(|action| *action == "letter.delivered")
            .count(),
        2,
        "{audit:?}"
    );
    assert!(
        audit.contains(&"letter.undelivered".to_owned()),
        "{audit:?}"
    );

    // A viewer sees the delivery state but may not mark it.
    app.create_staff("viewer@coalition.test", "viewer");
    let viewer = app.sign_in("viewer@coalition.test").await;
    let refused = viewer
        .post(
            &format!("/admin/letters/{SLUG}/delivered"),
            &[("delivered_on", on.as_str()), ("delivered_note", "Sneaky")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(deliveries(&app).is_empty());
}

async fn a_bad_date_link_or_note_shows_the_error_summary_and_stores_nothing(backend: Backend) {
    let app = app(backend).await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let path = format!("/admin/letters/{SLUG}/delivered");

    let refused = staff
        .post(
            &path,
            &[
                ("delivered_on", "2099-01-01"),
                ("delivered_note", "Handed over <b>in person</b>"),
                ("delivered_link", "javascript:alert(1)"),
                ("send_update", "yes"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &refused.body;
    assert!(body.contains(r#"class="error-summary""#), "{body}");
    assert!(body.contains(r##"href="#delivered_on""##), "{body}");
    assert!(body.contains(r##"href="#delivered_link""##), "{body}");
    assert!(!body.contains(r##"href="#delivered_note""##), "{body}");
    assert!(body.contains("cannot be in the future"), "{body}");
    // What was typed comes back, escaped; the box stays ticked.
    assert!(body.contains(r#"value="2099-01-01""#), "{body}");
    assert!(body.contains(r#"value="javascript:alert(1)""#), "{body}");
    assert!(!body.contains("<b>in person</b>"), "{body}");
    assert!(body.contains("in person"), "{body}");
    assert!(
        body.contains(r#"name="send_update" value="yes" checked"#),
        "{body}"
    );

    // A bidirectional override in the note is refused by the text rules.
    let bidi = staff
        .post(
            &path,
            &[
                ("delivered_on", days_ago(1).as_str()),
                ("delivered_note", "Delivered \u{202E}gnorw"),
            ],
        )
        .await;
    assert_eq!(bidi.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bidi.body.contains(r##"href="#delivered_note""##),
        "{}",
        bidi.body
    );
    assert!(bidi.body.contains("change the direction"), "{}", bidi.body);

    // Not a date; no note at all; an ftp link.
    for fields in [
        [
            ("delivered_on", "30/11/2026"),
            ("delivered_note", "Fine"),
            ("delivered_link", ""),
        ],
        [
            ("delivered_on", "2026-11-30"),
            ("delivered_note", "   "),
            ("delivered_link", ""),
        ],
        [
            ("delivered_on", "2026-11-30"),
            ("delivered_note", "Fine"),
            ("delivered_link", "ftp://example.org/file"),
        ],
    ] {
        let refused = staff.post(&path, &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}"
        );
        assert!(refused.body.contains("There is a problem"));
    }

    // A forged form (no CSRF token) changes nothing either.
    let forged = staff
        .post_without_csrf(
            &path,
            &[("delivered_on", "2026-11-30"), ("delivered_note", "Forged")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    assert!(deliveries(&app).is_empty());
    assert_eq!(update_messages(&app), 0);
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(!page.body.contains(TOP), "{}", page.body);
    assert!(!app.audit_actions().contains(&"letter.delivered".to_owned()));
    assert_eq!(api_delivered(&app).await, serde_json::Value::Null);
}

async fn sending_the_delivery_as_an_update_reaches_each_opted_in_signer_once(backend: Backend) {
    let app = app(backend).await;
    sign_and_confirm(&app, "ada@example.org", "Ada", true).await;
    sign_and_confirm(&app, "eve@example.org", "Eve", true).await;
    sign_and_confirm(&app, "bob@example.org", "Bob", false).await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let on = days_ago(1);
    let fields = [
        ("delivered_on", on.as_str()),
        ("delivered_note", "Handed over at noon."),
        ("delivered_link", "https://example.org/press"),
        ("send_update", "yes"),
    ];
    // Submitted twice (a double click): one draft, the same question.
    let first = staff
        .post(&format!("/admin/letters/{SLUG}/delivered"), &fields)
        .await;
    let second = staff
        .post(&format!("/admin/letters/{SLUG}/delivered"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let question_path = first.location.expect("the confirmation");
    assert!(question_path.ends_with("/send"), "{question_path}");
    assert_eq!(second.location.as_deref(), Some(question_path.as_str()));
    // Nothing is sent before the confirmation.
    assert_eq!(update_messages(&app), 0);
    let question = staff.get(&question_path).await;
    assert_eq!(question.status, StatusCode::OK);
    assert!(
        question.body.contains("<strong>2 addresses</strong>"),
        "{}",
        question.body
    );
    let sent = staff.post(&question_path, &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let again = staff.post(&question_path, &[]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    let subject = "Delivered to the President";
    let deadline = Instant::now() + Duration::from_secs(20);
    let mails = loop {
        let mails: Vec<Email> = app
            .mails()
            .into_iter()
            .filter(|mail| mail.subject == subject)
            .collect();
        if mails.len() >= 2 {
            // A moment more, so that a duplicate would show.
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            break app
                .mails()
                .into_iter()
                .filter(|mail| mail.subject == subject)
                .collect::<Vec<_>>();
        }
        assert!(Instant::now() < deadline, "got {} update(s)", mails.len());
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    let mut recipients: Vec<String> = mails.iter().map(|mail| mail.to.clone()).collect();
    recipients.sort();
    assert_eq!(recipients, ["ada@example.org", "eve@example.org"]);
    for mail in &mails {
        assert!(mail.text.contains("Handed over at noon."), "{}", mail.text);
        assert!(
            mail.html.contains(r#"href="https://example.org/press""#),
            "{}",
            mail.html
        );
    }
    assert_eq!(update_messages(&app), 2);

    // The page shows the delivery once: at the top and as one timeline entry, not again as
    // the update it was sent as.
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(page.body.contains(TOP), "{}", page.body);
    assert_eq!(page.body.matches(ENTRY).count(), 1, "{}", page.body);
}

async fn the_command_line_marks_edits_and_takes_back_a_delivery(backend: Backend) {
    let app = app(backend).await;
    sign_and_confirm(&app, "ada@example.org", "Ada", true).await;
    let on = days_ago(2);

    // Refused input stores nothing and says why.
    let refused = app.cli(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        "2099-01-01",
        "--note",
        "Soon",
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("future"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // Sending asks first; without a terminal and without --yes it refuses, storing nothing.
    let unasked = app.cli(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        &on,
        "--note",
        "Handed over.",
        "--send-update",
    ]);
    assert!(!unasked.status.success());
    assert!(deliveries(&app).is_empty());
    assert_eq!(update_messages(&app), 0);

    let printed = app.cli_ok(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        &on,
        "--note",
        "Handed over <b>in person</b>.",
        "--link",
        "example.org/press",
    ]);
    assert!(printed.contains("delivered on"), "{printed}");
    let page = page_when(&app, true).await;
    assert!(
        page.contains("Handed over &#60;b&#62;in person")
            || page.contains("Handed over &lt;b&gt;in person"),
        "{page}"
    );
    assert_eq!(
        api_delivered(&app).await,
        serde_json::json!({
            "on": on,
            "note": "Handed over <b>in person</b>.",
            "link": "https://example.org/press",
        })
    );

    // Again, with the update: edits the delivery and sends it once, however often it runs.
    let args = [
        "letters",
        "deliver",
        SLUG,
        "--on",
        &on,
        "--note",
        "Handed over in person.",
        "--send-update",
        "--yes",
    ];
    let printed = app.cli_ok(&args);
    assert!(printed.contains("1 message(s) queued"), "{printed}");
    let printed = app.cli_ok(&args);
    assert!(printed.contains("nothing was sent again"), "{printed}");
    assert_eq!(update_messages(&app), 1);
    assert_eq!(
        deliveries(&app),
        [("Handed over in person.".to_owned(), None)]
    );

    let printed = app.cli_ok(&["letters", "deliver", SLUG, "--undo"]);
    assert!(printed.contains("no longer marked delivered"), "{printed}");
    page_when(&app, false).await;
    assert!(deliveries(&app).is_empty());
    assert_eq!(api_delivered(&app).await, serde_json::Value::Null);
    let audit = app.audit_actions();
    assert!(
        audit.contains(&"letter.undelivered".to_owned()),
        "{audit:?}"
    );
    // The update that went out stays sent.
    assert_eq!(update_messages(&app), 1);
}

/// Two editors mark the letter delivered in the same moment, several times over: both are
/// answered as saved, one delivery is kept (one of the two notes), and both are audited.
async fn two_staff_marking_at_once_both_succeed_with_one_delivery(backend: Backend) {
    let app = app(backend).await;
    let first = app.staff("first@coalition.test", "editor").await;
    let second = app.staff("second@coalition.test", "editor").await;
    let path = format!("/admin/letters/{SLUG}/delivered");
    let on = days_ago(1);
    for round in 0..5 {
        if round > 0 {
            let undone = first
                .post(&format!("{path}/undo"), &[("confirm", "yes")])
                .await;
            assert_eq!(undone.status, StatusCode::SEE_OTHER, "{}", undone.body);
        }
        let (a, b) = futures_util::future::join(
            first.post(
                &path,
                &[
                    ("delivered_on", on.as_str()),
                    ("delivered_note", "By hand"),
                    ("delivered_link", ""),
                ],
            ),
            second.post(
                &path,
                &[
                    ("delivered_on", on.as_str()),
                    ("delivered_note", "By post"),
                    ("delivered_link", ""),
                ],
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "round {round}: {}", a.body);
        assert_eq!(b.status, StatusCode::SEE_OTHER, "round {round}: {}", b.body);
        let kept = deliveries(&app);
        assert_eq!(kept.len(), 1, "round {round}: {kept:?}");
        assert!(
            ["By hand", "By post"].contains(&kept[0].0.as_str()),
            "{kept:?}"
        );
    }
    let marked = app
        .audit_actions()
        .iter()
        .filter(|action| action.as_str() == "letter.delivered")
        .count();
    assert_eq!(marked, 10);
}
