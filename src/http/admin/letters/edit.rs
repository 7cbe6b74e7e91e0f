//! Writing and editing a letter: the new and edit forms, the preview, and one save path for
//! creating and updating, so the two cannot drift apart.

use crate::http::admin::{Console, Editor};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::super::languages::choices;
use super::super::{AdminError, ConsoleForm, Staff, StaffForm, find_letter, page, redirect};
use super::form::{FormPage, LetterFields};
use crate::db::{self, DbError};
use crate::http::AppState;
use crate::http::errors::Fault;
use crate::letters::draft::LetterErrors;
use crate::letters::markdown::{self, ImageHosts};
use crate::letters::store;
use crate::letters::{self, Letter, LetterStatus};
use crate::staff::Role;

#[derive(serde::Deserialize)]
pub(super) struct PreviewForm {
    #[serde(default)]
    body: String,
}

/// The sanitized rendering of a letter body, for the preview that follows typing.
pub(super) async fn live_preview(
    Console { state, .. }: Console<Editor>,
    form: web::Form<PreviewForm>,
) -> Result<HttpResponse, AdminError> {
    let body = form.body.replace("\r\n", "\n");
    let images = ImageHosts::from_settings(&state.settings);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(markdown::render_with(&body, &images)))
}

/// The letter a form writes: a new one, or the one it edits.
enum Target {
    New,
    Existing(Box<Letter>),
}

impl Target {
    fn form_page(
        &self,
        staff: &Staff,
        fields: LetterFields,
        errors: LetterErrors,
        preview: Option<String>,
    ) -> FormPage {
        let (editing, status, action) = match self {
            Target::New => (None, LetterStatus::Draft, "/admin/letters".to_owned()),
            Target::Existing(letter) => (
                Some(letter.slug.to_string()),
                letter.status(),
                format!("/admin/letters/{}", letter.slug),
            ),
        };
        let (choices, lang, lang_name, text_lang, dir) = match self {
            Target::New => (
                choices(&fields.lang, &[]),
                String::new(),
                String::new(),
                String::new(),
                "auto",
            ),
            Target::Existing(letter) => (
                Vec::new(),
                letter.lang.as_str(),
                letter.lang.own_name(),
                letter.lang.as_str(),
                letter.lang.dir(),
            ),
        };
        FormPage {
            choices,
            lang,
            lang_name,
            text_lang,
            dir,
            nav: staff.nav(),
            editing,
            status: status.as_str(),
            action,
            csrf: staff.csrf_token().to_owned(),
            fields,
            errors,
            preview,
        }
    }
}

pub(super) async fn new_form(staff: Staff) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let form = Target::New.form_page(&staff, LetterFields::blank(), LetterErrors::default(), None);
    page(StatusCode::OK, &form)
}

pub(super) async fn edit_form(
    Console { state, staff, .. }: Console<Editor>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &slug).await?;
    let fields = LetterFields::from_letter(&letter);
    let form =
        Target::Existing(Box::new(letter)).form_page(&staff, fields, LetterErrors::default(), None);
    page(StatusCode::OK, &form)
}

/// The editor's form posts to the letter's clean address with the CSRF token in the body:
/// the preview and the form with its errors are pages the editor stays on, and their address
/// must not carry the token.
impl ConsoleForm for LetterFields {
    const ROLE: Role = Role::Editor;
    const NOT_A_FORM: &'static str = "Send the letter from the console's form.";
    // Every field has a rule that names it (a NUL in a title: "control characters").
    const RULES_NAME_EVERY_FIELD: bool = true;
}

pub(super) async fn create(
    state: web::Data<AppState>,
    posted: StaffForm<LetterFields>,
) -> Result<HttpResponse, AdminError> {
    save(state, posted.staff, Target::New, posted.form).await
}

pub(super) async fn update(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    posted: StaffForm<LetterFields>,
) -> Result<HttpResponse, AdminError> {
    let StaffForm { staff, form: input } = posted;
    let letter = find_letter(&state, &slug).await?;
    save(state, staff, Target::Existing(Box::new(letter)), input).await
}

