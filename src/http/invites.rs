//! The page behind an invite link: a member organization signs in one step, reading the
//! letter and the page in the language the reader asked for (the address, `?lang=`, the
//! switcher's cookie), else the member's (its own, else the letter's original), else their
//! browser's.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::form;
use super::pages::{
    PRESS_AGAIN, SLOW_DOWN, letter_page_closed, token_page, token_problem, with_retry_after,
};
use super::views::{FormView, InvitePage, MessagePage};
use super::{AppState, PageError, language};
use crate::admission::{Admitted, Entry, Refused};
use crate::db;
use crate::i18n::catalog::Tr;
use crate::i18n::{LanguageTag, Message};
use crate::invites::{self, AcceptError, AcceptOutcome};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::fields::SignerTextForm;
use crate::signatures::form::SignatureFields;
use crate::values::tokens::TokenPurpose;
use std::sync::Arc;

async fn snapshot(state: &AppState, slug: &str) -> Result<Arc<LetterSnapshot>, PageError> {
    state.public_letter_or(slug, PageError::NotFound).await
}

/// The reader's languages on an invite page, most wanted first: their own choices (the
/// address, `?lang=`, the switcher's cookie), then `then` (the language the member reads),
/// then their browser's.
fn languages(request: &HttpRequest, then: &LanguageTag) -> Vec<LanguageTag> {
    language::requested_then(request, Some(then.clone()))
}

/// The page for `target`'s member: the letter in the language that suits, the interface the
/// same (`languages`).
async fn form_page(
    state: &AppState,
    request: &HttpRequest,
    original: &Arc<LetterSnapshot>,
    target: &invites::InviteTarget,
    secret: &str,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let reads = target.member.reads(&original.letter.lang);
    let wanted = languages(request, reads);
    // The text: what the reader chose, else the member's language, and where the letter has
    // neither the original, as in the invitation email; the browser's languages only pick
    // the interface (for a member whose language has no catalog).
    let chosen_or_member = wanted
        .iter()
        .position(|tag| tag == reads)
        .map_or(&wanted[..], |at| &wanted[..=at]);
    let snapshot = original.for_reader(chosen_or_member);
    language::showing(&snapshot);
    // The form posts back in the language the page was asked in, else the member's own, so
    // what follows (mistakes, thanks) reads as this page did.
    let action_lang = crate::i18n::chosen(request).or_else(|| target.member.lang.clone());
    let action = match action_lang {
        Some(lang) => format!("/{lang}/letters/{}/invite/{secret}", snapshot.letter.slug),
        None => format!("/letters/{}/invite/{secret}", snapshot.letter.slug),
    };
    let page = InvitePage {
        snapshot: &snapshot,
        letter: &snapshot.letter,
        member_name: &target.member.name,
        member_email: &target.member.email,
        action,
        form,
        form_time: state.defenses.form_time_token(&snapshot.letter.id),
    };
    Tr::for_requested(&wanted)
        .scope(async { token_page(status, &page) })
        .await
}

pub async fn invite_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let (slug, secret) = path.into_inner();
    let snapshot = snapshot(&state, &slug).await?;
    if !snapshot.letter.accepts_signatures_at(db::now()) {
        return letter_page_closed(&state, &snapshot);
    }
    let letter = snapshot.letter.clone();
    let lookup = secret.clone();
    let target = state
        .with_connection(move |connection| invites::inspect(connection, &letter, &lookup))
        .await;
    match target {
        Ok(target) => {
            let form = FormView {
                values: SignatureFields {
                    text: SignerTextForm {
                        website: target.member.website.clone().unwrap_or_default(),
                        ..SignerTextForm::default()
                    },
                    ..SignatureFields::default()
                },
                ..FormView::fresh()
            };
            form_page(
                &state,
                &request,
                &snapshot,
                &target,
                &secret,
                form,
                StatusCode::OK,
            )
            .await
        }
        Err(error) => token_problem(&state, error, TokenPurpose::Invite).await,
    }
}

