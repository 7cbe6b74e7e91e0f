//! Headers every response carries (HSTS when the public address is https), HEAD answered
//! like GET, and the per-request log line and metrics.

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use futures_util::StreamExt;
use tracing::Instrument;

use super::AppState;

/// Scripts and styles only from this site, no plugins, no framing, forms only to this site.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The same policy without its `frame-ancestors`, for the one page that may be framed.
const CONTENT_SECURITY_POLICY_FRAMEABLE: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'";

/// Put in a response's extensions by a handler whose page member sites may frame (the embed).
/// Every other response, errors included, refuses framing.
#[derive(Clone, Copy, Debug)]
pub struct Frameable;

/// The embed's policy: framing only by `embed.allowed_origins` (origins checked at start-up,
/// so none can add a directive), and no `X-Frame-Options`, which cannot name an origin and
/// would make older browsers refuse every frame. With no origin configured it stays `'none'`.
fn frameable_policy(
    embed: &crate::config::EmbedSettings,
    image_hosts: &[String],
) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{}; frame-ancestors {}",
        with_image_hosts(CONTENT_SECURITY_POLICY_FRAMEABLE, image_hosts),
        embed.frame_ancestors()
    ))
    .ok()
}

/// `policy` with `img-src` allowing `Settings::remote_image_hosts` too (letters' images and
/// members' logos, over https).
/// The hosts were checked at start-up to be bare host names, so none can add a directive.
fn with_image_hosts(policy: &str, image_hosts: &[String]) -> String {
    if image_hosts.is_empty() {
        return policy.to_owned();
    }
    let hosts: Vec<String> = image_hosts
        .iter()
        .map(|host| format!("https://{host}"))
        .collect();
    policy.replace(
        "img-src 'self' data:",
        &format!("img-src 'self' data: {}", hosts.join(" ")),
    )
}

