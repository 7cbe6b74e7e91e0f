//! What makes a configuration refused before anything starts, each problem said in one line
//! that names the key: unknown sections and keys (a misspelt `[limit]` would silently drop
//! `trusted_proxies`), values the service would panic on or quietly misread (a log level that
//! filters out every line, thousands of workers, a public address without a host), and the
//! secrets read from files (`UNDERSIGNED_DATABASE__URL_FILE`). Also the effective
//! configuration with its secrets masked, for `undersigned check-config`.

use figment::Figment;
use figment::providers::{Env, Serialized};

use super::{ConfigError, MailTransportKind, Settings};

/// The settings that may hold a password or a token: readable from a file named by
/// `UNDERSIGNED_<SECTION>__<KEY>_FILE`, and masked when the configuration is printed.
const SECRETS: [&str; 5] = [
    "database.url",
    "mail.smtp_url",
    "server.metrics_token",
    "server.secret",
    "signing.address_key",
];

/// Each HTTP worker is a thread with its own event loop and a few file descriptors: more than
/// the machine has cores only costs memory, and under the usual limit of 1,024 open files 256
/// of them make actix panic while starting ("Too many open files"); 64 leave most of the
/// limit to connections. 0 means one per core.
const MAX_WORKERS: usize = 64;

/// The variable that overrides `key` (`mail.smtp_url`: `UNDERSIGNED_MAIL__SMTP_URL`).
pub(super) fn variable(key: &str) -> String {
    format!(
        "UNDERSIGNED_{}",
        key.replace('.', "__").to_ascii_uppercase()
    )
}

/// `UNDERSIGNED_<SECTION>__<KEY>` variables as settings. A variable without a section
/// (`UNDERSIGNED_CONFIG`, `UNDERSIGNED_TEST_POSTGRES_URL`) is not a setting and is left out,
/// as are the `_FILE` variants of secrets, read by [`secret_files`].
pub(super) fn environment() -> Env {
    Env::prefixed("UNDERSIGNED_")
        .filter(|key| {
            key.as_str().contains("__") && secret_of_file_variable(key.as_str()).is_none()
        })
        .split("__")
}

/// The secret a `SECTION__KEY_FILE` variable (without its prefix) names.
fn secret_of_file_variable(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase().replace("__", ".");
    let secret = key.strip_suffix("_file")?;
    SECRETS.into_iter().find(|known| *known == secret)
}

/// Merges each secret whose `_FILE` variable is set, read from that file without its trailing
/// newline (what `echo` and most editors leave), over the environment layer.
pub(super) fn secret_files(mut figment: Figment) -> Result<Figment, ConfigError> {
    for (name, path) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let Some(key) = name
            .get(..12)
            .filter(|prefix| prefix.eq_ignore_ascii_case("UNDERSIGNED_"))
            .and_then(|_| secret_of_file_variable(&name[12..]))
        else {
            continue;
        };
        if std::env::var_os(variable(key)).is_some() {
            return Err(ConfigError(format!(
                "{key}: both {} and {name} are set; set one",
                variable(key)
            )));
        }
        let path = std::path::PathBuf::from(path);
        let text = std::fs::read_to_string(&path).map_err(|error| {
            ConfigError(format!(
                "{key}: {name}: cannot read {}: {error}",
                path.display()
            ))
        })?;
        let value = text.trim_end_matches(['\n', '\r']).to_owned();
        figment = figment.merge(Serialized::default(key, value));
    }
    Ok(figment)
}

/// One line for what serde and figment refused, naming the key, where it came from and, for
/// an unknown key, the keys there are.
pub(super) fn describe(errors: figment::Error) -> ConfigError {
    let lines: Vec<String> = errors
        .into_iter()
        .map(|error| {
            // The path ends with the unknown key itself.
            let key = error.path.join(".");
            let source = error
                .metadata
                .as_ref()
                .map(|metadata| match &metadata.source {
                    Some(source) => format!(" (in {source})"),
                    None if !metadata.name.contains("environment") => String::new(),
                    None if error.path.len() == 1 => format!(" (from {}__...)", variable(&key)),
                    None => format!(" (from {})", variable(&key)),
                })
                .unwrap_or_default();
            let problem = match &error.kind {
                figment::error::Kind::UnknownField(_, expected) => {
                    let known = expected.join(", ");
                    match error.path.split_last() {
                        Some((_, [])) | None => {
                            format!("unknown section; the sections are {known}")
                        }
                        Some((_, section)) => {
                            format!("unknown key; [{}] has {known}", section.join("."))
                        }
                    }
                }
                kind => kind.to_string(),
            };
            let line = if key.is_empty() {
                format!("{problem}{source}")
            } else {
                format!("{key}: {problem}{source}")
            };
            one_line(&line)
        })
        .collect();
    ConfigError(lines.join("; "))
}

