//! Partners: a member's referral link records who brought a signature (through the
//! confirmation round trip), the signer's consent to hear from that member, the tallies, and
//! the member contact's own download of its consenting, counted signers.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{members, signatures};

use crate::helpers::{Backend, PUBLIC_URL, TestApp, encode, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    attribution_survives_the_confirmation_round_trip,
    unknown_or_hostile_codes_are_ignored_and_nothing_odd_is_stored,
    the_console_and_the_public_page_show_what_each_member_brought,
    member_exports_hold_only_consenting_counted_signers_of_that_member,
    expired_revoked_and_unknown_links_get_a_plain_page_and_no_file,
    withdrawal_clears_the_consent_and_the_member,
    a_members_embed_attributes_like_its_link,
);

const SLUG: &str = "dear-president";

/// Adds a member with the command line and reads its code back from `members list`.
fn add_member(app: &TestApp, name: &str, email: &str) -> String {
    app.cli_ok(&["members", "add", name, "--email", email]);
    let listed = app.cli_ok(&["members", "list"]);
    let line = listed
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("{name} listed in {listed}"));
    let code = line.split_whitespace().next().expect("a code column");
    assert_eq!(code.len(), 7, "{line}");
    code.to_owned()
}

fn member_id(app: &TestApp, code: &str) -> String {
    members::table
        .filter(members::code.eq(code))
        .select(members::id)
        .first(&mut *app.connection() as &mut DbConnection)
        .expect("the member")
}

/// (via_member_id, share_with_member) of the signatures of this address.
fn attribution(app: &TestApp, email: &str) -> Vec<(Option<String>, bool)> {
    signatures::table
        .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
        .select((signatures::via_member_id, signatures::share_with_member))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures")
}

