//! `members add|list|remove|import`: the coalition's roster.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::open;
use crate::config::Settings;
use crate::members;

#[derive(Subcommand)]
pub(super) enum MembersCommand {
    /// Add a member organization, or update the contact of the one with this name.
    Add {
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        website: Option<String>,
    },
    /// Show the roster.
    List,
    /// Take a member off the roster.
    Remove { name: String },
    /// Add or update members from a CSV with the columns name, email and optionally website.
    Import { file: PathBuf },
}

pub(super) fn run(settings: &Settings, command: MembersCommand) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    match command {
        MembersCommand::Add {
            name,
            email,
            website,
        } => {
            let saved = members::upsert(&mut connection, &name, &email, website.as_deref())?;
            println!(
                "{name}: {}",
                if saved == members::Saved::Added {
                    "added"
                } else {
                    "updated"
                }
            );
        }
        MembersCommand::List => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{:<8} {:<40} {:<36} WEBSITE", "CODE", "NAME", "CONTACT")?;
            for member in members::list(&mut connection)? {
                writeln!(
                    out,
                    "{:<8} {:<40} {:<36} {}",
                    member.code,
                    member.name,
                    member.email,
                    member.website.as_deref().unwrap_or("-")
                )?;
            }
        }
        MembersCommand::Remove { name } => {
            members::remove(&mut connection, &name)?;
            println!("{name}: removed");
        }
        MembersCommand::Import { file } => {
            let (added, updated) = members::import_csv(&mut connection, &file)?;
            println!("{added} added, {updated} updated");
        }
    }
    Ok(())
}
