//! Surviving a database that hiccups: how long each step may wait (`Timeouts`), whether the
//! pool has reached the database lately (`Reachability`, which `/healthz` reads), a checkout
//! that gives up in time even when the database accepts a connection and never answers
//! ([`run`], [`checkout`]), and which failures mean "try again shortly" ([`is_unavailable`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::r2d2::PooledConnection;
use tokio::sync::oneshot;

use super::{ConnectionManager, DbConnection, DbError, DbPool};

/// How long the database may take (`database.*_seconds`).
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// PostgreSQL: opening a connection, the whole handshake (libpq `connect_timeout`).
    pub connect: Duration,
    /// PostgreSQL: one statement (`statement_timeout`, enforced by the server); SQLite: how
    /// long a statement waits for another process's lock (`busy_timeout`).
    pub statement: Duration,
    /// Waiting for a pooled connection, its validation query included; past it a request is
    /// answered 503 at once.
    pub checkout: Duration,
}

impl Default for Timeouts {
    /// For tools and tests that open a pool of their own (`db::connect`).
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            statement: Duration::from_secs(10),
            checkout: Duration::from_secs(10),
        }
    }
}

/// A database that did not answer in time or refused: worth trying again shortly.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

/// When the pool last reached the database (a connection opened or a validation query
/// answered). A database that accepts connections and never answers leaves no error behind,
/// only silence: this is what notices it.
#[derive(Debug)]
pub struct Reachability {
    origin: Instant,
    /// Milliseconds after `origin`.
    last_reached: AtomicU64,
}

impl Default for Reachability {
    fn default() -> Self {
        Reachability {
            origin: Instant::now(),
            last_reached: AtomicU64::new(0),
        }
    }
}

impl Reachability {
    pub(super) fn reached(&self) {
        let now = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_reached.fetch_max(now, Ordering::Relaxed);
    }

    /// How long since the database last answered (since start-up, if it never did).
    pub fn silent_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_reached.load(Ordering::Relaxed));
        self.origin.elapsed().saturating_sub(last)
    }
}

/// A pooled connection, checked out in time.
pub type Pooled = PooledConnection<ConnectionManager>;

/// Runs `work` with a pooled connection on the blocking thread pool. Waiting for the
/// connection is bounded by the pool's checkout timeout even when r2d2's validation query
/// hangs on a database that accepts and never answers (r2d2's own timeout does not cover
/// it): past it the caller gets [`Unavailable`] and `work`, should a connection come later,
/// is not done. Once it has its connection, `work` runs to the end; the caller waits for it
/// as long as the statement timeout and the checkout timeout together, and past that (the
/// database went silent half-way) gets [`Unavailable`] while the work's thread waits on.
pub async fn run<T, E, F>(pool: &DbPool, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    run_within(pool, pool.connection_timeout(), work).await
}

/// [`run`], waiting at most `wait` for the connection.
pub async fn run_within<T, E, F>(pool: &DbPool, wait: Duration, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let (taken, taken_here) = oneshot::channel::<()>();
    let timeouts = pool.timeouts();
    let pool = pool.clone();
    let task = tokio::task::spawn_blocking(move || {
        let mut connection = pool.get_timeout(wait).map_err(DbError::from)?;
        if taken.send(()).is_err() {
            // The caller gave up waiting: it has answered already.
            return Err(E::from(gave_up(wait)));
        }
        work(&mut connection)
    });
    // A little past r2d2's own timeout, so that its error (which names the cause: refused,
    // timed out connecting) is the one reported when it has one.
    if tokio::time::timeout(wait + MARGIN, taken_here)
        .await
        .is_err()
    {
        return Err(E::from(gave_up(wait)));
    }
    // Taken (the work runs), or the checkout failed and the task says why.
    let bound = timeouts.statement + timeouts.checkout;
    match tokio::time::timeout(bound, task).await {
        Ok(done) => done.map_err(|error| E::from(DbError::TaskFailed(error.to_string())))?,
        Err(_) => Err(E::from(DbError::Unavailable(Unavailable(format!(
            "the database stopped answering: no result within {} ms",
            bound.as_millis()
        ))))),
    }
}

/// A connection checked out in time ([`run`]), for work that keeps it (a streamed export).
pub async fn checkout(pool: &DbPool) -> Result<Pooled, DbError> {
    let wait = pool.connection_timeout();
    let (sender, receiver) = oneshot::channel::<Result<Pooled, DbError>>();
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        // A connection that comes after the caller gave up goes back to the pool.
        let _ = sender.send(pool.get_timeout(wait).map_err(DbError::from));
    });
    match tokio::time::timeout(wait + MARGIN, receiver).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(DbError::TaskFailed("the checkout task stopped".into())),
        Err(_) => Err(gave_up(wait)),
    }
}

const MARGIN: Duration = Duration::from_millis(200);