pub async fn security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let https = state.as_ref().is_some_and(|state| state.secure_cookies);
    let mut response = next.call(request).await?;
    let framing = match &state {
        Some(state)
            if response
                .response()
                .extensions()
                .get::<Frameable>()
                .is_some()
                && !state.settings.embed.allowed_origins.is_empty() =>
        {
            frameable_policy(&state.settings.embed, &state.settings.remote_image_hosts())
        }
        _ => None,
    };
    let framed = framing.is_some();
    // Any other page may show letters' images and members' logos from the allowed hosts.
    let images = match &state {
        Some(state) if !framed => {
            let hosts = state.settings.remote_image_hosts();
            if hosts.is_empty() {
                None
            } else {
                HeaderValue::from_str(&with_image_hosts(CONTENT_SECURITY_POLICY, &hosts)).ok()
            }
        }
        _ => None,
    };
    let headers = response.headers_mut();
    if let Some(policy) = framing {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if let Some(policy) = images
        && !headers.contains_key(header::CONTENT_SECURITY_POLICY)
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in defaults {
        // A handler that set its own value (a stricter Referrer-Policy, say) keeps it.
        // A frameable page sends no X-Frame-Options (its policy above says who may frame it).
        let frameable = framed && name == header::X_FRAME_OPTIONS;
        if !headers.contains_key(&name) && !frameable {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if https {
        // Once a browser has seen the site over https it never tries plain http again, so a
        // network in between cannot strip TLS from the sign form or the console. Subdomains
        // are left out: they may be other services the organization runs without TLS.
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    Ok(response)
}

/// A year, the value browsers' preload lists expect.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The address as it is routed, before anything else sees it: `HEAD` is answered like `GET`
/// (the request is routed as a GET and the HTTP layer, which remembers that the client asked
/// for HEAD, sends the headers, with the body's length, and no body; handlers change nothing
/// on GET, so this is safe for every route), and a `/{lang}/` prefix is taken off
/// (`language::take_address_language`). One layer for both: every request passes here.
pub async fn routed_address(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if request.method() == Method::HEAD {
        request.head_mut().method = Method::GET;
    }
    super::language::take_address_language(&mut request);
    next.call(request).await
}

/// The header that carries a request's id, to the client and from a trusted proxy.
pub const REQUEST_ID: &str = "x-request-id";

/// The longest request id taken from a proxy: a UUID is 36 characters, nginx's
/// `$request_id` 32; anything past this is not an id but a payload.
const REQUEST_ID_MAX: usize = 64;

/// A request's id: the one a trusted proxy sent (nginx's `$request_id`, so one id follows the
/// request through both logs), when it is well formed; otherwise a new random one. A client
/// that is not a trusted proxy cannot choose the id, so it cannot make its requests look
/// like someone else's in the log or put text of its own there.
fn request_id(request: &ServiceRequest, state: Option<&AppState>) -> String {
    let from_proxy = request
        .peer_addr()
        .is_some_and(|peer| state.is_some_and(|state| state.defenses.is_trusted_proxy(peer.ip())));
    let forwarded = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| from_proxy && is_well_formed_request_id(id));
    match forwarded {
        Some(id) => id.to_owned(),
        None => uuid::Uuid::new_v4().simple().to_string(),
    }
}

/// Letters, digits, `-`, `_` and `.`, at most [`REQUEST_ID_MAX`]: every common generator's
/// ids, and nothing that could break a log line or a header.
fn is_well_formed_request_id(id: &str) -> bool {
    (1..=REQUEST_ID_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// Counts every request by its route pattern (never the raw path, which carries tokens) and
/// logs it when `log.requests` is on, with the client's address (as the rate limits see it,
/// behind trusted proxies), the request's id and the instance's name; a malformed request is
/// counted as a client error and logged at info either way. The id is sent back in
/// `X-Request-Id`, and every line logged while the request is handled carries it (the
/// `request` span), so a person quoting it from an error page finds all of them.
pub async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let method = request.method().clone();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let id = request_id(&request, state.as_ref().map(|state| state.get_ref()));
    let client = state
        .as_ref()
        .and_then(|state| state.client_address(request.request()));
    let span = tracing::info_span!("request", id = %id);
    let mut response = next.call(request).instrument(span).await?;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(REQUEST_ID), value);
    }
    if let Some(state) = state {
        state.metrics.record_request(&route, status, seconds);
        let malformed = crate::metrics::is_malformed(status);
        if malformed {
            state.metrics.record_client_error(&route);
        }
        let client = client
            .map(|address| address.to_string())
            .unwrap_or_else(|| "unknown".to_owned());
        let instance = crate::telemetry::instance();
        if malformed && !state.settings.log.requests {
            // The client's mistake, not ours: never an error line, or any scanner could fill
            // the error log.
            tracing::info!(
                target: "undersigned::request",
                method = %method,
                route = %route,
                status,
                client = %client,
                request_id = %id,
                instance,
                "malformed request"
            );
        } else if state.settings.log.requests {
            tracing::info!(
                target: "undersigned::request",
                method = %method,
                route = %route,
                status,
                duration_ms = (seconds * 1000.0).round() as u64,
                client = %client,
                request_id = %id,
                instance,
                "request"
            );
        }
    }
    Ok(response)
}

/// The most of a JSON body read to look for a NUL: more than any JSON body the service takes
/// (`server.max_body_bytes`). A longer body passes on as it
/// came, and the extractor's own limit refuses it.
const NUL_SCAN_LIMIT: usize = 4 * 1024 * 1024;

/// Whether percent-encoded text (a path, a query string, a form) holds a NUL.
fn has_encoded_nul(raw: &[u8]) -> bool {
    raw.contains(&0) || raw.windows(3).any(|window| window == b"%00")
}

/// Whether a JSON text holds a NUL: a raw one, or a `\u0000` escape (not the text
/// `\\u0000`, a backslash followed by "u0000").
fn json_has_nul(raw: &[u8]) -> bool {
    if raw.contains(&0) {
        return true;
    }
    let mut backslashes = 0;
    for (index, byte) in raw.iter().enumerate() {
        if *byte == b'\\' {
            backslashes += 1;
            continue;
        }
        if backslashes % 2 == 1 && raw[index..].starts_with(b"u0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

/// Whether the request carries a JSON body.
fn is_json(request: &ServiceRequest) -> bool {
    !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"))
}

/// A 400 in the area's own format: JSON on the API, the console's page in the console, the
/// public error page elsewhere.
fn refused(request: ServiceRequest, message: &str) -> ServiceResponse<BoxBody> {
    use actix_web::ResponseError;
    let path = request.path();
    let response = if path.starts_with("/api/") {
        super::errors::ApiError::BadRequest(message.to_owned()).error_response()
    } else if path.starts_with("/admin") {
        super::admin::AdminError::BadRequest(message.to_owned()).error_response()
    } else {
        super::errors::PageError::BadRequest(crate::i18n::message::Message::verbatim(message))
            .error_response()
    };
    request.into_response(response)
}

/// No text anyone sends holds a NUL character, and PostgreSQL cannot store one (SQLite can):
/// a NUL in the address, the query string or a JSON body is refused here with a 400, once
/// for every route, before any handler or database sees it. Without this a NUL in a search
/// or an id reached PostgreSQL and came back as a 500 and an error line. A form's fields are
/// left to the text rules, which name the field ("control characters") so the person can fix
/// it; the fields no text rule reads (an email to sign in with, an id) refuse it themselves.
pub async fn refuse_nul(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let uri = request.uri();
    let in_address = has_encoded_nul(uri.path().as_bytes())
        || uri
            .query()
            .is_some_and(|query| has_encoded_nul(query.as_bytes()));
    if in_address {
        return Ok(refused(
            request,
            "The address contains a NUL character (%00), which no text may hold.",
        ));
    }
    if is_json(&request) {
        let mut payload = request.take_payload();
        let mut read = web::BytesMut::new();
        let mut whole = true;
        while let Some(chunk) = payload.next().await {
            match chunk {
                Ok(chunk) => read.extend_from_slice(&chunk),
                Err(error) => return Ok(request.error_response(error)),
            }
            if read.len() > NUL_SCAN_LIMIT {
                whole = false;
                break;
            }
        }
        let read = read.freeze();
        if whole {
            if json_has_nul(&read) {
                return Ok(refused(
                    request,
                    "The request contains a NUL character (\\u0000), which no text may hold.",
                ));
            }
            request.set_payload(actix_web::dev::Payload::from(read));
        } else {
            // Too long to be a body we take: passed on as it came, for the JSON limit to
            // refuse.
            let rest = futures_util::stream::once(async move { Ok(read) }).chain(payload);
            request.set_payload(actix_web::dev::Payload::Stream {
                payload: Box::pin(rest),
            });
        }
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_however_it_is_spelled() {
        assert!(has_encoded_nul(b"q=a%00b"));
        assert!(has_encoded_nul(b"/admin/x%00"));
        assert!(has_encoded_nul(b"name=a\0"));
        assert!(!has_encoded_nul(b"q=100%25&x=%2500"));
        assert!(json_has_nul(br#"{"name":"a\u0000"}"#));
        assert!(json_has_nul(br#"{"name":"\\\u0000"}"#));
        assert!(!json_has_nul(br#"{"name":"\\u0000"}"#));
        assert!(json_has_nul(br#"{"name":"\u00001"}"#));
        assert!(json_has_nul(b"{\"name\":\"\0\"}"));
        assert!(!json_has_nul(br#"{"name":"u0000 \u0041"}"#));
    }

    #[test]
    fn only_plain_short_request_ids_are_taken_from_a_proxy() {
        assert!(is_well_formed_request_id(
            "0f8e1c2a9b7d4e6f8a0b1c2d3e4f5a6b"
        ));
        assert!(is_well_formed_request_id(
            "019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b"
        ));
        assert!(!is_well_formed_request_id(""));
        assert!(!is_well_formed_request_id(&"a".repeat(REQUEST_ID_MAX + 1)));
        assert!(!is_well_formed_request_id("id with spaces"));
        assert!(!is_well_formed_request_id("id\" level=ERROR"));
        assert!(!is_well_formed_request_id("caf\u{e9}"));
    }
}
