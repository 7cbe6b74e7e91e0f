//! Typed settings: `config/default.toml` (compiled in), then `--config FILE`, then
//! `UNDERSIGNED_<SECTION>__<KEY>` environment variables (and `..._FILE` for secrets), then
//! `DATABASE_URL`. Checked whole before anything starts (`checks`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

mod checks;
pub mod site;

/// This binary's version and the git commit it was built from (`git rev-parse --short HEAD`
/// when it was built, "unknown" without git), for `--version`, logs and metrics.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const COMMIT: &str = env!("UNDERSIGNED_COMMIT");
/// What `undersigned --version` prints after the name.
pub const VERSION_AND_COMMIT: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("UNDERSIGNED_COMMIT"),
    ")"
);

const DEFAULTS: &str = include_str!("../config/default.toml");

// A misspelt section or key is refused: ignored, `[limit]` would quietly drop every limit
// set under it. (Environment variables without a section, UNDERSIGNED_TEST_POSTGRES_URL
// say, are not read as settings: `checks::environment`.)
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub limits: LimitSettings,
    pub signing: SigningSettings,
    pub log: LogSettings,
    pub staff: StaffSettings,
    pub letters: LetterSettings,
    pub site: SiteSettings,
    /// Coalition partners (`crate::partners`).
    #[serde(default)]
    pub partners: PartnerSettings,
    pub embed: EmbedSettings,
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
    /// After SIGTERM, `/readyz` fails and requests are still served this long before the
    /// listener closes (`startup::stop_on_signal`).
    pub drain_seconds: u64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    /// PostgreSQL: how long opening a connection may take (libpq `connect_timeout`).
    pub connect_timeout_seconds: u64,
    /// PostgreSQL: `statement_timeout`; SQLite: how long to wait for another process's lock.
    pub statement_timeout_seconds: u64,
    /// How long a request waits for a database connection before it is answered 503.
    pub checkout_timeout_seconds: u64,
    /// `/healthz` fails once the database has not answered for this long.
    pub wedged_after_seconds: u64,
}

impl DatabaseSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        for (key, value, range) in [
            (
                "connect_timeout_seconds",
                self.connect_timeout_seconds,
                2..=300,
            ),
            (
                "statement_timeout_seconds",
                self.statement_timeout_seconds,
                1..=3600,
            ),
            (
                "checkout_timeout_seconds",
                self.checkout_timeout_seconds,
                1..=60,
            ),
            ("wedged_after_seconds", self.wedged_after_seconds, 1..=86400),
        ] {
            if !range.contains(&value) {
                return Err(ConfigError(format!(
                    "database.{key}: {value} must be between {} and {}",
                    range.start(),
                    range.end()
                )));
            }
        }
        Ok(())
    }
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
    /// SMTP connections kept open between messages (lettre's pool). lettre opens a new
    /// connection whenever none is idle, whatever this says, and closes one coming back to a
    /// full pool: below `concurrency`, the other sending slots connect afresh per message.
    pub smtp_pool_size: u32,
    pub claim_lease_seconds: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// Hosts whose images a letter may show besides the service's own (see `letters::markdown`).
    pub allowed_image_hosts: Vec<String>,
}

/// Who may show `/letters/{slug}/embed` in a frame.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedSettings {
    /// Origins (`https://host[:port]`) whose pages may frame the embed; empty for none.
    pub allowed_origins: Vec<String>,
}

