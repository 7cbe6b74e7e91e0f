//! Letters: what people sign. Staff write them as Markdown with a TOML front matter.

pub mod delivered;
pub mod draft;
pub mod import;
pub mod markdown;
pub mod store;
pub mod translations;

use crate::values::ids::{LetterId, Slug};
use crate::values::language::LanguageTag;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::schema::letters;

crate::text_enum! {
    /// Where a letter is in its life; stored as TEXT.
    pub enum LetterStatus {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
        Archived => "archived",
    }
}

/// A letter as stored. `body_html` is the sanitized rendering of `body_markdown`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct Letter {
    pub id: LetterId,
    pub slug: Slug,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub content_hash: String,
    pub status: LetterStatus,
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
    /// When the letter stopped taking signatures through a status change (closed, archived),
    /// or its scheduled close if that came first; `None` while it is open. Later edits and
    /// archiving a closed letter leave it alone.
    pub closed_at: Option<NaiveDateTime>,
    /// The public page lists how many counted signatures each member brought.
    pub show_partner_tally: bool,
    /// The sign form asks "Why are you signing?" and the lists show listed signers' comments.
    pub comments: bool,
    /// Signers' addresses are kept until the letter is delivered (and
    /// `signing.erase_after_days` after it is delivered or closes), for the delivery itself
    /// (`crate::signatures::retention`).
    pub keep_addresses_until_delivery: bool,
    /// The language of `title`, `addressee`, `summary` and the body. As stored, the
    /// original's; a letter shown in a translation (`crate::read::snapshot::LetterSnapshot::in_language`)
    /// carries that translation's texts, hash and language, so whoever signs it records
    /// the text they read.
    pub lang: LanguageTag,
}

