//! Sign-in and sessions under attack, private metrics, and the small HTTP promises: a
//! sign-in posted from another site, spelling variants and strangers against the lockout, a
//! password change, idle and old sessions, `next` with control characters, `/metrics`,
//! JSON errors for bad query strings, HSTS, and HEAD.

use awc::http::StatusCode;
use diesel::prelude::*;
use undersigned::db::DbConnection;
use undersigned::db::schema::staff_sessions;

use crate::helpers::{
    Backend, Response, STAFF_PASSWORD, TestApp, encode, read, spawn_app, spawn_app_with,
};
use crate::on_both_backends;

on_both_backends!(
    a_sign_in_posted_from_another_site_signs_nobody_in,
    spelling_variants_of_a_throttled_account_are_throttled_too,
    a_stranger_guessing_does_not_lock_the_owner_out_of_their_usual_address,
    a_new_password_ends_the_accounts_other_sessions_and_api_tokens,
    sessions_end_when_idle_and_after_their_absolute_lifetime,
    next_with_control_characters_or_another_site_is_ignored,
    metrics_are_served_only_to_the_token_or_on_the_private_listener,
    bad_query_strings_on_the_api_are_answered_in_json,
    an_https_public_address_sends_hsts,
    head_is_answered_like_get_without_a_body,
);

/// Opens the sign-in page and posts its form with `fields` (the login token added), sending
/// the page's token cookie and `headers`, as a browser on our page does.
pub async fn post_login_form(
    app: &TestApp,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Response {
    let (cookie, token) = app.login_form_token().await;
    let mut all = fields.to_vec();
    all.push(("login_token", &token));
    let mut request = app
        .client
        .post(format!("{}/admin/login", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("cookie", format!("undersigned_login={cookie}")));
    for header in headers {
        request = request.insert_header(*header);
    }
    read(
        request
            .send_body(encode(&all))
            .await
            .expect("POST answered"),
    )
    .await
}

/// The API token shown once on the tokens page (not the `usg_…` in the help text).
pub fn token_secret(body: &str) -> String {
    body.split("usg_")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .find(|rest| rest.len() == 43)
        .map(|rest| format!("usg_{rest}"))
        .expect("the new token is shown once")
}

fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix("undersigned_session="))
        .and_then(|value| value.split(';').next())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

fn session_count(app: &TestApp) -> i64 {
    staff_sessions::table
        .count()
        .get_result(&mut *app.connection() as &mut DbConnection)
        .expect("count sessions")
}

/// GET with a session cookie, as the browser holding it would.
async fn get_with_session(app: &TestApp, cookie: &str, path: &str) -> Response {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("cookie", format!("undersigned_session={cookie}")))
        .send()
        .await
        .expect("GET answered");
    read(response).await
}

fn is_signed_in(response: &Response) -> bool {
    response.status == StatusCode::OK
}

