//! Staff hiding a signer's comment from the public lists (a comment that should not be
//! shown, while the name may stay). The comment is kept for staff and exports; withdrawal
//! erases it with everything else.

use diesel::prelude::*;

use crate::db::schema::signatures;
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::staff::{Actor, audit};

/// Hides (`hidden`) or shows again the comment of signature `id` of `letter`. Returns false
/// when no such signature is on this letter. Audited as `signature.comment_hide` or
/// `signature.comment_show`, naming the signature, not the comment.
pub fn set_hidden(
    connection: &mut DbConnection,
    letter: &Letter,
    id: &str,
    hidden: bool,
    actor: &Actor,
) -> Result<bool, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let changed = diesel::update(
            signatures::table
                .filter(signatures::id.eq(id))
                .filter(signatures::letter_id.eq(&letter.id)),
        )
        .set(signatures::comment_hidden_at.eq(hidden.then(db::now)))
        .execute(connection)?;
        if changed == 0 {
            return Ok(false);
        }
        audit::record(
            connection,
            actor,
            if hidden {
                "signature.comment_hide"
            } else {
                "signature.comment_show"
            },
            Some(&letter.id),
            Some(id),
            if hidden {
                "comment hidden from the public lists"
            } else {
                "comment shown again"
            },
        )?;
        Ok(true)
    })
}
