//! Builds the running service from settings: pool, migrations, mail worker, HTTP server.
//! Tests build it on port 0 and drive it over HTTP.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::{App, HttpServer, ResponseError, web};
use anyhow::Context;
use chrono::Duration as ChronoDuration;
use tokio::sync::Notify;

use crate::config::{ConfigError, Settings};
use crate::db::{self, DbPool};
use crate::http::{self, ApiError, AppState};
use crate::mail::render::Renderers;
use crate::mail::transport::Mailer;
use crate::mail::worker::MailWorker;
use crate::read::snapshot::SnapshotCache;
use crate::signatures::SigningPolicy;

/// How long a letter page may show a count before reading it again.
const SNAPSHOT_TTL: Duration = Duration::from_millis(1000);
/// After the drain, how long requests still in flight may take before their connections are
/// dropped. Every request answers in well under this; the stop budget (unit, compose) counts
/// it: drain + hand-off + this + the mail worker's 30 s.
const SHUTDOWN_SECONDS: u64 = 10;
/// The hand-off after the drain (`http::drain`) ends this long after the first read it turns
/// away (time for requests a balancer sent before it counted the failure to arrive), or after
/// `HAND_OFF_MOST` when no read comes.
const HAND_OFF_SETTLE: Duration = Duration::from_millis(500);
const HAND_OFF_MOST: Duration = Duration::from_secs(2);

pub struct Application {
    port: u16,
    server: Server,
    /// The private metrics listener (`server.metrics_bind`) and its port.
    metrics_server: Option<(Server, u16)>,
    pool: DbPool,
    state: web::Data<AppState>,
    stop_worker: tokio::sync::watch::Sender<bool>,
    worker: actix_web::rt::task::JoinHandle<()>,
}

impl Application {
    /// Connects, migrates, starts the mail worker and binds the listener. Must run inside an
    /// actix/tokio runtime.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let settings = Arc::new(settings);
        // What the configuration alone decides is tried before the database is touched: a
        // port in use must not leave a new database behind, created and migrated.
        let listener = listen("server.bind", settings.server.bind)?;
        let metrics_listener = match settings.server.metrics_bind {
            Some(address) => Some(listen("server.metrics_bind", address)?),
            None => None,
        };
        let mailer = Mailer::from_settings(&settings.mail).context("setting up mail")?;
        let reachability = Arc::new(db::Reachability::default());
        let pool = open_for_serving(&settings, Arc::clone(&reachability))?;
        warn_of_held_mail(&pool)?;
        let form_secret = form_secret(&settings, &pool)?;
        let port = listener
            .local_addr()
            .context("reading the bound port")?
            .port();

        let mail_wakeup = Arc::new(Notify::new());
        let mut worker = MailWorker::new(
            pool.clone(),
            mailer,
            settings.mail.clone(),
            settings.limits.emails_per_minute,
            Arc::clone(&mail_wakeup),
            mail_renderers(settings.public_base()),
        )
        .with_job(crate::updates::queue::resume_stalled_job());
        if let Some(reminders) = reminder_policy(&settings) {
            worker = worker.with_job(crate::signatures::reminders::job(reminders));
        }
        let (stop_worker, stop) = tokio::sync::watch::channel(false);
        let worker = actix_web::rt::spawn(worker.run(stop));

