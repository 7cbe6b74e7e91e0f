//! Opening, closing, reopening and archiving a letter. Every change asks first.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::super::confirm::{self, Question};
use super::super::{AdminError, ConsoleForm, StaffForm, find_letter, redirect};
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

/// The question to ask before `to`: every change of status asks first, on a page rather
/// than a script dialog, so that it works everywhere and a stray click can neither publish a
/// draft nor end a campaign. (heading, consequence, button)
fn question(
    from: LetterStatus,
    to: LetterStatus,
    title: &str,
    slug: &str,
) -> (String, String, &'static str) {
    match (from, to) {
        (LetterStatus::Closed, LetterStatus::Open) => (
            format!("Reopen “{title}” for signatures?"),
            "It takes signatures again from now, on its public page and through members' embeds."
                .into(),
            "Reopen for signatures",
        ),
        (_, LetterStatus::Open) => (
            format!("Open “{title}” for signatures?"),
            format!(
                "It goes public at /letters/{slug} now: anyone can read and sign it, and its text from now on is kept in its public history."
            ),
            "Open for signatures",
        ),
        (_, LetterStatus::Closed) => (
            format!("Close “{title}”?"),
            "It stops taking signatures now. You can reopen it later.".into(),
            "Close",
        ),
        (_, LetterStatus::Archived) => (
            format!("Archive “{title}”?"),
            "It stops taking signatures for good: an archived letter cannot be reopened.".into(),
            "Archive",
        ),
        (_, LetterStatus::Draft) => (
            format!("Put “{title}” back to draft?"),
            "It leaves the public site.".into(),
            "Back to draft",
        ),
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
    if form.confirm != "yes" {
        let (heading, consequence, button) =
            question(letter.status(), to, &letter.title, &letter.slug);
        let address = format!("/admin/letters/{}", letter.slug);
        return confirm::ask(
            &staff,
            Question {
                about: (address.clone(), letter.title.clone()),
                heading,
                consequence,
                action: format!("{address}/state"),
                fields: vec![("to", to.as_str().to_owned())],
                button: button.to_owned(),
                destructive: to != LetterStatus::Open,
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
