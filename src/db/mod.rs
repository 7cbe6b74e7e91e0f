//! Database access: one connection type for SQLite and PostgreSQL, the pool, migrations
//! and the write-transaction helper that every state change goes through.

pub mod backend;
pub mod backup;
pub mod outage;
pub mod pool_events;
pub mod schema;
pub mod versions;

pub use outage::{Reachability, Timeouts, Unavailable, is_unavailable};

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any id for the advisory lock works as long as every instance uses the same one.
pub const MIGRATION_LOCK_ID: i64 = 0x756e_6465_7273;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// The r2d2 pool (what it dereferences to), with the timeouts it was opened with.
#[derive(Clone, Debug)]
pub struct DbPool {
    pool: r2d2::Pool<ConnectionManager>,
    timeouts: Timeouts,
}

impl DbPool {
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }
}

impl std::ops::Deref for DbPool {
    type Target = r2d2::Pool<ConnectionManager>;

    fn deref(&self) -> &Self::Target {
        &self.pool
    }
}

/// The backend type of `DbConnection`, for boxed queries and expressions.
pub type SqlBackend = <DbConnection as Connection>::Backend;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("could not connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("database unavailable: {0}")]
    Unavailable(#[from] Unavailable),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("background database task failed: {0}")]
    TaskFailed(String),
    #[error("unsupported database url {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite { path: String },
    Postgres { url: String },
}

impl Backend {
    fn from_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres {
                url: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            return Err(DbError::UnsupportedUrl(url.to_owned()));
        }
        Ok(Backend::Sqlite {
            path: path.to_owned(),
        })
    }
}

/// Picks the backend from the URL scheme (the derived `establish` would try each backend in
/// turn), applies the per-connection settings (timeouts; SQLite's pragmas) and tells
/// `reachability` each time the database answers.
#[derive(Clone, Debug)]
pub struct ConnectionManager {
    backend: Backend,
    timeouts: Timeouts,
    reachability: Arc<Reachability>,
}

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Sqlite { path } => {
                let mut connection = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout must come before journal_mode, or opening the pool can hit
                // "database is locked" while another connection switches the mode. It is
                // SQLite's statement timeout: how long to wait for another process's lock.
                connection
                    .batch_execute(&format!(
                        "PRAGMA busy_timeout = {};
                         PRAGMA synchronous = NORMAL;
                         PRAGMA foreign_keys = ON;",
                        self.timeouts.statement.as_millis()
                    ))
                    .map_err(r2d2::Error::QueryError)?;
                use_wal(&mut connection)?;
                Ok(DbConnection::Sqlite(connection))
            }
            Backend::Postgres { url } => {
                let mut connection =
                    diesel::PgConnection::establish(&outage::postgres_url(url, &self.timeouts))
                        .map_err(r2d2::Error::ConnectionError)?;
                // Set per connection rather than in the URL's `options`, which poolers such
                // as PgBouncer refuse.
                connection
                    .batch_execute(&format!(
                        "SET statement_timeout = {}",
                        self.timeouts.statement.as_millis()
                    ))
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgresql(connection))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        let connection = self.open()?;
        self.reachability.reached();
        Ok(connection)
    }

    fn is_valid(&self, connection: &mut DbConnection) -> Result<(), r2d2::Error> {
        connection
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)?;
        self.reachability.reached();
        Ok(())
    }

    /// A connection left inside a transaction (its work stopped half-way when the database
    /// went away) is not put back.
    fn has_broken(&self, connection: &mut DbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(connection)
    }
}

/// Puts the file in WAL mode (it stays so: later connections find it set). Switching needs
/// the file to itself, and SQLite answers "database is locked" at once, without waiting out
/// `busy_timeout`, when the pool opens its connections together on a new file: those tries
/// wait briefly and try again rather than fail (r2d2 would log each failure as an error).
fn use_wal(connection: &mut diesel::SqliteConnection) -> Result<(), r2d2::Error> {
    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let mut tries = 0;
    loop {
        let result = diesel::sql_query("PRAGMA journal_mode = WAL").get_result::<Mode>(connection);
        match result {
            Ok(mode) if mode.journal_mode.eq_ignore_ascii_case("wal") => return Ok(()),
            // An in-memory database has no WAL; nothing to do.
            Ok(_) => return Ok(()),
            Err(error) if tries < 200 && error.to_string().contains("locked") => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(error) => return Err(r2d2::Error::QueryError(error)),
        }
    }
}

