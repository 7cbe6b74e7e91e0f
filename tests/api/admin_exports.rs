//! Console: staff download exports (the same bytes as `undersigned export`) from a page that
//! starts from what counts, print the letter with its signatories, watch the progress chart
//! (with its goal line), manage API tokens for scripts, and admins read the audit log.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::{letters, signatures};

use crate::helpers::{Backend, Response, TestApp, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_export_page_starts_from_what_counts,
    the_progress_chart_draws_the_goal,
    console_downloads_are_the_command_line_export_byte_for_byte,
    a_long_export_streams_in_pieces_and_stays_identical,
    the_print_view_lists_organizations_then_public_individuals,
    the_progress_page_draws_today_and_counts_every_state,
    the_chart_and_the_total_agree_when_organizations_need_no_approval,
    an_api_token_exports_until_it_is_revoked,
    only_admins_read_the_audit_log,
    a_semicolon_cannot_smuggle_a_formula_into_a_spreadsheet,
);

const SLUG: &str = "dear-president";

/// A letter with two confirmed individuals (one with a formula-looking name), one who did not
/// confirm, and a listed organization.
async fn letter_with_signatures(app: &TestApp) {
    app.create_letter(SLUG, "open", "organizations_need_approval = false");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm(SLUG, "=HYPERLINK(\"http://evil\")", "formula@example.org")
        .await;
    let pending = app
        .sign(
            SLUG,
            &[("name", "Pending Person"), ("email", "pending@example.org")],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER, "{}", pending.body);
    sign_as_organization(app, "Friends of the Earth", "grace@foe.example").await;
}

async fn sign_as_organization(app: &TestApp, organization: &str, email: &str) {
    let response = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", "Grace Hopper"),
                ("title", "Director"),
                ("email", email),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mail = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

fn cli_export(app: &TestApp, format: &str, states: &str, kinds: &str) -> String {
    let mut args = vec!["export", SLUG, "--format", format];
    if !states.is_empty() {
        args.extend(["--state", states]);
    }
    if !kinds.is_empty() {
        args.extend(["--kind", kinds]);
    }
    app.cli_ok(&args)
}

async fn api_get(app: &TestApp, path: &str, token: Option<&str>) -> Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.insert_header(("authorization", format!("Bearer {token}")));
    }
    read(request.send().await.expect("GET answered")).await
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