/// A TOML syntax error comes with the offending line drawn under it ("1 | [server", "  |
/// ^"); an operator's terminal and a journal want one line: where, then what.
fn one_line(text: &str) -> String {
    let drawn = |line: &str| {
        line.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ')
            .starts_with('|')
    };
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.filter(|line| !drawn(line)).collect();
    if rest.is_empty() {
        first.to_owned()
    } else {
        format!("{first}: {}", rest.join(" "))
    }
}

/// The values serde accepts but the service cannot run with.
pub(super) fn validate(settings: &Settings) -> Result<(), ConfigError> {
    public_url(&settings.server.public_url)?;
    log_level(&settings.log.level)?;
    reminder_hours(&settings.signing)?;
    if !(0..=3650).contains(&settings.signing.erase_after_days) {
        return Err(ConfigError(format!(
            "signing.erase_after_days: {} is not a number of days from 0 (at once) to 3650",
            settings.signing.erase_after_days
        )));
    }
    let server = &settings.server;
    if server.workers > MAX_WORKERS {
        return Err(ConfigError(format!(
            "server.workers: {} is too many; use 0 (one per CPU core) up to {MAX_WORKERS}",
            server.workers
        )));
    }
    if server.max_body_bytes < 1024 {
        return Err(ConfigError(
            "server.max_body_bytes: must be at least 1024 (a sign form is about 1 KB)".into(),
        ));
    }
    if let Some(metrics) = server.metrics_bind
        && metrics == server.bind
        && metrics.port() != 0
    {
        return Err(ConfigError(format!(
            "server.metrics_bind: {metrics} is server.bind too; give the metrics their own port"
        )));
    }
    if settings.database.pool_size < 1 {
        return Err(ConfigError("database.pool_size: must be at least 1".into()));
    }
    if settings.mail.concurrency < 1 {
        return Err(ConfigError("mail.concurrency: must be at least 1".into()));
    }
    if settings.mail.transport == MailTransportKind::Smtp {
        use lettre::{AsyncSmtpTransport, Tokio1Executor};
        // Only parsed here: no connection is made.
        if let Err(error) = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.mail.smtp_url)
        {
            return Err(ConfigError(format!(
                "mail.smtp_url: {} is not an SMTP address such as smtp://user:password@host:587?tls=required ({error})",
                masked_url(&settings.mail.smtp_url)
            )));
        }
    }
    Ok(())
}

/// Every link in every email starts with it, so it must be an address a reader can open.
fn public_url(value: &str) -> Result<(), ConfigError> {
    let refuse = |why: &str| {
        Err(ConfigError(format!(
            "server.public_url: {value:?} {why}; write the address readers open, such as https://letters.example.org"
        )))
    };
    if value.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return refuse("contains a space");
    }
    let Ok(url) = url::Url::parse(value) else {
        return refuse("is not an absolute http:// or https:// address with a host");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return refuse("must start with http:// or https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return refuse("has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("must not hold a user name or password");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return refuse("must not have a query (?) or fragment (#), since paths are appended to it");
    }
    Ok(())
}

/// A tracing filter that names levels: a word that is not one (`inf`, `warning`) would read as
/// a module name and silence every line, errors too.
fn log_level(value: &str) -> Result<(), ConfigError> {
    const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
    let refuse = |what: &str| {
        Err(ConfigError(format!(
            "log.level: {what}; use one of {} or directives such as \"undersigned=debug,actix_web=info\"",
            LEVELS.join(", ")
        )))
    };
    let directives: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|directive| !directive.is_empty())
        .collect();
    if directives.is_empty() {
        return refuse("must not be empty");
    }
    for directive in directives {
        let level = directive
            .rsplit_once('=')
            .map_or(directive, |(_, level)| level);
        if !LEVELS.contains(&level.to_ascii_lowercase().as_str()) {
            return if level == value {
                refuse(&format!("{level:?} is not a level"))
            } else {
                refuse(&format!("{level:?} in {value:?} is not a level"))
            };
        }
    }
    if let Err(error) = tracing_subscriber::EnvFilter::try_new(value) {
        return refuse(&format!("{value:?} is not a filter ({error})"));
    }
    Ok(())
}