/// Signs through the form of the page at `page` (which may carry `?via=`), sending what the
/// form holds plus `fields`.
async fn sign_from(app: &TestApp, page: &str, fields: &[(&str, &str)]) -> crate::helpers::Response {
    let page = app.get(page).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let hidden = |name: &str| {
        page.body
            .split(&format!(r#"name="{name}" value=""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    let mut all: Vec<(&str, String)> = fields
        .iter()
        .map(|(key, value)| (*key, (*value).to_owned()))
        .collect();
    for name in ["t", "via"] {
        if let Some(value) = hidden(name)
            && !fields.iter().any(|(key, _)| *key == name)
        {
            all.push((name, value));
        }
    }
    let all: Vec<(&str, &str)> = all
        .iter()
        .map(|(key, value)| (*key, value.as_str()))
        .collect();
    app.post_form(&format!("/letters/{SLUG}/sign"), encode(&all))
        .await
}

async fn confirm_latest(app: &TestApp, email: &str) {
    let mails = app.wait_for_mails_to(email, 1).await;
    let mail = mails.last().expect("a confirmation email");
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

async fn attribution_survives_the_confirmation_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let code = add_member(&app, "Friends & <Neighbours>", "contact@friends.example");
    let other = add_member(&app, "Other Coalition", "hello@other.example");
    assert_ne!(code, other);

    // The link works in any case; the form names the member (escaped) in an unticked box.
    let page = app
        .get(&format!("/letters/{SLUG}?via={}", code.to_lowercase()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Let <bdi>Friends &amp; &lt;Neighbours&gt;</bdi> keep me informed"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<Neighbours>"));
    assert!(page.body.contains(&format!(r#"name="via" value="{code}""#)));
    let share_box = page
        .body
        .split(r#"name="share_with_member""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the consent box");
    assert!(!share_box.contains("checked"), "{share_box}");
    // Without a code there is no box.
    let plain = app.get(&format!("/letters/{SLUG}")).await;
    assert!(!plain.body.contains("keep me informed"));

    let via = format!("/letters/{SLUG}?via={code}");
    let ticked = sign_from(
        &app,
        &via,
        &[
            ("name", "Ada Lovelace"),
            ("email", "ada@example.org"),
            ("share_with_member", "on"),
        ],
    )
    .await;
    assert_eq!(ticked.status, StatusCode::SEE_OTHER, "{}", ticked.body);
    let unticked = sign_from(
        &app,
        &via,
        &[("name", "Grace Hopper"), ("email", "grace@example.org")],
    )
    .await;
    assert_eq!(unticked.status, StatusCode::SEE_OTHER, "{}", unticked.body);

    // A refused form keeps the member and the box.
    let refused = sign_from(
        &app,
        &via,
        &[
            ("name", ""),
            ("email", "x@example.org"),
            ("share_with_member", "on"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("keep me informed"));
    assert!(
        refused
            .body
            .contains(&format!(r#"name="via" value="{code}""#))
    );

    confirm_latest(&app, "ada@example.org").await;
    confirm_latest(&app, "grace@example.org").await;
    let id = member_id(&app, &code);
    assert_eq!(
        attribution(&app, "ada@example.org"),
        [(Some(id.clone()), true)]
    );
    assert_eq!(attribution(&app, "grace@example.org"), [(Some(id), false)]);
    let states = app.signature_states();
    assert!(
        states.iter().all(|(_, state)| state == "verified"),
        "{states:?}"
    );
}

async fn unknown_or_hostile_codes_are_ignored_and_nothing_odd_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let removed = add_member(&app, "Gone Org", "gone@example.org");
    app.cli_ok(&["members", "remove", "Gone Org"]);
    let long = "A".repeat(10 * 1024);
    let hostile = [
        "<script>alert(1)</script>",
        "ABC\u{202E}DEF",
        "\u{2066}ABCDEFG",
        long.as_str(),
        "ZZZZZZZ",
        removed.as_str(),
        "%FF%FE",
    ];
    for (index, via) in hostile.iter().enumerate() {
        let query = encode(&[("via", via)]);
        let page = app.get(&format!("/letters/{SLUG}?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{via:?}");
        assert!(!page.body.contains("keep me informed"), "{via:?}");
        assert!(!page.body.contains("<script>alert"), "{via:?}");
        assert!(!page.body.contains(r#"name="via""#), "{via:?}");

        let email = format!("person{index}@example.org");
        let response = sign_from(
            &app,
            &format!("/letters/{SLUG}"),
            &[
                ("name", "Ada"),
                ("email", &email),
                ("via", via),
                ("share_with_member", "on"),
            ],
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{via:?}: {}",
            response.body
        );
        assert_eq!(attribution(&app, &email), [(None, false)], "{via:?}");
    }
    // The JSON API takes the same field, as leniently.
    let code = add_member(&app, "Json Partners", "json@example.org");
    for (index, via) in [
        serde_json::json!(5),
        serde_json::json!({"code": code}),
        serde_json::json!(["x"]),
        serde_json::json!(null),
        serde_json::json!("<script>"),
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("json{index}@example.org");
        let accepted = app
            .post_json(
                &format!("/api/v1/letters/{SLUG}/signatures"),
                &serde_json::json!({"name": "Json", "email": email, "via": via, "share_with_member": true}),
            )
            .await;
        assert_eq!(
            accepted.status,
            StatusCode::ACCEPTED,
            "{via}: {}",
            accepted.body
        );
        assert_eq!(attribution(&app, &email), [(None, false)], "{via}");
    }
    let accepted = app
        .post_json(
            &format!("/api/v1/letters/{SLUG}/signatures"),
            &serde_json::json!({"name": "Json", "email": "json-ok@example.org", "via": code, "share_with_member": true}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.body);
    assert_eq!(
        attribution(&app, "json-ok@example.org"),
        [(Some(member_id(&app, &code)), true)]
    );
    // A raw, undecodable query string is no error either.
    let raw = app.get(&format!("/letters/{SLUG}?via=%FF&via")).await;
    assert_eq!(raw.status, StatusCode::OK);
    // A NUL is refused in every address before any page reads it (text_everywhere.rs).
    let nul = app.get(&format!("/letters/{SLUG}?via=%FF%00&via")).await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST);
}

/// Signs through `code`'s link (ticking the box when `share`), and confirms when `confirm`.
async fn sign_via(
    app: &TestApp,
    slug: &str,
    code: Option<&str>,
    email: &str,
    share: bool,
    confirm: bool,
) {
    let page = match code {
        Some(code) => format!("/letters/{slug}?via={code}"),
        None => format!("/letters/{slug}"),
    };
    let page = app.get(&page).await;
    let hidden = |name: &str| {
        page.body
            .split(&format!(r#"name="{name}" value=""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let (t, via) = (hidden("t"), hidden("via"));
    let mut fields = vec![
        ("name", "A Signer"),
        ("email", email),
        ("t", t.as_str()),
        ("via", via.as_str()),
    ];
    if share {
        fields.push(("share_with_member", "on"));
    }
    let response = app
        .post_form(&format!("/letters/{slug}/sign"), encode(&fields))
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    if confirm {
        confirm_latest(app, email).await;
    }
}

/// The cells of the table row that names `name`.
fn row_cells(body: &str, name: &str) -> Vec<String> {
    let row = body
        .split("<tr>")
        .find(|row| row.contains(&format!("<strong>{name}</strong>")))
        .unwrap_or_else(|| panic!("a row for {name} in {body}"));
    row.split("<td>")
        .skip(1)
        .map(|cell| cell.split("</td>").next().unwrap_or("").trim().to_owned())
        .collect()
}

async fn the_console_and_the_public_page_show_what_each_member_brought(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "show_partner_tally = true");
    app.create_letter("quiet-letter", "open", "");
    let greens = add_member(&app, "Greens United", "greens@example.org");
    let unions = add_member(&app, "Union Hall", "unions@example.org");
    add_member(&app, "Quiet Partner", "quiet@example.org");

    sign_via(&app, SLUG, Some(&greens), "g1@example.org", true, true).await;
    sign_via(&app, SLUG, Some(&greens), "g2@example.org", false, true).await;
    sign_via(&app, SLUG, Some(&greens), "g3@example.org", true, false).await;
    sign_via(&app, SLUG, Some(&unions), "u1@example.org", false, true).await;
    sign_via(&app, SLUG, None, "plain@example.org", false, true).await;
    sign_via(
        &app,
        "quiet-letter",
        Some(&unions),
        "q1@example.org",
        true,
        true,
    )
    .await;

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let letter_page = viewer.get(&format!("/admin/letters/{SLUG}")).await;
    assert!(
        letter_page
            .body
            .contains(&format!(r#"href="/admin/letters/{SLUG}/partners""#))
    );
    let page = viewer.get(&format!("/admin/letters/{SLUG}/partners")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let greens_row = row_cells(&page.body, "Greens United");
    assert_eq!(greens_row[1..3], ["2", "1"], "{greens_row:?}");
    assert!(
        greens_row[3].contains(&format!("{PUBLIC_URL}/letters/{SLUG}?via={greens}")),
        "{greens_row:?}"
    );
    assert_eq!(row_cells(&page.body, "Union Hall")[1..3], ["1", "0"]);
    assert_eq!(row_cells(&page.body, "Quiet Partner")[1..3], ["0", "0"]);
    // A viewer sees the numbers but cannot send anyone's data.
    assert!(!page.body.contains("Email a download link"));
    let roster = viewer.get("/admin/members").await;
    assert!(
        roster.body.contains(&format!("<code>{greens}</code>")),
        "{}",
        roster.body
    );

    // The public page lists counted numbers only, members that brought none left out.
    app.wait_for_public_total(SLUG, 4).await;
    let public = app.get(&format!("/letters/{SLUG}")).await;
    assert!(
        public.body.contains("Brought by our partners"),
        "{}",
        public.body
    );
    assert!(
        public.body.contains("<li><bdi>Greens United</bdi>: 2</li>"),
        "{}",
        public.body
    );
    assert!(public.body.contains("<li><bdi>Union Hall</bdi>: 1</li>"));
    assert!(!public.body.contains("Quiet Partner"));
    assert!(!public.body.contains(&greens), "codes stay private");
    // The console's letter form shows the choice, ticked as imported.
    let editor = app.staff("editor@coalition.test", "editor").await;
    let form = editor.get(&format!("/admin/letters/{SLUG}/edit")).await;
    let tally_box = form
        .body
        .split(r#"name="show_partner_tally""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the tally checkbox");
    assert!(tally_box.contains("checked"), "{tally_box}");
    // A letter that did not opt in shows nothing of it.
    app.wait_for_public_total("quiet-letter", 1).await;
    let quiet = app.get("/letters/quiet-letter").await;
    assert!(!quiet.body.contains("Brought by our partners"));
    assert!(!quiet.body.contains("Union Hall"));
}

/// Staff email `name` a download link from the console; returns the path of the link.
async fn issue_from_console(
    app: &TestApp,
    editor: &crate::helpers::StaffClient<'_>,
    name: &str,
    contact: &str,
) -> String {
    let page = editor.get(&format!("/admin/letters/{SLUG}/partners")).await;
    let row = page
        .body
        .split("<tr>")
        .find(|row| row.contains(&format!("<strong>{name}</strong>")))
        .expect("the member's row");
    let member = row
        .split(r#"name="member" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the member's id in the form");
    let before = app.mails().iter().filter(|mail| mail.to == contact).count();
    let issued = editor
        .post(
            &format!("/admin/letters/{SLUG}/partners/links"),
            &[("member", member)],
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let mails = app.wait_for_mails_to(contact, before + 1).await;
    mails.last().expect("the link email").link("/partners/")
}

/// Downloads through a link's page, as its recipient does.
async fn download(app: &TestApp, link: &str, format: &str) -> crate::helpers::Response {
    app.post_form(link, encode(&[("format", format)])).await
}

async fn member_exports_hold_only_consenting_counted_signers_of_that_member(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let greens = add_member(&app, "Greens United", "greens@example.org");
    let unions = add_member(&app, "Union Hall", "unions@example.org");
    sign_via(&app, SLUG, Some(&greens), "ticked@example.org", true, true).await;
    sign_via(
        &app,
        SLUG,
        Some(&greens),
        "unticked@example.org",
        false,
        true,
    )
    .await;
    sign_via(
        &app,
        SLUG,
        Some(&greens),
        "pending@example.org",
        true,
        false,
    )
    .await;
    sign_via(
        &app,
        SLUG,
        Some(&unions),
        "other-member@example.org",
        true,
        true,
    )
    .await;
    sign_via(&app, SLUG, None, "direct@example.org", true, true).await;

    let editor = app.staff("editor@coalition.test", "editor").await;
    let link = issue_from_console(&app, &editor, "Greens United", "greens@example.org").await;
    let landing = app.get(&link).await;
    assert_eq!(landing.status, StatusCode::OK, "{}", landing.body);
    assert!(landing.body.contains("1 person signed"), "{}", landing.body);
    assert_eq!(
        landing
            .headers
            .get("referrer-policy")
            .and_then(|value| value.to_str().ok()),
        Some("no-referrer")
    );
    // Opening the page is not a download (a mail scanner may follow links).
    assert!(
        !app.audit_actions()
            .contains(&"partner_link.download".to_owned())
    );

    let csv = download(&app, &link, "csv").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let mut lines = csv.body.lines();
    let header: Vec<String> = lines
        .next()
        .expect("a header")
        .split(',')
        .map(|cell| cell.trim_matches('"').to_owned())
        .collect();
    assert_eq!(
        header,
        undersigned::export::partner_column_names(),
        "the partner file's columns (partner_files.rs)"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "{}", csv.body);
    assert!(rows[0].contains("ticked@example.org"));
    for absent in [
        "unticked@",
        "pending@",
        "other-member@",
        "direct@",
        "Union Hall",
    ] {
        assert!(!csv.body.contains(absent), "{absent} in {}", csv.body);
    }
    let json = download(&app, &link, "json").await;
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["email"], "ticked@example.org");

    let actions = app.audit_actions();
    assert!(
        actions.contains(&"partner_link.issue".to_owned()),
        "{actions:?}"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|action| *action == "partner_link.download")
            .count(),
        2,
        "{actions:?}"
    );
    // The staff export names the member of every referred signature.
    let staff_csv = editor
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert_eq!(staff_csv.status, StatusCode::OK);
    assert!(
        staff_csv.body.contains(r#""Union Hall","yes""#),
        "{}",
        staff_csv.body
    );
}

async fn expired_revoked_and_unknown_links_get_a_plain_page_and_no_file(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let greens = add_member(&app, "Greens United", "greens@example.org");
    sign_via(&app, SLUG, Some(&greens), "ticked@example.org", true, true).await;

    // The command line prints the link and queues the same email.
    let printed = app.cli_ok(&["members", "export-link", SLUG, &greens.to_lowercase()]);
    let url = printed.trim();
    assert!(
        url.starts_with(&format!("{PUBLIC_URL}/partners/")),
        "{printed}"
    );
    let cli_link = url[PUBLIC_URL.len()..].to_owned();
    let mailed = app.wait_for_mails_to("greens@example.org", 1).await;
    assert_eq!(mailed[0].link("/partners/"), cli_link);
    assert_eq!(
        download(&app, &cli_link, "csv").await.status,
        StatusCode::OK
    );
    let by_name = app.cli_ok(&["members", "export-link", SLUG, "Greens United"]);
    let expiring = by_name.trim()[PUBLIC_URL.len()..].to_owned();
    let unknown = app.cli(&["members", "export-link", SLUG, "Nobody Org"]);
    assert!(!unknown.status.success());

    // Revoked from the console.
    let editor = app.staff("editor@coalition.test", "editor").await;
    let page = editor.get(&format!("/admin/letters/{SLUG}/partners")).await;
    let revoke = page
        .body
        .split("<form method=\"post\" action=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.contains("/revoke"))
        .expect("a revoke button")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let path = revoke.split("?csrf=").next().expect("a path").to_owned();
    // Two editors revoke at once: both are answered, the link is revoked once, one record.
    let (revoked, twin) = futures_util::future::join(
        editor.post(&path, &[("confirm", "yes")]),
        editor.post(&path, &[("confirm", "yes")]),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(twin.status, StatusCode::SEE_OTHER, "{}", twin.body);
    assert_eq!(
        app.audit_actions()
            .iter()
            .filter(|action| action.as_str() == "partner_link.revoke")
            .count(),
        1,
        "one revocation recorded"
    );

    // One of the two links is revoked (the newest is listed first); expire the other.
    let downloads_before = app
        .audit_actions()
        .iter()
        .filter(|action| *action == "partner_link.download")
        .count();
    let (revoked_link, other) = if app.get(&cli_link).await.status == StatusCode::GONE {
        (cli_link.clone(), expiring.clone())
    } else {
        (expiring.clone(), cli_link.clone())
    };
    {
        use undersigned::db::schema::partner_links;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
        diesel::update(partner_links::table.filter(partner_links::revoked_at.is_null()))
            .set(partner_links::expires_at.eq(past))
            .execute(&mut *app.connection() as &mut DbConnection)
            .expect("expire the other link");
    }
    for (link, status, says) in [
        (revoked_link.as_str(), StatusCode::GONE, "withdrawn"),
        (other.as_str(), StatusCode::GONE, "expired"),
        (
            "/partners/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            StatusCode::NOT_FOUND,
            "does not work",
        ),
        (
            "/partners/%3Cscript%3E",
            StatusCode::NOT_FOUND,
            "does not work",
        ),
    ] {
        let page = app.get(link).await;
        assert_eq!(page.status, status, "{link}: {}", page.body);
        assert!(page.body.contains(says), "{link}: {}", page.body);
        let file = download(&app, link, "csv").await;
        assert_eq!(file.status, status, "{link}");
        assert!(!file.body.contains("ticked@example.org"));
        assert!(file.headers.get("content-disposition").is_none());
    }
    let actions = app.audit_actions();
    assert_eq!(
        actions
            .iter()
            .filter(|action| *action == "partner_link.download")
            .count(),
        downloads_before,
        "{actions:?}"
    );
    assert!(
        actions.contains(&"partner_link.revoke".to_owned()),
        "{actions:?}"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|action| *action == "partner_link.issue")
            .count(),
        2
    );
}

async fn withdrawal_clears_the_consent_and_the_member(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let greens = add_member(&app, "Greens United", "greens@example.org");
    sign_via(&app, SLUG, Some(&greens), "ada@example.org", true, true).await;
    assert_eq!(
        attribution(&app, "ada@example.org"),
        [(Some(member_id(&app, &greens)), true)]
    );
    let mails = app.wait_for_mails_to("ada@example.org", 1).await;
    let withdrawn = app.post_form(&mails[0].link("/withdraw/"), "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let stored: Vec<(Option<String>, bool, String)> = signatures::table
        .select((
            signatures::via_member_id,
            signatures::share_with_member,
            signatures::state,
        ))
        .load(&mut *app.connection() as &mut DbConnection)
        .expect("read signatures");
    assert_eq!(stored, [(None, false, "withdrawn".to_owned())]);
    // Nothing is left for the member to download.
    let printed = app.cli_ok(&["members", "export-link", SLUG, &greens]);
    let link = printed.trim()[PUBLIC_URL.len()..].to_owned();
    let file = download(&app, &link, "csv").await;
    assert_eq!(file.body.lines().count(), 1, "{}", file.body);
}

/// A member's own site embeds the form with its code: the same consent box, and the
/// signature that follows is the member's, as through its link.
async fn a_members_embed_attributes_like_its_link(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    let code = add_member(&app, "Friends of the Earth", "contact@friends.example");
    let embed = app.get(&format!("/letters/{SLUG}/embed?via={code}")).await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(
        embed
            .body
            .contains("Let <bdi>Friends of the Earth</bdi> keep me informed"),
        "{}",
        embed.body
    );
    let signed = sign_from(
        &app,
        &format!("/letters/{SLUG}/embed?via={code}"),
        &[
            ("name", "Grace Hopper"),
            ("email", "grace@example.org"),
            ("share_with_member", "on"),
        ],
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let stored = attribution(&app, "grace@example.org");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].0.as_deref(),
        Some(member_id(&app, &code).as_str()),
        "the member is recorded"
    );
    assert!(stored[0].1, "the consent is recorded");
    // Without a code, the embed offers no box.
    let plain = app.get(&format!("/letters/{SLUG}/embed")).await;
    assert!(!plain.body.contains("keep me informed"));
}
