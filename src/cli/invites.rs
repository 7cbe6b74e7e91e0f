//! `invites send|status|remind`: member organizations sign through personal links.

use std::io::Write;

use clap::Subcommand;

use super::{letter, open, time};
use crate::config::Settings;
use crate::invites::{self, MemberStatus, Recipients};

#[derive(Subcommand)]
pub(super) enum InvitesCommand {
    /// Email members a personal link to sign for their organization.
    Send {
        slug: String,
        /// A member to invite; repeat for several.
        #[arg(
            long = "member",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        members: Vec<String>,
        /// Invite every member that has not signed.
        #[arg(long)]
        all: bool,
    },
    /// Show, for every member, whether it signed, waits for approval, or has not answered.
    Status { slug: String },
    /// Send a new link to every invited member that has not signed.
    Remind { slug: String },
}

pub(super) fn run(settings: &Settings, command: InvitesCommand) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let policy = crate::startup::signing_policy(settings);
    let actor = crate::staff::Actor::command_line();
    let (slug, report) = match command {
        InvitesCommand::Send { slug, members, all } => {
            let letter = letter(&mut connection, &slug)?;
            let recipients = if all {
                Recipients::All
            } else {
                Recipients::Named(&members)
            };
            (
                slug,
                invites::send(&mut connection, &letter, recipients, &policy, &actor)?,
            )
        }
        InvitesCommand::Remind { slug } => {
            let letter = letter(&mut connection, &slug)?;
            (
                slug,
                invites::send(
                    &mut connection,
                    &letter,
                    Recipients::Unanswered,
                    &policy,
                    &actor,
                )?,
            )
        }
        InvitesCommand::Status { slug } => {
            let letter = letter(&mut connection, &slug)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{:<40} {:<8} {:<28} DETAIL",
                "MEMBER", "LANGUAGE", "STATUS"
            )?;
            for (member, status) in invites::status(&mut connection, &letter)? {
                let detail = match &status {
                    MemberStatus::Signed { at, by } | MemberStatus::PendingApproval { at, by } => {
                        format!("{} by {by}", time(*at))
                    }
                    MemberStatus::AwaitingConfirmation { by } | MemberStatus::Duplicate { by } => {
                        format!("by {by}")
                    }
                    MemberStatus::InvitedNoAnswer {
                        last_sent_at,
                        sends,
                    } => {
                        format!("last sent {} ({sends}x)", time(Some(*last_sent_at)))
                    }
                    MemberStatus::Rejected | MemberStatus::Removed | MemberStatus::NotInvited => {
                        String::new()
                    }
                };
                // The language the member's invites to this letter are written in.
                let lang = member.reads(&letter.lang).as_str();
                writeln!(
                    out,
                    "{:<40} {:<8} {:<28} {detail}",
                    member.name,
                    lang,
                    status.label()
                )?;
            }
            return Ok(());
        }
    };
    for name in &report.sent {
        println!("{name}: invite sent");
    }
    for (name, reason) in &report.skipped {
        println!("{name}: skipped ({reason})");
    }
    println!(
        "{} invite(s) queued for {slug}; `serve` delivers them",
        report.sent.len()
    );
    Ok(())
}
