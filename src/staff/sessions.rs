//! Signed-in staff sessions, kept in the database so that any instance behind a load
//! balancer recognizes them and signing out ends them everywhere. The cookie holds a random
//! token; only its hash is stored. Each session has its own CSRF token.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{Role, StaffUser};
use crate::db::schema::{staff_sessions, staff_users};
use crate::db::{self, DbConnection};
use crate::tokens;

pub const COOKIE: &str = "undersigned_session";
/// A session ends after this long without use.
pub const IDLE_LIFETIME: Duration = Duration::hours(12);
/// Extending a session is a write; do it at most this often.
const REFRESH_AFTER: Duration = Duration::minutes(5);

/// A live session and the staff member it belongs to.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub session_id: String,
    pub staff_id: String,
    pub email: String,
    pub role: Role,
    pub csrf_token: String,
}

/// Opens a session; returns the cookie value.
pub fn open(
    connection: &mut DbConnection,
    user: &StaffUser,
) -> Result<String, diesel::result::Error> {
    let token = tokens::mint();
    let csrf = tokens::mint();
    let now = db::now();
    diesel::insert_into(staff_sessions::table)
        .values((
            staff_sessions::id.eq(db::new_id()),
            staff_sessions::token_hash.eq(&token.hash),
            staff_sessions::staff_id.eq(&user.id),
            staff_sessions::csrf_token.eq(&csrf.secret),
            staff_sessions::created_at.eq(now),
            staff_sessions::expires_at.eq(now + IDLE_LIFETIME),
            staff_sessions::last_seen_at.eq(now),
        ))
        .execute(connection)?;
    Ok(token.secret)
}

#[derive(Queryable)]
struct SessionRow {
    id: String,
    csrf_token: String,
    expires_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    staff_id: String,
    email: String,
    role: String,
    disabled_at: Option<NaiveDateTime>,
}

/// The session for a cookie value, if it is live; extends it while it is in use.
pub fn find(
    connection: &mut DbConnection,
    cookie: &str,
) -> Result<Option<StaffSession>, diesel::result::Error> {
    if !tokens::looks_like_token(cookie) {
        return Ok(None);
    }
    let row: Option<SessionRow> = staff_sessions::table
        .inner_join(staff_users::table)
        .filter(staff_sessions::token_hash.eq(tokens::hash(cookie)))
        .select((
            staff_sessions::id,
            staff_sessions::csrf_token,
            staff_sessions::expires_at,
            staff_sessions::last_seen_at,
            staff_users::id,
            staff_users::email,
            staff_users::role,
            staff_users::disabled_at,
        ))
        .first(connection)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    let now = db::now();
    if row.expires_at <= now || row.disabled_at.is_some() {
        return Ok(None);
    }
    if now - row.last_seen_at > REFRESH_AFTER {
        diesel::update(staff_sessions::table.find(&row.id))
            .set((
                staff_sessions::last_seen_at.eq(now),
                staff_sessions::expires_at.eq(now + IDLE_LIFETIME),
            ))
            .execute(connection)?;
    }
    Ok(Some(StaffSession {
        session_id: row.id,
        staff_id: row.staff_id,
        email: row.email,
        role: Role::parse(&row.role).unwrap_or(Role::Viewer),
        csrf_token: row.csrf_token,
    }))
}

pub fn close(connection: &mut DbConnection, session_id: &str) -> Result<(), diesel::result::Error> {
    diesel::delete(staff_sessions::table.find(session_id)).execute(connection)?;
    Ok(())
}

/// Compares without stopping at the first difference, so timing says nothing about the token.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    if expected.len() != given.len() {
        return false;
    }
    expected
        .iter()
        .zip(given)
        .fold(0u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}
