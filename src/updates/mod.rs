//! Updates to signers: staff write an update for a letter once (subject and Markdown), and
//! sending it queues one small outbox row per recipient (kind `update`) that the mail worker
//! renders when it sends it.
//!
//! Recipients are the counted signers who ticked "Keep me updated", individuals and
//! organizations' contacts alike, each address once, minus the addresses unsubscribed from
//! the letter. Queueing is set-based (`INSERT INTO outbox ... SELECT ... FROM
//! signatures`) in batches by signature id, each batch its own short write transaction that
//! also moves the update's cursor: a crash in the middle loses nothing, and whoever takes the
//! update over next (the mail worker, once the queuer's claim runs out) goes on from the
//! cursor. A send is a conditional state change (draft -> sending -> sent), and the outbox
//! holds at most one row per update and address, so nothing goes out twice by accident.

pub mod delivered;
pub mod drafts;
pub mod emails;
pub mod languages;
pub mod progress;
pub mod queue;
pub mod unsubscribe;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::updates;
use crate::db::{self, DbConnection};
use crate::letters::Letter;

pub use emails::UpdateRenderer;
pub use progress::{Progress, progress};
pub use queue::{count_recipients, queue_all, queue_batch, send, start_sending, take_over_stalled};

crate::text_enum! {
    /// Where an update is: written, being queued to its recipients, or queued to all.
    pub enum UpdateState {
        Draft => "draft",
        Sending => "sending",
        Sent => "sent",
    }
}

/// Signatures a queueing batch covers: short enough that the write lock is held for about
/// ten milliseconds, so signing goes on meanwhile (benches/updates.rs measures both).
pub const BATCH: i64 = 2_000;

/// A breath between batches: the write lock is not handed out fairly, and without it the
/// queuer could take it again before a waiting signer gets it.
pub const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(2);

/// Updates shown on the public letter page.
pub const ON_PAGE: i64 = 10;

/// The error recorded on a message not sent because its address unsubscribed.
pub const UNSUBSCRIBED: &str = "skipped: unsubscribed";

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = updates)]
pub struct Update {
    pub id: String,
    pub letter_id: String,
    pub subject: String,
    pub body_markdown: String,
    pub body_html: String,
    pub state: UpdateState,
    pub public_base: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub sending_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub queued: i64,
    /// The update's number, unique among all updates: its messages' ids start with it
    /// ([`Update::message_prefix`]).
    pub seq: i64,
    /// Began queueing before the `update_seq` migration: its messages keep the long ids.
    pub legacy_message_ids: bool,
}

