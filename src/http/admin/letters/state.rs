//! Opening, closing, reopening and archiving a letter.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::super::{AdminError, Staff, find_letter, redirect};
use crate::db::{self, DbError};
use crate::http::AppState;
use crate::letters::{self, LetterStatus, StatusChangeError};
use crate::staff::{Role, audit};

#[derive(Deserialize)]
pub(super) struct StateForm {
    #[serde(default)]
    to: String,
}

pub(super) async fn change_state(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
    form: web::Form<StateForm>,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let to = LetterStatus::parse(form.to.trim())
        .ok_or_else(|| AdminError::BadRequest("Choose open, closed, archived or draft.".into()))?;
    let letter = find_letter(&state, &slug).await?;
    let actor = staff.actor();
    let letter_id = letter.id.clone();
    let outcome = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(db::write_transaction(connection, |connection| {
                let change = letters::change_status(connection, &letter_id, to)?;
                if change.changed {
                    audit::record(
                        connection,
                        &actor,
                        "letter.state",
                        Some(&change.letter.id),
                        Some(&change.letter.slug),
                        &format!("{} -> {}", change.from.as_str(), to.as_str()),
                    )?;
                }
                Ok::<_, StatusChangeError>(change)
            }))
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
