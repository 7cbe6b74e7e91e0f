//! `letters import FILE.md`: a Markdown letter with a TOML front matter between `+++` lines.
//! Importing the same slug again updates that letter and records a new text version when the
//! text changed.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use std::path::{Path, PathBuf};

use super::draft::{LetterDraft, LetterErrors, LetterInput, TranslationDraft, TranslationInput};
use super::markdown::ImageHosts;
use super::store::{StoreError, StoreOutcome};
pub use super::store::{StoreOutcome as ImportOutcome, store, store_with};
use super::translations::{self, TranslationError, TranslationOutcome};
use super::{Letter, LetterStatus};
use crate::db::DbConnection;
use crate::i18n::LanguageTag;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file must start with a TOML front matter between two lines of +++")]
    MissingFrontMatter,
    #[error("front matter: {0}")]
    FrontMatter(String),
    #[error("{0}")]
    Invalid(LetterErrors),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
    /// The language the letter is written in (`en` when a new letter does not say).
    lang: Option<String>,
    title: String,
    addressee: String,
    #[serde(default)]
    summary: String,
    #[serde(default = "default_status")]
    status: String,
    goal: Option<i64>,
    opens_at: Option<toml::Value>,
    closes_at: Option<toml::Value>,
    #[serde(default = "yes")]
    accepts_individuals: bool,
    #[serde(default = "yes")]
    accepts_organizations: bool,
    #[serde(default = "yes")]
    organizations_need_approval: bool,
    #[serde(default = "yes")]
    invites_skip_approval: bool,
    #[serde(default)]
    show_partner_tally: bool,
    /// `comments = false`: the sign form asks no comment and the lists show none.
    #[serde(default = "yes")]
    comments: bool,
    /// `keep_addresses_until_delivery = true`: signers' addresses are kept until delivery.
    #[serde(default)]
    keep_addresses_until_delivery: bool,
}

fn default_status() -> String {
    "draft".into()
}

fn yes() -> bool {
    true
}

/// Reads a letter file and applies the rules every letter passes ([`LetterDraft::parse`]).
pub fn parse_document(text: &str) -> Result<LetterDraft, ImportError> {
    let (front, body) = split(text)?;
    let matter: FrontMatter =
        toml::from_str(front).map_err(|error| ImportError::FrontMatter(error.message().into()))?;

    let mut errors = LetterErrors::default();
    let status = LetterStatus::parse(matter.status.trim()).unwrap_or_else(|| {
        errors.insert("status", "Use draft, open, closed or archived.");
        LetterStatus::Draft
    });
    let mut time = |field: &'static str, value: Option<toml::Value>| {
        value.and_then(|value| {
            let parsed = parse_time(&value);
            if parsed.is_none() {
                errors.insert(field, TIME_HELP);
            }
            parsed
        })
    };
    let opens_at = time("opens_at", matter.opens_at);
    let closes_at = time("closes_at", matter.closes_at);
    let parsed = LetterDraft::parse(LetterInput {
        slug: matter.slug,
        lang: matter.lang,
        title: matter.title,
        addressee: matter.addressee,
        summary: matter.summary,
        body_markdown: body.to_owned(),
        status,
        goal: matter.goal,
        opens_at,
        closes_at,
        accepts_individuals: matter.accepts_individuals,
        accepts_organizations: matter.accepts_organizations,
        organizations_need_approval: matter.organizations_need_approval,
        invites_skip_approval: matter.invites_skip_approval,
        show_partner_tally: matter.show_partner_tally,
        comments: matter.comments,
        keep_addresses_until_delivery: matter.keep_addresses_until_delivery,
    });
    match parsed {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(ImportError::Invalid(errors)),
        Err(more) => {
            errors.merge(more);
            Err(ImportError::Invalid(errors))
        }
    }
}

