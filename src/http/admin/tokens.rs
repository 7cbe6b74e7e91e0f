//! Console pages: personal API tokens for scripts. Each staff member sees and manages only
//! their own; a token acts with its owner's role. The secret is shown once, on the page that
//! answers the creation, and only its hash is stored.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{AdminError, Nav, Staff, page, redirect};
use crate::db::{self, DbError};
use crate::http::AppState;
use crate::staff::api_tokens;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/tokens", web::get().to(list))
        .route("/admin/tokens", web::post().to(create))
        .route("/admin/tokens/{id}/revoke", web::post().to(revoke));
}

struct TokenRow {
    name: String,
    created_at: String,
    last_used_at: String,
    revoked_at: Option<String>,
    revoke_action: String,
}

/// The token just created, shown once.
struct NewToken {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    nav: Nav,
    rows: Vec<TokenRow>,
    create_action: String,
    created: Option<NewToken>,
    name: String,
    problem: Option<String>,
    api_base: String,
}

fn time(value: Option<NaiveDateTime>) -> String {
    value
        .map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "never".into())
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    created: Option<NewToken>,
    name: String,
    problem: Option<String>,
) -> Result<HttpResponse, AdminError> {
    let staff_id = staff.0.staff_id.clone();
    let tokens = state
        .db(move |connection| api_tokens::list_for(connection, &staff_id))
        .await?;
    let rows = tokens
        .into_iter()
        .map(|token| TokenRow {
            revoke_action: staff.action(&format!("/admin/tokens/{}/revoke", token.id)),
            name: token.name,
            created_at: time(Some(token.created_at)),
            last_used_at: time(token.last_used_at),
            revoked_at: token.revoked_at.map(|revoked| time(Some(revoked))),
        })
        .collect();
    page(
        status,
        &TokensPage {
            nav: staff.nav(),
            rows,
            create_action: staff.action("/admin/tokens"),
            created,
            name,
            problem,
            api_base: format!("{}/api/v1/admin", state.policy.public_base),
        },
    )
}

async fn list(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AdminError> {
    render(&state, &staff, StatusCode::OK, None, String::new(), None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
}

async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AdminError> {
    let typed = form.into_inner().name;
    // The same text rules as every other name: token names show in the console and the audit
    // log.
    let (name, problem) = match api_tokens::check_name(&typed) {
        Ok(name) => (name, None),
        Err(crate::values::text::TextError::Empty) => (
            String::new(),
            Some(
                "Give the token a name that says where it is used, such as \"delivery script\"."
                    .to_owned(),
            ),
        ),
        Err(error) => (typed.trim().to_owned(), Some(error.to_string())),
    };
    if let Some(problem) = problem {
        return render(
            &state,
            &staff,
            StatusCode::BAD_REQUEST,
            None,
            name,
            Some(problem),
        )
        .await;
    }
    let staff_id = staff.0.staff_id.clone();
    let actor = staff.actor();
    let token_name = name.clone();
    let (token, secret) = state
        .with_connection(move |connection| {
            api_tokens::create(connection, &staff_id, &token_name, &actor).map_err(DbError::from)
        })
        .await?;
    // Answered directly rather than redirected: the secret must not travel in a URL, and
    // this page (never cached) is the only time it is shown.
    render(
        &state,
        &staff,
        StatusCode::OK,
        Some(NewToken {
            name: token.name,
            secret,
        }),
        String::new(),
        None,
    )
    .await
}

async fn revoke(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    answer: Option<web::Form<super::confirm::Answer>>,
) -> Result<HttpResponse, AdminError> {
    let token_id = id.into_inner();
    if !super::confirm::Answer::given(&answer) {
        let (owner, wanted) = (staff.0.staff_id.clone(), token_id.clone());
        let token = state
            .db(move |connection| {
                Ok::<_, diesel::result::Error>(
                    api_tokens::list_for(connection, &owner)?
                        .into_iter()
                        .find(|token| token.id == wanted && token.revoked_at.is_none()),
                )
            })
            .await?
            .ok_or(AdminError::NotFound)?;
        return super::confirm::ask(
            &staff,
            super::confirm::Question {
                about: ("/admin/tokens".into(), "API tokens".into()),
                heading: format!("Revoke the token “{}”?", token.name),
                consequence: "Scripts using it are refused from now on. A revoked token cannot be used again; make a new one if you need it.".into(),
                action: staff.action(&format!("/admin/tokens/{token_id}/revoke")),
                fields: Vec::new(),
                button: "Revoke the token".into(),
                destructive: true,
            },
        );
    }
    let staff_id = staff.0.staff_id.clone();
    let actor = staff.actor();
    let found = state
        .with_connection(move |connection| {
            db::write_transaction(connection, |connection| {
                // Only the owner's own tokens; someone else's is "not found", not "forbidden".
                let Some(token) = api_tokens::list_for(connection, &staff_id)?
                    .into_iter()
                    .find(|token| token.id == token_id)
                else {
                    return Ok::<_, DbError>(false);
                };
                api_tokens::revoke(connection, &staff_id, &token.id, &actor)?;
                Ok(true)
            })
        })
        .await?;
    if !found {
        return Err(AdminError::NotFound);
    }
    Ok(redirect("/admin/tokens"))
}