async fn a_sign_in_posted_from_another_site_signs_nobody_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_staff("admin@coalition.test", "admin");
    let credentials = [
        ("email", "admin@coalition.test"),
        ("password", STAFF_PASSWORD),
        ("next", "/admin/letters"),
    ];

    // A page elsewhere posts the form: the browser sends its Origin and no login cookie (it
    // is SameSite=Strict), and the page cannot know a token.
    let cross_site = app
        .client
        .post(format!("{}/admin/login", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("origin", "http://evil.example"))
        .insert_header(("sec-fetch-site", "cross-site"))
        .send_body(encode(&credentials))
        .await
        .expect("POST answered");
    let cross_site = read(cross_site).await;
    assert_eq!(
        cross_site.status,
        StatusCode::FORBIDDEN,
        "{}",
        cross_site.body
    );
    assert!(session_cookie(&cross_site).is_none());
    assert!(
        cross_site.body.contains("did not come from this site"),
        "the person is told to sign in here: {}",
        cross_site.body
    );
    assert!(
        cross_site.body.contains(r#"name="login_token""#),
        "with a fresh form to do so"
    );

    // Even with a token the attacker fetched for itself, the foreign Origin is refused...
    let foreign_origin =
        post_login_form(&app, &credentials, &[("origin", "http://evil.example")]).await;
    assert_eq!(foreign_origin.status, StatusCode::FORBIDDEN);
    let foreign_fetch =
        post_login_form(&app, &credentials, &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(foreign_fetch.status, StatusCode::FORBIDDEN);
    let sandboxed = post_login_form(&app, &credentials, &[("origin", "null")]).await;
    assert_eq!(sandboxed.status, StatusCode::FORBIDDEN);

    // ...and its token does not match the victim's cookie.
    let (_, attacker_token) = app.login_form_token().await;
    let (victim_cookie, _) = app.login_form_token().await;
    let mut mismatched = credentials.to_vec();
    mismatched.push(("login_token", &attacker_token));
    let mismatched = read(
        app.client
            .post(format!("{}/admin/login", app.address))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .insert_header(("cookie", format!("undersigned_login={victim_cookie}")))
            .send_body(encode(&mismatched))
            .await
            .expect("POST answered"),
    )
    .await;
    assert_eq!(mismatched.status, StatusCode::FORBIDDEN);
    assert_eq!(session_count(&app), 0, "no session was opened");
    assert!(!app.audit_actions().contains(&"staff.sign_in".to_owned()));

    // The form on our own page still works, without script, whatever name the browser
    // reached us by.
    for origin in ["http://letters.test", &app.address] {
        let ours = post_login_form(
            &app,
            &credentials,
            &[("origin", origin), ("sec-fetch-site", "same-origin")],
        )
        .await;
        assert_eq!(
            ours.status,
            StatusCode::SEE_OTHER,
            "{origin}: {}",
            ours.body
        );
        assert!(session_cookie(&ours).is_some());
    }
    let page = app.get("/admin/login").await;
    let cookie = page
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("undersigned_login="))
        .expect("the login page sets its token cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

async fn spelling_variants_of_a_throttled_account_are_throttled_too(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[("limits.trusted_proxies", "[\"127.0.0.1\"]".to_owned())],
    )
    .await;
    app.create_staff("alice@gmail.com", "editor");
    app.create_staff("bob@coalition.test", "editor");
    let guesser = "203.0.113.9";
    for _ in 0..5 {
        let wrong = login_from(&app, guesser, "alice@gmail.com", "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    for variant in [
        "ali.ce@gmail.com",
        "ALICE@gmail.com ",
        "alice+console@googlemail.com",
    ] {
        let refused = login_from(&app, guesser, variant, STAFF_PASSWORD).await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{variant:?} is the same account"
        );
        assert!(session_cookie(&refused).is_none());
    }
    assert_eq!(session_count(&app), 0);
    // It is the account that is throttled, not the address: another account signs in from it.
    let bob = login_from(&app, guesser, "bob@coalition.test", STAFF_PASSWORD).await;
    assert_eq!(bob.status, StatusCode::SEE_OTHER, "{}", bob.body);

    // An unknown account behaves the same, so the lockout tells nothing about who exists.
    for _ in 0..5 {
        let wrong = login_from(&app, guesser, "nobody@gmail.com", "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let known = login_from(&app, guesser, "a.lice@gmail.com", "still not it").await;
    let unknown = login_from(&app, guesser, "no.body@gmail.com", "still not it").await;
    assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(known.status, unknown.status);
    let message = "Too many failed sign-ins.";
    assert!(known.body.contains(message) && unknown.body.contains(message));
}

/// Signs in from a client address (the app trusts 127.0.0.1 as its proxy).
async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> Response {
    post_login_form(
        app,
        &[
            ("email", email),
            ("password", password),
            ("next", "/admin/letters"),
        ],
        &[("x-forwarded-for", address)],
    )
    .await
}

async fn a_stranger_guessing_does_not_lock_the_owner_out_of_their_usual_address(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[("limits.trusted_proxies", "[\"127.0.0.1\"]".to_owned())],
    )
    .await;
    app.create_staff("owner@coalition.test", "admin");
    for _ in 0..5 {
        let guess = login_from(&app, "203.0.113.9", "owner@coalition.test", "guess").await;
        assert_eq!(guess.status, StatusCode::UNAUTHORIZED);
    }
    let stranger = login_from(&app, "203.0.113.9", "owner@coalition.test", STAFF_PASSWORD).await;
    assert_eq!(
        stranger.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address is locked out, even with the right password"
    );
    assert!(stranger.headers.contains_key("retry-after"));

    let owner = login_from(&app, "198.51.100.7", "owner@coalition.test", STAFF_PASSWORD).await;
    assert_eq!(
        owner.status,
        StatusCode::SEE_OTHER,
        "the owner still signs in from their own address: {}",
        owner.body
    );
    assert!(session_cookie(&owner).is_some());
    let still = login_from(&app, "203.0.113.9", "owner@coalition.test", STAFF_PASSWORD).await;
    assert_eq!(
        still.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the stranger stays locked"
    );
}

const NEW_PASSWORD: &str = "a brand new passphrase 42";

async fn a_new_password_ends_the_accounts_other_sessions_and_api_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.staff("admin@coalition.test", "admin").await;
    let admin_elsewhere = app.sign_in("admin@coalition.test").await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let token = editor
        .post("/admin/tokens", &[("name", "script"), ("scope", "export")])
        .await;
    let secret = token_secret(&token.body);
    let api = |secret: String| {
        let app = &app;
        async move {
            app.client
                .get(format!(
                    "{}/api/v1/admin/letters/none/export.csv",
                    app.address
                ))
                .insert_header(("authorization", format!("Bearer {secret}")))
                .send()
                .await
                .expect("answered")
                .status()
        }
    };
    assert_ne!(
        api(secret.clone()).await,
        StatusCode::UNAUTHORIZED,
        "the token works"
    );

    // Saving the same password again (a role change) ends nothing.
    let same = admin
        .post(
            "/admin/staff",
            &[
                ("email", "editor@coalition.test"),
                ("role", "editor"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(same.status, StatusCode::SEE_OTHER);
    assert_eq!(editor.get("/admin/letters").await.status, StatusCode::OK);

    // An admin resets the editor's password.
    let reset = admin
        .post(
            "/admin/staff",
            &[
                ("email", "editor@coalition.test"),
                ("role", "editor"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    let after = editor.get("/admin/letters").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the editor's old session ended"
    );
    assert_eq!(
        api(secret).await,
        StatusCode::UNAUTHORIZED,
        "the old API token stopped working"
    );
    assert_eq!(
        app.post_login("editor@coalition.test", STAFF_PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login("editor@coalition.test", NEW_PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The admin changes their own password: this session goes on, the other one ends.
    let own = admin
        .post(
            "/admin/staff",
            &[
                ("email", "admin@coalition.test"),
                ("role", "admin"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.get("/admin/letters").await.status, StatusCode::OK);
    assert_eq!(
        admin_elsewhere.get("/admin/letters").await.status,
        StatusCode::SEE_OTHER
    );

    // The operator's `staff add` (a reset from the command line) ends every session.
    app.create_staff("admin@coalition.test", "admin");
    assert_eq!(
        admin.get("/admin/letters").await.status,
        StatusCode::SEE_OTHER
    );
}

/// Moves a session's sign-in and last request into the past, as time passing would.
fn age_session(app: &TestApp, cookie: &str, signed_in_hours_ago: i64, seen_hours_ago: i64) {
    let now = undersigned::db::now();
    diesel::update(
        staff_sessions::table
            .filter(staff_sessions::token_hash.eq(undersigned::values::tokens::hash(cookie))),
    )
    .set((
        staff_sessions::created_at.eq(now - chrono::Duration::hours(signed_in_hours_ago)),
        staff_sessions::last_seen_at.eq(now - chrono::Duration::hours(seen_hours_ago)),
    ))
    .execute(&mut *app.connection() as &mut DbConnection)
    .expect("age the session");
}

async fn sessions_end_when_idle_and_after_their_absolute_lifetime(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_staff("admin@coalition.test", "admin");
    let login = app.post_login("admin@coalition.test", STAFF_PASSWORD).await;
    let max_age = login
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("undersigned_session="))
        .expect("session cookie")
        .to_owned();
    assert!(
        max_age.contains("Max-Age=86400"),
        "the cookie lives as long as the session may: {max_age}"
    );
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(app.sign_in("admin@coalition.test").await.cookie);
    }

    // Defaults: 8 hours idle, 24 hours in all.
    age_session(&app, &sessions[0], 3, 2);
    assert!(
        is_signed_in(&get_with_session(&app, &sessions[0], "/admin/letters").await),
        "2 h idle is fine"
    );
    age_session(&app, &sessions[1], 9, 9);
    let idle = get_with_session(&app, &sessions[1], "/admin/letters").await;
    assert_eq!(
        idle.status,
        StatusCode::SEE_OTHER,
        "9 h idle ends the session"
    );
    assert!(
        idle.location
            .unwrap_or_default()
            .starts_with("/admin/login")
    );
    age_session(&app, &sessions[2], 25, 0);
    assert!(
        !is_signed_in(&get_with_session(&app, &sessions[2], "/admin/letters").await),
        "a busy session still ends a day after sign-in"
    );
    assert!(
        !is_signed_in(&get_with_session(&app, &sessions[1], "/admin/letters").await),
        "an ended session stays ended"
    );

    // Both lifetimes are settings.
    let strict = spawn_app_with(
        backend,
        &[
            ("staff.session_idle_hours", "1".to_owned()),
            ("staff.session_max_hours", "4".to_owned()),
        ],
    )
    .await;
    strict.create_staff("admin@coalition.test", "admin");
    let idle = strict.sign_in("admin@coalition.test").await.cookie;
    let old = strict.sign_in("admin@coalition.test").await.cookie;
    let fresh = strict.sign_in("admin@coalition.test").await.cookie;
    age_session(&strict, &idle, 2, 2);
    age_session(&strict, &old, 5, 0);
    assert!(!is_signed_in(
        &get_with_session(&strict, &idle, "/admin/letters").await
    ));
    assert!(!is_signed_in(
        &get_with_session(&strict, &old, "/admin/letters").await
    ));
    assert!(is_signed_in(
        &get_with_session(&strict, &fresh, "/admin/letters").await
    ));
}

async fn next_with_control_characters_or_another_site_is_ignored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_staff("admin@coalition.test", "admin");
    for next in [
        "/admin/letters\r\nSet-Cookie: evil=1",
        "/admin/letters\nX-Evil: 1",
        "/admin/\u{0}x",
        "/admin/letters\u{7f}",
        "/admin/caf\u{e9}",
        "https://evil.example/admin",
        "//evil.example/admin",
        "/\\evil.example/admin",
        "javascript:alert(1)",
    ] {
        let response = post_login_form(
            &app,
            &[
                ("email", "admin@coalition.test"),
                ("password", STAFF_PASSWORD),
                ("next", next),
            ],
            &[],
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            response.body
        );
        assert_eq!(
            response.location.as_deref(),
            Some("/admin/letters"),
            "{next:?}"
        );
        assert!(!response.headers.contains_key("x-evil"), "{next:?}");
        assert!(
            response
                .headers
                .get_all("set-cookie")
                .filter_map(|value| value.to_str().ok())
                .all(|value| !value.contains("evil")),
            "{next:?}"
        );
        assert!(
            session_cookie(&response).is_some(),
            "{next:?}: signed in all the same"
        );
    }
    let page = app
        .get("/admin/login?next=%2Fadmin%2Fletters%0D%0AX-Evil:%201")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"name="next" value="/admin/letters""#),
        "{}",
        page.body
    );
    let kept = post_login_form(
        &app,
        &[
            ("email", "admin@coalition.test"),
            ("password", STAFF_PASSWORD),
            ("next", "/admin/letters/dear-president?tab=signatures"),
        ],
        &[],
    )
    .await;
    assert_eq!(
        kept.location.as_deref(),
        Some("/admin/letters/dear-president?tab=signatures"),
        "a plain console address is still followed"
    );
}

async fn get_metrics(app: &TestApp, base: &str, authorization: Option<&str>) -> Response {
    let mut request = app.client.get(format!("{base}/metrics"));
    if let Some(value) = authorization {
        request = request.insert_header(("authorization", value));
    }
    read(request.send().await.expect("GET /metrics answered")).await
}

async fn metrics_are_served_only_to_the_token_or_on_the_private_listener(backend: Backend) {
    // No token set: the public port never serves metrics.
    let closed = spawn_app_with(backend, &[("server.metrics_token", String::new())]).await;
    for authorization in [None, Some("Bearer "), Some("Bearer anything")] {
        let response = get_metrics(&closed, &closed.address, authorization).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{authorization:?}");
        assert!(!response.body.contains("undersigned_"), "{authorization:?}");
    }

    // A token set: only that bearer token gets them.
    let app = spawn_app(backend).await;
    let token = crate::helpers::METRICS_TOKEN;
    for authorization in [
        None,
        Some("Bearer wrong-token".to_owned()),
        Some(format!("Bearer {token}x")),
        Some(format!("Basic {token}")),
        Some(token.to_owned()),
    ] {
        let response = get_metrics(&app, &app.address, authorization.as_deref()).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{authorization:?}");
        assert!(!response.body.contains("undersigned_"));
    }
    let scraped = get_metrics(&app, &app.address, Some(&format!("Bearer {token}"))).await;
    assert_eq!(scraped.status, StatusCode::OK);
    assert!(
        scraped
            .body
            .contains("# TYPE undersigned_http_requests_total counter")
    );

    // A private listener serves them without a token, and nothing else.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let private = spawn_app_with(
        backend,
        &[
            ("server.metrics_token", String::new()),
            ("server.metrics_bind", format!("127.0.0.1:{port}")),
        ],
    )
    .await;
    private.create_letter("dear-president", "open", "");
    assert_eq!(
        private.get("/letters/dear-president").await.status,
        StatusCode::OK
    );
    let public = get_metrics(&private, &private.address, None).await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    let base = format!("http://127.0.0.1:{port}");
    let scraped = get_metrics(&private, &base, None).await;
    assert_eq!(scraped.status, StatusCode::OK);
    assert!(
        scraped.body.contains(
            "undersigned_http_requests_total{route=\"/letters/{slug}\",status=\"200\"} 1"
        ),
        "{}",
        scraped.body
    );
    let health = read(
        private
            .client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("answered"),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    let letter = read(
        private
            .client
            .get(format!("{base}/letters/dear-president"))
            .send()
            .await
            .expect("answered"),
    )
    .await;
    assert_eq!(
        letter.status,
        StatusCode::NOT_FOUND,
        "the private listener serves only metrics"
    );
}

fn content_type(response: &Response) -> String {
    response
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn bad_query_strings_on_the_api_are_answered_in_json(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for path in [
        "/api/v1/letters/dear-president/signatories?page=abc",
        "/api/v1/letters/dear-president/signatories?page=99999999999999999999999",
        "/api/v1/letters/dear-president/signatories?page=%FF",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            content_type(&response).starts_with("application/json"),
            "{path}: {}",
            content_type(&response)
        );
        let body: serde_json::Value = serde_json::from_str(&response.body).expect("a JSON body");
        assert_eq!(body["error"], "bad_request", "{path}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|message| !message.is_empty())
        );
    }
    let good = app
        .get("/api/v1/letters/dear-president/signatories?page=1")
        .await;
    assert_eq!(good.status, StatusCode::OK);
    let page = app
        .get("/letters/dear-president/signatories?page=abc")
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        content_type(&page).starts_with("text/html"),
        "pages keep answering in HTML"
    );
}

fn hsts(response: &Response) -> Option<String> {
    response
        .headers
        .get("strict-transport-security")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn an_https_public_address_sends_hsts(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[("server.public_url", "https://letters.test".to_owned())],
    )
    .await;
    app.create_letter("dear-president", "open", "");
    for path in [
        "/",
        "/letters/dear-president",
        "/letters/nope",
        "/admin/login",
        "/api/v1/letters",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            hsts(&response).as_deref(),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    let plain = spawn_app(backend).await;
    assert_eq!(
        hsts(&plain.get("/").await),
        None,
        "no HSTS over a plain http address"
    );
}

async fn head_is_answered_like_get_without_a_body(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for path in [
        "/",
        "/letters/dear-president",
        "/letters/dear-president/signatories",
        "/letters/nope",
        "/api/v1/letters",
        "/api/v1/letters/dear-president",
        "/static/style.css",
        "/healthz",
        "/admin/login",
        "/admin/letters",
    ] {
        let get = app.get(path).await;
        let head = read(
            app.client
                .head(format!("{}{path}", app.address))
                .send()
                .await
                .expect("HEAD answered"),
        )
        .await;
        assert_eq!(head.status, get.status, "{path}");
        assert_eq!(content_type(&head), content_type(&get), "{path}");
        assert_eq!(head.location, get.location, "{path}");
        assert!(head.body.is_empty(), "{path}: HEAD has no body");
        if let Some(length) = head.headers.get("content-length") {
            assert_eq!(
                length.to_str().ok(),
                Some(get.body.len().to_string().as_str()),
                "{path}: the length of the GET body"
            );
        }
    }
    assert_eq!(session_count(&app), 0);
}
