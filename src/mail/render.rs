//! Turning claimed outbox rows into messages: rows stored rendered go as they are; rows of a
//! kind are rendered now from their parameters, each kind by the module that owns it.

use std::collections::HashMap;

use super::MailContent;
use super::outbox::{MailKind, OutboxRecord};
use super::transport::Envelope;
use crate::db::{DbConnection, DbError};
use crate::letters::Letter;
use crate::signatures::sign::ConfirmationParams;
use crate::updates::UpdateRenderer;

/// What to do with a claimed message after rendering.
#[derive(Debug)]
pub enum Prepared {
    Send(Envelope),
    /// Not to be sent, for this reason (recorded as its error).
    Skip(String),
}

impl Prepared {
    /// A rendered message, or the reason it cannot be: a template error is the same on every
    /// attempt, so the message is given up with the reason rather than holding the batch.
    pub fn rendered(
        record: &OutboxRecord,
        content: Result<MailContent, askama::Error>,
        unsubscribe_url: Option<String>,
    ) -> Prepared {
        match content {
            Ok(content) => Prepared::Send(Envelope {
                message_id: record.message_id.clone(),
                recipient: record.recipient.clone(),
                subject: content.subject,
                text: content.text,
                html: content.html,
                unsubscribe_url,
            }),
            Err(error) => Prepared::Skip(format!("skipped: cannot render: {error}")),
        }
    }
}

/// Renders a claimed batch for sending; what a kind needs (a letter, an update) is loaded
/// once per batch.
pub fn prepare(
    connection: &mut DbConnection,
    records: &[OutboxRecord],
) -> Result<Vec<Prepared>, DbError> {
    let mut letters: HashMap<String, Option<Letter>> = HashMap::new();
    let mut updates = UpdateRenderer::default();
    let mut prepared = Vec::with_capacity(records.len());
    for record in records {
        prepared.push(match record.kind {
            None => Prepared::Send(Envelope::stored(record)),
            Some(MailKind::ConfirmSignature) => confirmation(connection, record, &mut letters)?,
            Some(MailKind::Update) => updates.render(connection, record)?,
        });
    }
    Ok(prepared)
}

fn confirmation(
    connection: &mut DbConnection,
    record: &OutboxRecord,
    letters: &mut HashMap<String, Option<Letter>>,
) -> Result<Prepared, diesel::result::Error> {
    let params: Option<ConfirmationParams> = record
        .params
        .as_deref()
        .and_then(|params| serde_json::from_str(params).ok());
    let Some(params) = params else {
        return Ok(Prepared::Skip("skipped: unreadable parameters".into()));
    };
    // The letter as the signer's language has it (title, addressee), when it is translated
    // into that language; else the original. Loaded once per (letter, language) per batch.
    let key = format!("{}/{}", params.letter, params.lang.as_deref().unwrap_or(""));
    if !letters.contains_key(&key) {
        let found = match crate::letters::find_by_id(connection, &params.letter)? {
            Some(letter) => match params.lang.as_deref().filter(|lang| *lang != letter.lang) {
                Some(lang) => crate::letters::translations::find(connection, &letter.id, lang)?
                    .map(|translation| translation.applied_to(&letter))
                    .or(Some(letter)),
                None => Some(letter),
            },
            None => None,
        };
        letters.insert(key.clone(), found);
    }
    let Some(Some(letter)) = letters.get(&key) else {
        return Ok(Prepared::Skip("skipped: the letter is gone".into()));
    };
    Ok(Prepared::rendered(record, params.render(letter), None))
}
