//! Updates to signers: staff write an update for a letter once (subject and Markdown), and
//! sending it queues one small outbox row per recipient (kind `update`) that the mail worker
//! renders when it sends it.
//!
//! Recipients are the counted individual signers who ticked "Keep me updated" and the
//! contacts of counted organizations, each address once, minus the addresses unsubscribed
//! from the letter. Queueing is set-based (`INSERT INTO outbox ... SELECT ... FROM
//! signatures`) in batches by signature id, each batch its own short write transaction that
//! also moves the update's cursor: a crash in the middle loses nothing, and whoever takes the
//! update over next (the mail worker, once the queuer's claim runs out) goes on from the
//! cursor. A send is a conditional state change (draft -> sending -> sent), and the outbox
//! holds at most one row per update and address, so nothing goes out twice by accident.

pub mod delivered;
pub mod unsubscribe;

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, SubsecRound as _};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{letters, outbox, signatures, updates};
use crate::db::{self, DbConnection, DbError};
use crate::letters::Letter;
use crate::mail::outbox::{OutboxRecord, OutboxState, mailbox_key};
use crate::mail::render::Prepared;
use crate::signatures::{SignatureKind, SignatureState};

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

/// How long a queuer holds an update between batches before another may take it over.
const QUEUE_LEASE_SECONDS: i64 = 60;

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
    pub subject: String,
    /// Sanitized when the update was written.
    pub body_html: String,
    pub published_at: NaiveDateTime,
}

/// The letter's sent updates for its public page, newest first.
pub fn published(
    connection: &mut DbConnection,
    letter_id: &str,
    limit: i64,
) -> Result<Vec<PublishedUpdate>, diesel::result::Error> {
    let rows: Vec<(String, String, Option<NaiveDateTime>)> = updates::table
        .filter(updates::letter_id.eq(letter_id))
        .filter(updates::state.ne(UpdateState::Draft))
        .order((updates::sending_at.desc(), updates::id.desc()))
        .limit(limit)
        .select((updates::subject, updates::body_html, updates::sending_at))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(subject, body_html, at)| {
            at.map(|published_at| PublishedUpdate {
                subject,
                body_html,
                published_at,
            })
        })
        .collect())
}

/// Turns a draft into a sending update and takes the queuer's claim on it; the send is
/// audited as `update.send`. `false` when it is not a draft any more: someone else sent it,
/// and this send must do nothing (nor record anything).
pub fn start_sending(
    connection: &mut DbConnection,
    id: &str,
    actor: &crate::staff::Actor,
) -> Result<bool, diesel::result::Error> {
    let now = db::now();
    db::write_transaction(connection, |connection| {
        let changed = diesel::update(
            updates::table
                .filter(updates::id.eq(id))
                .filter(updates::state.eq(UpdateState::Draft)),
        )
        .set((
            updates::state.eq(UpdateState::Sending),
            updates::sending_at.eq(now),
            updates::queue_locked_until.eq(now + Duration::seconds(QUEUE_LEASE_SECONDS)),
        ))
        .execute(connection)?;
        if changed != 1 {
            return Ok(false);
        }
        let (letter_id, subject): (String, String) = updates::table
            .find(id)
            .select((updates::letter_id, updates::subject))
            .first(connection)?;
        crate::staff::audit::record(
            connection,
            actor,
            "update.send",
            Some(&letter_id),
            Some(id),
            &subject,
        )?;
        Ok(true)
    })
}

