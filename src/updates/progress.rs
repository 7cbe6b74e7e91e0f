//! How far an update has gone out, for the console and the command line.

use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;

use super::{UNSUBSCRIBED, Update};
use crate::db::backend::Param;
use crate::db::schema::outbox;
use crate::db::{self, DbConnection};
use crate::mail::outbox::OutboxState;
use crate::signatures::SignatureKind;

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
    // Rows of withdrawn signers are blanked (`outbox::redact_for_signature`) and left out.
    // Where the backend has no index by update, an update's rows are one range of the
    // primary key.
    let in_range: Box<dyn BoxableExpression<outbox::table, db::SqlBackend, SqlType = Bool>> =
        match db::backend::update_rows_range(connection, &update.message_prefix()) {
            Some((after, before)) => Box::new(outbox::id.gt(after).and(outbox::id.lt(before))),
            None => Box::new(outbox::id.is_not_null()),
        };
    let by_state: Vec<(OutboxState, Option<String>, i64)> = outbox::table
        .filter(in_range)
        .filter(outbox::update_id.eq(&update.id))
        .filter(outbox::recipient.ne(""))
        .group_by((outbox::state, outbox::last_error))
        .select((outbox::state, outbox::last_error, diesel::dsl::count_star()))
        .load(connection)?;
    let mut progress = Progress::default();
    for (state, error, count) in by_state {
        progress.queued += count;
        match state {
            // Held after a restore: waiting on the operator rather than the worker.
            OutboxState::Waiting | OutboxState::Sending | OutboxState::Held => {
                progress.waiting += count
            }
            OutboxState::Sent => progress.sent += count,
            OutboxState::Failed if error.as_deref() == Some(UNSUBSCRIBED) => {}
            OutboxState::Failed => progress.failed += count,
        }
    }
    // Update rows keep no address key: an unsubscribed address counts when one of the
    // letter's live signatures with that address has a row of this update (few
    // unsubscribes, each an index probe, rather than a pass over the update's rows).
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
    progress.unsubscribed = db::backend::count_raw(
        connection,
        &statement,
        &[Param::Text(&update.letter_id), Param::Text(&prefix)],
    )?;
    Ok(progress)
}
