//! Typed settings: `config/default.toml` (compiled in), then `--config FILE`, then
//! `UNDERSIGNED_<SECTION>__<KEY>` environment variables, then `DATABASE_URL`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

const DEFAULTS: &str = include_str!("../config/default.toml");

// Unknown top-level keys are tolerated because every UNDERSIGNED_* variable lands there
// (UNDERSIGNED_TEST_POSTGRES_URL, say); within a section a misspelt key is refused.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub limits: LimitSettings,
    pub signing: SigningSettings,
    pub log: LogSettings,
    pub staff: StaffSettings,
    pub letters: LetterSettings,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub secret: String,
    pub public_url: String,
    pub workers: usize,
    pub max_body_bytes: usize,
    /// `/metrics` answers only to `Authorization: Bearer <this>`; empty means never on the
    /// public port.
    #[serde(default)]
    pub metrics_token: String,
    /// A second, private listener that serves `/metrics` (and `/healthz`) only.
    #[serde(default)]
    pub metrics_bind: Option<SocketAddr>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    Smtp,
    File,
    Log,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransportKind,
    pub smtp_url: String,
    pub file_dir: PathBuf,
    pub from: String,
    pub max_attempts: i32,
    pub retry_base_seconds: i64,
    pub concurrency: usize,
    pub claim_lease_seconds: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// Hosts whose images a letter may show besides the service's own (see `letters::markdown`).
    pub allowed_image_hosts: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SigningSettings {
    pub verify_token_hours: i64,
    pub withdraw_token_days: i64,
    pub invite_token_days: i64,
    pub purge_unconfirmed_days: i64,
    /// How long a sign form stays valid after it was shown.
    pub form_token_hours: i64,
    /// How long after a letter closes a signature made before may still be confirmed.
    pub confirm_grace_hours: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    pub sign_per_minute: u32,
    pub sign_burst: u32,
    pub verify_per_minute: u32,
    pub verify_burst: u32,
    pub login_per_minute: u32,
    pub login_burst: u32,
    pub emails_per_address_per_hour: u32,
    pub emails_per_minute: u32,
    pub trusted_proxies: Vec<String>,
    pub blocked_email_domains: Vec<String>,
    pub blocked_networks: Vec<String>,
    pub min_form_seconds: u64,
}

/// Console sessions.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSettings {
    /// A session ends after this many hours without a request.
    pub session_idle_hours: i64,
    /// A session ends this many hours after sign-in, however busy.
    pub session_max_hours: i64,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
    pub requests: bool,
}