/// Takes over an update whose queuer stopped (crashed) before queueing every recipient: its
/// claim ran out. Returns the ids taken; the caller then runs [`queue_all`] on each.
pub fn take_over_stalled(
    connection: &mut DbConnection,
) -> Result<Vec<String>, diesel::result::Error> {
    let now = db::now();
    let stalled: Vec<String> = updates::table
        .filter(updates::state.eq(UpdateState::Sending))
        .filter(updates::queue_locked_until.lt(now))
        .select(updates::id)
        .load(connection)?;
    let mut taken = Vec::new();
    for id in stalled {
        let changed = db::write_transaction(connection, |connection| {
            diesel::update(
                updates::table
                    .filter(updates::id.eq(&id))
                    .filter(updates::state.eq(UpdateState::Sending))
                    .filter(updates::queue_locked_until.lt(now)),
            )
            .set(updates::queue_locked_until.eq(now + Duration::seconds(QUEUE_LEASE_SECONDS)))
            .execute(connection)
        })?;
        if changed == 1 {
            taken.push(id);
        }
    }
    Ok(taken)
}

/// The SQL condition for a signature that receives updates: counted (the one rule in
/// `signatures::state::is_counted`), and for individuals opted in. The names are the enums'
/// own, never user input.
fn recipient_condition(organizations_need_approval: bool) -> String {
    recipient_condition_on("s", organizations_need_approval)
}

