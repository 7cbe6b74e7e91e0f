//! The audit log: who did what, when, to which letter. Written in the same transaction as the
//! action where there is one.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Actor;
use crate::db::schema::audit_log;
use crate::db::{self, DbConnection};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub staff_id: Option<String>,
    pub staff_email: String,
    pub action: String,
    pub letter_id: Option<String>,
    pub subject: Option<String>,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

/// Records an action. `action` is a short stable verb such as "letter.edit" or
/// "signature.approve"; `subject` names what it touched (an id, an email); `detail` is free
/// text for people.
pub fn record(
    connection: &mut DbConnection,
    actor: &Actor,
    action: &str,
    letter_id: Option<&str>,
    subject: Option<&str>,
    detail: &str,
) -> Result<(), diesel::result::Error> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(db::new_id()),
            audit_log::staff_id.eq(actor.staff_id.as_deref()),
            audit_log::staff_email.eq(&actor.email),
            audit_log::action.eq(action),
            audit_log::letter_id.eq(letter_id),
            audit_log::subject.eq(subject),
            audit_log::detail.eq(detail),
            audit_log::created_at.eq(db::now()),
        ))
        .execute(connection)?;
    Ok(())
}

/// The most recent entries, newest first, optionally only for one action prefix.
pub fn recent(
    connection: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, diesel::result::Error> {
    audit_log::table
        .order((audit_log::created_at.desc(), audit_log::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(AuditEntry::as_select())
        .load(connection)
}
