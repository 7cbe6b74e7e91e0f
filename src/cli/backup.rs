//! `backup FILE`: a consistent copy of the database while the service runs.
//!
//! SQLite: `VACUUM INTO` (one read transaction: the service keeps signing, and it finishes in
//! about a second where `sqlite3 .backup` restarted on every write and ran for minutes under
//! load), then the copy's unsent mail is held, so that restoring it cannot mail anyone twice
//! (`mail::held`). PostgreSQL: `pg_dump --format=custom`, which must be on the `PATH` (the
//! PostgreSQL client of the server's major version); a database restored from it holds its
//! mail on first start (`db::backup::restored_from_dump`). Either way the command refuses to
//! overwrite a file, says where it wrote and how much, and leaves an audit row
//! (`database.backup`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;

use super::open;
use crate::config::Settings;
use crate::db;

#[derive(Args)]
pub(super) struct BackupArgs {
    /// Where to write the copy (a new file: an existing one is never overwritten).
    file: PathBuf,
}

pub(super) fn run(settings: &Settings, arguments: BackupArgs) -> anyhow::Result<()> {
    let file = arguments.file;
    let mut connection = open(settings)?;
    // Made here, empty and new, so that refusing an existing file cannot race with another
    // command, and a failure below removes only this command's file. `VACUUM INTO` and
    // `pg_dump` both write into an empty file.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
    {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists: a backup never overwrites a file; name a new one (with the date, say)",
            file.display()
        ),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot create {}", file.display()));
        }
    }
    let started = Instant::now();
    let taken_at = db::now();
    let postgres = db::is_postgres(&connection);
    let written = if postgres {
        pg_dump(&settings.database.url, &file)
    } else {
        vacuum_into(&mut connection, &file, taken_at)
    };
    let held = match written {
        Ok(held) => held,
        Err(error) => {
            // Half a copy must not pass for a backup.
            let _ = std::fs::remove_file(&file);
            return Err(error);
        }
    };
    let elapsed = started.elapsed();
    let bytes = std::fs::metadata(&file)
        .with_context(|| format!("reading the size of {}", file.display()))?
        .len();
    let shown = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
    db::write_transaction(&mut connection, |connection| {
        crate::staff::audit::record(
            connection,
            &crate::staff::Actor::command_line(),
            "database.backup",
            None,
            Some(&shown.display().to_string()),
            &format!("{bytes} bytes"),
        )
    })
    .context("recording the backup in the audit log")?;
    println!(
        "backup written to {} ({}, {:.1} s)",
        shown.display(),
        size(bytes),
        elapsed.as_secs_f64()
    );
    // Without its key file a SQLite copy's hashed addresses could not be recognised (and the
    // service refuses to start on it): it goes beside the copy, as readable only by its owner.
    if let Some(key) = crate::startup::address_key_file(settings)
        && key.exists()
    {
        let mut beside = file.clone().into_os_string();
        beside.push(".address-key");
        let beside = PathBuf::from(beside);
        std::fs::copy(&key, &beside).with_context(|| {
            format!(
                "copying the address key {} to {}",
                key.display(),
                beside.display()
            )
        })?;
        println!(
            "the address key is copied to {}: restore it beside the database file (as <database>.address-key)",
            beside.display()
        );
    }
    match held {
        Some(held) => println!(
            "{held} email(s) waiting at {} UTC are held in the copy: after restoring it, \
             `undersigned outbox status` tells what to do with them",
            taken_at.format("%Y-%m-%d %H:%M:%S")
        ),
        None => println!(
            "restore it with pg_restore (see DEPLOYMENT.md); the emails waiting in it are held \
             when the service first starts on the restored database"
        ),
    }
    Ok(())
}

/// The SQLite copy, with its unsent mail held; how many messages it held.
fn vacuum_into(
    connection: &mut db::DbConnection,
    file: &Path,
    taken_at: chrono::NaiveDateTime,
) -> anyhow::Result<Option<usize>> {
    db::backup::vacuum_into(connection, file)
        .with_context(|| format!("writing {} with VACUUM INTO", file.display()))?;
    let mut copy = db::backup::open_copy(file)?;
    let reason = crate::mail::held::held_in_backup(taken_at);
    let held = db::write_transaction(&mut copy, |copy| {
        crate::updates::queue::pause_queueing(copy)?;
        crate::mail::held::hold_unsent(copy, &reason)
    })
    .with_context(|| format!("holding the unsent mail in {}", file.display()))?;
    Ok(Some(held))
}

/// `pg_dump --format=custom` of `url` into `file`. The password goes in `PGPASSWORD`, not on
/// the command line, where any user of the machine could read it.
fn pg_dump(url: &str, file: &Path) -> anyhow::Result<Option<usize>> {
    let mut target = url::Url::parse(url).context("database.url is not a URL")?;
    let password = target.password().map(|password| {
        percent_encoding::percent_decode_str(password)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = target.set_password(None);
    let mut command = Command::new("pg_dump");
    command
        .arg("--format=custom")
        .arg("--file")
        .arg(file)
        .arg("--dbname")
        .arg(target.as_str());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let status = match command.status() {
        Ok(status) => status,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump is not installed: install the PostgreSQL client of your server's major \
             version (Debian: postgresql-client-15), or run `pg_dump --format=custom --file {} \
             DATABASE_URL` where it is",
            file.display()
        ),
        Err(error) => return Err(error).context("starting pg_dump"),
    };
    if !status.success() {
        bail!("pg_dump failed ({status}); its message is above");
    }
    Ok(None)
}

/// A size for people: bytes, kB, MB or GB (powers of 1,000, as `ls -h --si` shows).
fn size(bytes: u64) -> String {
    let bytes = bytes as f64;
    match bytes {
        _ if bytes < 1e3 => format!("{bytes} bytes"),
        _ if bytes < 1e6 => format!("{:.1} kB", bytes / 1e3),
        _ if bytes < 1e9 => format!("{:.1} MB", bytes / 1e6),
        _ => format!("{:.2} GB", bytes / 1e9),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(super::size(512), "512 bytes");
        assert_eq!(super::size(40_960), "41.0 kB");
        assert_eq!(super::size(12_345_678), "12.3 MB");
        assert_eq!(super::size(2_500_000_000), "2.50 GB");
    }
}
