//! The HTTP boundary: routes, shared state, and the mapping of domain results to responses.

pub mod admin;
mod admin_api;
mod api;
pub mod card;
pub mod drain;
pub(crate) mod embed;
pub(crate) mod errors;
pub mod form;
mod invites;
pub mod language;
pub mod middleware;
mod my_signatures;
mod origin;
mod page_cache;
mod pages;
mod partners;
pub mod privacy;
mod share;
mod signatories;
mod signer;
mod signer_loop;
pub mod site;
mod unsubscribe;
mod versions;
mod views;

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use tokio::sync::Notify;

pub use errors::{ApiError, PageError};

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::read::snapshot::{self, Cached, LetterSnapshot, SnapshotCache};
use crate::signatures::SigningPolicy;

/// Everything a handler needs, shared by all workers.
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub policy: SigningPolicy,
    pub snapshots: SnapshotCache,
    pub mail_wakeup: Arc<Notify>,
    pub login_throttle: crate::staff::throttle::LoginThrottle,
    /// Session cookies get the Secure flag when the public address is https.
    pub secure_cookies: bool,
    pub defenses: crate::abuse::Defenses,
    pub metrics: crate::metrics::Metrics,
    pub sign_writer: crate::signatures::writer::SignWriter,
    /// When the database last answered, for `/healthz`.
    pub reachability: Arc<db::Reachability>,
    /// Set on SIGTERM: `/readyz` fails, then reads are handed off (`drain`).
    pub drain: drain::Drain,
    /// The letter page as rendered this second (`page_cache`).
    pub pages: page_cache::PageCache,
    /// Each letter's public list as search keys (`read::search`).
    pub searches: crate::read::search::SearchIndexes,
}

impl AppState {
    /// Checks a rate limit for this client; counts and reports a refusal.
    pub fn limit(
        &self,
        limit: &crate::abuse::KeyedLimit,
        name: &'static str,
        request: &actix_web::HttpRequest,
    ) -> Result<(), std::time::Duration> {
        limit.check(&self.client_key(request)).inspect_err(|_| {
            self.metrics.record_refusal(name);
        })
    }

    /// The client's address, from the socket or, behind a trusted proxy, X-Forwarded-For
    /// (every header line, in order).
    pub fn client_address(&self, request: &actix_web::HttpRequest) -> Option<std::net::IpAddr> {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            // An unreadable line stays in the chain as an unreadable hop, which ends what is believed.
            .map(|value| value.to_str().unwrap_or("?"));
        self.defenses
            .client_address(request.peer_addr().map(|address| address.ip()), forwarded)
    }

    /// A key for per-client limits: the address for IPv4, the /64 for IPv6.
    pub fn client_key(&self, request: &actix_web::HttpRequest) -> String {
        self.client_address(request)
            .map(crate::abuse::rate_limit_key)
            .unwrap_or_else(|| "unknown".into())
    }