/// [`recipient_condition`] for the signatures table under another alias.
fn recipient_condition_on(alias: &str, organizations_need_approval: bool) -> String {
    let mut parts = Vec::new();
    for kind in SignatureKind::ALL {
        let states: Vec<String> = SignatureState::ALL
            .into_iter()
            .filter(|state| {
                crate::signatures::state::is_counted(kind, *state, organizations_need_approval)
            })
            .map(|state| format!("'{}'", state.as_str()))
            .collect();
        if states.is_empty() {
            continue;
        }
        let consent = match kind {
            SignatureKind::Individual => format!(" AND {alias}.updates"),
            SignatureKind::Organization => String::new(),
        };
        parts.push(format!(
            "({alias}.kind = '{}' AND {alias}.state IN ({}){consent})",
            kind.as_str(),
            states.join(", ")
        ));
    }
    if parts.is_empty() {
        "FALSE".into()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

/// Queues the update to every recipient not queued yet, batch after batch, from its cursor.
/// Returns how many messages this call queued. Stops early (without error) when another
/// queuer took the update over. Each batch is one write transaction.
pub fn queue_all(
    connection: &mut DbConnection,
    update_id: &str,
    batch: i64,
) -> Result<i64, diesel::result::Error> {
    let mut total = 0;
    while let Some(queued) = queue_batch(connection, update_id, batch)? {
        total += queued;
        std::thread::sleep(BATCH_PAUSE);
    }
    Ok(total)
}

/// One batch: `Some(queued)` while there may be more, `None` once the update is sent (or is
/// not this queuer's to send).
pub fn queue_batch(
    connection: &mut DbConnection,
    update_id: &str,
    batch: i64,
) -> Result<Option<i64>, diesel::result::Error> {
    let Some((letter_id, state, cursor, seq, legacy)) = updates::table
        .find(update_id)
        .select((
            updates::letter_id,
            updates::state,
            updates::queue_cursor,
            updates::seq,
            updates::legacy_message_ids,
        ))
        .first::<(String, UpdateState, String, i64, bool)>(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let prefix = crate::mail::outbox::update_message_prefix(update_id, seq, legacy);
    if state != UpdateState::Sending {
        return Ok(None);
    }
    let need_approval: bool = letters::table
        .find(&letter_id)
        .select(letters::organizations_need_approval)
        .first(connection)?;
    // The batch's last signature id: batches cover `batch` signatures of the letter each,
    // whatever share of them receives the update.
    let upper: Option<String> = signatures::table
        .filter(signatures::letter_id.eq(&letter_id))
        .filter(signatures::id.gt(&cursor))
        .order(signatures::id.asc())
        .offset(batch.max(1) - 1)
        .limit(1)
        .select(signatures::id)
        .first(connection)
        .optional()?;
    let upper = match upper {
        Some(upper) => upper,
        None => {
            let last: Option<String> = signatures::table
                .filter(signatures::letter_id.eq(&letter_id))
                .filter(signatures::id.gt(&cursor))
                .select(diesel::dsl::max(signatures::id))
                .first(connection)?;
            match last {
                Some(last) => last,
                None => {
                    finish(connection, update_id)?;
                    return Ok(None);
                }
            }
        }
    };
    let now = db::now().trunc_subsecs(0);
    let condition = recipient_condition(need_approval);
    let other_condition = recipient_condition_on("d", need_approval);
    let queued = db::write_transaction(connection, |connection| {
        // Move the cursor first and only while the update is still this one's to send: a
        // queuer whose claim ran out and was taken over changes nothing.
        let moved = diesel::update(
            updates::table
                .filter(updates::id.eq(update_id))
                .filter(updates::state.eq(UpdateState::Sending))
                .filter(updates::queue_cursor.eq(&cursor)),
        )
        .set((
            updates::queue_cursor.eq(&upper),
            updates::queue_locked_until.eq(now + Duration::seconds(QUEUE_LEASE_SECONDS)),
        ))
        .execute(connection)?;
        if moved != 1 {
            return Ok(None);
        }
        let inserted = insert_recipients(
            connection,
            (update_id, &prefix),
            &letter_id,
            (&cursor, &upper),
            (&condition, &other_condition),
            now,
        )? as i64;
        diesel::update(updates::table.filter(updates::id.eq(update_id)))
            .set(updates::queued.eq(updates::queued + inserted))
            .execute(connection)?;
        Ok::<_, diesel::result::Error>(Some(inserted))
    })?;
    Ok(queued)
}

fn insert_recipients(
    connection: &mut DbConnection,
    (update_id, prefix): (&str, &str),
    letter_id: &str,
    (after, through): (&str, &str),
    (condition, other_condition): (&str, &str),
    now: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    use diesel::sql_types::{Text, Timestamp};
    // A row is what sending needs and no more (BENCHMARKS.md: bytes per queued update
    // message): its id (`outbox::update_message_id`: the update's `prefix` and the
    // signature's id without hyphens; also its Message-ID, so `message_id`
    // stays ''), the address, `update_id` (which also says it is an update: no `kind`, no
    // `recipient_key`, no `params`), times to the second (SQLite stores them as text).
    // Nothing in it is rendered; the worker renders from the update when it sends.
    //
    // Each address once per update: an address signed both as a person and as an
    // organization's contact gets the message of whichever signature was queued first, an
    // earlier batch's (its row exists) or an earlier one of this batch. The other kind is
    // named exactly so the lookup is one probe of `signatures_one_live_per_email`.
    let other_kind = format!(
        "CASE s.kind WHEN '{individual}' THEN '{organization}' ELSE '{individual}' END",
        individual = SignatureKind::Individual.as_str(),
        organization = SignatureKind::Organization.as_str(),
    );
    let statement = |p: &dyn Fn(usize) -> String| {
        let row_id = |signature: &str| format!("{} || replace({signature}.id, '-', '')", p(6));
        format!(
            "INSERT INTO outbox (id, message_id, recipient, subject, body_text, body_html, \
             attempts, next_attempt_at, created_at, state, recipient_key, update_id) \
             SELECT {id}, '', s.email, '', '', '', 0, {now}, {now}, '{waiting}', '', {u} \
             FROM signatures s \
             WHERE s.letter_id = {letter} AND s.id > {after} AND s.id <= {through} AND {condition} \
             AND NOT EXISTS (SELECT 1 FROM update_unsubscribes x \
               WHERE x.letter_id = s.letter_id AND x.email_normalized = s.email_normalized) \
             AND NOT EXISTS (SELECT 1 FROM signatures d \
               WHERE d.letter_id = s.letter_id AND d.kind = {other_kind} \
               AND d.email_normalized = s.email_normalized AND d.withdrawn_at IS NULL \
               AND (EXISTS (SELECT 1 FROM outbox o WHERE o.id = {other_id}) \
                 OR (d.id > {after} AND d.id < s.id AND {other_condition}))) \
             ON CONFLICT DO NOTHING",
            id = row_id("s"),
            other_id = row_id("d"),
            u = p(1),
            now = p(2),
            letter = p(3),
            after = p(4),
            through = p(5),
            waiting = OutboxState::Waiting.as_str(),
        )
    };
    match connection {
        DbConnection::Sqlite(connection) => {
            // SQLite binds numbered parameters (`?1`), so one value serves every use.
            diesel::sql_query(statement(&|n| format!("?{n}")))
                .bind::<Text, _>(update_id)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(letter_id)
                .bind::<Text, _>(after)
                .bind::<Text, _>(through)
                .bind::<Text, _>(prefix)
                .execute(connection)
        }
        DbConnection::Postgresql(connection) => {
            diesel::sql_query(statement(&|n| format!("CAST(${n} AS {})", pg_type(n))))
                .bind::<Text, _>(update_id)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(letter_id)
                .bind::<Text, _>(after)
                .bind::<Text, _>(through)
                .bind::<Text, _>(prefix)
                .execute(connection)
        }
    }
}

fn pg_type(parameter: usize) -> &'static str {
    if parameter == 2 { "TIMESTAMP" } else { "TEXT" }
}

fn finish(connection: &mut DbConnection, update_id: &str) -> Result<(), diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        diesel::update(
            updates::table
                .filter(updates::id.eq(update_id))
                .filter(updates::state.eq(UpdateState::Sending)),
        )
        .set((
            updates::state.eq(UpdateState::Sent),
            updates::sent_at.eq(db::now()),
            updates::queue_locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(connection)
    })?;
    Ok(())
}

/// How far an update has gone out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Messages queued (every recipient so far, whatever became of the message).
    pub queued: i64,
    /// Waiting or being sent.
    pub waiting: i64,
    pub sent: i64,
    /// Given up (refused, out of attempts), not counting skipped unsubscribes.
    pub failed: i64,
    /// Recipients of this update who have unsubscribed from the letter since.
    pub unsubscribed: i64,
}

