//! Signing in and out of the console.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{AdminError, Staff, page, redirect};
use crate::db::{DbConnection, DbError};
use crate::http::AppState;
use crate::http::errors::Fault;
use crate::staff::throttle::{LoginThrottle, Verdict};
use crate::staff::{self, Actor, audit, sessions};
use crate::values::email_address::EmailAddress;
use crate::values::tokens;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    next: &'a str,
    email: &'a str,
    problem: Option<&'a str>,
    login_token: &'a str,
}

/// The pre-session CSRF token of the sign-in form: a random value in a `SameSite=Strict`
/// cookie that the form repeats in a hidden field. Another site can neither read it nor make
/// the browser send the cookie with its cross-site post, so it cannot sign a visitor in to
/// an account of its choosing. Works without script.
const LOGIN_COOKIE: &str = "undersigned_login";
const LOGIN_PATH: &str = "/admin/login";
/// Where sign-in leads when `next` is missing or not followed.
const HOME: &str = "/admin/letters";

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only console paths are followed after signing in: never another site, and never anything
/// that could not be a plain `Location` header (control characters, spaces, non-ASCII).
fn safe_next(next: Option<&str>) -> &str {
    let Some(next) = next else {
        return HOME;
    };
    let console = next == "/admin"
        || ["/admin/", "/admin?", "/admin#"]
            .iter()
            .any(|prefix| next.starts_with(prefix));
    let plain = next.bytes().all(|byte| byte.is_ascii_graphic())
        && !next.contains('\\')
        && !next.contains("//")
        && !next.contains("/..")
        && next.len() <= 2048;
    if console && plain { next } else { HOME }
}

/// The login token this browser already holds, or a new one.
fn login_token(request: &HttpRequest) -> (String, bool) {
    match request.cookie(LOGIN_COOKIE) {
        Some(cookie) if tokens::looks_like_token(cookie.value()) => {
            (cookie.value().to_owned(), false)
        }
        _ => (tokens::mint().secret, true),
    }
}

