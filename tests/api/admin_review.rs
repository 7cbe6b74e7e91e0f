//! Console: the review queue and the signature lists as staff see them at 1280 px: the
//! moderation decision sits beside the organization it decides, and an organization that
//! confirmed and waits for staff reads "awaiting approval" wherever staff look.

use awc::http::StatusCode;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    the_moderation_decision_sits_beside_the_organization,
    organizations_waiting_are_awaiting_approval_wherever_staff_look,
);

const SLUG: &str = "dear-president";

/// An organization signs and confirms; it then waits for approval.
async fn organization_waits(app: &TestApp, organization: &str, email: &str) {
    let response = app
        .sign(
            SLUG,
            &[
                ("kind", "organization"),
                ("organization", organization),
                ("name", "Grace Hopper"),
                ("email", email),
                ("website", "https://averyveryverylongaddress.example.org/with/a/long/path/that/would/widen/the/table"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let mail = app.wait_for_mails_to(email, 1).await;
    let confirmed = app.post_form(&mail[0].link("/verify/"), "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

/// The `<td>` that holds `text`, whole.
fn cell_with<'a>(body: &'a str, text: &str) -> &'a str {
    let at = body
        .find(text)
        .unwrap_or_else(|| panic!("no {text} in {body}"));
    let start = body[..at].rfind("<td").expect("inside a cell");
    let end = at + body[at..].find("</td>").expect("the cell ends");
    &body[start..end]
}

async fn the_moderation_decision_sits_beside_the_organization(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    organization_waits(&app, "Friends of the Earth", "grace@foe.example").await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    for path in [
        "/admin/moderation",
        &format!("/admin/letters/{SLUG}/moderation"),
    ] {
        let queue = editor.get(path).await;
        assert_eq!(queue.status, StatusCode::OK);
        let cell = cell_with(&queue.body, ">Friends of the Earth</a>");
        assert!(
            cell.contains(r#"aria-label="Approve Friends of the Earth">Approve</button>"#),
            "{cell}"
        );
        assert!(
            cell.contains(r#"aria-label="Reject Friends of the Earth">Reject</button>"#),
            "{cell}"
        );
        // The select label is there for screen readers, out of sight.
        assert!(
            queue
                .body
                .contains(r#"class="visually-hidden">select Friends of the Earth</label>"#),
            "{}",
            queue.body
        );
        // Five columns, not eight: nothing is pushed past a 1280 px screen.
        let header = queue.body.split("<thead>").nth(1).expect("a table head");
        let header = header.split("</thead>").next().unwrap_or_default();
        assert_eq!(header.matches("<th ").count(), 5, "{header}");
    }
    let css = app.get("/static/style.css").await.body;
    assert!(css.contains(".visually-hidden {"));
    assert!(css.contains("table.data td { overflow-wrap: anywhere; }"));

    // The decision beside the name works.
    let queue = editor.get("/admin/moderation").await.body;
    let id = queue
        .split(r#"name="id" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a signature id")
        .to_owned();
    let approved = editor
        .post(
            &format!("/admin/letters/{SLUG}/moderation"),
            &[
                ("decision", "approve"),
                ("id", &id),
                ("return", "queue"),
                ("from", "verified"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert!(
        app.get(&format!("/letters/{SLUG}"))
            .await
            .body
            .contains("<strong>Friends of the Earth</strong>")
    );
}

async fn organizations_waiting_are_awaiting_approval_wherever_staff_look(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter(SLUG, "open", "");
    organization_waits(&app, "Friends of the Earth", "grace@foe.example").await;
    app.sign_and_confirm(SLUG, "Ada Lovelace", "ada@example.org")
        .await;
    let viewer = app.staff("viewer@coalition.test", "viewer").await;

    let list = viewer
        .get(&format!("/admin/letters/{SLUG}/signatures"))
        .await
        .body;
    assert!(cell_with(&list, "grace@foe.example").contains("grace@foe.example"));
    let grace_row = list
        .split("<tr>")
        .find(|row| row.contains("grace@foe.example"))
        .expect("Grace's row");
    assert!(grace_row.contains("<td>awaiting approval"), "{grace_row}");
    let ada_row = list
        .split("<tr>")
        .find(|row| row.contains("ada@example.org"))
        .expect("Ada's row");
    assert!(ada_row.contains("<td>verified"), "{ada_row}");

    let detail_href = grace_row
        .split(r#"href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the signature");
    let detail = viewer.get(detail_href).await.body;
    assert!(
        detail.contains("awaiting approval: confirmed, waiting for approval"),
        "{detail}"
    );

    for path in [
        format!("/admin/letters/{SLUG}"),
        format!("/admin/letters/{SLUG}/progress"),
        format!("/admin/letters/{SLUG}/exports"),
    ] {
        let page = viewer.get(&path).await.body;
        assert!(
            page.contains("verified (organizations: awaiting approval)"),
            "{path}: {page}"
        );
    }
}
