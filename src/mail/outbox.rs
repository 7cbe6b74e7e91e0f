//! The outbox table: every email is a row written in the transaction that caused it. The
//! worker claims due rows with a lease, so two instances never send the same row at once and
//! a row whose sender died is picked up again when the lease runs out.

use std::borrow::Cow;

use chrono::{Duration, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use super::OutgoingMail;
use crate::db::schema::outbox;
use crate::db::{self, DbConnection};

/// Serializes claims under the mail ceiling between PostgreSQL instances (SQLite has one
/// writer anyway). Any id works as long as every instance uses the same one.
const CEILING_LOCK_ID: i64 = 0x6d61_696c_6365;

crate::text_enum! {
    /// Where a message is in its life. Stored as TEXT on both backends; a value this build
    /// does not know is an error when read, never a silent default.
    pub enum OutboxState {
        /// Queued, or waiting for its next attempt after a temporary failure.
        Waiting => "waiting",
        /// Claimed by a worker until `locked_until`; claimable again once that has passed.
        Sending => "sending",
        /// Accepted by the mail server.
        Sent => "sent",
        /// Given up: refused for good, or out of attempts.
        Failed => "failed",
        /// Not sent until an operator says so: it was waiting when the backup this database
        /// was restored from was taken, and may have been sent since (`mail::held`).
        Held => "held",
    }
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRecord {
    pub id: String,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
    pub state: OutboxState,
    /// Set for messages rendered when sent (from `params`); `None` for messages stored
    /// rendered, whose subject and bodies are sent as they are, and for the messages of a
    /// broadcast (`update_id` set), which are of the broadcast kind the renderers name.
    pub kind: Option<MailKind>,
    /// What a rendered-when-sent message is about, as JSON (see [`MailKind`]); `None` for
    /// an update message, which says everything by its `update_id` and address.
    pub params: Option<String>,
    pub update_id: Option<String>,
    /// The signature a message is about (a confirmation's name and links come from it).
    pub signature_id: Option<String>,
}

impl OutboxRecord {
    /// Fills in what a row leaves implied rather than storing it (every row queued since
    /// the `outbox_slim` migration): `message_id` `''` means the id is the Message-ID (the
    /// same on every attempt).
    fn completed(mut self) -> OutboxRecord {
        if self.message_id.is_empty() {
            self.message_id = self.id.clone();
        }
        self
    }
}

/// What a message rendered at send time is, as stored in `outbox.kind`: a name the feature
/// that queues it chooses, and registers a renderer for (`mail::render::Renderers`). The
/// outbox stores and compares it and knows nothing else about it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct MailKind(Cow<'static, str>);

impl MailKind {
    /// A kind named in code (`signatures::emails::CONFIRMATION`, say).
    pub const fn named(name: &'static str) -> MailKind {
        MailKind(Cow::Borrowed(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MailKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl<DB> ToSql<Text, DB> for MailKind
where
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <str as ToSql<Text, DB>>::to_sql(&self.0, out)
    }
}

impl<DB> FromSql<Text, DB> for MailKind
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(MailKind(Cow::Owned(String::from_sql(bytes)?)))
    }
}

/// The mailbox an address delivers to, as the per-mailbox limit counts it: spellings that
/// reach one inbox (case, and the dots and tags some providers ignore) share one key.
/// Kept as the keyed hash (`MailboxKey`), never as the address: sent messages are counted
/// for an hour, and the address need not be kept that long.
pub fn mailbox_key(address: &str) -> String {
    crate::values::mailbox::MailboxKey::of_text(address)
        .as_str()
        .to_owned()
}

/// How many messages were queued for `mailbox_key` since `since`, whoever queued them and on
/// whichever instance: the per-mailbox limit holds however many instances run.
pub fn queued_to_mailbox_since(
    connection: &mut DbConnection,
    mailbox_key: &str,
    since: NaiveDateTime,
) -> Result<i64, diesel::result::Error> {
    // Updates staff send do not count (and `outbox_by_mailbox` holds only other mail).
    outbox::table
        .filter(outbox::update_id.is_null())
        .filter(outbox::recipient_key.eq(mailbox_key))
        .filter(outbox::created_at.gt(since))
        .count()
        .get_result(connection)
}

pub fn enqueue(
    connection: &mut DbConnection,
    mail: &OutgoingMail,
    now: NaiveDateTime,
) -> Result<String, diesel::result::Error> {
    let row = NewOutboxRow::of(mail, now);
    diesel::insert_into(outbox::table)
        .values(&row)
        .execute(connection)?;
    Ok(row.id)
}

/// Queues many messages in one statement (the sign writer's batches): one round trip to the
/// database instead of one per message, which is what PostgreSQL signing speed rests on.
pub fn enqueue_many(
    connection: &mut DbConnection,
    mails: &[OutgoingMail],
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    if mails.is_empty() {
        return Ok(());
    }
    let rows: Vec<NewOutboxRow<'_>> = mails
        .iter()
        .map(|mail| NewOutboxRow::of(mail, now))
        .collect();
    crate::execute_on_backend!(connection, diesel::insert_into(outbox::table).values(&rows))?;
    Ok(())
}

/// A queued message as first stored: the one place that says what a new outbox row holds.
#[derive(Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
struct NewOutboxRow<'a> {
    id: String,
    message_id: String,
    recipient: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    attempts: i32,
    state: OutboxState,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    signature_id: Option<&'a str>,
    recipient_key: String,
    kind: Option<MailKind>,
    params: Option<&'a str>,
}

impl<'a> NewOutboxRow<'a> {
    fn of(mail: &'a OutgoingMail, now: NaiveDateTime) -> NewOutboxRow<'a> {
        NewOutboxRow {
            id: db::new_id(),
            // The id is the Message-ID (`OutboxRecord::completed`).
            message_id: String::new(),
            recipient: &mail.recipient,
            subject: &mail.content.subject,
            body_text: &mail.content.text,
            body_html: &mail.content.html,
            attempts: 0,
            state: OutboxState::Waiting,
            next_attempt_at: now,
            created_at: now,
            signature_id: mail.signature_id.as_deref(),
            recipient_key: mailbox_key(&mail.recipient),
            kind: mail.deferred.as_ref().map(|(kind, _)| kind.clone()),
            params: mail.deferred.as_ref().map(|(_, params)| params.as_str()),
        }
    }
}

/// Takes up to `limit` due messages for this worker for `lease`: waiting messages whose
/// time has come, and messages whose sender's claim ran out (it died, or lost its database).
pub fn claim_due(
    connection: &mut DbConnection,
    limit: i64,
    lease: Duration,
) -> Result<Vec<OutboxRecord>, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        claim_in_transaction(connection, limit, lease)
    })
}

