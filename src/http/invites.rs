//! The page behind an invite link: a member organization signs in one step.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::form;
use super::pages::{
    PRESS_AGAIN, SLOW_DOWN, letter_page_closed, token_page, token_problem, with_retry_after,
};
use super::views::{FormView, InvitePage, MessagePage};
use super::{AppState, PageError};
use crate::admission::{Admitted, Entry, Refused};
use crate::db;
use crate::i18n::Message;
use crate::invites::{self, AcceptError, AcceptOutcome};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::fields::SignerTextForm;
use crate::signatures::form::SignatureFields;
use crate::values::tokens::TokenPurpose;

async fn snapshot(
    state: &AppState,
    slug: &str,
) -> Result<std::sync::Arc<LetterSnapshot>, PageError> {
    state.public_letter_or(slug, PageError::NotFound).await
}

fn form_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    target: &invites::InviteTarget,
    secret: &str,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    token_page(
        status,
        &InvitePage {
            snapshot,
            letter: &snapshot.letter,
            member_name: &target.member.name,
            member_email: &target.member.email,
            action: format!("/letters/{}/invite/{secret}", snapshot.letter.slug),
            form,
            form_time: state.defenses.form_time_token(&snapshot.letter.id),
        },
    )
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
            form_page(&state, &snapshot, &target, &secret, form, StatusCode::OK)
        }
        Err(error) => token_problem(&state, error, TokenPurpose::Invite).await,
    }
}

/// The invite form again, with what was sent and why it was not taken.
async fn invite_form_again(
    state: &AppState,
    snapshot: &LetterSnapshot,
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
        Ok((target, secret)) => form_page(state, snapshot, &target, &secret, form, status),
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
    let entry = Entry::Invite {
        secret: secret.clone(),
    };
    let attempt = state.attempt(&request, &snapshot.letter, entry, fields.clone());
    let outcome = match state.admission().admit(attempt).await {
        Ok(Admitted::Invited(outcome)) => outcome,
        Ok(Admitted::CheckEmail) => AcceptOutcome::AwaitingApproval,
        Err(Refused::TooManyRequests(wait)) => {
            let form = FormView::again(fields, Some(SLOW_DOWN));
            let page = invite_form_again(
                &state,
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
                    link: Some((
                        format!("/letters/{}", snapshot.letter.slug),
                        Message::id("go-to-letter"),
                    )),
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
    let paragraphs: Vec<Message> = match outcome {
        AcceptOutcome::Listed => vec![Message::id("org-now-listed")],
        AcceptOutcome::AwaitingApproval => vec![Message::id("confirmed-review")],
    };
    token_page(
        StatusCode::OK,
        &MessagePage {
            heading: Message::id("thank-you-for-signing"),
            paragraphs,
            link: Some((
                format!("/letters/{}", snapshot.letter.slug),
                Message::id("go-to-letter"),
            )),
        },
    )
}
