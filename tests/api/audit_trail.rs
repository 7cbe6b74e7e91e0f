//! The audit log names who changed what, whichever door they came through: every command
//! that changes state or exports addresses leaves one row by "command line", and the same
//! operations in the console leave one row each by the staff member (not two).

use std::collections::HashSet;

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{audit_log, signatures};

use crate::helpers::{Backend, STAFF_PASSWORD, TestApp, letter_document, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    every_command_that_changes_state_or_exports_leaves_one_row_by_the_command_line,
    the_same_operations_in_the_console_leave_one_row_each,
);

const SLUG: &str = "coalition";
const COMMAND_LINE: &str = "command line";

#[derive(Debug)]
struct Row {
    actor: String,
    action: String,
    letter_id: Option<String>,
    detail: String,
}

/// The rows recorded since the last look.
#[derive(Default)]
struct Trail {
    seen: HashSet<String>,
}

impl Trail {
    fn new_rows(&mut self, app: &TestApp) -> Vec<Row> {
        let all: Vec<(String, String, String, Option<String>, String)> = audit_log::table
            .order((audit_log::created_at.asc(), audit_log::id.asc()))
            .select((
                audit_log::id,
                audit_log::staff_email,
                audit_log::action,
                audit_log::letter_id,
                audit_log::detail,
            ))
            .load(&mut *app.connection() as &mut DbConnection)
            .expect("read the audit log");
        all.into_iter()
            .filter(|(id, ..)| self.seen.insert(id.clone()))
            .map(|(_, actor, action, letter_id, detail)| Row {
                actor,
                action,
                letter_id,
                detail,
            })
            .collect()
    }

    /// Forgets what was recorded so far (setting up, not under test).
    fn skip(&mut self, app: &TestApp) {
        self.new_rows(app);
    }

    /// One new row for each of `actions` (in any order), all by `actor` about `letter`.
    fn expect_each(
        &mut self,
        app: &TestApp,
        what: &str,
        actor: &str,
        actions: &[&str],
        letter: Option<&str>,
    ) {
        let rows = self.new_rows(app);
        let mut recorded: Vec<&str> = rows.iter().map(|row| row.action.as_str()).collect();
        recorded.sort();
        let mut wanted = actions.to_vec();
        wanted.sort();
        assert_eq!(recorded, wanted, "{what}: {rows:?}");
        for row in &rows {
            assert_eq!(row.actor, actor, "{what}: {row:?}");
            assert_eq!(row.letter_id.as_deref(), letter, "{what}: {row:?}");
        }
    }

    /// Exactly one new row: `action` by `actor` about `letter`. Returns its detail.
    fn expect_one(
        &mut self,
        app: &TestApp,
        what: &str,
        actor: &str,
        action: &str,
        letter: Option<&str>,
    ) -> String {
        let rows = self.new_rows(app);
        assert_eq!(rows.len(), 1, "{what}: one audit row, got {rows:?}");
        let row = &rows[0];
        assert_eq!(row.actor, actor, "{what}: {row:?}");
        assert_eq!(row.action, action, "{what}: {row:?}");
        assert_eq!(row.letter_id.as_deref(), letter, "{what}: {row:?}");
        row.detail.clone()
    }
}

