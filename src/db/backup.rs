//! Copies of the database: `VACUUM INTO` on SQLite, and recognizing a PostgreSQL database
//! that was restored from a dump, whose outbox may hold mail the live service already sent.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::schema::instance_secrets;
use super::{DbConnection, DbError, backend, now};

/// Serializes instances that start together on one restored database, so that one of them
/// holds its mail and the others find it done. Any id works if every instance uses it.
const RESTORE_LOCK_ID: i64 = 0x7265_7374_6f72;
/// Where the identity of the live database's `outbox` table is kept (beside the secrets).
const OUTBOX_IDENTITY: &str = "identity:outbox_table";

/// Writes a consistent copy of the SQLite database to `path` with `VACUUM INTO`: one read
/// transaction, so it sees one moment and the service keeps writing (WAL) while it runs, and
/// the copy is compacted and in one file (no `-wal` beside it). SQLite refuses a `path` that
/// exists and is not empty; callers check first to say so plainly.
pub fn vacuum_into(connection: &mut DbConnection, path: &Path) -> Result<(), DbError> {
    let DbConnection::Sqlite(sqlite) = connection else {
        return Err(DbError::Migration(
            "VACUUM INTO is for SQLite; back up PostgreSQL with pg_dump".into(),
        ));
    };
    let target = path
        .to_str()
        .ok_or_else(|| DbError::Migration(format!("{} is not UTF-8", path.display())))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target)
        .execute(sqlite)?;
    Ok(())
}

/// A connection to a copy that `vacuum_into` wrote, as it is: no migrations, and the copy's
/// journal mode is left alone so that it stays one file to copy off the machine.
pub fn open_copy(path: &Path) -> Result<DbConnection, DbError> {
    if !path.is_file() {
        return Err(DbError::Migration(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let target = path
        .to_str()
        .ok_or_else(|| DbError::Migration(format!("{} is not UTF-8", path.display())))?;
    let mut sqlite = diesel::SqliteConnection::establish(target)?;
    sqlite.batch_execute("PRAGMA busy_timeout = 10000;")?;
    Ok(DbConnection::Sqlite(sqlite))
}

/// Whether this PostgreSQL database was made anew from a dump since this was last asked
/// (and remembers the answer, so it is `true` once per restore). `pg_restore` creates every
/// table again, so the `outbox` table's OID differs from the one the database recorded
/// while it was live; a restart, a failover to a replica or `pg_upgrade` keep it. A database
/// that never recorded one (new, or restored from a dump older than this check) records it
/// and answers `false`. Always `false` on SQLite: a file has no such identity, and a copy
/// made by `undersigned backup` holds its own mail (see `cli::backup`).
///
/// Call it in a write transaction, with whatever must happen once per restore.
pub fn restored_from_dump(connection: &mut DbConnection) -> Result<bool, diesel::result::Error> {
    #[derive(QueryableByName)]
    struct Identity {
        #[diesel(sql_type = BigInt)]
        oid: i64,
    }
    if !matches!(connection, DbConnection::Postgresql(_)) {
        return Ok(false);
    }
    backend::lock_for_transaction(connection, RESTORE_LOCK_ID)?;
    let DbConnection::Postgresql(postgres) = connection else {
        return Ok(false);
    };
    let current = diesel::sql_query("SELECT 'outbox'::regclass::oid::bigint AS oid")
        .get_result::<Identity>(postgres)?
        .oid
        .to_string();
    let recorded: Option<String> = instance_secrets::table
        .find(OUTBOX_IDENTITY)
        .select(instance_secrets::value)
        .first(postgres)
        .optional()?;
    match recorded {
        Some(recorded) if recorded == current => Ok(false),
        Some(_) => {
            diesel::update(instance_secrets::table.find(OUTBOX_IDENTITY))
                .set((
                    instance_secrets::value.eq(&current),
                    instance_secrets::created_at.eq(now()),
                ))
                .execute(postgres)?;
            Ok(true)
        }
        None => {
            diesel::insert_into(instance_secrets::table)
                .values((
                    instance_secrets::name.eq(OUTBOX_IDENTITY),
                    instance_secrets::value.eq(&current),
                    instance_secrets::created_at.eq(now()),
                ))
                .execute(postgres)?;
            Ok(false)
        }
    }
}
