//! The order in which a letter lists its organizations: staff number them; unnumbered ones
//! follow alphabetically.

use crate::http::admin::{Console, Editor};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::moderation::form_pairs;
use super::{AdminError, Nav, Staff, find_letter, find_letter_with, page, redirect};
use crate::db::{self, DbError};
use crate::http::AppState;
use crate::signatures::{self, moderation};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/letters/{slug}/organizations", web::get().to(show))
        .route("/admin/letters/{slug}/organizations", web::post().to(save));
}

struct Row {
    id: String,
    name: String,
    position: usize,
}

#[derive(Template)]
#[template(path = "admin/organizations_order.html")]
struct OrderPage {
    nav: Nav,
    slug: String,
    title: String,
    rows: Vec<Row>,
    action: String,
}

async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let (letter, listed) = find_letter_with(&state, &slug, |connection, letter| {
        listed_in_order(connection, &letter.id)
    })
    .await?;
    let rows = listed
        .into_iter()
        .enumerate()
        .map(|(index, (id, organization, name))| Row {
            id,
            name: organization.unwrap_or(name),
            position: index + 1,
        })
        .collect();
    page(
        StatusCode::OK,
        &OrderPage {
            nav: staff.nav(),
            action: staff.action(&format!("/admin/letters/{}/organizations", letter.slug)),
            slug: letter.slug.into_string(),
            title: letter.title,
            rows,
        },
    )
}

/// The listed organizations (id, organization, signer), in the order the public page uses.
fn listed_in_order(
    connection: &mut db::DbConnection,
    letter_id: &str,
) -> Result<Vec<(String, Option<String>, String)>, DbError> {
    use crate::db::schema::signatures as table;
    use diesel::prelude::*;
    table::table
        .filter(table::letter_id.eq(letter_id))
        .filter(table::state.eq(signatures::SignatureState::Approved.as_str()))
        .filter(table::kind.eq(signatures::SignatureKind::Organization.as_str()))
        .filter(table::public.eq(true))
        .order((
            table::list_position.is_null().asc(),
            table::list_position.asc(),
            table::organization_normalized.asc(),
            table::id.asc(),
        ))
        .select((table::id, table::organization, table::name))
        .load(connection)
        .map_err(DbError::from)
}

/// Takes `position-{id}=N` fields: organizations are listed by N, then alphabetically for
/// those left empty.
async fn save(
    Console { state, staff, .. }: Console<Editor>,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &slug).await?;
    let mut numbered: Vec<(u32, String)> = Vec::new();
    for (key, value) in form_pairs(&body)? {
        let Some(id) = key.strip_prefix("position-") else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let position: u32 = value
            .parse()
            .map_err(|_| AdminError::BadRequest(format!("{value:?} is not a position number.")))?;
        numbered.push((position, id.to_owned()));
    }
    numbered.sort();
    let ids: Vec<String> = numbered.into_iter().map(|(_, id)| id).collect();
    let actor = staff.actor();
    let slug = letter.slug.clone();
    state
        .with_connection(move |connection| {
            moderation::set_organization_order(connection, &letter, &ids, &actor)
                .map_err(DbError::from)
        })
        .await?;
    state.snapshots.invalidate(&slug);
    Ok(redirect(&format!("/admin/letters/{slug}/organizations")))
}
