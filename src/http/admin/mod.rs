//! The staff console under `/admin/`: every page needs a signed-in staff member with the
//! right role, and every state-changing request carries the session's CSRF token.
//!
//! CSRF: forms post to `Staff::action(path)`, which appends `?csrf=<token>`; the `Staff`
//! extractor checks it on every non-GET request, so no handler can forget the check. Forms
//! whose answer is a page to stay on (the letter editor's preview and errors, the close
//! confirmation) post to a clean address with the token in a hidden `csrf` field instead, so
//! the address bar never shows it; their handlers take a `StaffForm<T>` (which calls `Staff::from_form`),
//! and the extractor is not among their arguments.

mod accounts;
mod audit;
mod auth;
pub(crate) mod confirm;
pub(crate) mod console;
mod embed;
mod exports;
mod languages;
pub(crate) mod letters;
mod members;
mod moderation;
mod ordering;
mod partners;
mod signer_rows;
pub(crate) mod staff_form;
pub(crate) mod summary;
mod tokens;
mod update_drafts;
mod updates;

use actix_web::http::{Method, StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use futures_util::future::LocalBoxFuture;

use super::AppState;
use crate::db::DbError;
use crate::http::errors::{Fault, faults_into};
use crate::staff::sessions::{self, StaffSession};
use crate::staff::{Actor, Role};

pub use console::{Admin, Console, Editor, Viewer};
pub use staff_form::{ConsoleForm, StaffForm};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin", web::get().to(home))
        .route("/admin/", web::get().to(home))
        .route("/admin/login", web::get().to(auth::login_page))
        .route("/admin/login", web::post().to(auth::login))
        .route("/admin/logout", web::post().to(auth::logout))
        .configure(letters::routes)
        .configure(moderation::routes)
        .configure(members::routes)
        .configure(exports::routes)
        .configure(tokens::routes)
        .configure(audit::routes)
        .configure(accounts::routes)
        .configure(ordering::routes)
        .configure(partners::routes)
        .configure(updates::routes)
        .configure(embed::routes);
}

async fn home(_staff: Staff) -> HttpResponse {
    redirect("/admin/letters")
}

/// The letter named in the address (drafts included), or 404.
pub async fn find_letter(
    state: &AppState,
    slug: &str,
) -> Result<crate::letters::Letter, AdminError> {
    if !crate::letters::is_valid_slug(slug) {
        return Err(AdminError::NotFound);
    }
    let slug = slug.to_owned();
    state
        .db(move |connection| crate::letters::find_by_slug(connection, &slug))
        .await?
        .ok_or(AdminError::NotFound)
}

/// The letter named in the address and what `read` loads for it: the opening of most
/// pages about one letter.
pub async fn find_letter_with<T, F>(
    state: &AppState,
    slug: &str,
    read: F,
) -> Result<(crate::letters::Letter, T), AdminError>
where
    F: FnOnce(&mut crate::db::DbConnection, &crate::letters::Letter) -> Result<T, DbError>
        + Send
        + 'static,
    T: Send + 'static,
{
    let letter = find_letter(state, slug).await?;
    let lookup = letter.clone();
    let loaded = state
        .with_connection(move |connection| read(connection, &lookup))
        .await?;
    Ok((letter, loaded))
}

/// An address whose posts may be larger than the default body limit (bulk forms, imports).
pub(super) fn limited(path: &str, body_limit: usize) -> actix_web::Resource {
    web::resource(path).app_data(web::PayloadConfig::new(body_limit))
}

pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The signed-in staff member making this request.
#[derive(Clone, Debug)]
pub struct Staff(pub StaffSession);

impl Staff {
    /// Refuses (403) unless the role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AdminError> {
        if self.0.role.allows(needed) {
            Ok(())
        } else {
            Err(AdminError::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            staff_id: Some(self.0.staff_id.clone()),
            email: self.0.email.clone(),
        }
    }

    pub fn email(&self) -> &str {
        &self.0.email
    }

    pub fn role(&self) -> Role {
        self.0.role
    }

    /// The form action for a state-changing POST to `path`, carrying the CSRF token.
    pub fn action(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}csrf={}", self.0.csrf_token)
    }

    /// What every console page's header needs.
    pub fn nav(&self) -> Nav {
        Nav {
            email: self.0.email.clone(),
            role: self.0.role.as_str(),
            is_admin: self.0.role.allows(Role::Admin),
            can_edit: self.0.role.allows(Role::Editor),
            logout_action: self.action("/admin/logout"),
        }
    }
}

/// The console's header: who is signed in, what they may open, how to sign out.
#[derive(Clone, Debug)]
pub struct Nav {
    pub email: String,
    pub role: &'static str,
    pub is_admin: bool,
    pub can_edit: bool,
    pub logout_action: String,
}

fn csrf_from_query(query: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("csrf=").map(|value| value.to_owned()))
}