impl EmbedSettings {
    /// The `frame-ancestors` sources of the embed's Content-Security-Policy. Every origin was
    /// checked at start-up to be a bare origin, so none can add a directive of its own.
    pub fn frame_ancestors(&self) -> String {
        if self.allowed_origins.is_empty() {
            "'none'".to_owned()
        } else {
            self.allowed_origins.join(" ")
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        for origin in &self.allowed_origins {
            check_origin(origin).map_err(|problem| {
                ConfigError(format!("embed.allowed_origins: {origin:?} {problem}"))
            })?;
        }
        Ok(())
    }
}

/// An origin as a browser writes it (`https://members.example.org`, `http://localhost:8000`):
/// the value goes into a response header verbatim, so a space, `;` or quote would let the
/// configuration add Content-Security-Policy directives, and a path is never matched.
fn check_origin(origin: &str) -> Result<(), String> {
    const SHAPE: &str = "must be an origin such as https://members.example.org (scheme://host[:port], no path, spaces, quotes, ';' or ',')";
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '/');
    if !origin.chars().all(allowed) {
        return Err(SHAPE.to_owned());
    }
    let parsed = url::Url::parse(origin).map_err(|_| SHAPE.to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(SHAPE.to_owned());
    }
    let canonical = parsed.origin().ascii_serialization();
    if canonical != origin {
        return Err(format!("{SHAPE}; write it as {canonical:?}"));
    }
    Ok(())
}

/// The coalition's identity: what every public page, the console header and every email
/// say about who runs the campaign.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    pub name: String,
    pub tagline: String,
    /// Empty, a file under `assets_dir` (served at `/assets/...`), or an https:// address.
    pub logo: String,
    pub assets_dir: PathBuf,
    /// `#rrggbb`.
    pub accent_color: String,
    /// An email address people may write to; empty for none.
    pub contact: String,
    /// The coalition's own paragraphs, Markdown, added under the notice `/privacy` generates
    /// from this configuration (`http::privacy`); or an https:// address of its own notice,
    /// linked from there. Empty: the generated notice alone.
    pub privacy: String,
    /// Those paragraphs in other languages (`he = "..."`, Markdown), shown to a reader of
    /// that language instead of `privacy`.
    #[serde(default)]
    pub privacy_by_language: std::collections::BTreeMap<String, String>,
    /// A Markdown file of those paragraphs (instead of `privacy`), with its translations
    /// beside it as `NAME.LANG.md` (`privacy.he.md`), read at start (`site::read_privacy_file`).
    #[serde(default)]
    pub privacy_file: PathBuf,
    pub footer: String,
    pub date_style: DateStyle,
    /// Empty for the bundled icon, a file under `assets_dir`, or an https:// address.
    pub favicon: String,
    /// A 180x180 PNG: empty for the bundled one, a file under `assets_dir`, or https://.
    pub apple_touch_icon: String,
    /// Hosts members' logos may come from (`cdn.example.org`), allowed by the
    /// Content-Security-Policy's `img-src`; empty: no remote pictures but the site's own host.
    #[serde(default)]
    pub image_hosts: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DateStyle {
    /// 1 December 2026
    Long,
    /// December 1, 2026
    Us,
    /// 2026-12-01
    Iso,
}

impl DateStyle {
    pub fn date(self, time: &chrono::NaiveDateTime) -> String {
        match self {
            DateStyle::Long => time.format("%-d %B %Y"),
            DateStyle::Us => time.format("%B %-d, %Y"),
            DateStyle::Iso => time.format("%Y-%m-%d"),
        }
        .to_string()
    }

    pub fn date_time(self, time: &chrono::NaiveDateTime) -> String {
        match self {
            DateStyle::Long => time.format("%-d %B %Y, %H:%M UTC"),
            DateStyle::Us => time.format("%B %-d, %Y, %H:%M UTC"),
            DateStyle::Iso => time.format("%Y-%m-%d %H:%M UTC"),
        }
        .to_string()
    }
}

/// Where a `[site]` picture comes from.
fn site_file_url(value: &str) -> Option<String> {
    if value.is_empty() {
        None
    } else if value.starts_with("https://") {
        Some(value.to_owned())
    } else {
        Some(format!("/assets/{value}"))
    }
}

impl SiteSettings {
    pub fn logo_url(&self) -> Option<String> {
        site_file_url(&self.logo)
    }

    pub fn favicon_url(&self) -> String {
        site_file_url(&self.favicon).unwrap_or_else(|| "/static/favicon.svg".into())
    }

    pub fn apple_touch_icon_url(&self) -> String {
        site_file_url(&self.apple_touch_icon)
            .unwrap_or_else(|| "/static/apple-touch-icon.png".into())
    }