        let state = web::Data::new(AppState {
            pool: pool.clone(),
            policy: signing_policy(&settings),
            snapshots: SnapshotCache::new(SNAPSHOT_TTL),
            mail_wakeup,
            login_throttle: crate::staff::throttle::LoginThrottle::new(
                5,
                Duration::from_secs(15 * 60),
            ),
            secure_cookies: settings.server.public_url.starts_with("https://"),
            defenses: crate::abuse::Defenses::new(
                &settings.limits,
                &form_secret,
                Duration::from_secs(settings.signing.form_token_hours.max(1) as u64 * 3600),
            ),
            metrics: crate::metrics::Metrics::default(),
            sign_writer: crate::signatures::writer::SignWriter::start(
                pool.clone(),
                signing_policy(&settings),
                i64::from(settings.limits.emails_per_address_per_hour),
                timeouts(&settings),
            )
            .context("starting the sign writer")?,
            settings: Arc::clone(&settings),
            reachability,
            drain: http::drain::Drain::default(),
            pages: Default::default(),
            searches: Default::default(),
        });
        actix_web::rt::spawn(maintenance(state.clone()));
        actix_web::rt::spawn(watch_database(
            pool.clone(),
            Duration::from_secs(settings.database.wedged_after_seconds),
        ));
        let metrics_state = state.clone();
        let kept_state = state.clone();
        let max_body = settings.server.max_body_bytes;
        let mut server =
            HttpServer::new(move || {
                App::new()
                    .app_data(state.clone())
                    .app_data(web::PayloadConfig::new(max_body))
                    .app_data(
                        web::JsonConfig::default()
                            .limit(max_body)
                            .error_handler(|error, _request| json_error(error)),
                    )
                    .app_data(web::QueryConfig::default().error_handler(|error, request| {
                        http::errors::extractor_error(error, request)
                    }))
                    .app_data(web::PathConfig::default().error_handler(|error, request| {
                        http::errors::extractor_error(error, request)
                    }))
                    .configure(http::routes)
                    // Innermost: before any handler reads the request, inside the language
                    // scope so that its error page speaks the reader's language.
                    .wrap(actix_web::middleware::from_fn(http::middleware::refuse_nul))
                    // Inside the language scope, so that its page speaks the reader's language,
                    // and inside `observe`, so that what it turns away is logged and counted.
                    .wrap(actix_web::middleware::from_fn(http::drain::hand_off_reads))
                    .wrap(actix_web::middleware::from_fn(
                        http::language::interface_language,
                    ))
                    .wrap(actix_web::middleware::from_fn(
                        http::middleware::security_headers,
                    ))
                    .wrap(actix_web::middleware::from_fn(http::middleware::observe))
                    // Outermost, so that routing, logging and metrics see a HEAD as the GET it is
                    // answered as, and `/he/letters/x` as `/letters/x` in Hebrew.
                    .wrap(actix_web::middleware::from_fn(
                        http::middleware::routed_address,
                    ))
            })
            // Signals are ours (`stop_on_signal`): actix would close the listener at once.
            .disable_signals()
            .shutdown_timeout(SHUTDOWN_SECONDS)
            .listen(listener)
            .context("starting the HTTP server")?;
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        let server = server.run();
        let metrics_server = match metrics_listener {
            Some(listener) => Some(metrics_server(listener, metrics_state)?),
            None => None,
        };
        tracing::info!(
            port,
            public_url = %settings.server.public_url,
            version = crate::config::VERSION,
            commit = crate::config::COMMIT,
            schema = %db::versions::expected_version(),
            instance = crate::telemetry::instance(),
            "undersigned is listening"
        );
        Ok(Application {
            port,
            server,
            metrics_server,
            pool,
            state: kept_state,
            stop_worker,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the private metrics listener, when `server.metrics_bind` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT (`stop_on_signal`), or `handle().stop`: then requests
    /// in flight finish, the signatures still queued are written, and the mail worker finishes
    /// its batch.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics_server.map(|(server, _)| {
            let handle = server.handle();
            (actix_web::rt::spawn(server), handle)
        });
        let drain = Duration::from_secs(self.state.settings.server.drain_seconds);
        let signals = actix_web::rt::spawn(stop_on_signal(
            self.state.clone(),
            self.server.handle(),
            drain,
        ));
        let served = self.server.await;
        signals.abort();
        if let Some((running, handle)) = metrics {
            handle.stop(true).await;
            let _ = running.await;
        }
        // No request is left to add one: whatever is queued now is all there will be. (Bounded:
        // a database that stopped answering must not hold the stop.)
        let flushed = self.state.sign_writer.flush();
        if tokio::time::timeout(Duration::from_secs(15), flushed)
            .await
            .is_err()
        {
            tracing::warn!("the sign writer did not finish within 15 s");
        }
        let _ = self.stop_worker.send(true);
        if tokio::time::timeout(Duration::from_secs(30), self.worker)
            .await
            .is_err()
        {
            tracing::warn!("mail worker did not finish within 30 s; its messages will be retried");
        }
        tracing::info!("stopped");
        served
    }
}