/// Why saving a letter form did not work.
#[derive(Debug, thiserror::Error)]
enum SaveError {
    #[error("the slug is taken")]
    SlugTaken,
    #[error("the letter is gone")]
    NotFound,
    #[error("saving the letter: {0}")]
    Database(diesel::result::Error),
    #[error(transparent)]
    Store(store::StoreError),
}

impl From<store::StoreError> for SaveError {
    fn from(error: store::StoreError) -> Self {
        match error {
            store::StoreError::Database(error) => error.into(),
            other => SaveError::Store(other),
        }
    }
}

impl From<diesel::result::Error> for SaveError {
    fn from(error: diesel::result::Error) -> Self {
        if db::is_unique_violation(&error) {
            SaveError::SlugTaken
        } else {
            SaveError::Database(error)
        }
    }
}

/// The address for a new letter left without one: the title's (`slug_from_title`), with
/// `-2`, `-3`... when another letter has it. Empty when the title gives none, so that the
/// form asks for one.
async fn suggested_slug(state: &AppState, title: &str) -> Result<String, AdminError> {
    let Some(base) = letters::draft::slug_from_title(title) else {
        return Ok(String::new());
    };
    Ok(state
        .db(move |connection| {
            for number in 1..=20 {
                let candidate = if number == 1 {
                    base.clone()
                } else {
                    let suffix = format!("-{number}");
                    let mut stem = base.clone();
                    stem.truncate(80 - suffix.len());
                    format!("{}{suffix}", stem.trim_end_matches('-'))
                };
                if letters::find_by_slug(connection, &candidate)?.is_none() {
                    return Ok(candidate);
                }
            }
            Ok::<_, diesel::result::Error>(String::new())
        })
        .await?)
}

/// Checks the form like every letter is checked, then previews it, shows it again with its
/// problems, or stores it and records who did what.
async fn save(
    state: web::Data<AppState>,
    staff: Staff,
    target: Target,
    mut form: LetterFields,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let previewing = form.preview;
    let status = match &target {
        Target::New => LetterStatus::Draft,
        Target::Existing(letter) => {
            // The address of a letter never changes: links to it are out in the world. Nor
            // does its language here: its translations and signatures are filed against it.
            form.slug = letter.slug.to_string();
            form.lang = String::new();
            letter.status()
        }
    };
    if matches!(target, Target::New) && form.slug.trim().is_empty() {
        form.slug = suggested_slug(&state, &form.title).await?;
    }
    let fields = form.tidied();
    let images = ImageHosts::from_settings(&state.settings);
    let validated = fields.validate(status);
    if previewing {
        let preview = Some(markdown::render_with(&fields.body, &images));
        let errors = validated.err().unwrap_or_default();
        return page(
            StatusCode::OK,
            &target.form_page(&staff, fields, errors, preview),
        );
    }
    let draft = match validated {
        Ok(draft) => draft,
        Err(errors) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &target.form_page(&staff, fields, errors, None),
            );
        }
    };
    let actor = staff.actor();
    let existing_id = match &target {
        Target::New => None,
        Target::Existing(letter) => Some(letter.id.clone()),
    };
    let saved = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(db::write_transaction(connection, |connection| {
                let mut draft = draft;
                match &existing_id {
                    None => {
                        if letters::find_by_slug(connection, &draft.slug)?.is_some() {
                            return Err(SaveError::SlugTaken);
                        }
                    }
                    Some(id) => {
                        // Read again inside the transaction: the status may have changed
                        // since the form was sent, and an edit must not undo that.
                        let before =
                            letters::find_by_id(connection, id)?.ok_or(SaveError::NotFound)?;
                        draft.status = before.status();
                    }
                }
                let (after, _) = store::store_with(connection, &draft, &images, &actor)?;
                Ok(after)
            }))
        })
        .await?;
    let letter = match saved {
        Ok(letter) => letter,
        Err(SaveError::SlugTaken) => {
            let mut errors = LetterErrors::default();
            errors.insert(
                "slug",
                "Another letter already has this address; choose another.",
            );
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &target.form_page(&staff, fields, errors, None),
            );
        }
        Err(SaveError::NotFound) => return Err(AdminError::NotFound),
        Err(error) => return Err(Fault::step("saving a letter", error).into()),
    };
    state.snapshots.invalidate(&letter.slug);
    Ok(redirect(&format!("/admin/letters/{}", letter.slug)))
}