/// The `csrf` field of a urlencoded body (the token is URL-safe, so no decoding is needed).
fn csrf_from_body(body: &[u8]) -> Option<String> {
    body.split(|byte| *byte == b'&').find_map(|pair| {
        pair.strip_prefix(b"csrf=")
            .and_then(|value| std::str::from_utf8(value).ok())
            .map(str::to_owned)
    })
}

/// The session behind `cookie`, checked against `csrf` when the request changes state.
async fn authenticate(
    state: Option<web::Data<AppState>>,
    cookie: Option<String>,
    changes_state: bool,
    csrf: Option<String>,
    next: String,
) -> Result<Staff, AdminError> {
    let state = state.ok_or_else(|| AdminError::Fault(Fault::NoState))?;
    let cookie = cookie.ok_or(AdminError::SignInRequired { next: next.clone() })?;
    let lifetimes = sessions::Lifetimes::from_settings(&state.settings.staff);
    let session = state
        .db(move |connection| sessions::find(connection, &cookie, lifetimes))
        .await?
        .ok_or(AdminError::SignInRequired { next })?;
    if changes_state {
        let given = csrf.ok_or(AdminError::Csrf)?;
        if !sessions::tokens_match(&session.csrf_token, &given) {
            return Err(AdminError::Csrf);
        }
    }
    Ok(Staff(session))
}

impl Staff {
    /// The staff member posting a form to a clean address: the CSRF token comes from the
    /// body's `csrf` field (or the query, as for every other form).
    pub async fn from_form(request: &HttpRequest, body: &[u8]) -> Result<Staff, AdminError> {
        let csrf = csrf_from_query(request.query_string()).or_else(|| csrf_from_body(body));
        authenticate(
            request.app_data::<web::Data<AppState>>().cloned(),
            request
                .cookie(sessions::COOKIE)
                .map(|cookie| cookie.value().to_owned()),
            !matches!(*request.method(), Method::GET | Method::HEAD),
            csrf,
            "/admin".to_owned(),
        )
        .await
    }

    /// The CSRF token, for a hidden field in a form that posts to a clean address.
    pub fn csrf_token(&self) -> &str {
        &self.0.csrf_token
    }
}

impl FromRequest for Staff {
    type Error = AdminError;
    type Future = LocalBoxFuture<'static, Result<Staff, AdminError>>;

    fn from_request(request: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let cookie = request
            .cookie(sessions::COOKIE)
            .map(|cookie| cookie.value().to_owned());
        let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD);
        let csrf = csrf_from_query(request.query_string());
        let next = if changes_state {
            "/admin".to_owned()
        } else {
            request.uri().to_string()
        };
        Box::pin(authenticate(state, cookie, changes_state, csrf, next))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("sign in required")]
    SignInRequired { next: String },
    #[error("this role may not do that")]
    Forbidden,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("failed on our side")]
    Fault(#[from] Fault),
}

faults_into!(
    AdminError: DbError,
    diesel::result::Error,
    askama::Error,
    crate::signatures::SignError,
);

#[derive(Template)]
#[template(path = "admin/problem.html")]
struct ProblemPage<'a> {
    heading: &'a str,
    message: &'a str,
}

impl ResponseError for AdminError {
    fn status_code(&self) -> StatusCode {
        match self {
            AdminError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AdminError::Forbidden | AdminError::Csrf => StatusCode::FORBIDDEN,
            AdminError::NotFound => StatusCode::NOT_FOUND,
            AdminError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AdminError::Fault(fault) if fault.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            AdminError::Fault(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (heading, message) = match self {
            AdminError::SignInRequired { next } => {
                let target = format!("/admin/login?next={}", encode_component(next));
                return redirect(&target);
            }
            AdminError::Forbidden => ("Not allowed", "Your role does not allow this. Ask an admin if you need it.".to_owned()),
            AdminError::Csrf => (
                "This form has expired",
                "The form was not sent from this console session. Go back, reload the page and try again.".to_owned(),
            ),
            AdminError::NotFound => ("Not found", "There is nothing at this address.".to_owned()),
            AdminError::BadRequest(message) => ("That did not work", message.clone()),
            AdminError::Fault(fault) if fault.is_unavailable() => {
                fault.log("console request failed");
                (
                    "The database is not answering",
                    "Nothing was changed. Try again in a few seconds.".to_owned(),
                )
            }
            AdminError::Fault(fault) => {
                fault.log("console request failed");
                ("Something went wrong", "Nothing was changed. Please try again.".to_owned())
            }
        };
        let body = ProblemPage {
            heading,
            message: &message,
        }
        .render()
        .unwrap_or_else(|_| heading.to_owned());
        let mut response = HttpResponse::build(self.status_code());
        if let AdminError::Fault(fault) = self
            && fault.is_unavailable()
        {
            crate::http::errors::unavailable(&mut response);
        }
        response.content_type("text/html; charset=utf-8").body(body)
    }
}

/// Renders a console page: never cached, never sending the URL (which may carry the CSRF
/// token) to other sites.
pub fn page(status: StatusCode, template: &impl Template) -> Result<HttpResponse, AdminError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .body(template.render()?))
}

/// Percent-encodes a query component.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
