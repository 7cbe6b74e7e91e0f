//! Mail held after a restore. A backup holds the messages that were waiting when it was
//! taken; the live service may have sent any of them after that moment, and the backup cannot
//! know which. Sending them again from a restored copy would mail people twice (a restore in
//! issue 19 repeated 32,622 messages), and dropping them silently could leave a signer without
//! the link they wait for. So they are held (`OutboxState::Held`): the worker never claims them,
//! `outbox status` counts them, and an operator decides: release (send them, accepting that
//! some arrive twice) or discard (most were sent if the backup is older than the time the
//! outbox took to drain; a signer still waiting can ask for a new link).
//!
//! An update being queued at the backup is paused alongside (`updates::queue::pause_queueing`,
//! which the callers run with these: mail knows no feature).
//!
//! Everything here runs in the caller's transaction, so that the command line records its
//! audit row with the change.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::outbox::OutboxState;
use crate::db::schema::outbox;
use crate::db::{self, DbConnection};

/// Holds every message not yet sent or given up (waiting, or claimed by a worker that the
/// copy will never hear from again), with `reason` as its last error for `outbox status`.
/// Returns how many it held.
pub fn hold_unsent(
    connection: &mut DbConnection,
    reason: &str,
) -> Result<usize, diesel::result::Error> {
    diesel::update(
        outbox::table.filter(outbox::state.eq_any([OutboxState::Waiting, OutboxState::Sending])),
    )
    .set((
        outbox::state.eq(OutboxState::Held),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(reason),
    ))
    .execute(connection)
}

/// Sends the held messages: back in the queue, due now. Returns how many.
pub fn release(connection: &mut DbConnection) -> Result<usize, diesel::result::Error> {
    diesel::update(outbox::table.filter(outbox::state.eq(OutboxState::Held)))
        .set((
            outbox::state.eq(OutboxState::Waiting),
            outbox::next_attempt_at.eq(db::now()),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(connection)
}

/// Gives the held messages up for good (`failed`, with `reason`): they are never sent from
/// this database. Returns how many.
pub fn discard(
    connection: &mut DbConnection,
    reason: &str,
) -> Result<usize, diesel::result::Error> {
    diesel::update(outbox::table.filter(outbox::state.eq(OutboxState::Held)))
        .set((
            outbox::state.eq(OutboxState::Failed),
            outbox::failed_at.eq(db::now()),
            outbox::last_error.eq(reason),
        ))
        .execute(connection)
}

/// How many messages are held.
pub fn count(connection: &mut DbConnection) -> Result<i64, diesel::result::Error> {
    outbox::table
        .filter(outbox::state.eq(OutboxState::Held))
        .count()
        .get_result(connection)
}

/// When the newest held message was queued: the latest the backup can have been taken, for an
/// operator choosing between release and discard.
pub fn newest_held(
    connection: &mut DbConnection,
) -> Result<Option<NaiveDateTime>, diesel::result::Error> {
    outbox::table
        .filter(outbox::state.eq(OutboxState::Held))
        .select(diesel::dsl::max(outbox::created_at))
        .first(connection)
}

/// Why a message of a database restored from a PostgreSQL dump is held.
pub const RESTORED_FROM_DUMP: &str =
    "held: waiting when the restored dump was taken, so it may have been sent since";

/// Why a message of a copy made by `undersigned backup` at `taken_at` is held.
pub fn held_in_backup(taken_at: NaiveDateTime) -> String {
    format!(
        "held: waiting when the backup of {} UTC was taken, so it may have been sent since",
        taken_at.format("%Y-%m-%d %H:%M:%S")
    )
}
