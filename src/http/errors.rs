//! One error type per boundary: `PageError` for the HTML pages, `ApiError` for `/api/v1`.
//! Each is turned into a response in exactly one place; the cause goes to the log, never to
//! the person.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde_json::json;

use super::views::ErrorPage;
use crate::db::DbError;
use crate::signatures::SignError;
use crate::signatures::form::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
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
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(body)
    }
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
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "api request failed");
                json!({"error": "internal", "message": "Something went wrong on our side; nothing was changed."})
            }
        };
        HttpResponse::build(self.status_code()).json(body)
    }
}
