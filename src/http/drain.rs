//! Draining before a stop. From SIGTERM on (`startup::stop_on_signal`) the instance tells a
//! balancer to stop sending traffic (`/readyz` 503) while it goes on serving every request
//! for `server.drain_seconds`, and closes each connection after its response. When the
//! listener closes at the end of the drain, no balancer holds an idle connection to it that
//! the graceful stop would close under a request being sent (which nginx cannot resend when it
//! is a POST): a balancer that did not stop in time sees a refused connection, a request never
//! sent, which it resends to another instance whatever its method.

use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web;

use super::AppState;

/// Whether this instance is draining; shared by every worker and both listeners.
#[derive(Debug, Default)]
pub struct Drain {
    draining: AtomicBool,
}

impl Drain {
    /// From now on `/readyz` fails and every response closes its connection.
    pub fn begin(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// While draining, a response says `Connection: close` and the connection ends after it, so
/// that a balancer opens a new one (to whichever instance it then picks) for its next request.
/// Checked after the handler, so that a request in flight when the drain began closes too.
pub async fn close_while_draining(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = request.app_data::<web::Data<AppState>>().cloned();
    // A handler's error is already a response here (actix turns it into one at the route).
    let mut response = next.call(request).await?;
    if state.is_some_and(|state| state.drain.is_draining()) {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}
