//! Public HTML pages: the letters, the sign form, and the pages behind emailed links.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form;
use super::views::{
    CheckEmailPage, ConfirmActionPage, FormView, IndexPage, LetterCard, LetterPage, MessagePage,
    ResendPage, SignatoriesPage,
};
use super::{AppState, PageError};
use crate::admission::{Entry, Refused};
use crate::db;
use crate::letters::{self, LetterStatus};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::form::SignatureFields;
use crate::signatures::{self, ConfirmOutcome, SignatureState, TokenError, WithdrawOutcome};
use crate::values::tokens::TokenPurpose;

const SIGNATORIES_PER_PAGE: i64 = 100;

/// A public page, in this application's `[site]` identity.
fn html(
    state: &AppState,
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(super::site::render(&state.settings, page)?))
}

/// Pages reached through a token: the token must not leak to other sites in a Referer.
pub(super) fn token_page(
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

pub async fn index(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let mut letters = state.db(letters::list_public).await?;
    // Letters that take signatures come first, newest first within each group (the stable
    // sort keeps the store's order): a visitor comes to sign, not to read the archive.
    let now = db::now();
    letters.sort_by_key(|letter| {
        (
            !letter.accepts_signatures_at(now),
            letter.status() != LetterStatus::Open,
        )
    });
    let mut cards = Vec::with_capacity(letters.len());
    for letter in letters {
        let total = match state.public_letter(&letter.slug).await? {
            Some(snapshot) => snapshot.counts.total(),
            None => continue,
        };
        cards.push(LetterCard {
            count: total,
            slug: letter.slug,
            title: letter.title,
            addressee: letter.addressee,
            summary: letter.summary,
            status: letter.status.to_string(),
        });
    }
    html(&state, StatusCode::OK, &IndexPage { letters: cards })
}

fn closed_notice(snapshot: &LetterSnapshot) -> &'static str {
    match snapshot.letter.status() {
        LetterStatus::Open => match snapshot.letter.opens_at {
            Some(opens) if opens > db::now() => "This letter is not open for signatures yet.",
            _ => "This letter has closed and no longer takes signatures.",
        },
        _ => "This letter has closed and no longer takes signatures.",
    }
}

fn letter_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let accepting = snapshot.letter.accepts_signatures_at(db::now());
    let page = LetterPage {
        snapshot,
        form,
        notice: (!accepting).then(|| closed_notice(snapshot)),
        accepting,
        form_time: if accepting {
            state.defenses.form_time_token(&snapshot.letter.id)
        } else {
            String::new()
        },
        url: crate::read::snapshot::address(
            state.settings.public_base(),
            snapshot,
            &snapshot.letter.lang,
        ),
        alternates: crate::read::snapshot::alternates(state.settings.public_base(), snapshot),
    };
    html(state, status, &page)
}

/// The letter with its list and no form, answering a signature it cannot take.
pub(super) fn letter_page_closed(
    state: &AppState,
    snapshot: &LetterSnapshot,
) -> Result<HttpResponse, PageError> {
    letter_page(state, snapshot, FormView::fresh(), StatusCode::CONFLICT)
}

pub async fn letter(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    show_letter(state, None, &slug, request).await
}

/// `/{lang}/letters/{slug}`: the letter in that language, a stable address to share. A
/// language the letter lacks (or no language at all) shows the original, never a 404.
pub async fn letter_in_language(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let (lang, slug) = path.into_inner();
    show_letter(state, Some(&lang), &slug, request).await
}

