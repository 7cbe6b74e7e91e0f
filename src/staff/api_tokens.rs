//! Personal API tokens for scripts: shown once, stored hashed, revocable, expiring, and
//! scoped: a token does one kind of thing (read counts, export, or manage), never more than
//! its owner's role allows.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{ActingAccount, Actor, Role, audit};
use crate::db::schema::{api_tokens, staff_users};
use crate::db::{self, DbConnection};
use crate::values::tokens;

/// Tokens carry a prefix so that a leaked one is recognizable in logs and secret scanners.
pub const PREFIX: &str = "usg_";

/// The longest name a token may have.
pub const NAME_MAX: usize = 100;

/// A token's name by the text rules every name follows (it shows in the console and in the
/// audit log), cleaned; whoever creates a token checks its name here.
pub fn check_name(typed: &str) -> Result<String, crate::values::text::TextError> {
    crate::values::text::required_line(typed, NAME_MAX)
}

/// How long a token lives when its maker does not choose.
pub const DEFAULT_DAYS: i64 = 90;

/// The longest life a token may be given: a forgotten token on a script's server should not
/// outlive a year.
pub const MAX_DAYS: i64 = 365;

/// What a token may do. Each admin API route names the scope it needs; every scope may read
/// counts, and no scope includes another: a script that approves sign-ons has no need of
/// every signer's address, so a `manage` token cannot export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Read a letter's counts: no names, no addresses.
    Counts,
    /// Download a letter's signatures, addresses included (what `undersigned export` writes).
    Export,
    /// Approve and reject organizations' sign-ons.
    Manage,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Counts, Scope::Export, Scope::Manage];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Counts => "counts",
            Scope::Export => "export",
            Scope::Manage => "manage",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == value)
    }

    /// The least role whose holder may have a token of this scope. A viewer reads counts
    /// only: an export holds every signer's address, and a token (unlike a signed-in person)
    /// sits in a script's file where anyone with that server can use it.
    pub fn minimum_role(self) -> Role {
        match self {
            Scope::Counts => Role::Viewer,
            Scope::Export | Scope::Manage => Role::Editor,
        }
    }

    /// Whether a token of this scope may do what needs `needed`.
    pub fn allows(self, needed: Scope) -> bool {
        self == needed || needed == Scope::Counts
    }

    /// The scopes someone of `role` may give a token.
    pub fn within(role: Role) -> Vec<Scope> {
        Scope::ALL
            .into_iter()
            .filter(|scope| role.allows(scope.minimum_role()))
            .collect()
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How many days a token lives, from 1 to [`MAX_DAYS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime(i64);

impl Lifetime {
    pub fn days(days: i64) -> Option<Lifetime> {
        (1..=MAX_DAYS).contains(&days).then_some(Lifetime(days))
    }

    pub fn default_days() -> Lifetime {
        Lifetime(DEFAULT_DAYS)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub staff_id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    scope: String,
    expires_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// An unknown scope (written by a newer release) grants the least.
    pub fn scope(&self) -> Scope {
        Scope::parse(&self.scope).unwrap_or(Scope::Counts)
    }

    /// When the token stops working; a token the release before made (no expiry stored)
    /// lives the default.
    pub fn expires_at(&self) -> NaiveDateTime {
        self.expires_at
            .unwrap_or(self.created_at + Duration::days(DEFAULT_DAYS))
    }

    pub fn expired_at(&self, now: NaiveDateTime) -> bool {
        self.expires_at() <= now
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// No one mints above their role.
    #[error("a {role} cannot make a token that may {scope}", role = .role.as_str())]
    AboveRole { scope: Scope, role: Role },
    /// The owner's account is gone or disabled.
    #[error("the account cannot make tokens")]
    NoAccount,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Creates a token for `staff_id` with `scope`, living `lifetime`; returns it with its
/// secret, which is never shown again. Refused when the owner's role (read here, in the same
/// transaction) is below the scope's. Audited as `token.create`, with scope and expiry.
pub fn create(
    connection: &mut DbConnection,
    staff_id: &str,
    name: &str,
    scope: Scope,
    lifetime: Lifetime,
    actor: &Actor,
) -> Result<(ApiToken, String), CreateError> {
    let token = tokens::mint();
    let secret = format!("{PREFIX}{}", token.secret);
    let id = db::new_id();
    db::write_transaction(connection, |connection| {
        let account = staff_users::table
            .find(staff_id)
            .select(ActingAccount::as_select())
            .first(connection)
            .optional()?;
        let Some(account) = account.filter(|account| account.disabled_at.is_none()) else {
            return Err(CreateError::NoAccount);
        };
        let role = account.role();
        if !role.allows(scope.minimum_role()) {
            return Err(CreateError::AboveRole { scope, role });
        }
        let now = db::now();
        let expires_at = now + Duration::days(lifetime.get());
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(&id),
                api_tokens::staff_id.eq(staff_id),
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(tokens::hash(&secret)),
                api_tokens::created_at.eq(now),
                api_tokens::scope.eq(scope.as_str()),
                api_tokens::expires_at.eq(expires_at),
            ))
            .execute(connection)?;
        let detail = format!(
            "{name} (scope {scope}, expires {})",
            expires_at.format("%Y-%m-%d %H:%M UTC")
        );
        audit::record(connection, actor, "token.create", None, Some(&id), &detail)?;
        Ok(())
    })?;
    let created = api_tokens::table
        .find(&id)
        .select(ApiToken::as_select())
        .first(connection)?;
    Ok((created, secret))
}

pub fn list_for(
    connection: &mut DbConnection,
    staff_id: &str,
) -> Result<Vec<ApiToken>, diesel::result::Error> {
    api_tokens::table
        .filter(api_tokens::staff_id.eq(staff_id))
        .order(api_tokens::created_at.desc())
        .select(ApiToken::as_select())
        .load(connection)
}

/// Revokes one of the owner's tokens; returns whether one was revoked. Audited as
/// `token.revoke`.
pub fn revoke(
    connection: &mut DbConnection,
    staff_id: &str,
    token_id: &str,
    actor: &Actor,
) -> Result<bool, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let revoked = diesel::update(
            api_tokens::table
                .filter(api_tokens::id.eq(token_id))
                .filter(api_tokens::staff_id.eq(staff_id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(db::now()))
        .execute(connection)?;
        if revoked != 1 {
            return Ok(false);
        }
        let name: String = api_tokens::table
            .find(token_id)
            .select(api_tokens::name)
            .first(connection)?;
        audit::record(
            connection,
            actor,
            "token.revoke",
            None,
            Some(token_id),
            &name,
        )?;
        Ok(true)
    })
}

/// Revokes every live token of an account (after its password changed); returns how many.
pub fn revoke_all_for(
    connection: &mut DbConnection,
    staff_id: &str,
) -> Result<usize, diesel::result::Error> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::staff_id.eq(staff_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(db::now()))
    .execute(connection)
}

/// Who a live bearer token acts for, and what it may do.
#[derive(Clone, Debug)]
pub struct TokenHolder {
    pub staff_id: String,
    pub email: String,
    /// The owner's role now: a token never does more than its owner may.
    pub role: Role,
    pub scope: Scope,
}

/// What a presented bearer token is.
#[derive(Debug)]
pub enum Presented {
    Live(TokenHolder),
    /// A real token past its expiry: refused, and told so.
    Expired(NaiveDateTime),
    /// Unknown, revoked, malformed, or its owner's account is disabled.
    Refused,
}

/// Who a bearer token acts for, if it is live.
pub fn authenticate(
    connection: &mut DbConnection,
    secret: &str,
) -> Result<Presented, diesel::result::Error> {
    let Some(raw) = secret.strip_prefix(PREFIX) else {
        return Ok(Presented::Refused);
    };
    if !tokens::looks_like_token(raw) {
        return Ok(Presented::Refused);
    }
    let found: Option<(ApiToken, ActingAccount)> = api_tokens::table
        .inner_join(staff_users::table)
        .filter(api_tokens::token_hash.eq(tokens::hash(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .select((ApiToken::as_select(), ActingAccount::as_select()))
        .first(connection)
        .optional()?;
    let Some((token, account)) = found else {
        return Ok(Presented::Refused);
    };
    if account.disabled_at.is_some() {
        return Ok(Presented::Refused);
    }
    let now = db::now();
    if token.expired_at(now) {
        return Ok(Presented::Expired(token.expires_at()));
    }
    diesel::update(api_tokens::table.find(&token.id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(connection)?;
    let role = account.role();
    Ok(Presented::Live(TokenHolder {
        staff_id: account.staff_id,
        email: account.email,
        role,
        scope: token.scope(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_may_make_counts_tokens_only() {
        assert_eq!(Scope::within(Role::Viewer), vec![Scope::Counts]);
        assert_eq!(Scope::within(Role::Editor), Scope::ALL.to_vec());
        assert_eq!(Scope::within(Role::Admin), Scope::ALL.to_vec());
    }

    #[test]
    fn every_scope_reads_counts_and_none_includes_another() {
        for scope in Scope::ALL {
            assert!(scope.allows(Scope::Counts));
            assert!(scope.allows(scope));
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert!(!Scope::Counts.allows(Scope::Export));
        assert!(!Scope::Manage.allows(Scope::Export));
        assert!(!Scope::Export.allows(Scope::Manage));
        assert_eq!(Scope::parse("admin"), None);
    }

    #[test]
    fn lifetimes_run_from_a_day_to_a_year() {
        assert_eq!(Lifetime::days(0), None);
        assert_eq!(Lifetime::days(366), None);
        assert_eq!(Lifetime::days(1).map(Lifetime::get), Some(1));
        assert_eq!(Lifetime::default_days().get(), 90);
    }
}
