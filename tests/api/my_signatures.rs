//! `/my-signatures`: a person types an address and always reads the same answer; only an
//! address that signed gets an email, whose link lists every letter it signed with what is
//! public, what is held and why, and withdraws one or all. `signatures erase EMAIL` does the
//! same for staff answering a written request, audited.

use std::time::Duration;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{audit_log, signatures, update_unsubscribes};
use undersigned::letters::import;

use crate::helpers::{Backend, Email, TestApp, encode, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    the_answer_is_the_same_whether_or_not_the_address_signed,
    the_link_lists_every_letter_with_what_is_public_and_held,
    withdrawing_one_then_all_takes_them_off_the_letters,
    a_link_withdraws_only_its_own_mailbox_signatures,
    a_forged_or_altered_link_opens_nothing,
    the_ask_form_has_the_sign_form_defenses,
    the_ask_form_is_rate_limited_like_the_sign_form,
    the_page_and_the_email_speak_the_reader_language,
    staff_erase_every_signature_of_an_address_on_request,
    withdrawing_from_the_list_and_the_emailed_link_at_once_withdraws_once,
);

const ADA: &str = "ada.lovelace@example.org";
const BOB: &str = "bob@example.org";

fn publish(app: &TestApp, slug: &str, title: &str) {
    let document = crate::helpers::letter_document(slug, "open", "")
        .replace("Protect the right to protest", title);
    let document = import::parse_document(&document).expect("valid letter");
    import::store(&mut app.connection(), &document).expect("letter stored");
}

