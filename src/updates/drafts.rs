//! What staff do with an update before sending it: change its words, throw it away, or
//! send it to themselves first to see it as a signer will. Each is audited, and each works
//! only on a draft: the conditional change (`state = 'draft'`) holds the row until it
//! commits, so a send that starts meanwhile waits and sends the words as changed, and one
//! that started first makes the change refuse ([`UpdateError::NotDraft`]).

use diesel::prelude::*;

use super::{Update, UpdateError, UpdateState};
use crate::db::schema::{update_translations, updates};
use crate::db::{self, DbConnection};
use crate::i18n::LanguageTag;
use crate::staff::{Actor, audit};

/// Replaces a draft's subject and text (its versions in other languages are changed on
/// their own, `languages::save`). Audited as `update.edit`.
pub fn edit(
    connection: &mut DbConnection,
    update_id: &str,
    subject: &str,
    markdown: &str,
    actor: &Actor,
) -> Result<Update, UpdateError> {
    let subject = super::validate(subject, markdown)?;
    let markdown = markdown.trim();
    let body_html = super::render_markdown(markdown);
    db::write_transaction(connection, |connection| {
        let changed = diesel::update(
            updates::table
                .filter(updates::id.eq(update_id))
                .filter(updates::state.eq(UpdateState::Draft)),
        )
        .set((
            updates::subject.eq(&subject),
            updates::body_markdown.eq(markdown),
            updates::body_html.eq(&body_html),
        ))
        .execute(connection)?;
        let update = draft_or_refusal(connection, update_id, changed)?;
        audit::record(
            connection,
            actor,
            "update.edit",
            Some(&update.letter_id),
            Some(update_id),
            &subject,
        )?;
        Ok(update)
    })
}

/// Deletes a draft and its versions. Audited as `update.delete`, with its subject (the
/// only trace of it left).
pub fn delete(
    connection: &mut DbConnection,
    update_id: &str,
    actor: &Actor,
) -> Result<Update, UpdateError> {
    db::write_transaction(connection, |connection| {
        let Some(update) = super::find(connection, update_id)? else {
            return Err(UpdateError::Database(diesel::result::Error::NotFound));
        };
        if update.state != UpdateState::Draft {
            return Err(UpdateError::NotDraft);
        }
        diesel::delete(
            update_translations::table.filter(update_translations::update_id.eq(update_id)),
        )
        .execute(connection)?;
        let deleted = diesel::delete(
            updates::table
                .filter(updates::id.eq(update_id))
                .filter(updates::state.eq(UpdateState::Draft)),
        )
        .execute(connection)?;
        if deleted != 1 {
            return Err(UpdateError::NotDraft);
        }
        audit::record(
            connection,
            actor,
            "update.delete",
            Some(&update.letter_id),
            Some(update_id),
            &update.subject,
        )?;
        Ok(update)
    })
}

/// Queues one email of a draft, in `lang` (a version's language, else the original), to
/// `recipient` (the console sends it to the staff member's own address), marked as a test
/// in its subject. The update stays a draft and its progress does not count the test.
/// Audited as `update.test`.
pub fn send_test(
    connection: &mut DbConnection,
    update_id: &str,
    lang: Option<&LanguageTag>,
    recipient: &str,
    actor: &Actor,
) -> Result<Update, UpdateError> {
    let Some(update) = super::find(connection, update_id)? else {
        return Err(UpdateError::Database(diesel::result::Error::NotFound));
    };
    if update.state != UpdateState::Draft {
        return Err(UpdateError::NotDraft);
    }
    let Some(mail) = super::emails::test_mail(connection, update_id, lang, recipient)? else {
        return Err(UpdateError::Database(diesel::result::Error::NotFound));
    };
    let shown_lang = lang.map_or_else(|| "the original".to_owned(), ToString::to_string);
    db::write_transaction(connection, |connection| {
        crate::mail::outbox::enqueue(connection, &mail, db::now())?;
        audit::record(
            connection,
            actor,
            "update.test",
            Some(&update.letter_id),
            Some(update_id),
            &format!("to {recipient} ({shown_lang}): {}", update.subject),
        )?;
        Ok::<_, UpdateError>(())
    })?;
    Ok(update)
}

/// The draft just changed, or why it was not: gone, or no longer a draft.
fn draft_or_refusal(
    connection: &mut DbConnection,
    update_id: &str,
    changed: usize,
) -> Result<Update, UpdateError> {
    match super::find(connection, update_id)? {
        Some(update) if changed == 1 => Ok(update),
        Some(_) => Err(UpdateError::NotDraft),
        None => Err(UpdateError::Database(diesel::result::Error::NotFound)),
    }
}
