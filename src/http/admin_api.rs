//! `/api/v1/admin/...`: scripted staff access with `Authorization: Bearer` API tokens. A token
//! acts with its owner's role, and what it does is audited in the owner's name.
//!
//! The export streamed here is the one the console's download button and `undersigned
//! export` write (`crate::export`), so a script and a person get the same bytes.

use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::future::LocalBoxFuture;
use serde_json::json;

use super::AppState;
use super::errors::{Fault, chain, faults_into};
use crate::db::DbError;
use crate::export::{ExportStartError, export_filter, start_export};
use crate::staff::{Actor, Role, api_tokens};

pub fn routes(config: &mut web::ServiceConfig) {
    config.route(
        "/api/v1/admin/letters/{slug}/export.{format}",
        web::get().to(export_letter),
    );
}

async fn export_letter(
    state: web::Data<AppState>,
    staff: ApiStaff,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, AdminApiError> {
    // Every role may export; the check says so where the next endpoint will copy it from.
    staff.require(Role::Viewer)?;
    let (slug, format) = path.into_inner();
    let format = crate::export::requested_format(&format, request.query_string())
        .ok_or(AdminApiError::NotFound)?;
    let filter = export_filter(request.query_string()).map_err(AdminApiError::BadRequest)?;
    start_export(
        &state.pool,
        &slug,
        filter,
        format,
        staff.actor(),
        "API token",
    )
    .await
    .map_err(|error| match error {
        ExportStartError::NotFound => AdminApiError::NotFound,
        ExportStartError::Unavailable(error) => error.into(),
    })
}

/// The staff member an API token acts for.
#[derive(Clone, Debug)]
pub struct ApiStaff {
    pub staff_id: String,
    pub email: String,
    pub role: Role,
}

impl ApiStaff {
    /// Refuses (403) unless the owner's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AdminApiError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(AdminApiError::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            staff_id: Some(self.staff_id.clone()),
            email: self.email.clone(),
        }
    }
}

/// The token from `Authorization: Bearer <token>`, if the header has that form.
fn bearer_token(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

impl FromRequest for ApiStaff {
    type Error = AdminApiError;
    type Future = LocalBoxFuture<'static, Result<ApiStaff, AdminApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| AdminApiError::Fault(Fault::NoState))?;
            let token = token.ok_or(AdminApiError::Unauthorized { presented: false })?;
            let found = state
                .db(move |connection| api_tokens::authenticate(connection, &token))
                .await?;
            let (staff_id, email, role) =
                found.ok_or(AdminApiError::Unauthorized { presented: true })?;
            Ok(ApiStaff {
                staff_id,
                email,
                role,
            })
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminApiError {
    #[error("missing or invalid API token")]
    Unauthorized { presented: bool },
    #[error("this role may not do that")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("failed on our side")]
    Fault(#[from] Fault),
}

faults_into!(AdminApiError: DbError);

impl ResponseError for AdminApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            AdminApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AdminApiError::Forbidden => StatusCode::FORBIDDEN,
            AdminApiError::NotFound => StatusCode::NOT_FOUND,
            AdminApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AdminApiError::Fault(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            AdminApiError::Unauthorized { .. } => json!({
                "error": "unauthorized",
                "message": "Send a live API token as `Authorization: Bearer usg_...`; create one in the console under API tokens.",
            }),
            AdminApiError::Forbidden => json!({
                "error": "forbidden",
                "message": "The token's owner has a role that does not allow this.",
            }),
            AdminApiError::NotFound => json!({"error": "not_found", "message": "No such letter."}),
            AdminApiError::BadRequest(message) => {
                json!({"error": "bad_request", "message": message})
            }
            AdminApiError::Fault(fault) => {
                tracing::error!(cause = %chain(fault), "admin api request failed");
                json!({"error": "internal", "message": "Something went wrong on our side; nothing was changed."})
            }
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if let AdminApiError::Unauthorized { presented } = self {
            // RFC 6750: no error code when no credentials were sent at all.
            let challenge = if *presented {
                r#"Bearer realm="undersigned", error="invalid_token""#
            } else {
                r#"Bearer realm="undersigned""#
            };
            response.insert_header((header::WWW_AUTHENTICATE, challenge));
        }
        response.json(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bearer_tokens_are_read() {
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer  usg_abc "))
            .to_http_request();
        assert_eq!(bearer_token(&request).as_deref(), Some("usg_abc"));
        let basic = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic dXNlcjpwYXNz"))
            .to_http_request();
        assert_eq!(bearer_token(&basic), None);
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(bearer_token(&none), None);
    }
}
