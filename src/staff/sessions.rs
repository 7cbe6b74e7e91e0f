//! Signed-in staff sessions, kept in the database so that any instance behind a load
//! balancer recognizes them and signing out ends them everywhere. The cookie holds a random
//! token; only its hash is stored. Each session has its own CSRF token.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{ActingAccount, Role, StaffUser};
use crate::db::schema::{staff_sessions, staff_users};
use crate::db::{self, DbConnection};
use crate::values::tokens;

pub const COOKIE: &str = "undersigned_session";
/// Extending a session is a write; do it at most this often (or a tenth of the idle time).
const REFRESH_AFTER: Duration = Duration::minutes(5);

/// How long sessions live (`[staff]` settings).
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after sign-in, however busy.
    pub absolute: Duration,
}

impl Lifetimes {
    pub fn from_settings(settings: &crate::config::StaffSettings) -> Lifetimes {
        Lifetimes {
            idle: Duration::hours(settings.session_idle_hours),
            absolute: Duration::hours(settings.session_max_hours),
        }
    }

    /// When a session opened at `created` and last used at `seen` ends.
    fn ends(&self, created: NaiveDateTime, seen: NaiveDateTime) -> NaiveDateTime {
        (seen + self.idle).min(created + self.absolute)
    }
}

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
    lifetimes: Lifetimes,
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
            staff_sessions::expires_at.eq(lifetimes.ends(now, now)),
            staff_sessions::last_seen_at.eq(now),
        ))
        .execute(connection)?;
    Ok(token.secret)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = staff_sessions)]
struct SessionRow {
    id: String,
    csrf_token: String,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    #[diesel(embed)]
    account: ActingAccount,
}

/// The session for a cookie value, if it is live; extends it while it is in use, up to its
/// absolute lifetime. The lifetimes are applied to the stored times on every request, so a
/// shorter setting takes effect at once for sessions already open.
pub fn find(
    connection: &mut DbConnection,
    cookie: &str,
    lifetimes: Lifetimes,
) -> Result<Option<StaffSession>, diesel::result::Error> {
    if !tokens::looks_like_token(cookie) {
        return Ok(None);
    }
    let row: Option<SessionRow> = staff_sessions::table
        .inner_join(staff_users::table)
        .filter(staff_sessions::token_hash.eq(tokens::hash(cookie)))
        .select(SessionRow::as_select())
        .first(connection)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    let now = db::now();
    if lifetimes.ends(row.created_at, row.last_seen_at) <= now || row.account.disabled_at.is_some()
    {
        // An ended session is of no further use; remove its row rather than keep it.
        diesel::delete(staff_sessions::table.find(&row.id)).execute(connection)?;
        return Ok(None);
    }
    if now - row.last_seen_at > REFRESH_AFTER.min(lifetimes.idle / 10) {
        diesel::update(staff_sessions::table.find(&row.id))
            .set((
                staff_sessions::last_seen_at.eq(now),
                staff_sessions::expires_at.eq(lifetimes.ends(row.created_at, now)),
            ))
            .execute(connection)?;
    }
    Ok(Some(StaffSession {
        session_id: row.id,
        role: row.account.role(),
        staff_id: row.account.staff_id,
        email: row.account.email,
        csrf_token: row.csrf_token,
    }))
}

/// Deletes the rows of sessions that have ended (housekeeping; `find` refuses them anyway).
pub fn purge_ended(
    connection: &mut DbConnection,
    lifetimes: Lifetimes,
) -> Result<usize, diesel::result::Error> {
    let now = db::now();
    diesel::delete(
        staff_sessions::table.filter(
            staff_sessions::last_seen_at
                .le(now - lifetimes.idle)
                .or(staff_sessions::created_at.le(now - lifetimes.absolute)),
        ),
    )
    .execute(connection)
}

/// Ends every session of an account except `keep` (the one making the change, if any).
pub fn close_all_for(
    connection: &mut DbConnection,
    staff_id: &str,
    keep: Option<&str>,
) -> Result<usize, diesel::result::Error> {
    let sessions = staff_sessions::table.filter(staff_sessions::staff_id.eq(staff_id));
    match keep {
        Some(keep) => {
            diesel::delete(sessions.filter(staff_sessions::id.ne(keep))).execute(connection)
        }
        None => diesel::delete(sessions).execute(connection),
    }
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
