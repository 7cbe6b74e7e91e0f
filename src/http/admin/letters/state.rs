//! Opening, closing, reopening and archiving a letter. Stopping a live campaign asks first.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::super::{AdminError, ConsoleForm, Nav, StaffForm, find_letter, page, redirect};
use crate::db::DbError;
use crate::http::AppState;
use crate::letters::{self, LetterStatus, StatusChangeError};
use crate::staff::Role;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct StateForm {
    to: String,
    /// `yes` once the editor has answered the confirmation page.
    confirm: String,
}

impl ConsoleForm for StateForm {
    const ROLE: Role = Role::Editor;
    const NOT_A_FORM: &'static str = "Send the change from the letter's page.";
}

/// "Close <title>? It stops taking signatures now." A page, not a script dialog, so that it
/// works everywhere and a stray click cannot end a campaign.
#[derive(Template)]
#[template(path = "admin/letters_state_confirm.html")]
struct ConfirmPage {
    nav: Nav,
    slug: String,
    title: String,
    question: &'static str,
    consequence: &'static str,
    to: &'static str,
    button: &'static str,
    csrf: String,
}

/// The question to ask before `to`, when the change stops a letter taking signatures.
fn needs_confirmation(
    from: LetterStatus,
    to: LetterStatus,
) -> Option<(&'static str, &'static str, &'static str)> {
    match (from, to) {
        (LetterStatus::Open, LetterStatus::Closed) => Some((
            "Close",
            "It stops taking signatures now. You can reopen it later.",
            "Close",
        )),
        (LetterStatus::Open, LetterStatus::Archived) => Some((
            "Archive",
            "It stops taking signatures now, for good: an archived letter cannot be reopened.",
            "Archive",
        )),
        _ => None,
    }
}

/// The status buttons post to a clean address with the CSRF token in the body, so that the
/// confirmation page they may lead to does not show it in the address bar.
pub(super) async fn change_state(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    posted: StaffForm<StateForm>,
) -> Result<HttpResponse, AdminError> {
    let StaffForm { staff, form } = posted;
    let to = LetterStatus::parse(form.to.trim())
        .ok_or_else(|| AdminError::BadRequest("Choose open, closed, archived or draft.".into()))?;
    let letter = find_letter(&state, &slug).await?;
    let unconfirmed = (form.confirm != "yes")
        .then(|| needs_confirmation(letter.status(), to))
        .flatten();
    if let Some((question, consequence, button)) = unconfirmed {
        return page(
            StatusCode::OK,
            &ConfirmPage {
                nav: staff.nav(),
                slug: letter.slug.into_string(),
                title: letter.title,
                question,
                consequence,
                to: to.as_str(),
                button,
                csrf: staff.csrf_token().to_owned(),
            },
        );
    }
    let actor = staff.actor();
    let letter_id = letter.id.clone();
    let outcome = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(letters::change_status(connection, &letter_id, to, &actor))
        })
        .await?;
    match outcome {
        Ok(_) => {
            state.snapshots.invalidate(&letter.slug);
            Ok(redirect(&format!("/admin/letters/{}", letter.slug)))
        }
        Err(StatusChangeError::NotFound) => Err(AdminError::NotFound),
        Err(StatusChangeError::NotAllowed { from, to }) => Err(AdminError::BadRequest(format!(
            "A {} letter cannot become {}. Reload the letter's page to see what it allows now.",
            from.as_str(),
            to.as_str()
        ))),
        Err(StatusChangeError::Database(error)) => Err(error.into()),
    }
}