/// SIGTERM (what systemd, Docker and Kubernetes send): drain for `drain`, hand off (see
/// `http::drain`), then stop gracefully. SIGINT (Ctrl-C at a terminal): stop gracefully at
/// once. A second signal during the drain ends it. Either way the listener closes, requests in
/// flight finish (up to `SHUTDOWN_SECONDS`), and `run_until_stopped` goes on to the writer and
/// the mail worker.
async fn stop_on_signal(
    state: web::Data<AppState>,
    server: actix_web::dev::ServerHandle,
    drain: Duration,
) {
    use tokio::signal::unix::{SignalKind, signal};
    let (mut terminate, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(terminate), Ok(interrupt)) => (terminate, interrupt),
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "cannot listen for SIGTERM/SIGINT; stop with SIGKILL");
            return;
        }
    };
    let terminated = tokio::select! {
        _ = terminate.recv() => true,
        _ = interrupt.recv() => false,
    };
    state.drain.begin();
    if terminated && !drain.is_zero() {
        tracing::info!(
            drain_seconds = drain.as_secs(),
            "SIGTERM: /readyz now fails; serving until the drain ends"
        );
        tokio::select! {
            _ = tokio::time::sleep(drain) => {}
            _ = terminate.recv() => tracing::info!("second signal: ending the drain"),
            _ = interrupt.recv() => tracing::info!("second signal: ending the drain"),
        }
        state.drain.hand_off();
        if state.drain.turned_away(HAND_OFF_MOST).await {
            tokio::time::sleep(HAND_OFF_SETTLE).await;
        }
    }
    tracing::info!("closing the listener; finishing requests in flight");
    server.stop(true).await;
}

/// A second listener that serves only `/metrics` and `/healthz`, for a scraper on a private
/// network. It follows the main server: stopped when that stops, not by signals itself.
fn metrics_server(
    listener: TcpListener,
    state: web::Data<AppState>,
) -> anyhow::Result<(Server, u16)> {
    let address = listener
        .local_addr()
        .context("reading the bound metrics port")?;
    let port = address.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(http::metrics_routes)
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .context("starting the metrics listener")?
    .run();
    tracing::info!(%address, "metrics are served on a separate listener");
    Ok((server, port))
}

/// Hourly housekeeping: forget unconfirmed signatures and delivered mail after their time,
/// delete ended console sessions, and let the rate limiters drop idle clients.
async fn maintenance(state: web::Data<AppState>) {
    let mut interval = tokio::time::interval(Duration::from_secs(3600));
    loop {
        interval.tick().await;
        state.defenses.forget_idle();
        let days = state.settings.signing.purge_unconfirmed_days;
        let erase_after_days = state.settings.signing.erase_after_days;
        let lifetimes = crate::staff::sessions::Lifetimes::from_settings(&state.settings.staff);
        let throttle = state.clone();
        let result = state
            .with_connection(move |connection| {
                crate::staff::sessions::purge_ended(connection, lifetimes)?;
                let before = db::now() - ChronoDuration::days(days);
                // Named in the audit log as what it is: no person asked for it.
                let actor = crate::staff::Actor {
                    staff_id: None,
                    email: "hourly maintenance".into(),
                };
                let signatures = crate::signatures::purge_unconfirmed(connection, before, &actor)?;
                let mails = crate::mail::outbox::purge_finished(connection, before)?;
                // Addresses whose reason ended without a request to say so: a letter's
                // delivery hold running out, a staff removal, mail sent after a release.
                let released = crate::signatures::retention::sweep(connection, erase_after_days)?;
                if released > 0 {
                    tracing::info!(
                        released,
                        "let go of signers' addresses kept for no reason now"
                    );
                }
                throttle.login_throttle.forget_old(connection)?;
                Ok::<_, db::DbError>((signatures, mails))
            })
            .await;
        match result {
            Ok((0, 0)) => {}
            Ok((signatures, mails)) => {
                tracing::info!(
                    signatures,
                    mails,
                    "purged unconfirmed signatures and delivered mail"
                )
            }
            Err(error) => tracing::warn!(%error, "maintenance failed; will retry in an hour"),
        }
    }
}

