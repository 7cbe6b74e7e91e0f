//! The `undersigned` command line: what operators script against. Names here are stable.
//! One module per command group; each owns its subcommand enum and what it does.

mod backup;
mod deliver;
mod export;
mod invites;
mod letters;
mod members;
mod outbox;
mod signatures;
mod staff;
mod updates;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db::DbConnection;
use crate::letters::Letter;
use crate::startup::{self, Application};
use crate::telemetry;

#[derive(Parser)]
#[command(
    name = "undersigned",
    version,
    about = "Open letters and petitions, confirmed by email"
)]
pub struct Cli {
    /// A TOML file whose keys override config/default.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service and the mail worker.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Import and list letters.
    Letters {
        #[command(subcommand)]
        command: letters::LettersCommand,
    },
    /// The email outbox.
    Outbox {
        #[command(subcommand)]
        command: outbox::OutboxCommand,
    },
    /// Delete unconfirmed signatures and delivered mail older than signing.purge_unconfirmed_days.
    Purge,
    /// Staff accounts for the console.
    Staff {
        #[command(subcommand)]
        command: staff::StaffCommand,
    },
    /// List and moderate signatures.
    Signatures {
        #[command(subcommand)]
        command: signatures::SignaturesCommand,
    },
    /// The coalition's member organizations.
    Members {
        #[command(subcommand)]
        command: members::MembersCommand,
    },
    /// Invite member organizations to sign.
    Invites {
        #[command(subcommand)]
        command: invites::InvitesCommand,
    },
    /// Write a letter's signatures as CSV or JSON.
    Export(export::ExportArgs),
    /// Updates to a letter's signers.
    Updates {
        #[command(subcommand)]
        command: updates::UpdatesCommand,
    },
    /// Write a consistent copy of the database while the service runs (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump --format=custom).
    Backup(backup::BackupArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("undersigned: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    match execute(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("undersigned: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(settings),
        Command::Migrate => {
            let pool = crate::db::connect(&settings.database.url, 1)
                .context("database.url: cannot open the database")?;
            let applied = crate::db::migrate(&pool).context("migrating the database")?;
            println!(
                "{applied} migration(s) applied; this binary's schema version is {}",
                crate::db::versions::expected_version()
            );
            Ok(())
        }
        Command::Letters { command } => letters::run(&settings, command),
        Command::Export(arguments) => export::run(&settings, arguments),
        Command::Staff { command } => staff::run(&settings, command),
        Command::Outbox { command } => outbox::run(&settings, command),
        Command::Purge => outbox::purge(&settings),
        Command::Signatures { command } => signatures::run(&settings, command),
        Command::Members { command } => members::run(&settings, command),
        Command::Invites { command } => invites::run(&settings, command),
        Command::Updates { command } => updates::run(&settings, command),
        Command::Backup(arguments) => backup::run(&settings, arguments),
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let application = Application::build(settings).await?;
        application
            .run_until_stopped()
            .await
            .context("the HTTP server stopped with an error")
    })
}

type Connection = diesel::r2d2::PooledConnection<crate::db::ConnectionManager>;

/// A migrated database connection for one command.
fn open(settings: &Settings) -> anyhow::Result<Connection> {
    let pool = startup::open_database(settings)?;
    pool.get().context("connecting to the database")
}

fn letter(connection: &mut DbConnection, slug: &str) -> anyhow::Result<Letter> {
    crate::letters::find_by_slug(connection, slug)?
        .with_context(|| format!("no letter with slug {slug:?}"))
}

fn time(value: Option<chrono::NaiveDateTime>) -> String {
    value
        .map(|time| time.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}
