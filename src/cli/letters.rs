//! `letters import|list|deliver`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::open;
use crate::config::Settings;
use crate::letters::{self, import};
use crate::signatures::{self, SignatureState};

#[derive(Subcommand)]
pub(super) enum LettersCommand {
    /// Create or update a letter from Markdown with a TOML front matter between +++ lines,
    /// with its translations beside it (`letter.he.md` next to `letter.md`).
    Import { file: PathBuf },
    /// Show every letter with its state and counts.
    List,
    /// Mark a letter delivered to its addressee (again: edit it), or take the mark back.
    Deliver(super::deliver::DeliverArgs),
}

pub(super) fn run(settings: &Settings, command: LettersCommand) -> anyhow::Result<()> {
    match command {
        LettersCommand::Import { file } => import_letter(settings, &file),
        LettersCommand::List => list_letters(settings),
        LettersCommand::Deliver(arguments) => super::deliver::run(settings, arguments),
    }
}

fn import_letter(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let images = crate::letters::markdown::ImageHosts::from_settings(settings);
    let outcomes = import::import_file(
        &mut connection,
        file,
        &images,
        &crate::staff::Actor::command_line(),
    )
    .with_context(|| format!("{} was not imported", file.display()))?;
    for outcome in outcomes {
        println!("{outcome}");
    }
    Ok(())
}

fn list_letters(settings: &Settings) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let all = letters::list_all(&mut connection)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<32} {:<9} {:>9} {:>13} {:>8}  TITLE",
        "SLUG", "STATUS", "SIGNED", "ORGANIZATIONS", "PENDING"
    )?;
    for letter in all {
        let (counts, _) = signatures::counted_and_listed(&mut connection, &letter)?;
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