async fn console_downloads_are_the_command_line_export_byte_for_byte(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_signatures(&app).await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;

    let form = viewer.get(&format!("/admin/letters/{SLUG}/exports")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body
            .contains(&format!(r#"action="/admin/letters/{SLUG}/export.csv""#))
    );
    assert!(form.body.contains(r#"name="state" value="verified""#));

    for format in ["csv", "json"] {
        for (states, kinds) in [
            ("", ""),
            ("verified,pending", "individual"),
            ("approved", "organization"),
            ("withdrawn", ""),
        ] {
            let download = viewer
                .get(&format!(
                    "/admin/letters/{SLUG}/export.{format}?state={states}&kind={kinds}"
                ))
                .await;
            assert_eq!(download.status, StatusCode::OK, "{}", download.body);
            let expected = cli_export(&app, format, states, kinds);
            assert_eq!(
                download.body, expected,
                "{format} with state={states:?} kind={kinds:?}"
            );
        }
    }
    // Repeated parameters mean the same as commas.
    let repeated = viewer
        .get(&format!(
            "/admin/letters/{SLUG}/export.csv?state=verified&state=pending"
        ))
        .await;
    assert_eq!(
        repeated.body,
        cli_export(&app, "csv", "verified,pending", "")
    );

    let csv = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert_eq!(
        header(&csv, "content-disposition"),
        format!(r#"attachment; filename="{SLUG}-signatures.csv""#)
    );
    assert!(header(&csv, "content-type").starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|row| row.expect("a CSV row")[3].to_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names.contains(&"'=HYPERLINK(\"http://evil\")".to_owned()),
        "a spreadsheet shows the formula as text: {names:?}"
    );
    let json = viewer
        .get(&format!(
            "/admin/letters/{SLUG}/export.json?kind=individual"
        ))
        .await;
    assert_eq!(
        header(&json, "content-disposition"),
        format!(r#"attachment; filename="{SLUG}-signatures.json""#)
    );
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("valid JSON");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));

    let wrong = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv?state=lost"))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("lost"), "{}", wrong.body);
    let unknown = viewer.get("/admin/letters/no-such-letter/export.csv").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let xml = viewer
        .get(&format!("/admin/letters/{SLUG}/export.xml"))
        .await;
    assert_eq!(xml.status, StatusCode::NOT_FOUND);

    let anonymous = app.get(&format!("/admin/letters/{SLUG}/export.csv")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(
        anonymous
            .location
            .unwrap_or_default()
            .starts_with("/admin/login?next="),
        "anonymous visitors are sent to sign in"
    );
    assert!(!anonymous.body.contains("ada@example.org"));

    let actions = app.audit_actions();
    assert!(actions.contains(&"export.csv".to_owned()), "{actions:?}");
    assert!(actions.contains(&"export.json".to_owned()), "{actions:?}");
}

/// Adds signatures straight to the database: enough for several chunks and export pages.
fn add_many_signatures(app: &TestApp, count: usize) {
    let mut connection = app.connection();
    let connection: &mut DbConnection = &mut connection;
    let letter_id: String = letters::table
        .filter(letters::slug.eq(SLUG))
        .select(letters::id)
        .first(connection)
        .expect("the letter");
    let now = undersigned::db::now();
    connection
        .transaction(|connection| {
            for number in 0..count {
                let email = format!("signer{number}@example.org");
                diesel::insert_into(signatures::table)
                    .values((
                        signatures::id.eq(undersigned::db::new_id()),
                        signatures::letter_id.eq(&letter_id),
                        signatures::kind.eq("individual"),
                        signatures::state.eq("verified"),
                        signatures::name.eq(format!("Signer Number {number}")),
                        signatures::email.eq(&email),
                        signatures::email_normalized.eq(crate::helpers::mailbox_key(&email)),
                        signatures::city.eq("Lyon"),
                        signatures::public.eq(true),
                        // A reason to keep the address: the service's first sweep may run
                        // while the test reads, and must not change what it reads.
                        signatures::updates.eq(true),
                        signatures::content_hash.eq("0123456789abcdef"),
                        signatures::created_at.eq(now),
                        signatures::verified_at.eq(now),
                    ))
                    .execute(connection)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .expect("signatures inserted");
}

async fn a_long_export_streams_in_pieces_and_stays_identical(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    add_many_signatures(&app, 5_500);
    let editor = app.staff("editor@coalition.test", "editor").await;
    for format in ["csv", "json"] {
        let download = editor
            .get(&format!("/admin/letters/{SLUG}/export.{format}"))
            .await;
        assert_eq!(download.status, StatusCode::OK);
        assert!(
            download.body.len() > 4 * 64 * 1024,
            "more than the chunks in flight"
        );
        assert_eq!(
            header(&download, "transfer-encoding"),
            "chunked",
            "streamed, not buffered"
        );
        assert_eq!(download.body, cli_export(&app, format, "", ""));
    }
    let json = editor
        .get(&format!("/admin/letters/{SLUG}/export.json"))
        .await;
    let rows: serde_json::Value = serde_json::from_str(&json.body).expect("valid JSON");
    assert_eq!(rows.as_array().map(Vec::len), Some(5_500));
}

async fn the_print_view_lists_organizations_then_public_individuals(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_signatures(&app).await;
    let private = app
        .sign(
            SLUG,
            &[("name", "Quiet Supporter"), ("email", "quiet@example.org")],
        )
        .await;
    assert_eq!(private.status, StatusCode::SEE_OTHER);
    let mail = app.wait_for_mails_to("quiet@example.org", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK);

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let print = viewer.get(&format!("/admin/letters/{SLUG}/print")).await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    let body = &print.body;
    assert!(body.contains("Protect the right to protest"));
    assert!(body.contains("To the President"));
    assert!(
        body.contains("<strong>veto</strong>"),
        "the letter's text as HTML"
    );
    assert!(
        body.contains(r#"class="print-letter""#),
        "laid out for paper"
    );
    let stylesheet = viewer.get("/static/style.css").await;
    assert!(
        stylesheet
            .body
            .contains(".print-letter section.signatories { break-before: page; }")
    );
    let organization = body.find("Friends of the Earth").expect("the organization");
    let individual = body.find("Ada Lovelace").expect("a confirmed individual");
    assert!(organization < individual, "organizations come first");
    assert!(
        body.contains("=HYPERLINK(&quot;http://evil&quot;)")
            || body.contains("=HYPERLINK(&#34;http://evil&#34;)"),
        "names are escaped, not neutralized, on paper"
    );
    assert!(
        !body.contains("Quiet Supporter"),
        "signers who did not agree to be listed are left out"
    );
    assert!(!body.contains("Pending Person"), "unconfirmed are left out");
    assert!(!body.contains("ada@example.org"), "no emails on paper");

    let anonymous = app.get(&format!("/admin/letters/{SLUG}/print")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    let unknown = viewer.get("/admin/letters/no-such-letter/print").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn the_progress_page_draws_today_and_counts_every_state(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_signatures(&app).await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let progress = viewer.get(&format!("/admin/letters/{SLUG}/progress")).await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
    let body = &progress.body;
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(body.contains("<svg"), "a server-drawn chart");
    assert!(body.contains(r#"role="img""#));
    assert!(!body.contains("<script"), "no script needed");
    assert_eq!(body.matches(r#"class="bar""#).count(), 1, "one day so far");
    assert!(
        body.contains(&format!("<title>{today}: 4 submitted, 3 counted</title>")),
        "today's bar: {body}"
    );
    assert!(
        body.contains("4 signatures submitted, 3 counted"),
        "the chart describes itself"
    );
    let counts_row = |state: &str, individuals: &str, organizations: &str, total: &str| {
        format!(
            "<th scope=\"row\">{state}</th>\n      <td class=\"number\">{individuals}</td>\n      <td class=\"number\">{organizations}</td>\n      <td class=\"number\">{total}</td>"
        )
    };
    assert!(
        body.contains(&counts_row(
            "verified (organizations: awaiting approval)",
            "2",
            "0",
            "2"
        )),
        "{body}"
    );
    assert!(body.contains(&counts_row("pending", "1", "0", "1")));
    assert!(body.contains(&counts_row("approved", "0", "1", "1")));
    assert!(body.contains(&format!("<th scope=\"row\">{today}</th>")));

    let empty_letter = "empty-letter";
    app.create_letter(empty_letter, "open", "");
    let empty = viewer
        .get(&format!("/admin/letters/{empty_letter}/progress"))
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("No signatures yet."));
}

/// An organization confirmed while the letter still asked for approval, then the letter
/// stops asking: the public total counts it, and so must the chart staff watch.
async fn the_chart_and_the_total_agree_when_organizations_need_no_approval(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = true");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    sign_as_organization(&app, "Friends of the Earth", "grace@foe.example").await;
    {
        let mut connection = app.connection();
        diesel::update(letters::table.filter(letters::slug.eq(SLUG)))
            .set(letters::organizations_need_approval.eq(false))
            .execute(&mut *connection)
            .expect("stop asking for approval");
    }
    // Changed behind the service's back: the public view shows it once the letter's snapshot
    // (read by the confirmation page a moment ago) is a second old, as it would on another
    // instance.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let count = loop {
        let count = app.get(&format!("/letters/{SLUG}/count.json")).await;
        assert_eq!(count.status, StatusCode::OK, "{}", count.body);
        if count.body.contains(r#""total":2"#) || std::time::Instant::now() > deadline {
            break count;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(count.body.contains(r#""total":2"#), "{}", count.body);
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let progress = viewer.get(&format!("/admin/letters/{SLUG}/progress")).await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
    assert!(
        progress.body.contains("2 signatures submitted, 2 counted"),
        "the chart counts what the total counts: {}",
        progress.body
    );
}

fn secret_in(body: &str) -> String {
    let pattern = regex::Regex::new(r"usg_[A-Za-z0-9_\-]+").expect("a valid pattern");
    pattern
        .find(body)
        .map(|found| found.as_str().to_owned())
        .expect("the new token is shown")
}

fn revoke_path(body: &str) -> String {
    let pattern =
        regex::Regex::new(r#"action="(/admin/tokens/[^/"?]+/revoke)"#).expect("a valid pattern");
    pattern
        .captures(body)
        .map(|captures| captures[1].to_owned())
        .expect("a revoke button")
}

async fn an_api_token_exports_until_it_is_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_signatures(&app).await;
    // An editor: a viewer may make counts tokens only (tests/api/token_scopes.rs).
    let viewer = app.staff("editor@coalition.test", "editor").await;

    let empty = viewer.get("/admin/tokens").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("You have no API tokens."));
    let refused = viewer.post("/admin/tokens", &[("name", "  ")]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("Give the token a name"));
    let forged = viewer
        .post_without_csrf("/admin/tokens", &[("name", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let created = viewer
        .post(
            "/admin/tokens",
            &[("name", "delivery script"), ("scope", "export")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert!(created.body.contains("Copy it now"));
    assert_eq!(header(&created, "cache-control"), "no-store");
    let secret = secret_in(&created.body);

    let path = format!("/api/v1/admin/letters/{SLUG}/export.csv?state=verified&kind=individual");
    let exported = api_get(&app, &path, Some(&secret)).await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.body);
    assert_eq!(
        exported.body,
        cli_export(&app, "csv", "verified", "individual")
    );
    assert_eq!(
        header(&exported, "content-disposition"),
        format!(r#"attachment; filename="{SLUG}-signatures.csv""#)
    );
    let json = api_get(
        &app,
        &format!("/api/v1/admin/letters/{SLUG}/export.json"),
        Some(&secret),
    )
    .await;
    assert_eq!(json.body, cli_export(&app, "json", "", ""));
    let unknown = api_get(
        &app,
        "/api/v1/admin/letters/no-such-letter/export.csv",
        Some(&secret),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let problem: serde_json::Value = serde_json::from_str(&unknown.body).expect("JSON");
    assert_eq!(problem["error"], "not_found");

    let listed = viewer.get("/admin/tokens").await;
    assert!(listed.body.contains("delivery script"));
    assert!(
        !listed.body.contains(&secret),
        "the secret is never shown again"
    );
    let revoked = viewer
        .post(&revoke_path(&listed.body), &[("confirm", "yes")])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.location.as_deref(), Some("/admin/tokens"));

    let after = api_get(&app, &path, Some(&secret)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);
    assert!(header(&after, "www-authenticate").starts_with("Bearer"));
    let problem: serde_json::Value = serde_json::from_str(&after.body).expect("JSON");
    assert_eq!(problem["error"], "unauthorized");
    assert!(!after.body.contains("ada@example.org"));
    let listed = viewer.get("/admin/tokens").await;
    assert!(listed.body.contains("revoked"), "{}", listed.body);

    for token in [Some("usg_not-a-real-token"), Some("nonsense"), None] {
        let refused = api_get(&app, &path, token).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(header(&refused, "www-authenticate").starts_with("Bearer"));
    }

    // Someone else's token cannot be revoked from another account.
    let other = app.staff("other@coalition.test", "admin").await;
    let created = other
        .post("/admin/tokens", &[("name", "mine"), ("scope", "export")])
        .await;
    let other_secret = secret_in(&created.body);
    let listed = other.get("/admin/tokens").await;
    let foreign = viewer
        .post(&revoke_path(&listed.body), &[("confirm", "yes")])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let still = api_get(&app, &path, Some(&other_secret)).await;
    assert_eq!(still.status, StatusCode::OK);

    let actions = app.audit_actions();
    for action in ["token.create", "export.csv", "export.json", "token.revoke"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
}

async fn only_admins_read_the_audit_log(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_signatures(&app).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let admin = app.staff("admin@coalition.test", "admin").await;
    editor
        .get(&format!("/admin/letters/{SLUG}/export.csv?state=verified"))
        .await;
    let created = editor.post("/admin/tokens", &[("name", "nightly")]).await;
    assert_eq!(created.status, StatusCode::OK);

    assert_eq!(
        editor.get("/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.get("/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/admin/audit").await.status,
        StatusCode::SEE_OTHER,
        "anonymous visitors are sent to sign in"
    );

    let log = admin.get("/admin/audit").await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let body = &log.body;
    let token = body.find("token.create").expect("the token is in the log");
    let export = body.find("export.csv").expect("the export is in the log");
    assert!(token < export, "newest first");
    assert!(body.contains("editor@coalition.test"));
    assert!(body.contains("state=verified kind=all via console"));
    assert!(body.contains("nightly"));
    assert!(
        body.contains(&format!(r#"<a href="/admin/letters/{SLUG}">"#)),
        "the letter is linked"
    );

    let beyond = admin.get("/admin/audit?page=2").await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(!beyond.body.contains("token.create"));
}

/// Splits a CSV line where a spreadsheet set to `;` would: at every `;` outside quotes.
fn split_on_semicolons(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut inside_quotes = false;
    for character in line.chars() {
        match character {
            '"' => inside_quotes = !inside_quotes,
            ';' if !inside_quotes => cells.push(String::new()),
            _ => {}
        }
        if let Some(cell) = cells.last_mut() {
            cell.push(character);
        }
    }
    cells
}

async fn a_semicolon_cannot_smuggle_a_formula_into_a_spreadsheet(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    app.sign_and_confirm(SLUG, "Ada;=1+1", "ada@example.org")
        .await;
    let city = app
        .sign(
            SLUG,
            &[
                ("name", "Grace"),
                ("email", "grace@example.org"),
                ("city", "Lyon;@SUM(A1:A9)"),
            ],
        )
        .await;
    assert_eq!(city.status, StatusCode::SEE_OTHER, "{}", city.body);
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let download = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, cli_export(&app, "csv", "", ""));
    let mut rows = 0;
    for line in download.body.lines().skip(1) {
        rows += 1;
        assert_eq!(
            split_on_semicolons(line).len(),
            1,
            "a `;` outside quotes would start a new cell: {line}"
        );
        assert!(line.starts_with('"') && line.ends_with('"'), "{line}");
    }
    assert_eq!(rows, 2);
    // Read as a comma CSV, the typed text comes back whole.
    let mut reader = csv::Reader::from_reader(download.body.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|row| row.expect("a CSV row")[3].to_owned())
        .collect();
    assert!(names.contains(&"Ada;=1+1".to_owned()), "{names:?}");
}

async fn the_export_page_starts_from_what_counts(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "organizations_need_approval = true");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let pending = app
        .sign(
            SLUG,
            &[("name", "Pending Person"), ("email", "pending@example.org")],
        )
        .await;
    assert_eq!(pending.status, StatusCode::SEE_OTHER);
    // An organization that confirmed by email and waits for staff: stored as verified, not
    // counted.
    let waiting = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("name", "Wanda Waits"),
                ("organization", "Waiting Org"),
                ("email", "wanda@waiting.example"),
            ],
        )
        .await;
    assert_eq!(waiting.status, StatusCode::SEE_OTHER, "{}", waiting.body);
    let mail = app
        .wait_for_mails_to("wanda@waiting.example", 1)
        .await
        .remove(0);
    let confirmed = app.post_form(&mail.link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);

    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let form = viewer
        .get(&format!("/admin/letters/{SLUG}/exports"))
        .await
        .body;
    assert!(
        form.contains(r#"name="counted" value="yes" checked"#),
        "{form}"
    );
    for unticked in [
        "pending",
        "verified",
        "approved",
        "rejected",
        "withdrawn",
        "removed",
        "duplicate",
    ] {
        assert!(
            form.contains(&format!(r#"name="state" value="{unticked}">"#)),
            "{unticked} starts unticked"
        );
    }
    assert!(form.contains("the signatures that count"), "{form}");
    // The long command lines wrap instead of scrolling the page sideways.
    assert_eq!(form.matches(r#"<pre class="wrap">"#).count(), 2);
    let css = app.get("/static/style.css").await.body;
    assert!(css.contains("pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; }"));

    // What the form sends untouched: the confirmed person only, not the pending one and not
    // the organization still awaiting approval.
    let download = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv?counted=yes"))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.body.contains("ada@example.org"));
    assert!(!download.body.contains("pending@example.org"));
    assert!(!download.body.contains("wanda@waiting.example"));
    // The command line says the same.
    let cli = app.cli_ok(&["export", SLUG, "--counted"]);
    assert!(cli.contains("ada@example.org"));
    assert!(!cli.contains("wanda@waiting.example"));
    // Unticked, everything.
    let everything = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv"))
        .await;
    assert!(everything.body.contains("wanda@waiting.example"));
    assert!(everything.body.contains("pending@example.org"));
    // A value that means nothing is refused, not read as "no".
    let nonsense = viewer
        .get(&format!("/admin/letters/{SLUG}/export.csv?counted=maybe"))
        .await;
    assert_eq!(
        nonsense.status,
        StatusCode::BAD_REQUEST,
        "{}",
        nonsense.body
    );
}

async fn the_progress_chart_draws_the_goal(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "goal = 500");
    app.create_letter("no-goal", "open", "");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    app.sign_and_confirm("no-goal", "Ada Lovelace", "ada@example.org")
        .await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;
    let with_goal = viewer
        .get(&format!("/admin/letters/{SLUG}/progress"))
        .await
        .body;
    assert!(with_goal.contains(r#"<g class="goal""#), "{with_goal}");
    assert!(with_goal.contains(">Goal: 500</text>"));
    assert!(
        with_goal.contains("The goal is 500."),
        "named for screen readers"
    );
    let without = viewer.get("/admin/letters/no-goal/progress").await.body;
    assert!(!without.contains(r#"<g class="goal""#));
}