fn login_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(LOGIN_COOKIE, value)
        .path(LOGIN_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

/// The sign-in form, with the browser's login token (set as a cookie if it is new).
fn login_form(
    state: &AppState,
    request: &HttpRequest,
    status: StatusCode,
    next: &str,
    email: &str,
    problem: Option<&str>,
) -> Result<HttpResponse, AdminError> {
    let (token, is_new) = login_token(request);
    let mut response = page(
        status,
        &LoginPage {
            next,
            email,
            problem,
            login_token: &token,
        },
    )?;
    if is_new {
        response
            .add_cookie(&login_cookie(token, state.secure_cookies))
            .map_err(|error| AdminError::Fault(Fault::Cookie(error)))?;
    }
    Ok(response)
}

/// Whether a browser says this post came from one of our own pages (`http::origin`); an
/// `Origin: null` (a sandboxed frame) is not one.
fn from_our_pages(request: &HttpRequest, public_url: &str) -> bool {
    crate::http::origin::from_our_pages(request, public_url.trim_end_matches('/'), false)
}

pub async fn login_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AdminError> {
    let next = safe_next(query.next.as_deref());
    login_form(&state, &request, StatusCode::OK, next, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
    #[serde(default)]
    login_token: String,
}

/// The sign-in form again, refused for now: a 429 that says when to try again.
fn slow_down(
    state: &AppState,
    request: &HttpRequest,
    next: &str,
    email: &str,
    problem: &str,
    wait: Duration,
) -> Result<HttpResponse, AdminError> {
    let mut response = login_form(
        state,
        request,
        StatusCode::TOO_MANY_REQUESTS,
        next,
        email,
        Some(problem),
    )?;
    let seconds = header::HeaderValue::from_str(&crate::http::errors::retry_after(wait))
        .unwrap_or(header::HeaderValue::from_static("60"));
    response.headers_mut().insert(header::RETRY_AFTER, seconds);
    Ok(response)
}

/// One step of the sign-in throttle (check, failed, succeeded) for this account and address.
async fn throttle<T: Send + 'static>(
    state: &web::Data<AppState>,
    account: &str,
    address: &str,
    step: fn(&LoginThrottle, &mut DbConnection, &str, &str) -> diesel::QueryResult<T>,
) -> Result<T, AdminError> {
    let (account, address, shared) = (account.to_owned(), address.to_owned(), state.clone());
    let done = state
        .db(move |connection| step(&shared.login_throttle, connection, &account, &address))
        .await?;
    Ok(done)
}

/// The key failed sign-ins are counted under: the account the email would find.
fn account_key(email: &str) -> String {
    EmailAddress::parse(email)
        .map(|email| email.normalized().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase())
}

pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AdminError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref()).to_owned();
    let token_matches = request.cookie(LOGIN_COOKIE).is_some_and(|cookie| {
        tokens::looks_like_token(cookie.value())
            && sessions::tokens_match(cookie.value(), &form.login_token)
    });
    if !from_our_pages(&request, &state.settings.server.public_url) || !token_matches {
        return login_form(
            &state,
            &request,
            StatusCode::FORBIDDEN,
            &next,
            &form.email,
            Some(
                "This sign-in form has expired or did not come from this site. \
                 Please sign in again here (cookies must be allowed).",
            ),
        );
    }
    // No address or password holds a NUL, and PostgreSQL cannot compare a text that does: a
    // 400 here rather than an error from the database.
    if form.email.contains('\0') || form.password.contains('\0') {
        return login_form(
            &state,
            &request,
            StatusCode::BAD_REQUEST,
            &next,
            "",
            Some("Enter the email address and password of your account."),
        );
    }
    if let Err(wait) = state.limit(&state.defenses.login, "login", &request) {
        return slow_down(
            &state,
            &request,
            &next,
            &form.email,
            "Too many sign-in attempts from your address. Wait a minute and try again.",
            wait,
        );
    }
    let account = account_key(&form.email);
    let address = state.client_key(&request);
    let verdict = throttle(&state, &account, &address, LoginThrottle::check).await?;
    match verdict {
        Verdict::Refuse(wait) => {
            return slow_down(
                &state,
                &request,
                &next,
                &form.email,
                "Too many failed sign-ins. Wait a few minutes and try again.",
                wait,
            );
        }
        Verdict::Proceed(delay) if delay > Duration::ZERO => {
            actix_web::rt::time::sleep(delay).await
        }
        Verdict::Proceed(_) => {}
    }
    let email = form.email.clone();
    let password = form.password.clone();
    let from = address.clone();
    let lifetimes = sessions::Lifetimes::from_settings(&state.settings.staff);
    let signed_in = state
        .with_connection(move |connection| {
            let Some(user) = staff::authenticate(connection, &email, &password)? else {
                return Ok(None);
            };
            let cookie = sessions::open(connection, &user, lifetimes)?;
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
                &format!("from {from}"),
            )?;
            Ok::<_, DbError>(Some(cookie))
        })
        .await?;
    match signed_in {
        Some(cookie) => {
            throttle(&state, &account, &address, LoginThrottle::succeeded).await?;
            let mut response = redirect(&next);
            let mut used = login_cookie(String::new(), state.secure_cookies);
            used.make_removal();
            response
                .add_cookie(&session_cookie(cookie, state.secure_cookies, lifetimes))
                .and_then(|()| response.add_cookie(&used))
                .map_err(|error| AdminError::Fault(Fault::Cookie(error)))?;
            Ok(response)
        }
        None => {
            throttle(&state, &account, &address, LoginThrottle::failed).await?;
            login_form(
                &state,
                &request,
                StatusCode::UNAUTHORIZED,
                &next,
                &form.email,
                Some("That email and password do not match an account."),
            )
        }
    }
}

/// The cookie lives as long as the session can; the server ends it sooner when idle.
fn session_cookie(value: String, secure: bool, lifetimes: sessions::Lifetimes) -> Cookie<'static> {
    Cookie::build(sessions::COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::seconds(
            lifetimes.absolute.num_seconds(),
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
    let lifetimes = sessions::Lifetimes::from_settings(&state.settings.staff);
    let mut expired = session_cookie(String::new(), state.secure_cookies, lifetimes);
    expired.make_removal();
    response
        .add_cookie(&expired)
        .map_err(|error| AdminError::Fault(Fault::Cookie(error)))?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_console_paths_are_followed() {
        for good in [
            "/admin",
            "/admin/letters",
            "/admin/letters/x?tab=2",
            "/admin?x=1",
        ] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example/",
            "https://evil.example/admin",
            "/admin\\evil",
            "/admin/letters\r\nSet-Cookie: x=1",
            "/admin/letters\u{7f}",
            "/admin/\u{e9}",
            "/admin/ x",
            "/administrator",
            "/admin/../letters",
            "/admin//evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), HOME, "{bad:?}");
        }
    }
}
