//! What the connection pool has done since start, for `/metrics`: connections checked out,
//! the time that took (waiting for a free connection, then r2d2's check that it still works),
//! and requests that gave up waiting. Kept for the process (a process has one pool) by the
//! event handler `db::connect` installs; the pool's own `state()` says how many connections are
//! open and idle.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::r2d2::HandleEvent;
use diesel::r2d2::event::{CheckoutEvent, TimeoutEvent};

static CHECKOUTS: AtomicU64 = AtomicU64::new(0);
static CHECKOUT_NANOS: AtomicU64 = AtomicU64::new(0);
static TIMEOUTS: AtomicU64 = AtomicU64::new(0);

/// The totals since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PoolTotals {
    pub checkouts: u64,
    pub checkout_seconds: f64,
    pub timeouts: u64,
}

pub fn totals() -> PoolTotals {
    PoolTotals {
        checkouts: CHECKOUTS.load(Ordering::Relaxed),
        checkout_seconds: CHECKOUT_NANOS.load(Ordering::Relaxed) as f64 / 1e9,
        timeouts: TIMEOUTS.load(Ordering::Relaxed),
    }
}

#[derive(Debug)]
pub(super) struct CountCheckouts;

impl HandleEvent for CountCheckouts {
    fn handle_checkout(&self, event: CheckoutEvent) {
        CHECKOUTS.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(event.duration().as_nanos()).unwrap_or(u64::MAX);
        CHECKOUT_NANOS.fetch_add(nanos, Ordering::Relaxed);
    }

    fn handle_timeout(&self, _event: TimeoutEvent) {
        TIMEOUTS.fetch_add(1, Ordering::Relaxed);
    }
}