/// r2d2 retries a connection that failed to open; say so as a warning, not an error (the
/// error a request meets, if it comes to that, is logged where it is handled).
#[derive(Debug)]
struct WarnOnConnectionError;

impl r2d2::HandleError<r2d2::Error> for WarnOnConnectionError {
    fn handle_error(&self, error: r2d2::Error) {
        tracing::warn!(%error, "database connection failed; the pool tries again");
    }
}

/// Opens a pool for `url` (`sqlite://path`, a bare path, or `postgres://...`) with the
/// default timeouts, for tools and tests.
pub fn connect(url: &str, pool_size: u32) -> Result<DbPool, DbError> {
    open(url, pool_size, Timeouts::default(), Arc::default())
}

/// Opens a pool with `timeouts`; `reachability` learns each time the database answers.
pub fn open(
    url: &str,
    pool_size: u32,
    timeouts: Timeouts,
    reachability: Arc<Reachability>,
) -> Result<DbPool, DbError> {
    let backend = Backend::from_url(url)?;
    if let Backend::Sqlite { path } = &backend
        && let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            DbError::Migration(format!("cannot create {}: {error}", parent.display()))
        })?;
    }
    let pool = r2d2::Pool::builder()
        .max_size(pool_size.max(1))
        .connection_timeout(timeouts.checkout)
        .error_handler(Box::new(WarnOnConnectionError))
        .event_handler(Box::new(pool_events::CountCheckouts))
        .build(ConnectionManager {
            backend,
            timeouts,
            reachability,
        })?;
    Ok(DbPool { pool, timeouts })
}

/// Opens one PostgreSQL connection and closes it, so that a wrong password or host is one
/// error at start-up instead of the pool retrying (a warning each) for its whole timeout. A
/// SQLite file is local: the pool opens it (and creates it) itself.
pub fn check_connection(url: &str, timeouts: Timeouts) -> Result<(), DbError> {
    let backend = Backend::from_url(url)?;
    if let Backend::Sqlite { .. } = backend {
        return Ok(());
    }
    let manager = ConnectionManager {
        backend,
        timeouts,
        reachability: Arc::default(),
    };
    match manager.connect() {
        Ok(_) => Ok(()),
        Err(r2d2::Error::ConnectionError(error)) => Err(DbError::Connection(error)),
        Err(r2d2::Error::QueryError(error)) => Err(DbError::Query(error)),
    }
}

/// The file a SQLite `url` names; `None` for PostgreSQL and an in-memory database.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    match Backend::from_url(url).ok()? {
        Backend::Sqlite { path } if !path.contains(":memory:") => Some(path.into()),
        _ => None,
    }
}

/// Applies pending migrations; returns how many ran. Several PostgreSQL instances starting at
/// once serialize on an advisory lock.
pub fn migrate(pool: &DbPool) -> Result<usize, DbError> {
    let mut connection = pool.get()?;
    under_migration_lock(&mut connection, run_pending)
}

/// What `serve` does at start: migrates a new, empty database (a first start needs one
/// command), and otherwise only says what state the schema is in. An upgrade is migrated by
/// `undersigned migrate`, as its own step, before any new instance starts. Returns how many
/// migrations ran and the state after.
pub fn migrate_if_empty(pool: &DbPool) -> Result<(usize, versions::SchemaState), DbError> {
    let mut connection = pool.get()?;
    // Under the lock: an instance starting beside another that is half-way through the
    // first migration waits for it, and then finds the schema current, not pending.
    under_migration_lock(
        &mut connection,
        |connection| match versions::schema_state_at_start(connection)? {
            versions::SchemaState::Empty => {
                Ok((run_pending(connection)?, versions::SchemaState::Current))
            }
            state => Ok((0, state)),
        },
    )
}