pub fn progress(
    connection: &mut DbConnection,
    update: &Update,
) -> Result<Progress, diesel::result::Error> {
    use diesel::sql_types::{BigInt, Text};
    // Rows of withdrawn signers are blanked (`outbox::redact_for_signature`) and left out.
    let by_state: Vec<(OutboxState, Option<String>, i64)> = if db::is_postgres(connection) {
        outbox::table
            .filter(outbox::update_id.eq(&update.id))
            .filter(outbox::recipient.ne(""))
            .group_by((outbox::state, outbox::last_error))
            .select((outbox::state, outbox::last_error, diesel::dsl::count_star()))
            .load(connection)?
    } else {
        // SQLite has no index by update (it would cost every queued message about 50
        // bytes): an update's rows are one range of the primary key. PostgreSQL's
        // `outbox_by_update` costs a few bytes per row (B-tree deduplication), and its
        // collations need not order the range's bounds bytewise.
        let start = update.message_prefix();
        let end = format!("{}/", start.trim_end_matches('.'));
        outbox::table
            .filter(outbox::id.gt(start))
            .filter(outbox::id.lt(end))
            .filter(outbox::update_id.eq(&update.id))
            .filter(outbox::recipient.ne(""))
            .group_by((outbox::state, outbox::last_error))
            .select((outbox::state, outbox::last_error, diesel::dsl::count_star()))
            .load(connection)?
    };
    let mut progress = Progress::default();
    for (state, error, count) in by_state {
        progress.queued += count;
        match state {
            OutboxState::Waiting | OutboxState::Sending => progress.waiting += count,
            OutboxState::Sent => progress.sent += count,
            OutboxState::Failed if error.as_deref() == Some(UNSUBSCRIBED) => {}
            OutboxState::Failed => progress.failed += count,
        }
    }
    // Update rows keep no address key: an unsubscribed address counts when one of the
    // letter's live signatures with that address has a row of this update (few
    // unsubscribes, each an index probe, rather than a pass over the update's rows).
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    let kinds: Vec<String> = SignatureKind::ALL
        .into_iter()
        .map(|kind| format!("'{}'", kind.as_str()))
        .collect();
    let statement = |p: &dyn Fn(usize) -> String| {
        format!(
            "SELECT COUNT(*) AS count FROM update_unsubscribes x \
             WHERE x.letter_id = {letter} AND EXISTS (SELECT 1 FROM signatures s \
               WHERE s.letter_id = x.letter_id AND s.kind IN ({kinds}) \
               AND s.email_normalized = x.email_normalized AND s.withdrawn_at IS NULL \
               AND EXISTS (SELECT 1 FROM outbox o \
                 WHERE o.id = {prefix} || replace(s.id, '-', '')))",
            letter = p(1),
            prefix = p(2),
            kinds = kinds.join(", "),
        )
    };
    let prefix = update.message_prefix();
    let counted = match connection {
        DbConnection::Sqlite(connection) => diesel::sql_query(statement(&|n| format!("?{n}")))
            .bind::<Text, _>(&update.letter_id)
            .bind::<Text, _>(&prefix)
            .get_result::<Count>(connection)?,
        DbConnection::Postgresql(connection) => {
            diesel::sql_query(statement(&|n| format!("CAST(${n} AS TEXT)")))
                .bind::<Text, _>(&update.letter_id)
                .bind::<Text, _>(&prefix)
                .get_result::<Count>(connection)?
        }
    };
    progress.unsubscribed = counted.count;
    Ok(progress)
}

