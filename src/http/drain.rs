//! Stopping without losing a request (`startup::stop_on_signal`). From SIGTERM on, `/readyz`
//! fails, so that a balancer that asks it stops sending traffic, while every request is still
//! served for `server.drain_seconds`. Then comes a short hand-off, for a balancer that only
//! learns from failures (open-source nginx): reads (GET, HEAD) are answered 503 with
//! `Retry-After`, which nginx resends to another instance and counts as a failure of this one,
//! so it stops sending it anything, writes included; writes are still served. Only then does
//! the listener close. Closing it while nginx still sends requests would reset the connections
//! not yet accepted, and nginx does not resend a POST it has passed on (deploy/nginx-proxy.conf
//! explains why it must not): the signer would see a 502 for a signature that may not exist.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CACHE_CONTROL, RETRY_AFTER};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use askama::Template;
use tokio::sync::Notify;

use super::AppState;
use crate::i18n::Message;

const SERVING: u8 = 0;
const DRAINING: u8 = 1;
const HANDING_OFF: u8 = 2;

/// Where this instance is in its stop; shared by every worker and both listeners.
#[derive(Debug, Default)]
pub struct Drain {
    phase: AtomicU8,
    turned_away: Notify,
}

impl Drain {
    /// `/readyz` fails from now on; every request is still served.
    pub fn begin(&self) {
        self.phase.fetch_max(DRAINING, Ordering::SeqCst);
    }

    /// Reads are turned away from now on (503, `Retry-After`); writes are still served.
    pub fn hand_off(&self) {
        self.phase.store(HANDING_OFF, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.phase.load(Ordering::SeqCst) != SERVING
    }

    /// Whether a read was turned away within `limit` since the hand-off began: a balancer
    /// that counts failures has then seen one.
    pub async fn turned_away(&self, limit: Duration) -> bool {
        tokio::time::timeout(limit, self.turned_away.notified())
            .await
            .is_ok()
    }
}

/// During the hand-off, a read gets a 503 (a page that says to reload, or JSON on the API)
/// instead of an answer; every other request, and every request before, goes on.
pub async fn hand_off_reads(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let handing_off = request
        .app_data::<web::Data<AppState>>()
        .filter(|state| state.drain.phase.load(Ordering::SeqCst) == HANDING_OFF);
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    // A supervisor asking whether the process lives, or a balancer whether to send traffic,
    // gets its own answer until the end (and is not a request to hand off).
    if let Some(state) = handing_off
        && read
        && !matches!(request.path(), "/healthz" | "/readyz")
    {
        // notify_one keeps the news for a waiter that comes later.
        state.drain.turned_away.notify_one();
        let response = stopping(request.path().starts_with("/api/"));
        return Ok(request.into_response(response).map_into_right_body());
    }
    next.call(request)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn stopping(api: bool) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE);
    response
        .insert_header((RETRY_AFTER, "1"))
        .insert_header((CACHE_CONTROL, "no-store"));
    if api {
        // In the reader's language, as the page says it (and as errors.rs answers an outage).
        let tr = crate::i18n::catalog::Tr::current();
        return response.json(serde_json::json!({
            "error": "unavailable",
            "message": tr.t("restarting"),
            "retry_after": 1,
        }));
    }
    let page = super::views::MessagePage {
        heading: Message::id("restarting"),
        paragraphs: vec![Message::id("restarting-text")],
        link: None,
    };
    let body = page
        .render()
        .unwrap_or_else(|_| "This server is restarting.".into());
    response.content_type("text/html; charset=utf-8").body(body)
}