/// Like [`claim_due`], but takes only what the ceiling on all outgoing mail leaves room for:
/// `per_minute` minus the messages sent in the last minute and those claimed and not yet
/// done, counted across every instance on the database. Claims are serialized (SQLite's one
/// writer, an advisory lock on PostgreSQL), so instances cannot both spend the same room, and
/// in any minute at most `per_minute` messages go out, however many instances send.
pub fn claim_due_under_ceiling(
    connection: &mut DbConnection,
    limit: i64,
    lease: Duration,
    per_minute: i64,
) -> Result<CeilingClaim, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        db::backend::lock_for_transaction(connection, CEILING_LOCK_ID)?;
        let room = per_minute - used_of_ceiling(connection, db::now())?;
        if room <= 0 {
            return Ok(CeilingClaim {
                records: Vec::new(),
                at_ceiling: true,
            });
        }
        let records = claim_in_transaction(connection, limit.min(room), lease)?;
        Ok(CeilingClaim {
            at_ceiling: records.len() as i64 >= room,
            records,
        })
    })
}

/// What [`claim_due_under_ceiling`] took.
#[derive(Debug)]
pub struct CeilingClaim {
    pub records: Vec<OutboxRecord>,
    /// No room is left under the ceiling: claiming again before some of the last minute's
    /// mail ages out finds nothing, however much waits.
    pub at_ceiling: bool,
}

