//! What an operator watches of the outbox, read at every scrape of `/metrics`: how many
//! messages wait and how many were given up, and how long the oldest has waited, each read
//! at a cost that does not grow with the outbox or its backlog.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::outbox::OutboxState;
use crate::db::schema::outbox;
use crate::db::{DbConnection, backend};

/// Messages waiting (to be sent, or being sent) and given up, each counted up to `limit`:
/// what an operator watches, read at every scrape at a cost that does not grow with the
/// outbox (the `(state, next_attempt_at)` index finds them; sent mail, most of the table, is
/// never counted: `undersigned_mail_sent_total` says how much goes out).
pub fn counts(connection: &mut DbConnection, limit: i64) -> Result<Backlog, diesel::result::Error> {
    let limit = limit.max(0);
    let count = |connection: &mut DbConnection, states: &[OutboxState]| {
        let params: Vec<backend::Param<'_>> = states
            .iter()
            .map(|state| backend::Param::Text(state.as_str()))
            .collect();
        backend::count_raw(
            connection,
            &|placeholder| {
                let listed: Vec<String> = (1..=states.len()).map(placeholder).collect();
                format!(
                    "SELECT COUNT(*) AS count FROM (SELECT 1 FROM outbox WHERE state IN ({}) \
                     LIMIT {limit}) AS bounded",
                    listed.join(", ")
                )
            },
            &params,
        )
    };
    Ok(Backlog {
        waiting: count(connection, &[OutboxState::Waiting, OutboxState::Sending])?,
        failed: count(connection, &[OutboxState::Failed])?,
    })
}

/// Messages waiting and given up, each counted up to a bound ([`counts`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub waiting: i64,
    pub failed: i64,
}

/// When the oldest message still waiting was queued, among the `limit` waiting messages due
/// first: exact while no more than `limit` wait, and a lower bound on the age beyond, at a
/// cost that does not grow with the backlog (the `(state, next_attempt_at)` index orders
/// them; ordering every waiting row by `created_at` took 0.7 s with 140,000 waiting). Mail
/// that waits is mostly due in the order it was queued, so the bound rarely shows.
pub fn oldest_waiting(
    connection: &mut DbConnection,
    limit: i64,
) -> Result<Option<NaiveDateTime>, diesel::result::Error> {
    let due_first: Vec<NaiveDateTime> = outbox::table
        .filter(outbox::state.eq_any([OutboxState::Waiting, OutboxState::Sending]))
        .order(outbox::next_attempt_at.asc())
        .limit(limit.max(1))
        .select(outbox::created_at)
        .load(connection)?;
    Ok(due_first.into_iter().min())
}