    /// The admission path every sign entry point goes through.
    pub fn admission(&self) -> crate::admission::Admission<'_> {
        crate::admission::Admission {
            defenses: &self.defenses,
            metrics: &self.metrics,
            writer: &self.sign_writer,
            pool: &self.pool,
            policy: &self.policy,
            mail_wakeup: &self.mail_wakeup,
        }
    }

    /// An attempt to sign `letter` from this request.
    pub fn attempt(
        &self,
        request: &actix_web::HttpRequest,
        letter: &crate::letters::Letter,
        entry: crate::admission::Entry,
        fields: crate::signatures::form::SignatureFields,
    ) -> crate::admission::Attempt {
        // The signer's emails speak the interface language of the page signed on: what the
        // reader chose (the address, ?lang=, the switcher's cookie), else the language of the
        // text they read (the form's hidden field, `lang` in JSON), else their browser's.
        let wanted =
            language::requested_then(request, crate::i18n::LanguageTag::parse(&fields.lang));
        crate::admission::Attempt {
            entry,
            letter: letter.clone(),
            client: self.client_address(request),
            client_key: self.client_key(request),
            interface_language: Some(crate::i18n::interface_language(&wanted)),
            foreign_origin: origin::foreign_origin(&self.settings, request),
            fields,
        }
    }

    /// Runs a query on the blocking thread pool: `state.db(move |c| letters::find(c, &id))`.
    /// A failed query becomes `DbError`, which every handler error converts from.
    pub async fn db<T, F>(&self, work: F) -> Result<T, db::DbError>
    where
        F: FnOnce(&mut db::DbConnection) -> Result<T, diesel::result::Error> + Send + 'static,
        T: Send + 'static,
    {
        self.with_connection(move |connection| work(connection).map_err(db::DbError::from))
            .await
    }

    /// Runs blocking database work on the blocking thread pool, with its own error type.
    pub async fn with_connection<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut db::DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<db::DbError> + Send + 'static,
    {
        db::outage::run(&self.pool, work).await
    }

    /// The public view of a letter, or `missing` (the caller's 404) when there is none.
    pub async fn public_letter_or<E: From<db::DbError>>(
        &self,
        slug: &str,
        missing: E,
    ) -> Result<Arc<LetterSnapshot>, E> {
        self.public_letter(slug).await?.ok_or(missing)
    }

    /// The public view of a letter, from memory when fresh. Drafts are not public, and a slug
    /// no letter could have is not looked up (nor cached).
    pub async fn public_letter(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<LetterSnapshot>>, db::DbError> {
        if !crate::letters::is_valid_slug(slug) {
            return Ok(None);
        }
        let snapshot = match self.snapshots.lookup(slug) {
            Cached::Fresh(snapshot) | Cached::StaleBeingRefreshed(snapshot) => snapshot,
            Cached::Load => {
                let owned_slug = slug.to_owned();
                let logo_hosts = self.settings.image_hosts();
                let loaded = self
                    .with_connection(move |connection| {
                        snapshot::load(connection, &owned_slug, &logo_hosts)
                            .map_err(db::DbError::from)
                    })
                    .await;
                match loaded {
                    Ok(Some(snapshot)) => {
                        let snapshot = Arc::new(snapshot);
                        self.snapshots.put(slug, Arc::clone(&snapshot));
                        snapshot
                    }
                    Ok(None) => return Ok(None),
                    Err(error) => {
                        self.snapshots.reload_failed(slug);
                        return Err(error);
                    }
                }
            }
        };
        Ok(snapshot.letter.is_public().then_some(snapshot))
    }
}

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(pages::index))
        .route("/healthz", web::get().to(health))
        .route("/readyz", web::get().to(ready))
        .route("/metrics", web::get().to(metrics))
        .route("/static/style.css", web::get().to(pages::stylesheet))
        .route("/static/confirm.js", web::get().to(pages::confirm_script))
        .route("/static/preview.js", web::get().to(pages::preview_script))
        .route(
            "/static/error-summary.js",
            web::get().to(pages::error_summary_script),
        )
        .route("/static/share.js", web::get().to(share::script))
        .route("/static/embed.js", web::get().to(pages::embed_script))
        .route("/static/site.css", web::get().to(site::stylesheet))
        .route("/privacy", web::get().to(privacy::privacy))
        .route("/static/favicon.svg", web::get().to(site::bundled_favicon))
        .route(
            "/static/apple-touch-icon.png",
            web::get().to(site::bundled_apple_touch_icon),
        )
        .route("/favicon.ico", web::get().to(site::favicon))
        .route(
            "/apple-touch-icon.png",
            web::get().to(site::apple_touch_icon),
        )
        .route("/robots.txt", web::get().to(site::robots))
        .route("/sitemap.xml", web::get().to(site::sitemap))
        .route("/feed.atom", web::get().to(site::feed))
        .route("/assets/{path:.+}", web::get().to(site::asset))
        .route("/letters/{slug}", web::get().to(pages::letter))
        .route(
            "/letters/{slug}/card.png",
            web::route()
                .guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
                .to(card::card),
        )
        .route("/letters/{slug}/sign", web::post().to(pages::sign))
        .route("/letters/{slug}/sign", web::get().to(pages::sign_reloaded))
        .route(
            "/letters/{slug}/signed",
            web::get().to(signer_loop::check_email),
        )
        .route("/letters/{slug}/change", web::get().to(signer_loop::change))
        .route("/letters/{slug}/embed", web::get().to(embed::embed))
        .route("/letters/{slug}/embed", web::post().to(embed::sign))
        .route("/letters/{slug}/count.json", web::get().to(embed::count))
        .route("/letters/{slug}/resend", web::get().to(pages::resend_page))
        .route("/letters/{slug}/resend", web::post().to(pages::resend))
        .route(
            "/letters/{slug}/signatories",
            web::get().to(signatories::signatories),
        )
        .route(
            "/letters/{slug}/versions",
            web::get().to(versions::public_versions),
        )
        .route(
            "/letters/{slug}/versions/{hash}",
            web::get().to(versions::public_version),
        )
        .route(
            "/letters/{slug}/invite/{token}",
            web::get().to(invites::invite_page),
        )
        .route(
            "/letters/{slug}/invite/{token}",
            web::post().to(invites::accept_invite),
        )
        .route("/partners/{secret}", web::get().to(partners::download_page))
        .route("/partners/{secret}", web::post().to(partners::download))
        .route("/verify/{token}", web::get().to(pages::verify_page))
        .route("/verify/{token}", web::post().to(pages::verify))
        .route(
            "/withdraw/{token}",
            web::get().to(signer_loop::withdraw_page),
        )
        .route("/withdraw/{token}", web::post().to(signer_loop::withdraw))
        .route("/my-signatures", web::get().to(my_signatures::ask))
        .route(
            "/my-signatures",
            web::post().to(my_signatures::request_link),
        )
        .route("/my-signatures/sent", web::get().to(my_signatures::sent))
        .route("/my-signatures/{token}", web::get().to(my_signatures::list))
        .route(
            "/my-signatures/{token}",
            web::post().to(my_signatures::withdraw),
        )
        .route("/unsubscribe/{token}", web::get().to(unsubscribe::page))
        .route(
            "/unsubscribe/{token}",
            web::post().to(unsubscribe::one_click),
        )
        // Before the public scope, which would otherwise answer every /api/v1/... itself.
        .configure(admin_api::routes)
        .service(
            web::scope("/api/v1")
                .route("/letters", web::get().to(api::letters))
                .route("/letters/{slug}", web::get().to(api::letter))
                .route(
                    "/letters/{slug}/signatories",
                    web::get().to(api::signatories),
                )
                .route("/letters/{slug}/signatures", web::post().to(api::sign)),
        )
        .configure(admin::routes)
        .default_service(web::to(pages::not_found));
}

