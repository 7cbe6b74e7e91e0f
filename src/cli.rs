//! The `undersigned` command line: what operators script against. Names here are stable.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::export::{self, ExportFilter, ExportFormat};
use crate::letters::{self, import};
use crate::signatures::{self, SignatureKind, SignatureState};
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
        command: LettersCommand,
    },
    /// Write a letter's signatures as CSV or JSON.
    Export {
        slug: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Only these states (pending, verified, approved, rejected, withdrawn); repeat or
        /// separate with commas.
        #[arg(long = "state", value_delimiter = ',')]
        states: Vec<String>,
        /// Only these kinds (individual, organization).
        #[arg(long = "kind", value_delimiter = ',')]
        kinds: Vec<String>,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum LettersCommand {
    /// Create or update a letter from Markdown with a TOML front matter between +++ lines.
    Import { file: PathBuf },
    /// Show every letter with its state and counts.
    List,
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
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Letters {
            command: LettersCommand::Import { file },
        } => import_letter(&settings, &file),
        Command::Letters {
            command: LettersCommand::List,
        } => list_letters(&settings),
        Command::Export {
            slug,
            format,
            states,
            kinds,
            output,
        } => export_letter(&settings, &slug, format, &states, &kinds, output),
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

fn import_letter(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let document = import::parse_document(&text)
        .with_context(|| format!("{} is not a valid letter", file.display()))?;
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let (letter, outcome) = import::store(&mut connection, &document)?;
    let what = match outcome {
        import::ImportOutcome::Created => "created",
        import::ImportOutcome::Updated { new_version: true } => "updated (new text version)",
        import::ImportOutcome::Updated { new_version: false } => "updated",
    };
    println!(
        "{} {what}: {} [{}]",
        letter.slug, letter.title, letter.status
    );
    Ok(())
}

fn list_letters(settings: &Settings) -> anyhow::Result<()> {
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let all = letters::list_all(&mut connection)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<32} {:<9} {:>9} {:>13} {:>8}  TITLE",
        "SLUG", "STATUS", "SIGNED", "ORGANIZATIONS", "PENDING"
    )?;
    for letter in all {
        let counts = signatures::count(&mut connection, &letter.id)?;
        let pending =
            signatures::count_in_state(&mut connection, &letter.id, SignatureState::Pending)?;
        writeln!(
            out,
            "{:<32} {:<9} {:>9} {:>13} {:>8}  {}",
            letter.slug,
            letter.status,
            counts.total(),
            counts.organizations,
            pending,
            letter.title
        )?;
    }
    Ok(())
}

fn export_letter(
    settings: &Settings,
    slug: &str,
    format: ExportFormat,
    states: &[String],
    kinds: &[String],
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let mut filter = ExportFilter::default();
    for state in states {
        match SignatureState::parse(state.trim()) {
            Some(state) => filter.states.push(state),
            None => {
                bail!("--state {state:?}: use pending, verified, approved, rejected or withdrawn")
            }
        }
    }
    for kind in kinds {
        match SignatureKind::parse(kind.trim()) {
            Some(kind) => filter.kinds.push(kind),
            None => bail!("--kind {kind:?}: use individual or organization"),
        }
    }
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let letter = letters::find_by_slug(&mut connection, slug)?
        .with_context(|| format!("no letter with slug {slug:?}"))?;
    let written = match output {
        Some(path) => {
            let file =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let written =
                export::write_export(&mut connection, &letter, &filter, format, &mut out)?;
            out.flush()?;
            written
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let written =
                export::write_export(&mut connection, &letter, &filter, format, &mut out)?;
            out.flush()?;
            written
        }
    };
    eprintln!("{written} signature(s) exported");
    Ok(())
}
