//! Updates to signers: who receives them (opted-in counted signers, organizations' contacts
//! among them, each once), their unsubscribe headers and one-click unsubscribe, sending once
//! however often it is asked, nasty Markdown, and a crash while an update goes out.

use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, signatures};
use undersigned::mail::outbox::OutboxState;

use crate::harness::wait_until;
use crate::helpers::{Backend, StaffClient, TestApp, fresh_database_url, spawn_app_with};
use crate::mail_crash::{CONCURRENCY, sending, slow_sink};
use crate::on_both_backends;

on_both_backends!(
    an_update_reaches_opted_in_counted_signers_and_signed_organizations_once,
    one_click_unsubscribe_without_a_cookie_stops_queued_and_later_updates,
    sending_twice_sends_once_from_the_console_and_the_command_line,
    nasty_markdown_is_inert_on_the_page_and_in_the_email,
    sigkill_while_an_update_goes_out_loses_nothing_and_resends_at_most_the_in_flight,
    an_update_whose_queueing_stopped_half_way_is_finished_once_by_the_mail_worker,
    signers_who_received_an_update_can_still_withdraw,
);

pub(crate) const SLUG: &str = "protest";

pub(crate) async fn app(backend: Backend) -> TestApp {
    let app = spawn_app_with(backend, &[]).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app
}

