//! An admin makes a scoped, expiring API token in a real browser: the form offers the three
//! scopes with what each may do and an expiry (90 days chosen), the new token is shown once
//! with its scope and expiry, and the list names each token's scope and expiry date. The
//! page passes axe-core on a phone and a laptop without scrolling sideways; screenshots land
//! in `target/screenshots/token-*.png`.

use fantoccini::Locator;

use super::{
    ChromeDriver, axe_check, axe_source, click, fill, require_browser, screenshots, set_viewport,
    sign_in, spawn_app, wait_for_text, wait_until_loaded,
};

#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn an_admin_makes_a_scoped_expiring_token_in_a_real_browser() {
    require_browser();
    let axe = axe_source();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    app.create_admin();

    let driver = ChromeDriver::start().await;
    let admin = driver
        .session(&directory.path().join("admin-profile"))
        .await;
    set_viewport(&admin, 1366, 768).await;
    sign_in(&admin, &app).await;
    let mut found = Vec::new();

    let page = app.url("/admin/tokens");
    admin.goto(&page).await.expect("open the tokens page");
    let text = wait_for_text(&admin, "What the token may do").await;
    for expected in ["Read counts", "Export", "Manage", "Expires after"] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    let chosen = admin
        .execute(
            "return [document.querySelector('input[name=scope]:checked').value, \
             document.getElementById('token-expires').value];",
            vec![],
        )
        .await
        .expect("read the form");
    assert_eq!(
        chosen,
        serde_json::json!(["counts", "90"]),
        "the least and the default"
    );
    wait_until_loaded(&admin).await;
    axe_check(&admin, &axe, "tokens form", &mut found).await;
    set_viewport(&admin, 1366, 768).await;

    // Submitting with no name (past the browser's own check, as an old browser would): the
    // error summary, and nothing lost.
    admin
        .execute(
            "document.getElementById('token-name').removeAttribute('required');",
            vec![],
        )
        .await
        .expect("drop the browser's check");
    click(&admin, Locator::Css("#token-scope-manage")).await;
    click(&admin, Locator::Css("main form.panel button[type=submit]")).await;
    wait_for_text(&admin, "There is a problem").await;
    let kept = admin
        .execute(
            "return document.querySelector('input[name=scope]:checked').value;",
            vec![],
        )
        .await
        .expect("read the form");
    assert_eq!(kept, serde_json::json!("manage"), "the choice is kept");

    fill(
        &admin,
        "#token-name",
        "Delivery script on the office server",
    )
    .await;
    click(&admin, Locator::Css("#token-scope-export")).await;
    admin
        .execute(
            "document.getElementById('token-expires').value = '30';",
            vec![],
        )
        .await
        .expect("choose 30 days");
    click(&admin, Locator::Css("main form.panel button[type=submit]")).await;
    let text = wait_for_text(&admin, "Copy it now").await;
    let in_30_days = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        text.contains(&format!("Scope: Export. Expires {in_30_days}")),
        "{text}"
    );
    wait_until_loaded(&admin).await;
    axe_check(&admin, &axe, "tokens page with a new token", &mut found).await;

    // The list, as it stays after the secret is gone.
    set_viewport(&admin, 390, 844).await;
    admin.goto(&page).await.expect("open the tokens page");
    let text = wait_for_text(&admin, "Your tokens").await;
    assert!(text.contains(&format!("expires {in_30_days}")), "{text}");
    let sideways = admin
        .execute(
            "const root = document.documentElement; return root.scrollWidth > root.clientWidth;",
            vec![],
        )
        .await
        .expect("measure the page");
    assert_eq!(
        sideways,
        serde_json::json!(false),
        "the page fits a phone's width"
    );
    screenshots(&admin, &page, "token-scopes").await;

    admin.close().await.expect("close the browser");
    drop(driver);
    assert!(
        found.is_empty(),
        "axe-core found {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}