/// What a rendered-when-sent row says about itself.
#[derive(Debug, Deserialize)]
struct UpdateParams {
    update: String,
}

struct Loaded {
    update: Update,
    letter_title: String,
    letter_addressee: String,
    letter_slug: String,
}

/// Renders update rows for the mail worker (`mail::render`), loading each update once per
/// batch; a row whose address unsubscribed from the letter since it was queued is skipped.
#[derive(Default)]
pub struct UpdateRenderer {
    loaded: HashMap<String, Option<Loaded>>,
    secret: Option<String>,
}

impl UpdateRenderer {
    pub fn render(
        &mut self,
        connection: &mut DbConnection,
        record: &OutboxRecord,
    ) -> Result<Prepared, DbError> {
        // Rows queued before the `outbox_slim` migration may name the update in `params`.
        let update_id = record.update_id.clone().or_else(|| {
            record
                .params
                .as_deref()
                .and_then(|params| serde_json::from_str::<UpdateParams>(params).ok())
                .map(|params| params.update)
        });
        let Some(update_id) = update_id else {
            return Ok(Prepared::Skip("skipped: unreadable parameters".into()));
        };
        if !self.loaded.contains_key(&update_id) {
            let found = load(connection, &update_id)?;
            self.loaded.insert(update_id.clone(), found);
        }
        let Some(Some(source)) = self.loaded.get(&update_id) else {
            return Ok(Prepared::Skip("skipped: the update is gone".into()));
        };
        let key = mailbox_key(&record.recipient);
        if unsubscribe::is_unsubscribed(connection, &source.update.letter_id, &key)? {
            return Ok(Prepared::Skip(UNSUBSCRIBED.into()));
        }
        let secret = match &self.secret {
            Some(secret) => secret.clone(),
            None => {
                let read = unsubscribe::secret(connection)?;
                self.secret = Some(read.clone());
                read
            }
        };
        let token = unsubscribe::token(&secret, &source.update.letter_id, &key);
        let unsubscribe_url = format!("{}/unsubscribe/{token}", source.update.public_base);
        let letter_url = format!(
            "{}/letters/{}",
            source.update.public_base, source.letter_slug
        );
        // The staff's words stay as written; the frame (why this came, how to stop it) is
        // in the language of the text the recipient signed.
        let lang = match signature_of(&record.id) {
            Some(signature_id) => signatures::table
                .find(signature_id)
                .select(signatures::lang)
                .first::<Option<String>>(connection)
                .optional()?
                .flatten(),
            None => None,
        };
        let content = crate::mail::messages::update(
            &source.letter_title,
            &source.letter_addressee,
            &source.update.subject,
            &source.update.body_markdown,
            &source.update.body_html,
            &letter_url,
            &unsubscribe_url,
            lang.as_deref(),
        );
        // A template error is the same on every attempt: give the message up with the
        // reason rather than hold the whole batch.
        Ok(Prepared::rendered(record, content, Some(unsubscribe_url)))
    }
}

