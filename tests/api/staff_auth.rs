//! Staff sign in and out; anonymous visitors and forged forms get nowhere.

use awc::http::StatusCode;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    staff_sign_in_and_out,
    wrong_passwords_and_unknown_emails_get_the_same_answer_then_a_pause,
    the_console_refuses_anonymous_visitors_and_forged_forms,
    admins_manage_staff_accounts_and_disabling_ends_access,
);

async fn admins_manage_staff_accounts_and_disabling_ends_access(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.staff("admin@coalition.test", "admin").await;
    let page = admin.get("/admin/staff").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("admin@coalition.test"));

    let weak = admin
        .post(
            "/admin/staff",
            &[
                ("email", "new@coalition.test"),
                ("role", "editor"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("at least 10 characters"));
    let created = admin
        .post(
            "/admin/staff",
            &[
                ("email", "new@coalition.test"),
                ("role", "editor"),
                ("password", crate::helpers::STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let editor = app.sign_in("new@coalition.test").await;
    assert_eq!(
        editor.get("/admin/staff").await.status,
        StatusCode::FORBIDDEN,
        "editors do not manage staff"
    );
    let token = editor
        .post("/admin/tokens", &[("name", "script"), ("scope", "export")])
        .await;
    let secret = crate::auth_hardening::token_secret(&token.body);
    let export = |secret: String| {
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
        export(secret.clone()).await,
        StatusCode::UNAUTHORIZED,
        "the token works while the account is enabled"
    );

    let list = admin.get("/admin/staff").await;
    let action = list.form_action("/disable");
    let disabled = admin
        .post_without_csrf(&action, &[("confirm", "yes")])
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    let after = editor.get("/admin/letters").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the editor's session ended"
    );
    let refused = app
        .post_login("new@coalition.test", crate::helpers::STAFF_PASSWORD)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        export(secret).await,
        StatusCode::UNAUTHORIZED,
        "the token stopped working"
    );
    let actions = app.audit_actions();
    assert!(actions.contains(&"staff.save".to_owned()));
    assert!(actions.contains(&"staff.disable".to_owned()));
}

async fn staff_sign_in_and_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.staff("admin@coalition.test", "admin").await;
    let login = app
        .post_login("admin@coalition.test", crate::helpers::STAFF_PASSWORD)
        .await;
    assert_eq!(login.location.as_deref(), Some("/admin/letters"));
    let cookie = login
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("undersigned_session="))
        .expect("session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http public_url in tests: {cookie}"
    );

    let home = admin.get("/admin").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    let out = admin.post("/admin/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/admin/login"));
    let after = admin.get("/admin").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(
        after
            .location
            .unwrap_or_default()
            .starts_with("/admin/login"),
        "the session is over"
    );
    let actions = app.audit_actions();
    assert!(actions.contains(&"staff.sign_in".to_owned()));
    assert!(actions.contains(&"staff.sign_out".to_owned()));
}

async fn wrong_passwords_and_unknown_emails_get_the_same_answer_then_a_pause(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_staff("editor@coalition.test", "editor");
    let wrong = app
        .post_login("editor@coalition.test", "not the password")
        .await;
    let unknown = app
        .post_login("nobody@coalition.test", "not the password")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let message = "That email and password do not match an account.";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert!(!wrong.headers.contains_key("set-cookie"));

    for _ in 0..4 {
        app.post_login("editor@coalition.test", "still wrong").await;
    }
    let refused = app
        .post_login("editor@coalition.test", crate::helpers::STAFF_PASSWORD)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked for a while, even with the right password"
    );
    assert!(refused.headers.contains_key("retry-after"));
    assert!(refused.body.contains("Too many failed sign-ins"));
}

async fn the_console_refuses_anonymous_visitors_and_forged_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = app.get("/admin/letters").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.location.as_deref(),
        Some("/admin/login?next=/admin/letters")
    );
    let anonymous_post = app.post_form("/admin/logout", "").await;
    assert_eq!(anonymous_post.status, StatusCode::SEE_OTHER);

    let admin = app.staff("admin@coalition.test", "admin").await;
    let forged = admin.post_without_csrf("/admin/logout", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("This form has expired"));
    let wrong = admin
        .post_without_csrf(
            "/admin/logout?csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // The session survived the forged posts.
    assert_eq!(admin.get("/admin").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get("/admin").await.location.as_deref(),
        Some("/admin/letters")
    );

    let open_redirect = crate::auth_hardening::post_login_form(
        &app,
        &[
            ("email", "admin@coalition.test"),
            ("password", crate::helpers::STAFF_PASSWORD),
            ("next", "//evil.example/"),
        ],
        &[],
    )
    .await;
    assert_eq!(open_redirect.location.as_deref(), Some("/admin/letters"));
}
