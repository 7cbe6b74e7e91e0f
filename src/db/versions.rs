//! Which schema this binary expects, and what it makes of the database's: the newest
//! migration it embeds is its schema version. A database that lacks some of them needs
//! `undersigned migrate`; one that holds newer ones was migrated by a newer release, which
//! this binary may still work on unless that release raised the floor (`schema_floor`, see
//! its migration) above this binary's version.

use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;

use super::{DbConnection, DbError, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// The database's schema as this binary sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaState {
    /// No migration applied: a new database.
    Empty,
    /// Every migration this binary embeds is applied, and any newer ones leave it able to
    /// work (they only add).
    Current,
    /// This many of the migrations this binary embeds are not applied: run
    /// `undersigned migrate`.
    Pending(usize),
    /// Migrated by a newer release that this binary cannot work with: it needs a binary
    /// whose schema version is at least `needs`.
    TooNew { needs: String },
}

impl std::fmt::Display for SchemaState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaState::Empty => formatter.write_str("the database has no schema yet"),
            SchemaState::Current => formatter.write_str("the schema is current"),
            SchemaState::Pending(count) => write!(
                formatter,
                "the database is older than this binary ({count} migration(s) not applied): run `undersigned migrate` with this binary first, then start it again"
            ),
            SchemaState::TooNew { needs } => write!(
                formatter,
                "the database was migrated by a newer release that needs schema {needs} or later; this binary has {}: upgrade it",
                expected_version()
            ),
        }
    }
}

/// The schema version this binary expects: its newest embedded migration's version (the
/// same on both backends).
pub fn expected_version() -> String {
    embedded_versions(false)
        .into_iter()
        .max()
        .unwrap_or_default()
}

fn embedded_versions(postgres: bool) -> Vec<String> {
    let migrations = if postgres {
        MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS).map(|list| {
            list.iter()
                .map(|m| m.name().version().to_string())
                .collect()
        })
    } else {
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS).map(|list| {
            list.iter()
                .map(|m| m.name().version().to_string())
                .collect()
        })
    };
    // Embedded at compile time: listing them cannot fail.
    migrations.unwrap_or_default()
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

#[derive(QueryableByName)]
struct Floor {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    oldest_reader: Option<String>,
}

/// The schema state, read without changing anything (for `/readyz` and the mail worker,
/// which ask often): the database must have been migrated once.
pub fn schema_state(connection: &mut DbConnection) -> Result<SchemaState, DbError> {
    let applied: Vec<String> = diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load::<Version>(connection)?
        .into_iter()
        .map(|row| row.version)
        .collect();
    state_of(connection, applied)
}

/// The schema state at start-up, when the database may be new (diesel creates its table of
/// applied migrations if it is missing).
pub(super) fn schema_state_at_start(connection: &mut DbConnection) -> Result<SchemaState, DbError> {
    let applied = match connection {
        DbConnection::Sqlite(sqlite) => sqlite.applied_migrations(),
        DbConnection::Postgresql(postgres) => postgres.applied_migrations(),
    }
    .map_err(|error| DbError::Migration(error.to_string()))?
    .into_iter()
    .map(|version| version.to_string())
    .collect();
    state_of(connection, applied)
}

fn state_of(connection: &mut DbConnection, applied: Vec<String>) -> Result<SchemaState, DbError> {
    let embedded = embedded_versions(matches!(connection, DbConnection::Postgresql(_)));
    let state = classify(&embedded, &applied);
    if state != SchemaState::Current || applied.iter().all(|version| embedded.contains(version)) {
        return Ok(state);
    }
    // Newer migrations than this binary knows: it works on unless they raised the floor.
    let floor = diesel::sql_query("SELECT MAX(oldest_reader) AS oldest_reader FROM schema_floor")
        .get_result::<Floor>(connection)?
        .oldest_reader;
    let ours = embedded.iter().max().cloned().unwrap_or_default();
    Ok(match floor {
        Some(needs) if needs > ours => SchemaState::TooNew { needs },
        _ => SchemaState::Current,
    })
}

/// Empty, pending or current by the versions alone (the floor is read only when there are
/// unknown ones).
fn classify(embedded: &[String], applied: &[String]) -> SchemaState {
    if applied.is_empty() {
        return SchemaState::Empty;
    }
    let pending = embedded
        .iter()
        .filter(|version| !applied.contains(version))
        .count();
    if pending > 0 {
        SchemaState::Pending(pending)
    } else {
        SchemaState::Current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_knows_its_schema_version_on_both_backends() {
        let version = expected_version();
        assert_eq!(
            version.len(),
            14,
            "{version}: a migration's date, without dashes"
        );
        assert!(version.bytes().all(|byte| byte.is_ascii_digit()));
        assert_eq!(
            embedded_versions(true).into_iter().max(),
            Some(version),
            "the two backends' migrations are named alike"
        );
    }

    #[test]
    fn versions_alone_tell_empty_pending_and_current() {
        let embedded = ["1".to_owned(), "2".to_owned()];
        assert_eq!(classify(&embedded, &[]), SchemaState::Empty);
        assert_eq!(
            classify(&embedded, &["1".to_owned()]),
            SchemaState::Pending(1)
        );
        assert_eq!(classify(&embedded, &embedded), SchemaState::Current);
        let newer = ["1".to_owned(), "2".to_owned(), "3".to_owned()];
        assert_eq!(classify(&embedded, &newer), SchemaState::Current);
    }
}