/// The invite form again, with what was sent and why it was not taken.
async fn invite_form_again(
    state: &AppState,
    request: &HttpRequest,
    snapshot: &Arc<LetterSnapshot>,
    secret: String,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let letter = snapshot.letter.clone();
    let target = state
        .with_connection(move |connection| {
            invites::inspect(connection, &letter, &secret).map(|target| (target, secret))
        })
        .await;
    match target {
        Ok((target, secret)) => {
            form_page(state, request, snapshot, &target, &secret, form, status).await
        }
        Err(error) => token_problem(state, error, TokenPurpose::Invite).await,
    }
}

pub async fn accept_invite(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (slug, secret) = path.into_inner();
    let snapshot = snapshot(&state, &slug).await?;
    if !form::is_urlencoded(&request) {
        return Err(PageError::UnsupportedMediaType);
    }
    let fields: SignatureFields = form::decode(&body)
        .map_err(|error| PageError::BadRequest(Message::verbatim(error.to_string())))?;
    // The form posts to the address in the language the page was asked in, or the member's
    // own (`form_page`); without one, the letter's original as on the page.
    let wanted = languages(&request, &snapshot.letter.lang);
    Tr::for_requested(&wanted)
        .scope(answer(state, request, snapshot, secret, fields))
        .await
}

/// What a posted invite form gets, in the language of the page it was posted from.
async fn answer(
    state: web::Data<AppState>,
    request: HttpRequest,
    snapshot: Arc<LetterSnapshot>,
    secret: String,
    fields: SignatureFields,
) -> Result<HttpResponse, PageError> {
    let entry = Entry::Invite {
        secret: secret.clone(),
    };
    // The text the form was shown with, if the letter has it: that is what is signed.
    let text = snapshot.in_language(Some(&fields.lang));
    let attempt = state.attempt(&request, &text.letter, entry, fields.clone());
    let outcome = match state.admission().admit(attempt).await {
        Ok(Admitted::Invited(outcome)) => outcome,
        // A bot's filled honeypot: answered as a sign-on waiting for review, storing nothing.
        Ok(Admitted::CheckEmail) => AcceptOutcome::AwaitingApproval {
            public: fields.public,
        },
        Err(Refused::TooManyRequests(wait)) => {
            let form = FormView::again(fields, Some(SLOW_DOWN));
            let page = invite_form_again(
                &state,
                &request,
                &snapshot,
                secret,
                form,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await?;
            return Ok(with_retry_after(page, wait));
        }
        // Both show the form again with what was typed: a stale form asks to press again,
        // refused fields say what is wrong with them.
        Err(refused @ (Refused::RetryForm | Refused::Invalid(_))) => {
            let form = match refused {
                Refused::Invalid(errors) => FormView {
                    errors,
                    ..FormView::again(fields, None)
                },
                _ => FormView::again(fields, Some(PRESS_AGAIN)),
            };
            return invite_form_again(
                &state,
                &request,
                &snapshot,
                secret,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(Refused::Invite(AcceptError::AlreadySigned)) => {
            return token_page(
                StatusCode::CONFLICT,
                &MessagePage {
                    heading: Message::id("org-already-signed"),
                    paragraphs: vec![Message::id("invite-already-signed-text")],
                    link: Some((text.path(), Message::id("go-to-letter"))),
                },
            );
        }
        Err(Refused::Invite(AcceptError::Token(error))) => {
            return token_problem(&state, error, TokenPurpose::Invite).await;
        }
        Err(Refused::LetterClosed) => return letter_page_closed(&state, &snapshot),
        Err(other) => return Err(other.into()),
    };
    state.snapshots.invalidate(&snapshot.letter.slug);
    let paragraphs = vec![Message::id(match outcome {
        AcceptOutcome::Listed => "org-now-listed",
        AcceptOutcome::CountedUnlisted => "listing-org-counted-unlisted",
        AcceptOutcome::AwaitingApproval { public: true } => "confirmed-review",
        AcceptOutcome::AwaitingApproval { public: false } => "listing-review-unlisted",
    })];
    token_page(
        StatusCode::OK,
        &InviteSigned {
            paragraphs,
            letter_path: text.path(),
            share: super::share::ShareLinks::while_open(&state.settings, &text),
        },
    )
}

/// The page after an invited organization signed: what happened, then the share step, as
/// after a signature on the letter's own form.
#[derive(askama::Template)]
#[template(path = "invite_signed.html")]
struct InviteSigned {
    paragraphs: Vec<Message>,
    letter_path: String,
    share: Option<super::share::ShareLinks>,
}
