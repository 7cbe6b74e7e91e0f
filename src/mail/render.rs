//! Turning claimed outbox rows into messages: rows stored rendered go as they are; rows of a
//! kind are rendered now from their parameters, each kind by the module that owns it.

use std::collections::HashMap;

use super::MailContent;
use super::outbox::{MailKind, OutboxRecord};
use super::transport::Envelope;
use crate::db::{DbConnection, DbError};
use crate::letters::Letter;
use crate::signatures::sign::{ConfirmationSigner, StoredConfirmation};
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

/// Renders a claimed batch for sending; what a kind needs (a letter, an update, the
/// signatures confirmations are about) is loaded once per batch. `public_base` is where the
/// links in the messages point.
pub fn prepare(
    connection: &mut DbConnection,
    records: &[OutboxRecord],
    public_base: &str,
) -> Result<Vec<Prepared>, DbError> {
    let mut letters: HashMap<String, Option<Letter>> = HashMap::new();
    let mut updates = UpdateRenderer::default();
    let signers = confirmation_signers(connection, records)?;
    let mut prepared = Vec::with_capacity(records.len());
    for record in records {
        prepared.push(match record.kind {
            None => Prepared::Send(Envelope::stored(record)),
            Some(MailKind::ConfirmSignature) => {
                confirmation(connection, record, &signers, &mut letters, public_base)?
            }
            Some(MailKind::Update) => updates.render(connection, record)?,
        });
    }
    Ok(prepared)
}

/// The signatures the batch's confirmations are about, in one query.
fn confirmation_signers(
    connection: &mut DbConnection,
    records: &[OutboxRecord],
) -> Result<HashMap<String, ConfirmationSigner>, diesel::result::Error> {
    use crate::db::schema::signatures;
    use diesel::prelude::*;
    let ids: Vec<&str> = records
        .iter()
        .filter(|record| record.kind == Some(MailKind::ConfirmSignature))
        .filter_map(|record| record.signature_id.as_deref())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(signatures::table
        .filter(signatures::id.eq_any(&ids))
        .select(ConfirmationSigner::as_select())
        .load::<ConfirmationSigner>(connection)?
        .into_iter()
        .map(|signer| (signer.id.clone(), signer))
        .collect())
}

fn confirmation(
    connection: &mut DbConnection,
    record: &OutboxRecord,
    signers: &HashMap<String, ConfirmationSigner>,
    letters: &mut HashMap<String, Option<Letter>>,
    public_base: &str,
) -> Result<Prepared, diesel::result::Error> {
    let Some(params) = record.params.as_deref().and_then(StoredConfirmation::parse) else {
        return Ok(Prepared::Skip("skipped: unreadable parameters".into()));
    };
    let signer = record
        .signature_id
        .as_deref()
        .and_then(|id| signers.get(id));
    let Some(letter_id) = params.letter_id(signer) else {
        return Ok(Prepared::Skip("skipped: the signature is gone".into()));
    };
    // The letter as the signer's language has it (title, addressee), when it is translated
    // into that language; else the original. Loaded once per (letter, language) per batch.
    let lang = params.lang();
    let key = format!("{letter_id}/{}", lang.unwrap_or(""));
    if !letters.contains_key(&key) {
        let found = match crate::letters::find_by_id(connection, letter_id)? {
            Some(letter) => match lang.filter(|lang| *lang != letter.lang) {
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
    Ok(match params.render(letter, signer, public_base) {
        Some(content) => Prepared::rendered(record, content, None),
        None => Prepared::Skip("skipped: the signature is gone".into()),
    })
}