/// Messages that count against the ceiling at `now`: sent in the last minute, or claimed by a
/// live worker (its claim has not run out) and so about to be sent.
pub fn used_of_ceiling(
    connection: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<i64, diesel::result::Error> {
    // One statement, so one snapshot: with two, a message that turns from sending to sent
    // between them (another worker's recorder) would be counted by neither.
    outbox::table
        .filter(
            outbox::sent_at
                .gt(now - Duration::seconds(60))
                .or(outbox::state
                    .eq(OutboxState::Sending)
                    .and(outbox::locked_until.ge(now))),
        )
        .count()
        .get_result(connection)
}

fn claim_in_transaction(
    connection: &mut DbConnection,
    limit: i64,
    lease: Duration,
) -> Result<Vec<OutboxRecord>, diesel::result::Error> {
    {
        let now = db::now();
        let due = outbox::state
            .eq(OutboxState::Waiting)
            .and(outbox::next_attempt_at.le(now))
            .or(outbox::state
                .eq(OutboxState::Sending)
                .and(outbox::locked_until.lt(now)));
        // Two index range scans on (state, next_attempt_at) rather than one OR: each reads
        // only the rows it returns, however many messages wait behind them.
        let mut candidates: Vec<String> = outbox::table
            .filter(outbox::state.eq(OutboxState::Sending))
            .filter(outbox::locked_until.lt(now))
            .order(outbox::next_attempt_at.asc())
            .limit(limit)
            .select(outbox::id)
            .load(connection)?;
        let room = limit - candidates.len() as i64;
        if room > 0 {
            candidates.extend(
                outbox::table
                    .filter(outbox::state.eq(OutboxState::Waiting))
                    .filter(outbox::next_attempt_at.le(now))
                    .order(outbox::next_attempt_at.asc())
                    .limit(room)
                    .select(outbox::id)
                    .load::<String>(connection)?,
            );
        }
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // One UPDATE for the whole batch. Re-checking in it makes the claim safe on
        // PostgreSQL, where another instance may have claimed some rows since the SELECT; the
        // lease's end, to the microsecond, then marks which rows this worker got.
        let lease_until = now + lease;
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(&candidates))
                .filter(due),
        )
        .set((
            outbox::state.eq(OutboxState::Sending),
            outbox::locked_until.eq(lease_until),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(connection)?;
        outbox::table
            .filter(outbox::id.eq_any(&candidates))
            .filter(outbox::state.eq(OutboxState::Sending))
            .filter(outbox::locked_until.eq(lease_until))
            .order(outbox::next_attempt_at.asc())
            .select(OutboxRecord::as_select())
            .load::<OutboxRecord>(connection)
            .map(|records| records.into_iter().map(OutboxRecord::completed).collect())
    }
}

/// Extends this worker's claim on messages it still holds, so that a batch slowed down by a
/// slow mail server is not taken over (and sent twice) by another instance.
pub fn renew_claim(
    connection: &mut DbConnection,
    ids: &[String],
    lease: Duration,
) -> Result<usize, diesel::result::Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    db::write_transaction(connection, |connection| {
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(ids))
                .filter(outbox::state.eq(OutboxState::Sending)),
        )
        .set(outbox::locked_until.eq(db::now() + lease))
        .execute(connection)
    })
}

/// What became of one claimed message.
#[derive(Debug)]
pub enum DeliveryOutcome {
    /// The server accepted it.
    Sent(String),
    Failed {
        id: String,
        action: FailureAction,
        error: String,
    },
    /// Never handed to the server (the worker is stopping): back in the queue at once, and
    /// the attempt it was counted for is given back.
    Released(String),
    /// This worker cannot read it (a newer release queued it): back in the queue, not
    /// claimable before `until` (so that the worker does not take it again at once), the
    /// attempt given back and `reason` recorded. Never given up for this.
    Deferred {
        id: String,
        until: NaiveDateTime,
        reason: String,
    },
}

/// Records what became of a group of messages in one transaction: one write for many
/// messages keeps up with a fast server, and recording each group as soon as it is known
/// keeps what a crash can send twice to the messages in flight.
pub fn record(
    connection: &mut DbConnection,
    outcomes: &[DeliveryOutcome],
) -> Result<(), diesel::result::Error> {
    if outcomes.is_empty() {
        return Ok(());
    }
    let mut sent = Vec::new();
    let mut released = Vec::new();
    for outcome in outcomes {
        match outcome {
            DeliveryOutcome::Sent(id) => sent.push(id.as_str()),
            DeliveryOutcome::Released(id) => released.push(id.as_str()),
            DeliveryOutcome::Failed { .. } | DeliveryOutcome::Deferred { .. } => {}
        }
    }
    db::write_transaction(connection, |connection| {
        if !sent.is_empty() {
            mark_sent(connection, &sent)?;
        }
        if !released.is_empty() {
            diesel::update(
                outbox::table
                    .filter(outbox::id.eq_any(&released))
                    .filter(outbox::state.eq(OutboxState::Sending)),
            )
            .set((
                outbox::state.eq(OutboxState::Waiting),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::attempts.eq(outbox::attempts - 1),
            ))
            .execute(connection)?;
        }
        for outcome in outcomes {
            match outcome {
                DeliveryOutcome::Failed { id, action, error } => {
                    mark_failed(connection, id, action, error)?;
                }
                DeliveryOutcome::Deferred { id, until, reason } => {
                    let mine = outbox::id
                        .eq(id)
                        .and(outbox::state.eq(OutboxState::Sending));
                    diesel::update(outbox::table.filter(mine))
                        .set((
                            outbox::state.eq(OutboxState::Waiting),
                            outbox::next_attempt_at.eq(until),
                            outbox::locked_until.eq(None::<NaiveDateTime>),
                            outbox::attempts.eq(outbox::attempts - 1),
                            outbox::last_error.eq(reason.chars().take(1000).collect::<String>()),
                        ))
                        .execute(connection)?;
                }
                DeliveryOutcome::Sent(_) | DeliveryOutcome::Released(_) => {}
            }
        }
        Ok(())
    })
}

