//! Signing in and out of the console.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{AdminError, Staff, page, redirect};
use crate::db::DbError;
use crate::http::AppState;
use crate::staff::throttle::Verdict;
use crate::staff::{self, Actor, audit, sessions};

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    next: &'a str,
    email: &'a str,
    problem: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only console addresses are followed after signing in, never another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(next)
            if next.starts_with("/admin") && !next.starts_with("//") && !next.contains('\\') =>
        {
            next
        }
        _ => "/admin/letters",
    }
}

pub async fn login_page(query: web::Query<LoginQuery>) -> Result<HttpResponse, AdminError> {
    page(
        StatusCode::OK,
        &LoginPage {
            next: safe_next(query.next.as_deref()),
            email: "",
            problem: None,
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AdminError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref()).to_owned();
    if let Err(wait) = state.limit(&state.defenses.login, "login", &request) {
        let body = LoginPage {
            next: &next,
            email: &form.email,
            problem: Some(
                "Too many sign-in attempts from your address. Wait a minute and try again.",
            ),
        }
        .render()?;
        return Ok(HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, crate::http::errors::retry_after(wait)))
            .content_type("text/html; charset=utf-8")
            .body(body));
    }
    let account_key = format!("account:{}", form.email.trim().to_lowercase());
    let address_key = format!("address:{}", state.client_key(&request));
    let keys = [account_key.as_str(), address_key.as_str()];
    match state.login_throttle.check(&keys) {
        Verdict::Refuse(wait) => {
            let seconds = wait.as_secs().max(1);
            let body = LoginPage {
                next: &next,
                email: &form.email,
                problem: Some("Too many failed sign-ins. Wait a few minutes and try again."),
            }
            .render()?;
            return Ok(HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, seconds.to_string()))
                .content_type("text/html; charset=utf-8")
                .body(body));
        }
        Verdict::Proceed(delay) if delay > Duration::ZERO => {
            actix_web::rt::time::sleep(delay).await
        }
        Verdict::Proceed(_) => {}
    }
    let email = form.email.clone();
    let password = form.password.clone();
    let address = state.client_key(&request);
    let signed_in = state
        .with_connection(move |connection| {
            let Some(user) = staff::authenticate(connection, &email, &password)? else {
                return Ok(None);
            };
            let cookie = sessions::open(connection, &user)?;
            let actor = Actor {
                staff_id: Some(user.id.clone()),
                email: user.email.clone(),
            };
            audit::record(
                connection,
                &actor,
                "staff.sign_in",
                None,
                None,
                &format!("from {address}"),
            )?;
            Ok::<_, DbError>(Some(cookie))
        })
        .await?;
    match signed_in {
        Some(cookie) => {
            state.login_throttle.succeeded(&keys);
            let mut response = redirect(&next);
            response
                .add_cookie(&session_cookie(cookie, state.secure_cookies))
                .map_err(|error| AdminError::Internal(error.to_string()))?;
            Ok(response)
        }
        None => {
            state.login_throttle.failed(&keys);
            page(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    next: &next,
                    email: &form.email,
                    problem: Some("That email and password do not match an account."),
                },
            )
        }
    }
}

fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(sessions::COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::hours(
            sessions::IDLE_LIFETIME.num_hours(),
        ))
        .finish()
}

pub async fn logout(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AdminError> {
    let session_id = staff.0.session_id.clone();
    let actor = staff.actor();
    state
        .with_connection(move |connection| {
            sessions::close(connection, &session_id)?;
            audit::record(connection, &actor, "staff.sign_out", None, None, "")?;
            Ok::<_, DbError>(())
        })
        .await?;
    let mut response = redirect("/admin/login");
    let mut expired = session_cookie(String::new(), state.secure_cookies);
    expired.make_removal();
    response
        .add_cookie(&expired)
        .map_err(|error| AdminError::Internal(error.to_string()))?;
    Ok(response)
}
