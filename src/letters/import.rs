//! `letters import FILE.md`: a Markdown letter with a TOML front matter between `+++` lines.
//! Importing the same slug again updates that letter and records a new text version when the
//! text changed.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::{Letter, LetterStatus, content_hash, find_by_slug, is_valid_slug, markdown};
use crate::db::schema::{letter_versions, letters};
use crate::db::{self, DbConnection};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file must start with a TOML front matter between two lines of +++")]
    MissingFrontMatter,
    #[error("front matter: {0}")]
    FrontMatter(String),
    #[error("front matter: {field}: {message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
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
}

fn default_status() -> String {
    "draft".into()
}

fn yes() -> bool {
    true
}

/// A parsed, checked letter file, ready to store.
#[derive(Debug, Clone)]
pub struct LetterDocument {
    pub slug: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub status: LetterStatus,
    pub goal: Option<i64>,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub accepts_individuals: bool,
    pub accepts_organizations: bool,
    pub organizations_need_approval: bool,
    pub invites_skip_approval: bool,
    pub body_markdown: String,
}

pub fn parse_document(text: &str) -> Result<LetterDocument, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(ImportError::MissingFrontMatter)?;
    if first.trim_end() != "+++" {
        return Err(ImportError::MissingFrontMatter);
    }
    let mut front = String::new();
    let mut closed = false;
    for line in lines.by_ref() {
        if line.trim_end() == "+++" {
            closed = true;
            break;
        }
        front.push_str(line);
    }
    if !closed {
        return Err(ImportError::MissingFrontMatter);
    }
    let body: String = lines.collect();
    let matter: FrontMatter =
        toml::from_str(&front).map_err(|error| ImportError::FrontMatter(error.message().into()))?;

    let slug = matter.slug.trim().to_owned();
    if !is_valid_slug(&slug) {
        return Err(invalid(
            "slug",
            "use lowercase letters, digits and hyphens (at most 80)",
        ));
    }
    let title = matter.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(invalid("title", "must be 1 to 300 characters"));
    }
    let addressee = matter.addressee.trim().to_owned();
    if addressee.is_empty() || addressee.chars().count() > 300 {
        return Err(invalid("addressee", "must be 1 to 300 characters"));
    }
    let status = LetterStatus::parse(matter.status.trim())
        .ok_or_else(|| invalid("status", "must be draft, open, closed or archived"))?;
    if matter.goal.is_some_and(|goal| goal < 1) {
        return Err(invalid("goal", "must be a positive number"));
    }
    let opens_at = matter
        .opens_at
        .map(|value| parse_time(&value).ok_or_else(|| invalid("opens_at", TIME_HELP)))
        .transpose()?;
    let closes_at = matter
        .closes_at
        .map(|value| parse_time(&value).ok_or_else(|| invalid("closes_at", TIME_HELP)))
        .transpose()?;
    let body_markdown = body.trim().to_owned();
    if body_markdown.is_empty() {
        return Err(invalid(
            "body",
            "the letter has no text after the front matter",
        ));
    }
    Ok(LetterDocument {
        slug,
        title,
        addressee,
        summary: matter.summary.trim().to_owned(),
        status,
        goal: matter.goal,
        opens_at,
        closes_at,
        accepts_individuals: matter.accepts_individuals,
        accepts_organizations: matter.accepts_organizations,
        organizations_need_approval: matter.organizations_need_approval,
        invites_skip_approval: matter.invites_skip_approval,
        body_markdown,
    })
}

const TIME_HELP: &str = "use a date (2026-12-31) or a time with offset (2026-12-31T18:00:00Z)";

fn invalid(field: &'static str, message: &str) -> ImportError {
    ImportError::InvalidField {
        field,
        message: message.into(),
    }
}

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

#[derive(Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Updated { new_version: bool },
}