/// The front matter and the body of a letter file.
fn split(text: &str) -> Result<(&str, &str), ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rest = text;
    let mut next_line = || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find('\n').map_or(rest.len(), |at| at + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    };
    let first = next_line().ok_or(ImportError::MissingFrontMatter)?;
    if first.trim_end() != "+++" {
        return Err(ImportError::MissingFrontMatter);
    }
    let front_start = first.len();
    let mut front_len = 0;
    loop {
        let line = next_line().ok_or(ImportError::MissingFrontMatter)?;
        if line.trim_end() == "+++" {
            break;
        }
        front_len += line.len();
    }
    let front = &text[front_start..front_start + front_len];
    Ok((front, rest))
}

/// A translation file's front matter: only the words, never the letter's settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationMatter {
    slug: Option<String>,
    lang: Option<String>,
    title: String,
    addressee: String,
    #[serde(default)]
    summary: String,
}

/// Reads a translation file (`letter.he.md`, or one with `lang` in its front matter). The
/// language is the file name's (`name_lang`) or the front matter's; both given, they must
/// agree. Returns the slug it names, if any, and the text to check with
/// [`TranslationDraft::parse`] against its letter.
pub fn parse_translation(
    text: &str,
    name_lang: Option<&str>,
) -> Result<(Option<String>, TranslationInput), ImportError> {
    let (front, body) = split(text)?;
    let matter: TranslationMatter =
        toml::from_str(front).map_err(|error| ImportError::FrontMatter(error.message().into()))?;
    let lang = match (name_lang, matter.lang) {
        (Some(named), Some(written)) if !translations::same_language(named, &written) => {
            let mut errors = LetterErrors::default();
            errors.insert(
                "lang",
                format!("The file name says {named} but its front matter says {written}."),
            );
            return Err(ImportError::Invalid(errors));
        }
        (Some(named), _) => named.to_owned(),
        (None, Some(written)) => written,
        (None, None) => {
            let mut errors = LetterErrors::default();
            errors.insert("lang", "A translation must say its language.");
            return Err(ImportError::Invalid(errors));
        }
    };
    Ok((
        matter.slug.map(|slug| slug.trim().to_owned()),
        TranslationInput {
            lang,
            title: matter.title,
            addressee: matter.addressee,
            summary: matter.summary,
            body_markdown: body.to_owned(),
        },
    ))
}

/// The `lang` and `slug` of a file that may be a translation: its front matter names both
/// and nothing but a translation's keys (a file with the letter's settings is an original,
/// which may be changing its language).
fn named_lang_and_slug(text: &str) -> Option<(String, String)> {
    const TRANSLATION_KEYS: [&str; 5] = ["slug", "lang", "title", "addressee", "summary"];
    let (front, _) = split(text).ok()?;
    let table: toml::Table = toml::from_str(front).ok()?;
    if table
        .keys()
        .any(|key| !TRANSLATION_KEYS.contains(&key.as_str()))
    {
        return None;
    }
    let lang = table.get("lang")?.as_str()?.to_owned();
    let slug = table.get("slug")?.as_str()?.trim().to_owned();
    Some((lang, slug))
}

/// `letter.he.md` -> (`letter`, `he`): a file named for a language is a translation.
fn language_of_file_name(path: &Path) -> Option<(String, String)> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".md")?;
    let (base, lang) = stem.rsplit_once('.')?;
    if base.is_empty() {
        return None;
    }
    LanguageTag::parse(lang)?;
    Some((base.to_owned(), lang.to_owned()))
}

/// Every `letter.LANG.md` beside `letter.md`, by file name (also an update's
/// `update.LANG.md` beside `update.md`, for `updates send`).
pub fn translation_files(path: &Path) -> Result<Vec<(PathBuf, String)>, FileImportError> {
    let Some(stem) = path
        .file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.strip_suffix(".md"))
    else {
        return Ok(Vec::new());
    };
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut found = Vec::new();
    let entries = std::fs::read_dir(&directory)
        .map_err(|error| FileImportError::Read(directory.display().to_string(), error))?;
    for entry in entries {
        let entry =
            entry.map_err(|error| FileImportError::Read(directory.display().to_string(), error))?;
        let candidate = entry.path();
        if let Some((base, lang)) = language_of_file_name(&candidate)
            && base == stem
        {
            found.push((candidate, lang));
        }
    }
    found.sort();
    Ok(found)
}

