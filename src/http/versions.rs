//! The public history of a letter's text: `/letters/{slug}/versions` lists the texts the
//! public could have read (from publication on; see `letters::public_versions`), and
//! `/letters/{slug}/versions/{hash}` shows one of them. Signatures name the version their
//! signer saw by its hash.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::admin::letters::short_hash;
use super::{AppState, PageError};
use crate::db::DbError;
use crate::letters::markdown::{self, ImageHosts};
use crate::letters::{self, Letter, LetterVersion};
use crate::values::language::LanguageTag;

struct VersionRow {
    content_hash: String,
    short_hash: String,
    title: String,
    created_at: chrono::NaiveDateTime,
    is_current: bool,
}

struct ShownVersion {
    content_hash: String,
    title: String,
    created_at: chrono::NaiveDateTime,
    is_current: bool,
    /// Sanitized by `markdown::render`.
    body_html: String,
}

#[derive(Template)]
#[template(path = "letter_versions.html")]
struct VersionsPage {
    /// The letter's address in the language shown (`/he/letters/{slug}`).
    path: String,
    /// The language of the texts shown.
    lang: LanguageTag,
    title: String,
    addressee: String,
    versions: Vec<VersionRow>,
    shown: Option<ShownVersion>,
}

/// In this application's `[site]`, whose date style the times follow.
fn html(state: &AppState, page: &impl Template) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(super::site::render(&state.settings, page)?))
}

/// A letter's public texts in one language, and the address of the letter in it.
struct History {
    letter: Letter,
    versions: Vec<LetterVersion>,
    path: String,
}

/// The public letter and its public versions in one language; `None` for drafts and unknown
/// slugs. The language is `lang` (the reader's, when the letter has it), else the one whose
/// text has `hash` (a signer's link names only the hash), else the original's.
async fn public_history(
    state: &AppState,
    slug: &str,
    lang: Option<String>,
    hash: Option<String>,
) -> Result<History, PageError> {
    if !letters::is_valid_slug(slug) {
        return Err(PageError::NotFound);
    }
    let slug = slug.to_owned();
    state
        .with_connection(move |connection| {
            let Some(letter) = letters::find_by_slug(connection, &slug)? else {
                return Ok(None);
            };
            if !letter.is_public() {
                return Ok(None);
            }
            let original = letter.lang.clone();
            let letter = in_language(connection, letter, lang, hash.as_deref())?;
            let versions = letters::public_versions(connection, &letter)?;
            let path = if letter.lang == original {
                format!("/letters/{}", letter.slug)
            } else {
                format!("/{}/letters/{}", letter.lang, letter.slug)
            };
            Ok::<_, DbError>(Some(History {
                letter,
                versions,
                path,
            }))
        })
        .await?
        .ok_or(PageError::NotFound)
}

/// The letter as read in the language asked for or holding `hash`.
fn in_language(
    connection: &mut crate::db::DbConnection,
    letter: Letter,
    lang: Option<String>,
    hash: Option<&str>,
) -> Result<Letter, diesel::result::Error> {
    use crate::db::schema::letter_versions;
    use diesel::prelude::*;
    let (lang, from_hash) = match (lang, hash) {
        (Some(lang), _) => (lang, false),
        (None, Some(hash)) => {
            // The same words may have been recorded in two languages (a draft first written
            // in another): the original's is the one that was public.
            let found: Vec<String> = letter_versions::table
                .filter(letter_versions::letter_id.eq(&letter.id))
                .filter(letter_versions::content_hash.eq(hash))
                .select(letter_versions::lang)
                .load(connection)?;
            if found.iter().any(|lang| *lang == *letter.lang) {
                return Ok(letter);
            }
            match found.into_iter().next() {
                Some(lang) => (lang, true),
                None => return Ok(letter),
            }
        }
        (None, None) => return Ok(letter),
    };
    if letter.lang == lang {
        return Ok(letter);
    }
    Ok(
        match letters::translations::find(connection, &letter.id, &lang)? {
            Some(translation) => translation.applied_to(&letter),
            // A removed translation: its texts stay readable where a signature names one.
            // Version rows hold the canonical spelling of a parsed tag.
            None if from_hash => match crate::values::language::LanguageTag::parse(&lang) {
                Some(lang) => Letter {
                    lang,
                    content_hash: String::new(),
                    ..letter
                },
                None => letter,
            },
            None => letter,
        },
    )
}

fn versions_page(history: History, shown: Option<ShownVersion>) -> VersionsPage {
    let History {
        letter,
        versions,
        path,
    } = history;
    VersionsPage {
        versions: versions
            .iter()
            .map(|version| VersionRow {
                content_hash: version.content_hash.clone(),
                short_hash: short_hash(&version.content_hash).to_owned(),
                title: version.title.clone(),
                created_at: version.created_at,
                is_current: version.content_hash == letter.content_hash,
            })
            .collect(),
        path,
        lang: letter.lang,
        title: letter.title,
        addressee: letter.addressee,
        shown,
    }
}

pub(super) async fn public_versions(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    // The history of the text the reader reads (the letter page's rule).
    let lang = state.public_letter(&slug).await?.map(|snapshot| {
        super::language::letter_for(&request, &snapshot)
            .letter
            .lang
            .as_str()
    });
    let history = public_history(&state, &slug, lang, None).await?;
    html(&state, &versions_page(history, None))
}

pub(super) async fn public_version(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (slug, hash) = path.into_inner();
    let is_hash = hash.len() == 64
        && hash
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    if !is_hash {
        return Err(PageError::NotFound);
    }
    let history = public_history(&state, &slug, None, Some(hash.clone())).await?;
    let version = history
        .versions
        .iter()
        .find(|version| version.content_hash == hash)
        .ok_or(PageError::NotFound)?;
    let shown = ShownVersion {
        content_hash: version.content_hash.clone(),
        title: version.title.clone(),
        created_at: version.created_at,
        is_current: version.content_hash == history.letter.content_hash,
        body_html: markdown::render_with(
            &version.body_markdown,
            &ImageHosts::from_settings(&state.settings),
        ),
    };
    html(&state, &versions_page(history, Some(shown)))
}
