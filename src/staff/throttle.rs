//! Slows down and then refuses repeated failed sign-ins, per account and per client address.
//! Kept in memory: each instance counts its own failures, which still bounds guessing to a
//! handful of tries per instance per window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

pub enum Verdict {
    /// Go ahead after waiting this long (zero at first).
    Proceed(Duration),
    /// Too many failures: try again after this long.
    Refuse(Duration),
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginThrottle {
            max_failures,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// What to do with an attempt for any of `keys` (account, address).
    pub fn check(&self, keys: &[&str]) -> Verdict {
        let Ok(mut entries) = self.entries.lock() else {
            return Verdict::Proceed(Duration::ZERO);
        };
        let now = Instant::now();
        entries.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        let failures = keys
            .iter()
            .filter_map(|key| entries.get(*key))
            .map(|(count, since)| (*count, *since))
            .max_by_key(|(count, _)| *count);
        match failures {
            Some((count, since)) if count >= self.max_failures => {
                Verdict::Refuse(self.window.saturating_sub(now.duration_since(since)))
            }
            Some((count, _)) => Verdict::Proceed(Duration::from_millis(250 * u64::from(count))),
            None => Verdict::Proceed(Duration::ZERO),
        }
    }

    pub fn failed(&self, keys: &[&str]) {
        if let Ok(mut entries) = self.entries.lock() {
            let now = Instant::now();
            for key in keys {
                let entry = entries.entry((*key).to_owned()).or_insert((0, now));
                entry.0 += 1;
            }
        }
    }

    pub fn succeeded(&self, keys: &[&str]) {
        if let Ok(mut entries) = self.entries.lock() {
            for key in keys {
                entries.remove(*key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit_and_forgets_on_success() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(matches!(throttle.check(&["a"]), Verdict::Proceed(_)));
            throttle.failed(&["a", "ip"]);
        }
        assert!(matches!(throttle.check(&["a"]), Verdict::Refuse(_)));
        assert!(
            matches!(throttle.check(&["other", "ip"]), Verdict::Refuse(_)),
            "same address"
        );
        assert!(matches!(throttle.check(&["other"]), Verdict::Proceed(_)));
        throttle.succeeded(&["a", "ip"]);
        assert!(matches!(throttle.check(&["a"]), Verdict::Proceed(_)));
    }
}
