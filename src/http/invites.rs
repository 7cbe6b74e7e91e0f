//! The page behind an invite link: a member organization signs in one step.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::pages::{letter_page_closed, token_page, token_problem};
use super::views::{FormView, InvitePage, MessagePage};
use super::{AppState, PageError};
use crate::db;
use crate::invites::{self, AcceptError, AcceptOutcome};
use crate::letters::snapshot::LetterSnapshot;
use crate::signatures::SignError;
use crate::signatures::form::{self, SignatureFields};
use crate::tokens::TokenPurpose;

async fn snapshot(
    state: &AppState,
    slug: &str,
) -> Result<std::sync::Arc<LetterSnapshot>, PageError> {
    if !crate::letters::is_valid_slug(slug) {
        return Err(PageError::NotFound);
    }
    state.public_letter(slug).await?.ok_or(PageError::NotFound)
}

fn form_page(
    snapshot: &LetterSnapshot,
    target: &invites::InviteTarget,
    secret: &str,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    token_page(
        status,
        &InvitePage {
            letter: &snapshot.letter,
            member_name: &target.member.name,
            member_email: &target.member.email,
            action: format!("/letters/{}/invite/{secret}", snapshot.letter.slug),
            form,
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
                    website: target.member.website.clone().unwrap_or_default(),
                    public: true,
                    ..SignatureFields::default()
                },
                ..FormView::fresh()
            };
            form_page(&snapshot, &target, &secret, form, StatusCode::OK)
        }
        Err(error) => token_problem(&state, error, TokenPurpose::Invite).await,
    }
}

pub async fn accept_invite(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let (slug, secret) = path.into_inner();
    let snapshot = snapshot(&state, &slug).await?;
    let fields =
        form::decode_urlencoded(&body).map_err(|error| PageError::BadRequest(error.to_string()))?;
    let letter = snapshot.letter.clone();
    let policy = state.policy.clone();
    let attempt_secret = secret.clone();
    let attempt_fields = fields.clone();
    let outcome = state
        .with_connection(move |connection| {
            invites::accept(
                connection,
                &letter,
                &attempt_secret,
                &attempt_fields,
                &policy,
            )
        })
        .await;
    let heading;
    let paragraphs: Vec<String>;
    match outcome {
        Ok(outcome) => {
            state.mail_wakeup.notify_one();
            state.snapshots.invalidate(&snapshot.letter.slug);
            heading = "Thank you for signing";
            paragraphs = match outcome {
                AcceptOutcome::Listed => vec!["Your organization is now listed on the letter.".into()],
                AcceptOutcome::AwaitingApproval => vec![
                    "The coalition's staff review organization sign-ons; your organization will be listed once they approve it.".into(),
                ],
            };
        }
        Err(AcceptError::Invalid(errors)) => {
            let letter = snapshot.letter.clone();
            let target = state
                .with_connection(move |connection| {
                    invites::inspect(connection, &letter, &secret).map(|target| (target, secret))
                })
                .await;
            return match target {
                Ok((target, secret)) => form_page(
                    &snapshot,
                    &target,
                    &secret,
                    FormView {
                        values: fields,
                        errors,
                    },
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(error) => token_problem(&state, error, TokenPurpose::Invite).await,
            };
        }
        Err(AcceptError::AlreadySigned) => {
            return token_page(
                StatusCode::CONFLICT,
                &MessagePage {
                    heading: "Your organization has already signed",
                    paragraphs: vec!["This organization's signature is already on the letter or waiting for review; nothing was changed.".into()],
                    link: Some((format!("/letters/{}", snapshot.letter.slug), "Go to the letter")),
                },
            );
        }
        Err(AcceptError::Sign(SignError::LetterClosed)) => {
            return letter_page_closed(&state, &snapshot);
        }
        Err(AcceptError::Token(error)) => {
            return token_problem(&state, error, TokenPurpose::Invite).await;
        }
        Err(AcceptError::Sign(error)) => return Err(error.into()),
    }
    token_page(
        StatusCode::OK,
        &MessagePage {
            heading,
            paragraphs,
            link: Some((
                format!("/letters/{}", snapshot.letter.slug),
                "Go to the letter",
            )),
        },
    )
}