#[derive(Debug, thiserror::Error)]
pub enum FileImportError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0} is not a valid letter: {1}")]
    Invalid(String, ImportError),
    #[error("{0}: there is no letter {1} to translate")]
    NoSuchLetter(String, String),
    #[error("{0}: a translation file imported on its own must name its letter's slug")]
    NoSlug(String),
    #[error("{0} and {1} are both in {2}")]
    SameLanguage(String, String, String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Translation(#[from] TranslationError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// What one file of an import did.
#[derive(Debug)]
pub enum FileOutcome {
    Letter(Box<Letter>, StoreOutcome),
    Translation {
        slug: String,
        lang: String,
        outcome: TranslationOutcome,
    },
}

impl std::fmt::Display for FileOutcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileOutcome::Letter(letter, outcome) => {
                let what = match outcome {
                    StoreOutcome::Created => "created",
                    StoreOutcome::Updated { new_version: true } => "updated (new text version)",
                    StoreOutcome::Updated { new_version: false } => "updated",
                };
                write!(
                    formatter,
                    "{} {what}: {} [{}] ({})",
                    letter.slug, letter.title, letter.status, letter.lang
                )
            }
            FileOutcome::Translation {
                slug,
                lang,
                outcome,
            } => {
                let what = match outcome {
                    TranslationOutcome::Created => "translation created",
                    TranslationOutcome::Updated { new_version: true } => {
                        "translation updated (new text version)"
                    }
                    TranslationOutcome::Updated { new_version: false } => "translation unchanged",
                };
                write!(formatter, "{slug} {lang}: {what}")
            }
        }
    }
}

enum Original {
    Letter(LetterDraft),
    /// The file named is itself a translation of the letter with this slug.
    TranslationOf(String, TranslationInput),
}

/// `letters import FILE`: the letter in `FILE` with every `FILE-stem.LANG.md` beside it, or
/// one translation (`letter.he.md`, or a file whose front matter names a language other than
/// that of the existing letter with its slug). Every file is checked before anything is
/// stored, and everything is stored in one transaction: a bad translation stores nothing.
pub fn import_file(
    connection: &mut DbConnection,
    path: &Path,
    images: &ImageHosts,
    actor: &crate::staff::Actor,
) -> Result<Vec<FileOutcome>, FileImportError> {
    let shown = path.display().to_string();
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map_err(|error| FileImportError::Read(path.display().to_string(), error))
    };
    let text = read(path)?;
    let invalid = |name: &str, error| FileImportError::Invalid(name.to_owned(), error);

    let original = if let Some((base, lang)) = language_of_file_name(path) {
        let (slug, input) =
            parse_translation(&text, Some(&lang)).map_err(|e| invalid(&shown, e))?;
        let slug = match slug {
            Some(slug) => slug,
            None => {
                let sibling = path.with_file_name(format!("{base}.md"));
                let sibling_text =
                    read(&sibling).map_err(|_| FileImportError::NoSlug(shown.clone()))?;
                parse_document(&sibling_text)
                    .map_err(|e| invalid(&sibling.display().to_string(), e))?
                    .slug
            }
        };
        Original::TranslationOf(slug, input)
    } else {
        let existing = match named_lang_and_slug(&text) {
            Some((lang, slug)) => super::find_by_slug(connection, &slug)?
                .filter(|letter| !translations::same_language(&letter.lang, &lang))
                .map(|_| slug),
            None => None,
        };
        match existing {
            Some(slug) => {
                let (_, input) = parse_translation(&text, None).map_err(|e| invalid(&shown, e))?;
                Original::TranslationOf(slug, input)
            }
            None => Original::Letter(parse_document(&text).map_err(|e| invalid(&shown, e))?),
        }
    };

    match original {
        Original::TranslationOf(slug, input) => {
            let letter = super::find_by_slug(connection, &slug)?
                .ok_or_else(|| FileImportError::NoSuchLetter(shown.clone(), slug.clone()))?;
            let draft = TranslationDraft::parse(input, &letter.lang)
                .map_err(|errors| invalid(&shown, ImportError::Invalid(errors)))?;
            let outcome = translations::store(connection, &letter.id, &draft, images, actor)?;
            Ok(vec![FileOutcome::Translation {
                slug,
                lang: draft.lang,
                outcome,
            }])
        }
        Original::Letter(draft) => {
            let stored_lang = super::find_by_slug(connection, &draft.slug)?
                .map(|letter| letter.lang.into_string());
            let original_lang = draft
                .lang
                .clone()
                .or(stored_lang)
                .unwrap_or_else(|| super::store::DEFAULT_LANGUAGE.to_owned());
            let mut checked: Vec<(String, TranslationDraft)> = Vec::new();
            for (file, name_lang) in translation_files(path)? {
                let name = file.display().to_string();
                let text = read(&file)?;
                let (slug, input) =
                    parse_translation(&text, Some(&name_lang)).map_err(|e| invalid(&name, e))?;
                if let Some(slug) = slug
                    && slug != draft.slug
                {
                    let mut errors = LetterErrors::default();
                    errors.insert(
                        "slug",
                        format!("This translation is of {slug}, not {}.", draft.slug),
                    );
                    return Err(invalid(&name, ImportError::Invalid(errors)));
                }
                let translation = TranslationDraft::parse(input, &original_lang)
                    .map_err(|errors| invalid(&name, ImportError::Invalid(errors)))?;
                if let Some((other, _)) = checked
                    .iter()
                    .find(|(_, seen)| seen.lang == translation.lang)
                {
                    return Err(FileImportError::SameLanguage(
                        other.clone(),
                        name,
                        translation.lang,
                    ));
                }
                checked.push((name, translation));
            }
            crate::db::write_transaction(connection, |connection| {
                let (letter, outcome) =
                    super::store::store_with(connection, &draft, images, actor)?;
                let mut outcomes = Vec::with_capacity(1 + checked.len());
                for (_, translation) in &checked {
                    let outcome =
                        translations::store(connection, &letter.id, translation, images, actor)?;
                    outcomes.push(FileOutcome::Translation {
                        slug: letter.slug.to_string(),
                        lang: translation.lang.clone(),
                        outcome,
                    });
                }
                outcomes.insert(0, FileOutcome::Letter(Box::new(letter), outcome));
                Ok(outcomes)
            })
        }
    }
}