/// The letter in the language its address names (`/{lang}/` or `?lang=`) when it has that
/// text, else in the reader's languages (cookie, `Accept-Language`), else the original.
async fn show_letter(
    state: web::Data<AppState>,
    from_address: Option<&str>,
    slug: &str,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let snapshot = state
        .public_letter(slug)
        .await?
        .ok_or(PageError::NotFound)?;
    let snapshot = if snapshot.translations.is_empty() {
        snapshot
    } else {
        match from_address {
            Some(lang) => snapshot.in_language(Some(lang)),
            None => match crate::i18n::from_query(&request) {
                Some(lang) => snapshot.in_language(Some(&lang.as_str())),
                None => snapshot.for_reader(&crate::i18n::requested(&request, None)),
            },
        }
    };
    let via = crate::members::codes::via_in_query(request.query_string());
    let form = super::partners::offer(&state, FormView::fresh(), &via).await;
    letter_page(&state, &snapshot, form, StatusCode::OK)
}

pub(super) const PRESS_AGAIN: &str = "Please check your details and press Sign again.";
pub(super) const SLOW_DOWN: &str = "Many people have just signed from your network. Please wait a minute, then press Sign again: your details are kept below.";

/// Only a form a browser sends as a form: a cross-site page could otherwise make its
/// visitors' browsers sign with a `text/plain` body, which needs no CORS permission.
/// (Called where no application state is at hand: the page takes the installed `[site]`.)
pub(super) fn unsupported_media_type() -> Result<HttpResponse, PageError> {
    let page = MessagePage {
        heading: "This form could not be read",
        paragraphs: vec!["Send it from the letter's page.".into()],
        link: Some(("/".into(), "See the open letters")),
    };
    Ok(HttpResponse::build(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

pub(super) fn with_retry_after(
    mut response: HttpResponse,
    wait: std::time::Duration,
) -> HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&super::errors::retry_after(wait)) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn check_email_redirect(slug: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/letters/{slug}/signed")))
        .finish()
}

pub async fn sign(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let snapshot = state
        .public_letter(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    if !form::is_urlencoded(&request) {
        return unsupported_media_type();
    }
    let fields: SignatureFields =
        form::decode(&body).map_err(|error| PageError::BadRequest(error.to_string()))?;
    // The text the form was shown with, if the letter has it: that is what is signed.
    let snapshot = snapshot.in_language(Some(&fields.lang));
    let attempt = state.attempt(&request, &snapshot.letter, Entry::Form, fields.clone());
    match state.admission().admit(attempt).await {
        Ok(_) => Ok(check_email_redirect(&snapshot.letter.slug)),
        Err(refused) => {
            let via = fields.via.clone();
            let form = super::partners::offer(&state, FormView::again(fields, ""), &via).await;
            let again = |problem: &str| FormView {
                problem: problem.to_owned(),
                values: form.values.clone(),
                partner: form.partner.clone(),
                ..FormView::fresh()
            };
            match refused {
                Refused::TooManyRequests(wait) => Ok(with_retry_after(
                    letter_page(
                        &state,
                        &snapshot,
                        again(SLOW_DOWN),
                        StatusCode::TOO_MANY_REQUESTS,
                    )?,
                    wait,
                )),
                Refused::RetryForm => letter_page(
                    &state,
                    &snapshot,
                    again(PRESS_AGAIN),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Refused::Invalid(errors) => letter_page(
                    &state,
                    &snapshot,
                    FormView { errors, ..form },
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Refused::LetterClosed => letter_page_closed(&state, &snapshot),
                other => Err(other.into()),
            }
        }
    }
}

/// `GET /letters/{slug}/sign`: what a reload of the page shown after a failed submit asks
/// for. The form only takes POSTs; the person is sent back to the letter and its form.
pub async fn sign_reloaded(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state
        .public_letter(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/letters/{}#sign", snapshot.letter.slug),
        ))
        .finish())
}

fn resend_form(
    state: &AppState,
    snapshot: &LetterSnapshot,
    email: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    html(
        state,
        status,
        &ResendPage {
            letter: &snapshot.letter,
            email,
            problem,
            form_time: state.defenses.form_time_token(&snapshot.letter.id),
        },
    )
}

pub async fn resend_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state
        .public_letter(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    if !snapshot.letter.accepts_signatures_at(db::now()) {
        return letter_page_closed(&state, &snapshot);
    }
    resend_form(&state, &snapshot, "", None, StatusCode::OK)
}

/// A fresh confirmation link for a pending signature; the same answer whatever the address.
pub async fn resend(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let snapshot = state
        .public_letter(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    if !form::is_urlencoded(&request) {
        return unsupported_media_type();
    }
    let fields: SignatureFields =
        form::decode(&body).map_err(|error| PageError::BadRequest(error.to_string()))?;
    let email = fields.email.clone();
    let attempt = state.attempt(&request, &snapshot.letter, Entry::Resend, fields);
    match state.admission().admit(attempt).await {
        Ok(_) => Ok(check_email_redirect(&snapshot.letter.slug)),
        Err(Refused::TooManyRequests(wait)) => Ok(with_retry_after(
            resend_form(
                &state,
                &snapshot,
                &email,
                Some(SLOW_DOWN),
                StatusCode::TOO_MANY_REQUESTS,
            )?,
            wait,
        )),
        Err(Refused::RetryForm) => resend_form(
            &state,
            &snapshot,
            &email,
            Some("Please check the address and press the button again."),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(Refused::Invalid(errors)) => {
            let problem = errors.into_values().next().unwrap_or_default();
            resend_form(
                &state,
                &snapshot,
                &email,
                Some(&problem),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(Refused::LetterClosed) => letter_page_closed(&state, &snapshot),
        Err(other) => Err(other.into()),
    }
}

pub async fn check_email(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state
        .public_letter(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    html(
        &state,
        StatusCode::OK,
        &CheckEmailPage {
            letter: &snapshot.letter,
            share: super::share::ShareLinks::while_open(&state.settings, &snapshot.letter),
        },
    )
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

pub async fn signatories(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    // Parsed here rather than by the extractor, so a mistyped page number gets a sentence a
    // person understands instead of the deserializer's wording.
    let query = web::Query::<PageQuery>::from_query(request.query_string()).map_err(|_| {
        PageError::BadRequest("The page number in the address is not a number.".into())
    })?;
    let snapshot = state
        .public_letter(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    let listed = snapshot.listed;
    let total = listed.total();
    let pages = ((total + SIGNATORIES_PER_PAGE - 1) / SIGNATORIES_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let letter = snapshot.letter.clone();
    let (organizations, individuals) = state
        .db(move |connection| signatories_page(connection, &letter, listed.organizations, page))
        .await?;
    html(
        &state,
        StatusCode::OK,
        &SignatoriesPage {
            letter: &snapshot.letter,
            organizations,
            individuals,
            page,
            pages,
            listed_total: crate::i18n::catalog::Tr::current().count("names-listed", total),
            accepting: snapshot.letter.accepts_signatures_at(db::now()),
        },
    )
}

/// One page of the full list: organizations first, then individuals.
pub fn signatories_page(
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

async fn letter_link(
    state: &AppState,
    letter_id: Option<String>,
) -> Option<(String, &'static str)> {
    let letter_id = letter_id?;
    let letter = state
        .db(move |connection| letters::find_by_id(connection, &letter_id))
        .await
        .ok()
        .flatten()?;
    Some((format!("/letters/{}", letter.slug), "Go to the letter"))
}

/// Where to go from a dead link: a new confirmation link, or the letter.
async fn next_step(
    state: &AppState,
    letter_id: Option<String>,
    purpose: TokenPurpose,
) -> Option<(String, &'static str)> {
    let (letter_path, label) = letter_link(state, letter_id).await?;
    Some(match purpose {
        TokenPurpose::Verify => (
            format!("{letter_path}/resend"),
            "Get a new confirmation link",
        ),
        _ => (letter_path, label),
    })
}

pub(super) async fn token_problem(
    state: &AppState,
    error: TokenError,
    purpose: TokenPurpose,
) -> Result<HttpResponse, PageError> {
    let again = match purpose {
        TokenPurpose::Verify => {
            "To get a new link, follow the link below or sign the letter again with the same email address."
        }
        TokenPurpose::Withdraw => {
            "Every confirmation email carries its own withdraw link; to get a new one, sign again with the same email address."
        }
        TokenPurpose::Invite => "Ask the coalition's staff to send a new invite link.",
    };
    match error {
        TokenError::Invalid => token_page(
            StatusCode::NOT_FOUND,
            &MessagePage {
                heading: "This link does not work",
                paragraphs: vec![
                    "It may have been cut off or mistyped. Copy the whole address from the email into your browser.".into(),
                ],
                link: Some(("/".into(), "See the open letters")),
            },
        ),
        TokenError::Expired { letter_id } => {
            let link = next_step(state, letter_id, purpose).await;
            token_page(
            StatusCode::GONE,
            &MessagePage {
                heading: "This link has expired",
                paragraphs: vec!["Links in our emails work for a limited time.".into(), again.into()],
                link,
            },
        )
        }
        TokenError::Used { letter_id } => {
            let link = next_step(state, letter_id, purpose).await;
            token_page(
            StatusCode::GONE,
            &MessagePage {
                heading: "This link has already been used",
                paragraphs: vec![
                    "Each link works once; a newer email may have replaced it.".into(),
                    again.into(),
                ],
                link,
            },
        )
        }
        TokenError::LetterClosed { letter_id } => {
            let link = letter_link(state, letter_id).await;
            token_page(
                StatusCode::GONE,
                &MessagePage {
                    heading: "This letter has closed",
                    paragraphs: vec![
                        "The letter stopped taking signatures, and the time to confirm one made before it closed has passed.".into(),
                        "Thank you for your support all the same.".into(),
                    ],
                    link,
                },
            )
        }
        TokenError::Database(error) => Err(PageError::from(error)),
        TokenError::Unavailable(error) => Err(PageError::from(error)),
        TokenError::Render(error) => Err(PageError::from(error)),
    }
}

pub async fn verify_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let secret = token.into_inner();
    let lookup_secret = secret.clone();
    let policy = state.policy.clone();
    let target = state
        .with_connection(move |connection| {
            let target =
                signatures::inspect_token(connection, &lookup_secret, TokenPurpose::Verify)?;
            if target.signature_state == SignatureState::Pending
                && !signatures::confirm::still_confirmable(connection, &lookup_secret, &policy)?
            {
                return Err(TokenError::LetterClosed {
                    letter_id: Some(target.letter_id),
                });
            }
            Ok(target)
        })
        .await;
    let target = match target {
        Ok(target) => target,
        Err(error) => return token_problem(&state, error, TokenPurpose::Verify).await,
    };
    if matches!(
        target.signature_state,
        SignatureState::Verified | SignatureState::Approved
    ) {
        return already_confirmed(&state, Some(target.letter_id)).await;
    }
    let letter_id = target.letter_id;
    let letter = state
        .db(move |connection| letters::find_by_id(connection, &letter_id))
        .await?
        .ok_or(PageError::NotFound)?;
    token_page(
        StatusCode::OK,
        &ConfirmActionPage {
            heading: "Confirm your signature",
            intro: crate::i18n::catalog::Tr::current()
                .ta("confirm-intro", [("title", (&letter.title).into())]),
            action: format!("/verify/{secret}"),
            button: "Confirm my signature",
            auto_submit: true,
        },
    )
}

async fn already_confirmed(
    state: &AppState,
    letter_id: Option<String>,
) -> Result<HttpResponse, PageError> {
    token_page(
        StatusCode::OK,
        &MessagePage {
            heading: "Your signature is already confirmed",
            paragraphs: vec!["There is nothing more to do. Thank you for signing.".into()],
            link: letter_link(state, letter_id).await,
        },
    )
}

pub async fn verify(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let secret = token.into_inner();
    let policy = state.policy.clone();
    let outcome = state
        .with_connection(move |connection| {
            let outcome = signatures::confirm(connection, &secret, &policy)?;
            let target = signatures::inspect_token(connection, &secret, TokenPurpose::Verify)?;
            Ok::<_, TokenError>((outcome, target.letter_id))
        })
        .await;
    let (outcome, letter_id) = match outcome {
        Ok(result) => result,
        Err(error) => return token_problem(&state, error, TokenPurpose::Verify).await,
    };
    state.snapshots.invalidate_letter_id(&letter_id);
    match outcome {
        ConfirmOutcome::AlreadyConfirmed => already_confirmed(&state, Some(letter_id)).await,
        ConfirmOutcome::OrganizationAlreadySigned => {
            state.mail_wakeup.notify_one();
            token_page(
                StatusCode::OK,
                &MessagePage {
                    heading: "Your organization has already signed",
                    paragraphs: vec![
                        "Thank you for confirming. Another confirmed sign-on for this organization is already on the letter, so it was not added a second time.".into(),
                        "We have sent you an email about it; the coalition's staff can see both sign-ons.".into(),
                    ],
                    link: letter_link(&state, Some(letter_id)).await,
                },
            )
        }
        ConfirmOutcome::Confirmed { awaiting_approval } => {
            let mut paragraphs = vec!["Thank you. Your signature is confirmed.".to_owned()];
            if awaiting_approval {
                paragraphs.push("The coalition's staff review organization sign-ons; your organization will be listed once they approve it.".into());
            } else {
                paragraphs.push("It now counts toward the total, and if you chose to be listed, your name appears on the letter.".into());
            }
            super::share::confirmed(&state, letter_id, paragraphs).await
        }
    }
}

pub async fn withdraw_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let secret = token.into_inner();
    let lookup_secret = secret.clone();
    let target = state
        .with_connection(move |connection| {
            signatures::inspect_token(connection, &lookup_secret, TokenPurpose::Withdraw)
        })
        .await;
    match target {
        Ok(target) if target.signature_state == SignatureState::Withdrawn => withdrawn(&state, Some(target.letter_id), true).await,
        Ok(_) => token_page(
            StatusCode::OK,
            &ConfirmActionPage {
                heading: "Withdraw your signature",
                intro: "Your name will be removed from the list and the count, and your details deleted. This cannot be undone.".into(),
                action: format!("/withdraw/{secret}"),
                button: "Withdraw my signature",
                auto_submit: false,
            },
        ),
        Err(error) => token_problem(&state, error, TokenPurpose::Withdraw).await,
    }
}

async fn withdrawn(
    state: &AppState,
    letter_id: Option<String>,
    already: bool,
) -> Result<HttpResponse, PageError> {
    token_page(
        StatusCode::OK,
        &MessagePage {
            heading: if already { "Your signature was already withdrawn" } else { "Your signature is withdrawn" },
            paragraphs: vec!["Your name no longer appears on the letter or in its count, and your details have been deleted.".into()],
            link: letter_link(state, letter_id).await,
        },
    )
}

pub async fn withdraw(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let secret = token.into_inner();
    let outcome = state
        .with_connection(move |connection| {
            let outcome = signatures::withdraw(connection, &secret)?;
            let target = signatures::inspect_token(connection, &secret, TokenPurpose::Withdraw)?;
            Ok::<_, TokenError>((outcome, target.letter_id))
        })
        .await;
    match outcome {
        Ok((outcome, letter_id)) => {
            state.snapshots.invalidate_letter_id(&letter_id);
            withdrawn(
                &state,
                Some(letter_id),
                outcome == WithdrawOutcome::AlreadyWithdrawn,
            )
            .await
        }
        Err(error) => token_problem(&state, error, TokenPurpose::Withdraw).await,
    }
}

pub async fn not_found() -> Result<HttpResponse, PageError> {
    Err(PageError::NotFound)
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/style.css"))
}

pub async fn confirm_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/confirm.js"))
}

pub async fn preview_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/preview.js"))
}

pub async fn error_summary_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/error-summary.js"))
}
