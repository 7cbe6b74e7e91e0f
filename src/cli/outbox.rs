//! `outbox status` and `purge`.

use std::io::Write;

use clap::Subcommand;

use super::open;
use crate::config::Settings;

#[derive(Subcommand)]
pub(super) enum OutboxCommand {
    /// What waits to be sent, what failed for good, and why.
    Status,
}

pub(super) fn run(settings: &Settings, command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::Status => outbox_status(settings),
    }
}

fn outbox_status(settings: &Settings) -> anyhow::Result<()> {
    use crate::mail::outbox;
    let mut connection = open(settings)?;
    let depth = outbox::depth(&mut connection)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "waiting: {}  failed: {}  sent: {}",
        depth.waiting, depth.failed, depth.sent
    )?;
    let messages = outbox::undelivered(&mut connection, 50)?;
    if messages.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{:<36}  {:<8} {:<8} {:<17} {:<30} LAST ERROR",
        "ID", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "TO"
    )?;
    for message in messages {
        let status = if message.failed_at.is_some() {
            "failed"
        } else {
            "waiting"
        };
        writeln!(
            out,
            "{:<36}  {:<8} {:<8} {:<17} {:<30} {}",
            message.id,
            status,
            message.attempts,
            message.next_attempt_at.format("%Y-%m-%d %H:%M:%S"),
            message.recipient,
            message.last_error.as_deref().unwrap_or("-")
        )?;
    }
    Ok(())
}

pub(super) fn purge(settings: &Settings) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let before = crate::db::now() - chrono::Duration::days(settings.signing.purge_unconfirmed_days);
    let mut signatures = 0;
    loop {
        let deleted = crate::signatures::purge_unconfirmed(
            &mut connection,
            before,
            &crate::staff::Actor::command_line(),
        )?;
        signatures += deleted;
        if deleted == 0 {
            break;
        }
    }
    let mails = crate::mail::outbox::purge_finished(&mut connection, before)?;
    println!("{signatures} unconfirmed signature(s) and {mails} delivered email(s) deleted");
    Ok(())
}