fn gave_up(wait: Duration) -> DbError {
    DbError::Unavailable(Unavailable(format!(
        "the database did not answer within {} ms",
        wait.as_millis()
    )))
}

/// Whether `error` (or one of its causes) says the database is out of reach, busy or too
/// slow for now, rather than that the request or our code is wrong: such a request is
/// answered 503 with `Retry-After`, not 500.
pub fn is_unavailable(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(error) = error.downcast_ref::<DbError>() {
            match error {
                DbError::Pool(_) | DbError::Connection(_) | DbError::Unavailable(_) => return true,
                DbError::Query(query) if is_unavailable_query(query) => return true,
                _ => {}
            }
        }
        if error.is::<Unavailable>()
            || error.is::<diesel::r2d2::PoolError>()
            || error.is::<diesel::ConnectionError>()
        {
            return true;
        }
        if let Some(query) = error.downcast_ref::<diesel::result::Error>()
            && is_unavailable_query(query)
        {
            return true;
        }
        current = error.source();
    }
    false
}

/// A query that failed because of the database's state, not the query: the connection was
/// lost, the statement ran out of time, or (SQLite) another process held the lock past the
/// busy timeout.
pub fn is_unavailable_query(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => true,
        Error::DatabaseError(_, information) => {
            let message = information.message();
            [
                "statement timeout",
                "database is locked",
                "database is busy",
                "server closed the connection",
                "no connection to the server",
                "could not receive data from server",
                "could not send data to server",
                "terminating connection",
                "the database system is",
            ]
            .iter()
            .any(|words| message.contains(words))
        }
        _ => false,
    }
}

/// The error to answer every request of a batch with when one shared step failed (the sign
/// writer's): unavailable when the cause says so, else a plain failure.
pub fn shared_failure(what: &str, error: &diesel::result::Error) -> DbError {
    if is_unavailable_query(error) {
        DbError::Unavailable(Unavailable(format!("{what}: {error}")))
    } else {
        DbError::TaskFailed(format!("{what}: {error}"))
    }
}

/// The PostgreSQL URL with our connection settings added where the URL does not set its
/// own: `connect_timeout` (without it a server that accepts and never answers holds a new
/// connection for good), and TCP keepalives and `tcp_user_timeout`, so that a connection to
/// a vanished host is found dead in seconds rather than the kernel's 15 minutes.
pub(super) fn postgres_url(url: &str, timeouts: &Timeouts) -> String {
    let present: Vec<String> = url::Url::parse(url)
        .map(|parsed| {
            parsed
                .query_pairs()
                .map(|(key, _)| key.into_owned())
                .collect()
        })
        .unwrap_or_default();
    // libpq counts whole seconds and takes 1 as 2.
    let connect = timeouts.connect.as_secs().max(1);
    let user_timeout = timeouts.statement.as_millis().max(1000);
    let wanted = [
        ("connect_timeout", connect.to_string()),
        ("keepalives", "1".to_owned()),
        ("keepalives_idle", "10".to_owned()),
        ("keepalives_interval", "5".to_owned()),
        ("keepalives_count", "3".to_owned()),
        ("tcp_user_timeout", user_timeout.to_string()),
    ];
    let mut url = url.to_owned();
    for (key, value) in wanted {
        if present.iter().any(|known| known == key) {
            continue;
        }
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(key);
        url.push('=');
        url.push_str(&value);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_settings_are_added_and_the_urls_own_are_kept() {
        let timeouts = Timeouts {
            connect: Duration::from_secs(3),
            statement: Duration::from_secs(10),
            checkout: Duration::from_secs(2),
        };
        let url = postgres_url("postgres://u:p@db.example/app", &timeouts);
        assert!(
            url.starts_with("postgres://u:p@db.example/app?connect_timeout=3&"),
            "{url}"
        );
        assert!(url.contains("&tcp_user_timeout=10000"), "{url}");
        let url = postgres_url(
            "postgres://db/app?sslmode=require&connect_timeout=9",
            &timeouts,
        );
        assert!(url.contains("connect_timeout=9"), "{url}");
        assert_eq!(url.matches("connect_timeout").count(), 1, "{url}");
        assert!(
            url.contains("sslmode=require&connect_timeout=9&keepalives=1"),
            "{url}"
        );
    }

    #[test]
    fn a_lost_connection_or_a_lock_is_unavailable_and_a_bad_query_is_not() {
        use diesel::result::{DatabaseErrorKind, Error};
        let closed = Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_owned()),
        );
        assert!(is_unavailable(&DbError::Query(closed)));
        let locked = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database is locked".to_owned()),
        );
        assert!(is_unavailable(&locked));
        assert!(is_unavailable(&gave_up(Duration::from_secs(1))));
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        );
        assert!(!is_unavailable(&DbError::Query(unique)));
        assert!(!is_unavailable(&DbError::Query(Error::NotFound)));
    }
}
