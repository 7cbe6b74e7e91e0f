//! A draft update before it goes out: staff change its words (with a preview, refused input
//! kept), delete it after a question on a page of its own, or send it to themselves as a
//! test ("[Test]" in the subject, to their own address only, not counted, the draft
//! unchanged). Each is in the audit log; none works once the update is sent.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{outbox, update_translations, updates};

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::updates::{SLUG, app, confirm_and_send, sign_and_confirm, write_update};

on_both_backends!(
    a_draft_is_edited_and_the_edit_is_what_goes_out,
    a_draft_is_deleted_after_a_question,
    a_test_goes_to_the_sender_only_and_changes_nothing,
    a_sent_update_cannot_be_edited_deleted_or_tested,
    the_command_line_tests_a_file_and_deletes_a_draft,
    sending_and_deleting_a_draft_at_once_do_one_or_the_other,
);

const EDITOR: &str = "editor@coalition.test";
const SIGNER: &str = "ada@example.org";

async fn with_signer(backend: Backend) -> TestApp {
    let app = app(backend).await;
    sign_and_confirm(&app, SIGNER, &[("name", "Ada"), ("updates", "on")]).await;
    app
}

fn update_count(app: &TestApp) -> i64 {
    updates::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count updates")
}

fn update_rows_in_outbox(app: &TestApp) -> i64 {
    outbox::table
        .filter(outbox::update_id.is_not_null())
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count update messages")
}

fn mails_to(app: &TestApp, address: &str) -> Vec<crate::helpers::Email> {
    app.mails()
        .into_iter()
        .filter(|mail| mail.to.eq_ignore_ascii_case(address))
        .collect()
}