/// The signature an update row is for, from its id (`<prefix>.<signature without hyphens>`,
/// the prefix short or long, see `outbox::update_message_prefix`); `None` for rows queued
/// before the `outbox_slim` migration.
fn signature_of(row_id: &str) -> Option<String> {
    let (_, hex) = row_id.strip_prefix('u')?.split_once('.')?;
    if hex.len() != 32 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn load(
    connection: &mut DbConnection,
    update_id: &str,
) -> Result<Option<Loaded>, diesel::result::Error> {
    let Some(update) = find(connection, update_id)? else {
        return Ok(None);
    };
    let (letter_title, letter_addressee, letter_slug) = letters::table
        .find(&update.letter_id)
        .select((letters::title, letters::addressee, letters::slug))
        .first::<(String, String, String)>(connection)?;
    Ok(Some(Loaded {
        update,
        letter_title,
        letter_addressee,
        letter_slug,
    }))
}

/// How many addresses the update would go to now (each once, unsubscribed ones left out).
pub fn count_recipients(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<i64, diesel::result::Error> {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    let condition = recipient_condition(letter.organizations_need_approval);
    let statement = |letter_parameter: &str| {
        format!(
            "SELECT COUNT(DISTINCT s.email_normalized) AS count FROM signatures s \
             WHERE s.letter_id = {letter_parameter} AND {condition} \
             AND NOT EXISTS (SELECT 1 FROM update_unsubscribes x \
               WHERE x.letter_id = s.letter_id AND x.email_normalized = s.email_normalized)"
        )
    };
    let counted = match connection {
        DbConnection::Sqlite(connection) => diesel::sql_query(statement("?"))
            .bind::<Text, _>(&letter.id)
            .get_result::<Count>(connection)?,
        DbConnection::Postgresql(connection) => diesel::sql_query(statement("$1"))
            .bind::<Text, _>(&letter.id)
            .get_result::<Count>(connection)?,
    };
    Ok(counted.count)
}

/// Sends a draft: the conditional change to sending, then every batch. `None` when it was
/// not a draft (already sent, or being sent by someone else): nothing is queued twice.
pub fn send(
    connection: &mut DbConnection,
    update_id: &str,
    batch: i64,
    actor: &crate::staff::Actor,
) -> Result<Option<i64>, diesel::result::Error> {
    if !start_sending(connection, update_id, actor)? {
        return Ok(None);
    }
    queue_all(connection, update_id, batch).map(Some)
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

#[cfg(test)]
mod tests {
    #[test]
    fn an_update_row_names_its_signature() {
        let signature = "019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b";
        let row = format!("u{}.{}", "0".repeat(32), signature.replace('-', ""));
        assert_eq!(super::signature_of(&row).as_deref(), Some(signature));
        let short = crate::mail::outbox::update_message_id(
            &crate::mail::outbox::update_message_prefix("", 105, false),
            signature,
        );
        assert_eq!(super::signature_of(&short).as_deref(), Some(signature));
        assert_eq!(
            super::signature_of("019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b"),
            None
        );
        assert_eq!(super::signature_of("ux.<script>"), None);
    }
}
