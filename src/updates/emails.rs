//! The email an update becomes for each recipient, rendered when it is sent
//! ([`UpdateRenderer`], registered with the mail worker at startup), and the worker's job
//! that goes on queueing an update whose queuer stopped half-way.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Deserialize;

use super::{UNSUBSCRIBED, Update, unsubscribe};
use crate::db::schema::{letters, signatures};
use crate::db::{DbConnection, DbError};
use crate::mail::message::Message as _;
use crate::mail::outbox::{MailKind, OutboxRecord, mailbox_key};
use crate::mail::render::{Prepared, Renderer};
use crate::signatures::emails::LetterFacts;
use crate::values::language::LanguageTag;

/// The kind of an update's messages: rows queued before the `outbox_slim` migration say it,
/// later ones are a broadcast (their `update_id` says which update).
pub const KIND: MailKind = MailKind::named("update");

/// What a rendered-when-sent row says about itself.
#[derive(Debug, Deserialize)]
struct UpdateParams {
    update: String,
}

struct Loaded {
    update: Update,
    letter_title: String,
    letter_addressee: String,
    letter_slug: String,
}

/// An update to a letter's signers, rendered when it is sent. `body_html` is the update's
/// sanitized rendering; the text part is its Markdown as written.
pub struct UpdateMessage<'a> {
    pub letter: LetterFacts<'a>,
    /// The staff's subject, as written.
    pub subject: &'a str,
    pub body_markdown: &'a str,
    pub body_html: &'a str,
    pub letter_url: &'a str,
    pub unsubscribe_url: &'a str,
}
crate::email_templates!(
    UpdateMessage,
    "email/update.txt",
    "email/update.html",
    |mail, _| mail.subject.to_owned(),
);

/// Renders update rows for the mail worker (`mail::render`), loading each update once per
/// batch; a row whose address unsubscribed from the letter since it was queued is skipped.
pub struct UpdateRenderer;

impl Renderer for UpdateRenderer {
    fn render(
        &self,
        connection: &mut DbConnection,
        records: &[&OutboxRecord],
    ) -> Result<Vec<Prepared>, DbError> {
        let mut batch = Batch::default();
        records
            .iter()
            .map(|record| batch.render(connection, record))
            .collect()
    }
}

/// What the rows of one claimed batch share: each update loaded once, the secret read once.
#[derive(Default)]
struct Batch {
    loaded: HashMap<String, Option<Loaded>>,
    secret: Option<String>,
}

impl Batch {
    fn render(
        &mut self,
        connection: &mut DbConnection,
        record: &OutboxRecord,
    ) -> Result<Prepared, DbError> {
        // Rows queued before the `outbox_slim` migration may name the update in `params`.
        let update_id = record.update_id.clone().or_else(|| {
            record
                .params
                .as_deref()
                .and_then(|params| serde_json::from_str::<UpdateParams>(params).ok())
                .map(|params| params.update)
        });
        let Some(update_id) = update_id else {
            return Ok(Prepared::Later("not sent: unreadable parameters".into()));
        };
        if !self.loaded.contains_key(&update_id) {
            let found = load(connection, &update_id)?;
            self.loaded.insert(update_id.clone(), found);
        }
        let Some(Some(source)) = self.loaded.get(&update_id) else {
            return Ok(Prepared::Skip("skipped: the update is gone".into()));
        };
        let key = mailbox_key(&record.recipient);
        if unsubscribe::is_unsubscribed(connection, &source.update.letter_id, &key)? {
            return Ok(Prepared::Skip(UNSUBSCRIBED.into()));
        }
        let secret = match &self.secret {
            Some(secret) => secret.clone(),
            None => {
                let read = unsubscribe::secret(connection)?;
                self.secret = Some(read.clone());
                read
            }
        };
        let token = unsubscribe::token(&secret, &source.update.letter_id, &key);
        let unsubscribe_url = format!("{}/unsubscribe/{token}", source.update.public_base);
        let letter_url = format!(
            "{}/letters/{}",
            source.update.public_base, source.letter_slug
        );
        // The staff's words stay as written; the frame (why this came, how to stop it) is
        // in the language of the text the recipient signed.
        let lang = match signature_of(&record.id) {
            Some(signature_id) => signatures::table
                .find(signature_id)
                .select(signatures::lang)
                .first::<Option<LanguageTag>>(connection)
                .optional()?
                .flatten(),
            None => None,
        };
        let content = UpdateMessage {
            letter: LetterFacts {
                title: &source.letter_title,
                addressee: &source.letter_addressee,
            },
            subject: &source.update.subject,
            body_markdown: &source.update.body_markdown,
            body_html: &source.update.body_html,
            letter_url: &letter_url,
            unsubscribe_url: &unsubscribe_url,
        }
        .render(lang.as_deref());
        // A template error is the same on every attempt: give the message up with the
        // reason rather than hold the whole batch.
        Ok(Prepared::rendered(record, content, Some(unsubscribe_url)))
    }
}

/// The signature an update row is for, from its id (`<prefix>.<signature without hyphens>`,
/// the prefix short or long, see `outbox::update_message_prefix`); `None` for rows queued
/// before the `outbox_slim` migration.
fn signature_of(row_id: &str) -> Option<String> {
    let (_, hex) = row_id.strip_prefix('u')?.split_once('.')?;
    if hex.len() != 32 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn load(
    connection: &mut DbConnection,
    update_id: &str,
) -> Result<Option<Loaded>, diesel::result::Error> {
    let Some(update) = super::find(connection, update_id)? else {
        return Ok(None);
    };
    let (letter_title, letter_addressee, letter_slug) = letters::table
        .find(&update.letter_id)
        .select((letters::title, letters::addressee, letters::slug))
        .first::<(String, String, String)>(connection)?;
    Ok(Some(Loaded {
        update,
        letter_title,
        letter_addressee,
        letter_slug,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_update_row_names_its_signature() {
        let signature = "019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b";
        let row = format!("u{}.{}", "0".repeat(32), signature.replace('-', ""));
        assert_eq!(super::signature_of(&row).as_deref(), Some(signature));
        let short = crate::mail::outbox::update_message_id(
            &crate::mail::outbox::update_message_prefix("", 105, false),
            signature,
        );
        assert_eq!(super::signature_of(&short).as_deref(), Some(signature));
        assert_eq!(
            super::signature_of("019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b"),
            None
        );
        assert_eq!(super::signature_of("ux.<script>"), None);
    }
}
