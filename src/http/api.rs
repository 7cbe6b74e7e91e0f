//! The public JSON API under `/api/v1/`: letters, counts, public signatory fields, sign.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::signatories::{PageQuery, SIGNATORIES_PER_PAGE, listed_page};
use super::{ApiError, AppState};
use crate::admission::Entry;
use crate::db;
use crate::letters::{self, Letter};
use crate::signatures::form::SignatureFields;
use crate::signatures::{PublicSignatory, SignatureCounts};

#[derive(Serialize)]
struct LetterSummary<'a> {
    slug: &'a str,
    title: &'a str,
    addressee: &'a str,
    summary: &'a str,
    status: &'a str,
    goal: Option<i64>,
    accepting_signatures: bool,
    counts: SignatureCounts,
    total: i64,
}

impl<'a> LetterSummary<'a> {
    fn of(letter: &'a Letter, counts: SignatureCounts) -> Self {
        LetterSummary {
            slug: &letter.slug,
            title: &letter.title,
            addressee: &letter.addressee,
            summary: &letter.summary,
            status: letter.status.as_str(),
            goal: letter.goal,
            accepting_signatures: letter.accepts_signatures_at(db::now()),
            counts,
            total: counts.total(),
        }
    }
}

pub async fn letters(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let slugs = state
        .db(|connection| {
            letters::list_public(connection).map(|letters| {
                letters
                    .into_iter()
                    .map(|letter| letter.slug)
                    .collect::<Vec<_>>()
            })
        })
        .await?;
    let mut snapshots = Vec::with_capacity(slugs.len());
    for slug in slugs {
        if let Some(snapshot) = state.public_letter(&slug).await? {
            snapshots.push(snapshot);
        }
    }
    let body: Vec<LetterSummary> = snapshots
        .iter()
        .map(|snapshot| LetterSummary::of(&snapshot.letter, snapshot.counts))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "letters": body })))
}

#[derive(Serialize)]
struct LetterDetail<'a> {
    #[serde(flatten)]
    summary: LetterSummary<'a>,
    /// The language of this text (`?lang=` picks a translation); send it back as `lang`
    /// with a signature to record that this is the text signed.
    lang: &'a str,
    /// Every language the letter can be read in, the original's first.
    languages: Vec<String>,
    content_hash: &'a str,
    body_markdown: &'a str,
    body_html: &'a str,
    #[serde(serialize_with = "crate::values::public_time::serialize_option")]
    opens_at: Option<chrono::NaiveDateTime>,
    #[serde(serialize_with = "crate::values::public_time::serialize_option")]
    closes_at: Option<chrono::NaiveDateTime>,
    accepts_individuals: bool,
    accepts_organizations: bool,
    organizations: &'a [PublicSignatory],
    /// To send back as `form_token` with a signature: the same signed time stamp the sign
    /// form carries (valid for `signing.form_token_hours`, usable after a few seconds).
    form_token: Option<String>,
    /// `{on, note, link}` once staff marked the letter delivered, else `null`.
    delivered: Option<DeliveredView<'a>>,
}

#[derive(Serialize)]
struct DeliveredView<'a> {
    on: chrono::NaiveDate,
    note: &'a str,
    link: Option<&'a str>,
}

pub async fn letter(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let snapshot = state.public_letter_or(&slug, ApiError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    let letter = &snapshot.letter;
    Ok(HttpResponse::Ok().json(LetterDetail {
        summary: LetterSummary::of(letter, snapshot.counts),
        lang: &letter.lang,
        languages: snapshot.languages.iter().map(|tag| tag.as_str()).collect(),
        content_hash: &letter.content_hash,
        body_markdown: &letter.body_markdown,
        body_html: &letter.body_html,
        opens_at: letter.opens_at,
        closes_at: letter.closes_at,
        accepts_individuals: letter.accepts_individuals,
        accepts_organizations: letter.accepts_organizations,
        organizations: &snapshot.organizations,
        form_token: letter
            .accepts_signatures_at(db::now())
            .then(|| state.defenses.form_time_token(&letter.id)),
        delivered: snapshot.delivered.as_ref().map(|delivered| DeliveredView {
            on: delivered.on,
            note: &delivered.note,
            link: delivered.link.as_deref(),
        }),
    }))
}

pub async fn signatories(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let snapshot = state.public_letter_or(&slug, ApiError::NotFound).await?;
    let shown = listed_page(&state, &snapshot, query.page, query.search().as_ref()).await?;
    let signatories: Vec<PublicSignatory> =
        (shown.organizations.into_iter().chain(shown.individuals)).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "page": shown.page,
        "pages": shown.pages,
        "per_page": SIGNATORIES_PER_PAGE,
        "listed": snapshot.listed,
        // How many match the search (`q`, `country`), or are listed without one.
        "total": shown.total,
        "signatories": signatories,
    })))
}

pub async fn sign(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
    slug: web::Path<String>,
    fields: web::Json<SignatureFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = fields.into_inner();
    // The text the signer was given (`lang`), if the letter has it; else the original.
    let snapshot = state
        .public_letter_or(&slug, ApiError::NotFound)
        .await?
        .in_language(Some(&fields.lang));
    let attempt = state.attempt(&request, &snapshot.letter, Entry::Json, fields);
    state.admission().admit(attempt).await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({
        "status": "check_email",
        "message": "If the address can receive mail, a confirmation link is on its way. The signature counts once confirmed.",
    })))
}
