//! A draft update in the console, before it is sent: change its words (with a preview),
//! delete it (after a question on a page of its own, so no script is needed), or send it to
//! oneself as a test. Each is audited (`crate::updates::drafts`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::moderation::{form_pairs, form_value};
use super::updates::{Found, find_update, show_page_with};
use super::{AdminError, Nav, Staff, page, redirect};
use crate::http::AppState;
use crate::http::admin::{Console, Editor};
use crate::i18n::LanguageTag;
use crate::staff::Role;
use crate::updates::{self, UpdateError, UpdateState};

// One route a line: the table reads as the list of addresses it is.
#[rustfmt::skip]
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/letters/{slug}/updates/{id}/edit", web::get().to(edit_page))
        .route("/admin/letters/{slug}/updates/{id}/edit", web::post().to(edit))
        .route("/admin/letters/{slug}/updates/{id}/delete", web::get().to(delete_page))
        .route("/admin/letters/{slug}/updates/{id}/delete", web::post().to(delete))
        .route("/admin/letters/{slug}/updates/{id}/test", web::post().to(test));
}

/// What the page redirected to says was done (`?done=tested`).
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

impl DoneQuery {
    pub fn notice(&self, staff: &Staff) -> Option<String> {
        match self.done.as_deref() {
            Some("tested") => Some(format!(
                "A test went to {}, marked “[Test]” in its subject. Nothing else was sent, and the update is still a draft.",
                staff.nav().email
            )),
            Some("edited") => Some("The draft's changes are saved. Nothing was sent.".into()),
            Some("deleted") => Some("The draft was deleted. Nothing was sent.".into()),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/update_edit.html")]
struct EditPage {
    nav: Nav,
    slug: String,
    title: String,
    update_id: String,
    action: String,
    subject: String,
    body: String,
    preview: Option<String>,
    error: Option<String>,
    original: LanguageTag,
}

#[derive(Template)]
#[template(path = "admin/update_delete.html")]
struct DeletePage {
    nav: Nav,
    slug: String,
    title: String,
    update: updates::Update,
    /// The update's versions in other languages, which go with it.
    versions: Vec<String>,
    action: String,
}

fn show_address(found: &Found) -> String {
    format!(
        "/admin/letters/{}/updates/{}",
        found.letter.slug, found.update.id
    )
}

/// An action on a sent update: back to its page, which says why nothing happened.
fn not_draft(staff: &Staff, found: Found) -> Result<HttpResponse, AdminError> {
    show_page_with(
        staff,
        found,
        StatusCode::CONFLICT,
        Some("This update was sent: it can no longer be changed, deleted or tested.".into()),
    )
}

fn edit_form(
    staff: &Staff,
    found: Found,
    (subject, body): (String, String),
    (preview, error): (Option<String>, Option<String>),
) -> Result<HttpResponse, AdminError> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        status,
        &EditPage {
            nav: staff.nav(),
            action: staff.action(&format!("{}/edit", show_address(&found))),
            update_id: found.update.id,
            slug: found.letter.slug.into_string(),
            title: found.letter.title,
            original: found.letter.lang,
            subject,
            body,
            preview,
            error,
        },
    )
}

async fn edit_page(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AdminError> {
    let found = find_update(&state, &staff, Role::Editor, path).await?;
    if found.update.state != UpdateState::Draft {
        return Ok(redirect(&show_address(&found)));
    }
    let words = (
        found.update.subject.clone(),
        found.update.body_markdown.clone(),
    );
    edit_form(&staff, found, words, (None, None))
}

/// Previews, or saves (`save`) the draft's new words; a refused one comes back with its
/// problem and what was typed, nothing saved.
async fn edit(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let subject = form_value(&pairs, "subject").unwrap_or("").to_owned();
    let markdown = form_value(&pairs, "body")
        .unwrap_or("")
        .replace("\r\n", "\n");
    let found = find_update(&state, &staff, Role::Editor, path).await?;
    if found.update.state != UpdateState::Draft {
        return not_draft(&staff, found);
    }
    match updates::validate(&subject, &markdown) {
        Err(error) => {
            return edit_form(
                &staff,
                found,
                (subject, markdown),
                (None, Some(error.to_string())),
            );
        }
        Ok(_) if form_value(&pairs, "save").is_none() => {
            let preview = updates::render_markdown(&markdown);
            return edit_form(&staff, found, (subject, markdown), (Some(preview), None));
        }
        Ok(_) => {}
    }
    let actor = staff.actor();
    let update_id = found.update.id.clone();
    let (edit_subject, edit_markdown) = (subject.clone(), markdown.clone());
    let saved = state
        .with_connection(move |connection| {
            Ok::<_, AdminError>(updates::drafts::edit(
                connection,
                &update_id,
                &edit_subject,
                &edit_markdown,
                &actor,
            ))
        })
        .await?;
    match saved {
        Ok(_) => Ok(redirect(&format!("{}?done=edited", show_address(&found)))),
        Err(UpdateError::NotDraft) => not_draft(&staff, found),
        Err(UpdateError::Invalid(problem)) => {
            edit_form(&staff, found, (subject, markdown), (None, Some(problem)))
        }
        Err(other) => Err(refused(other)),
    }
}

/// What cannot be answered with the form again: the database's, a template's.
fn refused(error: UpdateError) -> AdminError {
    match error {
        UpdateError::Database(diesel::result::Error::NotFound) => AdminError::NotFound,
        UpdateError::Database(error) => AdminError::from(error),
        UpdateError::Unavailable(error) => AdminError::from(error),
        other => AdminError::BadRequest(other.to_string()),
    }
}

/// The question before deleting, as a page of its own.
async fn delete_page(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AdminError> {
    let found = find_update(&state, &staff, Role::Editor, path).await?;
    if found.update.state != UpdateState::Draft {
        return Ok(redirect(&show_address(&found)));
    }
    let versions = found
        .versions
        .iter()
        .filter(|version| version.saved_html.is_some())
        .map(|version| format!("{} ({})", version.name, version.lang))
        .collect();
    page(
        StatusCode::OK,
        &DeletePage {
            nav: staff.nav(),
            action: staff.action(&format!("{}/delete", show_address(&found))),
            slug: found.letter.slug.into_string(),
            title: found.letter.title,
            update: found.update,
            versions,
        },
    )
}

async fn delete(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AdminError> {
    let found = find_update(&state, &staff, Role::Editor, path).await?;
    let actor = staff.actor();
    let update_id = found.update.id.clone();
    let deleted = state
        .with_connection(move |connection| {
            Ok::<_, AdminError>(updates::drafts::delete(connection, &update_id, &actor))
        })
        .await?;
    match deleted {
        Ok(_) => Ok(redirect(&format!(
            "/admin/letters/{}/updates?done=deleted",
            found.letter.slug
        ))),
        Err(UpdateError::NotDraft) => not_draft(&staff, found),
        Err(other) => Err(refused(other)),
    }
}

/// One email of the draft to the staff member's own address, in the language chosen (the
/// original, or a saved version's).
async fn test(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let found = find_update(&state, &staff, Role::Editor, path).await?;
    if found.update.state != UpdateState::Draft {
        return not_draft(&staff, found);
    }
    // Only a language the draft has a version in; anything else is the original.
    let lang = form_value(&pairs, "lang")
        .and_then(LanguageTag::parse)
        .filter(|lang| {
            found
                .versions
                .iter()
                .any(|version| version.lang == *lang && version.saved_html.is_some())
        });
    let actor = staff.actor();
    let recipient = actor.email.clone();
    let update_id = found.update.id.clone();
    let sent = state
        .with_connection(move |connection| {
            Ok::<_, AdminError>(updates::drafts::send_test(
                connection,
                &update_id,
                lang.as_ref(),
                &recipient,
                &actor,
            ))
        })
        .await?;
    match sent {
        Ok(_) => {
            state.mail_wakeup.notify_one();
            Ok(redirect(&format!("{}?done=tested", show_address(&found))))
        }
        Err(UpdateError::NotDraft) => not_draft(&staff, found),
        Err(other) => Err(refused(other)),
    }
}
