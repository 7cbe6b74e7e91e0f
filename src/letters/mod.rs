//! Letters: what people sign. Staff write them as Markdown with a TOML front matter.

pub mod import;
pub mod markdown;
pub mod snapshot;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::letters;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LetterStatus {
    Draft,
    Open,
    Closed,
    Archived,
}

impl LetterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LetterStatus::Draft => "draft",
            LetterStatus::Open => "open",
            LetterStatus::Closed => "closed",
            LetterStatus::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<LetterStatus> {
        match value {
            "draft" => Some(LetterStatus::Draft),
            "open" => Some(LetterStatus::Open),
            "closed" => Some(LetterStatus::Closed),
            "archived" => Some(LetterStatus::Archived),
            _ => None,
        }
    }
}

/// A letter as stored. `body_html` is the sanitized rendering of `body_markdown`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct Letter {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub content_hash: String,
    pub status: String,
    pub goal: Option<i64>,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub accepts_individuals: bool,
    pub accepts_organizations: bool,
    pub organizations_need_approval: bool,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// A member organization signing through its invite link is listed without review.
    pub invites_skip_approval: bool,
}

impl Letter {
    pub fn status(&self) -> LetterStatus {
        LetterStatus::parse(&self.status).unwrap_or(LetterStatus::Draft)
    }

    /// Drafts are not public; everything else can be read.
    pub fn is_public(&self) -> bool {
        self.status() != LetterStatus::Draft
    }

    /// Whether a signature submitted at `now` is taken.
    pub fn accepts_signatures_at(&self, now: NaiveDateTime) -> bool {
        self.status() == LetterStatus::Open
            && self.opens_at.is_none_or(|opens| opens <= now)
            && self.closes_at.is_none_or(|closes| now < closes)
    }
}

/// The hash of the text a signer sees; a signature records it.
pub fn content_hash(title: &str, addressee: &str, body_markdown: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [title, addressee, body_markdown] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn find_by_slug(
    connection: &mut DbConnection,
    slug: &str,
) -> Result<Option<Letter>, diesel::result::Error> {
    letters::table
        .filter(letters::slug.eq(slug))
        .select(Letter::as_select())
        .first(connection)
        .optional()
}

pub fn find_by_id(
    connection: &mut DbConnection,
    id: &str,
) -> Result<Option<Letter>, diesel::result::Error> {
    letters::table
        .find(id)
        .select(Letter::as_select())
        .first(connection)
        .optional()
}

pub fn list_all(connection: &mut DbConnection) -> Result<Vec<Letter>, diesel::result::Error> {
    letters::table
        .order(letters::created_at.desc())
        .select(Letter::as_select())
        .load(connection)
}

pub fn list_public(connection: &mut DbConnection) -> Result<Vec<Letter>, diesel::result::Error> {
    letters::table
        .filter(letters::status.ne(LetterStatus::Draft.as_str()))
        .order(letters::created_at.desc())
        .select(Letter::as_select())
        .load(connection)
}

/// A slug is what appears in the letter's address: lowercase letters, digits and hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_lowercase_words() {
        assert!(is_valid_slug("climate-letter-2026"));
        assert!(!is_valid_slug("Climate"));
        assert!(!is_valid_slug("a/b"));
        assert!(!is_valid_slug("-x"));
        assert!(!is_valid_slug(""));
    }

    #[test]
    fn content_hash_changes_with_any_part() {
        let base = content_hash("T", "A", "B");
        assert_ne!(base, content_hash("T", "A", "B!"));
        assert_ne!(base, content_hash("T", "A2", "B"));
        assert_ne!(content_hash("ab", "", "c"), content_hash("a", "b", "c"));
    }
}
