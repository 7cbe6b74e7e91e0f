//! `/api/v1/admin/...`: scripted staff access with `Authorization: Bearer` API tokens. Each
//! route names the scope it needs (`ApiStaff::require`): a token of another scope is refused
//! 403 saying which scope it would need, an expired one 401 saying when it expired. A token
//! never does more than its owner's role allows now, and what it does is audited in the
//! owner's name.
//!
//! The export streamed here is the one the console's download button and `undersigned
//! export` write (`crate::export`), so a script and a person get the same bytes.

use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use serde_json::json;

use super::AppState;
use super::errors::{Fault, chain, faults_into};
use crate::db::DbError;
use crate::export::{ExportStartError, export_filter, start_export};
use crate::letters::Letter;
use crate::signatures::moderation::{self, Decision, DecisionOutcome};
use crate::signatures::{SignError, lists, tally};
use crate::staff::api_tokens::{self, Presented, Scope};
use crate::staff::{Actor, Role};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route(
            "/api/v1/admin/letters/{slug}/counts",
            web::get().to(letter_counts),
        )
        .route(
            "/api/v1/admin/letters/{slug}/export.{format}",
            web::get().to(export_letter),
        )
        .route(
            "/api/v1/admin/letters/{slug}/signatures/{id}/{decision}",
            web::post().to(decide),
        );
}

async fn find_letter(state: &AppState, slug: String) -> Result<Letter, AdminApiError> {
    if !crate::letters::is_valid_slug(&slug) {
        return Err(AdminApiError::NotFound);
    }
    state
        .db(move |connection| crate::letters::find_by_slug(connection, &slug))
        .await?
        .ok_or(AdminApiError::NotFound)
}

