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

/// [`send_test`] for an update not stored yet (the command line's `FILE.md` and its
/// `FILE.LANG.md` versions, checked): one email to `recipient`, marked as a test, and
/// nothing of the update kept but the audit line.
#[allow(clippy::too_many_arguments)]
pub fn send_test_unsaved(
    connection: &mut DbConnection,
    letter: &crate::letters::Letter,
    (subject, markdown): (&str, &str),
    versions: &[super::languages::VersionDraft],
    public_base: &str,
    lang: Option<&LanguageTag>,
    recipient: &str,
    actor: &Actor,
) -> Result<(), UpdateError> {
    let subject = super::validate(subject, markdown)?;
    let now = db::now();
    let update = Update {
        id: String::new(),
        letter_id: letter.id.to_string(),
        subject: subject.clone(),
        body_markdown: markdown.trim().to_owned(),
        body_html: super::render_markdown(markdown),
        state: UpdateState::Draft,
        public_base: public_base.trim_end_matches('/').to_owned(),
        created_by: actor.email.clone(),
        created_at: now,
        sending_at: None,
        sent_at: None,
        queued: 0,
        seq: 0,
        legacy_message_ids: false,
    };
    let versions = versions
        .iter()
        .map(|version| super::languages::UpdateVersion {
            update_id: String::new(),
            lang: version.lang.clone(),
            subject: version.subject.clone(),
            body_html: super::render_markdown(&version.body_markdown),
            body_markdown: version.body_markdown.clone(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let mail =
        super::emails::test_mail_unsaved(connection, letter, update, versions, lang, recipient)?;
    let shown_lang = lang.map_or_else(|| "the original".to_owned(), ToString::to_string);
    db::write_transaction(connection, |connection| {
        crate::mail::outbox::enqueue(connection, &mail, now)?;
        audit::record(
            connection,
            actor,
            "update.test",
            Some(&letter.id),
            None,
            &format!("to {recipient} ({shown_lang}): {subject} (from a file, not stored)"),
        )?;
        Ok::<_, UpdateError>(())
    })
}
