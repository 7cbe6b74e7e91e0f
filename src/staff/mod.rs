//! Staff accounts: roles, Argon2id passwords, sessions, API tokens, the audit log.

pub mod api_tokens;
pub mod audit;
pub mod sessions;
pub mod throttle;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::staff_users;
use crate::db::{self, DbConnection};
use crate::values::email_address::EmailAddress;

/// What a staff member may do. Each role includes the ones below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read everything and export.
    Viewer,
    /// Letters, moderation, members, invites, exports.
    Editor,
    /// Everything, including staff accounts and the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "viewer" => Some(Role::Viewer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = staff_users)]
pub struct StaffUser {
    pub id: String,
    pub email: String,
    pub email_normalized: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

impl StaffUser {
    pub fn role(&self) -> Role {
        // An unknown role grants the least.
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}

/// The account a session cookie or an API token acts for, as both read it on every request.
#[derive(Queryable, Selectable)]
#[diesel(table_name = staff_users)]
pub(crate) struct ActingAccount {
    #[diesel(column_name = id)]
    pub staff_id: String,
    pub email: String,
    role: String,
    pub disabled_at: Option<NaiveDateTime>,
}

impl ActingAccount {
    pub fn role(&self) -> Role {
        // An unknown role grants the least.
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}

/// Who did something, for the audit log and moderation records: a staff member (from a
/// console session or an API token), or the operator at the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub staff_id: Option<String>,
    pub email: String,
}

impl Actor {
    /// What the audit log names for the command line (`undersigned ...`): the operator has
    /// shell access to the server, not a staff account.
    pub const COMMAND_LINE: &'static str = "command line";

    /// What the audit log names for what the service decides by itself at start-up (holding
    /// the mail of a database restored from a dump).
    pub const SERVICE: &'static str = "the service, at start-up";

    /// The service itself, acting on no one's request.
    pub fn service() -> Actor {
        Actor {
            staff_id: None,
            email: Self::SERVICE.to_owned(),
        }
    }

