//! Console pages: personal API tokens for scripts. Each staff member sees and manages only
//! their own. A token has a scope (read counts, export, or manage), never above its owner's
//! role, and an expiry chosen when it is made (90 days unless another is chosen). The secret
//! is shown once, on the page that answers the creation, and only its hash is stored.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{AdminError, Nav, Staff, page, redirect};
use crate::db::{self, DbError};
use crate::http::AppState;
use crate::staff::api_tokens::{self, CreateError, Lifetime, Scope};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/tokens", web::get().to(list))
        .route("/admin/tokens", web::post().to(create))
        .route("/admin/tokens/{id}/revoke", web::post().to(revoke));
}

struct TokenRow {
    name: String,
    scope: &'static str,
    created: Day,
    expires: Day,
    expired: bool,
    last_used: Option<Day>,
    revoked_at: Option<String>,
    revoke_action: String,
}

/// A date in the list: the day shown (short enough to stay whole on a phone), the moment in
/// `datetime` and on hover.
struct Day {
    date: String,
    iso: String,
    full: String,
}

impl Day {
    fn of(time: NaiveDateTime) -> Day {
        Day {
            date: time.format("%Y-%m-%d").to_string(),
            iso: time.format("%Y-%m-%dT%H:%MZ").to_string(),
            full: time.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

/// The token just created, shown once.
struct NewToken {
    name: String,
    secret: String,
    scope: &'static str,
    expires_at: String,
}

/// A scope the form offers: only those the staff member's role may give.
struct ScopeChoice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
}

/// The lives the form offers, in days; the default is [`api_tokens::DEFAULT_DAYS`].
const LIFETIMES: [i64; 5] = [7, 30, 90, 180, 365];

fn describe(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::Counts => (
            "Read counts",
            "How many have signed, are waiting to confirm and await approval. No names, no addresses.",
        ),
        Scope::Export => (
            "Export",
            "Download the signatures, with every signer's email address, and read counts.",
        ),
        Scope::Manage => (
            "Manage",
            "Approve and reject organizations' sign-ons, and read counts. Cannot export.",
        ),
    }
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    nav: Nav,
    rows: Vec<TokenRow>,
    create_action: String,
    created: Option<NewToken>,
    name: String,
    scopes: Vec<ScopeChoice>,
    /// Whether the role keeps some scopes out of the form (a viewer: counts only).
    scopes_limited: bool,
    lifetimes: Vec<(i64, bool)>,
    problem: Option<String>,
    api_base: String,
}

/// What the form had chosen, to show it again with a problem.
struct Chosen {
    name: String,
    scope: Scope,
    days: i64,
}

impl Chosen {
    fn fresh() -> Chosen {
        Chosen {
            name: String::new(),
            scope: Scope::Counts,
            days: api_tokens::DEFAULT_DAYS,
        }
    }
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
    chosen: Chosen,
    problem: Option<String>,
) -> Result<HttpResponse, AdminError> {
    let staff_id = staff.0.staff_id.clone();
    let tokens = state
        .db(move |connection| api_tokens::list_for(connection, &staff_id))
        .await?;
    let now = db::now();
    let rows = tokens
        .into_iter()
        .map(|token| TokenRow {
            revoke_action: staff.action(&format!("/admin/tokens/{}/revoke", token.id)),
            scope: describe(token.scope()).0,
            created: Day::of(token.created_at),
            expires: Day::of(token.expires_at()),
            expired: token.expired_at(now),
            last_used: token.last_used_at.map(Day::of),
            revoked_at: token.revoked_at.map(|revoked| time(Some(revoked))),
            name: token.name,
        })
        .collect();
    let allowed = Scope::within(staff.0.role);
    let scopes = allowed
        .iter()
        .map(|scope| {
            let (label, hint) = describe(*scope);
            ScopeChoice {
                value: scope.as_str(),
                label,
                hint,
                checked: *scope == chosen.scope,
            }
        })
        .collect();
    page(
        status,
        &TokensPage {
            nav: staff.nav(),
            rows,
            create_action: staff.action("/admin/tokens"),
            created,
            name: chosen.name,
            scopes,
            scopes_limited: allowed.len() < Scope::ALL.len(),
            lifetimes: LIFETIMES
                .into_iter()
                .map(|days| (days, days == chosen.days))
                .collect(),
            problem,
            api_base: format!("{}/api/v1/admin", state.policy.public_base),
        },
    )
}

async fn list(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AdminError> {
    render(&state, &staff, StatusCode::OK, None, Chosen::fresh(), None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    /// Absent (a script posting the form): the least, counts.
    #[serde(default)]
    scope: Option<String>,
    /// Absent: the default life.
    #[serde(default)]
    expires_in_days: Option<String>,
}

async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AdminError> {
    let form = form.into_inner();
    let typed = form.name;
    let scope = match form.scope.as_deref().map(str::trim) {
        None | Some("") => Some(Scope::Counts),
        Some(value) => Scope::parse(value),
    };
    let days = match form.expires_in_days.as_deref().map(str::trim) {
        None | Some("") => Some(api_tokens::DEFAULT_DAYS),
        Some(value) => value.parse::<i64>().ok(),
    };
    let lifetime = days.and_then(Lifetime::days);
    let mut chosen = Chosen {
        name: typed.trim().to_owned(),
        scope: scope.unwrap_or(Scope::Counts),
        days: lifetime.map_or(api_tokens::DEFAULT_DAYS, Lifetime::get),
    };
    // The same text rules as every other name: token names show in the console and the audit
    // log.
    let problem = match api_tokens::check_name(&typed) {
        Ok(name) => {
            chosen.name = name;
            None
        }
        Err(crate::values::text::TextError::Empty) => {
            chosen.name = String::new();
            Some(
                "Give the token a name that says where it is used, such as \"delivery script\"."
                    .to_owned(),
            )
        }
        Err(error) => Some(error.to_string()),
    }
    .or_else(|| {
        scope
            .is_none()
            .then(|| "Choose what the token may do: read counts, export or manage.".to_owned())
    })
    .or_else(|| {
        lifetime.is_none().then(|| {
            format!(
                "Choose when the token expires: after 1 to {} days.",
                api_tokens::MAX_DAYS
            )
        })
    });
    if let Some(problem) = problem {
        return render(
            &state,
            &staff,
            StatusCode::BAD_REQUEST,
            None,
            chosen,
            Some(problem),
        )
        .await;
    }
    let (Some(scope), Some(lifetime)) = (scope, lifetime) else {
        return Err(AdminError::BadRequest(
            "Choose a scope and an expiry.".into(),
        ));
    };
    let staff_id = staff.0.staff_id.clone();
    let actor = staff.actor();
    let token_name = chosen.name.clone();
    let created = state
        .with_connection(move |connection| {
            match api_tokens::create(connection, &staff_id, &token_name, scope, lifetime, &actor) {
                Ok(created) => Ok(Ok(created)),
                Err(CreateError::Database(error)) => Err(DbError::from(error)),
                Err(refused) => Ok(Err(refused)),
            }
        })
        .await?;
    let (token, secret) = match created {
        Ok(created) => created,
        Err(refused) => {
            // No one mints above their role: a forged form naming a scope the page did not
            // offer is refused, and says so.
            chosen.scope = Scope::Counts;
            let problem = match refused {
                CreateError::AboveRole { scope, role } => format!(
                    "Your role ({}) does not allow a token that may {}: choose what the token may do from the list.",
                    role.as_str(),
                    describe(scope).0.to_lowercase(),
                ),
                _ => "Your account cannot make tokens.".to_owned(),
            };
            return render(
                &state,
                &staff,
                StatusCode::FORBIDDEN,
                None,
                chosen,
                Some(problem),
            )
            .await;
        }
    };
    // Answered directly rather than redirected: the secret must not travel in a URL, and
    // this page (never cached) is the only time it is shown.
    render(
        &state,
        &staff,
        StatusCode::OK,
        Some(NewToken {
            scope: describe(token.scope()).0,
            expires_at: time(Some(token.expires_at())),
            name: token.name,
            secret,
        }),
        Chosen::fresh(),
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
