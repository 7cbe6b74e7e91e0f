//! Public HTML pages: the letters, the sign form, and the pages behind emailed links.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::form;
use super::views::{FormView, IndexPage, LetterCard, LetterPage, MessagePage, ResendPage};
use super::{AppState, PageError};
use crate::admission::{Entry, Refused};
use crate::db;
use crate::i18n::Message;
use crate::letters::{self, LetterStatus};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::form::SignatureFields;
use crate::signatures::{self, ConfirmOutcome, SignatureState, TokenError};
use crate::values::tokens::TokenPurpose;

/// A public page, in this application's `[site]` identity.
pub(super) fn html(
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

/// The letters, each in the reader's language where it has that text (its title, addressee
/// and summary, and a link to that text's address), else in its original.
pub async fn index(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
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
    // `language::letter_for`'s rule, without telling the switcher about one letter: the
    // index is no letter's page.
    let requested = super::language::requested(&request);
    let mut cards = Vec::with_capacity(letters.len());
    for letter in letters {
        let Some(snapshot) = state.public_letter(&letter.slug).await? else {
            continue;
        };
        let snapshot = snapshot.for_reader(&requested);
        let shown = &snapshot.letter;
        cards.push(LetterCard {
            count: snapshot.counts.total(),
            path: snapshot.path(),
            title: shown.title.clone(),
            addressee: shown.addressee.clone(),
            summary: shown.summary.clone(),
            lang: shown.lang.clone(),
            status: shown.status.to_string(),
        });
    }
    html(&state, StatusCode::OK, &IndexPage { letters: cards })
}

fn closed_notice(snapshot: &LetterSnapshot) -> Message {
    match snapshot.letter.status() {
        LetterStatus::Open => match snapshot.letter.opens_at {
            Some(opens) if opens > db::now() => Message::id("not-open-yet"),
            _ => Message::id("closed-notice"),
        },
        _ => Message::id("closed-notice"),
    }
}

fn letter_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    html(state, status, &letter_page_view(state, snapshot, form))
}

pub(super) fn letter_page_view<'a>(
    state: &AppState,
    snapshot: &'a LetterSnapshot,
    form: FormView,
) -> LetterPage<'a> {
    let accepting = snapshot.letter.accepts_signatures_at(db::now());
    LetterPage {
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
        you_signed: None,
    }
}

/// The letter with its list and no form, answering a signature it cannot take.
pub(super) fn letter_page_closed(
    state: &AppState,
    snapshot: &LetterSnapshot,
) -> Result<HttpResponse, PageError> {
    letter_page(state, snapshot, FormView::fresh(), StatusCode::CONFLICT)
}

/// `/letters/{slug}` and `/{lang}/letters/{slug}`, the stable address to share in a
/// language: the letter as this reader reads it (`language::letter_for`). A language the
/// letter lacks shows the original, never a 404.
pub async fn letter(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let snapshot = state.public_letter_or(&slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    // What a crowd opens (the shared link, in any language) is rendered once a second
    // (`page_cache`); a partner's `?via=` link offers that member's box, looked up each time.
    let via = crate::members::codes::via_in_query(request.query_string());
    let address = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.path(), |address| address.as_str());
    // A browser that signed this letter sees "You signed" instead of the form: a page of its
    // own in the cache (the same for everyone who signed), never served to anyone else.
    let signed = super::signer_loop::signed_here(&request, &snapshot.letter.slug);
    // Borrowed for everyone else: a cached page's hit allocates no key.
    let address: std::borrow::Cow<'_, str> = if signed {
        format!("{address}\n(signed)").into()
    } else {
        address.into()
    };
    let address = &*address;
    let tr = crate::i18n::catalog::Tr::current();
    let cached = via.is_empty();
    if cached && let Some(body) = state.pages.get(&snapshot, tr, address) {
        return Ok(html_body(StatusCode::OK, body));
    }
    let form = super::partners::offer(&state, FormView::fresh(), &via).await;
    let mut page = letter_page_view(&state, &snapshot, form);
    if signed && page.accepting {
        page.you_signed = Some(super::share::ShareLinks::of(&state.settings, &snapshot));
    }
    let body = actix_web::web::Bytes::from(super::site::render(&state.settings, &page)?);
    if cached {
        state.pages.put(&snapshot, tr, address, body.clone());
    }
    Ok(html_body(StatusCode::OK, body))
}

fn html_body(status: StatusCode, body: actix_web::web::Bytes) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

pub(super) const PRESS_AGAIN: Message = Message::id("press-again");
pub(super) const SLOW_DOWN: Message = Message::id("slow-down");