pub fn mark_sent(
    connection: &mut DbConnection,
    ids: &[&str],
) -> Result<usize, diesel::result::Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    db::write_transaction(connection, |connection| {
        diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
            .set((
                outbox::state.eq(OutboxState::Sent),
                outbox::sent_at.eq(db::now()),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(connection)
    })
}

/// What to do with a message whose delivery failed.
#[derive(Debug)]
pub enum FailureAction {
    RetryAt(NaiveDateTime),
    GiveUp,
}

/// Exponential backoff from `base`, capped at six hours.
pub fn next_action(
    attempts: i32,
    max_attempts: i32,
    permanent: bool,
    base_seconds: i64,
    now: NaiveDateTime,
) -> FailureAction {
    if permanent || attempts >= max_attempts {
        return FailureAction::GiveUp;
    }
    let exponent = (attempts.max(1) - 1).min(20) as u32;
    let delay = base_seconds.saturating_mul(1_i64 << exponent).min(6 * 3600);
    FailureAction::RetryAt(now + Duration::seconds(delay))
}

pub fn mark_failed(
    connection: &mut DbConnection,
    id: &str,
    action: &FailureAction,
    error: &str,
) -> Result<usize, diesel::result::Error> {
    let now = db::now();
    let error: String = error.chars().take(1000).collect();
    db::write_transaction(connection, |connection| {
        // Only while this worker still holds it: a row held since it was claimed (`outbox
        // hold` on a live service) stays held, as the other outcomes leave it.
        let target = outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::state.eq(OutboxState::Sending));
        match action {
            FailureAction::RetryAt(at) => diesel::update(target)
                .set((
                    outbox::state.eq(OutboxState::Waiting),
                    outbox::next_attempt_at.eq(at),
                    outbox::locked_until.eq(None::<NaiveDateTime>),
                    outbox::last_error.eq(&error),
                ))
                .execute(connection),
            FailureAction::GiveUp => diesel::update(target)
                .set((
                    outbox::state.eq(OutboxState::Failed),
                    outbox::failed_at.eq(now),
                    outbox::locked_until.eq(None::<NaiveDateTime>),
                    outbox::last_error.eq(&error),
                ))
                .execute(connection),
        }
    })
}

/// Counts for operators: waiting (not yet sent, not given up), sent, failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OutboxDepth {
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
    /// Held since a restore until an operator releases or discards them (`mail::held`).
    pub held: i64,
}

pub fn depth(connection: &mut DbConnection) -> Result<OutboxDepth, diesel::result::Error> {
    let by_state: Vec<(OutboxState, i64)> = outbox::table
        .group_by(outbox::state)
        .select((outbox::state, diesel::dsl::count_star()))
        .load(connection)?;
    let mut depth = OutboxDepth::default();
    for (state, count) in by_state {
        match state {
            OutboxState::Waiting | OutboxState::Sending => depth.waiting += count,
            OutboxState::Sent => depth.sent += count,
            OutboxState::Failed => depth.failed += count,
            OutboxState::Held => depth.held += count,
        }
    }
    Ok(depth)
}