fn run_pending(connection: &mut DbConnection) -> Result<usize, DbError> {
    match connection {
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|versions| versions.len()),
        DbConnection::Postgresql(postgres) => postgres
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|versions| versions.len()),
    }
    .map_err(|error| DbError::Migration(error.to_string()))
}

/// Runs `work` holding the migration lock (a PostgreSQL advisory lock; SQLite has one writer
/// and one host).
fn under_migration_lock<T>(
    connection: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let DbConnection::Postgresql(postgres) = connection else {
        return work(connection);
    };
    // Waiting for another instance's migrations, or building an index on a big table, may
    // take longer than any request should: no statement timeout until the lock is let go.
    let statement_timeout = show_statement_timeout(postgres)?;
    diesel::sql_query("SET statement_timeout = 0").execute(postgres)?;
    if !try_advisory_lock(postgres)? {
        // Another instance is migrating; without this line a slow start looks hung.
        tracing::info!("waiting for another instance to finish migrating the database");
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_ID})"))
            .execute(postgres)?;
        tracing::info!("the other instance finished migrating; checking for migrations");
    }
    let result = work(connection);
    if let DbConnection::Postgresql(postgres) = connection {
        diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})"))
            .execute(postgres)?;
        diesel::sql_query("SELECT set_config('statement_timeout', $1, false)")
            .bind::<diesel::sql_types::Text, _>(statement_timeout)
            .execute(postgres)?;
    }
    result
}

fn show_statement_timeout(connection: &mut diesel::PgConnection) -> Result<String, DbError> {
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement_timeout: String,
    }
    let setting: Setting = diesel::sql_query("SHOW statement_timeout").get_result(connection)?;
    Ok(setting.statement_timeout)
}

fn try_advisory_lock(connection: &mut diesel::PgConnection) -> Result<bool, DbError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    let answer: Locked = diesel::sql_query(format!(
        "SELECT pg_try_advisory_lock({MIGRATION_LOCK_ID}) AS locked"
    ))
    .get_result(connection)?;
    Ok(answer.locked)
}

/// Runs `work` in a transaction that takes the write lock up front on SQLite (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads and then writes can fail with SQLITE_BUSY
/// whatever the busy timeout.
pub fn write_transaction<T, E, F>(connection: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    // Inside an outer transaction this becomes a savepoint, like any nested transaction.
    let outermost_sqlite = match connection {
        DbConnection::Sqlite(sqlite) => !in_transaction(sqlite),
        DbConnection::Postgresql(_) => false,
    };
    // SQLite has one writer at a time. Writers of this process queue on a mutex and wake the
    // moment the lock is free, instead of sleeping in SQLite's busy handler (up to 100 ms a
    // try); another process (the CLI, say) still meets the busy timeout.
    let _writer = if outermost_sqlite {
        Some(
            SQLITE_WRITER
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    } else {
        None
    };
    match connection {
        DbConnection::Sqlite(sqlite) if outermost_sqlite => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?
        }
        _ => Manager::begin_transaction(connection)?,
    }
    match work(connection) {
        Ok(value) => {
            if let Err(error) = Manager::commit_transaction(connection) {
                let _ = Manager::rollback_transaction(connection);
                return Err(error.into());
            }
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(connection)?;
            Err(error)
        }
    }
}

static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn in_transaction(connection: &mut diesel::SqliteConnection) -> bool {
    AnsiTransactionManager::transaction_manager_status_mut(connection)
        .transaction_depth()
        .ok()
        .flatten()
        .is_some()
}

/// Runs a statement that diesel can build for each backend but not for `MultiBackend`:
/// multi-row `INSERT ... VALUES (...), (...)` (diesel's batch insert is backend-specific).
/// The statement is written once and built again for the concrete connection.
#[macro_export]
macro_rules! execute_on_backend {
    ($connection:expr, $statement:expr) => {{
        use diesel::RunQueryDsl as _;
        match $connection {
            $crate::db::DbConnection::Postgresql(connection) => $statement.execute(connection),
            $crate::db::DbConnection::Sqlite(connection) => $statement.execute(connection),
        }
    }};
}