/// Signs with `fields`, confirms through the emailed link, and returns the confirmation
/// email (it carries the withdraw link).
pub(crate) async fn sign_and_confirm(
    app: &TestApp,
    email: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Email {
    let before = app
        .mails()
        .iter()
        .filter(|mail| mail.to.eq_ignore_ascii_case(email))
        .count();
    let mut all = vec![("email", email), ("city", "Lyon")];
    all.extend_from_slice(fields);
    let response = app.sign(SLUG, &all).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mails = app.wait_for_mails_to(email, before + 1).await;
    let mail = mails.into_iter().last().expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    mail
}

/// Writes and saves an update in the console; returns its console path.
pub(crate) async fn write_update(staff: &StaffClient<'_>, subject: &str, body: &str) -> String {
    let saved = staff
        .post(
            &format!("/admin/letters/{SLUG}/updates"),
            &[("subject", subject), ("body", body), ("save", "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    saved.location.expect("the update's page")
}

pub(crate) async fn confirm_and_send(staff: &StaffClient<'_>, update_path: &str) {
    let question = staff.get(&format!("{update_path}/send")).await;
    assert_eq!(question.status, StatusCode::OK, "{}", question.body);
    assert!(question.body.contains("Send to"), "{}", question.body);
    let sent = staff.post(&format!("{update_path}/send"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
}

/// The raw .eml files written so far whose text contains `needle`.
fn raw_mails_containing(app: &TestApp, needle: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&app.mail_dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .filter(|raw| raw.contains(needle) && raw.contains("</html>"))
        .collect()
}

async fn wait_for_update_mails(
    app: &TestApp,
    subject: &str,
    count: usize,
) -> Vec<crate::helpers::Email> {
    wait_for_update_mails_within(app, subject, count, Duration::from_secs(20)).await
}

pub(crate) async fn wait_for_update_mails_within(
    app: &TestApp,
    subject: &str,
    count: usize,
    limit: Duration,
) -> Vec<crate::helpers::Email> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let mails: Vec<_> = app
            .mails()
            .into_iter()
            .filter(|mail| mail.subject == subject)
            .collect();
        if mails.len() >= count {
            // A moment more, so that a duplicate would show.
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            return app
                .mails()
                .into_iter()
                .filter(|mail| mail.subject == subject)
                .collect();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "expected {count} “{subject}” email(s), got {}",
            mails.len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn outbox_states_of_update(app: &TestApp) -> Vec<(String, OutboxState, Option<String>)> {
    outbox::table
        .filter(outbox::update_id.is_not_null())
        .select((outbox::recipient, outbox::state, outbox::last_error))
        .order(outbox::recipient.asc())
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the outbox")
}

async fn an_update_reaches_opted_in_counted_signers_and_signed_organizations_once(
    backend: Backend,
) {
    let app = app(backend).await;
    // Opted in, confirmed: receives it. She also signs for her organization: still once.
    sign_and_confirm(
        &app,
        "ada@example.org",
        &[("name", "Ada"), ("updates", "on")],
    )
    .await;
    sign_and_confirm(
        &app,
        "Ada@Example.org",
        &[
            ("name", "Ada"),
            ("kind", "organization"),
            ("organization", "Friends of the Earth"),
            ("updates", "on"),
        ],
    )
    .await;
    // An organization's contact who ticked "Keep me updated" receives it (one who did not
    // does not: tests/api/public_leaks.rs).
    sign_and_confirm(
        &app,
        "contact@greens.example",
        &[
            ("name", "Gus"),
            ("kind", "organization"),
            ("organization", "Greens"),
            ("updates", "on"),
        ],
    )
    .await;
    // Confirmed but not opted in; opted in but never confirmed: neither receives it.
    sign_and_confirm(&app, "bob@example.org", &[("name", "Bob")]).await;
    let pending = app
        .sign(
            SLUG,
            &[
                ("name", "Carl"),
                ("email", "carl@example.org"),
                ("updates", "on"),
            ],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);

    let staff = app.staff("editor@coalition.test", "editor").await;
    let letter_page = staff.get(&format!("/admin/letters/{SLUG}")).await;
    assert!(
        letter_page
            .body
            .contains(&format!("/admin/letters/{SLUG}/updates"))
    );
    let preview = staff
        .post(
            &format!("/admin/letters/{SLUG}/updates"),
            &[
                ("subject", "We delivered it"),
                ("body", "The letter is **delivered**."),
                ("preview", "1"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("<strong>delivered</strong>"),
        "{}",
        preview.body
    );
    let update = write_update(&staff, "We delivered it", "The letter is **delivered**.").await;
    let question = staff.get(&format!("{update}/send")).await;
    assert!(
        question.body.contains("<strong>2 addresses</strong>"),
        "{}",
        question.body
    );
    confirm_and_send(&staff, &update).await;

    let mails = wait_for_update_mails(&app, "We delivered it", 2).await;
    let mut recipients: Vec<String> = mails.iter().map(|mail| mail.to.to_lowercase()).collect();
    recipients.sort();
    assert_eq!(recipients, ["ada@example.org", "contact@greens.example"]);
    for mail in &mails {
        assert!(
            mail.text.contains("The letter is **delivered**."),
            "{}",
            mail.text
        );
        assert!(
            mail.html.contains("<strong>delivered</strong>"),
            "{}",
            mail.html
        );
        assert!(
            mail.text.contains("http://letters.test/unsubscribe/"),
            "{}",
            mail.text
        );
        assert!(
            mail.html.contains("http://letters.test/unsubscribe/"),
            "{}",
            mail.html
        );
    }
    let raw = raw_mails_containing(&app, "Subject: We delivered it");
    assert_eq!(raw.len(), 2);
    for raw in raw {
        assert!(
            raw.contains("List-Unsubscribe: <http://letters.test/unsubscribe/"),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{raw}"
        );
    }

    // Progress in the console and on the command line, and the timeline on the letter page.
    wait_until("both recorded as sent", Duration::from_secs(10), || {
        outbox_states_of_update(&app)
            .iter()
            .all(|(_, state, _)| *state == OutboxState::Sent)
    })
    .await;
    let shown = staff.get(&update).await;
    assert!(
        shown.body.contains(r#"<span class="value">2</span> sent"#),
        "{}",
        shown.body
    );
    let status = app.cli_ok(&["updates", "status", SLUG]);
    assert!(status.contains("We delivered it"), "{status}");
    assert!(status.contains(" sent "), "{status}");
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(page.body.contains("We delivered it"), "{}", page.body);
    assert!(page.body.contains("<strong>delivered</strong>"));
}

async fn one_click_unsubscribe_without_a_cookie_stops_queued_and_later_updates(backend: Backend) {
    let app = app(backend).await;
    sign_and_confirm(
        &app,
        "ada@example.org",
        &[("name", "Ada"), ("updates", "on")],
    )
    .await;
    sign_and_confirm(
        &app,
        "eve@example.org",
        &[("name", "Eve"), ("updates", "on")],
    )
    .await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let first = write_update(&staff, "First news", "One.").await;
    confirm_and_send(&staff, &first).await;
    let mails = wait_for_update_mails(&app, "First news", 2).await;
    let ada = mails
        .iter()
        .find(|mail| mail.to == "ada@example.org")
        .expect("Ada's update");
    let unsubscribe = ada.link("/unsubscribe/");

    // The second update is queued before Ada unsubscribes, and held back until she has.
    {
        let mut connection = app.connection();
        let connection: &mut DbConnection = &mut connection;
        let letter = undersigned::letters::find_by_slug(connection, SLUG)
            .expect("read")
            .expect("the letter");
        let second = undersigned::updates::create(
            connection,
            &letter,
            "Second news",
            "Two.",
            crate::helpers::PUBLIC_URL,
            &undersigned::staff::Actor::command_line(),
            None,
        )
        .expect("a draft");
        undersigned::db::write_transaction(connection, |connection| {
            undersigned::updates::send(
                connection,
                &second.id,
                1000,
                &undersigned::staff::Actor::command_line(),
            )?;
            diesel::update(outbox::table.filter(outbox::update_id.eq(&second.id)))
                .set(outbox::next_attempt_at.eq(undersigned::db::now() + chrono::Duration::days(1)))
                .execute(connection)
        })
        .expect("queued and held");
    }

    // A page with a button for people, and nothing changes by looking at it.
    let page = app.get(&unsubscribe).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Unsubscribe"), "{}", page.body);
    // Anything but the one-click body is refused; a forged token finds nothing.
    let wrong = app.post_form(&unsubscribe, "List-Unsubscribe=Other").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let forged = app
        .post_form(
            "/unsubscribe/bGV0dGVyCmFkYUBleGFtcGxlLm9yZw.AAAAAAAAAAAAAAAAAAAAAA",
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    let unsubscribed: i64 = undersigned::db::schema::update_unsubscribes::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count");
    assert_eq!(
        unsubscribed, 0,
        "nothing was stored by the refused requests"
    );

    // A multipart body with another field is refused too.
    let other = app
        .client
        .post(format!("{}{unsubscribe}", app.address))
        .insert_header(("content-type", "multipart/form-data; boundary=XyZ"))
        .send_body(
            "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOther\r\n--XyZ--\r\n",
        )
        .await
        .expect("answered");
    assert_eq!(other.status(), StatusCode::BAD_REQUEST);

    // RFC 8058: a POST with exactly this body, no cookie, no form token. The mail client's
    // one-click and the person's own click can arrive together: both are answered, one row.
    let one_click = || async {
        let response = app
            .client
            .post(format!("{}{unsubscribe}", app.address))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .send_body("List-Unsubscribe=One-Click")
            .await
            .expect("answered");
        crate::helpers::read(response).await
    };
    let (response, twin) = futures_util::future::join(one_click(), one_click()).await;
    for response in [&response, &twin] {
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert!(response.body.contains("You are unsubscribed"));
    }
    let rows: i64 = undersigned::db::schema::update_unsubscribes::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count unsubscribes");
    assert_eq!(rows, 1, "one unsubscription however many clicks");
    // The multipart form RFC 8058 also allows works the same (and again is harmless).
    let multipart = app
        .client
        .post(format!("{}{unsubscribe}", app.address))
        .insert_header(("content-type", "multipart/form-data; boundary=XyZ"))
        .send_body(
            "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n",
        )
        .await
        .expect("answered");
    assert_eq!(multipart.status(), StatusCode::OK);

    // Release the held messages: Eve's goes, Ada's is skipped with a reason.
    diesel::update(outbox::table.filter(outbox::state.eq(OutboxState::Waiting)))
        .set(outbox::next_attempt_at.eq(undersigned::db::now()))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("release");
    let second = wait_for_update_mails(&app, "Second news", 1).await;
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].to, "eve@example.org");
    // Updates were Ada's only reason to leave her address with us: unsubscribing let it go,
    // and her held message with it (`signatures::retention`), so no row names her now.
    assert!(
        !outbox_states_of_update(&app)
            .iter()
            .any(|(to, _, _)| to == "ada@example.org"),
        "{:?}",
        outbox_states_of_update(&app)
    );

    // A later update is not even queued for her.
    let third = write_update(&staff, "Third news", "Three.").await;
    confirm_and_send(&staff, &third).await;
    let third_mails = wait_for_update_mails(&app, "Third news", 1).await;
    assert_eq!(third_mails.len(), 1);
    assert_eq!(third_mails[0].to, "eve@example.org");
    let queued_for_ada: i64 = outbox::table
        .filter(outbox::recipient.eq("ada@example.org"))
        .filter(outbox::update_id.is_not_null())
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count");
    assert_eq!(
        queued_for_ada, 0,
        "nothing names her: the first update's row was blanked and the second dropped when she unsubscribed, the third never queued"
    );
    assert!(
        app.mails()
            .iter()
            .filter(|mail| mail.to == "ada@example.org" && mail.subject.ends_with("news"))
            .count()
            == 1
    );
    let shown = staff.get(&third).await;
    assert!(
        shown
            .body
            .contains(r#"<span class="value">1</span> queued"#),
        "{}",
        shown.body
    );
}

async fn sending_twice_sends_once_from_the_console_and_the_command_line(backend: Backend) {
    let app = app(backend).await;
    sign_and_confirm(
        &app,
        "ada@example.org",
        &[("name", "Ada"), ("updates", "on")],
    )
    .await;
    sign_and_confirm(
        &app,
        "eve@example.org",
        &[("name", "Eve"), ("updates", "on")],
    )
    .await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let update = write_update(&staff, "Only once", "Once.").await;
    let path = format!("{update}/send");
    let (first, second) =
        futures_util::future::join(staff.post(&path, &[]), staff.post(&path, &[])).await;
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::BAD_REQUEST]);
    let again = staff.post(&path, &[]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let mails = wait_for_update_mails(&app, "Only once", 2).await;
    assert_eq!(mails.len(), 2);

    // The command line: the same file twice sends once; --again sends it once more.
    let file = app.directory.path().join("update.md");
    std::fs::write(
        &file,
        "+++\ntitle = \"From the command line\"\nslug = \"protest\"\n+++\n\nHello **all**.\n",
    )
    .expect("write the file");
    let file = file.display().to_string();
    let refused = app.cli(&["updates", "send", SLUG, &file]);
    assert!(
        !refused.status.success(),
        "no terminal and no --yes: not sent"
    );
    let sent = app.cli_ok(&["updates", "send", SLUG, &file, "--yes"]);
    assert!(sent.contains("2 message(s) queued"), "{sent}");
    let twice = app.cli(&["updates", "send", SLUG, &file, "--yes"]);
    assert!(!twice.status.success());
    assert!(
        String::from_utf8_lossy(&twice.stderr).contains("already sent"),
        "{:?}",
        twice
    );
    let mails = wait_for_update_mails(&app, "From the command line", 2).await;
    assert_eq!(mails.len(), 2);
    let once_more = app.cli_ok(&["updates", "send", SLUG, &file, "--yes", "--again"]);
    assert!(once_more.contains("2 message(s) queued"), "{once_more}");
    let mails = wait_for_update_mails(&app, "From the command line", 4).await;
    assert_eq!(mails.len(), 4);
    // Three sends happened (console once, file once, file --again), and the log says so.
    let sends = app
        .audit_actions()
        .into_iter()
        .filter(|action| action == "update.send")
        .count();
    assert_eq!(sends, 3);
}

async fn nasty_markdown_is_inert_on_the_page_and_in_the_email(backend: Backend) {
    let app = app(backend).await;
    sign_and_confirm(
        &app,
        "ada@example.org",
        &[("name", "Ada"), ("updates", "on")],
    )
    .await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let nasty = "Hi <script>alert('x')</script>\n\n[click](javascript:alert(1)) \
                 <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">a</a>";
    let update = write_update(&staff, "Nasty <b>news</b>", nasty).await;
    confirm_and_send(&staff, &update).await;
    let mails = wait_for_update_mails(&app, "Nasty <b>news</b>", 1).await;
    let html = &mails[0].html;
    for bad in ["<script", "javascript:", "onerror", "<b>news"] {
        assert!(!html.contains(bad), "{bad} in the email: {html}");
    }
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(
        page.body.contains("Nasty &#60;b&#62;news&#60;/b&#62;")
            || page.body.contains("Nasty &lt;b&gt;news&lt;/b&gt;"),
        "{}",
        page.body
    );
    for bad in ["<script>alert", "javascript:", "onerror", "<b>news"] {
        assert!(!page.body.contains(bad), "{bad} on the page");
    }
    let console = staff.get(&update).await;
    for bad in ["<script>alert", "javascript:", "onerror"] {
        assert!(!console.body.contains(bad), "{bad} in the console");
    }
}

/// `count` confirmed individual signers who ticked "Keep me updated", stored directly.
pub(crate) fn insert_opted_in_signers(
    connection: &mut DbConnection,
    letter: &undersigned::letters::Letter,
    count: usize,
) {
    let now = undersigned::db::now();
    for number in 0..count {
        let email = format!("signer{number}@example.org");
        diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(undersigned::db::new_id()),
                signatures::letter_id.eq(&letter.id),
                signatures::kind.eq("individual"),
                signatures::state.eq("verified"),
                signatures::name.eq(format!("Signer {number}")),
                signatures::email.eq(&email),
                signatures::email_normalized.eq(crate::helpers::mailbox_key(&email)),
                signatures::public.eq(true),
                signatures::content_hash.eq(&letter.content_hash),
                signatures::created_at.eq(now),
                signatures::verified_at.eq(now),
                signatures::updates.eq(true),
            ))
            .execute(connection)
            .expect("a signer");
    }
}

const RECIPIENTS: usize = 600;

/// A database with a letter and `RECIPIENTS` confirmed, opted-in signers, and an update to
/// them queued (as the console's send does); returns the database url.
fn database_with_queued_update(backend: Backend, directory: &std::path::Path) -> String {
    let database_url = fresh_database_url(backend, directory);
    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    undersigned::db::migrate(&pool).expect("migrate");
    let mut connection = pool.get().expect("a connection");
    let connection: &mut DbConnection = &mut connection;
    let document = undersigned::letters::import::parse_document(&crate::helpers::letter_document(
        SLUG, "open", "",
    ))
    .expect("a letter");
    undersigned::letters::import::store(connection, &document).expect("stored");
    let letter = undersigned::letters::find_by_slug(connection, SLUG)
        .expect("read")
        .expect("the letter");
    insert_opted_in_signers(connection, &letter, RECIPIENTS);
    let update = undersigned::updates::create(
        connection,
        &letter,
        "Crash news",
        "Still here.",
        crate::helpers::PUBLIC_URL,
        &undersigned::staff::Actor::command_line(),
        None,
    )
    .expect("a draft");
    let queued = undersigned::updates::send(
        connection,
        &update.id,
        100,
        &undersigned::staff::Actor::command_line(),
    )
    .expect("queued")
    .expect("sent once");
    assert_eq!(queued, RECIPIENTS as i64);
    database_url
}

async fn sigkill_while_an_update_goes_out_loses_nothing_and_resends_at_most_the_in_flight(
    backend: Backend,
) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = database_with_queued_update(backend, directory.path());
    let (sink, smtp_url) = slow_sink();
    let mut server = sending(&database_url, &smtp_url).start().await;
    wait_until("delivery under way", Duration::from_secs(30), || {
        sink.count() >= 60
    })
    .await;
    server.sigkill();
    let at_kill = sink.count();
    assert!(
        at_kill < RECIPIENTS,
        "the kill landed mid-delivery ({at_kill})"
    );

    server.restart().await;
    wait_until(
        "every update delivered after the restart",
        Duration::from_secs(90),
        || sink.arrivals().len() >= RECIPIENTS,
    )
    .await;
    let arrivals = sink.arrivals();
    assert_eq!(arrivals.len(), RECIPIENTS, "every recipient got the update");
    let twice: Vec<_> = arrivals.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.len() <= CONCURRENCY && twice.iter().all(|(_, count)| **count == 2),
        "at most the {CONCURRENCY} in flight arrive twice: {twice:?}"
    );
}

async fn an_update_whose_queueing_stopped_half_way_is_finished_once_by_the_mail_worker(
    backend: Backend,
) {
    let app = app(backend).await;
    let update_id = {
        let mut connection = app.connection();
        let connection: &mut DbConnection = &mut connection;
        let letter = undersigned::letters::find_by_slug(connection, SLUG)
            .expect("read")
            .expect("the letter");
        insert_opted_in_signers(connection, &letter, 30);
        let update = undersigned::updates::create(
            connection,
            &letter,
            "Half-way news",
            "Half.",
            crate::helpers::PUBLIC_URL,
            &undersigned::staff::Actor::command_line(),
            None,
        )
        .expect("a draft");
        // A queuer that did one batch of ten and died: its claim has run out.
        assert!(
            undersigned::updates::start_sending(
                connection,
                &update.id,
                &undersigned::staff::Actor::command_line()
            )
            .expect("start")
        );
        let first = undersigned::updates::queue_batch(connection, &update.id, 10).expect("a batch");
        assert_eq!(first, Some(10));
        diesel::update(
            undersigned::db::schema::updates::table
                .filter(undersigned::db::schema::updates::id.eq(&update.id)),
        )
        .set(
            undersigned::db::schema::updates::queue_locked_until
                .eq(undersigned::db::now() - chrono::Duration::seconds(1)),
        )
        .execute(connection)
        .expect("the claim runs out");
        update.id
    };
    // The mail worker looks for stalled updates every few seconds and finishes them.
    let mails =
        wait_for_update_mails_within(&app, "Half-way news", 30, Duration::from_secs(40)).await;
    assert_eq!(mails.len(), 30, "every signer once");
    let mut recipients: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 30);
    let state: String = undersigned::db::schema::updates::table
        .find(&update_id)
        .select(undersigned::db::schema::updates::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the update");
    assert_eq!(state, "sent");
}

async fn signers_who_received_an_update_can_still_withdraw(backend: Backend) {
    let app = app(backend).await;
    let ada = sign_and_confirm(
        &app,
        "ada@example.org",
        &[("name", "Ada"), ("updates", "on")],
    )
    .await;
    let eve = sign_and_confirm(
        &app,
        "eve@example.org",
        &[("name", "Eve"), ("updates", "on")],
    )
    .await;
    let staff = app.staff("editor@coalition.test", "editor").await;
    let update = write_update(&staff, "Before withdrawing", "News.").await;
    confirm_and_send(&staff, &update).await;
    wait_for_update_mails(&app, "Before withdrawing", 2).await;
    wait_until("both recorded as sent", Duration::from_secs(10), || {
        outbox_states_of_update(&app)
            .iter()
            .all(|(_, state, _)| *state == OutboxState::Sent)
    })
    .await;
    // Each withdrawal blanks the address on the sent update: two of them must not collide.
    for mail in [&ada, &eve] {
        let withdrawn = app.post_form(&mail.link("/withdraw/"), "").await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
        assert!(withdrawn.body.contains("withdrawn"), "{}", withdrawn.body);
    }
    let addresses: Vec<String> = outbox_states_of_update(&app)
        .into_iter()
        .map(|(to, _, _)| to)
        .collect();
    assert_eq!(
        addresses,
        ["", ""],
        "no address left on the update's messages"
    );
    // A later update goes to nobody.
    let later = write_update(&staff, "After withdrawing", "More.").await;
    let question = staff.get(&format!("{later}/send")).await;
    assert!(
        question.body.contains("<strong>0 addresses</strong>"),
        "{}",
        question.body
    );
}