/// Binds `address` (the setting `key`); a port in use or not ours to take is the
/// configuration's to fix.
fn listen(key: &str, address: std::net::SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address).map_err(|error| {
        ConfigError::new(format!("{key}: cannot listen on {address}: {error}")).into()
    })
}

/// Reaches for the database now and then even when no request does, so that `/healthz`
/// tells an idle instance that could reach it from one that cannot.
async fn watch_database(pool: DbPool, wedged_after: Duration) {
    let every = (wedged_after / 4).clamp(Duration::from_millis(250), Duration::from_secs(5));
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        // Success is recorded by the pool; a failure shows as silence.
        let _ = db::outage::run(&pool, |_| Ok::<_, db::DbError>(())).await;
    }
}

/// The database's timeouts, from `[database]`.
pub fn timeouts(settings: &Settings) -> db::Timeouts {
    let database = &settings.database;
    db::Timeouts {
        connect: Duration::from_secs(database.connect_timeout_seconds),
        statement: Duration::from_secs(database.statement_timeout_seconds),
        checkout: Duration::from_secs(database.checkout_timeout_seconds),
    }
}

/// The database for a command: a new one is migrated; one that needs `undersigned migrate`,
/// or was migrated by a newer release this binary cannot work with, is refused.
pub fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    open_checked(settings, false, Arc::default())
}

/// Like [`open_database`], but for `serve`: on a database a newer release migrated beyond
/// this binary it starts all the same, not ready and sending no mail (as an instance already
/// running when that migration ran is), so that the balancer and the log say why.
/// `reachability` learns each time the database answers (`/healthz`).
fn open_for_serving(
    settings: &Settings,
    reachability: Arc<db::Reachability>,
) -> anyhow::Result<DbPool> {
    open_checked(settings, true, reachability)
}

fn open_checked(
    settings: &Settings,
    serving: bool,
    reachability: Arc<db::Reachability>,
) -> anyhow::Result<DbPool> {
    use db::versions::SchemaState;
    db::check_connection(&settings.database.url, timeouts(settings))
        .context("database.url: cannot open the database")?;
    let pool = db::open(
        &settings.database.url,
        settings.database.pool_size,
        timeouts(settings),
        reachability,
    )
    .context("database.url: cannot open the database")?;
    let (applied, state) = db::migrate_if_empty(&pool).context("migrating the database")?;
    if applied > 0 {
        tracing::info!(applied, "new database: migrations applied");
    }
    match state {
        SchemaState::Current => {}
        SchemaState::TooNew { .. } if serving => {
            tracing::error!(schema = %state, "not ready: this instance serves nothing and sends no mail");
            return Ok(pool);
        }
        // One line, what to do first.
        _ => anyhow::bail!("{state}"),
    }
    let mut connection = pool.get().context("connecting to the database")?;
    install_address_key(settings, &mut connection)?;
    let rekeyed = crate::signatures::retention::rekey_mailboxes(&mut connection)
        .context("replacing stored addresses with their mailbox keys")?;
    if rekeyed > 0 {
        tracing::info!(
            rekeyed,
            "stored duplicate keys replaced by keyed hashes of the addresses"
        );
    }
    let clashes = db::once(&mut connection, "organization_key_v3", |connection| {
        crate::members::rekey_organization_names(connection).map_err(db::DbError::from)
    })
    .context("re-keying organization names")?;
    for name in clashes.unwrap_or_default() {
        tracing::warn!(member = %name, "two roster members now read as one organization; merge them in the console");
    }
    hold_mail_after_restore(&mut connection)?;
    Ok(pool)
}

