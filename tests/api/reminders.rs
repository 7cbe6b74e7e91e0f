//! One reminder to a signer who has not confirmed, `signing.reminder_hours` after signing:
//! once, in the language they signed in, with a link that confirms (the first email's link
//! keeps working); never after they withdrew or confirmed, nor once the letter has closed or
//! been delivered; never with 0; once however many instances look at the same time.
//!
//! Time is driven as `confirm_grace.rs` drives it: a signature's `created_at` is moved into
//! the past. The reminder is set to 36 s so that the service looks every 3.6 s, and a signer
//! who is not moved back stays short of it for the length of a test. That nothing was sent
//! is proven with a control: a signer made due at the same moment whose reminder arrives,
//! so the look that skipped the other one has happened.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signatures};

use crate::helpers::{Backend, Email, TestApp, encode, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_reminder_goes_once_after_the_time_and_its_link_confirms,
    a_withdrawn_signature_or_a_closed_or_delivered_letter_gets_no_reminder,
    no_reminder_when_set_to_zero,
    a_hebrew_signer_is_reminded_in_hebrew_with_the_hebrew_title,
    instances_looking_at_once_send_each_reminder_once,
);

const SLUG: &str = "dear-president";
/// 36 seconds, looked for every 3.6 s: a signer not moved back stays short of it however
/// slow the machine.
const REMINDER_HOURS: &str = "0.01";

async fn spawn(backend: Backend) -> TestApp {
    spawn_app_with(
        backend,
        &[("signing.reminder_hours", REMINDER_HOURS.to_owned())],
    )
    .await
}