    /// The privacy notice's address: always our own generated notice, which states what this
    /// service keeps whatever else the coalition writes (its own page is linked from there).
    pub fn privacy_url(&self) -> &str {
        "/privacy"
    }

    /// The accent colour darkened for links and hover states (text on the page background
    /// needs more contrast than a border).
    pub fn accent_dark(&self) -> String {
        let channel = |at: usize| {
            u8::from_str_radix(self.accent_color.get(at..at + 2).unwrap_or("00"), 16).unwrap_or(0)
        };
        let darker = |value: u8| (u16::from(value) * 78 / 100) as u8;
        format!(
            "#{:02x}{:02x}{:02x}",
            darker(channel(1)),
            darker(channel(3)),
            darker(channel(5))
        )
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let one_line = |key: &str, value: &str, max: usize, required: bool| {
            match crate::values::text::one_line(value, max) {
                Ok(Some(_)) => Ok(()),
                Ok(None) if !required => Ok(()),
                Ok(None) => Err(ConfigError(format!("site.{key}: must not be empty"))),
                Err(error) => Err(ConfigError(format!("site.{key}: {error}"))),
            }
        };
        one_line("name", &self.name, 100, true)?;
        one_line("tagline", &self.tagline, 200, false)?;
        one_line("footer", &self.footer, 500, false)?;
        for (key, value) in [
            ("logo", &self.logo),
            ("favicon", &self.favicon),
            ("apple_touch_icon", &self.apple_touch_icon),
        ] {
            if !(value.is_empty() || is_https_url(value) || is_asset_path(value)) {
                return Err(ConfigError(format!(
                    "site.{key}: {value:?} must be a file name under site.assets_dir (letters, digits, '.', '-', '_', '/') or an https:// address"
                )));
            }
        }
        check_image_hosts("site.image_hosts", &self.image_hosts)?;
        let colour = self.accent_color.as_bytes();
        if colour.len() != 7 || colour[0] != b'#' || !colour[1..].iter().all(u8::is_ascii_hexdigit)
        {
            return Err(ConfigError(format!(
                "site.accent_color: {:?} must be a colour such as \"#b3261e\"",
                self.accent_color
            )));
        }
        if !self.contact.is_empty() && self.contact.parse::<lettre::Address>().is_err() {
            return Err(ConfigError(format!(
                "site.contact: {:?} is not an email address",
                self.contact
            )));
        }
        if self.privacy.starts_with("http") && !is_https_url(&self.privacy) {
            return Err(ConfigError(format!(
                "site.privacy: {:?} must be an https:// address or a Markdown text",
                self.privacy
            )));
        }
        if let Err(error) = crate::values::text::multi_line(&self.privacy, PRIVACY_MAX) {
            return Err(ConfigError(format!("site.privacy: {error}")));
        }
        site::check_privacy_by_language(&self.privacy_by_language, PRIVACY_MAX)
    }
}

/// The longest privacy text `[site]` may hold: a short notice, not a policy document.
const PRIVACY_MAX: usize = 20_000;

/// Hosts pictures may be shown from: each a bare host name, since it goes into the
/// Content-Security-Policy as is, so nothing that could end the directive or widen it (no
/// scheme, path, port or wildcard).
fn check_image_hosts(key: &str, hosts: &[String]) -> Result<(), ConfigError> {
    for host in hosts {
        let plain = !host.is_empty()
            && host.len() <= 253
            && host.contains('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-']);
        if !plain {
            return Err(ConfigError(format!(
                "{key}: {host:?} must be a host name in lower case, such as \"cdn.example.org\" (no https://, path, port or wildcard)"
            )));
        }
    }
    Ok(())
}

fn is_https_url(value: &str) -> bool {
    value.len() > "https://".len()
        && value.starts_with("https://")
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
}

/// A relative path inside the assets folder that cannot climb out of it.
fn is_asset_path(value: &str) -> bool {
    !value.starts_with('/')
        && value.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        })
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartnerSettings {
    /// How long a member contact's personal download link works.
    pub export_link_days: i64,
}

