//! What a member organization receives, and for how long: its partner file holds only what a
//! member needs (never staff identities, internal ids or the service's bookkeeping); a link
//! belongs to the address it was emailed to, so changing the member's contact revokes it, and
//! the audit log names that address for each issue, revocation and download; a member taken
//! off the roster leaves the public "Brought by our partners" list. And the staff export says,
//! row by row, whether an address is still held.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{audit_log, signatures};

use crate::helpers::{PUBLIC_URL, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_members_file_holds_exactly_what_a_member_needs,
    changing_a_members_contact_revokes_the_links_sent_to_the_old_one,
    a_removed_member_leaves_the_public_tally,
    the_staff_export_says_whether_each_address_is_held,
);

const SLUG: &str = "dear-president";
const STAFF: &str = "moderator@coalition.test";

/// Adds a member with the command line and reads its code back from `members list`.
fn add_member(app: &TestApp, name: &str, email: &str) -> String {
    app.cli_ok(&["members", "add", name, "--email", email]);
    let listed = app.cli_ok(&["members", "list"]);
    let line = listed
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("{name} listed in {listed}"));
    line.split_whitespace()
        .next()
        .expect("a code column")
        .to_owned()
}

/// Signs through `code`'s link with `fields` (plus the form's time and the code), then
/// confirms through the emailed link.
async fn sign_via(app: &TestApp, code: &str, email: &str, fields: &[(&str, &str)]) {
    let page = app.get(&format!("/letters/{SLUG}?via={code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let hidden = |name: &str| {
        page.body
            .split(&format!(r#"name="{name}" value=""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let (t, via) = (hidden("t"), hidden("via"));
    assert_eq!(via, code);
    let mut all = vec![("email", email), ("t", t.as_str()), ("via", via.as_str())];
    all.extend_from_slice(fields);
    let signed = app
        .post_form(&format!("/letters/{SLUG}/sign"), encode(&all))
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mails = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

/// Issues a download link with `members export-link`; returns its path.
async fn export_link(app: &TestApp, member: &str, contact: &str) -> String {
    let before = app.mails().iter().filter(|mail| mail.to == contact).count();
    let printed = app.cli_ok(&["members", "export-link", SLUG, member]);
    let link = printed.trim()[PUBLIC_URL.len()..].to_owned();
    let mails = app.wait_for_mails_to(contact, before + 1).await;
    assert_eq!(
        mails.last().expect("the link email").link("/partners/"),
        link
    );
    link
}

async fn download(app: &TestApp, link: &str, format: &str) -> crate::helpers::Response {
    app.post_form(link, encode(&[("format", format)])).await
}

/// (who, detail) of the audit entries with this action, oldest first.
fn audited(app: &TestApp, action: &str) -> Vec<(String, String)> {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .order((audit_log::created_at.asc(), audit_log::id.asc()))
        .select((audit_log::staff_email, audit_log::detail))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read the audit log")
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|row| row.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect()
}

async fn a_members_file_holds_exactly_what_a_member_needs(backend: crate::helpers::Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let code = add_member(&app, "Greens United", "greens@example.org");
    // An organization, approved by a named moderator, and a person: both shared with the
    // member, with every optional field a member may and may not see.
    sign_via(
        &app,
        &code,
        "grace@foe.example",
        &[
            ("kind", "organization"),
            ("organization", "Friends of the Earth"),
            ("name", "Grace Hopper"),
            ("title", "Director"),
            ("city", "Lyon"),
            ("country", "France"),
            ("website", "https://foe.example"),
            ("public", "on"),
            ("share_with_member", "on"),
        ],
    )
    .await;
    let organization: String = signatures::table
        .filter(signatures::organization.eq("Friends of the Earth"))
        .select(signatures::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the organization's signature");
    app.cli_ok(&["signatures", "approve", SLUG, &organization, "--by", STAFF]);
    sign_via(
        &app,
        &code,
        "ada@example.org",
        &[
            ("name", "Ada Lovelace"),
            ("city", "London"),
            ("share_with_member", "on"),
        ],
    )
    .await;

    let link = export_link(&app, &code, "greens@example.org").await;
    // The page says what the file holds before anyone downloads it.
    let landing = app.get(&link).await;
    assert!(
        landing.body.contains(
            "the file gives the name, organization, title, city, country, email address, \
             language and the day they signed"
        ),
        "{}",
        landing.body
    );
    let csv = download(&app, &link, "csv").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let rows = csv_rows(&csv.body);
    assert_eq!(
        rows[0],
        [
            "name",
            "organization",
            "title",
            "city",
            "country",
            "email",
            "language",
            "date"
        ],
        "exactly the columns a member needs"
    );
    assert_eq!(rows.len(), 3, "{}", csv.body);
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let row_of = |name: &str| {
        rows.iter()
            .find(|row| row[0] == name)
            .unwrap_or_else(|| panic!("{name} in {}", csv.body))
            .clone()
    };
    assert_eq!(
        row_of("Grace Hopper"),
        [
            "Grace Hopper",
            "Friends of the Earth",
            "Director",
            "Lyon",
            "France",
            "grace@foe.example",
            "en",
            today.as_str()
        ]
    );
    assert_eq!(
        row_of("Ada Lovelace"),
        [
            "Ada Lovelace",
            "",
            "",
            "London",
            "",
            "ada@example.org",
            "en",
            today.as_str()
        ]
    );
    // Nothing of the service's own: no moderator, no ids, no states, no hashes, no times.
    let ids: Vec<String> = signatures::table
        .select(signatures::id)
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("ids");
    let mut absent = vec![
        STAFF.to_owned(),
        "approved".into(),
        "verified".into(),
        "https://foe.example".into(),
        "Greens United".into(),
        format!("{today}T"),
    ];
    absent.extend(ids);
    for text in &absent {
        assert!(!csv.body.contains(text.as_str()), "{text} in {}", csv.body);
    }

    let json = download(&app, &link, "json").await;
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 2);
    let columns = [
        "name",
        "organization",
        "title",
        "city",
        "country",
        "email",
        "language",
        "date",
    ];
    for row in rows {
        let mut keys: Vec<&str> = row
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut expected = columns;
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
    // In the file's order too, as the CSV.
    let first = json.body.lines().nth(1).expect("a first row");
    let at: Vec<usize> = columns
        .iter()
        .map(|key| first.find(&format!("\"{key}\":")).expect("the key"))
        .collect();
    assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "{first}");
    for text in &absent {
        assert!(
            !json.body.contains(text.as_str()),
            "{text} in {}",
            json.body
        );
    }
}

async fn changing_a_members_contact_revokes_the_links_sent_to_the_old_one(
    backend: crate::helpers::Backend,
) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let code = add_member(&app, "Alpha Org", "old@alpha.example");
    sign_via(
        &app,
        &code,
        "ada@example.org",
        &[("name", "Ada Lovelace"), ("share_with_member", "on")],
    )
    .await;
    let old_link = export_link(&app, "Alpha Org", "old@alpha.example").await;
    assert_eq!(
        download(&app, &old_link, "csv").await.status,
        StatusCode::OK
    );

    // Re-adding the member with the same contact (to change its website, say) keeps the link.
    app.cli_ok(&[
        "members",
        "add",
        "Alpha Org",
        "--email",
        "old@alpha.example",
        "--website",
        "https://alpha.example",
    ]);
    assert_eq!(app.get(&old_link).await.status, StatusCode::OK);

    // A new contact: the old one's link stops, on its page and for the file.
    let changed = app.cli_ok(&[
        "members",
        "add",
        "Alpha Org",
        "--email",
        "new@alpha.example",
    ]);
    assert!(
        changed.contains("1 download link(s) sent to the previous contact revoked"),
        "{changed}"
    );
    let page = app.get(&old_link).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(page.body.contains("withdrawn"), "{}", page.body);
    let file = download(&app, &old_link, "csv").await;
    assert_eq!(file.status, StatusCode::GONE);
    assert!(!file.body.contains("ada@example.org"));
    assert!(file.headers.get("content-disposition").is_none());

    // A link for the new contact works, and the audit log names who got each link.
    let new_link = export_link(&app, "Alpha Org", "new@alpha.example").await;
    assert_eq!(
        download(&app, &new_link, "json").await.status,
        StatusCode::OK
    );
    let issued = audited(&app, "partner_link.issue");
    assert_eq!(issued.len(), 2, "{issued:?}");
    assert!(
        issued[0].1.contains("emailed to old@alpha.example"),
        "{issued:?}"
    );
    assert!(
        issued[1].1.contains("emailed to new@alpha.example"),
        "{issued:?}"
    );
    let downloads = audited(&app, "partner_link.download");
    assert_eq!(
        downloads.len(),
        2,
        "the refused one is not a download: {downloads:?}"
    );
    assert_eq!(downloads[0].0, "member contact old@alpha.example");
    assert!(
        downloads[0].1.contains("sent to old@alpha.example"),
        "{downloads:?}"
    );
    assert_eq!(downloads[1].0, "member contact new@alpha.example");
    let revoked = audited(&app, "partner_link.revoke");
    assert_eq!(revoked.len(), 1, "{revoked:?}");
    assert!(
        revoked[0].1.contains("sent to old@alpha.example")
            && revoked[0].1.contains("changed to new@alpha.example"),
        "{revoked:?}"
    );

    // The console's contact change does the same, and its list says where each link went.
    let editor = app.staff("editor@coalition.test", "editor").await;
    let saved = editor
        .post(
            "/admin/members",
            &[
                ("name", "Alpha Org"),
                ("email", "third@alpha.example"),
                ("website", ""),
                ("logo_url", ""),
                ("lang", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let told = editor
        .get(saved.location.as_deref().expect("back to the roster"))
        .await;
    assert!(
        told.body
            .contains("sent to the previous contact no longer work"),
        "{}",
        told.body
    );
    assert_eq!(app.get(&new_link).await.status, StatusCode::GONE);
    let listed = editor.get(&format!("/admin/letters/{SLUG}/partners")).await;
    assert!(
        listed.body.contains("to old@alpha.example"),
        "{}",
        listed.body
    );
    assert!(
        listed.body.contains("to new@alpha.example"),
        "{}",
        listed.body
    );
    assert_eq!(audited(&app, "partner_link.revoke").len(), 2);

    // So does a roster imported from a file.
    let third_link = export_link(&app, "Alpha Org", "third@alpha.example").await;
    let file = app.directory.path().join("roster.csv");
    std::fs::write(&file, "name,email\nAlpha Org,fourth@alpha.example\n").expect("write");
    app.cli_ok(&["members", "import", file.to_str().expect("a path")]);
    assert_eq!(app.get(&third_link).await.status, StatusCode::GONE);
    let revoked = audited(&app, "partner_link.revoke");
    assert_eq!(revoked.len(), 3, "{revoked:?}");
    assert!(
        revoked[2].1.contains("sent to third@alpha.example"),
        "{revoked:?}"
    );
}

async fn a_removed_member_leaves_the_public_tally(backend: crate::helpers::Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "show_partner_tally = true");
    let greens = add_member(&app, "Greens United", "greens@example.org");
    let unions = add_member(&app, "Union Hall", "unions@example.org");
    sign_via(&app, &greens, "g1@example.org", &[("name", "Ada")]).await;
    sign_via(&app, &unions, "u1@example.org", &[("name", "Grace")]).await;
    app.wait_for_public_total(SLUG, 2).await;
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(
        page.body.contains("<li><bdi>Union Hall</bdi>: 1</li>"),
        "{}",
        page.body
    );

    app.cli_ok(&["members", "remove", "Union Hall"]);
    // The page is cached for a second at most.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let page = app.get(&format!("/letters/{SLUG}")).await;
    assert!(
        page.body.contains("<li><bdi>Greens United</bdi>: 1</li>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Union Hall"), "{}", page.body);
    // Its signatures still count; staff still see what it brought.
    app.wait_for_public_total(SLUG, 2).await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let partners = viewer.get(&format!("/admin/letters/{SLUG}/partners")).await;
    assert!(
        partners.body.contains("<strong>Union Hall</strong>"),
        "{}",
        partners.body
    );
    assert!(partners.body.contains("(off the roster)"));
}

async fn the_staff_export_says_whether_each_address_is_held(backend: crate::helpers::Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    // Asked for updates: a reason to keep the address.
    let signed = app
        .sign(
            SLUG,
            &[
                ("name", "Held Person"),
                ("email", "held@example.org"),
                ("updates", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mails = app.wait_for_mails_to("held@example.org", 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    // Confirmed with no reason (no updates, no member): the address is let go as the
    // signature is confirmed.
    let signed = app
        .sign(
            SLUG,
            &[("name", "Gone Person"), ("email", "gone@example.org")],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mails = app.wait_for_mails_to("gone@example.org", 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let csv = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let rows = csv_rows(&csv.body);
    let column = |name: &str| {
        rows[0]
            .iter()
            .position(|header| header == name)
            .unwrap_or_else(|| panic!("a {name} column in {:?}", rows[0]))
    };
    let (name, email, held) = (column("name"), column("email"), column("address_held"));
    assert_eq!(held, email + 1, "beside the address");
    let row_of = |who: &str| {
        rows.iter()
            .find(|row| row[name] == who)
            .unwrap_or_else(|| panic!("{who} in {}", csv.body))
    };
    assert_eq!(
        [&row_of("Held Person")[email], &row_of("Held Person")[held]],
        ["held@example.org", "yes"]
    );
    assert_eq!(
        [&row_of("Gone Person")[email], &row_of("Gone Person")[held]],
        ["", "no"]
    );
    let json = viewer
        .get(&format!("/admin/letters/{SLUG}/export.json"))
        .await;
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    let row = |who: &str| {
        rows.as_array()
            .expect("a list")
            .iter()
            .find(|row| row["name"] == who)
            .cloned()
            .unwrap_or_else(|| panic!("{who} in {}", json.body))
    };
    assert_eq!(row("Held Person")["email"], "held@example.org");
    assert_eq!(row("Held Person")["address_held"], true);
    assert_eq!(row("Gone Person")["email"], serde_json::Value::Null);
    assert_eq!(row("Gone Person")["address_held"], false);
    // The command line's export is the same file, and nothing in either holds the address.
    let cli = app.cli_ok(&["export", SLUG]);
    assert_eq!(cli, csv.body);
    assert!(!csv.body.contains("gone@") && !json.body.contains("gone@"));
}
