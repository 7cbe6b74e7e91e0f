//! Queueing an update to its recipients: the conditional change to sending, then batch
//! after batch from the update's cursor, each batch one short write transaction (see the
//! module above); and taking over an update whose queuer stopped half-way.

use chrono::{Duration, NaiveDateTime, SubsecRound as _};
use diesel::prelude::*;

use super::{BATCH_PAUSE, UpdateState};
use crate::db::backend::Param;
use crate::db::schema::{letters, signatures, updates};
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::mail::outbox::OutboxState;
use crate::mail::worker::PeriodicJob;
use crate::signatures::{SignatureKind, SignatureState};

/// How long a queuer holds an update between batches before another may take it over.
const QUEUE_LEASE_SECONDS: i64 = 60;

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
/// `signatures::state::is_counted`) and opted in ("Keep me updated"), an organization's
/// contact as much as a person: signing for an organization is no consent to its mail.
/// The names are the enums' own, never user input.
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
        parts.push(format!(
            "({alias}.kind = '{}' AND {alias}.state IN ({}) AND {alias}.updates)",
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
                .filter(updates::queue_cursor.eq(&cursor))
                // Paused with the held mail (`pause_queueing`): a queuer still running on
                // a live service stops here instead of taking the update back.
                .filter(
                    updates::queue_locked_until
                        .is_null()
                        .or(updates::queue_locked_until.ne(paused_until())),
                ),
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
    db::backend::execute_raw(
        connection,
        &statement,
        &[
            Param::Text(update_id),
            Param::Timestamp(now),
            Param::Text(letter_id),
            Param::Text(after),
            Param::Text(through),
            Param::Text(prefix),
        ],
    )
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

/// How many addresses the update would go to now (each once, unsubscribed ones left out).
pub fn count_recipients(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<i64, diesel::result::Error> {
    let condition = recipient_condition(letter.organizations_need_approval);
    let statement = |p: &dyn Fn(usize) -> String| {
        let letter_parameter = p(1);
        format!(
            "SELECT COUNT(DISTINCT s.email_normalized) AS count FROM signatures s \
             WHERE s.letter_id = {letter_parameter} AND {condition} \
             AND NOT EXISTS (SELECT 1 FROM update_unsubscribes x \
               WHERE x.letter_id = s.letter_id AND x.email_normalized = s.email_normalized)"
        )
    };
    db::backend::count_raw(connection, &statement, &[Param::Text(&letter.id)])
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

/// How often the mail worker looks for updates whose queueing stopped half-way.
const STALL_CHECK: std::time::Duration = std::time::Duration::from_secs(10);

/// The mail worker's job for updates whose queuer stopped half-way (a crash): each is found
/// once its claim runs out, and queued from where it stopped.
pub fn resume_stalled_job() -> PeriodicJob {
    PeriodicJob {
        name: "resume stalled updates",
        every: STALL_CHECK,
        work: std::sync::Arc::new(resume_stalled),
    }
}

/// Takes over every stalled update and queues the rest of it; returns the messages queued.
pub fn resume_stalled(connection: &mut DbConnection) -> Result<i64, db::DbError> {
    let mut total = 0;
    for id in take_over_stalled(connection)? {
        tracing::info!(update = %id, "resuming an update's queueing");
        total += queue_all(connection, &id, super::BATCH)?;
    }
    if total > 0 {
        tracing::info!(queued = total, "resumed updates queued");
    }
    Ok(total)
}

/// The queuer's claim of an update paused after a restore: out of reach of every takeover.
fn paused_until() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX)
}

/// Pauses every update that was being queued, with the mail held after a restore
/// (`mail::held`): its cursor is where it was at the backup, and the recipients after it may
/// have had the update from the live service since, so no worker takes it over until an
/// operator releases the held mail. Returns how many updates it paused.
pub fn pause_queueing(connection: &mut DbConnection) -> Result<usize, diesel::result::Error> {
    diesel::update(updates::table.filter(updates::state.eq(UpdateState::Sending)))
        .set(updates::queue_locked_until.eq(paused_until()))
        .execute(connection)
}

/// Resumes the paused updates (`outbox release`): their claim has run out, so the mail
/// worker's job queues the rest at its next look. Returns how many.
pub fn resume_queueing(connection: &mut DbConnection) -> Result<usize, diesel::result::Error> {
    diesel::update(
        updates::table
            .filter(updates::state.eq(UpdateState::Sending))
            .filter(updates::queue_locked_until.eq(paused_until())),
    )
    .set(updates::queue_locked_until.eq(db::now() - Duration::seconds(1)))
    .execute(connection)
}

/// Ends the paused updates as sent without queueing the rest (`outbox discard`: what was
/// waiting at the backup is taken as delivered). Returns how many.
pub fn finish_paused(connection: &mut DbConnection) -> Result<usize, diesel::result::Error> {
    diesel::update(
        updates::table
            .filter(updates::state.eq(UpdateState::Sending))
            .filter(updates::queue_locked_until.eq(paused_until())),
    )
    .set((
        updates::state.eq(UpdateState::Sent),
        updates::sent_at.eq(db::now()),
        updates::queue_locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)
}
