//! Console page for staff accounts (admins only): who may use the console, with which role;
//! add or update an account, disable one. Disabling ends its sessions and API tokens at once;
//! so does a new password (except the session of the admin who set it).

use crate::http::admin::{Admin, Console};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{AdminError, Nav, Staff, page, redirect};
use crate::db::DbError;
use crate::http::AppState;
use crate::staff::{self, Role};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/staff", web::get().to(list))
        .route("/admin/staff", web::post().to(save))
        .route("/admin/staff/{id}/disable", web::post().to(disable));
}

struct AccountRow {
    email: String,
    role: String,
    created_at: String,
    disabled: bool,
    disable_action: String,
    is_self: bool,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct AccountsPage {
    nav: Nav,
    rows: Vec<AccountRow>,
    save_action: String,
    problem: Option<String>,
    email: String,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    problem: Option<String>,
    email: String,
) -> Result<HttpResponse, AdminError> {
    let accounts = state.db(staff::list).await?;
    let rows = accounts
        .into_iter()
        .map(|account| AccountRow {
            disable_action: staff.action(&format!("/admin/staff/{}/disable", account.id)),
            is_self: account.id == staff.0.staff_id,
            email: account.email,
            role: account.role,
            created_at: account.created_at.format("%Y-%m-%d").to_string(),
            disabled: account.disabled_at.is_some(),
        })
        .collect();
    page(
        status,
        &AccountsPage {
            nav: staff.nav(),
            rows,
            save_action: staff.action("/admin/staff"),
            problem,
            email,
        },
    )
}

async fn list(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Admin)?;
    render(&state, &staff, StatusCode::OK, None, String::new()).await
}

#[derive(Deserialize)]
struct AccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

async fn save(
    Console { state, staff, .. }: Console<Admin>,
    form: web::Form<AccountForm>,
) -> Result<HttpResponse, AdminError> {
    let form = form.into_inner();
    let Some(role) = Role::parse(form.role.trim()) else {
        let problem = Some("Choose a role: admin, editor or viewer.".to_owned());
        return render(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            problem,
            form.email,
        )
        .await;
    };
    let actor = staff.actor();
    let email = form.email.clone();
    let current_session = staff.0.session_id.clone();
    let saved = state
        .with_connection(move |connection| {
            // A new password ends the account's other sessions and its API tokens; an admin
            // changing their own password stays signed in here.
            let saved = staff::save(
                connection,
                &email,
                &form.password,
                role,
                Some(&current_session),
                &actor,
            );
            Ok::<_, DbError>(saved)
        })
        .await?;
    match saved {
        Ok(_) => Ok(redirect("/admin/staff")),
        Err(staff::StaffError::Database(error)) => Err(error.into()),
        Err(error) => {
            render(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(error.to_string()),
                form.email,
            )
            .await
        }
    }
}

async fn disable(
    Console { state, staff, .. }: Console<Admin>,
    id: web::Path<String>,
    answer: Option<web::Form<super::confirm::Answer>>,
) -> Result<HttpResponse, AdminError> {
    let id = id.into_inner();
    if id == staff.0.staff_id {
        return Err(AdminError::BadRequest(
            "You cannot disable your own account.".into(),
        ));
    }
    if !super::confirm::Answer::given(&answer) {
        let lookup = id.clone();
        let account = state
            .db(move |connection| staff::find_by_id(connection, &lookup))
            .await?
            .ok_or(AdminError::NotFound)?;
        return super::confirm::ask(
            &staff,
            super::confirm::Question {
                about: ("/admin/staff".into(), "Staff".into()),
                heading: format!("Disable {}?", account.email),
                consequence: "They are signed out everywhere now, cannot sign in again and their API tokens stop working. Their past actions stay in the audit log.".into(),
                action: staff.action(&format!("/admin/staff/{id}/disable")),
                fields: Vec::new(),
                button: "Disable the account".into(),
                destructive: true,
            },
        );
    }
    let actor = staff.actor();
    let disabled = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(staff::disable(connection, &id, &actor)?)
        })
        .await?;
    if !disabled {
        return Err(AdminError::NotFound);
    }
    Ok(redirect("/admin/staff"))
}