async fn a_draft_is_edited_and_the_edit_is_what_goes_out(backend: Backend) {
    let app = with_signer(backend).await;
    let staff = app.staff(EDITOR, "editor").await;
    let update = write_update(&staff, "We deliverd it", "Teh letter is delivered.").await;

    let draft = staff.get(&update).await;
    assert!(
        draft
            .body
            .contains(&format!(r#"href="{update}/edit">Edit the text</a>"#))
    );
    let form = staff.get(&format!("{update}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains(r#"value="We deliverd it""#),
        "{}",
        form.body
    );
    assert!(form.body.contains(">Teh letter is delivered.</textarea>"));

    // A preview saves nothing.
    let preview = staff
        .post(
            &format!("{update}/edit"),
            &[
                ("subject", "We delivered it"),
                ("body", "The letter is **delivered**."),
                ("preview", "1"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("<strong>delivered</strong>"));
    assert!(staff.get(&update).await.body.contains("We deliverd it"));

    // Refused: the problem said, the text kept, nothing saved.
    let refused = staff
        .post(
            &format!("{update}/edit"),
            &[
                ("subject", "  "),
                ("body", "<script>x</script> kept"),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Give the update a subject."),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("&#60;script&#62;x&#60;/script&#62; kept</textarea>")
    );
    assert!(refused.body.contains("<title>Error: "));

    let saved = staff
        .post(
            &format!("{update}/edit"),
            &[
                ("subject", "We delivered it"),
                ("body", "The letter is **delivered**."),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("{update}?done=edited").as_str())
    );
    let shown = staff.get(&format!("{update}?done=edited")).await;
    assert!(
        shown
            .body
            .contains("<h1 lang=\"en\" dir=\"ltr\">We delivered it</h1>"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("changes are saved"));
    assert!(!shown.body.contains("deliverd"));
    assert!(app.audit_actions().contains(&"update.edit".to_owned()));
    assert_eq!(
        mails_to(&app, SIGNER).len(),
        1,
        "only the confirmation so far"
    );

    // A viewer sees the draft but cannot change it.
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    assert!(!viewer.get(&update).await.body.contains("Edit the text"));
    let forbidden = viewer
        .post(
            &format!("{update}/edit"),
            &[("subject", "Mine"), ("body", "x"), ("save", "1")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    // Without the CSRF token, nothing changes.
    let forged = staff
        .post_without_csrf(
            &format!("{update}/edit"),
            &[("subject", "Forged"), ("body", "x"), ("save", "1")],
        )
        .await;
    assert!(forged.status.is_client_error(), "{}", forged.status);

    confirm_and_send(&staff, &update).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !mails_to(&app, SIGNER)
        .iter()
        .any(|mail| mail.subject == "We delivered it")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the edited update arrives"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let update_mail = mails_to(&app, SIGNER)
        .into_iter()
        .find(|mail| mail.subject == "We delivered it")
        .expect("the update");
    assert!(update_mail.text.contains("The letter is **delivered**."));
    assert!(
        !app.mails()
            .iter()
            .any(|mail| mail.subject.contains("Forged") || mail.subject.contains("deliverd"))
    );
}

async fn a_draft_is_deleted_after_a_question(backend: Backend) {
    let app = with_signer(backend).await;
    let staff = app.staff(EDITOR, "editor").await;
    let update = write_update(&staff, "Wrong letter", "Meant for another letter.").await;
    assert_eq!(update_count(&app), 1);

    let question = staff.get(&format!("{update}/delete")).await;
    assert_eq!(question.status, StatusCode::OK, "{}", question.body);
    assert!(
        question
            .body
            .contains("Delete the draft “<bdi>Wrong letter</bdi>”?"),
        "{}",
        question.body
    );
    assert!(question.body.contains(">Delete the draft</button>"));
    assert!(
        question
            .body
            .contains(&format!(r#"href="{update}">Cancel, keep it</a>"#))
    );
    assert!(!question.body.contains("<script"), "works without script");
    assert_eq!(update_count(&app), 1, "asking deletes nothing");

    let deleted = staff.post(&format!("{update}/delete"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let list = deleted.location.expect("back to the list");
    assert_eq!(list, format!("/admin/letters/{SLUG}/updates?done=deleted"));
    let listed = staff.get(&list).await;
    assert!(
        listed
            .body
            .contains("The draft was deleted. Nothing was sent.")
    );
    assert!(!listed.body.contains("Wrong letter"));
    assert_eq!(update_count(&app), 0);
    let versions: i64 = update_translations::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count versions");
    assert_eq!(versions, 0);
    assert_eq!(staff.get(&update).await.status, StatusCode::NOT_FOUND);
    assert!(app.audit_actions().contains(&"update.delete".to_owned()));
    // Deleting again finds nothing.
    assert_eq!(
        staff.post(&format!("{update}/delete"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(mails_to(&app, SIGNER).len(), 1, "only the confirmation");
}

async fn a_test_goes_to_the_sender_only_and_changes_nothing(backend: Backend) {
    let app = with_signer(backend).await;
    let staff = app.staff(EDITOR, "editor").await;
    let update = write_update(&staff, "We met the minister", "She *listened*.").await;
    let page = staff.get(&update).await;
    assert!(page.body.contains("Send a test to me"), "{}", page.body);
    assert!(page.body.contains(EDITOR));

    let tested = staff
        .post(&format!("{update}/test"), &[("lang", "xx")])
        .await;
    assert_eq!(tested.status, StatusCode::SEE_OTHER, "{}", tested.body);
    let shown = staff
        .get(&tested.location.expect("back to the draft"))
        .await;
    assert!(
        shown.body.contains(&format!("A test went to {EDITOR}")),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains(r#"<span class="status">draft</span>"#),
        "still a draft"
    );

    let test = app.wait_for_mails_to(EDITOR, 1).await.remove(0);
    assert_eq!(test.subject, "[Test] We met the minister");
    assert!(test.text.contains("She *listened*."), "{}", test.text);
    assert!(test.html.contains("<em>listened</em>"), "{}", test.html);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        mails_to(&app, SIGNER).len(),
        1,
        "the signer got only the confirmation"
    );
    assert_eq!(mails_to(&app, EDITOR).len(), 1, "one email");
    assert_eq!(
        update_rows_in_outbox(&app),
        0,
        "not one of the update's messages"
    );
    let state: String = updates::table
        .select(updates::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the update");
    assert_eq!(state, "draft");
    let list = staff.get(&format!("/admin/letters/{SLUG}/updates")).await;
    assert!(list.body.contains("<td>draft</td>"), "{}", list.body);
    assert!(app.audit_actions().contains(&"update.test".to_owned()));

    // A viewer may not send tests.
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let refused = viewer.post(&format!("{update}/test"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(mails_to(&app, "viewer@coalition.test").len(), 0);

    // The draft still sends, once, to the signer.
    confirm_and_send(&staff, &update).await;
    crate::updates::wait_for_update_mails_within(
        &app,
        "We met the minister",
        1,
        std::time::Duration::from_secs(20),
    )
    .await;
}

async fn a_sent_update_cannot_be_edited_deleted_or_tested(backend: Backend) {
    let app = with_signer(backend).await;
    let staff = app.staff(EDITOR, "editor").await;
    let update = write_update(&staff, "Sent already", "Out it goes.").await;
    confirm_and_send(&staff, &update).await;
    let page = staff.get(&update).await;
    assert!(!page.body.contains("Edit the text") && !page.body.contains("Send a test"));
    for (path, fields) in [
        (
            format!("{update}/edit"),
            vec![("subject", "Changed"), ("body", "x"), ("save", "1")],
        ),
        (format!("{update}/delete"), vec![]),
        (format!("{update}/test"), vec![]),
    ] {
        let refused = staff.post(&path, &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{path}: {}",
            refused.body
        );
        assert!(refused.body.contains("This update was sent"), "{path}");
    }
    // The question pages send back to the update.
    for path in [format!("{update}/edit"), format!("{update}/delete")] {
        let answer = staff.get(&path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
    }
    assert_eq!(update_count(&app), 1);
    let subject: String = updates::table
        .select(updates::subject)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the update");
    assert_eq!(subject, "Sent already");
    assert!(
        !app.mails()
            .iter()
            .any(|mail| mail.subject.starts_with("[Test]"))
    );
}

async fn the_command_line_tests_a_file_and_deletes_a_draft(backend: Backend) {
    let app = with_signer(backend).await;
    let file = app.directory.path().join("update.md");
    std::fs::write(
        &file,
        "+++\ntitle = \"We met the minister\"\n+++\n\nShe *listened*.\n",
    )
    .expect("write the update");
    let path = file.display().to_string();
    let printed = app.cli_ok(&["updates", "test", SLUG, &path, "--to", "me@coalition.test"]);
    assert!(printed.contains("[Test] We met the minister"), "{printed}");
    let test = app
        .wait_for_mails_to("me@coalition.test", 1)
        .await
        .remove(0);
    assert_eq!(test.subject, "[Test] We met the minister");
    assert!(test.text.contains("She *listened*."));
    assert_eq!(update_count(&app), 0, "nothing stored");
    assert!(app.audit_actions().contains(&"update.test".to_owned()));
    // A wrong address or a version that is not there: refused, saying why.
    let refused = app.cli(&["updates", "test", SLUG, &path, "--to", "not an address"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not an email address"));
    let refused = app.cli(&[
        "updates",
        "test",
        SLUG,
        &path,
        "--to",
        "me@coalition.test",
        "--lang",
        "he",
    ]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no version in he"));
    // The file still sends for real afterwards: the test did not use it up.
    app.cli_ok(&["updates", "send", SLUG, &path, "--yes"]);
    crate::updates::wait_for_update_mails_within(
        &app,
        "We met the minister",
        1,
        std::time::Duration::from_secs(20),
    )
    .await;
    assert_eq!(
        mails_to(&app, SIGNER).len(),
        2,
        "the confirmation and the update"
    );

    // A console draft deleted from the command line; a sent update is not.
    let staff = app.staff(EDITOR, "editor").await;
    let draft = write_update(&staff, "Never mind", "Draft.").await;
    let draft_id = draft.rsplit('/').next().expect("an id").to_owned();
    let sent_id: String = updates::table
        .filter(updates::state.ne("draft"))
        .select(updates::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the sent update");
    let refused = app.cli(&["updates", "delete", SLUG, &sent_id, "--yes"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("was sent"));
    let unasked = app.cli(&["updates", "delete", SLUG, &draft_id]);
    assert!(!unasked.status.success(), "no confirmation, no deletion");
    assert_eq!(update_count(&app), 2);
    let printed = app.cli_ok(&["updates", "delete", SLUG, &draft_id, "--yes"]);
    assert!(printed.contains("deleted the draft"), "{printed}");
    assert_eq!(update_count(&app), 1);
    assert!(app.audit_actions().contains(&"update.delete".to_owned()));
}

/// Two editors at once: one sends the draft, the other deletes it. Exactly one wins; a
/// deleted draft sends nothing, a sent one stays (and its email goes out once).
async fn sending_and_deleting_a_draft_at_once_do_one_or_the_other(backend: Backend) {
    let app = with_signer(backend).await;
    let staff = app.staff(EDITOR, "editor").await;
    let update = write_update(&staff, "Raced", "Sent or deleted, never both.").await;
    let send_path = format!("{update}/send");
    let delete_path = format!("{update}/delete");
    let (sent, deleted) =
        futures_util::future::join(staff.post(&send_path, &[]), staff.post(&delete_path, &[]))
            .await;
    let sent_won = sent.status == StatusCode::SEE_OTHER;
    let deleted_won = deleted.status == StatusCode::SEE_OTHER
        && deleted
            .location
            .as_deref()
            .is_some_and(|to| to.ends_with("?done=deleted"));
    assert!(
        sent_won != deleted_won,
        "exactly one wins: send {} {}, delete {} {}",
        sent.status,
        sent.body,
        deleted.status,
        deleted.body
    );
    if deleted_won {
        assert_eq!(update_count(&app), 0);
        assert_eq!(
            update_rows_in_outbox(&app),
            0,
            "a deleted draft sends nothing"
        );
        assert_eq!(mails_to(&app, SIGNER).len(), 1, "only the confirmation");
    } else {
        assert_eq!(update_count(&app), 1, "a sent update is kept");
        app.wait_for_mails_to(SIGNER, 2).await;
        assert_eq!(mails_to(&app, SIGNER).len(), 2, "the update, once");
    }
}
