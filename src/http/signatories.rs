//! A letter's full list of signatories, page by page: the public page and the API's JSON
//! list show the same pages.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::pages::html;
use super::views::SignatoriesPage;
use super::{AppState, PageError};
use crate::db;
use crate::i18n::Message;
use crate::letters;
use crate::read::snapshot::LetterSnapshot;
use crate::signatures;

/// Rows on one page of a letter's full list (the page and the API).
pub const SIGNATORIES_PER_PAGE: i64 = 100;

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
}

pub async fn signatories(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    // Parsed here rather than by the extractor, so a mistyped page number gets a sentence a
    // person understands instead of the deserializer's wording.
    let query = web::Query::<PageQuery>::from_query(request.query_string())
        .map_err(|_| PageError::BadRequest(Message::id("page-number-invalid")))?;
    // The title and links in the language the reader reads the letter in.
    let snapshot = state.public_letter_or(&slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    let total = snapshot.listed.total();
    let shown = listed_page(&state, &snapshot, query.page).await?;
    html(
        &state,
        StatusCode::OK,
        &SignatoriesPage {
            letter: &snapshot.letter,
            path: snapshot.path(),
            organizations: shown.organizations,
            individuals: shown.individuals,
            page: shown.page,
            pages: shown.pages,
            listed_total: crate::i18n::catalog::Tr::current().count("names-listed", total),
            accepting: snapshot.letter.accepts_signatures_at(db::now()),
        },
    )
}

/// One page of a letter's full list, as the signatories page and the API show it.
pub struct ListedPage {
    /// The page shown: the one asked for (the first when none), within those there are.
    pub page: i64,
    pub pages: i64,
    pub organizations: Vec<signatures::PublicSignatory>,
    pub individuals: Vec<signatures::PublicSignatory>,
}

pub async fn listed_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    wanted: Option<i64>,
) -> Result<ListedPage, db::DbError> {
    let listed = snapshot.listed;
    let pages = ((listed.total() + SIGNATORIES_PER_PAGE - 1) / SIGNATORIES_PER_PAGE).max(1);
    let page = wanted.unwrap_or(1).clamp(1, pages);
    let letter = snapshot.letter.clone();
    let (organizations, individuals) = state
        .db(move |connection| signatories_page(connection, &letter, listed.organizations, page))
        .await?;
    Ok(ListedPage {
        page,
        pages,
        organizations,
        individuals,
    })
}

/// One page of the full list: organizations first, then individuals.
fn signatories_page(
    connection: &mut db::DbConnection,
    letter: &letters::Letter,
    organization_count: i64,
    page: i64,
) -> Result<
    (
        Vec<signatures::PublicSignatory>,
        Vec<signatures::PublicSignatory>,
    ),
    diesel::result::Error,
> {
    let start = (page - 1) * SIGNATORIES_PER_PAGE;
    let end = start + SIGNATORIES_PER_PAGE;
    let organizations = if start < organization_count {
        signatures::listed_organizations(connection, letter, start, SIGNATORIES_PER_PAGE)?
    } else {
        Vec::new()
    };
    let individuals = if end > organization_count {
        let offset = (start - organization_count).max(0);
        let limit = end - organization_count.max(start);
        signatures::listed_individuals(connection, letter, offset, limit)?
    } else {
        Vec::new()
    };
    Ok((organizations, individuals))
}
