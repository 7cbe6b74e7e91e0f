//! `updates send SLUG FILE.md` and `updates status SLUG`: updates to a letter's signers from
//! the command line. The command queues the messages; the service's mail worker sends them.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;

use super::{letter, open};
use crate::config::Settings;
use crate::updates::languages::VersionDraft;
use crate::updates::{self, UpdateState};

#[derive(Subcommand)]
pub(super) enum UpdatesCommand {
    /// Send an update (Markdown with a `+++` TOML front matter whose `title` is the subject)
    /// to the letter's opted-in signers and signed organizations' contacts.
    Send {
        slug: String,
        file: PathBuf,
        /// Do not ask (for scripts). Without it the command asks on a terminal and refuses
        /// elsewhere.
        #[arg(long)]
        yes: bool,
        /// Send a file that was already sent for this letter once more.
        #[arg(long)]
        again: bool,
    },
    /// Show each update of the letter and how far it went out.
    Status { slug: String },
}

pub(super) fn run(settings: &Settings, command: UpdatesCommand) -> anyhow::Result<()> {
    match command {
        UpdatesCommand::Send {
            slug,
            file,
            yes,
            again,
        } => send(settings, &slug, &file, yes, again),
        UpdatesCommand::Status { slug } => status(settings, &slug),
    }
}

fn send(
    settings: &Settings,
    slug: &str,
    file: &std::path::Path,
    yes: bool,
    again: bool,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (subject, markdown) = updates::parse_file(&text)
        .with_context(|| format!("{} is not a valid update", file.display()))?;
    let mut connection = open(settings)?;
    let letter = letter(&mut connection, slug)?;
    let versions = versions_beside(&mut connection, &letter, file)?;
    // The original alone names the update: sending the same file again with a version
    // added is still sending it again.
    let hash = crate::values::tokens::hash(&text);
    let earlier = updates::find_by_source(&mut connection, &letter.id, &hash)?;
    // A send that stopped half-way (the command was killed) goes on instead of starting over.
    let resumable = earlier
        .as_ref()
        .filter(|update| update.state != UpdateState::Sent || !again);
    if let Some(update) = resumable {
        match update.state {
            UpdateState::Sent => bail!(
                "{} was already sent for {slug} ({} message(s)); use --again to send it once more",
                file.display(),
                update.queued
            ),
            UpdateState::Sending => {
                let queued = updates::queue_all(&mut connection, &update.id, updates::BATCH)?;
                println!("resumed {}: {queued} more message(s) queued", update.id);
                return Ok(());
            }
            UpdateState::Draft => {}
        }
    }
    let recipients = updates::count_recipients(&mut connection, &letter)?;
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!("not sending without confirmation: run it on a terminal, or pass --yes");
        }
        print!(
            "Send “{subject}”{} to {} about “{}”? [y/N] ",
            languages_said(&versions),
            crate::i18n::catalog::Tr::english().count("staffdeliver-addresses", recipients),
            letter.title
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            bail!("not sent");
        }
    }
    let update = match resumable {
        Some(draft) => {
            // A draft left by a run that stopped: this run's versions are the ones sent.
            updates::languages::save(&mut connection, &draft.id, &versions, None)?;
            draft.clone()
        }
        None => {
            let stored_hash = if earlier.is_some() {
                format!("{hash}:{}", crate::db::new_id())
            } else {
                hash
            };
            updates::create_with_versions(
                &mut connection,
                &letter,
                (&subject, &markdown),
                &versions,
                settings.public_base(),
                &crate::staff::Actor::command_line(),
                Some(&stored_hash),
            )?
        }
    };
    let started = updates::start_sending(
        &mut connection,
        &update.id,
        &crate::staff::Actor::command_line(),
    )?;
    let sent = if started {
        Some(updates::queue_all(
            &mut connection,
            &update.id,
            updates::BATCH,
        )?)
    } else {
        None
    };
    match sent {
        Some(queued) => println!(
            "update {}{}: {queued} message(s) queued; the service's mail worker sends them",
            update.id,
            languages_said(&versions),
        ),
        None => bail!(
            "update {} was already sent; nothing was sent again",
            update.id
        ),
    }
    Ok(())
}

/// The update's versions in the letter's other languages: every `FILE.LANG.md` beside
/// `FILE.md`, found as `letters import` finds a letter's translations, each checked against
/// the letter before anything is stored.
fn versions_beside(
    connection: &mut crate::db::DbConnection,
    letter: &crate::letters::Letter,
    file: &Path,
) -> anyhow::Result<Vec<VersionDraft>> {
    let languages = updates::languages::version_languages(connection, letter)?;
    let mut versions: Vec<VersionDraft> = Vec::new();
    for (path, lang) in crate::letters::import::translation_files(file)? {
        let shown = path.display();
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {shown}"))?;
        let (subject, markdown) =
            updates::parse_file(&text).with_context(|| format!("{shown} is not a valid update"))?;
        let version = updates::languages::check(letter, &languages, &lang, &subject, &markdown)
            .with_context(|| format!("{shown} is refused; nothing was sent"))?;
        if versions.iter().any(|seen| seen.lang == version.lang) {
            bail!(
                "{shown}: a second file in {}; nothing was sent",
                version.lang
            );
        }
        versions.push(version);
    }
    Ok(versions)
}

/// ` (with its versions in he, ar)`, or nothing without versions.
fn languages_said(versions: &[VersionDraft]) -> String {
    if versions.is_empty() {
        return String::new();
    }
    let tags: Vec<String> = versions
        .iter()
        .map(|version| version.lang.as_str())
        .collect();
    format!(" (with its versions in {})", tags.join(", "))
}

fn status(settings: &Settings, slug: &str) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let letter = letter(&mut connection, slug)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<36} {:<8} {:>8} {:>8} {:>8} {:>8} {:>12}  SUBJECT",
        "UPDATE", "STATE", "QUEUED", "WAITING", "SENT", "FAILED", "UNSUBSCRIBED"
    )?;
    for update in updates::for_letter(&mut connection, &letter.id)? {
        let progress = updates::progress(&mut connection, &update)?;
        writeln!(
            out,
            "{:<36} {:<8} {:>8} {:>8} {:>8} {:>8} {:>12}  {}",
            update.id,
            update.state.as_str(),
            progress.queued,
            progress.waiting,
            progress.sent,
            progress.failed,
            progress.unsubscribed,
            update.subject
        )?;
    }
    Ok(())
}