impl Update {
    /// What the ids (and Message-IDs) of this update's messages start with.
    pub fn message_prefix(&self) -> String {
        crate::mail::outbox::update_message_prefix(&self.id, self.seq, self.legacy_message_ids)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("{0}")]
    Invalid(String),
    #[error("this file was already sent for this letter (use --again to send it once more)")]
    AlreadySent,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    /// A draft that was sent (or is being sent) meanwhile: what went out stays as it went.
    #[error("This update is no longer a draft: it was sent, so it cannot change.")]
    NotDraft,
    #[error("the update cannot be rendered: {0}")]
    Render(String),
    #[error(transparent)]
    Unavailable(#[from] db::DbError),
}

/// The sanitized HTML of an update's Markdown: no script, no `javascript:` links.
pub fn render_markdown(markdown: &str) -> String {
    crate::letters::markdown::render(markdown)
}

/// Checks what staff typed; returns the trimmed subject.
pub fn validate(subject: &str, markdown: &str) -> Result<String, UpdateError> {
    // The subject reaches a Subject header, the console and the archive: the text rules.
    use crate::values::text::{TextError, required_line};
    let subject = required_line(subject, 200).map_err(|problem| match problem {
        TextError::Empty => UpdateError::Invalid("Give the update a subject.".into()),
        TextError::TooLong { .. } => {
            UpdateError::Invalid("The subject must be one line of at most 200 characters.".into())
        }
        problem => UpdateError::Invalid(format!("Subject: {problem}")),
    })?;
    crate::values::markdown::no_control_characters(markdown)
        .map_err(|problem| UpdateError::Invalid(format!("Text: {problem}")))?;
    if markdown.trim().is_empty() {
        return Err(UpdateError::Invalid("Write the update's text.".into()));
    }
    if markdown.len() > 100_000 {
        return Err(UpdateError::Invalid(
            "The text is too long (at most 100,000 bytes).".into(),
        ));
    }
    Ok(subject)
}

/// Stores a draft update written by `actor` (audited as `update.create`). `source_hash` names
/// the file it came from (the command line), so the same file cannot be sent twice for a
/// letter.
pub fn create(
    connection: &mut DbConnection,
    letter: &Letter,
    subject: &str,
    markdown: &str,
    public_base: &str,
    actor: &crate::staff::Actor,
    source_hash: Option<&str>,
) -> Result<Update, UpdateError> {
    create_with_versions(
        connection,
        letter,
        (subject, markdown),
        &[],
        public_base,
        actor,
        source_hash,
    )
}

/// [`create`] with its versions in other languages of the letter (checked with
/// [`languages::check`]), stored in the same transaction: all of it or nothing.
pub fn create_with_versions(
    connection: &mut DbConnection,
    letter: &Letter,
    (subject, markdown): (&str, &str),
    versions: &[languages::VersionDraft],
    public_base: &str,
    actor: &crate::staff::Actor,
    source_hash: Option<&str>,
) -> Result<Update, UpdateError> {
    let subject = validate(subject, markdown)?;
    let id = db::new_id();
    let now = db::now();
    let body_html = render_markdown(markdown);
    // The next number is the highest plus one. Two instances on one PostgreSQL writing an
    // update at the same moment can both read the same highest: the unique index refuses
    // the second insert, and it tries again with the number the first one took. (SQLite's
    // single writer never gets there.) A unique violation that a retry cannot mend is the
    // source file's: that one was sent already.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let inserted = db::write_transaction(connection, |connection| {
            let highest: Option<i64> = updates::table
                .select(diesel::dsl::max(updates::seq))
                .first(connection)?;
            diesel::insert_into(updates::table)
                .values((
                    updates::id.eq(&id),
                    updates::letter_id.eq(&letter.id),
                    updates::subject.eq(&subject),
                    updates::body_markdown.eq(markdown),
                    updates::body_html.eq(&body_html),
                    updates::state.eq(UpdateState::Draft),
                    updates::public_base.eq(public_base.trim_end_matches('/')),
                    updates::source_hash.eq(source_hash),
                    updates::created_by.eq(&actor.email),
                    updates::created_at.eq(now),
                    updates::seq.eq(highest.unwrap_or(0) + 1),
                    updates::legacy_message_ids.eq(false),
                ))
                .execute(connection)?;
            languages::insert_all(connection, &id, versions)?;
            crate::staff::audit::record(
                connection,
                actor,
                "update.create",
                Some(&letter.id),
                Some(&id),
                &subject,
            )
        });
        match inserted {
            Ok(_) => break,
            Err(error) if db::is_unique_violation(&error) => {
                let source_taken = match source_hash {
                    Some(hash) => source_was_sent(connection, &letter.id, hash)?,
                    None => false,
                };
                if source_taken {
                    return Err(UpdateError::AlreadySent);
                }
                if attempt >= SEQ_ATTEMPTS {
                    return Err(error.into());
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(find(connection, &id)?.ok_or(diesel::result::Error::NotFound)?)
}

/// How often [`create`] takes the next number again after another instance took it first:
/// each retry loses only to an update committed in the meantime, so a handful is plenty.
const SEQ_ATTEMPTS: u32 = 8;

pub fn find(
    connection: &mut DbConnection,
    id: &str,
) -> Result<Option<Update>, diesel::result::Error> {
    updates::table
        .find(id)
        .select(Update::as_select())
        .first(connection)
        .optional()
}

/// A letter's updates, newest first.
pub fn for_letter(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<Vec<Update>, diesel::result::Error> {
    updates::table
        .filter(updates::letter_id.eq(letter_id))
        .order((updates::created_at.desc(), updates::id.desc()))
        .select(Update::as_select())
        .load(connection)
}

/// Whether a file with this hash was sent (or is being sent) for the letter.
pub fn source_was_sent(
    connection: &mut DbConnection,
    letter_id: &str,
    source_hash: &str,
) -> Result<bool, diesel::result::Error> {
    let count: i64 = updates::table
        .filter(updates::letter_id.eq(letter_id))
        .filter(updates::source_hash.eq(source_hash))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// An update shown on the public letter page.
#[derive(Clone, Debug)]
pub struct PublishedUpdate {
    /// The update's id; empty for an entry that is no update (the delivery).
    pub id: String,
    pub subject: String,
    /// Sanitized when the update was written.
    pub body_html: String,
    pub published_at: NaiveDateTime,
    /// The language `subject` and `body_html` are in.
    pub lang: crate::i18n::LanguageTag,
}

/// The letter's sent updates for its public page, newest first, as written (in the
/// letter's original language); [`in_language`] gives them in a translation's.
pub fn published(
    connection: &mut DbConnection,
    letter: &Letter,
    limit: i64,
) -> Result<Vec<PublishedUpdate>, diesel::result::Error> {
    let rows: Vec<(String, String, String, Option<NaiveDateTime>)> = updates::table
        .filter(updates::letter_id.eq(&letter.id))
        .filter(updates::state.ne(UpdateState::Draft))
        .order((updates::sending_at.desc(), updates::id.desc()))
        .limit(limit)
        .select((
            updates::id,
            updates::subject,
            updates::body_html,
            updates::sending_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, subject, body_html, at)| {
            at.map(|published_at| PublishedUpdate {
                id,
                subject,
                body_html,
                published_at,
                lang: letter.lang.clone(),
            })
        })
        .collect())
}

/// `published` as a reader of the letter in `lang` sees it: each update in its version in
/// that language where there is one (`versions`, from [`languages::of_updates`]), else as
/// written.
pub fn in_language(
    published: &[PublishedUpdate],
    versions: &[languages::UpdateVersion],
    lang: &crate::i18n::LanguageTag,
) -> Vec<PublishedUpdate> {
    published
        .iter()
        .map(|shown| {
            match versions
                .iter()
                .find(|version| version.update_id == shown.id && version.lang == *lang)
            {
                Some(version) => PublishedUpdate {
                    subject: version.subject.clone(),
                    body_html: version.body_html.clone(),
                    lang: version.lang.clone(),
                    ..shown.clone()
                },
                None => shown.clone(),
            }
        })
        .collect()
}

/// The update made from the file with this hash for the letter, if any (the first send of
/// that file; `--again` sends are stored under a hash of their own).
pub fn find_by_source(
    connection: &mut DbConnection,
    letter_id: &str,
    source_hash: &str,
) -> Result<Option<Update>, diesel::result::Error> {
    updates::table
        .filter(updates::letter_id.eq(letter_id))
        .filter(updates::source_hash.eq(source_hash))
        .select(Update::as_select())
        .first(connection)
        .optional()
}

/// An update file: the letter file's `+++` TOML front matter (its `title` is the subject;
/// other keys are allowed and ignored) and a Markdown body.
pub fn parse_file(text: &str) -> Result<(String, String), UpdateError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let missing = || {
        UpdateError::Invalid(
            "the file must start with a TOML front matter between two lines of +++".into(),
        )
    };
    let first = lines.next().ok_or_else(missing)?;
    if first.trim_end() != "+++" {
        return Err(missing());
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
        return Err(missing());
    }
    let body: String = lines.collect();
    let table: toml::Table = toml::from_str(&front)
        .map_err(|error| UpdateError::Invalid(format!("front matter: {}", error.message())))?;
    let title = table
        .get("title")
        .and_then(|value| value.as_str())
        .ok_or_else(|| {
            UpdateError::Invalid("front matter: `title` (the subject) is missing".into())
        })?;
    let subject = validate(title, &body)?;
    Ok((subject, body.trim().to_owned()))
}
