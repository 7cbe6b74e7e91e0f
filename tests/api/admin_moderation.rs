//! Console: staff approve and reject organization sign-ons, hide and remove signatures,
//! search a letter's signatures, keep the member roster and send invites.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::signatures;

use crate::helpers::{Backend, Response, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    an_editor_approves_a_sign_on_in_one_click,
    bulk_reject_and_ids_from_another_letter,
    hiding_keeps_the_count_and_removing_drops_it,
    search_and_filters_find_the_right_signatures,
    members_are_added_imported_and_removed_in_the_console,
    invites_sent_from_the_console_arrive_and_the_status_follows,
    viewers_read_but_change_nothing,
);

/// Signs for an organization from the public form and confirms through the emailed link.
async fn organization_signs_and_confirms(
    app: &TestApp,
    slug: &str,
    organization: &str,
    name: &str,
    email: &str,
) -> String {
    let response = app
        .sign(
            slug,
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", name),
                ("title", "Director"),
                ("email", email),
                ("website", "https://example.org"),
                ("comment", "Count us in"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert!(
        confirmed
            .body
            .contains("will be listed once they approve it"),
        "{}",
        confirmed.body
    );
    signature_id(app, email)
}

fn signature_id(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

fn state_of(app: &TestApp, email: &str) -> String {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select(signatures::state)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the signature")
}

/// Emails queued or sent to `address`, whether or not the worker delivered them yet.
fn queued_to(app: &TestApp, address: &str) -> i64 {
    use undersigned::db::schema::outbox;
    outbox::table
        .filter(outbox::recipient.eq(address))
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count the outbox")
}

fn assert_redirect(response: &Response, to: &str) {
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "expected a redirect to {to}: {}",
        response.body
    );
    let location = response.location.as_deref().unwrap_or_default();
    assert!(
        location.starts_with(to),
        "redirected to {location}, not {to}"
    );
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|logged| *logged == action).count()
}

async fn an_editor_approves_a_sign_on_in_one_click(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let id = organization_signs_and_confirms(
        &app,
        "coalition",
        "Friends of the Earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    let editor = app.staff("editor@coalition.test", "editor").await;

    let queue = editor.get("/admin/moderation").await;
    assert_eq!(queue.status, StatusCode::OK);
    for shown in [
        "Friends of the Earth",
        "Grace Hopper",
        "Director",
        "grace@foe.example",
        "https://example.org",
        "Count us in",
        "Protect the right to protest",
        "Approve selected",
    ] {
        assert!(queue.body.contains(shown), "queue shows {shown}");
    }
    let letter_queue = editor.get("/admin/letters/coalition/moderation").await;
    assert!(letter_queue.body.contains("Friends of the Earth"));
    assert!(
        !app.get("/letters/coalition")
            .await
            .body
            .contains("Friends of the Earth"),
        "not listed before approval"
    );

    let approved = editor
        .post(
            "/admin/letters/coalition/moderation",
            &[("decision", "approve"), ("id", &id), ("return", "queue")],
        )
        .await;
    assert_redirect(&approved, "/admin/moderation?");
    let after = editor
        .get(approved.location.as_deref().unwrap_or_default())
        .await;
    assert!(after.body.contains("Approved 1 sign-on."), "{}", after.body);
    assert!(after.body.contains("Nothing is waiting for approval."));

    let page = app.get("/letters/coalition").await;
    assert!(
        page.body.contains("<strong>Friends of the Earth</strong>"),
        "listed at once"
    );
    assert!(page.body.contains("Signed by 1 organization<"));
    let mails = app.wait_for_mails_to("grace@foe.example", 2).await;
    assert!(
        mails[1].subject.contains("Friends of the Earth is listed"),
        "{}",
        mails[1].subject
    );
    assert_eq!(state_of(&app, "grace@foe.example"), "approved");

    let export = app.cli_ok(&["export", "coalition", "--kind", "organization"]);
    assert!(
        export.contains("editor@coalition.test"),
        "the record says who approved: {export}"
    );
    assert_eq!(count(&app.audit_actions(), "signature.approve"), 1);
}

async fn bulk_reject_and_ids_from_another_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    app.create_letter("other-letter", "open", "");
    let spam = organization_signs_and_confirms(
        &app,
        "coalition",
        "Spam Inc",
        "Spammer",
        "spam@spam.example",
    )
    .await;
    let junk =
        organization_signs_and_confirms(&app, "coalition", "Junk Ltd", "Junk", "junk@junk.example")
            .await;
    let keep = organization_signs_and_confirms(
        &app,
        "coalition",
        "Oxfam Local",
        "Olive",
        "olive@oxfam.example",
    )
    .await;
    let foreign = organization_signs_and_confirms(
        &app,
        "other-letter",
        "Greenpeace Local",
        "Gene",
        "gene@greenpeace.example",
    )
    .await;
    let editor = app.staff("editor@coalition.test", "editor").await;

    let queue = editor.get("/admin/moderation").await;
    for organization in ["Spam Inc", "Junk Ltd", "Oxfam Local", "Greenpeace Local"] {
        assert!(queue.body.contains(organization), "{organization} waits");
    }
    let letter_queue = editor.get("/admin/letters/coalition/moderation").await;
    assert!(
        !letter_queue.body.contains("Greenpeace Local"),
        "one letter's queue shows only its own sign-ons"
    );

    let rejected = editor
        .post(
            "/admin/letters/coalition/moderation",
            &[("decision", "reject"), ("id", &spam), ("id", &junk)],
        )
        .await;
    assert_redirect(&rejected, "/admin/letters/coalition/moderation?");
    let after = editor
        .get(rejected.location.as_deref().unwrap_or_default())
        .await;
    assert!(
        after.body.contains("Rejected 2 sign-ons."),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Spam Inc") && !after.body.contains("Junk Ltd"));
    assert!(after.body.contains("Oxfam Local"), "the others still wait");
    for email in ["spam@spam.example", "junk@junk.example"] {
        assert_eq!(state_of(&app, email), "rejected");
        let mails = app.wait_for_mails_to(email, 2).await;
        assert!(
            mails[1].text.contains("not able to list it"),
            "told politely"
        );
    }
    assert_eq!(state_of(&app, "olive@oxfam.example"), "verified");

    // An id from another letter, alone or among this letter's ids, is never touched.
    let crossed = editor
        .post(
            "/admin/letters/coalition/moderation",
            &[("decision", "approve"), ("id", &foreign)],
        )
        .await;
    assert_redirect(&crossed, "/admin/letters/coalition/moderation?");
    let after = editor
        .get(crossed.location.as_deref().unwrap_or_default())
        .await;
    assert!(
        after.body.contains("Approved 0 sign-ons."),
        "{}",
        after.body
    );
    assert!(after.body.contains("1 left as it was"), "{}", after.body);
    let mixed = editor
        .post(
            "/admin/letters/coalition/moderation",
            &[("decision", "approve"), ("id", &keep), ("id", &foreign)],
        )
        .await;
    assert_eq!(mixed.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, "olive@oxfam.example"), "approved");
    assert_eq!(
        state_of(&app, "gene@greenpeace.example"),
        "verified",
        "unchanged"
    );
    for takedown in ["hide", "remove"] {
        let refused = editor
            .post(
                &format!("/admin/letters/coalition/signatures/{foreign}/{takedown}"),
                &[("reason", "spam")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
    }
    let detail = editor
        .get(&format!("/admin/letters/coalition/signatures/{foreign}"))
        .await;
    assert_eq!(detail.status, StatusCode::NOT_FOUND);
    assert_eq!(state_of(&app, "gene@greenpeace.example"), "verified");
    assert_eq!(
        queued_to(&app, "gene@greenpeace.example"),
        1,
        "only the confirmation: no email to the other letter's organization"
    );
    assert!(
        !app.get("/letters/other-letter")
            .await
            .body
            .contains("Greenpeace Local")
    );

    // Rejecting a sign-on of the other letter through its own address works.
    let other = editor
        .post(
            "/admin/letters/other-letter/moderation",
            &[("decision", "reject"), ("id", &foreign)],
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, "gene@greenpeace.example"), "rejected");

    let actions = app.audit_actions();
    assert_eq!(count(&actions, "signature.reject"), 3);
    assert_eq!(count(&actions, "signature.approve"), 1);
}

async fn hiding_keeps_the_count_and_removing_drops_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    app.sign_and_confirm("coalition", "Ada Lovelace", "ada@math.example")
        .await;
    app.sign_and_confirm("coalition", "Alan Turing", "alan@math.example")
        .await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let ada = signature_id(&app, "ada@math.example");
    let alan = signature_id(&app, "alan@math.example");
    let page = app.get("/letters/coalition").await;
    assert!(page.body.contains("Ada Lovelace") && page.body.contains("Alan Turing"));
    assert!(page.body.contains(r#"<span class="number">2</span>"#));

    let detail = editor
        .get(&format!("/admin/letters/coalition/signatures/{ada}"))
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("ada@math.example"));
    assert!(detail.body.contains("Confirmed by email"));
    assert!(detail.body.contains("Hide") && detail.body.contains("Remove"));

    let no_reason = editor
        .post(
            &format!("/admin/letters/coalition/signatures/{ada}/hide"),
            &[("reason", "   ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert!(no_reason.body.contains("Give a reason"));
    assert!(
        app.get("/letters/coalition")
            .await
            .body
            .contains("Ada Lovelace")
    );

    let hidden = editor
        .post(
            &format!("/admin/letters/coalition/signatures/{ada}/hide"),
            &[
                ("reason", "Asked by phone not to be named"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_redirect(
        &hidden,
        &format!("/admin/letters/coalition/signatures/{ada}"),
    );
    let page = app.get("/letters/coalition").await;
    assert!(!page.body.contains("Ada Lovelace"), "no longer listed");
    assert!(
        page.body.contains(r#"<span class="number">2</span>"#),
        "still counted"
    );
    assert!(
        !app.get("/letters/coalition/signatories")
            .await
            .body
            .contains("Ada Lovelace")
    );
    let detail = editor
        .get(hidden.location.as_deref().unwrap_or_default())
        .await;
    assert!(detail.body.contains("It still counts."));
    assert!(detail.body.contains("Asked by phone not to be named"));
    assert_eq!(state_of(&app, "ada@math.example"), "verified");

    let removed = editor
        .post(
            &format!("/admin/letters/coalition/signatures/{alan}/remove"),
            &[("reason", "Fake name, spam"), ("confirm", "yes")],
        )
        .await;
    assert_redirect(
        &removed,
        &format!("/admin/letters/coalition/signatures/{alan}"),
    );
    let page = app.get("/letters/coalition").await;
    assert!(!page.body.contains("Alan Turing"), "no longer listed");
    assert!(
        page.body.contains(r#"<span class="number">1</span>"#),
        "no longer counted"
    );
    assert_eq!(state_of(&app, "alan@math.example"), "removed");
    let detail = editor
        .get(removed.location.as_deref().unwrap_or_default())
        .await;
    assert!(detail.body.contains("Fake name, spam"));
    assert!(
        detail.body.contains("editor@coalition.test"),
        "who removed it"
    );
    let again = editor
        .post(
            &format!("/admin/letters/coalition/signatures/{alan}/remove"),
            &[("reason", "twice"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    // The removed address signing again stays out.
    let resigned = app
        .sign(
            "coalition",
            &[("name", "Alan Turing"), ("email", "alan@math.example")],
        )
        .await;
    assert_eq!(resigned.status, StatusCode::SEE_OTHER);
    assert_eq!(app.signature_count(), 2);

    let actions = app.audit_actions();
    assert_eq!(count(&actions, "signature.hide"), 1);
    assert_eq!(count(&actions, "signature.remove"), 1);
}

/// Stores signatures directly, as many as a busy letter has.
fn insert_signatures(app: &TestApp, slug: &str, how_many: usize) {
    use undersigned::db::schema::letters;
    let mut connection = app.connection();
    let connection: &mut DbConnection = &mut connection;
    let (letter_id, content_hash): (String, String) = letters::table
        .filter(letters::slug.eq(slug))
        .select((letters::id, letters::content_hash))
        .first(connection)
        .expect("the letter");
    for number in 0..how_many {
        let email = format!("crowd{number}@crowd.example");
        diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(undersigned::db::new_id()),
                signatures::letter_id.eq(&letter_id),
                signatures::kind.eq("individual"),
                signatures::state.eq("verified"),
                signatures::name.eq(format!("Crowd Member {number}")),
                signatures::email.eq(&email),
                signatures::email_normalized.eq(crate::helpers::mailbox_key(&email)),
                signatures::public.eq(true),
                // A reason to keep the address, which staff search by.
                signatures::updates.eq(true),
                signatures::content_hash.eq(&content_hash),
                signatures::created_at.eq(undersigned::db::now()),
                signatures::verified_at.eq(undersigned::db::now()),
            ))
            .execute(connection)
            .expect("insert a signature");
    }
}

async fn search_and_filters_find_the_right_signatures(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    app.sign_and_confirm("coalition", "Ada Lovelace", "ada@math.example")
        .await;
    let pending = app
        .sign(
            "coalition",
            &[("name", "Alan Turing"), ("email", "alan@bletchley.example")],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);
    organization_signs_and_confirms(
        &app,
        "coalition",
        "Friends of the Earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let list = |query: &str| {
        let path = format!("/admin/letters/coalition/signatures{query}");
        let viewer = &viewer;
        async move {
            let page = viewer.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            page.body
        }
    };
    let shows = |body: &str, names: &[&str]| {
        for name in ["Ada Lovelace", "Alan Turing", "Grace Hopper"] {
            assert_eq!(
                body.contains(name),
                names.contains(&name),
                "{name} shown: expected {}",
                names.contains(&name)
            );
        }
    };

    let everyone = list("").await;
    shows(&everyone, &["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    assert!(everyone.contains("3 matching signatures"));
    assert!(
        everyone.contains("alan@bletchley.example"),
        "staff see emails"
    );

    shows(&list("?q=LOVELACE").await, &["Ada Lovelace"]);
    shows(&list("?q=bletchley").await, &["Alan Turing"]);
    shows(&list("?q=friends+of").await, &["Grace Hopper"]);
    shows(&list("?q=nobody+at+all").await, &[]);
    shows(&list("?q=%25").await, &[]);
    shows(&list("?state=pending").await, &["Alan Turing"]);
    shows(&list("?kind=organization").await, &["Grace Hopper"]);
    shows(
        &list("?kind=individual&state=verified").await,
        &["Ada Lovelace"],
    );
    shows(&list("?state=verified&q=grace").await, &["Grace Hopper"]);
    shows(&list("?state=approved").await, &[]);

    insert_signatures(&app, "coalition", 102);
    let first = viewer
        .get("/admin/letters/coalition/signatures?state=verified")
        .await;
    assert!(first.body.contains("104 matching signatures"));
    assert_eq!(first.body.matches("Crowd Member").count(), 100);
    assert!(
        !first.body.contains("Ada Lovelace"),
        "the oldest come later"
    );
    let older = regex::Regex::new(r#"href="([^"]+before=[^"]+)" *>Older signatures"#)
        .expect("regex")
        .captures(&first.body)
        .map(|captures| captures[1].replace("&#38;", "&").replace("&amp;", "&"))
        .expect("a link to older signatures");
    let second = viewer.get(&older).await;
    assert_eq!(second.body.matches("Crowd Member").count(), 2);
    assert!(second.body.contains("Ada Lovelace") && second.body.contains("Grace Hopper"));
    assert!(!second.body.contains("Older signatures"));
}

async fn members_are_added_imported_and_removed_in_the_console(backend: Backend) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let empty = editor.get("/admin/members").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("The roster is empty."));

    let added = editor
        .post(
            "/admin/members",
            &[
                ("name", "Amnesty Section"),
                ("email", "contact@amnesty.example"),
                ("website", "https://amnesty.example"),
            ],
        )
        .await;
    assert_redirect(&added, "/admin/members");
    let roster = editor
        .get(added.location.as_deref().unwrap_or_default())
        .await;
    assert!(roster.body.contains("Member added."));
    assert!(roster.body.contains("Amnesty Section"));
    assert!(roster.body.contains("contact@amnesty.example"));

    let invalid = editor
        .post(
            "/admin/members",
            &[("name", "Broken Org"), ("email", "not an email")],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.body.contains("not an email"),
        "the typed value stays"
    );
    assert!(!app.cli_ok(&["members", "list"]).contains("Broken Org"));

    let bad_csv = editor
        .post(
            "/admin/members/import",
            &[(
                "csv",
                "name,email,website\nGood Org,good@org.example,\nBad Org,nope,\n",
            )],
        )
        .await;
    assert_eq!(bad_csv.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_csv.body.contains("Nothing was imported"));
    assert!(bad_csv.body.contains("line 3"), "{}", bad_csv.body);
    assert!(!app.cli_ok(&["members", "list"]).contains("Good Org"));

    let imported = editor
        .post(
            "/admin/members/import",
            &[(
                "csv",
                "name,email,website\nGood Org,good@org.example,\nSilent Org,silent@org.example,https://silent.example\nAMNESTY  section,new@amnesty.example,\n",
            )],
        )
        .await;
    assert_redirect(&imported, "/admin/members");
    let roster = editor
        .get(imported.location.as_deref().unwrap_or_default())
        .await;
    assert!(
        roster.body.contains("Roster imported: 2 added, 1 updated."),
        "{}",
        roster.body
    );
    assert!(roster.body.contains("Silent Org") && roster.body.contains("new@amnesty.example"));
    let listed = app.cli_ok(&["members", "list"]);
    assert!(listed.contains("Good Org") && listed.contains("Silent Org"));

    let remove_form =
        regex::Regex::new(r#"action="(/admin/members/[^/"]+/remove)\?csrf=[^"]*""#).expect("regex");
    let removes: Vec<String> = remove_form
        .captures_iter(&roster.body)
        .map(|captures| captures[1].to_owned())
        .collect();
    assert_eq!(removes.len(), 3, "a remove button per member");
    // Members are listed by name: Amnesty Section, Good Org, Silent Org.
    let removed = editor.post(&removes[1], &[("confirm", "yes")]).await;
    assert_redirect(&removed, "/admin/members");
    let roster = editor
        .get(removed.location.as_deref().unwrap_or_default())
        .await;
    assert!(roster.body.contains("Member removed"));
    assert!(!roster.body.contains("Good Org"));
    assert!(!app.cli_ok(&["members", "list"]).contains("Good Org"));
    let twice = editor.post(&removes[1], &[]).await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);

    let actions = app.audit_actions();
    assert_eq!(count(&actions, "member.add"), 1);
    assert_eq!(count(&actions, "member.import"), 1);
    assert_eq!(count(&actions, "member.remove"), 1);
}

async fn invites_sent_from_the_console_arrive_and_the_status_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let editor = app.staff("editor@coalition.test", "editor").await;
    let imported = editor
        .post(
            "/admin/members/import",
            &[(
                "csv",
                "name,email,website\nAnswering Org,answer@org.example,\nSilent Org,silent@org.example,\nUninvited Org,uninvited@org.example,\n",
            )],
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER);

    let status = editor.get("/admin/letters/coalition/invites").await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(status.body.matches("<td>not invited</td>").count(), 3);

    let nobody = editor.post("/admin/letters/coalition/invites", &[]).await;
    assert_eq!(nobody.status, StatusCode::BAD_REQUEST);
    let sent = editor
        .post(
            "/admin/letters/coalition/invites",
            &[("member", "Answering Org"), ("member", "Silent Org")],
        )
        .await;
    assert_redirect(&sent, "/admin/letters/coalition/invites?");
    let status = editor
        .get(sent.location.as_deref().unwrap_or_default())
        .await;
    assert!(status.body.contains("Invites sent to 2 members."));
    assert_eq!(
        status.body.matches("<td>invited, no answer</td>").count(),
        2
    );
    assert_eq!(status.body.matches("<td>not invited</td>").count(), 1);
    assert!(status.body.contains("last sent"));

    let mail = app.wait_for_mails_to("answer@org.example", 1).await;
    assert!(
        mail[0].subject.contains("Invitation"),
        "{}",
        mail[0].subject
    );
    app.wait_for_mails_to("silent@org.example", 1).await;
    let link = mail[0].link("/letters/coalition/invite/");
    let signed = app
        .post_form(
            &link,
            crate::helpers::encode(&[("name", "Ann Swer"), ("public", "on")]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);

    let status = editor.get("/admin/letters/coalition/invites").await;
    let row = |member: &str| {
        let start = status
            .body
            .find(&format!("<strong>{member}</strong>"))
            .unwrap_or_else(|| panic!("{member} missing"));
        let end = status.body[start..]
            .find("</tr>")
            .map(|end| start + end)
            .unwrap_or(status.body.len());
        status.body[start..end].to_owned()
    };
    assert!(row("Answering Org").contains("<td>signed</td>"));
    assert!(row("Answering Org").contains("by Ann Swer"));
    assert!(row("Silent Org").contains("invited, no answer"));
    assert!(row("Uninvited Org").contains("not invited"));

    let reminded = editor
        .post("/admin/letters/coalition/invites/remind", &[])
        .await;
    assert_redirect(&reminded, "/admin/letters/coalition/invites?");
    let status = editor
        .get(reminded.location.as_deref().unwrap_or_default())
        .await;
    assert!(
        status.body.contains("Reminders sent to 1 member."),
        "{}",
        status.body
    );
    let mails = app.wait_for_mails_to("silent@org.example", 2).await;
    assert!(
        mails[1].subject.starts_with("Reminder"),
        "{}",
        mails[1].subject
    );

    let everyone = editor
        .post("/admin/letters/coalition/invites", &[("all", "1")])
        .await;
    assert_redirect(&everyone, "/admin/letters/coalition/invites?");
    let status = editor
        .get(everyone.location.as_deref().unwrap_or_default())
        .await;
    assert!(
        status
            .body
            .contains("Invites sent to 2 members. 1 member skipped: already signed."),
        "{}",
        status.body
    );
    app.wait_for_mails_to("uninvited@org.example", 1).await;
    assert_eq!(
        app.mails()
            .iter()
            .filter(|mail| mail.to == "answer@org.example")
            .count(),
        2,
        "the member that signed got its invite and its listing, nothing more"
    );

    let actions = app.audit_actions();
    assert_eq!(count(&actions, "invite.send"), 4);
    assert_eq!(count(&actions, "invite.remind"), 1);
}

async fn viewers_read_but_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("coalition", "open", "");
    let id = organization_signs_and_confirms(
        &app,
        "coalition",
        "Friends of the Earth",
        "Grace Hopper",
        "grace@foe.example",
    )
    .await;
    app.cli_ok(&[
        "members",
        "add",
        "Amnesty Section",
        "--email",
        "contact@amnesty.example",
    ]);
    let member_id: String = {
        use undersigned::db::schema::members;
        members::table
            .select(members::id)
            .first(&mut *app.connection() as &mut DbConnection)
            .expect("the member")
    };
    let pages = [
        "/admin/moderation".to_owned(),
        "/admin/letters/coalition/moderation".to_owned(),
        "/admin/letters/coalition/signatures".to_owned(),
        format!("/admin/letters/coalition/signatures/{id}"),
        "/admin/members".to_owned(),
        "/admin/letters/coalition/invites".to_owned(),
    ];
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/admin/letters/coalition/moderation".into(),
            vec![("decision", "approve"), ("id", &id)],
        ),
        (
            format!("/admin/letters/coalition/signatures/{id}/hide"),
            vec![("reason", "test")],
        ),
        (
            format!("/admin/letters/coalition/signatures/{id}/remove"),
            vec![("reason", "test")],
        ),
        (
            "/admin/members".into(),
            vec![("name", "New Org"), ("email", "new@org.example")],
        ),
        (format!("/admin/members/{member_id}/remove"), vec![]),
        (
            "/admin/members/import".into(),
            vec![("csv", "name,email\nNew Org,new@org.example\n")],
        ),
        (
            "/admin/letters/coalition/invites".into(),
            vec![("all", "1")],
        ),
        ("/admin/letters/coalition/invites/remind".into(), vec![]),
    ];

    for path in &pages {
        let anonymous = app.get(path).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            anonymous
                .location
                .as_deref()
                .is_some_and(|location| location.starts_with("/admin/login?next=")),
            "{path} sends strangers to sign in"
        );
    }

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    for path in &pages {
        let page = viewer.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "a viewer reads {path}");
        assert_eq!(
            page.body.matches("csrf=").count(),
            1,
            "{path} offers a viewer no form but signing out"
        );
    }
    let queue = viewer.get("/admin/moderation").await;
    assert!(queue.body.contains("Friends of the Earth"));
    assert!(!queue.body.contains("Approve selected"));

    let editor = app.staff("editor@coalition.test", "editor").await;
    for (path, fields) in &posts {
        let refused = viewer.post(path, fields).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "viewer POST {path}");
        let forged = editor.post_without_csrf(path, fields).await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "no CSRF token: {path}"
        );
        let anonymous = app.post_form(path, crate::helpers::encode(fields)).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "anonymous {path}");
    }

    assert_eq!(state_of(&app, "grace@foe.example"), "verified");
    let listed = app.cli_ok(&["members", "list"]);
    assert!(listed.contains("Amnesty Section") && !listed.contains("New Org"));
    assert_eq!(
        queued_to(&app, "contact@amnesty.example"),
        0,
        "no invite went out"
    );
    // The setup's `members add` is recorded; nothing the viewer tried is.
    let actions = app.audit_actions();
    assert_eq!(count(&actions, "member.add"), 1, "{actions:?}");
    assert!(
        actions
            .iter()
            .all(|action| action.starts_with("staff.") || action == "member.add"),
        "only sign-ins were recorded: {actions:?}"
    );
}
