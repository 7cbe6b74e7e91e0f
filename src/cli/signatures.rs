//! `signatures list|approve|reject|order`: moderation from the terminal.

use std::io::Write;

use anyhow::bail;
use clap::Subcommand;

use super::{letter, open, time};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::signatures::moderation::{self, Decider, Decision, DecisionOutcome};
use crate::signatures::{self, SignatureFilter, SignatureKind, SignatureState};
use crate::staff::Actor;

#[derive(Subcommand)]
pub(super) enum SignaturesCommand {
    /// List a letter's signatures (organizations waiting for approval: --kind organization
    /// --state verified).
    List {
        slug: String,
        #[arg(long = "state", value_enum, value_delimiter = ',')]
        states: Vec<SignatureState>,
        #[arg(long = "kind", value_enum, value_delimiter = ',')]
        kinds: Vec<SignatureKind>,
    },
    /// Approve confirmed organization sign-ons; each is listed and its contact emailed.
    Approve {
        slug: String,
        #[arg(required = true)]
        ids: Vec<String>,
        /// Who decided, for the record (default: the system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// Reject organization sign-ons; they are never listed and the contact is told politely.
    Reject {
        slug: String,
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        by: Option<String>,
    },
    /// List these organizations first, in this order; the others follow alphabetically.
    Order { slug: String, ids: Vec<String> },
    /// Withdraw and erase every signature of an address on every letter (a written request
    /// from the person): found by the address's key, also where the address is not held.
    Erase {
        email: String,
        /// Do not ask first (scripts).
        #[arg(long)]
        yes: bool,
    },
}

pub(super) fn run(settings: &Settings, command: SignaturesCommand) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    match command {
        SignaturesCommand::List {
            slug,
            states,
            kinds,
        } => {
            let filter = SignatureFilter {
                states,
                kinds,
                counted: false,
            };
            let letter = letter(&mut connection, &slug)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{:<36}  {:<12} {:<17} {:<16} {:<30} {:<24} EMAIL",
                "ID", "KIND", "STATE", "SIGNED", "ORGANIZATION", "NAME"
            )?;
            let mut after: Option<String> = None;
            loop {
                let page = signatures::find_for_letter(
                    &mut connection,
                    &letter,
                    &filter,
                    after.as_deref(),
                    1000,
                )?;
                for signature in &page {
                    writeln!(
                        out,
                        "{:<36}  {:<12} {:<17} {:<16} {:<30} {:<24} {}",
                        signature.id,
                        signature.kind,
                        SignatureState::staff_label(signature.kind, signature.state),
                        time(Some(signature.created_at)),
                        signature.organization.as_deref().unwrap_or("-"),
                        signature.name,
                        if signature.email.is_empty() {
                            "(address not kept)"
                        } else {
                            signature.email.as_str()
                        }
                    )?;
                }
                match page.last() {
                    Some(last) if page.len() == 1000 => after = Some(last.id.to_string()),
                    _ => break,
                }
            }
            Ok(())
        }
        SignaturesCommand::Approve { slug, ids, by } => decide(
            settings,
            &mut connection,
            &slug,
            &ids,
            Decision::Approve,
            by,
        ),
        SignaturesCommand::Reject { slug, ids, by } => {
            decide(settings, &mut connection, &slug, &ids, Decision::Reject, by)
        }
        SignaturesCommand::Erase { email, yes } => erase(settings, &mut connection, &email, yes),
        SignaturesCommand::Order { slug, ids } => {
            let letter = letter(&mut connection, &slug)?;
            let placed = moderation::set_organization_order(
                &mut connection,
                &letter,
                &ids,
                &Actor::command_line(),
            )?;
            println!("{placed} organization(s) placed first; the others follow alphabetically");
            if placed < ids.len() {
                bail!(
                    "{} id(s) are not organizations on {slug}",
                    ids.len() - placed
                );
            }
            Ok(())
        }
    }
}

/// Who decided, for the record: `--by`, or the system user.
fn operator(by: Option<String>) -> String {
    by.unwrap_or_else(|| {
        format!(
            "cli:{}",
            std::env::var("USER").unwrap_or_else(|_| "operator".into())
        )
    })
}

fn decide(
    settings: &Settings,
    connection: &mut DbConnection,
    slug: &str,
    ids: &[String],
    decision: Decision,
    by: Option<String>,
) -> anyhow::Result<()> {
    let letter = letter(connection, slug)?;
    let actor = Actor::command_line();
    let recorded_as = operator(by);
    let outcomes = moderation::decide(
        connection,
        &letter,
        ids,
        decision,
        None,
        Decider {
            actor: &actor,
            recorded_as: &recorded_as,
        },
        &crate::startup::signing_policy(settings),
    )?;
    let verb = match decision {
        Decision::Approve => "approved",
        Decision::Reject => "rejected",
    };
    let mut failures = 0;
    for (id, outcome) in outcomes {
        match outcome {
            DecisionOutcome::Done => println!("{id}: {verb}"),
            DecisionOutcome::NotOnThisLetter => {
                failures += 1;
                println!("{id}: not a signature of {slug}; unchanged");
            }
            DecisionOutcome::NotAnOrganization => {
                failures += 1;
                println!("{id}: not an organization; unchanged");
            }
            DecisionOutcome::NotInReviewableState(state) => {
                failures += 1;
                println!("{id}: is {state}; unchanged");
            }
        }
    }
    if failures > 0 {
        bail!("{failures} signature(s) left unchanged");
    }
    Ok(())
}

/// `signatures erase EMAIL [--yes]`: what will go, a question on a terminal, then the
/// erasure, audited as the command line, one row per signature.
fn erase(
    settings: &Settings,
    connection: &mut DbConnection,
    email: &str,
    yes: bool,
) -> anyhow::Result<()> {
    use std::io::{BufRead, IsTerminal};
    let address = crate::values::email_address::EmailAddress::parse(email)
        .map_err(|error| anyhow::anyhow!("{email:?} is not an email address: {error}"))?;
    let key = address.mailbox_key().as_str().to_owned();
    let found = signatures::mine::of_mailbox(connection, &key, settings.signing.erase_after_days)?;
    if found.is_empty() {
        // Mail still waiting for the address (its list's link, say) goes all the same.
        signatures::mine::erase(connection, &key, &Actor::command_line())?;
        println!(
            "no signature of {email} holds anything (none, or all withdrawn); nothing to erase"
        );
        return Ok(());
    }
    println!("{} signature(s) of {email}:", found.len());
    for item in &found {
        println!(
            "  {}  {:<12} {:<17} {}",
            item.signature.id,
            item.letter.slug,
            SignatureState::staff_label(item.signature.kind, item.signature.state),
            time(Some(item.signature.created_at)),
        );
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "nothing was erased: not erasing without confirmation; run it on a terminal, or pass --yes"
            );
        }
        print!("Withdraw and erase all of them? This cannot be undone. [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            bail!("nothing was erased");
        }
    }
    let erased = signatures::mine::erase(connection, &key, &Actor::command_line())?;
    for item in &erased {
        println!(
            "{}: withdrawn and erased ({})",
            item.signature_id, item.letter.slug
        );
    }
    println!(
        "erased {} signature(s); the audit log records each (signature.erase)",
        erased.len()
    );
    Ok(())
}