/// `url` with its password (if any) replaced by `********`.
fn masked_url(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            // Only a URL that cannot have a password refuses one, and this one has one.
            let _ = url.set_password(Some("********"));
            url.to_string()
        }
        Ok(_) => value.to_owned(),
        // Not a URL (a bare SQLite path), or one too broken to find the password in: say
        // nothing of it beyond that it is set.
        Err(_) if value.contains('@') => "******** (set, not shown)".to_owned(),
        Err(_) => value.to_owned(),
    }
}

impl Settings {
    /// The effective configuration as TOML, with passwords in URLs and tokens masked, for
    /// an operator to compare with what they meant.
    pub fn masked_toml(&self) -> Result<String, ConfigError> {
        let mut shown = self.clone();
        shown.database.url = masked_url(&shown.database.url);
        shown.mail.smtp_url = masked_url(&shown.mail.smtp_url);
        for token in [
            &mut shown.server.metrics_token,
            &mut shown.server.secret,
            &mut shown.signing.address_key,
        ] {
            if !token.is_empty() {
                "********".clone_into(token);
            }
        }
        toml::to_string(&shown)
            .map_err(|error| ConfigError(format!("cannot show the configuration: {error}")))
    }
}

/// The one reminder to confirm goes while the first email's link still works; 0 is none.
fn reminder_hours(signing: &super::SigningSettings) -> Result<(), ConfigError> {
    let hours = signing.reminder_hours;
    if hours.is_finite() && hours >= 0.0 && hours < signing.verify_token_hours as f64 {
        return Ok(());
    }
    Err(ConfigError(format!(
        "signing.reminder_hours: must be 0 (no reminder) or more, and less than signing.verify_token_hours ({}): a reminder goes while the first link still works",
        signing.verify_token_hours
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_the_rest_is_shown() {
        let settings = Settings::defaults_with(&[
            (
                "database.url",
                "postgres://app:hunter2@db/undersigned".into(),
            ),
            ("mail.transport", "smtp".into()),
            (
                "mail.smtp_url",
                "smtps://mailer:s3cret@smtp.example.org".into(),
            ),
            ("server.metrics_token", "tok3n".into()),
        ])
        .expect("valid settings");
        let shown = settings.masked_toml().expect("shown");
        for secret in ["hunter2", "s3cret", "tok3n"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("postgres://app:********@db/undersigned"),
            "{shown}"
        );
        assert!(
            shown.contains("smtps://mailer:********@smtp.example.org"),
            "{shown}"
        );
        assert!(shown.contains("[limits]"), "{shown}");
    }

    #[test]
    fn values_the_service_cannot_run_with_name_their_key() {
        for (key, value) in [
            ("log.level", "inf"),
            ("log.level", "warning"),
            ("log.level", "undersigned=loud"),
            ("log.level", ""),
            ("server.workers", "5000"),
            ("server.workers", "65"),
            ("server.public_url", "http://"),
            ("server.public_url", "letters.example.org"),
            ("server.public_url", "ftp://letters.example.org"),
            ("server.public_url", "https://letters.example.org/?a=b"),
            ("database.pool_size", "0"),
            ("mail.concurrency", "0"),
        ] {
            let error = Settings::defaults_with(&[(key, value.into())])
                .expect_err("a value the service cannot run with is refused");
            let error = error.to_string();
            assert!(error.contains(key), "{key}={value:?}: {error}");
            assert!(!error.contains('\n'), "{key}={value:?}: {error}");
        }
        for (key, value) in [
            ("log.level", "warn"),
            ("log.level", "undersigned=debug,actix_web=info"),
            ("server.workers", "64"),
            ("server.public_url", "https://example.org/letters/"),
        ] {
            Settings::defaults_with(&[(key, value.into())])
                .unwrap_or_else(|error| panic!("{key}={value:?} is refused: {error}"));
        }
    }

    #[test]
    fn secret_file_variables_name_their_setting() {
        assert_eq!(
            secret_of_file_variable("DATABASE__URL_FILE"),
            Some("database.url")
        );
        assert_eq!(
            secret_of_file_variable("mail__smtp_url_file"),
            Some("mail.smtp_url")
        );
        assert_eq!(secret_of_file_variable("SITE__NAME_FILE"), None);
        assert_eq!(secret_of_file_variable("DATABASE__URL"), None);
        assert_eq!(
            variable("server.metrics_token"),
            "UNDERSIGNED_SERVER__METRICS_TOKEN"
        );
    }
}
