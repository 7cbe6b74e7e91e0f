//! `updates send SLUG FILE.md`, `updates status SLUG`, `updates test SLUG FILE.md --to ADDRESS`
//! and `updates delete SLUG ID`: updates to a letter's signers from the command line. The command queues the messages; the service's mail worker sends them.

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
    /// to the letter's counted signers who ticked "Keep me updated" (organizations' contacts
    /// too).
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
    /// Send FILE.md (and a FILE.LANG.md version, with --lang) as one test email to ADDRESS,
    /// marked "[Test]" in its subject; nothing is stored or sent to signers.
    Test {
        slug: String,
        file: PathBuf,
        /// Who gets the test (your own address).
        #[arg(long)]
        to: String,
        /// The version to try, by its language (`he` reads FILE.he.md); the original without.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Delete an update that was never sent (a draft written in the console, or left by a
    /// `send` that stopped before it began sending); its id is in `updates status`.
    Delete {
        slug: String,
        update: String,
        /// Do not ask (for scripts).
        #[arg(long)]
        yes: bool,
    },
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
        UpdatesCommand::Test {
            slug,
            file,
            to,
            lang,
        } => test(settings, &slug, &file, &to, lang.as_deref()),
        UpdatesCommand::Delete { slug, update, yes } => delete(settings, &slug, &update, yes),
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

fn test(
    settings: &Settings,
    slug: &str,
    file: &Path,
    to: &str,
    lang: Option<&str>,
) -> anyhow::Result<()> {
    let recipient = crate::values::email_address::EmailAddress::parse(to)
        .map_err(|_| anyhow::anyhow!("--to {to:?} is not an email address"))?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (subject, markdown) = updates::parse_file(&text)
        .with_context(|| format!("{} is not a valid update", file.display()))?;
    let mut connection = open(settings)?;
    let letter = letter(&mut connection, slug)?;
    let versions = versions_beside(&mut connection, &letter, file)?;
    let lang = match lang {
        None => None,
        Some(wanted) => {
            let found = versions
                .iter()
                .find(|version| version.lang.as_str() == wanted.trim())
                .map(|version| version.lang.clone());
            Some(found.with_context(|| {
                format!(
                    "no version in {wanted} beside {}{}",
                    file.display(),
                    languages_said(&versions)
                )
            })?)
        }
    };
    updates::drafts::send_test_unsaved(
        &mut connection,
        &letter,
        (&subject, &markdown),
        &versions,
        settings.public_base(),
        lang.as_ref(),
        recipient.as_str(),
        &crate::staff::Actor::command_line(),
    )?;
    println!(
        "test of “{subject}” queued to {}: “{}{subject}”; the service's mail worker sends it",
        recipient.as_str(),
        updates::emails::TEST_MARK
    );
    Ok(())
}

fn delete(settings: &Settings, slug: &str, update_id: &str, yes: bool) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    let letter = letter(&mut connection, slug)?;
    let update = updates::find(&mut connection, update_id.trim())?
        .filter(|update| update.letter_id == *letter.id)
        .with_context(|| {
            format!("no update {update_id} for {slug} (see `updates status {slug}`)")
        })?;
    if update.state != UpdateState::Draft {
        bail!(
            "update {} was sent: it stays as it went; nothing was deleted",
            update.id
        );
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!("not deleting without confirmation: run it on a terminal, or pass --yes");
        }
        print!(
            "Delete the draft “{}” of “{}”? [y/N] ",
            update.subject, letter.title
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            bail!("not deleted");
        }
    }
    updates::drafts::delete(
        &mut connection,
        &update.id,
        &crate::staff::Actor::command_line(),
    )?;
    println!("deleted the draft {} “{}”", update.id, update.subject);
    Ok(())
}