/// `undersigned staff add` with this password on standard input.
fn staff_add(app: &TestApp, email: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .env(
            "UNDERSIGNED_SIGNING__ADDRESS_KEY",
            crate::helpers::TEST_ADDRESS_KEY,
        )
        .args(["staff", "add", email, "--role", role])
        .env("DATABASE_URL", &app.database_url)
        .env("UNDERSIGNED_LOG__LEVEL", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run staff add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    let output = child.wait_with_output().expect("staff add finishes");
    assert!(
        output.status.success(),
        "staff add failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn sign_as_organization(app: &TestApp, organization: &str, email: &str) -> String {
    let response = app
        .sign(
            SLUG,
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
    let mail = app.wait_for_mails_to(email, 1).await;
    app.post_form(&mail[0].link("/verify/"), "").await;
    signatures::table
        .filter(signatures::organization.eq(organization))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the organization's signature")
}

fn write(app: &TestApp, name: &str, text: &str) -> String {
    let path = app.directory.path().join(name);
    std::fs::write(&path, text).expect("write a file");
    path.display().to_string()
}

async fn every_command_that_changes_state_or_exports_leaves_one_row_by_the_command_line(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let mut trail = Trail::default();
    let cli = COMMAND_LINE;

    // Staff accounts: a new admin, then a password reset.
    staff_add(&app, "root@coalition.test", "admin", STAFF_PASSWORD);
    let created = trail.expect_one(&app, "staff add", cli, "staff.save", None);
    assert!(created.contains("created with role admin"), "{created}");
    staff_add(
        &app,
        "root@coalition.test",
        "admin",
        "another long password",
    );
    let reset = trail.expect_one(&app, "password reset", cli, "staff.save", None);
    assert!(reset.contains("new password"), "{reset}");

    // A letter with its French translation beside it: one row for each text.
    let letter = write(&app, "letter.md", &letter_document(SLUG, "open", ""));
    write(
        &app,
        "letter.fr.md",
        "+++\ntitle = \"Lettre de la coalition\"\naddressee = \"Le Président\"\n+++\n\nNous écrivons.\n",
    );
    app.cli_ok(&["letters", "import", &letter]);
    let letter_id = app.letter_id(SLUG);
    trail.expect_each(
        &app,
        "letters import",
        cli,
        &["letter.create", "letter.translation"],
        Some(&letter_id),
    );
    let lettre = write(
        &app,
        "letter.fr.md",
        "+++\ntitle = \"Lettre commune\"\naddressee = \"Le Président\"\n+++\n\nNous écrivons.\n",
    );
    app.cli_ok(&["letters", "import", &lettre]);
    let detail = trail.expect_one(
        &app,
        "a translation alone",
        cli,
        "letter.translation",
        Some(&letter_id),
    );
    assert!(detail.contains("fr"), "{detail}");

    // The roster.
    app.cli_ok(&[
        "members",
        "add",
        "Amnesty Section",
        "--email",
        "contact@amnesty.example",
    ]);
    trail.expect_one(&app, "members add", cli, "member.add", None);
    let roster = write(
        &app,
        "roster.csv",
        "name,email,website\nGreens United,greens@example.org,\nSilent Org,silent@example.org,\n",
    );
    app.cli_ok(&["members", "import", &roster]);
    let detail = trail.expect_one(&app, "members import", cli, "member.import", None);
    assert!(detail.contains("2 added"), "{detail}");
    app.cli_ok(&["members", "remove", "Silent Org"]);
    trail.expect_one(&app, "members remove", cli, "member.remove", None);

    // Invites and the partners' download link.
    app.cli_ok(&["invites", "send", SLUG, "--member", "Amnesty Section"]);
    trail.expect_one(&app, "invites send", cli, "invite.send", Some(&letter_id));
    app.cli_ok(&["invites", "remind", SLUG]);
    trail.expect_one(
        &app,
        "invites remind",
        cli,
        "invite.remind",
        Some(&letter_id),
    );
    app.cli_ok(&["members", "export-link", SLUG, "Greens United"]);
    trail.expect_one(
        &app,
        "members export-link",
        cli,
        "partner_link.issue",
        Some(&letter_id),
    );

    // Moderation.
    let approved = sign_as_organization(&app, "Friends of the Earth", "grace@foe.example").await;
    let rejected = sign_as_organization(&app, "Prank Society", "prank@example.org").await;
    trail.skip(&app);
    app.cli_ok(&[
        "signatures",
        "approve",
        SLUG,
        &approved,
        "--by",
        "moderator@coalition.test",
    ]);
    let detail = trail.expect_one(
        &app,
        "signatures approve",
        cli,
        "signature.approve",
        Some(&letter_id),
    );
    assert!(detail.contains("Friends of the Earth"), "{detail}");
    assert!(detail.contains("moderator@coalition.test"), "{detail}");
    app.cli_ok(&["signatures", "reject", SLUG, &rejected]);
    trail.expect_one(
        &app,
        "signatures reject",
        cli,
        "signature.reject",
        Some(&letter_id),
    );
    app.cli_ok(&["signatures", "order", SLUG, &approved]);
    trail.expect_one(
        &app,
        "signatures order",
        cli,
        "letter.order",
        Some(&letter_id),
    );

    // Exports of every address, to standard output and to a file.
    app.cli_ok(&["export", SLUG]);
    let detail = trail.expect_one(&app, "export", cli, "export.csv", Some(&letter_id));
    assert!(detail.contains("via command line"), "{detail}");
    let output = app.directory.path().join("out.json").display().to_string();
    app.cli_ok(&["export", SLUG, "--format", "json", "--output", &output]);
    trail.expect_one(&app, "export json", cli, "export.json", Some(&letter_id));

    // An update to the signers, then the delivery and taking it back.
    let update = write(
        &app,
        "update.md",
        &format!("+++\ntitle = \"News\"\nslug = \"{SLUG}\"\n+++\n\nHello.\n"),
    );
    app.cli_ok(&["updates", "send", SLUG, &update, "--yes"]);
    trail.expect_each(
        &app,
        "updates send",
        cli,
        &["update.create", "update.send"],
        Some(&letter_id),
    );
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    app.cli_ok(&[
        "letters", "deliver", SLUG, "--on", &today, "--note", "By hand",
    ]);
    trail.expect_one(
        &app,
        "letters deliver",
        cli,
        "letter.delivered",
        Some(&letter_id),
    );
    app.cli_ok(&["letters", "deliver", SLUG, "--undo"]);
    trail.expect_one(
        &app,
        "letters deliver --undo",
        cli,
        "letter.undelivered",
        Some(&letter_id),
    );

    app.cli_ok(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        &today,
        "--note",
        "By post",
        "--send-update",
        "--yes",
    ]);
    trail.expect_each(
        &app,
        "letters deliver --send-update",
        cli,
        &["letter.delivered", "update.create", "update.send"],
        Some(&letter_id),
    );

    // Forgetting a signer who never confirmed, past its time.
    let unconfirmed = app
        .sign(
            SLUG,
            &[("name", "Never Confirmed"), ("email", "late@example.org")],
        )
        .await;
    assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
    diesel::update(signatures::table.filter(signatures::email.eq("late@example.org")))
        .set(signatures::created_at.eq(undersigned::db::now() - chrono::Duration::days(400)))
        .execute(&mut *app.connection() as &mut DbConnection)
        .expect("age the signature");
    trail.skip(&app);
    let purged = app.cli_ok(&["purge"]);
    assert!(purged.contains("1 unconfirmed signature(s)"), "{purged}");
    let detail = trail.expect_one(&app, "purge", cli, "signature.purge", None);
    assert!(detail.starts_with("1 unconfirmed"), "{detail}");
    assert!(!detail.contains("late@example.org"), "{detail}");

    // Reading changes nothing and records nothing.
    for read in [
        &["letters", "list"][..],
        &["staff", "list"],
        &["members", "list"],
        &["signatures", "list", SLUG],
        &["invites", "status", SLUG],
        &["updates", "status", SLUG],
    ] {
        app.cli_ok(read);
    }
    let rows = trail.new_rows(&app);
    assert!(rows.is_empty(), "{rows:?}");

    // The audit page names the command line as the actor.
    let admin = app.staff("auditor@coalition.test", "admin").await;
    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "command line",
        "letter.create",
        "member.import",
        "signature.approve",
        "export.csv",
        "state=all kind=all via command line",
    ] {
        assert!(page.body.contains(shown), "{shown} on the audit page");
    }
}

async fn the_same_operations_in_the_console_leave_one_row_each(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut trail = Trail::default();
    let admin = app.staff("admin@coalition.test", "admin").await;
    trail.skip(&app);
    let me = "admin@coalition.test";

    let saved = admin
        .post(
            "/admin/staff",
            &[
                ("email", "editor@coalition.test"),
                ("role", "editor"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    trail.expect_one(&app, "staff save", me, "staff.save", None);

    let created = admin
        .post(
            "/admin/letters",
            &[
                ("slug", SLUG),
                ("title", "Coalition letter"),
                ("addressee", "The President"),
                ("summary", "One line."),
                ("body", "We write together."),
                ("goal", ""),
                ("opens_at", ""),
                ("closes_at", ""),
                ("accepts_individuals", "on"),
                ("accepts_organizations", "on"),
                ("organizations_need_approval", "on"),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let letter_id = app.letter_id(SLUG);
    let letter = Some(letter_id.as_str());
    trail.expect_one(&app, "letter create", me, "letter.create", letter);
    let opened = admin
        .post(
            &format!("/admin/letters/{SLUG}/state"),
            &[("to", "open"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    trail.expect_one(&app, "letter state", me, "letter.state", letter);

    let path = format!("/admin/letters/{SLUG}/translation");
    let translated = admin
        .post(
            &path,
            &[
                ("lang", "fr"),
                ("title", "Lettre de la coalition"),
                ("addressee", "Le Président"),
                ("summary", ""),
                ("body", "Nous écrivons ensemble."),
            ],
        )
        .await;
    assert_eq!(
        translated.status,
        StatusCode::SEE_OTHER,
        "{}",
        translated.body
    );
    trail.expect_one(&app, "translation", me, "letter.translation", letter);
    let removed = admin
        .post(
            &format!("{path}/remove"),
            &[("lang", "fr"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    trail.expect_one(
        &app,
        "translation remove",
        me,
        "letter.translation.remove",
        letter,
    );

    let added = admin
        .post(
            "/admin/members",
            &[
                ("name", "Amnesty Section"),
                ("email", "contact@amnesty.example"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    trail.expect_one(&app, "member add", me, "member.add", None);
    let imported = admin
        .post(
            "/admin/members/import",
            &[(
                "csv",
                "name,email,website\nGood Org,good@org.example,\nSilent Org,silent@org.example,\n",
            )],
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    trail.expect_one(&app, "member import", me, "member.import", None);
    let roster = admin.get("/admin/members").await;
    let remove = regex::Regex::new(r#"action="(/admin/members/[^/"]+/remove)\?csrf=[^"]*""#)
        .expect("regex")
        .captures_iter(&roster.body)
        .map(|captures| captures[1].to_owned())
        .last()
        .expect("a remove button");
    let gone = admin.post(&remove, &[("confirm", "yes")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    trail.expect_one(&app, "member remove", me, "member.remove", None);

    let invited = admin
        .post(
            &format!("/admin/letters/{SLUG}/invites"),
            &[("member", "Amnesty Section")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.body);
    trail.expect_one(&app, "invite", me, "invite.send", letter);

    let id = sign_as_organization(&app, "Friends of the Earth", "grace@foe.example").await;
    trail.skip(&app);
    let approved = admin
        .post(
            &format!("/admin/letters/{SLUG}/moderation"),
            &[("decision", "approve"), ("id", &id), ("return", "queue")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    trail.expect_one(&app, "approve", me, "signature.approve", letter);
    let ordered = admin
        .post(
            &format!("/admin/letters/{SLUG}/organizations"),
            &[(&format!("position-{id}"), "1")],
        )
        .await;
    assert_eq!(ordered.status, StatusCode::SEE_OTHER, "{}", ordered.body);
    trail.expect_one(&app, "order", me, "letter.order", letter);

    let export = admin
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains("grace@foe.example"));
    let detail = trail.expect_one(&app, "export", me, "export.csv", letter);
    assert!(detail.contains("via console"), "{detail}");

    // A token, the JSON admin API's export with it (as the token's owner), and revoking it.
    let created = admin
        .post("/admin/tokens", &[("name", "nightly"), ("scope", "export")])
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    trail.expect_one(&app, "token create", me, "token.create", None);
    let secret = regex::Regex::new(r"usg_[A-Za-z0-9_\-]+")
        .expect("regex")
        .find(&created.body)
        .expect("the new token is shown")
        .as_str()
        .to_owned();
    let api = app
        .client
        .get(format!(
            "{}/api/v1/admin/letters/{SLUG}/export.json",
            app.address
        ))
        .insert_header(("authorization", format!("Bearer {secret}")))
        .send()
        .await
        .expect("answered");
    let api = crate::helpers::read(api).await;
    assert_eq!(api.status, StatusCode::OK);
    let detail = trail.expect_one(&app, "API export", me, "export.json", letter);
    assert!(detail.contains("via API token"), "{detail}");
    let tokens = admin.get("/admin/tokens").await;
    let revoke = regex::Regex::new(r#"action="(/admin/tokens/[^/"?]+/revoke)"#)
        .expect("regex")
        .captures(&tokens.body)
        .map(|captures| captures[1].to_owned())
        .expect("a revoke button");
    let revoked = admin.post(&revoke, &[("confirm", "yes")]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    trail.expect_one(&app, "token revoke", me, "token.revoke", None);

    let written = admin
        .post(
            &format!("/admin/letters/{SLUG}/updates"),
            &[("subject", "News"), ("body", "Hello."), ("save", "1")],
        )
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    trail.expect_one(&app, "update written", me, "update.create", letter);
    let update = written.location.expect("the update's page");
    let sent = admin.post(&format!("{update}/send"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    trail.expect_one(&app, "update sent", me, "update.send", letter);

    let list = admin.get("/admin/staff").await;
    let disable = list.form_action("/disable");
    let disabled = admin
        .post_without_csrf(&disable, &[("confirm", "yes")])
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER, "{}", disabled.body);
    trail.expect_one(&app, "staff disable", me, "staff.disable", None);
}
