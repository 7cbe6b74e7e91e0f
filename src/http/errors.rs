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
use crate::signatures::SignError;
use crate::signatures::form::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many requests")]
    TooManyRequests(std::time::Duration),
    #[error("refused")]
    Refused(&'static str),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for PageError {
    fn from(error: DbError) -> Self {
        PageError::Internal(error.to_string())
    }
}

impl From<diesel::result::Error> for PageError {
    fn from(error: diesel::result::Error) -> Self {
        PageError::Internal(error.to_string())
    }
}

impl From<SignError> for PageError {
    fn from(error: SignError) -> Self {
        PageError::Internal(error.to_string())
    }
}

pub const BLOCKED_NETWORK: &str = "Signatures from your network are not accepted. If you think this is a mistake, contact the coalition.";

/// The refusals a page handler does not answer with its own form.
impl From<Refused> for PageError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::TooManyRequests(wait) => PageError::TooManyRequests(wait),
            Refused::BlockedNetwork => PageError::Refused(BLOCKED_NETWORK),
            Refused::RetryForm | Refused::Invalid(_) | Refused::LetterClosed => {
                PageError::BadRequest(refused.to_string())
            }
            Refused::Invite(error) => PageError::Internal(error.to_string()),
            Refused::Failed(error) => PageError::Internal(error.to_string()),
        }
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::TooManyRequests(wait) => ApiError::TooManyRequests(wait),
            Refused::BlockedNetwork => ApiError::Forbidden(BLOCKED_NETWORK),
            Refused::LetterClosed => ApiError::LetterClosed,
            Refused::RetryForm => ApiError::StaleFormToken,
            Refused::Invalid(fields) => ApiError::Validation(fields),
            Refused::Invite(error) => ApiError::Internal(error.to_string()),
            Refused::Failed(error) => error.into(),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        PageError::Internal(format!("template: {error}"))
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Refused(_) => StatusCode::FORBIDDEN,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (heading, message) = match self {
            PageError::NotFound => (
                "Page not found",
                "There is no page at this address. The letter may have moved, or the address was mistyped.".to_owned(),
            ),
            PageError::BadRequest(message) => ("That did not work", message.clone()),
            PageError::TooManyRequests(_) => (
                "Too many requests",
                "Too many requests came from your address in a short time. Wait a minute and try again.".to_owned(),
            ),
            PageError::Refused(message) => ("Not accepted", (*message).to_owned()),
            PageError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    "Something went wrong on our side",
                    "Nothing was changed. Please try again in a moment.".to_owned(),
                )
            }
        };
        let page = ErrorPage {
            heading,
            message: &message,
        };
        let body = page.render().unwrap_or_else(|_| {
            format!("<!doctype html><title>{heading}</title><h1>{heading}</h1>")
        });
        let mut response = HttpResponse::build(self.status_code());
        if let PageError::TooManyRequests(wait) = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, retry_after(*wait)));
        }
        response.content_type("text/html; charset=utf-8").body(body)
    }
}

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
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<SignError> for ApiError {
    fn from(error: SignError) -> Self {
        match error {
            SignError::LetterClosed => ApiError::LetterClosed,
            other => ApiError::Internal(other.to_string()),
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
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "api request failed");
                json!({"error": "internal", "message": "Something went wrong on our side; nothing was changed."})
            }
        };
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::TooManyRequests(wait) = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, retry_after(*wait)));
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
        PageError::BadRequest(message.clone()).error_response()
    };
    actix_web::error::InternalError::from_response(message, response).into()
}
