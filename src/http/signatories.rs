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
use crate::read::search::{Indexed, Search, SignatoryIndex};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures;

/// Rows on one page of a letter's full list (the page and the API).
pub const SIGNATORIES_PER_PAGE: i64 = 100;

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
    /// Words to find in a listed signatory's name, organization or country.
    #[serde(default)]
    pub q: String,
    /// The start of a listed signatory's country.
    #[serde(default)]
    pub country: String,
}

impl PageQuery {
    /// The search asked for, if any (`read::search`).
    pub fn search(&self) -> Option<Search> {
        Search::new(&self.q, &self.country)
    }
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
    let search = query.search();
    let shown = listed_page(&state, &snapshot, query.page, search.as_ref()).await?;
    let tr = crate::i18n::catalog::Tr::current();
    html(
        &state,
        StatusCode::OK,
        &SignatoriesPage {
            letter: &snapshot.letter,
            path: snapshot.path(),
            organizations: shown.organizations,
            member_links: &snapshot.member_links,
            individuals: shown.individuals,
            page: shown.page,
            pages: shown.pages,
            listed_total: match &search {
                None => tr.count("names-listed", shown.total),
                Some(_) => tr.count("signatories-search-found", shown.total),
            },
            searched: search.is_some(),
            q: query
                .q
                .chars()
                .take(crate::read::search::QUERY_MAX)
                .collect(),
            country: query
                .country
                .chars()
                .take(crate::read::search::QUERY_MAX)
                .collect(),
            accepting: snapshot.letter.accepts_signatures_at(db::now()),
        },
    )
}

/// One page of a letter's full list, as the signatories page and the API show it.
pub struct ListedPage {
    /// How many listed signatories there are, or match the search.
    pub total: i64,
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
    search: Option<&Search>,
) -> Result<ListedPage, db::DbError> {
    if let Some(search) = search {
        return found_page(state, snapshot, wanted, search).await;
    }
    let listed = snapshot.listed;
    let pages = pages_for(listed.total());
    let page = wanted.unwrap_or(1).clamp(1, pages);
    let letter = snapshot.letter.clone();
    let (organizations, individuals) = state
        .db(move |connection| signatories_page(connection, &letter, listed.organizations, page))
        .await?;
    Ok(ListedPage {
        total: listed.total(),
        page,
        pages,
        organizations,
        individuals,
    })
}

fn pages_for(total: i64) -> i64 {
    ((total + SIGNATORIES_PER_PAGE - 1) / SIGNATORIES_PER_PAGE).max(1)
}

/// One page of a search's matches, from the letter's search index (built or rebuilt here
/// when it is behind the snapshot's counts), read again from the database by id.
async fn found_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    wanted: Option<i64>,
    search: &Search,
) -> Result<ListedPage, db::DbError> {
    let index = search_index(state, snapshot).await?;
    let found = index.find(search);
    let pages = pages_for(found.total());
    let page = wanted.unwrap_or(1).clamp(1, pages);
    let per_page = SIGNATORIES_PER_PAGE as usize;
    let ids = index.ids(&found, (page as usize - 1) * per_page, per_page);
    let letter = snapshot.letter.clone();
    let shown = state
        .db(move |connection| signatures::lists::listed_by_ids(connection, &letter, &ids))
        .await?;
    let (organizations, individuals) = shown
        .into_iter()
        .partition(|signatory| signatory.kind == signatures::SignatureKind::Organization);
    Ok(ListedPage {
        total: found.total(),
        page,
        pages,
        organizations,
        individuals,
    })
}

async fn search_index(
    state: &AppState,
    snapshot: &LetterSnapshot,
) -> Result<std::sync::Arc<SignatoryIndex>, db::DbError> {
    let letter_id = snapshot.letter.id.clone();
    let listed = snapshot.listed;
    match state.searches.lookup(&letter_id, listed) {
        Indexed::Current(index) | Indexed::BeingRebuilt(index) => Ok(index),
        Indexed::Build => {
            let letter = snapshot.letter.clone();
            let built = state
                .db(move |connection| SignatoryIndex::build(connection, &letter, listed))
                .await;
            match built {
                Ok(index) => {
                    let index = std::sync::Arc::new(index);
                    state
                        .searches
                        .put(&letter_id, std::sync::Arc::clone(&index));
                    Ok(index)
                }
                Err(error) => {
                    state.searches.build_failed(&letter_id);
                    Err(error)
                }
            }
        }
    }
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