/// A setting that stops start-up; the message is one line that names the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Reads the layered configuration from the process environment.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = config_file {
            if !path.exists() {
                return Err(ConfigError(format!(
                    "--config {}: file not found",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("UNDERSIGNED_").split("__"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        Self::from_figment(figment)
    }

    /// The compiled-in defaults with explicit overrides; tests and tools use this so that the
    /// environment of the calling process does not leak in.
    pub fn defaults_with(overrides: &[(&str, String)]) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        for (key, value) in overrides {
            // Parsed the way environment variables are, so "4" becomes a number.
            let value: figment::value::Value = value
                .parse()
                .unwrap_or_else(|_| figment::value::Value::from(value.clone()));
            figment = figment.merge(Serialized::default(key, value));
        }
        Self::from_figment(figment)
    }

    fn from_figment(figment: Figment) -> Result<Settings, ConfigError> {
        let settings: Settings = figment.extract().map_err(|errors| {
            let lines: Vec<String> = errors
                .into_iter()
                .map(|error| {
                    let key = error.path.join(".");
                    let source = error
                        .metadata
                        .as_ref()
                        .map(|metadata| format!(" (from {})", metadata.name))
                        .unwrap_or_default();
                    if key.is_empty() {
                        format!("{}{source}", error.kind)
                    } else {
                        format!("{key}: {}{source}", error.kind)
                    }
                })
                .collect();
            ConfigError(lines.join("; "))
        })?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let public_url = &self.server.public_url;
        if !(public_url.starts_with("http://") || public_url.starts_with("https://"))
            || public_url.contains(char::is_whitespace)
        {
            return Err(ConfigError(format!(
                "server.public_url: {public_url:?} must be an http:// or https:// address"
            )));
        }
        if self.database.url.trim().is_empty() {
            return Err(ConfigError("database.url: must not be empty".into()));
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError(format!(
                "mail.from: {:?} is not an email address such as \"Name <letters@example.org>\"",
                self.mail.from
            )));
        }
        if self.mail.transport == MailTransportKind::Smtp && self.mail.smtp_url.trim().is_empty() {
            return Err(ConfigError(
                "mail.smtp_url: required when mail.transport is \"smtp\" (for example smtp://localhost:25)"
                    .into(),
            ));
        }
        if self.mail.max_attempts < 1
            || self.mail.retry_base_seconds < 1
            || self.mail.claim_lease_seconds < 1
        {
            return Err(ConfigError(
                "mail.max_attempts, mail.retry_base_seconds and mail.claim_lease_seconds: must be at least 1".into(),
            ));
        }
        if self.signing.verify_token_hours < 1
            || self.signing.withdraw_token_days < 1
            || self.signing.invite_token_days < 1
        {
            return Err(ConfigError(
                "signing.verify_token_hours, withdraw_token_days and invite_token_days: must be at least 1"
                    .into(),
            ));
        }
        let limits = &self.limits;
        for (key, value) in [
            ("limits.sign_per_minute", limits.sign_per_minute),
            ("limits.sign_burst", limits.sign_burst),
            ("limits.verify_per_minute", limits.verify_per_minute),
            ("limits.verify_burst", limits.verify_burst),
            ("limits.login_per_minute", limits.login_per_minute),
            ("limits.login_burst", limits.login_burst),
            (
                "limits.emails_per_address_per_hour",
                limits.emails_per_address_per_hour,
            ),
            ("limits.emails_per_minute", limits.emails_per_minute),
        ] {
            if value == 0 {
                return Err(ConfigError(format!("{key}: must be at least 1")));
            }
        }
        for (key, networks) in [
            ("limits.trusted_proxies", &limits.trusted_proxies),
            ("limits.blocked_networks", &limits.blocked_networks),
        ] {
            for network in networks {
                if crate::abuse::parse_network(network).is_none() {
                    return Err(ConfigError(format!(
                        "{key}: {network:?} is not an address or network such as 10.0.0.0/8"
                    )));
                }
            }
        }
        if self.signing.form_token_hours < 1 {
            return Err(ConfigError(
                "signing.form_token_hours: must be at least 1".into(),
            ));
        }
        if self.signing.confirm_grace_hours < 0 {
            return Err(ConfigError(
                "signing.confirm_grace_hours: must not be negative".into(),
            ));
        }
        if self.staff.session_idle_hours < 1
            || self.staff.session_max_hours < self.staff.session_idle_hours
        {
            return Err(ConfigError(
                "staff.session_idle_hours and staff.session_max_hours: idle must be at least 1 and max at least idle"
                    .into(),
            ));
        }
        if self.server.metrics_token.chars().any(char::is_whitespace) {
            return Err(ConfigError(
                "server.metrics_token: must not contain spaces".into(),
            ));
        }
        if self.signing.purge_unconfirmed_days < 1 {
            return Err(ConfigError(
                "signing.purge_unconfirmed_days: must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// `public_url` without a trailing slash, ready to have a path appended.
    pub fn public_base(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_embedded() {
        let settings = Settings::defaults_with(&[]).expect("defaults load");
        assert_eq!(settings.server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.mail.transport, MailTransportKind::File);
        assert!(settings.database.url.starts_with("sqlite://data/"));
    }

    #[test]
    fn console_sessions_and_metrics_settings() {
        let settings = Settings::defaults_with(&[]).expect("defaults load");
        assert_eq!(settings.staff.session_idle_hours, 8);
        assert_eq!(settings.staff.session_max_hours, 24);
        assert!(settings.server.metrics_token.is_empty());
        assert_eq!(settings.server.metrics_bind, None);
        let settings = Settings::defaults_with(&[("server.metrics_bind", "127.0.0.1:9100".into())])
            .expect("a metrics address");
        assert_eq!(
            settings.server.metrics_bind.map(|address| address.port()),
            Some(9100)
        );
        let error = Settings::defaults_with(&[
            ("staff.session_idle_hours", "48".into()),
            ("staff.session_max_hours", "24".into()),
        ])
        .expect_err("idle longer than the whole session is refused");
        assert!(
            error.to_string().contains("staff.session_max_hours"),
            "{error}"
        );
    }

    #[test]
    fn a_wrong_setting_names_its_key() {
        let error = Settings::defaults_with(&[("server.bind", "not an address".into())])
            .expect_err("bad bind is refused");
        assert!(error.to_string().contains("server.bind"), "{error}");
        let error = Settings::defaults_with(&[("mail.transport", "pigeon".into())])
            .expect_err("bad transport is refused");
        assert!(error.to_string().contains("mail.transport"), "{error}");
        let error = Settings::defaults_with(&[("mail.transport", "smtp".into())])
            .expect_err("smtp without url is refused");
        assert!(error.to_string().contains("mail.smtp_url"), "{error}");
    }
}
