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
//! Kept in memory: each instance counts its own failures, which still bounds guessing to a
//! handful of tries per instance per window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Each failure on an account adds this much wait to the next attempt on it...
const SLOWDOWN_STEP: Duration = Duration::from_millis(250);
/// ...up to this much, so the real person is slowed, never stopped.
const MAX_SLOWDOWN: Duration = Duration::from_secs(3);

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    accounts: Mutex<HashMap<String, Failures>>,
    pairs: Mutex<HashMap<(String, String), Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    since: Instant,
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
            max_failures,
            window,
            accounts: Mutex::new(HashMap::new()),
            pairs: Mutex::new(HashMap::new()),
        }
    }

    /// What to do with an attempt on `account` from `address`.
    pub fn check(&self, account: &str, address: &str) -> Verdict {
        let now = Instant::now();
        let window = self.window;
        let fresh = |failures: &Failures| now.duration_since(failures.since) < window;
        if let Ok(mut pairs) = self.pairs.lock() {
            pairs.retain(|_, failures| fresh(failures));
            if let Some(failures) = pairs.get(&(account.to_owned(), address.to_owned()))
                && failures.count >= self.max_failures
            {
                return Verdict::Refuse(window.saturating_sub(now.duration_since(failures.since)));
            }
        }
        let Ok(mut accounts) = self.accounts.lock() else {
            return Verdict::Proceed(Duration::ZERO);
        };
        accounts.retain(|_, failures| fresh(failures));
        let count = accounts.get(account).map_or(0, |failures| failures.count);
        Verdict::Proceed((SLOWDOWN_STEP * count).min(MAX_SLOWDOWN))
    }

    pub fn failed(&self, account: &str, address: &str) {
        let now = Instant::now();
        let bump = |failures: &mut Failures| failures.count = failures.count.saturating_add(1);
        if let Ok(mut accounts) = self.accounts.lock() {
            bump(accounts.entry(account.to_owned()).or_insert(Failures {
                count: 0,
                since: now,
            }));
        }
        if let Ok(mut pairs) = self.pairs.lock() {
            bump(
                pairs
                    .entry((account.to_owned(), address.to_owned()))
                    .or_insert(Failures {
                        count: 0,
                        since: now,
                    }),
            );
        }
    }

    /// The right password was given: the account and this address start afresh. (Other
    /// addresses that guessed stay locked until their window ends.)
    pub fn succeeded(&self, account: &str, address: &str) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.remove(account);
        }
        if let Ok(mut pairs) = self.pairs.lock() {
            pairs.remove(&(account.to_owned(), address.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_the_guessing_address_and_only_slows_the_others() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(matches!(
                throttle.check("alice", "stranger"),
                Verdict::Proceed(_)
            ));
            throttle.failed("alice", "stranger");
        }
        assert!(matches!(
            throttle.check("alice", "stranger"),
            Verdict::Refuse(_)
        ));
        assert_eq!(
            throttle.check("alice", "home"),
            Verdict::Proceed(SLOWDOWN_STEP * 3),
            "slowed, not locked, from another address"
        );
        assert_eq!(
            throttle.check("bob", "stranger"),
            Verdict::Proceed(Duration::ZERO),
            "other accounts are unaffected"
        );
        throttle.succeeded("alice", "home");
        assert_eq!(
            throttle.check("alice", "home"),
            Verdict::Proceed(Duration::ZERO)
        );
        assert!(
            matches!(throttle.check("alice", "stranger"), Verdict::Refuse(_)),
            "the guesser stays locked"
        );
    }

    #[test]
    fn the_slowdown_has_a_ceiling() {
        let throttle = LoginThrottle::new(1000, Duration::from_secs(60));
        for _ in 0..100 {
            throttle.failed("alice", "somewhere");
        }
        assert_eq!(
            throttle.check("alice", "elsewhere"),
            Verdict::Proceed(MAX_SLOWDOWN)
        );
    }
}
