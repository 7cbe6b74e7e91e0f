//! Turning claimed outbox rows into messages: rows stored rendered go as they are; rows of a
//! kind are rendered now from their parameters, each kind by the renderer its feature
//! registered ([`Renderers`], built once at startup and handed to the worker).

use std::collections::HashMap;
use std::sync::Arc;

use super::MailContent;
use super::outbox::{MailKind, OutboxRecord};
use super::transport::Envelope;
use crate::db::{DbConnection, DbError};

/// What to do with a claimed message after rendering.
#[derive(Debug)]
pub enum Prepared {
    Send(Envelope),
    /// Not to be sent, for this reason (recorded as its error).
    Skip(String),
    /// Not readable by this binary (no renderer for its kind here, or parameters it cannot
    /// parse: an instance of a newer release may have queued it): left in the queue for
    /// another worker, this reason recorded, and never given up for it.
    Later(String),
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

/// Renders the rows of one kind of message when they are sent. A feature implements it for
/// each kind it queues with `OutgoingMail::rendered_when_sent` and registers it in
/// [`Renderers`].
pub trait Renderer: Send + Sync {
    /// One [`Prepared`] per row of `records` (all of this renderer's kind, in the order
    /// claimed), in the same order. What rows share (a letter, an update) is best loaded
    /// once per call: a call is one claimed batch.
    fn render(
        &self,
        connection: &mut DbConnection,
        records: &[&OutboxRecord],
    ) -> Result<Vec<Prepared>, DbError>;
}

/// The renderers of every kind of message rendered when sent, by kind.
#[derive(Clone, Default)]
pub struct Renderers {
    by_kind: HashMap<MailKind, Arc<dyn Renderer>>,
    /// The kind of a broadcast's messages (rows with `update_id`, queued in bulk by SQL with
    /// no `kind`).
    broadcast: Option<MailKind>,
}

impl Renderers {
    pub fn new() -> Renderers {
        Renderers::default()
    }

    /// Rows of `kind` are rendered by `renderer`.
    pub fn register(mut self, kind: MailKind, renderer: impl Renderer + 'static) -> Renderers {
        self.by_kind.insert(kind, Arc::new(renderer));
        self
    }

    /// Like [`Renderers::register`], and rows of a broadcast (`update_id` set, no `kind`)
    /// are of `kind` too.
    pub fn register_broadcast(
        self,
        kind: MailKind,
        renderer: impl Renderer + 'static,
    ) -> Renderers {
        let mut renderers = self.register(kind.clone(), renderer);
        renderers.broadcast = Some(kind);
        renderers
    }

    /// The kind a row is rendered as; `None` for a row stored rendered.
    pub fn kind_of<'a>(&'a self, record: &'a OutboxRecord) -> Option<&'a MailKind> {
        match (&record.kind, &record.update_id) {
            (Some(kind), _) => Some(kind),
            (None, Some(_)) => self.broadcast.as_ref(),
            (None, None) => None,
        }
    }

    /// Renders a claimed batch for sending: rows stored rendered go as they are, the rows of
    /// each kind go to its renderer together.
    pub fn prepare(
        &self,
        connection: &mut DbConnection,
        records: &[OutboxRecord],
    ) -> Result<Vec<Prepared>, DbError> {
        let mut prepared: Vec<Option<Prepared>> = Vec::with_capacity(records.len());
        let mut by_kind: HashMap<&MailKind, Vec<usize>> = HashMap::new();
        for (index, record) in records.iter().enumerate() {
            match self.kind_of(record) {
                None => prepared.push(Some(Prepared::Send(Envelope::stored(record)))),
                Some(kind) => {
                    by_kind.entry(kind).or_default().push(index);
                    prepared.push(None);
                }
            }
        }
        for (kind, indexes) in by_kind {
            let Some(renderer) = self.by_kind.get(kind) else {
                for index in indexes {
                    prepared[index] = Some(Prepared::Later(format!(
                        "not sent: no renderer for messages of kind \"{kind}\""
                    )));
                }
                continue;
            };
            let rows: Vec<&OutboxRecord> = indexes.iter().map(|index| &records[*index]).collect();
            let rendered = renderer.render(connection, &rows)?;
            if rendered.len() != rows.len() {
                return Err(DbError::TaskFailed(format!(
                    "the renderer of \"{kind}\" gave {} messages for {} rows",
                    rendered.len(),
                    rows.len()
                )));
            }
            for (index, message) in indexes.into_iter().zip(rendered) {
                prepared[index] = Some(message);
            }
        }
        Ok(prepared
            .into_iter()
            .map(|message| {
                message.unwrap_or_else(|| Prepared::Skip("skipped: not rendered".into()))
            })
            .collect())
    }
}