async fn sign_and_confirm(
    app: &TestApp,
    slug: &str,
    name: &str,
    email: &str,
    extra: &[(&str, &str)],
) {
    let before = mails_to(app, email).len();
    let mut fields = vec![("name", name), ("email", email), ("city", "Lyon")];
    fields.extend_from_slice(extra);
    let response = app.sign(slug, &fields).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mail = app
        .wait_for_mails_to(email, before + 1)
        .await
        .into_iter()
        .last()
        .expect("a confirmation");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

fn mails_to(app: &TestApp, email: &str) -> Vec<Email> {
    app.mails()
        .into_iter()
        .filter(|mail| mail.to.eq_ignore_ascii_case(email))
        .collect()
}

/// Asks for the list of `email`, as a browser that loaded the form does.
async fn ask(app: &TestApp, email: &str) -> crate::helpers::Response {
    app.post_form("/my-signatures", encode(&[("email", email)]))
        .await
}

/// Asks for the list and returns the emailed link's path.
async fn list_link(app: &TestApp, email: &str) -> String {
    let before = mails_to(app, email)
        .iter()
        .filter(|mail| mail.text.contains("/my-signatures/"))
        .count();
    let answer = ask(app, email).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let lists: Vec<Email> = mails_to(app, email)
            .into_iter()
            .filter(|mail| mail.text.contains("/my-signatures/"))
            .collect();
        if lists.len() > before {
            return lists.last().expect("a list email").link("/my-signatures/");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no list email to {email} ({} mails)",
            mails.len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn signature_id(app: &TestApp, name: &str, slug: &str) -> String {
    let letter_id = app.letter_id(slug);
    signatures::table
        .filter(signatures::name.eq(name))
        .filter(signatures::letter_id.eq(letter_id))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

fn state_of(app: &TestApp, id: &str) -> (String, String, String) {
    signatures::table
        .find(id)
        .select((signatures::state, signatures::name, signatures::email))
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

async fn the_answer_is_the_same_whether_or_not_the_address_signed(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(&app, "dear-president", "Ada Lovelace", ADA, &[]).await;

    let form = app.get("/my-signatures").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("<h1>Your signatures</h1>"),
        "{}",
        form.body
    );
    assert!(
        form.body.contains(r#"name="t" value=""#),
        "the signed form time"
    );
    assert!(form.body.contains(r#"name="nickname""#), "the honeypot");
    let notice = app.get("/privacy").await;
    assert!(
        notice
            .body
            .contains(r#"<a href="/en/my-signatures">Your signatures</a>"#),
        "the privacy notice leads there: {}",
        notice.body
    );
    let footer = app.get("/").await;
    assert!(
        footer.body.contains(r#"href="/my-signatures""#),
        "linked from every page"
    );

    let known = ask(&app, ADA).await;
    let unknown = ask(&app, "nobody@example.org").await;
    for answer in [&known, &unknown] {
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    }
    assert_eq!(
        known.headers.get("location"),
        unknown.headers.get("location")
    );
    assert_eq!(known.body, unknown.body);
    assert_eq!(
        known
            .headers
            .get("location")
            .and_then(|value| value.to_str().ok()),
        Some("/my-signatures/sent")
    );
    let sent = app.get("/my-signatures/sent").await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        sent.body
            .contains("If the address you entered signed a letter here")
    );
    assert!(!sent.body.contains(ADA) && !sent.body.contains("nobody@"));

    // The address that signed gets its link; the other gets nothing.
    let link = list_link(&app, "Ada.Lovelace@Example.org").await;
    assert!(link.starts_with("/my-signatures/"), "{link}");
    assert!(
        !link.to_lowercase().contains("ada"),
        "the link names no address: {link}"
    );
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert!(mails_to(&app, "nobody@example.org").is_empty());
    let mail = mails_to(&app, ADA)
        .into_iter()
        .last()
        .expect("the list email");
    assert_eq!(mail.subject, "The letters you signed");
    assert!(mail.text.contains("The link works until"), "{}", mail.text);
}

async fn the_link_lists_every_letter_with_what_is_public_and_held(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    publish(&app, "clean-rivers", "Clean rivers <now>");
    sign_and_confirm(
        &app,
        "dear-president",
        "Ada Lovelace",
        ADA,
        &[("public", "on"), ("updates", "on"), ("country", "France")],
    )
    .await;
    sign_and_confirm(&app, "clean-rivers", "Ada L.", ADA, &[]).await;
    sign_and_confirm(
        &app,
        "clean-rivers",
        "Bob Builder",
        BOB,
        &[("public", "on")],
    )
    .await;

    let link = list_link(&app, ADA).await;
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert_eq!(
        page.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert_eq!(
        page.headers
            .get("referrer-policy")
            .and_then(|v| v.to_str().ok()),
        Some("no-referrer")
    );
    assert!(body.contains("This address signed 2 letters."), "{body}");
    assert!(body.contains("Protect the right to protest"));
    assert!(
        body.contains("Clean rivers &lt;now&gt;"),
        "titles are escaped"
    );
    assert!(body.contains(r#"href="/letters/dear-president""#));
    assert!(body.contains("Ada Lovelace") && body.contains("Ada L."));
    assert!(
        !body.contains("Bob Builder"),
        "another mailbox's signature is not listed"
    );
    assert!(body.contains("Confirmed and counted"));
    // What the public sees: the listed one shows its name and public details; the other
    // counts and shows nothing.
    assert!(
        body.contains("are on the letter&#39;s list of signatories"),
        "{body}"
    );
    assert!(body.contains("nothing about you is shown, as you chose"));
    assert!(body.contains("France"));
    assert!(body.contains(r#"<span class="tag">public</span>"#));
    assert!(body.contains(r#"<span class="tag private">not public</span>"#));
    // What is held and why: updates asked for on the first.
    assert!(
        body.contains("You asked to be kept updated about this letter."),
        "{body}"
    );
    // The second, with no reason to keep it: only the key, and the page says so.
    assert_eq!(
        body.matches("ada.lovelace@example.org").count(),
        1,
        "{body}"
    );
    assert!(
        body.contains("We do not hold your address for this signature"),
        "{body}"
    );
    assert!(body.contains("Not held"));
    assert_eq!(body.matches("Withdraw this signature").count(), 2);
    assert!(body.contains("Withdraw all my signatures"));
}

async fn withdrawing_one_then_all_takes_them_off_the_letters(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    publish(&app, "clean-rivers", "Clean rivers");
    sign_and_confirm(
        &app,
        "dear-president",
        "Ada Lovelace",
        ADA,
        &[("public", "on")],
    )
    .await;
    sign_and_confirm(&app, "clean-rivers", "Ada L.", ADA, &[("updates", "on")]).await;
    app.wait_for_public_total("dear-president", 1).await;
    app.wait_for_public_total("clean-rivers", 1).await;
    let first = signature_id(&app, "Ada Lovelace", "dear-president");
    let second = signature_id(&app, "Ada L.", "clean-rivers");

    let link = list_link(&app, ADA).await;
    let done = app.post_form(&link, encode(&[("signature", &first)])).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains(
            "Your signature on <strong>Protect the right to protest</strong> is withdrawn"
        ) || done.body.contains("Protect the right to protest"),
        "{}",
        done.body
    );
    assert!(
        done.body.contains("This address signed 1 letter."),
        "{}",
        done.body
    );
    let (state, name, email) = state_of(&app, &first);
    assert_eq!(
        (state.as_str(), name.as_str(), email.as_str()),
        ("withdrawn", "", "")
    );
    assert_eq!(state_of(&app, &second).0, "verified");
    app.wait_for_public_total("dear-president", 0).await;
    app.wait_for_public_total("clean-rivers", 1).await;
    let letter = app.get("/letters/dear-president").await;
    assert!(!letter.body.contains("Ada Lovelace"));

    let all = app.post_form(&link, encode(&[("all", "yes")])).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(
        all.body.contains("We hold nothing on this address"),
        "{}",
        all.body
    );
    assert_eq!(state_of(&app, &second).0, "withdrawn");
    app.wait_for_public_total("clean-rivers", 0).await;
    // Nothing is left to find: the same link now lists nothing, and asking again sends no mail.
    let again = app.get(&link).await;
    assert!(again.body.contains("We hold nothing on this address"));
    let before = mails_to(&app, ADA).len();
    ask(&app, ADA).await;
    actix_web::rt::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(mails_to(&app, ADA).len(), before);
    // Withdrawn through this page, the signature's own withdraw link says so.
    let confirmation = mails_to(&app, ADA)
        .into_iter()
        .find(|mail| mail.text.contains("/withdraw/"))
        .expect("a confirmation with its withdraw link");
    let own = app.get(&confirmation.link("/withdraw/")).await;
    assert!(
        own.status == StatusCode::OK || own.status == StatusCode::GONE,
        "{}",
        own.status
    );
}

/// The list's button and the confirmation email's withdraw link both reach the one withdrawal
/// (`confirm::withdraw_signature`): pressed at the same moment, one withdraws, the other finds
/// it done, and neither fails.
async fn withdrawing_from_the_list_and_the_emailed_link_at_once_withdraws_once(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(
        &app,
        "dear-president",
        "Ada Lovelace",
        ADA,
        &[("public", "on")],
    )
    .await;
    app.wait_for_public_total("dear-president", 1).await;
    let id = signature_id(&app, "Ada Lovelace", "dear-president");
    let withdraw = mails_to(&app, ADA)
        .into_iter()
        .find(|mail| mail.text.contains("/withdraw/"))
        .expect("the confirmation")
        .link("/withdraw/");
    let list = list_link(&app, ADA).await;
    let (from_list, from_link) = futures_util::future::join(
        app.post_form(&list, encode(&[("all", "yes")])),
        app.post_form(&withdraw, ""),
    )
    .await;
    assert_eq!(from_list.status, StatusCode::OK, "{}", from_list.body);
    assert_eq!(from_link.status, StatusCode::OK, "{}", from_link.body);
    let (state, name, email) = state_of(&app, &id);
    assert_eq!(
        (state.as_str(), name.as_str(), email.as_str()),
        ("withdrawn", "", "")
    );
    assert_eq!(app.signature_count(), 1, "one row, withdrawn once");
    app.wait_for_public_total("dear-president", 0).await;
}

async fn a_link_withdraws_only_its_own_mailbox_signatures(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(&app, "dear-president", "Ada Lovelace", ADA, &[]).await;
    sign_and_confirm(&app, "dear-president", "Bob Builder", BOB, &[]).await;
    let bob = signature_id(&app, "Bob Builder", "dear-president");
    let link = list_link(&app, ADA).await;
    let answer = app.post_form(&link, encode(&[("signature", &bob)])).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        state_of(&app, &bob).0,
        "verified",
        "Bob's signature is untouched"
    );
    assert!(answer.body.contains("This address signed 1 letter."));
    assert!(!answer.body.contains("Withdrawn</h2>"));
    // Another site's page cannot make the browser withdraw.
    let response = app
        .client
        .post(format!("{}{link}", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("origin", "https://elsewhere.example"))
        .insert_header(("sec-fetch-site", "cross-site"))
        .send_body("all=yes")
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let ada = signature_id(&app, "Ada Lovelace", "dear-president");
    assert_eq!(state_of(&app, &ada).0, "verified");
}

async fn a_forged_or_altered_link_opens_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(&app, "dear-president", "Ada Lovelace", ADA, &[]).await;
    let link = list_link(&app, ADA).await;
    let mut altered = link.clone().into_bytes();
    let at = altered.len() - 5;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    for path in [
        altered.as_str(),
        "/my-signatures/not-a-token",
        "/my-signatures/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/my-signatures/%3Cscript%3E",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("This link does not work"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("Ada"));
        let post = app.post_form_raw(path, "all=yes").await;
        assert_eq!(post.status, StatusCode::NOT_FOUND, "{path}");
    }
    let ada = signature_id(&app, "Ada Lovelace", "dear-president");
    assert_eq!(state_of(&app, &ada).0, "verified");
}

async fn the_ask_form_has_the_sign_form_defenses(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(&app, "dear-president", "Ada Lovelace", ADA, &[]).await;

    // Not an address: the error summary links to the field, and what was typed stays.
    let wrong = ask(&app, "ada@<script>").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("<title>Error: "), "{}", wrong.body);
    assert!(
        wrong.body.contains(r##"<a href="#email">"##),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains(r#"aria-describedby="email-error""#));
    assert!(
        wrong.body.contains("ada@&#60;script&#62;"),
        "{}",
        wrong.body
    );
    assert!(!wrong.body.contains("<script>"));
    // Without the signed form time (a script that never loaded the form): asked again.
    let stamped = app
        .post_form_raw(
            "/my-signatures",
            encode(&[("email", ADA), ("t", "1.forged")]),
        )
        .await;
    assert_eq!(stamped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stamped.body.contains("There is a problem"));
    // The honeypot: answered like anyone, nothing sent.
    let bot = app
        .post_form(
            "/my-signatures",
            encode(&[("email", ADA), ("nickname", "x")]),
        )
        .await;
    assert_eq!(bot.status, StatusCode::SEE_OTHER);
    // Another site's page.
    let response = app
        .client
        .post(format!("{}/my-signatures", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("origin", "https://elsewhere.example"))
        .send_body(encode(&[
            ("email", ADA),
            ("t", &app.form_time_on("/my-signatures").await),
        ]))
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    actix_web::rt::time::sleep(Duration::from_millis(700)).await;
    assert!(
        mails_to(&app, ADA)
            .iter()
            .all(|mail| !mail.text.contains("/my-signatures/")),
        "none of these sent a list"
    );
    // Not a form.
    let json = app
        .post_json_raw("/my-signatures", &serde_json::json!({ "email": ADA }))
        .await;
    assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn the_ask_form_is_rate_limited_like_the_sign_form(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[
            ("limits.sign_per_minute", "1".to_owned()),
            ("limits.sign_burst", "1".to_owned()),
        ],
    )
    .await;
    let first = ask(&app, "someone@example.org").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = ask(&app, "someone.else@example.org").await;
    assert_eq!(
        second.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        second.body
    );
    assert!(second.headers.contains_key("retry-after"));
    assert!(
        second.body.contains("There is a problem"),
        "{}",
        second.body
    );
    assert!(
        second.body.contains(r#"value="someone.else@example.org""#),
        "what was typed stays"
    );
}

async fn the_page_and_the_email_speak_the_reader_language(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(&app, "dear-president", "Ada Lovelace", ADA, &[]).await;
    let form = app.get("/he/my-signatures").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"dir="rtl""#));
    assert!(form.body.contains("החתימות שלכם"));
    assert!(form.body.contains(r#"action="/he/my-signatures""#));
    let stamp = app.form_time_on("/he/my-signatures").await;
    let answer = app
        .post_form_raw(
            "/he/my-signatures",
            encode(&[("email", ADA), ("t", &stamp)]),
        )
        .await;
    assert_eq!(
        answer
            .headers
            .get("location")
            .and_then(|value| value.to_str().ok()),
        Some("/he/my-signatures/sent")
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let mail = loop {
        if let Some(mail) = mails_to(&app, ADA)
            .into_iter()
            .find(|mail| mail.text.contains("/my-signatures/"))
        {
            break mail;
        }
        assert!(std::time::Instant::now() < deadline, "no list email");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(mail.subject, "המכתבים שעליהם חתמתם");
    let (lang, path) = mail.link_in_language("/my-signatures/");
    assert_eq!(lang.as_deref(), Some("he"));
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("המכתבים שעליהם חתמתם"));
    assert!(page.body.contains(r#"action="/he/my-signatures/"#));
}

async fn staff_erase_every_signature_of_an_address_on_request(backend: Backend) {
    let app = spawn_app(backend).await;
    publish(&app, "dear-president", "Protect the right to protest");
    publish(&app, "clean-rivers", "Clean rivers");
    sign_and_confirm(
        &app,
        "dear-president",
        "Ada Lovelace",
        ADA,
        &[("updates", "on")],
    )
    .await;
    sign_and_confirm(&app, "clean-rivers", "Ada L.", ADA, &[]).await;
    sign_and_confirm(&app, "clean-rivers", "Bob Builder", BOB, &[]).await;
    let first = signature_id(&app, "Ada Lovelace", "dear-president");
    let second = signature_id(&app, "Ada L.", "clean-rivers");
    let bob = signature_id(&app, "Bob Builder", "clean-rivers");

    // Ada once unsubscribed from another letter's updates: that wish is keyed to her too.
    let key: String = signatures::table
        .filter(signatures::id.eq(&first))
        .select(signatures::email_normalized)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the key");
    assert!(!key.contains('@'), "a key, not an address: {key}");
    diesel::insert_into(update_unsubscribes::table)
        .values((
            update_unsubscribes::letter_id.eq(app.letter_id("clean-rivers")),
            update_unsubscribes::email_normalized.eq(&key),
            update_unsubscribes::created_at.eq(undersigned::db::now()),
        ))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("an unsubscribe");

    // Not on a terminal and without --yes: nothing happens.
    let refused = app
        .binary()
        .cli_with_input(&["signatures", "erase", ADA], "");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("pass --yes"), "{said}");
    assert_eq!(state_of(&app, &first).0, "verified");

    let printed = app.cli_ok(&["signatures", "erase", "ADA.LOVELACE@example.org", "--yes"]);
    assert!(printed.contains("erased 2 signature(s)"), "{printed}");
    for id in [&first, &second] {
        let (state, name, email) = state_of(&app, id);
        assert_eq!(
            (state.as_str(), name.as_str(), email.as_str()),
            ("withdrawn", "", "")
        );
    }
    assert_eq!(state_of(&app, &bob).0, "verified");
    let audited: Vec<(String, Option<String>, String, String)> = audit_log::table
        .filter(audit_log::action.eq("signature.erase"))
        .select((
            audit_log::staff_email,
            audit_log::subject,
            audit_log::detail,
            audit_log::action,
        ))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the audit log");
    assert_eq!(audited.len(), 2, "{audited:?}");
    for (who, subject, detail, _) in &audited {
        assert_eq!(who, "command line");
        assert!(
            subject.as_deref() == Some(first.as_str())
                || subject.as_deref() == Some(second.as_str())
        );
        assert!(
            !detail.to_lowercase().contains("ada"),
            "the log keeps no address: {detail}"
        );
    }
    let unsubscribes: i64 = update_unsubscribes::table
        .filter(update_unsubscribes::email_normalized.eq(&key))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count unsubscribes");
    assert_eq!(unsubscribes, 0, "nothing keyed to the address is left");
    // Again: nothing left to erase, and it says so.
    let again = app.cli_ok(&["signatures", "erase", ADA, "--yes"]);
    assert!(again.contains("nothing to erase"), "{again}");
    let bad = app.cli(&["signatures", "erase", "not-an-address", "--yes"]);
    assert!(!bad.status.success());
}

/// Every page of `/my-signatures` and its email, in English and Hebrew, pass the W3C Nu
/// HTML checker (as `html_validity` checks the other public pages).
#[actix_web::test]
#[ignore = "needs Java and the vnu-jar Nu HTML checker; `bash .ci/test` runs it"]
async fn my_signatures_pages_pass_the_nu_html_checker() {
    let jar = crate::harness::needs("the Nu HTML checker", crate::html_validity::vnu_jar());
    let app = spawn_app(Backend::Sqlite).await;
    publish(&app, "dear-president", "Protect the right to protest");
    sign_and_confirm(
        &app,
        "dear-president",
        "Ada Lovelace",
        ADA,
        &[("public", "on"), ("updates", "on")],
    )
    .await;
    let directory =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/html-validity-my-signatures");
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("a folder for the pages");
    let mut files = Vec::new();
    let mut add = |name: &str, html: &str| {
        let file = directory.join(format!("{name}.html"));
        std::fs::write(&file, html).expect("write the page");
        files.push(file);
    };
    add("ask", &app.get("/my-signatures").await.body);
    add("ask-he", &app.get("/he/my-signatures").await.body);
    add("ask-error", &ask(&app, "not an address").await.body);
    add("sent", &app.get("/my-signatures/sent").await.body);
    add("dead", &app.get("/my-signatures/nothing-here").await.body);
    let link = list_link(&app, ADA).await;
    add("list", &app.get(&link).await.body);
    add("list-ar", &app.get(&format!("/ar{link}")).await.body);
    let mail = mails_to(&app, ADA)
        .into_iter()
        .find(|mail| mail.text.contains("/my-signatures/"))
        .expect("the list email");
    add("email", &mail.html);
    add(
        "withdrawn-all",
        &app.post_form(&link, encode(&[("all", "yes")])).await.body,
    );
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .expect("run the Nu HTML checker");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
