//! `outbox status`, `hold`, `release` and `discard` (mail held after a restore: see
//! `mail::held`), and `purge`.

use std::io::Write;

use clap::Subcommand;

use super::open;
use crate::config::Settings;

#[derive(Subcommand)]
pub(super) enum OutboxCommand {
    /// What waits to be sent, what is held since a restore, what failed for good, and why.
    Status,
    /// Hold every email not yet sent, after restoring a copy that `undersigned backup` did
    /// not make (a file copy, a snapshot, point-in-time recovery): run it before starting
    /// the service on the restored database.
    Hold,
    /// Send the held emails (those already sent before the restore arrive twice).
    Release,
    /// Never send the held emails (signers still waiting can ask for a new link).
    Discard,
}

pub(super) fn run(settings: &Settings, command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::Status => outbox_status(settings),
        OutboxCommand::Hold => decide(settings, Decision::Hold),
        OutboxCommand::Release => decide(settings, Decision::Release),
        OutboxCommand::Discard => decide(settings, Decision::Discard),
    }
}

#[derive(Clone, Copy)]
enum Decision {
    Hold,
    Release,
    Discard,
}

/// Holds, releases or discards, with its audit row in the same transaction.
fn decide(settings: &Settings, decision: Decision) -> anyhow::Result<()> {
    use crate::mail::held;
    let mut connection = open(settings)?;
    let (changed, updates) = crate::db::write_transaction(&mut connection, |connection| {
        // Updates being queued at the backup go with the held mail (`pause_queueing`).
        use crate::updates::queue;
        let (action, changed, updates) = match decision {
            Decision::Hold => (
                "outbox.hold",
                held::hold_unsent(connection, HELD_BY_HAND)?,
                queue::pause_queueing(connection)?,
            ),
            Decision::Release => (
                "outbox.release",
                held::release(connection)?,
                queue::resume_queueing(connection)?,
            ),
            Decision::Discard => (
                "outbox.discard",
                held::discard(connection, DISCARDED)?,
                queue::finish_paused(connection)?,
            ),
        };
        crate::staff::audit::record(
            connection,
            &crate::staff::Actor::command_line(),
            action,
            None,
            None,
            &format!("{changed} email(s), {updates} update(s) being queued"),
        )?;
        Ok::<_, diesel::result::Error>((changed, updates))
    })?;
    let said = match decision {
        Decision::Hold => format!(
            "{changed} email(s) held: none is sent until `undersigned outbox release` (send \
             them) or `undersigned outbox discard` (drop them)"
        ),
        Decision::Release => format!("{changed} email(s) released: the service sends them now"),
        Decision::Discard => format!(
            "{changed} email(s) discarded: they will not be sent (a signer still waiting can ask \
             for a new link on the letter's page)"
        ),
    };
    println!("{said}");
    if updates > 0 {
        let what = match decision {
            Decision::Hold => "paused: the rest of their recipients are queued on release",
            Decision::Release => "resumed: the service queues the rest of their recipients",
            Decision::Discard => "ended as sent, without queueing the rest of their recipients",
        };
        println!("{updates} update(s) that were being queued {what}");
    }
    Ok(())
}

const HELD_BY_HAND: &str =
    "held by `outbox hold` after a restore: it may have been sent before the restore";
const DISCARDED: &str = "discarded by `outbox discard` after a restore: never sent from this copy";

fn outbox_status(settings: &Settings) -> anyhow::Result<()> {
    use crate::mail::outbox;
    let mut connection = open(settings)?;
    let depth = outbox::depth(&mut connection)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "waiting: {}  held: {}  failed: {}  sent: {}",
        depth.waiting, depth.held, depth.failed, depth.sent
    )?;
    if depth.held > 0 {
        let newest = crate::mail::held::newest_held(&mut connection)?;
        writeln!(
            out,
            "\n{} email(s) are held: they were waiting when the backup this database was \
             restored from was taken (the newest was queued {} UTC), and the service may have \
             sent them after that. None is sent until you decide:\n\
             \x20 undersigned outbox discard   if the backup is older than the time the outbox \
             took to empty (usually minutes): they were sent then; signers still waiting can ask \
             for a new link\n\
             \x20 undersigned outbox release   to send them all: those already sent arrive twice",
            depth.held,
            super::time(newest)
        )?;
    }
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
        let status = match message.state {
            crate::mail::outbox::OutboxState::Held => "held",
            _ if message.failed_at.is_some() => "failed",
            _ => "waiting",
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
