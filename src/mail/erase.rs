//! Erasing a person's mail on request: every message to one mailbox, whatever it is about
//! (`signatures erase`). A withdrawal's own erasure, by signature, is
//! `outbox::redact_for_signature`.

use diesel::prelude::*;

use super::outbox::OutboxState;
use crate::db::DbConnection;
use crate::db::schema::outbox;

/// Erases every message to one mailbox (`recipient_key`), whatever it is about: those not
/// yet sent are deleted, those sent or given up keep their row with the address, subject,
/// bodies and error blanked (outbox counts stay right). For erasing a person on request.
pub fn redact_for_mailbox(
    connection: &mut DbConnection,
    recipient_key: &str,
) -> Result<usize, diesel::result::Error> {
    if recipient_key.is_empty() {
        return Ok(0);
    }
    let unsent = [
        OutboxState::Waiting,
        OutboxState::Sending,
        OutboxState::Held,
    ];
    let mut changed = diesel::delete(
        outbox::table
            .filter(outbox::recipient_key.eq(recipient_key))
            .filter(outbox::state.eq_any(unsent)),
    )
    .execute(connection)?;
    changed += diesel::update(outbox::table.filter(outbox::recipient_key.eq(recipient_key)))
        .set(super::outbox::blanked())
        .execute(connection)?;
    Ok(changed)
}
