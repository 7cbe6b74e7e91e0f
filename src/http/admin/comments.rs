//! `POST /admin/letters/{slug}/signatures/{id}/comment`: an editor hides a signer's comment
//! from the public lists, or shows it again (`signatures::comments`).

use actix_web::{HttpResponse, web};

use super::moderation::{form_pairs, form_value};
use super::{AdminError, Console, Editor, encode_component, find_letter, redirect};
use crate::db::DbError;

pub async fn hide_comment(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let hidden = form_value(&pairs, "hidden") != Some("no");
    let (slug, id) = path.into_inner();
    let letter = find_letter(&state, &slug).await?;
    let actor = staff.actor();
    let signature_id = id.clone();
    let changed = state
        .with_connection(move |connection| {
            crate::signatures::comments::set_hidden(
                connection,
                &letter,
                &signature_id,
                hidden,
                &actor,
            )
            .map_err(DbError::from)
        })
        .await?;
    if !changed {
        return Err(AdminError::NotFound);
    }
    state.snapshots.invalidate(&slug);
    let done = if hidden {
        "comment-hidden"
    } else {
        "comment-shown"
    };
    Ok(redirect(&format!(
        "/admin/letters/{slug}/signatures/{}?done={done}",
        encode_component(&id)
    )))
}
