//! Failed sign-ins slow down the account and lock out one (account, client address) pair.
//!
//! The account is the canonical form of the typed email (the one accounts are looked up
//! by), so spelling variants such as `ali.ce@gmail.com` or `ALICE@gmail.com ` count against
//! the same account, and unknown emails are throttled exactly like known ones.
//!
//! Every failure makes the next attempt on that account wait a little longer, from any
//! address; only the address that failed is locked out, so a stranger guessing cannot lock
//! the real person out from their usual address. Guessing from many addresses is bounded by
//! the per-address request limit (`limits.login_*`) and the growing wait.
//!
//! Failures live in the database (`login_failures`), so every instance counts the same ones:
//! five guesses lock a pair out whichever instances they reached.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::{self, DbConnection};

/// Each failure on an account adds this much wait to the next attempt on it...
const SLOWDOWN_STEP: Duration = Duration::from_millis(250);
/// ...up to this much, so the real person is slowed, never stopped.
const MAX_SLOWDOWN: Duration = Duration::from_secs(3);

pub struct LoginThrottle {
    max_failures: i64,
    window: Duration,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead after waiting this long (zero at first).
    Proceed(Duration),
    /// Too many failures for this account from this address: try again after this long.
    Refuse(Duration),
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginThrottle {
            max_failures: i64::from(max_failures),
            window,
        }
    }

    fn since(&self, now: NaiveDateTime) -> NaiveDateTime {
        now - chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::minutes(15))
    }

    /// What to do with an attempt on `account` from `address`.
    pub fn check(
        &self,
        connection: &mut DbConnection,
        account: &str,
        address: &str,
    ) -> QueryResult<Verdict> {
        let now = db::now();
        let recent = login_failures::table
            .filter(login_failures::account.eq(account))
            .filter(login_failures::failed_at.gt(self.since(now)));
        let from_here: Vec<NaiveDateTime> = recent
            .filter(login_failures::address.eq(address))
            .order(login_failures::failed_at.desc())
            .limit(self.max_failures)
            .select(login_failures::failed_at)
            .load(connection)?;
        if from_here.len() as i64 >= self.max_failures
            && let Some(oldest) = from_here.last()
        {
            let free_at = *oldest + (now - self.since(now));
            let wait = (free_at - now).to_std().unwrap_or(Duration::from_secs(1));
            return Ok(Verdict::Refuse(wait.max(Duration::from_secs(1))));
        }
        let count: i64 = recent.count().get_result(connection)?;
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        Ok(Verdict::Proceed(
            SLOWDOWN_STEP.saturating_mul(count).min(MAX_SLOWDOWN),
        ))
    }

    pub fn failed(
        &self,
        connection: &mut DbConnection,
        account: &str,
        address: &str,
    ) -> QueryResult<()> {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::id.eq(db::new_id()),
                login_failures::account.eq(account),
                login_failures::address.eq(address),
                login_failures::failed_at.eq(db::now()),
            ))
            .execute(connection)?;
        Ok(())
    }

    /// The right password was given from this address: the account's failures from here
    /// are forgotten, and so is the slow-down. (Other addresses that guessed stay locked
    /// until their window ends.)
    pub fn succeeded(
        &self,
        connection: &mut DbConnection,
        account: &str,
        address: &str,
    ) -> QueryResult<()> {
        diesel::delete(
            login_failures::table
                .filter(login_failures::account.eq(account))
                .filter(login_failures::address.eq(address)),
        )
        .execute(connection)?;
        Ok(())
    }

    /// Forgets failures older than the window (hourly housekeeping).
    pub fn forget_old(&self, connection: &mut DbConnection) -> QueryResult<usize> {
        diesel::delete(
            login_failures::table.filter(login_failures::failed_at.le(self.since(db::now()))),
        )
        .execute(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> crate::db::DbPool {
        let file = std::env::temp_dir().join(format!("throttle-{}.db", db::new_id()));
        let pool = crate::db::connect(&file.to_string_lossy(), 1).expect("pool");
        crate::db::migrate(&pool).expect("migrations");
        pool
    }

    #[test]
    fn locks_the_guessing_address_and_only_slows_the_others() {
        let pool = database();
        let connection = &mut *pool.get().expect("connection");
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(matches!(
                throttle.check(connection, "alice", "stranger"),
                Ok(Verdict::Proceed(_))
            ));
            throttle
                .failed(connection, "alice", "stranger")
                .expect("recorded");
        }
        assert!(matches!(
            throttle.check(connection, "alice", "stranger"),
            Ok(Verdict::Refuse(_))
        ));
        assert_eq!(
            throttle
                .check(connection, "alice", "home")
                .expect("checked"),
            Verdict::Proceed(SLOWDOWN_STEP * 3),
            "slowed, not locked, from another address"
        );
        assert_eq!(
            throttle
                .check(connection, "bob", "stranger")
                .expect("checked"),
            Verdict::Proceed(Duration::ZERO),
            "other accounts are unaffected"
        );
        throttle
            .succeeded(connection, "alice", "home")
            .expect("forgotten");
        assert!(
            matches!(
                throttle.check(connection, "alice", "stranger"),
                Ok(Verdict::Refuse(_))
            ),
            "the guesser stays locked"
        );
    }

    #[test]
    fn the_slowdown_has_a_ceiling() {
        let pool = database();
        let connection = &mut *pool.get().expect("connection");
        let throttle = LoginThrottle::new(1000, Duration::from_secs(60));
        for _ in 0..20 {
            throttle
                .failed(connection, "alice", "somewhere")
                .expect("recorded");
        }
        assert_eq!(
            throttle
                .check(connection, "alice", "elsewhere")
                .expect("checked"),
            Verdict::Proceed(MAX_SLOWDOWN)
        );
    }
}