/// A database restored from a PostgreSQL dump may hold mail that the live service sent after
/// the dump was taken: it is held (`mail::held`) before any worker can claim it. A SQLite
/// copy made by `undersigned backup` holds its mail itself.
fn hold_mail_after_restore(connection: &mut db::DbConnection) -> anyhow::Result<()> {
    let held = db::write_transaction(connection, |connection| {
        if !db::backup::restored_from_dump(connection)? {
            return Ok::<_, diesel::result::Error>(0);
        }
        let updates = crate::updates::queue::pause_queueing(connection)?;
        let held =
            crate::mail::held::hold_unsent(connection, crate::mail::held::RESTORED_FROM_DUMP)?;
        // Recorded as `outbox hold` by hand is: the operator's release or discard follows it.
        crate::staff::audit::record(
            connection,
            &crate::staff::Actor::service(),
            "outbox.hold",
            None,
            None,
            &format!("restored from a dump: {held} email(s), {updates} update(s) being queued"),
        )?;
        Ok(held)
    })
    .context("checking whether the database was restored from a dump")?;
    if held > 0 {
        tracing::warn!(
            held,
            "this database was restored from a dump: the emails that were waiting in it are held"
        );
    }
    Ok(())
}

/// Says at every start that mail is held, until an operator decides (`outbox status`).
fn warn_of_held_mail(pool: &DbPool) -> anyhow::Result<()> {
    let mut connection = pool.get().context("connecting to the database")?;
    let held = crate::mail::held::count(&mut connection).context("counting held emails")?;
    if held > 0 {
        tracing::warn!(
            held,
            "emails held since a restore are not sent: `undersigned outbox status` explains, \
             `undersigned outbox release` sends them, `undersigned outbox discard` drops them"
        );
    }
    Ok(())
}

/// The name of the mailbox key's fingerprint beside the shared secrets.
const ADDRESS_KEY_FINGERPRINT: &str = "mailbox_key_fingerprint";

/// Installs the key mailbox keys are made with (`values::mailbox`), from outside the
/// database so that a dump of it alone cannot test an address: derived from
/// `signing.address_key`, or else `server.secret`, when set (every instance shares it); otherwise, on SQLite, from a key file made beside the
/// database on first start (`<database>.address-key`, mode 0600; back it up with the
/// database). On PostgreSQL without `server.secret` the instances have nothing else to share,
/// so the key falls back to a secret kept in the database, with a warning. A key other than
/// the one the database's keys were made with is refused: every address already kept would
/// stop being recognised.
fn install_address_key(
    settings: &Settings,
    connection: &mut db::DbConnection,
) -> anyhow::Result<()> {
    use crate::values::mailbox::{self, AddressKey};
    let key = if !settings.signing.address_key.is_empty() {
        AddressKey::derive(&settings.signing.address_key)
    } else if !settings.server.secret.is_empty() {
        AddressKey::derive(&settings.server.secret)
    } else if let Some(file) = address_key_file(settings) {
        AddressKey::derive(&key_file(&file)?)
    } else {
        tracing::warn!(
            "server.secret is not set: the key that hides signers' addresses is kept in the database, so a dump of it could test addresses; set server.secret (the same on every instance)"
        );
        AddressKey::derive(
            &db::shared_secret(connection, "mailbox_key").context("reading the mailbox key")?,
        )
    };
    let fingerprint = key.fingerprint();
    let recorded = db::shared_value(connection, ADDRESS_KEY_FINGERPRINT, &fingerprint)
        .context("reading the mailbox key's fingerprint")?;
    if recorded != fingerprint {
        anyhow::bail!(
            "the key that hides signers' addresses is not the one this database was keyed with (server.secret changed, or the key file beside a SQLite database is missing): restore it, or every address already signed would stop being recognised"
        );
    }
    mailbox::install(key).map_err(|error| anyhow::anyhow!(error))?;
    Ok(())
}

