//! An update in the languages of its letter: staff write it once, in the letter's original
//! language (the `updates` row), and may add a version per translation of the letter (a row
//! of `update_translations`), while it is a draft. Each recipient is sent the version in the
//! language they signed in, else the original ([`Versions::for_signer`]); the letter page's
//! timeline shows each update in the page's language where a version exists.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Update, UpdateError, UpdateState};
use crate::db::schema::{update_translations, updates};
use crate::db::{self, DbConnection};
use crate::i18n::LanguageTag;
use crate::letters::Letter;

/// One version of an update in a language of its letter, as stored. `body_html` is the
/// sanitized rendering of `body_markdown`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = update_translations)]
pub struct UpdateVersion {
    pub update_id: String,
    pub lang: LanguageTag,
    pub subject: String,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A version checked against its letter and not stored yet.
#[derive(Clone, Debug)]
pub struct VersionDraft {
    pub lang: LanguageTag,
    pub subject: String,
    pub body_markdown: String,
}

/// The languages a version of an update of `letter` may be in: its translations'.
pub fn version_languages(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<Vec<LanguageTag>, diesel::result::Error> {
    Ok(crate::letters::translations::list(connection, &letter.id)?
        .into_iter()
        .map(|translation| translation.lang)
        .collect())
}

/// Checks a version staff wrote (or a `FILE.LANG.md`): a routable tag naming one of the
/// letter's translations (`languages`, from [`version_languages`]), and text by the rules of
/// an update's own.
pub fn check(
    letter: &Letter,
    languages: &[LanguageTag],
    lang: &str,
    subject: &str,
    markdown: &str,
) -> Result<VersionDraft, UpdateError> {
    let Some(tag) = LanguageTag::parse_routable(lang) else {
        return Err(UpdateError::Invalid(format!(
            "“{}” is not a language a letter can be read in (a tag such as he, ar or pt-BR).",
            lang.trim()
        )));
    };
    if tag == letter.lang {
        return Err(UpdateError::Invalid(format!(
            "{tag} is the letter's own language: the update itself is written in it."
        )));
    }
    if !languages.contains(&tag) {
        let known: Vec<String> = std::iter::once(letter.lang.as_str())
            .chain(languages.iter().map(LanguageTag::as_str))
            .collect();
        return Err(UpdateError::Invalid(format!(
            "The letter has no text in {tag} (it is in {}): add that translation to the letter first.",
            known.join(", ")
        )));
    }
    let subject = super::validate(subject, markdown)
        .map_err(|error| UpdateError::Invalid(format!("{tag}: {error}")))?;
    Ok(VersionDraft {
        lang: tag,
        subject,
        body_markdown: markdown.trim().to_owned(),
    })
}

/// Stores `versions` of a new update inside its creating transaction.
pub(super) fn insert_all(
    connection: &mut DbConnection,
    update_id: &str,
    versions: &[VersionDraft],
) -> Result<(), diesel::result::Error> {
    let now = db::now();
    for version in versions {
        diesel::insert_into(update_translations::table)
            .values((
                update_translations::update_id.eq(update_id),
                update_translations::lang.eq(&version.lang),
                update_translations::subject.eq(&version.subject),
                update_translations::body_markdown.eq(&version.body_markdown),
                update_translations::body_html.eq(super::render_markdown(&version.body_markdown)),
                update_translations::created_at.eq(now),
                update_translations::updated_at.eq(now),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Adds or replaces the versions of a draft update, or removes the language named in
/// `remove`; refused once the update is being sent (what went out stays as it went).
pub fn save(
    connection: &mut DbConnection,
    update_id: &str,
    versions: &[VersionDraft],
    remove: Option<&LanguageTag>,
) -> Result<(), UpdateError> {
    db::write_transaction(connection, |connection| {
        // Touching the row holds it until this commits: a send that starts meanwhile waits
        // and sends these versions, and one that started first makes this refuse.
        let draft = diesel::update(
            updates::table
                .filter(updates::id.eq(update_id))
                .filter(updates::state.eq(UpdateState::Draft)),
        )
        .set(updates::state.eq(UpdateState::Draft))
        .execute(connection)?;
        if draft != 1 {
            return Err(UpdateError::Invalid(
                "This update is no longer a draft: its versions cannot change.".into(),
            ));
        }
        let languages: Vec<&LanguageTag> = versions
            .iter()
            .map(|version| &version.lang)
            .chain(remove)
            .collect();
        diesel::delete(
            update_translations::table
                .filter(update_translations::update_id.eq(update_id))
                .filter(update_translations::lang.eq_any(languages)),
        )
        .execute(connection)?;
        insert_all(connection, update_id, versions)?;
        Ok(())
    })
}

/// Every version of one update, by language tag.
pub fn list(
    connection: &mut DbConnection,
    update_id: &str,
) -> Result<Vec<UpdateVersion>, diesel::result::Error> {
    update_translations::table
        .filter(update_translations::update_id.eq(update_id))
        .order(update_translations::lang.asc())
        .select(UpdateVersion::as_select())
        .load(connection)
}

/// The versions of several updates at once (the letter page's timeline).
pub fn of_updates(
    connection: &mut DbConnection,
    update_ids: &[&str],
) -> Result<Vec<UpdateVersion>, diesel::result::Error> {
    if update_ids.is_empty() {
        return Ok(Vec::new());
    }
    update_translations::table
        .filter(update_translations::update_id.eq_any(update_ids))
        .select(UpdateVersion::as_select())
        .load(connection)
}

/// What a recipient is sent: the update's words in one language, and that language.
pub struct Chosen<'a> {
    pub lang: &'a LanguageTag,
    pub subject: &'a str,
    pub body_markdown: &'a str,
    pub body_html: &'a str,
}

/// An update with its versions, as the mail worker sends it.
pub struct Versions {
    pub update: Update,
    /// The language the update itself is written in: its letter's original.
    pub original: LanguageTag,
    pub versions: Vec<UpdateVersion>,
}

impl Versions {
    /// The version in the language the signer signed in, else the original.
    pub fn for_signer(&self, signed_in: Option<&LanguageTag>) -> Chosen<'_> {
        match signed_in.and_then(|lang| self.versions.iter().find(|v| v.lang == *lang)) {
            Some(version) => Chosen {
                lang: &version.lang,
                subject: &version.subject,
                body_markdown: &version.body_markdown,
                body_html: &version.body_html,
            },
            None => Chosen {
                lang: &self.original,
                subject: &self.update.subject,
                body_markdown: &self.update.body_markdown,
                body_html: &self.update.body_html,
            },
        }
    }
}
