//! Personal API tokens for scripts: shown once, stored hashed, revocable, acting with the
//! owner's role.

use chrono::NaiveDateTime;
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
}

/// Creates a token for `staff_id`; returns it with its secret, which is never shown again.
/// Audited as `token.create`.
pub fn create(
    connection: &mut DbConnection,
    staff_id: &str,
    name: &str,
    actor: &Actor,
) -> Result<(ApiToken, String), diesel::result::Error> {
    let token = tokens::mint();
    let secret = format!("{PREFIX}{}", token.secret);
    let id = db::new_id();
    db::write_transaction(connection, |connection| {
        insert(connection, &id, staff_id, name, &secret)?;
        audit::record(connection, actor, "token.create", None, Some(&id), name)
    })?;
    let created = api_tokens::table
        .find(&id)
        .select(ApiToken::as_select())
        .first(connection)?;
    Ok((created, secret))
}

fn insert(
    connection: &mut DbConnection,
    id: &str,
    staff_id: &str,
    name: &str,
    secret: &str,
) -> Result<usize, diesel::result::Error> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(id),
            api_tokens::staff_id.eq(staff_id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(tokens::hash(secret)),
            api_tokens::created_at.eq(db::now()),
        ))
        .execute(connection)
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

/// Who a bearer token acts for: (staff id, email, role), if it is live.
pub fn authenticate(
    connection: &mut DbConnection,
    secret: &str,
) -> Result<Option<(String, String, Role)>, diesel::result::Error> {
    let Some(raw) = secret.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    if !tokens::looks_like_token(raw) {
        return Ok(None);
    }
    let found: Option<(String, ActingAccount)> = api_tokens::table
        .inner_join(staff_users::table)
        .filter(api_tokens::token_hash.eq(tokens::hash(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, ActingAccount::as_select()))
        .first(connection)
        .optional()?;
    let Some((token_id, account)) = found else {
        return Ok(None);
    };
    if account.disabled_at.is_some() {
        return Ok(None);
    }
    diesel::update(api_tokens::table.find(&token_id))
        .set(api_tokens::last_used_at.eq(db::now()))
        .execute(connection)?;
    let role = account.role();
    Ok(Some((account.staff_id, account.email, role)))
}
