//! API tokens are scoped and expire: a token reads counts, exports, or manages (approves and
//! rejects sign-ons), each admin API route refuses a token of another scope with 403 saying
//! which it needs, an expired token is refused 401 saying when it expired, a viewer can make
//! counts tokens only, and no token does more than its owner's role allows today.

use awc::http::StatusCode;
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use undersigned::db::DbConnection;
use undersigned::db::schema::{api_tokens, signatures};

use crate::auth_hardening::token_secret;
use crate::helpers::{
    Backend, Response, STAFF_PASSWORD, TestApp, fresh_database_url, read, spawn_app, start_on,
};
use crate::on_both_backends;

on_both_backends!(
    a_viewer_makes_counts_tokens_only,
    each_admin_route_requires_its_scope,
    an_expired_token_is_refused_and_the_console_says_so,
    a_lowered_role_lowers_the_token_with_it,
    tokens_made_before_scopes_keep_what_their_owner_may_and_expire,
);

const SLUG: &str = "dear-president";

/// A letter with one confirmed individual and one organization awaiting approval (whose
/// contact's address is held: an organization's contact is a reason to keep it).
async fn letter_with_an_organization(app: &TestApp) {
    app.create_letter(SLUG, "open", "");
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let signed = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", "Friends of the Earth"),
                ("name", "Grace Hopper"),
                ("title", "Director"),
                ("email", "grace@foe.example"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let mail = app.wait_for_mails_to("grace@foe.example", 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

fn organization_id(app: &TestApp) -> String {
    let connection: &mut DbConnection = &mut app.connection();
    signatures::table
        .filter(signatures::kind.eq("organization"))
        .select(signatures::id)
        .first(connection)
        .expect("the organization's sign-on")
}

async fn api(app: &TestApp, method: &str, path: &str, token: &str) -> Response {
    let url = format!("{}/api/v1/admin{path}", app.address);
    let request = match method {
        "POST" => app.client.post(url),
        _ => app.client.get(url),
    };
    read(
        request
            .insert_header(("authorization", format!("Bearer {token}")))
            .send()
            .await
            .expect("answered"),
    )
    .await
}

fn json(response: &Response) -> serde_json::Value {
    serde_json::from_str(&response.body)
        .unwrap_or_else(|error| panic!("{error}: {}", response.body))
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

fn assert_refused_for_scope(response: &Response, needed: &str) {
    assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
    let problem = json(response);
    assert_eq!(problem["error"], "forbidden");
    let message = problem["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("\"{needed}\" scope")),
        "the reason names the scope needed: {message}"
    );
    assert!(header(response, "www-authenticate").contains("insufficient_scope"));
    assert!(!response.body.contains("grace@foe.example"));
}

fn stored_tokens(app: &TestApp) -> Vec<(String, String)> {
    let connection: &mut DbConnection = &mut app.connection();
    api_tokens::table
        .select((api_tokens::name, api_tokens::scope))
        .order(api_tokens::created_at.asc())
        .load(connection)
        .expect("read tokens")
}

async fn a_viewer_makes_counts_tokens_only(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_an_organization(&app).await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;

    let page = viewer.get("/admin/tokens").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"name="scope" value="counts""#));
    assert!(
        !page.body.contains(r#"value="export""#) && !page.body.contains(r#"value="manage""#),
        "a viewer is offered counts only"
    );
    assert!(page.body.contains("may make tokens that read counts only"));

    // A forged form asking for more is refused, says why, and stores nothing.
    for scope in ["export", "manage"] {
        let refused = viewer
            .post("/admin/tokens", &[("name", "sneaky"), ("scope", scope)])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(
            refused
                .body
                .contains("Your role (viewer) does not allow a token that may"),
            "{}",
            refused.body
        );
        assert!(refused.body.contains(r##"href="#token-scope-counts""##));
        assert!(!refused.body.contains("Copy it now"));
    }
    let nonsense = viewer
        .post("/admin/tokens", &[("name", "odd"), ("scope", "admin")])
        .await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
    assert!(nonsense.body.contains("Choose what the token may do"));
    assert!(stored_tokens(&app).is_empty(), "nothing stored");

    let created = viewer
        .post(
            "/admin/tokens",
            &[("name", "dashboard"), ("scope", "counts")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert!(created.body.contains("Scope: Read counts."));
    let secret = token_secret(&created.body);

    let counts = api(&app, "GET", &format!("/letters/{SLUG}/counts"), &secret).await;
    assert_eq!(counts.status, StatusCode::OK, "{}", counts.body);
    let counts_json = json(&counts);
    assert_eq!(counts_json["counted"]["individuals"], 1);
    assert_eq!(counts_json["counted"]["organizations"], 0);
    assert_eq!(counts_json["awaiting_approval"], 1);
    assert_eq!(header(&counts, "cache-control"), "no-store");
    assert!(!counts.body.contains("grace@foe.example"), "no addresses");
    assert!(!counts.body.contains("Ada"), "no names");

    let export = api(&app, "GET", &format!("/letters/{SLUG}/export.csv"), &secret).await;
    assert_refused_for_scope(&export, "export");
    let id = organization_id(&app);
    let approve = api(
        &app,
        "POST",
        &format!("/letters/{SLUG}/signatures/{id}/approve"),
        &secret,
    )
    .await;
    assert_refused_for_scope(&approve, "manage");
    assert_eq!(
        app.signature_states()
            .iter()
            .filter(|(_, state)| state == "approved")
            .count(),
        0,
        "nothing was approved"
    );
}

async fn each_admin_route_requires_its_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_an_organization(&app).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let page = editor.get("/admin/tokens").await;
    for scope in ["counts", "export", "manage"] {
        assert!(
            page.body
                .contains(&format!(r#"name="scope" value="{scope}""#)),
            "an editor is offered {scope}"
        );
    }
    let mint = |scope: &'static str| {
        let editor = &editor;
        async move {
            let created = editor
                .post("/admin/tokens", &[("name", scope), ("scope", scope)])
                .await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.body);
            token_secret(&created.body)
        }
    };
    let (export, manage) = (mint("export").await, mint("manage").await);
    let counts_path = format!("/letters/{SLUG}/counts");
    let export_path = format!("/letters/{SLUG}/export.csv");
    let id = organization_id(&app);
    let approve_path = format!("/letters/{SLUG}/signatures/{id}/approve");

    // Every scope reads counts.
    for token in [&export, &manage] {
        assert_eq!(
            api(&app, "GET", &counts_path, token).await.status,
            StatusCode::OK
        );
    }
    // Export exports, and does not manage.
    let exported = api(&app, "GET", &export_path, &export).await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.body);
    assert!(exported.body.contains("grace@foe.example"));
    assert_refused_for_scope(&api(&app, "POST", &approve_path, &export).await, "manage");
    // Manage manages, and cannot export: approving has no need of every address.
    assert_refused_for_scope(&api(&app, "GET", &export_path, &manage).await, "export");
    assert_refused_for_scope(
        &api(&app, "GET", "/letters/no-such-letter/export.csv", &manage).await,
        "export",
    );
    let approved = api(&app, "POST", &approve_path, &manage).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(json(&approved)["state"], "approved");
    let counts = json(&api(&app, "GET", &counts_path, &manage).await);
    assert_eq!(counts["counted"]["organizations"], 1);
    assert_eq!(counts["awaiting_approval"], 0);
    let again = api(&app, "POST", &approve_path, &manage).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        json(&again)["message"]
            .as_str()
            .unwrap_or_default()
            .contains("approved")
    );
    let unknown = api(
        &app,
        "POST",
        &format!("/letters/{SLUG}/signatures/no-such-id/reject"),
        &manage,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let rejected = api(
        &app,
        "POST",
        &format!("/letters/{SLUG}/signatures/{id}/reject"),
        &manage,
    )
    .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    assert_eq!(json(&rejected)["state"], "rejected");

    // The decisions are recorded in the token owner's name; the list shows each scope.
    let actions = app.audit_actions();
    for action in ["signature.approve", "signature.reject", "export.csv"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
    let listed = editor.get("/admin/tokens").await;
    for label in ["<td>Export</td>", "<td>Manage</td>"] {
        assert!(listed.body.contains(label), "{label}: {}", listed.body);
    }
}

async fn an_expired_token_is_refused_and_the_console_says_so(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_an_organization(&app).await;
    let editor = app.staff("editor@coalition.test", "editor").await;

    // The default is 90 days, shown with its date.
    let page = editor.get("/admin/tokens").await;
    assert!(
        page.body
            .contains(r#"<option value="90" selected>90 days</option>"#)
    );
    let created = editor
        .post("/admin/tokens", &[("name", "nightly"), ("scope", "export")])
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let secret = token_secret(&created.body);
    let in_90_days = (chrono::Utc::now() + chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    assert!(created.body.contains(&format!("Expires {in_90_days}")));
    let listed = editor.get("/admin/tokens").await;
    assert!(
        listed
            .body
            .contains(&format!(r#"expires <time datetime="{in_90_days}T"#)),
        "{}",
        listed.body
    );

    // A chosen life, and lives the form does not offer.
    let weekly = editor
        .post(
            "/admin/tokens",
            &[
                ("name", "weekly"),
                ("scope", "counts"),
                ("expires_in_days", "7"),
            ],
        )
        .await;
    let in_7_days = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    assert!(weekly.body.contains(&format!("Expires {in_7_days}")));
    for days in ["0", "366", "forever", "-5"] {
        let refused = editor
            .post(
                "/admin/tokens",
                &[
                    ("name", "long"),
                    ("scope", "counts"),
                    ("expires_in_days", days),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{days}");
        assert!(refused.body.contains("Choose when the token expires"));
        assert!(refused.body.contains(r##"href="#token-expires""##));
    }
    assert_eq!(stored_tokens(&app).len(), 2);

    let path = format!("/letters/{SLUG}/export.csv");
    assert_eq!(
        api(&app, "GET", &path, &secret).await.status,
        StatusCode::OK
    );
    // The token's time passes.
    let yesterday = undersigned::db::now() - chrono::Duration::days(1);
    let connection: &mut DbConnection = &mut app.connection();
    diesel::update(api_tokens::table.filter(api_tokens::name.eq("nightly")))
        .set(api_tokens::expires_at.eq(yesterday))
        .execute(connection)
        .expect("expire the token");
    let refused = api(&app, "GET", &path, &secret).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    let problem = json(&refused);
    assert_eq!(problem["error"], "token_expired");
    let expired_on = yesterday.format("%Y-%m-%d").to_string();
    assert!(
        problem["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("expired on {expired_on}")),
        "{problem}"
    );
    assert!(header(&refused, "www-authenticate").contains("invalid_token"));
    assert!(!refused.body.contains("grace@foe.example"));
    let counts = api(&app, "GET", &format!("/letters/{SLUG}/counts"), &secret).await;
    assert_eq!(counts.status, StatusCode::UNAUTHORIZED);
    let listed = editor.get("/admin/tokens").await;
    assert!(
        listed
            .body
            .contains(&format!(r#"<strong>expired <time datetime="{expired_on}T"#)),
        "{}",
        listed.body
    );
}

async fn a_lowered_role_lowers_the_token_with_it(backend: Backend) {
    let app = spawn_app(backend).await;
    letter_with_an_organization(&app).await;
    let admin = app.staff("admin@coalition.test", "admin").await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let created = editor
        .post("/admin/tokens", &[("name", "script"), ("scope", "export")])
        .await;
    let secret = token_secret(&created.body);
    let path = format!("/letters/{SLUG}/export.csv");
    assert_eq!(
        api(&app, "GET", &path, &secret).await.status,
        StatusCode::OK
    );

    // The same password (so the token is not revoked), a lower role.
    let lowered = admin
        .post(
            "/admin/staff",
            &[
                ("email", "editor@coalition.test"),
                ("role", "viewer"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(lowered.status, StatusCode::SEE_OTHER, "{}", lowered.body);
    let refused = api(&app, "GET", &path, &secret).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        json(&refused)["message"]
            .as_str()
            .unwrap_or_default()
            .contains("now a viewer"),
        "{}",
        refused.body
    );
    let counts = api(&app, "GET", &format!("/letters/{SLUG}/counts"), &secret).await;
    assert_eq!(
        counts.status,
        StatusCode::OK,
        "counts stay within a viewer's role"
    );
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every migration before this one: the schema tokens were made on without scopes.
fn migrate_to_before_scopes(connection: &mut DbConnection) {
    let before = |name: String| {
        let digits: String = name
            .chars()
            .take_while(|c| *c != '_')
            .filter(char::is_ascii_digit)
            .collect();
        digits.as_str() < "20261207000610"
    };
    match connection {
        DbConnection::Sqlite(connection) => {
            for migration in connection
                .pending_migrations(SQLITE_MIGRATIONS)
                .expect("list")
            {
                if before(migration.name().to_string()) {
                    connection.run_migration(&*migration).expect("migrate");
                }
            }
        }
        DbConnection::Postgresql(connection) => {
            for migration in connection
                .pending_migrations(POSTGRES_MIGRATIONS)
                .expect("list")
            {
                if before(migration.name().to_string()) {
                    connection.run_migration(&*migration).expect("migrate");
                }
            }
        }
    }
}

/// A token as the release before stored it: no scope, no expiry, acting with the role.
fn old_token(connection: &mut DbConnection, role: &str) -> String {
    let secret = format!("usg_{}", "a".repeat(42) + &role[..1]);
    let statements = [
        format!(
            "INSERT INTO staff_users (id, email, email_normalized, password_hash, role, created_at) \
             VALUES ('{role}-id', '{role}@coalition.test', '{role}@coalition.test', 'x', '{role}', \
             '2026-01-01 00:00:00')"
        ),
        format!(
            "INSERT INTO api_tokens (id, staff_id, name, token_hash, created_at) \
             VALUES ('{role}-token', '{role}-id', 'old {role} script', '{}', '2026-01-01 00:00:00')",
            undersigned::values::tokens::hash(&secret)
        ),
    ];
    for statement in statements {
        diesel::sql_query(&statement)
            .execute(connection)
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    secret
}

async fn tokens_made_before_scopes_keep_what_their_owner_may_and_expire(backend: Backend) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let database_url = fresh_database_url(backend, directory.path());
    let (viewer, editor) = {
        let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
        let secrets = {
            let mut connection = pool.get().expect("a connection");
            let connection: &mut DbConnection = &mut connection;
            migrate_to_before_scopes(connection);
            (
                old_token(connection, "viewer"),
                old_token(connection, "editor"),
            )
        };
        undersigned::db::migrate(&pool).expect("migrate to this version");
        secrets
    };
    let (app, _handle) = start_on(database_url, directory.path().join("mail"), &[]).await;
    let stored: Vec<(String, String, Option<chrono::NaiveDateTime>)> = {
        let connection: &mut DbConnection = &mut app.connection();
        api_tokens::table
            .select((api_tokens::name, api_tokens::scope, api_tokens::expires_at))
            .order(api_tokens::name.asc())
            .load(connection)
            .expect("read tokens")
    };
    let scopes: Vec<(&str, &str)> = stored
        .iter()
        .map(|(name, scope, _)| (name.as_str(), scope.as_str()))
        .collect();
    assert_eq!(
        scopes,
        [
            ("old editor script", "export"),
            ("old viewer script", "counts")
        ]
    );
    let now = undersigned::db::now();
    for (name, _, expires_at) in &stored {
        let days = expires_at
            .map(|at| (at - now).num_hours())
            .unwrap_or_default();
        assert!(
            (89 * 24..=90 * 24).contains(&days),
            "{name} expires 90 days after the upgrade: {expires_at:?}"
        );
    }

    app.create_letter(SLUG, "open", "");
    let export = format!("/letters/{SLUG}/export.csv");
    assert_eq!(
        api(&app, "GET", &export, &editor).await.status,
        StatusCode::OK
    );
    assert_refused_for_scope(&api(&app, "GET", &export, &viewer).await, "export");
    let counts = format!("/letters/{SLUG}/counts");
    assert_eq!(
        api(&app, "GET", &counts, &viewer).await.status,
        StatusCode::OK
    );
}