impl Default for PartnerSettings {
    fn default() -> Self {
        PartnerSettings {
            export_link_days: 14,
        }
    }
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
    /// One reminder email goes to a signer who has not confirmed this many hours after
    /// signing (fractions allowed); 0 sends none (`signatures::reminders`).
    pub reminder_hours: f64,
    /// Addresses a letter keeps only for its delivery (`keep_addresses_until_delivery`) are
    /// erased this many days after it is delivered or closes (`signatures::retention`).
    pub erase_after_days: i64,
    /// The secret signers' addresses are hashed with once they are not kept
    /// (`values::mailbox`); empty: derived from `server.secret`, or a key file beside a SQLite
    /// database. Kept out of the database so that a dump of it alone cannot test an address.
    #[serde(default)]
    pub address_key: String,
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
    /// The name request logs give this instance; empty for `host:pid` (`telemetry::instance`).
    #[serde(default)]
    pub instance: String,
}

/// A setting that stops start-up; the message is one line that names the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl ConfigError {
    /// A problem found outside this module (a port taken, a database file missing) that is
    /// the configuration's to fix: the command exits with code 2, as for a wrong value.
    pub fn new(problem: impl Into<String>) -> ConfigError {
        ConfigError(problem.into())
    }
}

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
        figment = checks::secret_files(figment.merge(checks::environment()))?;
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        let settings = Self::from_figment(figment)?;
        settings.install_site();
        Ok(settings)
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
        let settings: Settings = figment.extract().map_err(checks::describe)?;
        let mut settings = settings;
        site::read_privacy_file(&mut settings.site)?;
        settings.validate()?;
        settings.mail.from = from_with_site_name(&settings.mail.from, &settings.site.name);
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        checks::validate(self)?;
        check_image_hosts(
            "letters.allowed_image_hosts",
            &self.letters.allowed_image_hosts,
        )?;
        if self.database.url.trim().is_empty() {
            return Err(ConfigError("database.url: must not be empty".into()));
        }
        self.database.validate()?;
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
        if self.mail.smtp_pool_size < 1 {
            return Err(ConfigError(
                "mail.smtp_pool_size: must be at least 1".into(),
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
        if !(1..=365).contains(&self.partners.export_link_days) {
            return Err(ConfigError(
                "partners.export_link_days: must be between 1 and 365".into(),
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
                if crate::values::network::parse_network(network).is_none() {
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
        self.site.validate()?;
        self.embed.validate()?;
        if self.signing.purge_unconfirmed_days < 1 {
            return Err(ConfigError(
                "signing.purge_unconfirmed_days: must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// Makes `[site]` the identity of everything this process renders without an
    /// application at hand (emails, console and error pages). One process serves one site;
    /// `serve` and every command call this through `load`.
    pub fn install_site(&self) {
        site::install(self.site.clone());
    }

    /// The other hosts pictures may come from, whatever shows them (a letter's images,
    /// members' logos): `site.image_hosts` and `letters.allowed_image_hosts`, both checked at
    /// start-up to be bare host names. One list, so that the Content-Security-Policy allows
    /// exactly the pictures the pages were allowed to show.
    pub fn remote_image_hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = self.site.image_hosts.clone();
        for host in &self.letters.allowed_image_hosts {
            if !hosts.contains(host) {
                hosts.push(host.clone());
            }
        }
        hosts
    }

    /// Every host a picture may be shown from: `remote_image_hosts` and this site's own.
    pub fn image_hosts(&self) -> Vec<String> {
        let own = url::Url::parse(&self.server.public_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase));
        self.remote_image_hosts().into_iter().chain(own).collect()
    }

    /// `public_url` without a trailing slash, ready to have a path appended.
    pub fn public_base(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }
}

/// A bare `mail.from` address gets the site's name as its display name, so mail comes from
/// the coalition by name; a display name written in `mail.from` is kept.
fn from_with_site_name(from: &str, site_name: &str) -> String {
    match from.parse::<lettre::message::Mailbox>() {
        Ok(mailbox) if mailbox.name.is_none() => {
            lettre::message::Mailbox::new(Some(site_name.to_owned()), mailbox.email).to_string()
        }
        _ => from.to_owned(),
    }
}

#[cfg(test)]
mod tests;
