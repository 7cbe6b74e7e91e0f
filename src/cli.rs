//! The `undersigned` command line: what operators script against. Names here are stable.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::export::{self, ExportFilter, ExportFormat};
use crate::letters::{self, import};
use crate::signatures::{self, SignatureKind, SignatureState};
use crate::startup::{self, Application};
use crate::telemetry;

#[derive(Parser)]
#[command(
    name = "undersigned",
    version,
    about = "Open letters and petitions, confirmed by email"
)]
pub struct Cli {
    /// A TOML file whose keys override config/default.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service and the mail worker.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Import and list letters.
    Letters {
        #[command(subcommand)]
        command: LettersCommand,
    },
    /// The email outbox.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Delete unconfirmed signatures and delivered mail older than signing.purge_unconfirmed_days.
    Purge,
    /// Staff accounts for the console.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// List and moderate signatures.
    Signatures {
        #[command(subcommand)]
        command: SignaturesCommand,
    },
    /// The coalition's member organizations.
    Members {
        #[command(subcommand)]
        command: MembersCommand,
    },
    /// Invite member organizations to sign.
    Invites {
        #[command(subcommand)]
        command: InvitesCommand,
    },
    /// Write a letter's signatures as CSV or JSON.
    Export {
        slug: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Only these states (pending, verified, approved, rejected, withdrawn); repeat or
        /// separate with commas.
        #[arg(long = "state", value_delimiter = ',')]
        states: Vec<String>,
        /// Only these kinds (individual, organization).
        #[arg(long = "kind", value_delimiter = ',')]
        kinds: Vec<String>,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// What waits to be sent, what failed for good, and why.
    Status,
}

#[derive(Subcommand)]
enum StaffCommand {
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

#[derive(Subcommand)]
enum SignaturesCommand {
    /// List a letter's signatures (organizations waiting for approval: --kind organization
    /// --state verified).
    List {
        slug: String,
        #[arg(long = "state", value_delimiter = ',')]
        states: Vec<String>,
        #[arg(long = "kind", value_delimiter = ',')]
        kinds: Vec<String>,
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
}

#[derive(Subcommand)]
enum MembersCommand {
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

#[derive(Subcommand)]
enum InvitesCommand {
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

#[derive(Subcommand)]
enum LettersCommand {
    /// Create or update a letter from Markdown with a TOML front matter between +++ lines.
    Import { file: PathBuf },
    /// Show every letter with its state and counts.
    List,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("undersigned: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log);
    match execute(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("undersigned: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(settings),
        Command::Migrate => {
            let pool = crate::db::connect(&settings.database.url, 1)
                .context("database.url: cannot open the database")?;
            let applied = crate::db::migrate(&pool).context("migrating the database")?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Letters {
            command: LettersCommand::Import { file },
        } => import_letter(&settings, &file),
        Command::Letters {
            command: LettersCommand::List,
        } => list_letters(&settings),
        Command::Export {
            slug,
            format,
            states,
            kinds,
            output,
        } => export_letter(&settings, &slug, format, &states, &kinds, output),
        Command::Staff { command } => staff::accounts(&settings, command),
        Command::Outbox {
            command: OutboxCommand::Status,
        } => outbox_status(&settings),
        Command::Purge => purge(&settings),
        Command::Signatures { command } => staff::signatures(&settings, command),
        Command::Members { command } => staff::members(&settings, command),
        Command::Invites { command } => staff::invites(&settings, command),
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let application = Application::build(settings).await?;
        application
            .run_until_stopped()
            .await
            .context("the HTTP server stopped with an error")
    })
}

fn import_letter(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let document = import::parse_document(&text)
        .with_context(|| format!("{} is not a valid letter", file.display()))?;
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let images = crate::letters::markdown::ImageHosts::from_settings(settings);
    let (letter, outcome) = import::store_with(&mut connection, &document, &images)?;
    let what = match outcome {
        import::ImportOutcome::Created => "created",
        import::ImportOutcome::Updated { new_version: true } => "updated (new text version)",
        import::ImportOutcome::Updated { new_version: false } => "updated",
    };
    println!(
        "{} {what}: {} [{}]",
        letter.slug, letter.title, letter.status
    );
    Ok(())
}

fn list_letters(settings: &Settings) -> anyhow::Result<()> {
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let all = letters::list_all(&mut connection)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<32} {:<9} {:>9} {:>13} {:>8}  TITLE",
        "SLUG", "STATUS", "SIGNED", "ORGANIZATIONS", "PENDING"
    )?;
    for letter in all {
        let (counts, _) = signatures::counted_and_listed(&mut connection, &letter)?;
        let pending =
            signatures::count_in_state(&mut connection, &letter.id, SignatureState::Pending)?;
        writeln!(
            out,
            "{:<32} {:<9} {:>9} {:>13} {:>8}  {}",
            letter.slug,
            letter.status,
            counts.total(),
            counts.organizations,
            pending,
            letter.title
        )?;
    }
    Ok(())
}

fn outbox_status(settings: &Settings) -> anyhow::Result<()> {
    use crate::mail::outbox;
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
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

fn purge(settings: &Settings) -> anyhow::Result<()> {
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let before = crate::db::now() - chrono::Duration::days(settings.signing.purge_unconfirmed_days);
    let mut signatures = 0;
    loop {
        let deleted = crate::signatures::purge_unconfirmed(&mut connection, before)?;
        signatures += deleted;
        if deleted == 0 {
            break;
        }
    }
    let mails = crate::mail::outbox::purge_finished(&mut connection, before)?;
    println!("{signatures} unconfirmed signature(s) and {mails} delivered email(s) deleted");
    Ok(())
}

fn parse_filter(states: &[String], kinds: &[String]) -> anyhow::Result<ExportFilter> {
    let mut filter = ExportFilter::default();
    for state in states {
        match SignatureState::parse(state.trim()) {
            Some(state) => filter.states.push(state),
            None => {
                bail!("--state {state:?}: use pending, verified, approved, rejected or withdrawn")
            }
        }
    }
    for kind in kinds {
        match SignatureKind::parse(kind.trim()) {
            Some(kind) => filter.kinds.push(kind),
            None => bail!("--kind {kind:?}: use individual or organization"),
        }
    }
    Ok(filter)
}

fn export_letter(
    settings: &Settings,
    slug: &str,
    format: ExportFormat,
    states: &[String],
    kinds: &[String],
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let mut filter = ExportFilter::default();
    for state in states {
        match SignatureState::parse(state.trim()) {
            Some(state) => filter.states.push(state),
            None => {
                bail!("--state {state:?}: use pending, verified, approved, rejected or withdrawn")
            }
        }
    }
    for kind in kinds {
        match SignatureKind::parse(kind.trim()) {
            Some(kind) => filter.kinds.push(kind),
            None => bail!("--kind {kind:?}: use individual or organization"),
        }
    }
    let pool = startup::open_database(settings)?;
    let mut connection = pool.get().context("connecting to the database")?;
    let letter = letters::find_by_slug(&mut connection, slug)?
        .with_context(|| format!("no letter with slug {slug:?}"))?;
    let written = match output {
        Some(path) => {
            let file =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            let written =
                export::write_export(&mut connection, &letter, &filter, format, &mut out)?;
            out.flush()?;
            written
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let written =
                export::write_export(&mut connection, &letter, &filter, format, &mut out)?;
            out.flush()?;
            written
        }
    };
    eprintln!("{written} signature(s) exported");
    Ok(())
}

/// Staff work from the terminal: moderation, the member roster and invites.
mod staff {
    use std::io::Write;

    use anyhow::{Context, bail};

    use super::{InvitesCommand, MembersCommand, SignaturesCommand, StaffCommand, parse_filter};
    use crate::config::Settings;
    use crate::db::DbConnection;
    use crate::invites::{self, MemberStatus, Recipients};
    use crate::letters::{self, Letter};
    use crate::members;
    use crate::signatures::moderation::{self, Decision, DecisionOutcome};
    use crate::signatures::{self, SigningPolicy};
    use crate::startup;

    type Connection = diesel::r2d2::PooledConnection<crate::db::ConnectionManager>;

    fn open(settings: &Settings) -> anyhow::Result<Connection> {
        let pool = startup::open_database(settings)?;
        pool.get().context("connecting to the database")
    }

    fn letter(connection: &mut DbConnection, slug: &str) -> anyhow::Result<Letter> {
        letters::find_by_slug(connection, slug)?
            .with_context(|| format!("no letter with slug {slug:?}"))
    }

    fn policy(settings: &Settings) -> SigningPolicy {
        startup::signing_policy(settings)
    }

    fn operator(by: Option<String>) -> String {
        by.unwrap_or_else(|| {
            format!(
                "cli:{}",
                std::env::var("USER").unwrap_or_else(|_| "operator".into())
            )
        })
    }

    fn time(value: Option<chrono::NaiveDateTime>) -> String {
        value
            .map(|time| time.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "-".into())
    }

    pub(super) fn accounts(settings: &Settings, command: StaffCommand) -> anyhow::Result<()> {
        let mut connection = open(settings)?;
        match command {
            StaffCommand::Add { email, role } => {
                let password = read_password()?;
                let saved = crate::staff::add(&mut connection, &email, &password, role)?;
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

    pub(super) fn signatures(
        settings: &Settings,
        command: SignaturesCommand,
    ) -> anyhow::Result<()> {
        let mut connection = open(settings)?;
        match command {
            SignaturesCommand::List {
                slug,
                states,
                kinds,
            } => {
                let filter = parse_filter(&states, &kinds)?;
                let letter = letter(&mut connection, &slug)?;
                let mut out = std::io::stdout().lock();
                writeln!(
                    out,
                    "{:<36}  {:<12} {:<9} {:<16} {:<30} {:<24} EMAIL",
                    "ID", "KIND", "STATE", "SIGNED", "ORGANIZATION", "NAME"
                )?;
                let mut after: Option<String> = None;
                loop {
                    let page = signatures::find_for_letter(
                        &mut connection,
                        &letter.id,
                        &filter,
                        after.as_deref(),
                        1000,
                    )?;
                    for signature in &page {
                        writeln!(
                            out,
                            "{:<36}  {:<12} {:<9} {:<16} {:<30} {:<24} {}",
                            signature.id,
                            signature.kind,
                            signature.state,
                            time(Some(signature.created_at)),
                            signature.organization.as_deref().unwrap_or("-"),
                            signature.name,
                            signature.email
                        )?;
                    }
                    match page.last() {
                        Some(last) if page.len() == 1000 => after = Some(last.id.clone()),
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
            SignaturesCommand::Order { slug, ids } => {
                let letter = letter(&mut connection, &slug)?;
                let placed = moderation::set_organization_order(&mut connection, &letter, &ids)?;
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

    fn decide(
        settings: &Settings,
        connection: &mut DbConnection,
        slug: &str,
        ids: &[String],
        decision: Decision,
        by: Option<String>,
    ) -> anyhow::Result<()> {
        let letter = letter(connection, slug)?;
        let outcomes = moderation::decide(
            connection,
            &letter,
            ids,
            decision,
            &operator(by),
            &policy(settings),
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

    pub(super) fn members(settings: &Settings, command: MembersCommand) -> anyhow::Result<()> {
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
                writeln!(out, "{:<40} {:<36} WEBSITE", "NAME", "CONTACT")?;
                for member in members::list(&mut connection)? {
                    writeln!(
                        out,
                        "{:<40} {:<36} {}",
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

    pub(super) fn invites(settings: &Settings, command: InvitesCommand) -> anyhow::Result<()> {
        let mut connection = open(settings)?;
        let policy = policy(settings);
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
                    invites::send(&mut connection, &letter, recipients, &policy)?,
                )
            }
            InvitesCommand::Remind { slug } => {
                let letter = letter(&mut connection, &slug)?;
                (
                    slug,
                    invites::send(&mut connection, &letter, Recipients::Unanswered, &policy)?,
                )
            }
            InvitesCommand::Status { slug } => {
                let letter = letter(&mut connection, &slug)?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "{:<40} {:<28} DETAIL", "MEMBER", "STATUS")?;
                for (member, status) in invites::status(&mut connection, &letter)? {
                    let detail = match &status {
                        MemberStatus::Signed { at, by }
                        | MemberStatus::PendingApproval { at, by } => {
                            format!("{} by {by}", time(*at))
                        }
                        MemberStatus::AwaitingConfirmation { by }
                        | MemberStatus::Duplicate { by } => format!("by {by}"),
                        MemberStatus::InvitedNoAnswer {
                            last_sent_at,
                            sends,
                        } => {
                            format!("last sent {} ({sends}x)", time(Some(*last_sent_at)))
                        }
                        MemberStatus::Rejected
                        | MemberStatus::Removed
                        | MemberStatus::NotInvited => String::new(),
                    };
                    writeln!(out, "{:<40} {:<28} {detail}", member.name, status.label())?;
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
}