/// Where the address key is kept when neither `signing.address_key` nor `server.secret` is
/// set: beside a SQLite database (`<database>.address-key`); `None` otherwise.
pub fn address_key_file(settings: &Settings) -> Option<std::path::PathBuf> {
    if !settings.signing.address_key.is_empty() || !settings.server.secret.is_empty() {
        return None;
    }
    let mut file = db::sqlite_file(&settings.database.url)?.into_os_string();
    file.push(".address-key");
    Some(file.into())
}

/// The key file's text, made (random, readable only by its owner) if it does not exist.
fn key_file(path: &std::path::Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => anyhow::bail!("{}: the address key file is empty", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error)
                .with_context(|| format!("reading the address key {}", path.display()));
        }
    }
    let secret = crate::values::tokens::mint().secret;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            use std::io::Write as _;
            file.write_all(secret.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing the address key {}", path.display()))?;
            Ok(secret)
        }
        // Another process made it first: theirs is the one.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)
                .with_context(|| format!("reading the address key {}", path.display()))?
                .trim()
                .to_owned())
        }
        Err(error) => {
            Err(error).with_context(|| format!("creating the address key {}", path.display()))
        }
    }
}

/// `server.secret` when set; otherwise the secret kept in the database, made on first start.
/// A per-process random secret would make every form shown before a restart or by another
/// instance look forged.
fn form_secret(settings: &Settings, pool: &DbPool) -> anyhow::Result<String> {
    if !settings.server.secret.is_empty() {
        return Ok(settings.server.secret.clone());
    }
    let mut connection = pool.get().context("connecting to the database")?;
    db::shared_secret(&mut connection, "form_time").context("reading the form secret")
}

/// How each kind of message queued to be rendered when sent is rendered: every feature that
/// queues one registers its renderer here. `public_base` is where the links point.
pub fn mail_renderers(public_base: &str) -> Renderers {
    Renderers::new()
        .register(
            crate::signatures::emails::CONFIRMATION,
            crate::signatures::emails::ConfirmationRenderer::new(public_base),
        )
        .register(
            crate::signatures::reminders::REMINDER,
            crate::signatures::reminders::ReminderRenderer::new(public_base),
        )
        .register_broadcast(
            crate::updates::emails::KIND,
            crate::updates::emails::UpdateRenderer,
        )
}

pub fn signing_policy(settings: &Settings) -> SigningPolicy {
    SigningPolicy {
        public_base: settings.public_base().to_owned(),
        verify_token_lifetime: ChronoDuration::hours(settings.signing.verify_token_hours),
        withdraw_token_lifetime: ChronoDuration::days(settings.signing.withdraw_token_days),
        invite_token_lifetime: ChronoDuration::days(settings.signing.invite_token_days),
        confirm_grace: ChronoDuration::hours(settings.signing.confirm_grace_hours),
        erase_after_days: settings.signing.erase_after_days,
    }
}

/// When the one reminder to confirm goes (`signing.reminder_hours`); `None` when it is off.
pub fn reminder_policy(
    settings: &Settings,
) -> Option<crate::signatures::reminders::ReminderPolicy> {
    let policy = signing_policy(settings);
    crate::signatures::reminders::ReminderPolicy::from_hours(
        settings.signing.reminder_hours,
        policy.verify_token_lifetime,
        policy.withdraw_token_lifetime,
    )
}

fn json_error(error: JsonPayloadError) -> actix_web::Error {
    let status_error = match &error {
        JsonPayloadError::Overflow { .. }
        | JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => {
            return actix_web::error::InternalError::from_response(
                error.to_string(),
                actix_web::HttpResponse::PayloadTooLarge().json(serde_json::json!({
                    "error": "too_large",
                    "message": "The request body is too large.",
                })),
            )
            .into();
        }
        JsonPayloadError::ContentType => {
            ApiError::BadRequest("Send the body as application/json.".into())
        }
        _ => ApiError::BadRequest(format!("The request body is not valid JSON: {error}")),
    };
    actix_web::error::InternalError::from_response(error.to_string(), status_error.error_response())
        .into()
}
