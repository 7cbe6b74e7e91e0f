//! The outbox table: every email is a row written in the transaction that caused it. The
//! worker claims due rows with a lease, so two instances never send the same row at once and
//! a row whose sender died is picked up again when the lease runs out.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::OutgoingMail;
use crate::db::schema::outbox;
use crate::db::{self, DbConnection};

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
}

pub fn enqueue(
    connection: &mut DbConnection,
    mail: &OutgoingMail,
    now: NaiveDateTime,
) -> Result<String, diesel::result::Error> {
    let id = db::new_id();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::message_id.eq(&id),
            outbox::recipient.eq(&mail.recipient),
            outbox::subject.eq(&mail.content.subject),
            outbox::body_text.eq(&mail.content.text),
            outbox::body_html.eq(&mail.content.html),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(connection)?;
    Ok(id)
}

/// Takes up to `limit` due messages for this worker for `lease`.
pub fn claim_due(
    connection: &mut DbConnection,
    limit: i64,
    lease: Duration,
) -> Result<Vec<OutboxRecord>, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let candidates: Vec<String> = outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_null())
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.lt(now)),
            )
            .order(outbox::next_attempt_at.asc())
            .limit(limit)
            .select(outbox::id)
            .load(connection)?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // One UPDATE for the whole batch. Re-checking the lease in it makes the claim safe on
        // PostgreSQL, where another instance may have claimed some rows since the SELECT; the
        // lease's end, to the microsecond, then marks which rows this worker got.
        let lease_until = now + lease;
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(&candidates))
                .filter(outbox::sent_at.is_null())
                .filter(
                    outbox::locked_until
                        .is_null()
                        .or(outbox::locked_until.lt(now)),
                ),
        )
        .set((
            outbox::locked_until.eq(lease_until),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(connection)?;
        outbox::table
            .filter(outbox::id.eq_any(&candidates))
            .filter(outbox::locked_until.eq(lease_until))
            .order(outbox::next_attempt_at.asc())
            .select(OutboxRecord::as_select())
            .load(connection)
    })
}

pub fn mark_sent(
    connection: &mut DbConnection,
    ids: &[String],
) -> Result<usize, diesel::result::Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    db::write_transaction(connection, |connection| {
        diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
            .set((
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
        let target = outbox::table.filter(outbox::id.eq(id));
        match action {
            FailureAction::RetryAt(at) => diesel::update(target)
                .set((
                    outbox::next_attempt_at.eq(at),
                    outbox::locked_until.eq(None::<NaiveDateTime>),
                    outbox::last_error.eq(&error),
                ))
                .execute(connection),
            FailureAction::GiveUp => diesel::update(target)
                .set((
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
}

pub fn depth(connection: &mut DbConnection) -> Result<OutboxDepth, diesel::result::Error> {
    let waiting = outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .count()
        .get_result(connection)?;
    let sent = outbox::table
        .filter(outbox::sent_at.is_not_null())
        .count()
        .get_result(connection)?;
    let failed = outbox::table
        .filter(outbox::failed_at.is_not_null())
        .count()
        .get_result(connection)?;
    Ok(OutboxDepth {
        waiting,
        sent,
        failed,
    })
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
        .filter(outbox::sent_at.is_null())
        .order((
            outbox::failed_at.is_not_null().asc(),
            outbox::created_at.asc(),
        ))
        .limit(limit)
        .select(PendingMessage::as_select())
        .load(connection)
}

/// When the oldest message still waiting was queued.
pub fn oldest_waiting(
    connection: &mut DbConnection,
) -> Result<Option<NaiveDateTime>, diesel::result::Error> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .order(outbox::created_at.asc())
        .select(outbox::created_at)
        .first(connection)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

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