/// Erases what the outbox holds about one signature, for its withdrawal: messages about it
/// not yet sent are deleted, so they never go out, and messages already sent or given up keep
/// their row (outbox counts stay right) with the address, subject, bodies and last error
/// blanked. Call it inside the withdrawal's transaction, before the signature's address is
/// erased: `address` and `address_normalized` are the signature's. Every message about a
/// signature goes to its address (it is what the signer typed, or the row's own), so its rows
/// are found through `outbox_by_mailbox`, the per-mailbox limit's index, with no index of
/// their own on the signature. The same person's mail about other signatures (another
/// letter's confirmation, say) is left alone. Returns how many rows it deleted or blanked.
pub fn redact_for_signature(
    connection: &mut DbConnection,
    signature_id: &str,
    address: &str,
    address_normalized: &str,
) -> Result<usize, diesel::result::Error> {
    // The key the rows were queued under, as computed now and as stored with the signature
    // (the same function, unless the rules for addresses changed in between).
    let mailboxes = [mailbox_key(address), address_normalized.to_owned()];
    use crate::db::schema::{signatures, updates};
    // Update messages are found by their ids (the letter's updates times this signature),
    // other mail by its mailbox, then `signature_id`.
    let letter_updates: Vec<(String, i64, bool)> = updates::table
        .filter(
            updates::letter_id.nullable().eq(signatures::table
                .find(signature_id)
                .select(signatures::letter_id)
                .single_value()),
        )
        .select((updates::id, updates::seq, updates::legacy_message_ids))
        .load(connection)?;
    // Each update names its messages one way only (short, or long for one queued before the
    // `update_seq` migration), so one id per update finds the row whichever it is.
    let update_rows: Vec<String> = letter_updates
        .iter()
        .map(|(update_id, seq, legacy)| {
            update_message_id(
                &update_message_prefix(update_id, *seq, *legacy),
                signature_id,
            )
        })
        .collect();
    let mut changed = 0;
    let unsent = [
        OutboxState::Waiting,
        OutboxState::Sending,
        OutboxState::Held,
    ];
    let done = [OutboxState::Sent, OutboxState::Failed];
    changed += diesel::delete(
        outbox::table
            .filter(outbox::update_id.is_null())
            .filter(outbox::recipient_key.eq_any(&mailboxes))
            .filter(outbox::signature_id.eq(signature_id))
            .filter(outbox::state.eq_any(unsent)),
    )
    .execute(connection)?;
    // Update rows queued before the `outbox_slim` migration still carry `signature_id`;
    // the migration gave them the ids below, so this finds them too.
    changed += diesel::delete(
        outbox::table
            .filter(outbox::id.eq_any(&update_rows))
            .filter(outbox::state.eq_any(unsent)),
    )
    .execute(connection)?;
    changed += diesel::update(
        outbox::table
            .filter(outbox::update_id.is_null())
            .filter(outbox::recipient_key.eq_any(&mailboxes))
            .filter(outbox::signature_id.eq(signature_id))
            .filter(outbox::state.eq_any(done)),
    )
    .set(blanked())
    .execute(connection)?;
    changed += diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(&update_rows))
            .filter(outbox::state.eq_any(done)),
    )
    .set(blanked())
    .execute(connection)?;
    Ok(changed)
}

/// The columns of a sent or given-up message that say whom it went to and what it said,
/// blanked: its row stays (outbox counts stay right) and holds nothing personal. Withdrawal,
/// a let-go address (`signatures::retention`) and staff erasure all blank with this.
#[allow(clippy::type_complexity)]
pub fn blanked() -> (
    diesel::dsl::Eq<outbox::recipient, &'static str>,
    diesel::dsl::Eq<outbox::recipient_key, &'static str>,
    diesel::dsl::Eq<outbox::subject, &'static str>,
    diesel::dsl::Eq<outbox::body_text, &'static str>,
    diesel::dsl::Eq<outbox::body_html, &'static str>,
    diesel::dsl::Eq<outbox::params, Option<String>>,
    diesel::dsl::Eq<outbox::last_error, Option<String>>,
) {
    (
        outbox::recipient.eq(""),
        outbox::recipient_key.eq(""),
        outbox::subject.eq(""),
        outbox::body_text.eq(""),
        outbox::body_html.eq(""),
        // A message rendered when sent carries the signer's name and links here.
        outbox::params.eq(None),
        outbox::last_error.eq(None),
    )
}

/// The outbox id (and Message-ID) of an update's message to one signature: the update's
/// prefix ([`update_message_prefix`]) and the signature's id without hyphens. One row per
/// update and signature by the primary key; rows of one update sort together, after every
/// ordinary (UUIDv7) id, so queueing appends to the id index. The SQL that queues updates
/// builds the same value (`updates::insert_recipients`).
pub fn update_message_id(prefix: &str, signature_id: &str) -> String {
    format!("{prefix}{}", signature_id.replace('-', ""))
}