/// Liveness: the process answers HTTP, and its pool has reached the database within
/// `database.wedged_after_seconds`. A short outage does not get every instance restarted at
/// once (`/readyz` takes an instance out of rotation at once); an instance whose pool stays
/// stuck (a database that accepts connections and never answers) is restarted by its
/// supervisor. It never waits on the database itself.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let silent = state.reachability.silent_for();
    let wedged_after = std::time::Duration::from_secs(state.settings.database.wedged_after_seconds);
    let mut response = if silent > wedged_after {
        HttpResponse::ServiceUnavailable()
    } else {
        HttpResponse::Ok()
    };
    response
        .content_type("text/plain; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    if silent > wedged_after {
        tracing::warn!(
            silent_seconds = silent.as_secs(),
            "health check: the database has not answered for longer than database.wedged_after_seconds"
        );
        response.body(format!(
            "wedged: no answer from the database for {} s\n",
            silent.as_secs()
        ))
    } else {
        response.body("ok\n")
    }
}

/// How long `/readyz` waits for a database connection.
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether this instance should get traffic: the database answers, holds every migration
/// this binary knows, and no newer release has put it out of this binary's reach. A balancer
/// checks this one; `/healthz` only says the process is alive and not stuck.
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    // Stopping: the balancer should send its traffic elsewhere now, whatever the database says.
    if state.drain.is_draining() {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .body("stopping\n");
    }
    // A balancer gives up after a few seconds; answer before it does instead of waiting the
    // pool's full checkout timeout, even when the database accepts and never answers.
    let wait = READY_WAIT.min(state.pool.connection_timeout());
    let answer = db::outage::run_within(&state.pool, wait, db::versions::schema_state).await;
    use db::versions::SchemaState;
    let (ready, body) = match answer {
        Ok(SchemaState::Current) => (true, "ready\n"),
        Ok(SchemaState::Empty | SchemaState::Pending(_)) => (false, "migrations pending\n"),
        // A newer release raised the floor past this binary: only an upgrade helps.
        Ok(SchemaState::TooNew { .. }) => (false, "database schema newer than this binary\n"),
        Err(error) => {
            // A balancer polls this every few seconds; one line per failed poll is enough.
            tracing::warn!(%error, "readiness check: database unavailable");
            (false, "database unavailable\n")
        }
    };
    let mut response = if ready {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response
        .content_type("text/plain; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// Routes of the private metrics listener (`server.metrics_bind`): metrics and health only.
pub fn metrics_routes(config: &mut web::ServiceConfig) {
    config
        .route("/metrics", web::get().to(private_metrics))
        .route("/healthz", web::get().to(health))
        .route("/readyz", web::get().to(ready))
        .default_service(web::to(|| async { HttpResponse::NotFound().finish() }));
}

/// On the public port, metrics go only to `Authorization: Bearer <server.metrics_token>`;
/// everyone else (and everyone, when no token is set) sees the ordinary 404, because the
/// counters tell an observer whether an address had signed before and how staff use the
/// console.
async fn metrics(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    let expected = state.settings.server.metrics_token.as_str();
    let given = request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match given {
        // Compared as hashes so that neither the length nor the first differing byte of the
        // token shows in the time taken.
        Some(given)
            if !expected.is_empty()
                && crate::staff::sessions::tokens_match(
                    &crate::values::tokens::hash(expected),
                    &crate::values::tokens::hash(given),
                ) =>
        {
            Ok(render_metrics(&state).await)
        }
        _ => Err(PageError::NotFound),
    }
}

/// The private listener is reachable only where the operator bound it; it needs no token.
async fn private_metrics(state: web::Data<AppState>) -> HttpResponse {
    render_metrics(&state).await
}

async fn render_metrics(state: &AppState) -> HttpResponse {
    let gauges = state
        .with_connection(|connection| {
            let by_state = crate::signatures::confirmed_by_state(connection)?;
            let backlog =
                crate::mail::backlog::counts(connection, crate::metrics::OUTBOX_COUNT_LIMIT)?;
            let oldest =
                crate::mail::backlog::oldest_waiting(connection, crate::metrics::OUTBOX_AGE_LIMIT)?;
            Ok::<_, db::DbError>((by_state, backlog, oldest))
        })
        .await;
    match gauges {
        Ok((by_state, backlog, oldest)) => {
            let age = oldest
                .map(|created| (db::now() - created).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0);
            state.metrics.set_database_gauges(
                by_state
                    .into_iter()
                    .map(|(signature_state, count)| (signature_state.as_str().to_owned(), count)),
                [("waiting", backlog.waiting), ("failed", backlog.failed)],
                age,
            );
        }
        // The in-memory series are still worth a scrape; the gauges keep their last values.
        Err(error) => tracing::warn!(%error, "metrics: database gauges unavailable"),
    }
    let pool = state.pool.state();
    let totals = db::pool_events::totals();
    state.metrics.set_pool(crate::metrics::PoolReading {
        in_use: pool.connections.saturating_sub(pool.idle_connections),
        idle: pool.idle_connections,
        max: state.pool.max_size(),
        checkouts: totals.checkouts,
        checkout_seconds: totals.checkout_seconds,
        timeouts: totals.timeouts,
    });
    let writer = state.sign_writer.stats();
    state
        .metrics
        .set_sign_writer(crate::metrics::SignWriterReading {
            queued: writer.queued,
            capacity: writer.capacity,
            last_batch: writer.last_batch,
            batches: writer.batches,
            requests: writer.requests,
        });
    let mut body = String::with_capacity(8192);
    state.metrics.render(&mut body);
    HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .body(body)
}