    /// The operator at the command line.
    pub fn command_line() -> Actor {
        Actor {
            staff_id: None,
            email: Self::COMMAND_LINE.to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("{0}")]
    InvalidEmail(String),
    #[error("the password must be at least {MIN_PASSWORD} characters")]
    WeakPassword,
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

pub const MIN_PASSWORD: usize = 10;

pub fn hash_password(password: &str) -> Result<String, StaffError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| StaffError::Hash(error.to_string()))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody has, checked when the email is unknown so that a wrong email
/// takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
}

/// Creates an account, or sets the password and role of the one with this email (the
/// operator's `staff add`). A new password ends every session of the account and revokes its
/// API tokens. Audited as `staff.save`.
pub fn add(
    connection: &mut DbConnection,
    email: &str,
    password: &str,
    role: Role,
    actor: &Actor,
) -> Result<Saved, StaffError> {
    save(connection, email, password, role, None, actor)
}

/// Like [`add`], from a console session: if that session belongs to the account whose
/// password changes, it stays open; every other session of the account ends.
pub fn save(
    connection: &mut DbConnection,
    email: &str,
    password: &str,
    role: Role,
    current_session: Option<&str>,
    actor: &Actor,
) -> Result<Saved, StaffError> {
    let email =
        EmailAddress::parse(email).map_err(|error| StaffError::InvalidEmail(error.to_string()))?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(StaffError::WeakPassword);
    }
    let hash = hash_password(password)?;
    // Saving the same password again (to change only the role) ends nothing. Checked before
    // the transaction: a hash check is slow and must not hold the write lock.
    let changed_password_of = find_by_email(connection, email.as_str())?
        .filter(|user| !verify_password(password, &user.password_hash))
        .map(|user| user.id);
    db::write_transaction(connection, |connection| {
        let existing = find_by_email(connection, email.as_str())?;
        let (saved, detail) = match existing {
            Some(user) => {
                let password_changed = changed_password_of.as_deref() == Some(user.id.as_str());
                diesel::update(staff_users::table.find(&user.id))
                    .set((
                        staff_users::password_hash.eq(&hash),
                        staff_users::role.eq(role.as_str()),
                        staff_users::disabled_at.eq(None::<NaiveDateTime>),
                    ))
                    .execute(connection)?;
                if password_changed {
                    // Whoever knew the old password (or holds a session or token made with
                    // it) loses access with it.
                    sessions::close_all_for(connection, &user.id, current_session)?;
                    api_tokens::revoke_all_for(connection, &user.id)?;
                }
                let detail = if password_changed {
                    format!(
                        "updated with role {}; new password (other sessions ended, API tokens revoked)",
                        role.as_str()
                    )
                } else {
                    format!("updated with role {}", role.as_str())
                };
                (Saved::Updated, detail)
            }
            None => {
                diesel::insert_into(staff_users::table)
                    .values((
                        staff_users::id.eq(db::new_id()),
                        staff_users::email.eq(email.as_str()),
                        staff_users::email_normalized.eq(email.normalized()),
                        staff_users::password_hash.eq(&hash),
                        staff_users::role.eq(role.as_str()),
                        staff_users::created_at.eq(db::now()),
                    ))
                    .execute(connection)?;
                (
                    Saved::Created,
                    format!("created with role {}", role.as_str()),
                )
            }
        };
        audit::record(
            connection,
            actor,
            "staff.save",
            None,
            Some(email.as_str()),
            &detail,
        )?;
        Ok(saved)
    })
}

/// Disables an account: its sessions are deleted and its API tokens stop working at once
/// (both are checked against `disabled_at`). Audited as `staff.disable`. False when there is
/// no such account.
pub fn disable(
    connection: &mut DbConnection,
    id: &str,
    actor: &Actor,
) -> Result<bool, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let Some(account) = find_by_id(connection, id)? else {
            return Ok(false);
        };
        diesel::update(staff_users::table.find(id))
            .set(staff_users::disabled_at.eq(db::now()))
            .execute(connection)?;
        diesel::delete(
            crate::db::schema::staff_sessions::table
                .filter(crate::db::schema::staff_sessions::staff_id.eq(id)),
        )
        .execute(connection)?;
        audit::record(
            connection,
            actor,
            "staff.disable",
            None,
            Some(&account.email),
            "",
        )?;
        Ok(true)
    })
}

pub fn find_by_email(
    connection: &mut DbConnection,
    email: &str,
) -> Result<Option<StaffUser>, diesel::result::Error> {
    let normalized = EmailAddress::parse(email)
        .map(|email| email.normalized().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    staff_users::table
        .filter(staff_users::email_normalized.eq(normalized))
        .select(StaffUser::as_select())
        .first(connection)
        .optional()
}

pub fn find_by_id(
    connection: &mut DbConnection,
    id: &str,
) -> Result<Option<StaffUser>, diesel::result::Error> {
    staff_users::table
        .find(id)
        .select(StaffUser::as_select())
        .first(connection)
        .optional()
}

pub fn list(connection: &mut DbConnection) -> Result<Vec<StaffUser>, diesel::result::Error> {
    staff_users::table
        .order(staff_users::email_normalized.asc())
        .select(StaffUser::as_select())
        .load(connection)
}

/// The account for these credentials, or `None`. Unknown emails, disabled accounts and wrong
/// passwords all cost one hash check and give the same answer.
pub fn authenticate(
    connection: &mut DbConnection,
    email: &str,
    password: &str,
) -> Result<Option<StaffUser>, diesel::result::Error> {
    let user = find_by_email(connection, email)?;
    let stored = user
        .as_ref()
        .map(|user| user.password_hash.as_str())
        .unwrap_or_else(|| decoy_hash());
    let matches = verify_password(password, stored);
    Ok(user.filter(|user| matches && user.disabled_at.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_below() {
        assert!(Role::Admin.allows(Role::Editor));
        assert!(Role::Editor.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Editor));
        assert!(!Role::Editor.allows(Role::Admin));
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }
}
