//! `staff add|list`: console accounts.

use std::io::Write;

use anyhow::{Context, bail};
use clap::Subcommand;

use super::{open, time};
use crate::config::Settings;

#[derive(Subcommand)]
pub(super) enum StaffCommand {
    /// Create an account, or set the password and role of an existing one. The password is
    /// read from standard input (one line), or prompted for on a terminal.
    Add {
        email: String,
        #[arg(long, value_enum, default_value = "editor")]
        role: crate::staff::Role,
    },
    /// Show every account.
    List,
}

pub(super) fn run(settings: &Settings, command: StaffCommand) -> anyhow::Result<()> {
    let mut connection = open(settings)?;
    match command {
        StaffCommand::Add { email, role } => {
            let password = read_password()?;
            let saved = crate::staff::add(
                &mut connection,
                &email,
                &password,
                role,
                &crate::staff::Actor::command_line(),
            )?;
            let what = match saved {
                crate::staff::Saved::Created => "created",
                crate::staff::Saved::Updated => "updated",
            };
            println!("{email}: {what} with role {}", role.as_str());
        }
        StaffCommand::List => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{:<40} {:<8} {:<17} STATUS",
                "EMAIL", "ROLE", "CREATED"
            )?;
            for user in crate::staff::list(&mut connection)? {
                let status = if user.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                writeln!(
                    out,
                    "{:<40} {:<8} {:<17} {status}",
                    user.email,
                    user.role,
                    time(Some(user.created_at))
                )?;
            }
        }
    }
    Ok(())
}

/// One line from standard input, or a prompt without echo on a terminal.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("reading the password")?;
        let second = rpassword::prompt_password("Repeat: ").context("reading the password")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(password)
}
