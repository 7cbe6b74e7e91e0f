//! One error type per boundary: `PageError` for the HTML pages, `ApiError` for `/api/v1`.
//! Each is turned into a response in exactly one place; the cause goes to the log, never to
//! the person.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde_json::json;

use super::views::ErrorPage;
use crate::admission::Refused;
use crate::db::DbError;
use crate::i18n::Message;
use crate::invites::AcceptError;
use crate::signatures::SignError;
use crate::signatures::form::FieldErrors;

/// What went wrong on our side, kept whole: the log line carries its cause chain
/// ([`chain`]), the person sees only that something went wrong.
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error(transparent)]
    Invite(#[from] AcceptError),
    #[error("rendering a template")]
    Render(#[from] askama::Error),
    #[error("a background task failed")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error("setting a cookie")]
    Cookie(#[source] actix_web::error::HttpError),
    #[error("{what}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("encoding a share card")]
    Png(#[from] png::EncodingError),
    #[error(transparent)]
    Member(#[from] crate::members::MemberError),
    #[error(transparent)]
    Translation(#[from] crate::letters::translations::TranslationError),
    /// A console step's own error that has no variant here (kept whole all the same).
    #[error("{what}")]
    Step {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The application state was not registered: a wiring mistake, not a request's.
    #[error("application state missing")]
    NoState,
}

impl Fault {
    /// The database is out of reach or too slow for now: the request is answered 503 with
    /// `Retry-After` ([`unavailable`]), not 500.
    pub fn is_unavailable(&self) -> bool {
        let cause: &(dyn std::error::Error + 'static) = match self {
            // Transparent variants forward `source()` past themselves: look at them whole.
            Fault::Database(error) => error,
            Fault::Query(error) => error,
            Fault::Sign(SignError::Unavailable(error)) => error,
            Fault::Sign(SignError::Database(error)) => error,
            Fault::Invite(error) => error,
            Fault::Member(error) => error,
            Fault::Translation(error) => error,
            other => other,
        };
        crate::db::is_unavailable(cause)
    }

    /// Logs the failure: a database outage at WARN (each request of an outage meets it, and
    /// it is not a bug), anything else at ERROR.
    pub fn log(&self, what: &'static str) {
        if self.is_unavailable() {
            tracing::warn!(cause = %chain(self), "{what}: database unavailable, answered 503");
        } else {
            tracing::error!(cause = %chain(self), "{what}");
        }
    }

    pub fn io(what: &'static str, source: std::io::Error) -> Fault {
        Fault::Io { what, source }
    }

    pub fn step(
        what: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Fault {
        Fault::Step {
            what,
            source: Box::new(source),
        }
    }
}

/// An error and its causes on one line (`a: b: c`), for the log. A cause whose words its
/// parent already repeats (`database query failed: {0}`) is not repeated again.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if !line.contains(&words) {
            line.push_str(": ");
            line.push_str(&words);
        }
        source = cause.source();
    }
    line
}

/// `From` each cause a [`Fault`] keeps, for an error type with a `Fault` variant, so that `?`
/// keeps the cause whole.
macro_rules! faults_into {
    ($error:ident: $($cause:ty),+ $(,)?) => {
        $(impl From<$cause> for $error {
            fn from(cause: $cause) -> Self {
                $error::Fault(cause.into())
            }
        })+
    };
}
pub(crate) use faults_into;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("bad request: {0:?}")]
    BadRequest(Message),
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    #[error("refused: {0:?}")]
    Refused(Message),
    /// A post to a public form that is not a urlencoded form (another site, a script).
    #[error("not a form")]
    UnsupportedMediaType,
    #[error("failed on our side")]
    Fault(#[from] Fault),
}

faults_into!(PageError: DbError, diesel::result::Error, SignError, askama::Error);

pub const CROSS_SITE: &str = "This was sent from another site's page. Nothing was signed: open the letter on our site to sign it.";

pub const BLOCKED_NETWORK: &str = "Signatures from your network are not accepted. If you think this is a mistake, contact the coalition.";

/// The refusals a page handler does not answer with its own form.
impl From<Refused> for PageError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::TooManyRequests(wait) => PageError::TooManyRequests(wait),
            Refused::BlockedNetwork => PageError::Refused(Message::id("blocked-network")),
            Refused::CrossSite(_) => PageError::Refused(Message::id("signerloop-cross-site-text")),
            Refused::RetryForm | Refused::Invalid(_) | Refused::LetterClosed => {
                PageError::BadRequest(Message::verbatim(refused.to_string()))
            }
            Refused::Invite(error) => Fault::from(error).into(),
            Refused::Failed(error) => error.into(),
        }
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::TooManyRequests(wait) => ApiError::TooManyRequests(wait),
            Refused::BlockedNetwork => ApiError::Forbidden(BLOCKED_NETWORK),
            Refused::CrossSite(_) => ApiError::Forbidden(CROSS_SITE),
            Refused::LetterClosed => ApiError::LetterClosed,
            Refused::RetryForm => ApiError::StaleFormToken,
            Refused::Invalid(fields) => ApiError::Validation(fields),
            Refused::Invite(error) => ApiError::Fault(error.into()),
            Refused::Failed(error) => error.into(),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Refused(_) => StatusCode::FORBIDDEN,
            PageError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PageError::Fault(fault) if fault.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Fault(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::UnsupportedMediaType = self {
            return unsupported_media_type();
        }
        let (heading, message) = match self {
            PageError::UnsupportedMediaType => (
                Message::id("form-unreadable"),
                Message::id("form-unreadable-text"),
            ),
            PageError::NotFound => (Message::id("not-found"), Message::id("not-found-text")),
            PageError::BadRequest(message) => (Message::id("bad-request"), message.clone()),
            PageError::TooManyRequests(_) => {
                (Message::id("too-many"), Message::id("too-many-text"))
            }
            PageError::Refused(message) => (Message::id("not-accepted"), message.clone()),
            PageError::Fault(fault) if fault.is_unavailable() => {
                fault.log("request failed");
                (Message::id("unavailable"), Message::id("unavailable-text"))
            }
            PageError::Fault(fault) => {
                fault.log("request failed");
                (
                    Message::id("server-error"),
                    Message::id("server-error-text"),
                )
            }
        };
        let page = ErrorPage { heading, message };
        let body = page.render().unwrap_or_else(|_| {
            let heading = crate::i18n::catalog::Tr::current().message(&page.heading);
            format!("<!doctype html><title>{heading}</title><h1>{heading}</h1>")
        });
        let mut response = HttpResponse::build(self.status_code());
        match self {
            PageError::TooManyRequests(wait) => {
                response.insert_header((actix_web::http::header::RETRY_AFTER, retry_after(*wait)));
            }
            PageError::Fault(fault) if fault.is_unavailable() => {
                unavailable(&mut response);
            }
            _ => {}
        }
        response.content_type("text/html; charset=utf-8").body(body)
    }
}

/// The headers of a 503 for a database outage: when to try again, and that the answer is
/// not to be cached.
pub fn unavailable(response: &mut actix_web::HttpResponseBuilder) {
    response
        .insert_header((
            actix_web::http::header::RETRY_AFTER,
            retry_after(UNAVAILABLE_RETRY_AFTER),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
}

/// The page for a post that is not a form: what it is, and a way on.
fn unsupported_media_type() -> HttpResponse {
    let page = super::views::MessagePage {
        heading: Message::id("form-unreadable"),
        paragraphs: vec![Message::id("form-unreadable-text")],
        link: Some(("/".into(), Message::id("see-open-letters"))),
    };
    match page.render() {
        Ok(body) => HttpResponse::build(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(error) => PageError::Fault(error.into()).error_response(),
    }
}

/// How long a client is asked to wait (`Retry-After`) when the database is unavailable: long
/// enough for a restart or a fail-over, short enough that a person tries again.
pub const UNAVAILABLE_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(5);

/// Whole seconds, at least one.
pub fn retry_after(wait: std::time::Duration) -> String {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        .max(1)
        .to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("invalid fields")]
    Validation(FieldErrors),
    #[error("this letter does not accept signatures now")]
    LetterClosed,
    #[error("{0}")]
    BadRequest(String),
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    /// Refused for who is asking (a blocked network), with a message for a person.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The form token is missing, forged, too fresh or expired: fetch a new one and send again.
    #[error("form token refused")]
    StaleFormToken,
    #[error("failed on our side")]
    Fault(#[from] Fault),
}

faults_into!(ApiError: DbError, diesel::result::Error, askama::Error);

impl From<SignError> for ApiError {
    fn from(error: SignError) -> Self {
        match error {
            SignError::LetterClosed => ApiError::LetterClosed,
            other => ApiError::Fault(other.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::LetterClosed => StatusCode::CONFLICT,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::StaleFormToken => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Fault(fault) if fault.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Fault(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            ApiError::NotFound => json!({"error": "not_found", "message": "No such letter."}),
            ApiError::Validation(fields) => {
                json!({"error": "invalid_fields", "message": "Some fields are not valid.", "fields": fields})
            }
            ApiError::LetterClosed => {
                json!({"error": "letter_closed", "message": "This letter does not accept signatures now."})
            }
            ApiError::BadRequest(message) => json!({"error": "bad_request", "message": message}),
            ApiError::TooManyRequests(_) => {
                json!({"error": "too_many_requests", "message": "Too many requests from your address; wait and try again."})
            }
            ApiError::Forbidden(message) => json!({"error": "forbidden", "message": message}),
            ApiError::StaleFormToken => json!({
                "error": "form_token",
                "message": "Send the form_token from GET /api/v1/letters/{slug}; it must be at least a few seconds old and is valid for a limited time. Fetch a fresh one and send again.",
            }),
            ApiError::Fault(fault) if fault.is_unavailable() => {
                fault.log("api request failed");
                // In the reader's language, as the pages say it: a script shows it to a person.
                let tr = crate::i18n::catalog::Tr::current();
                json!({
                    "error": "unavailable",
                    "message": tr.t("unavailable-text"),
                    "retry_after": UNAVAILABLE_RETRY_AFTER.as_secs(),
                })
            }
            ApiError::Fault(fault) => {
                fault.log("api request failed");
                json!({"error": "internal", "message": "Something went wrong on our side; nothing was changed."})
            }
        };
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::TooManyRequests(wait) => {
                response.insert_header((actix_web::http::header::RETRY_AFTER, retry_after(*wait)));
            }
            ApiError::Fault(fault) if fault.is_unavailable() => unavailable(&mut response),
            _ => {}
        }
        response.json(body)
    }
}

/// A query string (or path) that does not parse: JSON on the API, like every other API error;
/// the usual error page elsewhere.
pub fn extractor_error(
    cause: impl std::fmt::Display,
    request: &actix_web::HttpRequest,
) -> actix_web::Error {
    let message = format!("The address is not valid: {cause}.");
    let response = if request.path().starts_with("/api/") {
        ApiError::BadRequest(message.clone()).error_response()
    } else if request.path().starts_with("/admin") {
        super::admin::AdminError::BadRequest(message.clone()).error_response()
    } else {
        PageError::BadRequest(Message::verbatim(message.clone())).error_response()
    };
    actix_web::error::InternalError::from_response(message, response).into()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Collects what the fmt layer writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut buffer) = self.0.lock() {
                buffer.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(respond: impl FnOnce() -> HttpResponse) -> (HttpResponse, String) {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, respond);
        let bytes = captured.0.lock().map(|b| b.clone()).unwrap_or_default();
        (response, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The cause of a failure reaches the log line whole; the person sees a plain page.
    #[test]
    fn the_log_line_carries_the_cause_chain_and_the_page_does_not() {
        let cause = std::io::Error::other("disk on fire");
        let error = PageError::from(Fault::io("reading an asset", cause));
        let (response, log) = logged(|| error.error_response());
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(log.contains("ERROR"), "{log}");
        assert!(log.contains("reading an asset: disk on fire"), "{log}");

        let database = DbError::Query(diesel::result::Error::NotFound);
        let error = ApiError::from(database);
        let (response, log) = logged(|| error.error_response());
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            log.contains("database query failed: Record not found"),
            "{log}"
        );
        // The words are not repeated when a message already names its cause.
        assert_eq!(log.matches("Record not found").count(), 1, "{log}");
    }

    #[test]
    fn the_chain_names_every_cause_once() {
        let inner = std::io::Error::other("no space left");
        let fault = Fault::step("saving a letter", Fault::io("writing", inner));
        assert_eq!(chain(&fault), "saving a letter: writing: no space left");
    }
}