/// Stores the document, creating the letter or updating the one with the same slug.
pub fn store(
    connection: &mut DbConnection,
    document: &LetterDocument,
) -> Result<(Letter, ImportOutcome), ImportError> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let hash = content_hash(
            &document.title,
            &document.addressee,
            &document.body_markdown,
        );
        let body_html = markdown::render(&document.body_markdown);
        let existing = find_by_slug(connection, &document.slug)?;
        let published_at = match (&existing, document.status) {
            (Some(letter), _) if letter.published_at.is_some() => letter.published_at,
            (_, LetterStatus::Open) => Some(now),
            _ => None,
        };
        let outcome = match &existing {
            None => {
                let id = db::new_id();
                diesel::insert_into(letters::table)
                    .values((
                        letters::id.eq(&id),
                        letters::slug.eq(&document.slug),
                        letters::title.eq(&document.title),
                        letters::addressee.eq(&document.addressee),
                        letters::summary.eq(&document.summary),
                        letters::body_markdown.eq(&document.body_markdown),
                        letters::body_html.eq(&body_html),
                        letters::content_hash.eq(&hash),
                        letters::status.eq(document.status),
                        letters::goal.eq(document.goal),
                        letters::opens_at.eq(document.opens_at),
                        letters::closes_at.eq(document.closes_at),
                        letters::accepts_individuals.eq(document.accepts_individuals),
                        letters::accepts_organizations.eq(document.accepts_organizations),
                        letters::organizations_need_approval
                            .eq(document.organizations_need_approval),
                        letters::invites_skip_approval.eq(document.invites_skip_approval),
                        letters::published_at.eq(published_at),
                        letters::created_at.eq(now),
                        letters::updated_at.eq(now),
                    ))
                    .execute(connection)?;
                record_version(connection, &id, &hash, document, now)?;
                ImportOutcome::Created
            }
            Some(letter) => {
                diesel::update(letters::table.filter(letters::id.eq(&letter.id)))
                    .set((
                        letters::title.eq(&document.title),
                        letters::addressee.eq(&document.addressee),
                        letters::summary.eq(&document.summary),
                        letters::body_markdown.eq(&document.body_markdown),
                        letters::body_html.eq(&body_html),
                        letters::content_hash.eq(&hash),
                        letters::status.eq(document.status),
                        letters::goal.eq(document.goal),
                        letters::opens_at.eq(document.opens_at),
                        letters::closes_at.eq(document.closes_at),
                        letters::accepts_individuals.eq(document.accepts_individuals),
                        letters::accepts_organizations.eq(document.accepts_organizations),
                        letters::organizations_need_approval
                            .eq(document.organizations_need_approval),
                        letters::invites_skip_approval.eq(document.invites_skip_approval),
                        letters::published_at.eq(published_at),
                        letters::updated_at.eq(now),
                    ))
                    .execute(connection)?;
                let new_version = letter.content_hash != hash;
                if new_version {
                    record_version(connection, &letter.id, &hash, document, now)?;
                }
                ImportOutcome::Updated { new_version }
            }
        };
        let letter =
            find_by_slug(connection, &document.slug)?.ok_or(diesel::result::Error::NotFound)?;
        Ok((letter, outcome))
    })
}

fn record_version(
    connection: &mut DbConnection,
    letter_id: &str,
    hash: &str,
    document: &LetterDocument,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    let already_known = letter_versions::table
        .filter(letter_versions::letter_id.eq(letter_id))
        .filter(letter_versions::content_hash.eq(hash))
        .count()
        .get_result::<i64>(connection)?
        > 0;
    if !already_known {
        diesel::insert_into(letter_versions::table)
            .values((
                letter_versions::id.eq(db::new_id()),
                letter_versions::letter_id.eq(letter_id),
                letter_versions::content_hash.eq(hash),
                letter_versions::title.eq(&document.title),
                letter_versions::body_markdown.eq(&document.body_markdown),
                letter_versions::created_at.eq(now),
            ))
            .execute(connection)?;
    }
    Ok(())
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