/// Signs `slug` as `email` and returns the confirmation email.
async fn sign(app: &TestApp, slug: &str, name: &str, email: &str) -> Email {
    let signed = app
        .sign(slug, &[("name", name), ("email", email), ("public", "on")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    app.wait_for_mails_to(email, 1)
        .await
        .pop()
        .expect("a confirmation email")
}

/// Moves these signers' signatures an hour into the past, all in one statement: from now on
/// they are due at the same moment.
fn signed_an_hour_ago(app: &TestApp, emails: &[&str]) {
    let earlier = undersigned::db::now() - chrono::Duration::hours(1);
    let keys: Vec<String> = emails
        .iter()
        .map(|email| crate::helpers::mailbox_key(email))
        .collect();
    diesel::update(signatures::table.filter(signatures::email_normalized.eq_any(keys)))
        .set(signatures::created_at.eq(earlier))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("move the signatures back");
}

fn mails_to(app: &TestApp, email: &str) -> Vec<Email> {
    app.mails()
        .into_iter()
        .filter(|mail| mail.to.eq_ignore_ascii_case(email))
        .collect()
}

/// Reminders queued to `email`, sent or not.
fn reminders_queued_to(app: &TestApp, email: &str) -> i64 {
    outbox::table
        .filter(outbox::recipient.eq(email))
        .filter(outbox::kind.eq(undersigned::signatures::reminders::REMINDER))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count reminders")
}

fn state_of(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn a_reminder_goes_once_after_the_time_and_its_link_confirms(backend: Backend) {
    let app = spawn(backend).await;
    app.create_letter(SLUG, "open", "");
    sign(&app, SLUG, "Ada Lovelace", "ada@example.org").await;
    sign(&app, SLUG, "Bob Young", "bob@example.org").await;

    // Ada signed an hour ago, Bob just now: Ada is reminded, Bob is not yet.
    signed_an_hour_ago(&app, &["ada@example.org"]);
    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    let reminder = &mails[1];
    assert!(
        reminder
            .subject
            .starts_with("Reminder: please confirm your signature"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder.subject.contains("Protect the right to protest"),
        "{}",
        reminder.subject
    );
    assert!(reminder.text.contains("Ada Lovelace"), "{}", reminder.text);
    assert!(
        reminder.text.contains("This is the only reminder we send."),
        "{}",
        reminder.text
    );
    assert_eq!(mails_to(&app, "bob@example.org").len(), 1, "Bob is not due");

    // Carol too is unconfirmed, Dan confirmed: both signed an hour ago. Carol's reminder
    // proves the service looked again: Ada got no second one, Dan (confirmed) none.
    let carol_first = sign(&app, SLUG, "Carol", "carol@example.org").await;
    app.sign_and_confirm(SLUG, "Dan", "dan@example.org").await;
    signed_an_hour_ago(&app, &["carol@example.org", "dan@example.org"]);
    let carol = app.wait_for_mails_to("carol@example.org", 2).await;
    assert!(
        carol[1].subject.starts_with("Reminder"),
        "{}",
        carol[1].subject
    );
    assert_eq!(
        mails_to(&app, "ada@example.org").len(),
        2,
        "one reminder only"
    );
    assert_eq!(reminders_queued_to(&app, "ada@example.org"), 1);
    assert_eq!(
        mails_to(&app, "dan@example.org").len(),
        1,
        "a confirmed signer is not reminded"
    );

    // The reminder's link confirms Ada's signature.
    let link = reminder.link("/verify/");
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Confirm my signature"), "{}", page.body);
    let confirmed = app.post_form(&link, "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        confirmed.body.contains("Signature confirmed"),
        "{}",
        confirmed.body
    );
    assert_eq!(state_of(&app, "ada@example.org"), "verified");

    // The first email's link still works after the reminder: Carol confirms with it.
    let confirmed = app.post_form(&carol_first.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        confirmed.body.contains("Signature confirmed"),
        "{}",
        confirmed.body
    );
    assert_eq!(state_of(&app, "carol@example.org"), "verified");
}

async fn a_withdrawn_signature_or_a_closed_or_delivered_letter_gets_no_reminder(backend: Backend) {
    let app = spawn(backend).await;
    app.create_letter(SLUG, "open", "");
    app.create_letter("closing-soon", "open", "");
    app.create_letter("handed-over", "open", "");
    let wendy = sign(&app, SLUG, "Wendy", "wendy@example.org").await;
    sign(&app, "closing-soon", "Cleo", "cleo@example.org").await;
    sign(&app, "handed-over", "Hana", "hana@example.org").await;
    sign(&app, SLUG, "Control", "control@example.org").await;

    // A withdrawal erases the address: the signatures are found by id from here on.
    let ids: Vec<String> = signatures::table
        .select(signatures::id)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("the signatures");
    assert_eq!(ids.len(), 4);
    // Wendy changes her mind before confirming.
    let withdrawn = app.post_form(&wendy.link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert!(
        withdrawn.body.contains("Your signature is withdrawn"),
        "{}",
        withdrawn.body
    );
    // One letter closes, another is delivered.
    let editor = app.staff("editor@coalition.test", "editor").await;
    let closed = editor
        .post(
            "/admin/letters/closing-soon/state",
            &[("to", "closed"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    app.cli_ok(&[
        "letters",
        "deliver",
        "handed-over",
        "--on",
        &today,
        "--note",
        "Handed over at the ministry.",
        "--yes",
    ]);

    let earlier = undersigned::db::now() - chrono::Duration::hours(1);
    diesel::update(signatures::table.filter(signatures::id.eq_any(&ids)))
        .set(signatures::created_at.eq(earlier))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("move the signatures back");
    let control = app.wait_for_mails_to("control@example.org", 2).await;
    assert!(control[1].subject.starts_with("Reminder"));
    // The look that reminded the control skipped the others.
    assert_eq!(
        app.mails()
            .iter()
            .filter(|mail| mail.subject.starts_with("Reminder"))
            .count(),
        1,
        "only the control is reminded"
    );
    for email in ["wendy@example.org", "cleo@example.org", "hana@example.org"] {
        assert_eq!(reminders_queued_to(&app, email), 0, "{email}");
    }
}

async fn no_reminder_when_set_to_zero(backend: Backend) {
    let app = spawn_app_with(backend, &[("signing.reminder_hours", "0".to_owned())]).await;
    app.create_letter(SLUG, "open", "");
    sign(&app, SLUG, "Ada", "ada@example.org").await;
    signed_an_hour_ago(&app, &["ada@example.org"]);
    // No control can show a look that is never made: wait longer than a look would take.
    actix_web::rt::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(mails_to(&app, "ada@example.org").len(), 1);
    assert_eq!(reminders_queued_to(&app, "ada@example.org"), 0);
}

const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nsummary = \"Peace for both peoples.\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";

async fn a_hebrew_signer_is_reminded_in_hebrew_with_the_hebrew_title(backend: Backend) {
    let app = spawn(backend).await;
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW).expect("write the Hebrew");
    let file = directory.join("letter.md");
    app.cli_ok(&["letters", "import", &file.display().to_string()]);

    // Signed on the Hebrew page, by a browser that asks for English.
    let page = app.get("/he/letters/shared-future").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let hidden = |name: &str| {
        page.body
            .split(&format!(r#"name="{name}" value=""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let action = page.form_action("/sign");
    let action = action.split('#').next().unwrap_or_default().to_owned();
    let signed = app
        .post_form(
            &action,
            encode(&[
                ("name", "עדה"),
                ("email", "ada@example.org"),
                ("public", "on"),
                ("lang", &hidden("lang")),
                ("t", &hidden("t")),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    app.wait_for_mails_to("ada@example.org", 1).await;
    signed_an_hour_ago(&app, &["ada@example.org"]);
    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    let reminder = &mails[1];
    assert!(
        reminder.subject.starts_with("תזכורת: נא לאשר את חתימתכם")
            && reminder.subject.contains("עתיד משותף"),
        "{}",
        reminder.subject
    );
    assert!(
        reminder.html.contains(r#"lang="he" dir="rtl""#),
        "{}",
        reminder.html
    );
    assert!(
        !reminder.text.contains("A shared future"),
        "{}",
        reminder.text
    );
    let (lang, link) = reminder.link_in_language("/verify/");
    assert_eq!(lang.as_deref(), Some("he"), "{link}");
    let confirmed = app.post_form(&link, "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        confirmed.body.contains("החתימה אושרה"),
        "{}",
        confirmed.body
    );
}

/// Two instances, and four more lookers started by hand at the same moment, all find the
/// same due signatures: each is claimed by exactly one of them.
async fn instances_looking_at_once_send_each_reminder_once(backend: Backend) {
    let app = spawn(backend).await;
    let _second = app
        .another_instance(&[("signing.reminder_hours", REMINDER_HOURS.to_owned())])
        .await;
    app.create_letter(SLUG, "open", "");
    let emails: Vec<String> = (0..24).map(|n| format!("signer{n}@example.org")).collect();
    for email in &emails {
        let signed = app
            .sign(SLUG, &[("name", "Signer"), ("email", email)])
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    }
    for email in &emails {
        app.wait_for_mails_to(email, 1).await;
    }
    let policy = undersigned::signatures::reminders::ReminderPolicy::from_hours(
        0.01,
        chrono::Duration::hours(168),
        chrono::Duration::days(365),
    )
    .expect("on");
    let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    signed_an_hour_ago(&app, &refs);
    let lookers: Vec<_> = (0..4)
        .map(|_| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut connection = pool.get().expect("a connection");
                let connection: &mut DbConnection = &mut connection;
                undersigned::signatures::reminders::queue_due(
                    connection,
                    &policy,
                    undersigned::db::now(),
                )
                .expect("looked")
            })
        })
        .collect();
    let by_hand: i64 = lookers
        .into_iter()
        .map(|looker| looker.join().expect("the looker ran"))
        .sum();
    for email in &emails {
        app.wait_for_mails_to(email, 2).await;
    }
    // Let any look still running finish and its mail go out.
    actix_web::rt::time::sleep(std::time::Duration::from_secs(3)).await;
    for email in &emails {
        assert_eq!(reminders_queued_to(&app, email), 1, "{email}");
        assert_eq!(mails_to(&app, email).len(), 2, "{email}");
    }
    assert!(by_hand <= emails.len() as i64);
}

#[test]
fn reminder_hours_must_be_zero_or_less_than_the_link_lifetime() {
    use undersigned::config::Settings;
    for bad in ["-1", "168", "500", "nan"] {
        let error = Settings::defaults_with(&[("signing.reminder_hours", bad.to_owned())])
            .expect_err("refused");
        assert!(
            error.to_string().contains("signing.reminder_hours"),
            "{bad}: {error}"
        );
    }
    for good in ["0", "24", "0.5"] {
        Settings::defaults_with(&[("signing.reminder_hours", good.to_owned())])
            .unwrap_or_else(|error| panic!("{good}: {error}"));
    }
}