/// Which backend this is, for benchmarks and tests that report or set up per backend. Code
/// in `src/` outside `db` asks `db::backend` for what differs instead.
pub fn is_postgres(connection: &DbConnection) -> bool {
    matches!(connection, DbConnection::Postgresql(_))
}

/// The current time at the precision both backends keep (PostgreSQL stores microseconds).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A failure that running the same transaction again can cure: a PostgreSQL deadlock or
/// serialization failure between instances (never seen on SQLite, which has one writer).
pub fn is_retryable(error: &diesel::result::Error) -> bool {
    match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::SerializationFailure,
            _,
        ) => true,
        diesel::result::Error::DatabaseError(_, information) => {
            information.message().contains("deadlock detected")
        }
        _ => false,
    }
}

/// The shared secret called `name`: made once by whichever instance starts first and read by
/// every other, so that restarts and several instances agree on it.
pub fn shared_secret(connection: &mut DbConnection, name: &str) -> Result<String, DbError> {
    use schema::instance_secrets;
    let existing = |connection: &mut DbConnection| {
        instance_secrets::table
            .find(name)
            .select(instance_secrets::value)
            .first::<String>(connection)
            .optional()
    };
    if let Some(value) = existing(connection)? {
        return Ok(value);
    }
    let created = diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq(name),
            instance_secrets::value.eq(crate::values::tokens::mint().secret),
            instance_secrets::created_at.eq(now()),
        ))
        .execute(connection);
    match created {
        // Another instance made it at the same moment: theirs is the one.
        Err(error) if is_unique_violation(&error) => {}
        other => {
            other?;
        }
    }
    existing(connection)?
        .ok_or_else(|| DbError::Migration(format!("secret {name:?} could not be stored")))
}

/// The value stored under `name` beside the shared secrets, storing `value` if there is none
/// yet (the first instance to start decides; every other reads what it stored).
pub fn shared_value(
    connection: &mut DbConnection,
    name: &str,
    value: &str,
) -> Result<String, DbError> {
    use schema::instance_secrets;
    // Read first: every start asks, and on SQLite a write would wait for a busy service's
    // writer (a command run beside it would time out on "database is locked").
    let stored = instance_secrets::table
        .find(name)
        .select(instance_secrets::value)
        .first::<String>(connection)
        .optional()?;
    if let Some(stored) = stored {
        return Ok(stored);
    }
    let inserted = diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq(name),
            instance_secrets::value.eq(value),
            instance_secrets::created_at.eq(now()),
        ))
        .execute(connection);
    match inserted {
        Err(error) if is_unique_violation(&error) => {}
        other => {
            other?;
        }
    }
    Ok(instance_secrets::table
        .find(name)
        .select(instance_secrets::value)
        .first::<String>(connection)?)
}

/// Runs `work` once per database, ever: data fixes that SQL migrations cannot express (they
/// need Rust, such as recomputing keys). The marker lives beside the shared secrets. Two
/// instances starting together may both run `work`, so it must be idempotent.
pub fn once<T>(
    connection: &mut DbConnection,
    name: &str,
    work: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
) -> Result<Option<T>, DbError> {
    use schema::instance_secrets;
    let marker = format!("done:{name}");
    let done = instance_secrets::table
        .find(&marker)
        .count()
        .get_result::<i64>(connection)?
        > 0;
    if done {
        return Ok(None);
    }
    let result = work(connection)?;
    let recorded = diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq(&marker),
            instance_secrets::value.eq(now().to_string()),
            instance_secrets::created_at.eq(now()),
        ))
        .execute(connection);
    match recorded {
        Err(error) if is_unique_violation(&error) => {}
        other => {
            other?;
        }
    }
    Ok(Some(result))
}

pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