pub(super) fn with_retry_after(
    mut response: HttpResponse,
    wait: std::time::Duration,
) -> HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&super::errors::retry_after(wait)) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// A post to one of a public letter's forms: the letter (404 if there is none to sign) and
/// the decoded form (415 if it is not a urlencoded form, 400 if it does not decode).
pub(super) async fn posted_to_letter<T>(
    state: &AppState,
    request: &HttpRequest,
    slug: &str,
    body: &[u8],
    decode: fn(&[u8]) -> Result<T, form::FormError>,
) -> Result<(std::sync::Arc<LetterSnapshot>, T), PageError> {
    let snapshot = state.public_letter_or(slug, PageError::NotFound).await?;
    if !form::is_urlencoded(request) {
        return Err(PageError::UnsupportedMediaType);
    }
    let fields = decode(body)
        .map_err(|error| PageError::BadRequest(Message::verbatim(error.to_string())))?;
    Ok((snapshot, fields))
}

/// To "check your email", in the language of the text signed (`/he/letters/x/signed`), so
/// the page after speaks it whatever the browser says.
fn check_email_redirect(snapshot: &LetterSnapshot) -> HttpResponse {
    let path = snapshot.path();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{path}/signed")))
        .finish()
}

pub async fn sign(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    // Every field of the sign form has a rule that names it, a NUL included.
    let (snapshot, fields): (_, SignatureFields) =
        posted_to_letter(&state, &request, &slug, &body, form::decode_checked_fields).await?;
    // The text the form was shown with, if the letter has it: that is what is signed.
    let snapshot = snapshot.in_language(Some(&fields.lang));
    super::language::showing(&snapshot);
    let attempt = state.attempt(&request, &snapshot.letter, Entry::Form, fields.clone());
    match state.admission().admit(attempt).await {
        Ok(_) => Ok(super::signer_loop::after_signing(
            &state,
            &request,
            &snapshot,
            &body,
            check_email_redirect(&snapshot),
        )),
        Err(Refused::CrossSite(_)) => super::signer_loop::cross_site(&state, &snapshot),
        Err(refused) => {
            let via = fields.via.clone();
            let form = super::partners::offer(&state, FormView::again(fields, None), &via).await;
            let again = |problem: Message| FormView {
                problem: Some(problem),
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
/// In the language of the address reloaded (`/he/letters/x/sign` goes back to `/he/letters/x`).
pub async fn sign_reloaded(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state.public_letter_or(&slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{}#sign", snapshot.path())))
        .finish())
}

fn resend_form(
    state: &AppState,
    snapshot: &LetterSnapshot,
    email: &str,
    problem: Option<Message>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    html(
        state,
        status,
        &ResendPage {
            letter: &snapshot.letter,
            path: snapshot.path(),
            email,
            problem,
            form_time: state.defenses.form_time_token(&snapshot.letter.id),
        },
    )
}

pub async fn resend_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state.public_letter_or(&slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
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
    let (snapshot, fields): (_, SignatureFields) =
        posted_to_letter(&state, &request, &slug, &body, form::decode).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    let email = fields.email.clone();
    let attempt = state.attempt(&request, &snapshot.letter, Entry::Resend, fields);
    match state.admission().admit(attempt).await {
        Ok(_) => Ok(super::signer_loop::forget_form(
            &state,
            check_email_redirect(&snapshot),
        )),
        Err(Refused::CrossSite(_)) => super::signer_loop::cross_site(&state, &snapshot),
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
            Some(Message::id("check-address")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(Refused::Invalid(errors)) => {
            let problem = errors.into_values().next().map(|error| error.message());
            resend_form(
                &state,
                &snapshot,
                &email,
                problem,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(Refused::LetterClosed) => letter_page_closed(&state, &snapshot),
        Err(other) => Err(other.into()),
    }
}

/// The way back to the letter: in the text a signature was made on (`lang`), else in this
/// page's language.
pub(super) async fn letter_link(
    state: &AppState,
    letter_id: Option<String>,
    lang: Option<&crate::values::language::LanguageTag>,
) -> Option<(String, Message)> {
    let path = super::signer::letter_address(state, letter_id?, lang).await?;
    Some((path, Message::id("go-to-letter")))
}

/// Where to go from a dead link: a new confirmation link, or the letter.
async fn next_step(
    state: &AppState,
    letter_id: Option<String>,
    purpose: TokenPurpose,
) -> Option<(String, Message)> {
    let (letter_path, label) = letter_link(state, letter_id, None).await?;
    Some(match purpose {
        TokenPurpose::Verify => (
            format!("{letter_path}/resend"),
            Message::id("resend-heading"),
        ),
        _ => (letter_path, label),
    })
}

/// A link that worked once and does not now (410): what happened and the way on.
fn gone(
    heading: &'static str,
    paragraphs: Vec<Message>,
    link: Option<(String, Message)>,
) -> Result<HttpResponse, PageError> {
    token_page(
        StatusCode::GONE,
        &MessagePage {
            heading: Message::id(heading),
            paragraphs,
            link,
        },
    )
}

pub(super) async fn token_problem(
    state: &AppState,
    error: TokenError,
    purpose: TokenPurpose,
) -> Result<HttpResponse, PageError> {
    let again = match purpose {
        TokenPurpose::Verify => Message::id("again-verify"),
        TokenPurpose::Withdraw => Message::id("again-withdraw"),
        TokenPurpose::Invite => Message::id("again-invite"),
    };
    match error {
        TokenError::Invalid => token_page(
            StatusCode::NOT_FOUND,
            &MessagePage {
                heading: Message::id("link-broken"),
                paragraphs: vec![Message::id("link-broken-text")],
                link: Some(("/".into(), Message::id("see-open-letters"))),
            },
        ),
        TokenError::Expired { letter_id } => {
            let link = next_step(state, letter_id.map(|id| id.into_string()), purpose).await;
            gone(
                "link-expired",
                vec![Message::id("link-expired-text"), again],
                link,
            )
        }
        TokenError::Used { letter_id } => {
            let link = next_step(state, letter_id.map(|id| id.into_string()), purpose).await;
            gone(
                "link-used",
                vec![Message::id("link-used-text"), again],
                link,
            )
        }
        TokenError::Withdrawn { letter_id } => {
            let link = letter_link(state, letter_id.map(|id| id.into_string()), None).await;
            let paragraphs = vec![Message::id("signerloop-link-withdrawn-text")];
            gone("signerloop-link-withdrawn", paragraphs, link)
        }
        TokenError::LetterClosed { letter_id } => {
            let link = letter_link(state, letter_id.map(|id| id.into_string()), None).await;
            let paragraphs = vec![
                Message::id("letter-closed-text"),
                Message::id("thanks-anyway"),
            ];
            gone("letter-closed", paragraphs, link)
        }
        TokenError::Database(error) => Err(PageError::from(error)),
        TokenError::Unavailable(error) => Err(PageError::from(error)),
        TokenError::Render(error) => Err(PageError::from(error)),
    }
}

/// The one flow behind a link in a signer's email (confirm, withdraw; the page that asks and
/// the post that acts): the per-address limit, `work` on a connection, and a link that does
/// not work (unknown, used, expired, closed letter) answered with its own page (`Err`).
pub(super) async fn follow_link<T, F>(
    state: &AppState,
    request: &HttpRequest,
    purpose: TokenPurpose,
    work: F,
) -> Result<Result<T, HttpResponse>, PageError>
where
    F: FnOnce(&mut crate::db::DbConnection) -> Result<T, TokenError> + Send + 'static,
    T: Send + 'static,
{
    state
        .limit(&state.defenses.verify, "verify", request)
        .map_err(PageError::TooManyRequests)?;
    match state.with_connection(work).await {
        Ok(value) => Ok(Ok(value)),
        Err(error) => token_problem(state, error, purpose).await.map(Err),
    }
}

/// Follows a link that changes its signature: `act` runs on the link's secret, the link is read
/// again for the letter it belongs to and the language it was signed in (in the same
/// connection, so a withdrawn or confirmed signature still names them), and that letter's
/// cached page is dropped.
pub(super) async fn act_on_link<T, F>(
    state: &AppState,
    request: &HttpRequest,
    purpose: TokenPurpose,
    secret: String,
    act: F,
) -> Result<Result<(T, signatures::TokenTarget), HttpResponse>, PageError>
where
    F: FnOnce(&mut crate::db::DbConnection, &str) -> Result<T, TokenError> + Send + 'static,
    T: Send + 'static,
{
    let done = follow_link(state, request, purpose, move |connection| {
        let outcome = act(connection, &secret)?;
        let target = signatures::inspect_token(connection, &secret, purpose)?;
        Ok((outcome, target))
    })
    .await?;
    if let Ok((_, target)) = &done {
        state.snapshots.invalidate_letter_id(&target.letter_id);
    }
    Ok(done)
}

/// A link's outcome: what happened, and the way back to the letter in the text signed.
async fn link_outcome(
    state: &AppState,
    target: &signatures::TokenTarget,
    heading: &'static str,
    paragraphs: &[&'static str],
) -> Result<HttpResponse, PageError> {
    let heading = Message::id(heading);
    let paragraphs = paragraphs.iter().copied().map(Message::id).collect();
    token_page(
        StatusCode::OK,
        &MessagePage {
            heading,
            paragraphs,
            link: letter_link(
                state,
                Some(target.letter_id.as_str().to_owned()),
                target.lang.as_ref(),
            )
            .await,
        },
    )
}

pub async fn verify_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let secret = token.into_inner();
    let lookup_secret = secret.clone();
    let policy = state.policy.clone();
    let found = follow_link(&state, &request, TokenPurpose::Verify, move |connection| {
        let target = signatures::inspect_token(connection, &lookup_secret, TokenPurpose::Verify)?;
        if target.signature_state == SignatureState::Pending
            && !signatures::confirm::still_confirmable(connection, &lookup_secret, &policy)?
        {
            return Err(TokenError::LetterClosed {
                letter_id: Some(target.letter_id),
            });
        }
        // Named in the text the signer signed.
        let lang = target.lang.as_ref().map(|tag| tag.as_str());
        let letter = signatures::emails::letter_in(connection, &target.letter_id, lang.as_deref())?
            .map(|text| text.letter);
        Ok((target, letter))
    })
    .await?;
    let (target, letter) = match found {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let tr = super::signer::interface_for(&request, target.lang.as_ref());
    if matches!(
        target.signature_state,
        SignatureState::Verified | SignatureState::Approved
    ) {
        return tr.scope(already_confirmed(&state, &target)).await;
    }
    let letter = letter.ok_or(PageError::NotFound)?;
    let page = super::signer_loop::VerifyPage {
        title: crate::i18n::catalog::marked(&letter.title, &letter.lang),
        name: target.name.clone(),
        organization: target.kind == signatures::SignatureKind::Organization,
        choices: target.choices.lines(&tr),
        action: format!(
            "{}/verify/{secret}",
            super::signer::address_prefix(&request)
        ),
    };
    tr.scope(async { token_page(StatusCode::OK, &page) }).await
}

async fn already_confirmed(
    state: &AppState,
    target: &signatures::TokenTarget,
) -> Result<HttpResponse, PageError> {
    let text = ["already-confirmed-text"];
    link_outcome(state, target, "already-confirmed", &text).await
}

pub async fn verify(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let policy = state.policy.clone();
    let boxes = super::signer_loop::boxes_sent(&body);
    let done = act_on_link(
        &state,
        &request,
        TokenPurpose::Verify,
        token.into_inner(),
        move |connection, secret| signatures::confirm_with(connection, secret, &policy, boxes),
    )
    .await?;
    let (outcome, target) = match done {
        Ok(done) => done,
        Err(page) => return Ok(page),
    };
    let tr = super::signer::interface_for(&request, target.lang.as_ref());
    tr.scope(confirm_outcome(&state, outcome, &target)).await
}

async fn confirm_outcome(
    state: &AppState,
    outcome: ConfirmOutcome,
    target: &signatures::TokenTarget,
) -> Result<HttpResponse, PageError> {
    match outcome {
        ConfirmOutcome::AlreadyConfirmed => already_confirmed(state, target).await,
        ConfirmOutcome::OrganizationAlreadySigned => {
            state.mail_wakeup.notify_one();
            let text = ["org-already-signed-text", "org-already-signed-mail"];
            link_outcome(state, target, "org-already-signed", &text).await
        }
        ConfirmOutcome::Confirmed {
            awaiting_approval,
            public,
        } => {
            let mut paragraphs = vec![Message::id("confirmed-thanks")];
            // "Listed once they approve it" only to an organization that chose to be listed.
            if awaiting_approval && !public {
                paragraphs.push(Message::id("listing-review-unlisted"));
            } else if awaiting_approval {
                paragraphs.push(Message::id("confirmed-review"));
            } else if target.choices.public {
                paragraphs.push(Message::id("signerloop-confirmed-listed"));
            } else {
                paragraphs.push(Message::id("signerloop-confirmed-unlisted"));
            }
            super::share::confirmed(state, target, paragraphs).await
        }
    }
}

pub async fn not_found() -> Result<HttpResponse, PageError> {
    Err(PageError::NotFound)
}

const CSS: &str = "text/css; charset=utf-8";
const SCRIPT: &str = "text/javascript; charset=utf-8";

/// A file built into the binary; it changes only with a release, so browsers may keep it an hour.
fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

pub async fn stylesheet() -> HttpResponse {
    asset(CSS, include_str!("../../static/style.css"))
}

pub async fn confirm_script() -> HttpResponse {
    asset(SCRIPT, include_str!("../../static/confirm.js"))
}

pub async fn preview_script() -> HttpResponse {
    asset(SCRIPT, include_str!("../../static/preview.js"))
}

pub async fn error_summary_script() -> HttpResponse {
    asset(SCRIPT, include_str!("../../static/error-summary.js"))
}

/// The console's Copy buttons (partner links).
pub async fn copy_script() -> HttpResponse {
    asset(SCRIPT, include_str!("../../static/copy.js"))
}

pub async fn embed_script() -> HttpResponse {
    asset(SCRIPT, include_str!("../../static/embed.js"))
}
