//! "Also send this as an update to signers": a delivery (`crate::letters::delivered`) made
//! into an update, composed here above both so that marking a letter knows nothing of updates.

use diesel::prelude::*;

use super::{Update, UpdateError};
use crate::db::DbConnection;
use crate::db::schema::letter_deliveries;
use crate::letters::Letter;
use crate::letters::delivered::Delivery;

/// The update's subject and Markdown, made from the delivery.
pub fn update_text(letter: &Letter, delivery: &Delivery) -> (String, String) {
    // The updates module takes one line of at most 200 characters.
    let subject: String = format!("Delivered to {}", letter.addressee)
        .chars()
        .take(200)
        .collect();
    // What people typed is shown as typed: a `[link](...)` or `<a>` in a note (or a title)
    // must not become a live link in an email to every signer.
    let literal = crate::values::markdown::markdown_literal;
    let mut markdown = format!(
        "“{}” was delivered to {} on {}.\n\n{}",
        literal(&letter.title),
        literal(&letter.addressee),
        delivery.on.format("%-d %B %Y"),
        // Markdown joins lines of a paragraph; two trailing spaces keep the note's breaks.
        literal(&delivery.note)
            .replace('\n', "  \n")
            .replace("  \n  \n", "\n\n"),
    );
    if let Some(link) = &delivery.link {
        // An autolink: a link in the HTML part, the bare address in the text part. A
        // canonical URL has no `<`, `>` or spaces to break out of it.
        markdown.push_str(&format!("\n\n<{link}>"));
    }
    (subject, markdown)
}

/// Makes the update to signers for this delivery, or finds the one made from the same
/// delivery before (a double submit, a second run of the command): the draft is keyed by the
/// delivery's content, so asking twice makes one update, and the updates module sends an
/// update once. The delivery remembers it. The caller confirms and sends.
///
/// Not inside a transaction: the second ask is told apart by the unique index on the
/// update's source, and on PostgreSQL that violation would abort an enclosing transaction.
pub fn prepare_update(
    connection: &mut DbConnection,
    letter: &Letter,
    delivery: &Delivery,
    public_base: &str,
    actor: &crate::staff::Actor,
) -> Result<Update, UpdateError> {
    let (subject, markdown) = update_text(letter, delivery);
    let source = format!(
        "delivered:{}",
        crate::values::tokens::hash(&format!(
            "{}\n{}\n{}",
            delivery.on,
            delivery.note,
            delivery.link.as_deref().unwrap_or("")
        ))
    );
    let update = match super::create(
        connection,
        letter,
        &subject,
        &markdown,
        public_base,
        actor,
        Some(&source),
    ) {
        Ok(update) => update,
        Err(UpdateError::AlreadySent) => super::find_by_source(connection, &letter.id, &source)?
            .ok_or(diesel::result::Error::NotFound)?,
        Err(other) => return Err(other),
    };
    diesel::update(letter_deliveries::table.find(&letter.id))
        .set(letter_deliveries::update_id.eq(&update.id))
        .execute(connection)?;
    Ok(update)
}
