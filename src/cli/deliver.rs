//! `letters deliver SLUG --on DATE --note TEXT [--link URL] [--send-update] [--yes]` and
//! `letters deliver SLUG --undo`: the console's "Mark as delivered" from the command line.
//! Sending it as an update asks first on a terminal and takes `--yes` in scripts, like
//! `updates send`; the update is sent once however often the command runs.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use clap::Args;

use super::{letter, open};
use crate::config::Settings;
use crate::letters::delivered;
use crate::staff::Actor;
use crate::updates;

#[derive(Args)]
pub(super) struct DeliverArgs {
    slug: String,
    /// The day it was delivered (YYYY-MM-DD); not later than tomorrow.
    #[arg(long, value_name = "DATE", required_unless_present = "undo")]
    on: Option<String>,
    /// What the public page says about the delivery.
    #[arg(long, required_unless_present = "undo")]
    note: Option<String>,
    /// A web page about the delivery (http or https).
    #[arg(long, value_name = "URL")]
    link: Option<String>,
    /// Also send the delivery to the letter's opted-in signers as an update.
    #[arg(long)]
    send_update: bool,
    /// Do not ask before sending the update (for scripts).
    #[arg(long)]
    yes: bool,
    /// Take the mark back (it was a mistake). An update already sent stays sent.
    #[arg(long, conflicts_with_all = ["on", "note", "link", "send_update"])]
    undo: bool,
}

fn actor() -> Actor {
    Actor::command_line()
}

pub(super) fn run(settings: &Settings, arguments: DeliverArgs) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let letter = letter(&mut connection, &arguments.slug)?;
    if arguments.undo {
        if delivered::unmark(&mut connection, &letter, &actor())? {
            println!("{}: no longer marked delivered", letter.slug);
        } else {
            println!("{}: was not marked delivered; nothing changed", letter.slug);
        }
        return Ok(());
    }
    let delivery = delivered::validate(
        arguments.on.as_deref().unwrap_or_default(),
        arguments.note.as_deref().unwrap_or_default(),
        arguments.link.as_deref().unwrap_or_default(),
        delivered::today(),
    )
    .map_err(|problems| anyhow::anyhow!("nothing was stored: {problems}"))?;
    if arguments.send_update && !arguments.yes {
        let recipients = updates::count_recipients(&mut connection, &letter)?;
        if !std::io::stdin().is_terminal() {
            bail!(
                "nothing was stored: not sending without confirmation; run it on a terminal, or pass --yes"
            );
        }
        print!(
            "Mark “{}” delivered and send it as an update to {}? [y/N] ",
            letter.title,
            crate::i18n::catalog::Tr::english().count("staffdeliver-addresses", recipients)
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            bail!("nothing was stored or sent");
        }
    }
    delivered::mark(&mut connection, &letter, &delivery, &actor())
        .context("storing the delivery")?;
    println!("{}: delivered on {}", letter.slug, delivery.on);
    if !arguments.send_update {
        return Ok(());
    }
    let update = crate::updates::delivered::prepare_update(
        &mut connection,
        &letter,
        &delivery,
        settings.public_base(),
        &actor(),
    )?;
    let started = updates::start_sending(&mut connection, &update.id, &actor())?;
    if started {
        let queued = updates::queue_all(&mut connection, &update.id, updates::BATCH)?;
        println!(
            "update {}: {queued} message(s) queued; the service's mail worker sends them",
            update.id
        );
    } else {
        println!(
            "update {} was already sent for this delivery; nothing was sent again",
            update.id
        );
    }
    Ok(())
}
