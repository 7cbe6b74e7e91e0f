//! Where SQLite and PostgreSQL differ, said once: the SQL each backend needs for the few
//! statements diesel cannot write for both (set-based inserts, counts over subqueries), the
//! lock PostgreSQL instances take where SQLite's single writer already serializes, and which
//! indexes each backend keeps. Code above `db` calls these and never asks which backend it
//! runs on.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConnection;

/// Serializes the transactions that take `lock_id` across every instance on one database,
/// until the calling transaction ends. PostgreSQL takes an advisory lock; SQLite has one
/// writer at a time, and a write transaction (`db::write_transaction`) already holds it.
pub fn lock_for_transaction(
    connection: &mut DbConnection,
    lock_id: i64,
) -> Result<(), diesel::result::Error> {
    if let DbConnection::Postgresql(connection) = connection {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({lock_id})"))
            .execute(connection)?;
    }
    Ok(())
}

/// The bounds `(after, before)` of the outbox ids that start with an update's `prefix`
/// (`mail::outbox::update_message_prefix`), for narrowing a query on one update's rows by
/// the primary key. `Some` on SQLite, which keeps no index by update (it would cost every
/// queued message about 50 bytes) and compares text bytewise; `None` on PostgreSQL, where
/// `outbox_by_update` serves (a few bytes per row, with B-tree deduplication) and whose
/// collations need not order the bounds bytewise.
pub fn update_rows_range(connection: &DbConnection, prefix: &str) -> Option<(String, String)> {
    match connection {
        DbConnection::Sqlite(_) => Some((
            prefix.to_owned(),
            format!("{}/", prefix.trim_end_matches('.')),
        )),
        DbConnection::Postgresql(_) => None,
    }
}

/// A value bound to a raw statement ([`execute_raw`], [`count_raw`]).
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Text(&'a str),
    Timestamp(NaiveDateTime),
}

/// Writes a raw statement once for both backends: it is called with the placeholder of the
/// n-th parameter (from 1), which a statement may use more than once.
pub type Statement<'s> = &'s dyn Fn(&dyn Fn(usize) -> String) -> String;

/// Runs a raw statement (`INSERT ... SELECT`, say) with `params`; returns the rows changed.
pub fn execute_raw(
    connection: &mut DbConnection,
    statement: Statement<'_>,
    params: &[Param<'_>],
) -> Result<usize, diesel::result::Error> {
    match connection {
        DbConnection::Sqlite(connection) => sqlite_query(statement, params).execute(connection),
        DbConnection::Postgresql(connection) => {
            postgres_query(statement, params).execute(connection)
        }
    }
}

/// Runs a raw `SELECT COUNT(*) AS count ...` with `params`.
pub fn count_raw(
    connection: &mut DbConnection,
    statement: Statement<'_>,
    params: &[Param<'_>],
) -> Result<i64, diesel::result::Error> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    let counted = match connection {
        DbConnection::Sqlite(connection) => {
            sqlite_query(statement, params).get_result::<Count>(connection)?
        }
        DbConnection::Postgresql(connection) => {
            postgres_query(statement, params).get_result::<Count>(connection)?
        }
    };
    Ok(counted.count)
}

/// SQLite binds numbered parameters (`?1`), so one value serves every use.
fn sqlite_query<'a>(
    statement: Statement<'_>,
    params: &[Param<'a>],
) -> BoxedSqlQuery<'a, diesel::sqlite::Sqlite, diesel::query_builder::SqlQuery> {
    let mut query = diesel::sql_query(statement(&|n| format!("?{n}"))).into_boxed();
    for param in params {
        query = match *param {
            Param::Text(text) => query.bind::<Text, _>(text),
            Param::Timestamp(time) => query.bind::<Timestamp, _>(time),
        };
    }
    query
}

/// PostgreSQL cannot always infer a parameter's type (in a `SELECT` list, beside `||`):
/// each placeholder says it.
fn postgres_query<'a>(
    statement: Statement<'_>,
    params: &[Param<'a>],
) -> BoxedSqlQuery<'a, diesel::pg::Pg, diesel::query_builder::SqlQuery> {
    let type_of = |n: usize| match params.get(n.wrapping_sub(1)) {
        Some(Param::Timestamp(_)) => "TIMESTAMP",
        _ => "TEXT",
    };
    let mut query =
        diesel::sql_query(statement(&|n| format!("CAST(${n} AS {})", type_of(n)))).into_boxed();
    for param in params {
        query = match *param {
            Param::Text(text) => query.bind::<Text, _>(text),
            Param::Timestamp(time) => query.bind::<Timestamp, _>(time),
        };
    }
    query
}
