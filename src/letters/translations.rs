//! Translations of a letter: one row per (letter, language) beside the original, each with
//! its own content hash and versions. Signatures are pooled across them; each records the
//! language and hash of the text its signer read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::draft::TranslationDraft;
use super::markdown::{self, ImageHosts};
use super::{Letter, content_hash};
use crate::db::schema::{letter_translations, letter_versions};
use crate::db::{self, DbConnection};
use crate::i18n::LanguageTag;
use crate::staff::{Actor, audit};

/// One translation as stored. `body_html` is the sanitized rendering of `body_markdown`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = letter_translations)]
pub struct Translation {
    pub letter_id: String,
    pub lang: LanguageTag,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub content_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Translation {
    /// The letter as a reader of this translation sees it: its settings, counts and
    /// address are the letter's, its words and their hash this translation's.
    pub fn applied_to(&self, letter: &Letter) -> Letter {
        Letter {
            title: self.title.clone(),
            addressee: self.addressee.clone(),
            summary: self.summary.clone(),
            body_markdown: self.body_markdown.clone(),
            body_html: self.body_html.clone(),
            content_hash: self.content_hash.clone(),
            lang: self.lang.clone(),
            ..letter.clone()
        }
    }
}

/// The translated languages of every letter, by letter id, in one query (the sitemap).
pub fn languages_of_all(
    connection: &mut DbConnection,
) -> Result<std::collections::HashMap<String, Vec<String>>, diesel::result::Error> {
    let rows: Vec<(String, String)> = letter_translations::table
        .order((letter_translations::letter_id, letter_translations::lang))
        .select((letter_translations::letter_id, letter_translations::lang))
        .load(connection)?;
    let mut languages: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (letter_id, lang) in rows {
        languages.entry(letter_id).or_default().push(lang);
    }
    Ok(languages)
}

/// Every translation of a letter, by language tag.
pub fn list(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<Vec<Translation>, diesel::result::Error> {
    letter_translations::table
        .filter(letter_translations::letter_id.eq(letter_id))
        .order(letter_translations::lang.asc())
        .select(Translation::as_select())
        .load(connection)
}

pub fn find(
    connection: &mut DbConnection,
    letter_id: &str,
    lang: &str,
) -> Result<Option<Translation>, diesel::result::Error> {
    letter_translations::table
        .find((letter_id, lang))
        .select(Translation::as_select())
        .first(connection)
        .optional()
}

#[derive(Debug, PartialEq, Eq)]
pub enum TranslationOutcome {
    Created,
    Updated { new_version: bool },
}

#[derive(Debug, thiserror::Error)]
pub enum TranslationError {
    /// The letter's original is in this language (it may have changed since the draft was
    /// checked).
    #[error("the letter is written in {0}; a translation must be in another language")]
    OriginalLanguage(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Creates or replaces the translation of `letter_id` in `draft.lang`, recording a version
/// when its text is new for that language. Audited as `letter.translation`.
pub fn store(
    connection: &mut DbConnection,
    letter_id: &str,
    draft: &TranslationDraft,
    images: &ImageHosts,
    actor: &Actor,
) -> Result<TranslationOutcome, TranslationError> {
    db::write_transaction(connection, |connection| {
        let letter =
            super::find_by_id(connection, letter_id)?.ok_or(diesel::result::Error::NotFound)?;
        if same_language(&letter.lang, &draft.lang) {
            return Err(TranslationError::OriginalLanguage(
                letter.lang.into_string(),
            ));
        }
        let now = db::now();
        let hash = content_hash(&draft.title, &draft.addressee, &draft.body_markdown);
        let body_html = markdown::render_with(&draft.body_markdown, images);
        // Insert, else replace: two saves of a new language at once both succeed (the later
        // text stays), where "read, then insert" lets the second hit the key on PostgreSQL.
        // What a new translation stores and a saved one changes to.
        let content = || {
            (
                letter_translations::title.eq(&draft.title),
                letter_translations::addressee.eq(&draft.addressee),
                letter_translations::summary.eq(&draft.summary),
                letter_translations::body_markdown.eq(&draft.body_markdown),
                letter_translations::body_html.eq(&body_html),
                letter_translations::content_hash.eq(&hash),
                letter_translations::updated_at.eq(now),
            )
        };
        let inserted = crate::execute_on_backend!(
            &mut *connection,
            diesel::insert_into(letter_translations::table)
                .values((
                    letter_translations::letter_id.eq(letter_id),
                    letter_translations::lang.eq(&draft.lang),
                    letter_translations::created_at.eq(now),
                    content(),
                ))
                .on_conflict_do_nothing()
        )?;
        let existing = if inserted == 1 {
            None
        } else {
            find(connection, letter_id, &draft.lang)?
        };
        let outcome = match &existing {
            None => TranslationOutcome::Created,
            Some(before) => {
                diesel::update(letter_translations::table.find((letter_id, &draft.lang)))
                    .set(content())
                    .execute(connection)?;
                TranslationOutcome::Updated {
                    new_version: before.content_hash != hash,
                }
            }
        };
        let changed = existing
            .as_ref()
            .is_none_or(|before| before.content_hash != hash);
        if changed {
            // A translation of a published letter is public from the moment it is stored;
            // one added to a draft is dated to the publication by `mark_published_text`.
            record_version(
                connection,
                letter_id,
                &draft.lang,
                &hash,
                &draft.title,
                &draft.body_markdown,
                now,
            )?;
        }
        let version = hash.get(..12).unwrap_or(&hash);
        let detail = match outcome {
            TranslationOutcome::Created => {
                format!(
                    "added the {} translation, text version {version}",
                    draft.lang
                )
            }
            TranslationOutcome::Updated { new_version: true } => format!(
                "changed the {} translation; new text version {version}",
                draft.lang
            ),
            TranslationOutcome::Updated { new_version: false } => {
                format!("saved the {} translation without changes", draft.lang)
            }
        };
        audit::record(
            connection,
            actor,
            "letter.translation",
            Some(letter_id),
            Some(&letter.slug),
            &detail,
        )?;
        Ok(outcome)
    })
}

/// Removes the translation in `lang`; its recorded versions stay, since signatures name them.
/// False when there was none. Audited as `letter.translation.remove`.
pub fn remove(
    connection: &mut DbConnection,
    letter_id: &str,
    lang: &str,
    actor: &Actor,
) -> Result<bool, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let removed = diesel::delete(letter_translations::table.find((letter_id, lang)))
            .execute(connection)?;
        if removed == 0 {
            return Ok(false);
        }
        let slug = super::find_by_id(connection, letter_id)?.map(|letter| letter.slug);
        audit::record(
            connection,
            actor,
            "letter.translation.remove",
            Some(letter_id),
            slug.as_deref(),
            &format!("removed the {lang} translation"),
        )?;
        Ok(true)
    })
}

/// Whether two language tags name the same language (`pt-br` and `pt-BR` do).
pub fn same_language(left: &str, right: &str) -> bool {
    match (LanguageTag::parse(left), LanguageTag::parse(right)) {
        (Some(left), Some(right)) => left == right,
        _ => left == right,
    }
}

/// Records one text of a letter in one language, unless that exact text is already known.
/// A known text drafted before publication and brought back after it is dated now: it is
/// public from now on, and stays in the public history once replaced (`public_versions`).
pub(crate) fn record_version(
    connection: &mut DbConnection,
    letter_id: &str,
    lang: &str,
    hash: &str,
    title: &str,
    body_markdown: &str,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    use crate::db::schema::letters;
    let known: Option<(String, NaiveDateTime)> = letter_versions::table
        .filter(letter_versions::letter_id.eq(letter_id))
        .filter(letter_versions::lang.eq(lang))
        .filter(letter_versions::content_hash.eq(hash))
        .select((letter_versions::id, letter_versions::created_at))
        .first(connection)
        .optional()?;
    match known {
        None => {
            diesel::insert_into(letter_versions::table)
                .values((
                    letter_versions::id.eq(db::new_id()),
                    letter_versions::letter_id.eq(letter_id),
                    letter_versions::lang.eq(lang),
                    letter_versions::content_hash.eq(hash),
                    letter_versions::title.eq(title),
                    letter_versions::body_markdown.eq(body_markdown),
                    letter_versions::created_at.eq(now),
                ))
                .execute(connection)?;
        }
        Some((id, created_at)) => {
            let published_at: Option<NaiveDateTime> = letters::table
                .filter(letters::id.eq(letter_id))
                .select(letters::published_at)
                .first(connection)
                .optional()?
                .flatten();
            if published_at.is_some_and(|published_at| created_at < published_at) {
                diesel::update(letter_versions::table.find(&id))
                    .set(letter_versions::created_at.eq(now))
                    .execute(connection)?;
            }
        }
    }
    Ok(())
}