/// What every message id of one update starts with, up to and including its `.`.
///
/// `u`, the number of digits of the update's number, the number: `u11.` for update 1,
/// `u3105.` for update 105. The digit count makes the prefixes sort bytewise in the order
/// of the numbers (`u19.` < `u210.`; up to update 999,999,999), so a later update's rows are appended after an
/// earlier one's, and no prefix is the start of another. An update that began queueing
/// before the `update_seq` migration (`legacy`) keeps the long form `u<update id hex>.`,
/// which starts with `u0` (a UUIDv7 in hex, until the year 2527) and so sorts before and
/// apart from every short one.
pub fn update_message_prefix(update_id: &str, seq: i64, legacy: bool) -> String {
    if legacy {
        format!("u{}.", update_id.replace('-', ""))
    } else {
        let digits = seq.to_string();
        format!("u{}{digits}.", digits.len())
    }
}

/// Deletes messages sent or given up before `before`: their bodies hold addresses and names
/// that need not outlive delivery.
pub fn purge_finished(
    connection: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    diesel::delete(
        outbox::table.filter(outbox::sent_at.lt(before).or(outbox::failed_at.lt(before))),
    )
    .execute(connection)
}

/// Messages not yet delivered, oldest first, for operators.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct PendingMessage {
    pub id: String,
    pub state: OutboxState,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub failed_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn undelivered(
    connection: &mut DbConnection,
    limit: i64,
) -> Result<Vec<PendingMessage>, diesel::result::Error> {
    outbox::table
        .filter(outbox::state.ne(OutboxState::Sent))
        .order((
            outbox::failed_at.is_not_null().asc(),
            outbox::created_at.asc(),
        ))
        .limit(limit)
        .select(PendingMessage::as_select())
        .load(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_what_they_write_and_nothing_else() {
        for state in OutboxState::ALL {
            assert_eq!(OutboxState::parse(state.as_str()), Some(state));
        }
        assert_eq!(OutboxState::parse("Sent"), None);
        assert_eq!(OutboxState::parse(""), None);
        let stored = ["waiting", "sending", "sent", "failed", "held"];
        assert_eq!(OutboxState::ALL.map(OutboxState::as_str), stored);
    }

    #[test]
    fn update_message_ids_sort_by_update_and_after_ordinary_ids() {
        let update = "019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b";
        let signature = "019ad5a4-9999-7c21-9b0a-3c4d5e6f7a8b";
        let legacy = update_message_id(&update_message_prefix(update, 7, true), signature);
        assert_eq!(
            legacy,
            "u019ad5a48f3e7c219b0a3c4d5e6f7a8b.019ad5a499997c219b0a3c4d5e6f7a8b"
        );
        let ids: Vec<String> = [1, 2, 9, 10, 11, 99, 100, 123_456_789]
            .into_iter()
            .map(|seq| update_message_id(&update_message_prefix(update, seq, false), signature))
            .collect();
        assert_eq!(ids[0], "u11.019ad5a499997c219b0a3c4d5e6f7a8b");
        assert_eq!(ids[0].len(), 36);
        // Later updates sort after earlier ones, and every one after a UUIDv7 and the long
        // form, bytewise (the order of SQLite's and PostgreSQL's `C` collation).
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
        assert!(db::new_id() < legacy && legacy < ids[0]);
        // No update's prefix starts another's: an update's rows are one range of ids.
        let prefixes: Vec<String> = (1..2_000)
            .map(|seq| update_message_prefix(update, seq, false))
            .collect();
        for (index, prefix) in prefixes.iter().enumerate() {
            for other in &prefixes[index + 1..] {
                assert!(!other.starts_with(prefix.as_str()), "{prefix} {other}");
            }
        }
    }

    #[test]
    fn backoff_grows_and_gives_up() {
        let now = db::now();
        let delay = |attempts| match next_action(attempts, 5, false, 5, now) {
            FailureAction::RetryAt(at) => (at - now).num_seconds(),
            FailureAction::GiveUp => -1,
        };
        assert_eq!(delay(1), 5);
        assert_eq!(delay(2), 10);
        assert_eq!(delay(4), 40);
        assert_eq!(delay(5), -1);
        assert!(matches!(
            next_action(1, 5, true, 5, now),
            FailureAction::GiveUp
        ));
    }
}