const TIME_HELP: &str = "Use a date (2026-12-31) or a time with offset (2026-12-31T18:00:00Z).";

fn parse_time(value: &toml::Value) -> Option<NaiveDateTime> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) => datetime.to_string(),
        _ => return None,
    };
    if let Ok(time) = DateTime::parse_from_rfc3339(&text) {
        return Some(time.naive_utc());
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "+++\nslug = \"dear-president\"\ntitle = \"Dear President\"\naddressee = \"The President\"\nstatus = \"open\"\ngoal = 1000\ncloses_at = 2026-12-31T18:00:00Z\n+++\n\nWe write to you.\n";

    #[test]
    fn parses_front_matter_and_body() {
        let document = parse_document(SAMPLE).expect("valid document");
        assert_eq!(document.slug, "dear-president");
        assert_eq!(document.status, LetterStatus::Open);
        assert_eq!(document.goal, Some(1000));
        assert_eq!(
            document.closes_at.map(|time| time.to_string()),
            Some("2026-12-31 18:00:00".into())
        );
        assert_eq!(document.body_markdown, "We write to you.");
        assert!(document.accepts_individuals && document.organizations_need_approval);
    }

    #[test]
    fn refuses_bad_documents_with_the_field_named() {
        assert!(matches!(
            parse_document("no front matter"),
            Err(ImportError::MissingFrontMatter)
        ));
        let bad_status = SAMPLE.replace("\"open\"", "\"ajar\"");
        let error = parse_document(&bad_status).expect_err("bad status");
        assert!(error.to_string().contains("status"), "{error}");
        let bad_slug = SAMPLE.replace("dear-president", "Dear President");
        let error = parse_document(&bad_slug).expect_err("bad slug");
        assert!(error.to_string().contains("slug"), "{error}");
        let unknown = SAMPLE.replace("goal = 1000", "gaol = 1000");
        assert!(parse_document(&unknown).is_err());
    }
}
