//! Translating a letter in the console: one page per language with the original's words
//! shown read-only beside the translation's fields, saved through the same rules as
//! `letters import` (`TranslationDraft::parse`, `letters::translations::store`).

use crate::http::admin::{Console, Editor};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::super::{AdminError, ConsoleForm, Nav, Staff, StaffForm, find_letter, page, redirect};
use crate::db::DbError;
use crate::http::AppState;
use crate::http::errors::Fault;
use crate::i18n::LanguageTag;
use crate::letters::draft::{LetterErrors, TranslationDraft, TranslationInput};
use crate::letters::markdown::ImageHosts;
use crate::letters::translations::{self, TranslationError};
use crate::letters::{Letter, LetterStatus};
use crate::staff::Role;

use super::super::languages::{LanguageChoice, PICK_FROM_THE_LIST, choices, text_direction};

#[derive(Template)]
#[template(path = "admin/letters_translation.html")]
pub(super) struct TranslationPage {
    nav: Nav,
    letter: Letter,
    /// The language being edited, as picked or asked for (the page may be showing an error
    /// about it).
    lang: String,
    /// `lang` for the translation's fields: the language when it is one a text can be kept
    /// in, else empty (and `dir` is `auto`).
    text_lang: String,
    /// `dir` for the translation's fields.
    dir: &'static str,
    original_dir: &'static str,
    /// The original's language in its own name.
    original_name: String,
    /// The translation's language in its own name (the tag when it is not a known one).
    lang_name: String,
    /// The languages a new translation may be in: the known ones the letter has not.
    choices: Vec<LanguageChoice>,
    exists: bool,
    published: bool,
    title: String,
    addressee: String,
    summary: String,
    body: String,
    errors: LetterErrors,
    csrf: String,
    saved: bool,
}

impl TranslationPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

#[derive(Deserialize)]
pub(super) struct LangQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    saved: Option<String>,
}

/// The languages the letter already has translations in.
async fn translated_languages(
    state: &AppState,
    letter: &Letter,
) -> Result<Vec<LanguageTag>, AdminError> {
    let letter_id = letter.id.clone();
    let list = state
        .db(move |connection| translations::list(connection, &letter_id))
        .await?;
    Ok(list
        .into_iter()
        .map(|translation| translation.lang)
        .collect())
}

fn blank_page(
    staff: &Staff,
    letter: Letter,
    lang: String,
    translated: &[LanguageTag],
) -> TranslationPage {
    let (text_lang, dir) = text_direction(&lang);
    let mut leave_out = translated.to_vec();
    leave_out.push(letter.lang.clone());
    let lang_name = LanguageTag::parse(&lang).map_or_else(|| lang.clone(), |tag| tag.own_name());
    TranslationPage {
        nav: staff.nav(),
        text_lang,
        dir,
        original_dir: letter.lang.dir(),
        original_name: letter.lang.own_name(),
        lang_name,
        choices: choices(&lang, &leave_out),
        published: letter.status() != LetterStatus::Draft,
        letter,
        lang,
        exists: false,
        title: String::new(),
        addressee: String::new(),
        summary: String::new(),
        body: String::new(),
        errors: LetterErrors::default(),
        csrf: staff.csrf_token().to_owned(),
        saved: false,
    }
}

/// `GET /admin/letters/{slug}/translation?lang=he`: the translation beside the original, to
/// write or edit.
pub(super) async fn show(
    Console { state, staff, .. }: Console<Editor>,
    slug: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &slug).await?;
    let LangQuery { lang, saved } = query.into_inner();
    let canonical = LanguageTag::parse(&lang).map(|tag| tag.as_str());
    let existing = match &canonical {
        Some(lang) => {
            let letter_id = letter.id.clone();
            let lang = lang.clone();
            state
                .db(move |connection| translations::find(connection, &letter_id, &lang))
                .await?
        }
        None => None,
    };
    let translated = translated_languages(&state, &letter).await?;
    let mut form = blank_page(&staff, letter, canonical.unwrap_or(lang), &translated);
    form.saved = saved.is_some();
    if let Some(translation) = existing {
        form.exists = true;
        form.title = translation.title;
        form.addressee = translation.addressee;
        form.summary = translation.summary;
        form.body = translation.body_markdown;
    }
    page(StatusCode::OK, &form)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TranslationForm {
    lang: String,
    title: String,
    addressee: String,
    summary: String,
    body: String,
}

impl ConsoleForm for TranslationForm {
    const ROLE: Role = Role::Editor;
    const NOT_A_FORM: &'static str = "Send the translation from the console's form.";
    // Every field has a rule that names it (a NUL in a title: "control characters").
    const RULES_NAME_EVERY_FIELD: bool = true;
}