impl Letter {
    pub fn status(&self) -> LetterStatus {
        self.status
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
        .filter(letters::status.ne(LetterStatus::Draft))
        .order(letters::created_at.desc())
        .select(Letter::as_select())
        .load(connection)
}

pub use crate::values::ids::is_valid_slug;

/// One recorded text of a letter. Signatures name the text their signer saw by its hash.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::letter_versions)]
pub struct LetterVersion {
    pub id: String,
    pub letter_id: String,
    pub content_hash: String,
    pub title: String,
    pub body_markdown: String,
    pub created_at: NaiveDateTime,
    /// The language of this text: the original's or a translation's.
    pub lang: String,
}

/// Every recorded text of a letter in one language, newest first, including texts written
/// while it was a draft.
pub fn versions(
    connection: &mut DbConnection,
    letter_id: &str,
    lang: &str,
) -> Result<Vec<LetterVersion>, diesel::result::Error> {
    use crate::db::schema::letter_versions;
    letter_versions::table
        .filter(letter_versions::letter_id.eq(letter_id))
        .filter(letter_versions::lang.eq(lang))
        .order((
            letter_versions::created_at.desc(),
            letter_versions::id.desc(),
        ))
        .select(LetterVersion::as_select())
        .load(connection)
}

/// Dates the text current at publication to the publication itself. The text may have been
/// recorded long before, or recorded, replaced and then brought back while the letter was a
/// draft; from now on it is the public one, and everything recorded before it stays private.
pub(crate) fn mark_published_text(
    connection: &mut DbConnection,
    letter_id: &str,
    content_hash: &str,
    published_at: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    use crate::db::schema::{letter_translations, letter_versions};
    // In the original's language only: a draft first written in another language with the
    // same words has a row with the same hash, which was never public.
    let original: String = letters::table
        .filter(letters::id.eq(letter_id))
        .select(letters::lang)
        .first(connection)?;
    diesel::update(
        letter_versions::table
            .filter(letter_versions::letter_id.eq(letter_id))
            .filter(letter_versions::lang.eq(&original))
            .filter(letter_versions::content_hash.eq(content_hash))
            .filter(letter_versions::created_at.lt(published_at)),
    )
    .set(letter_versions::created_at.eq(published_at))
    .execute(connection)?;
    // The translations' current texts are published with the original.
    let translated: Vec<(String, String)> = letter_translations::table
        .filter(letter_translations::letter_id.eq(letter_id))
        .select((letter_translations::lang, letter_translations::content_hash))
        .load(connection)?;
    for (lang, hash) in translated {
        diesel::update(
            letter_versions::table
                .filter(letter_versions::letter_id.eq(letter_id))
                .filter(letter_versions::lang.eq(&lang))
                .filter(letter_versions::content_hash.eq(&hash))
                .filter(letter_versions::created_at.lt(published_at)),
        )
        .set(letter_versions::created_at.eq(published_at))
        .execute(connection)?;
    }
    Ok(())
}

/// The texts the public could have read in `letter.lang` (a letter shown in a translation
/// gives that translation's), newest first: the one current when the letter was first
/// published and every later one. Texts drafted before publication stay private, as drafts
/// do, in every language: also a translation written on the draft and removed before
/// publication, a language the draft was first written in, and a letter that went straight
/// from draft to closed or archived. A draft letter has no public versions.
pub fn public_versions(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<Vec<LetterVersion>, diesel::result::Error> {
    if !letter.is_public() {
        return Ok(Vec::new());
    }
    let all = versions(connection, &letter.id, &letter.lang)?;
    let current = |version: &LetterVersion| version.content_hash == letter.content_hash;
    // Stored public without a publication time by an older release: which earlier text was
    // ever shown is unknown, so only the current one is.
    let Some(published_at) = letter.published_at else {
        return Ok(all.into_iter().filter(current).collect());
    };
    // Publication dates the texts it made public to itself (`mark_published_text`: the
    // original's and those of the translations it had then), and a text recorded or brought
    // back later is dated when it was: what is dated before publication was never shown.
    let public_since = |version: &LetterVersion| version.created_at >= published_at;
    if all.iter().any(public_since) || !is_original_language(connection, letter)? {
        return Ok(all
            .into_iter()
            .filter(|version| public_since(version) || current(version))
            .collect());
    }
    // The original of a letter published before publication dated its text: the newest
    // recorded before it was the text current then.
    let mut reached_publication = false;
    Ok(all
        .into_iter()
        .filter(|version| {
            let shown = !reached_publication || current(version);
            reached_publication = true;
            shown
        })
        .collect())
}

/// Whether `letter` (perhaps shown in a translation) is in its stored original's language.
fn is_original_language(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<bool, diesel::result::Error> {
    let original: String = letters::table
        .find(&letter.id)
        .select(letters::lang)
        .first(connection)?;
    Ok(translations::same_language(&original, &letter.lang))
}

/// The public version of a letter with this content hash, if there is one.
pub fn find_public_version(
    connection: &mut DbConnection,
    letter: &Letter,
    content_hash: &str,
) -> Result<Option<LetterVersion>, diesel::result::Error> {
    Ok(public_versions(connection, letter)?
        .into_iter()
        .find(|version| version.content_hash == content_hash))
}

/// `closed_at` for a letter about to be stored with status `to`, given what it was before
/// (`None` for a new letter). Reopening clears it; a letter that already stopped keeps the
/// moment it stopped; a letter that stops now stopped at its scheduled close if that passed.
pub(crate) fn closed_at_after(
    before: Option<&Letter>,
    to: LetterStatus,
    closes_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    match to {
        LetterStatus::Open => None,
        // A draft never took signatures; one made a draft again keeps what it had.
        LetterStatus::Draft => before.and_then(|letter| letter.closed_at),
        LetterStatus::Closed | LetterStatus::Archived => {
            let already = before
                .filter(|letter| letter.status() != LetterStatus::Open)
                .and_then(|letter| letter.closed_at);
            let scheduled = closes_at.filter(|closes| *closes <= now);
            already.or(Some(scheduled.map_or(now, |closes| closes.min(now))))
        }
    }
}

/// Whether staff may move a letter from `from` to `to`: draft -> open, open <-> closed, and
/// open or closed -> archived. Nothing goes back to draft: a published text stays published.
pub fn status_change_allowed(from: LetterStatus, to: LetterStatus) -> bool {
    use LetterStatus::{Archived, Closed, Draft, Open};
    matches!(
        (from, to),
        (Draft, Open) | (Open, Closed) | (Closed, Open) | (Open, Archived) | (Closed, Archived)
    )
}

/// The statuses a letter in `from` may move to, in the order a console offers them.
pub fn next_statuses(from: LetterStatus) -> Vec<LetterStatus> {
    [
        LetterStatus::Open,
        LetterStatus::Closed,
        LetterStatus::Archived,
        LetterStatus::Draft,
    ]
    .into_iter()
    .filter(|to| status_change_allowed(from, *to))
    .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum StatusChangeError {
    #[error("there is no such letter")]
    NotFound,
    #[error("a letter cannot go from {} to {}", .from.as_str(), .to.as_str())]
    NotAllowed {
        from: LetterStatus,
        to: LetterStatus,
    },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// What `change_status` did.
#[derive(Clone, Debug)]
pub struct StatusChange {
    pub from: LetterStatus,
    /// The letter as it is now.
    pub letter: Letter,
    /// False when the letter already had the wanted status (a form sent twice).
    pub changed: bool,
}

/// Opens, closes, reopens or archives a letter. The first opening sets `published_at`.
/// Asking for the status a letter already has changes nothing, so a form sent twice is
/// harmless. A change is audited as `letter.state`.
pub fn change_status(
    connection: &mut DbConnection,
    letter_id: &str,
    to: LetterStatus,
    actor: &crate::staff::Actor,
) -> Result<StatusChange, StatusChangeError> {
    crate::db::write_transaction(connection, |connection| {
        let letter = find_by_id(connection, letter_id)?.ok_or(StatusChangeError::NotFound)?;
        let from = letter.status();
        if from == to {
            return Ok(StatusChange {
                from,
                letter,
                changed: false,
            });
        }
        if !status_change_allowed(from, to) {
            return Err(StatusChangeError::NotAllowed { from, to });
        }
        let now = crate::db::now();
        let publishing = letter.published_at.is_none() && to != LetterStatus::Draft;
        let published_at = letter.published_at.or(publishing.then_some(now));
        // Only from the status just read: a concurrent change makes this one fail instead of
        // silently undoing it.
        let updated = diesel::update(
            letters::table
                .filter(letters::id.eq(letter_id))
                .filter(letters::status.eq(from)),
        )
        .set((
            letters::status.eq(to),
            letters::published_at.eq(published_at),
            letters::updated_at.eq(now),
            letters::closed_at.eq(closed_at_after(Some(&letter), to, letter.closes_at, now)),
        ))
        .execute(connection)?;
        if updated > 0 && publishing {
            mark_published_text(connection, letter_id, &letter.content_hash, now)?;
        }
        let letter = find_by_id(connection, letter_id)?.ok_or(StatusChangeError::NotFound)?;
        if updated == 0 {
            return Err(StatusChangeError::NotAllowed {
                from: letter.status(),
                to,
            });
        }
        crate::staff::audit::record(
            connection,
            actor,
            "letter.state",
            Some(&letter.id),
            Some(&letter.slug),
            &format!("{} -> {}", from.as_str(), to.as_str()),
        )?;
        Ok(StatusChange {
            from,
            letter,
            changed: true,
        })
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|date| date.and_hms_opt(hour, 0, 0))
            .expect("a valid time")
    }

    fn letter(status: LetterStatus, closed_at: Option<NaiveDateTime>) -> Letter {
        Letter {
            closed_at,
            ..sample(status, at(0))
        }
    }

    /// A letter for unit tests, in English, open to everyone, created, published and last
    /// changed at `time`: tests name only the fields they are about.
    pub(crate) fn sample(status: LetterStatus, time: NaiveDateTime) -> Letter {
        Letter {
            id: LetterId::parse("id").expect("an id"),
            slug: Slug::parse("slug").expect("a slug"),
            title: String::new(),
            addressee: String::new(),
            summary: String::new(),
            body_markdown: String::new(),
            body_html: String::new(),
            content_hash: String::new(),
            status,
            goal: None,
            opens_at: None,
            closes_at: None,
            accepts_individuals: true,
            accepts_organizations: true,
            organizations_need_approval: true,
            published_at: Some(time),
            created_at: time,
            updated_at: time,
            invites_skip_approval: false,
            show_partner_tally: false,
            comments: true,
            keep_addresses_until_delivery: false,
            closed_at: None,
            lang: LanguageTag::parse("en").expect("a language"),
        }
    }

    #[test]
    fn a_letter_closes_once_and_reopening_clears_it() {
        use LetterStatus::{Archived, Closed, Draft, Open};
        let open = letter(Open, None);
        assert_eq!(
            closed_at_after(Some(&open), Closed, None, at(5)),
            Some(at(5))
        );
        assert_eq!(
            closed_at_after(Some(&open), Archived, None, at(5)),
            Some(at(5))
        );
        // A scheduled close that passed is when it stopped taking signatures.
        assert_eq!(
            closed_at_after(Some(&open), Closed, Some(at(3)), at(5)),
            Some(at(3))
        );
        assert_eq!(
            closed_at_after(Some(&open), Closed, Some(at(9)), at(5)),
            Some(at(5))
        );
        let closed = letter(Closed, Some(at(2)));
        assert_eq!(
            closed_at_after(Some(&closed), Archived, None, at(8)),
            Some(at(2))
        );
        assert_eq!(
            closed_at_after(Some(&closed), Closed, None, at(8)),
            Some(at(2))
        );
        assert_eq!(closed_at_after(Some(&closed), Open, None, at(8)), None);
        assert_eq!(closed_at_after(None, Closed, None, at(1)), Some(at(1)));
        assert_eq!(closed_at_after(None, Draft, None, at(1)), None);
        assert_eq!(closed_at_after(None, Open, Some(at(0)), at(1)), None);
    }

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