/// A letter's numbers, for a dashboard or a progress script: no names, no addresses.
async fn letter_counts(
    state: web::Data<AppState>,
    staff: ApiStaff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminApiError> {
    staff.require(Scope::Counts)?;
    let letter = find_letter(&state, slug.into_inner()).await?;
    let letter_id = letter.id.to_string();
    let (counted, listed, tally) = state
        .db(move |connection| {
            let (counted, listed) = lists::counted_and_listed(connection, &letter)?;
            let tally = tally::signature_tally(connection, &letter_id)?;
            Ok::<_, diesel::result::Error>((counted, listed, tally))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({
            "counted": {
                "individuals": counted.individuals,
                "organizations": counted.organizations,
                "total": counted.total(),
            },
            "listed": {
                "individuals": listed.individuals,
                "organizations": listed.organizations,
                "total": listed.total(),
            },
            "pending": tally.pending(),
            "awaiting_approval": tally.awaiting_approval(),
        })))
}

async fn export_letter(
    state: web::Data<AppState>,
    staff: ApiStaff,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, AdminApiError> {
    staff.require(Scope::Export)?;
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

/// Approves or rejects one organization's sign-on, as the console's buttons and
/// `undersigned signatures approve|reject` do (the same function, emails and audit).
async fn decide(
    state: web::Data<AppState>,
    staff: ApiStaff,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AdminApiError> {
    staff.require(Scope::Manage)?;
    let (slug, id, decision) = path.into_inner();
    let decision = match decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        _ => return Err(AdminApiError::NotFound),
    };
    let letter = find_letter(&state, slug).await?;
    let slug = letter.slug.to_string();
    let actor = staff.actor();
    let policy = state.policy.clone();
    let ids = vec![id.clone()];
    let outcomes: Vec<(String, DecisionOutcome)> = state
        .with_connection(move |connection| {
            moderation::decide(
                connection,
                &letter,
                &ids,
                decision,
                None,
                moderation::Decider::of(&actor),
                &policy,
            )
        })
        .await?;
    match outcomes.into_iter().next().map(|(_, outcome)| outcome) {
        Some(DecisionOutcome::Done) => {
            state.snapshots.invalidate(&slug);
            state.mail_wakeup.notify_one();
            let state = match decision {
                Decision::Approve => "approved",
                Decision::Reject => "rejected",
            };
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(json!({"id": id, "state": state})))
        }
        Some(DecisionOutcome::NotInReviewableState(now)) => Err(AdminApiError::Conflict(format!(
            "This sign-on is {now}; it was left as it was."
        ))),
        Some(DecisionOutcome::NotAnOrganization) => Err(AdminApiError::Conflict(
            "Only organizations' sign-ons are approved or rejected.".into(),
        )),
        Some(DecisionOutcome::NotOnThisLetter) | None => Err(AdminApiError::NotFound),
    }
}

/// The staff member an API token acts for, and the token's scope.
#[derive(Clone, Debug)]
pub struct ApiStaff {
    pub staff_id: String,
    pub email: String,
    pub role: Role,
    pub scope: Scope,
}

impl ApiStaff {
    /// Refuses (403, saying why) unless the token's scope allows `needed` and its owner's role
    /// still does (a role lowered since the token was made lowers the token with it).
    pub fn require(&self, needed: Scope) -> Result<(), AdminApiError> {
        if !self.scope.allows(needed) {
            return Err(AdminApiError::Forbidden(format!(
                "This token's scope is \"{}\"; this needs a token with the \"{needed}\" scope. Make one in the console under API tokens.",
                self.scope
            )));
        }
        if !self.role.allows(needed.minimum_role()) {
            return Err(AdminApiError::Forbidden(format!(
                "The token's owner is now a {}, and a {} may not use the \"{needed}\" scope.",
                self.role.as_str(),
                self.role.as_str()
            )));
        }
        Ok(())
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
            match found {
                Presented::Live(holder) => Ok(ApiStaff {
                    staff_id: holder.staff_id,
                    email: holder.email,
                    role: holder.role,
                    scope: holder.scope,
                }),
                Presented::Expired(at) => Err(AdminApiError::Expired(at)),
                Presented::Refused => Err(AdminApiError::Unauthorized { presented: true }),
            }
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminApiError {
    #[error("missing or invalid API token")]
    Unauthorized { presented: bool },
    #[error("API token expired at {0}")]
    Expired(NaiveDateTime),
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("failed on our side")]
    Fault(#[from] Fault),
}

faults_into!(AdminApiError: DbError, SignError);

impl ResponseError for AdminApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            AdminApiError::Unauthorized { .. } | AdminApiError::Expired(_) => {
                StatusCode::UNAUTHORIZED
            }
            AdminApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            AdminApiError::NotFound => StatusCode::NOT_FOUND,
            AdminApiError::Conflict(_) => StatusCode::CONFLICT,
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
            AdminApiError::Expired(at) => json!({
                "error": "token_expired",
                "message": format!(
                    "This API token expired on {}; make a new one in the console under API tokens.",
                    at.format("%Y-%m-%d %H:%M UTC")
                ),
            }),
            AdminApiError::Forbidden(reason) => json!({"error": "forbidden", "message": reason}),
            AdminApiError::NotFound => {
                json!({"error": "not_found", "message": "No such letter or sign-on."})
            }
            AdminApiError::Conflict(message) => json!({"error": "conflict", "message": message}),
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
        // RFC 6750: no error code when no credentials were sent at all.
        let challenge = match self {
            AdminApiError::Unauthorized { presented: false } => {
                Some(r#"Bearer realm="undersigned""#)
            }
            AdminApiError::Unauthorized { presented: true } => {
                Some(r#"Bearer realm="undersigned", error="invalid_token""#)
            }
            AdminApiError::Expired(_) => Some(
                r#"Bearer realm="undersigned", error="invalid_token", error_description="The token expired""#,
            ),
            AdminApiError::Forbidden(_) => {
                Some(r#"Bearer realm="undersigned", error="insufficient_scope""#)
            }
            _ => None,
        };
        if let Some(challenge) = challenge {
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