/// `POST /admin/letters/{slug}/translation`: creates or replaces the translation the form
/// names; a refused one is shown again with its problems and nothing stored.
pub(super) async fn save(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    posted: StaffForm<TranslationForm>,
) -> Result<HttpResponse, AdminError> {
    let StaffForm { staff, form: input } = posted;
    let letter = find_letter(&state, &slug).await?;
    let translated = translated_languages(&state, &letter).await?;
    let again = |errors: LetterErrors, letter: Letter, input: TranslationForm| {
        let mut form = blank_page(&staff, letter, input.lang, &translated);
        form.title = input.title;
        form.addressee = input.addressee;
        form.summary = input.summary;
        form.body = input.body;
        form.errors = errors;
        page(StatusCode::UNPROCESSABLE_ENTITY, &form)
    };
    let parsed = TranslationDraft::parse(
        TranslationInput {
            lang: input.lang.clone(),
            title: input.title.clone(),
            addressee: input.addressee.clone(),
            summary: input.summary.clone(),
            body_markdown: input.body.clone(),
        },
        &letter.lang,
    );
    // Staff pick a language from the list; a translation imported in another routable
    // language (`yue`) can still be edited in the console, under the tag it has.
    let picked = LanguageTag::parse_known(&input.lang).or_else(|| {
        LanguageTag::parse_routable(&input.lang).filter(|tag| translated.contains(tag))
    });
    let draft = match (parsed, picked) {
        (Ok(draft), Some(_)) => draft,
        (parsed, picked) => {
            let mut errors = LetterErrors::default();
            if picked.is_none() {
                errors.insert("lang", PICK_FROM_THE_LIST);
            }
            if let Err(more) = parsed {
                errors.merge(more);
            }
            return again(errors, letter, input);
        }
    };
    let images = ImageHosts::from_settings(&state.settings);
    let actor = staff.actor();
    let letter_id = letter.id.clone();
    let saved_draft = draft.clone();
    let saved = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(translations::store(
                connection,
                &letter_id,
                &saved_draft,
                &images,
                &actor,
            ))
        })
        .await?;
    match saved {
        Ok(_) => {}
        Err(TranslationError::OriginalLanguage(_)) => {
            let mut errors = LetterErrors::default();
            errors.insert(
                "lang",
                "The letter is written in this language; a translation must be in another.",
            );
            return again(errors, letter, input);
        }
        Err(TranslationError::Database(error)) => {
            return Err(Fault::from(TranslationError::Database(error)).into());
        }
    }
    state.snapshots.invalidate(&letter.slug);
    Ok(redirect(&format!(
        "/admin/letters/{}/translation?lang={}&saved=1",
        letter.slug,
        super::super::encode_component(&draft.lang)
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RemoveForm {
    lang: String,
    /// `yes` once the editor has answered the confirmation page.
    confirm: String,
}

impl ConsoleForm for RemoveForm {
    const ROLE: Role = Role::Editor;
    const NOT_A_FORM: &'static str = "Send the translation from the console's form.";
}

/// `POST /admin/letters/{slug}/translation/remove`: the letter is no longer offered in that
/// language. Its versions stay, so the signatures that name them still do.
pub(super) async fn remove(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    posted: StaffForm<RemoveForm>,
) -> Result<HttpResponse, AdminError> {
    let StaffForm { staff, form: input } = posted;
    let letter = find_letter(&state, &slug).await?;
    let Some(tag) = LanguageTag::parse(&input.lang) else {
        return Err(AdminError::NotFound);
    };
    let lang = tag.as_str();
    if input.confirm != "yes" {
        let address = format!("/admin/letters/{}", letter.slug);
        return super::super::confirm::ask(
            &staff,
            super::super::confirm::Question {
                about: (address.clone(), letter.title.clone()),
                heading: format!(
                    "Remove the {} ({lang}) translation of “{}”?",
                    tag.own_name(),
                    letter.title
                ),
                consequence: format!(
                    "The letter stops being offered in {}: /{lang}/letters/{} shows the original. Its versions stay, as do the signatures made on it.",
                    tag.own_name(),
                    letter.slug
                ),
                action: format!("{address}/translation/remove"),
                fields: vec![("lang", lang.clone())],
                button: "Remove the translation".into(),
                destructive: true,
            },
        );
    }
    let actor = staff.actor();
    let letter_id = letter.id.clone();
    let removed_lang = lang.clone();
    let removed = state
        .with_connection(move |connection| {
            translations::remove(connection, &letter_id, &removed_lang, &actor)
                .map_err(DbError::from)
        })
        .await?;
    if !removed {
        return Err(AdminError::NotFound);
    }
    state.snapshots.invalidate(&letter.slug);
    Ok(redirect(&format!("/admin/letters/{}", letter.slug)))
}
