//! Console pages: the audit log, newest first. Admins only: it names every staff member and
//! what they touched.

use crate::http::admin::{Admin, Console};
use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{AdminError, Nav, page};
use crate::db::DbError;
use crate::letters;
use crate::staff::audit;

const PER_PAGE: i64 = 50;

pub fn routes(config: &mut web::ServiceConfig) {
    config.route("/admin/audit", web::get().to(log));
}

struct EntryRow {
    when: String,
    who: String,
    action: String,
    /// (slug, title) of the letter, when the entry names one that still exists.
    letter: Option<(String, String)>,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    nav: Nav,
    entries: Vec<EntryRow>,
    page: i64,
    previous: Option<i64>,
    next: Option<i64>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    page: Option<i64>,
}

async fn log(
    Console { state, staff, .. }: Console<Admin>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AdminError> {
    let page_number = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let offset = (page_number - 1) * PER_PAGE;
    let (mut entries, letters_by_id) = state
        .with_connection(move |connection| {
            // One more than shown, to know whether there is a next page.
            let entries = audit::recent(connection, PER_PAGE + 1, offset)?;
            let letters_by_id: HashMap<String, (String, String)> = letters::list_all(connection)?
                .into_iter()
                .map(|letter| {
                    (
                        letter.id.into_string(),
                        (letter.slug.into_string(), letter.title),
                    )
                })
                .collect();
            Ok::<_, DbError>((entries, letters_by_id))
        })
        .await?;
    let has_next = entries.len() as i64 > PER_PAGE;
    entries.truncate(PER_PAGE as usize);
    let entries = entries
        .into_iter()
        .map(|entry| EntryRow {
            when: entry.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            who: entry.staff_email,
            action: entry.action,
            letter: entry
                .letter_id
                .as_ref()
                .and_then(|id| letters_by_id.get(id).cloned()),
            subject: entry.subject.unwrap_or_default(),
            detail: entry.detail,
        })
        .collect();
    page(
        StatusCode::OK,
        &AuditPage {
            nav: staff.nav(),
            entries,
            page: page_number,
            previous: (page_number > 1).then_some(page_number - 1),
            next: has_next.then_some(page_number + 1),
        },
    )
}
