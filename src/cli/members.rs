//! `members add|list|remove|import`: the coalition's roster.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use anyhow::Context;

use super::{letter, open};
use crate::config::Settings;
use crate::members;
use crate::staff::Actor;
use crate::values::language::LanguageTag;

#[derive(Subcommand)]
pub(super) enum MembersCommand {
    /// Add a member organization, or update the contact of the one with this name (a new
    /// contact revokes the download links sent to the previous one).
    Add {
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        website: Option<String>,
        /// An https:// address of the member's logo, shown beside its name on the letters'
        /// lists when its host is in `site.image_hosts`; "" removes it. Without it the logo
        /// stays as it was.
        #[arg(long)]
        logo_url: Option<String>,
        /// The language the contact reads (a tag such as he, ar, en or pt-BR): its invites
        /// are written in it. Without it a new member reads each letter's original language
        /// and an existing one keeps its language.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Show the roster.
    List,
    /// Take a member off the roster.
    Remove { name: String },
    /// Add or update members from a CSV with the columns name, email and optionally website
    /// and lang.
    Import { file: PathBuf },
    /// Email a member's contact a personal link to download its own consenting, counted
    /// signers of a letter (expires after partners.export_link_days), and print the link.
    ExportLink {
        slug: String,
        /// The member's name or code.
        member: String,
    },
}

pub(super) fn run(settings: &Settings, command: MembersCommand) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    match command {
        MembersCommand::Add {
            name,
            email,
            website,
            logo_url,
            lang,
        } => {
            // Checked before anything is stored.
            if let Some(logo) = &logo_url {
                members::logos::checked(logo)?;
            }
            let lang = match lang {
                None => members::LanguageChoice::Keep,
                // Refused before anything is stored: a tag without an address could never
                // reach the member's invite page.
                Some(text) => members::LanguageChoice::Set(Some(
                    LanguageTag::parse_routable(&text)
                        .ok_or(members::MemberError::InvalidLanguage(text))?,
                )),
            };
            let saved = members::upsert(
                &mut connection,
                &name,
                &email,
                website.as_deref(),
                &lang,
                &Actor::command_line(),
            )?;
            if let Some(logo) = &logo_url {
                members::logos::set(&mut connection, &name, Some(logo), &Actor::command_line())?;
            }
            match saved {
                members::Saved::Added => println!("{name}: added"),
                members::Saved::Updated { revoked_links: 0 } => println!("{name}: updated"),
                members::Saved::Updated { revoked_links } => println!(
                    "{name}: updated; {revoked_links} download link(s) sent to the previous contact revoked"
                ),
            }
        }
        MembersCommand::List => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{:<8} {:<40} {:<36} {:<8} WEBSITE",
                "CODE", "NAME", "CONTACT", "LANGUAGE"
            )?;
            for member in members::list(&mut connection)? {
                writeln!(
                    out,
                    "{:<8} {:<40} {:<36} {:<8} {}",
                    member.code,
                    member.name,
                    member.email,
                    // `-`: each letter's original language.
                    member.lang.as_deref().unwrap_or("-"),
                    member.website.as_deref().unwrap_or("-")
                )?;
            }
        }
        MembersCommand::Remove { name } => {
            members::remove(&mut connection, &name, &Actor::command_line())?;
            println!("{name}: removed");
        }
        MembersCommand::Import { file } => {
            let (added, updated) =
                members::import_csv(&mut connection, &file, &Actor::command_line())?;
            println!("{added} added, {updated} updated");
        }
        MembersCommand::ExportLink { slug, member } => {
            let letter = letter(&mut connection, &slug)?;
            let found = match crate::members::codes::member_by_code(&mut connection, &member)? {
                Some(found) => Some(found),
                None => members::find_by_name(&mut connection, &member)?,
            };
            let found = found.with_context(|| {
                format!("no member named {member:?} (or with that code) on the roster")
            })?;
            let actor = Actor::command_line();
            let issued = crate::partners::links::issue(
                &mut connection,
                &letter,
                &found,
                &actor,
                settings.public_base(),
                settings.partners.export_link_days,
            )?;
            println!("{}", issued.url);
            eprintln!(
                "queued for {}; expires {} UTC",
                issued.recipient,
                issued.expires_at.format("%Y-%m-%d %H:%M")
            );
        }
    }
    Ok(())
}
