//! Outgoing email: messages are rendered when their cause happens, written to the outbox in
//! the same transaction, and delivered by the worker with retries; or, for the kinds a
//! feature registers a renderer for (`render::Renderers`), queued as a few parameters and
//! rendered when sent. Mail knows no feature: each declares its own messages
//! (`message::Message`) and renderers beside the code that sends them.

pub mod backlog;
pub mod erase;
pub mod held;
pub mod message;
pub mod outbox;
pub mod render;
pub mod transport;
pub mod worker;

/// A rendered email, ready to queue (or, for a message rendered when sent, empty).
#[derive(Clone, Debug)]
pub struct MailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone, Debug)]
pub struct OutgoingMail {
    pub recipient: String,
    pub content: MailContent,
    /// For a message rendered when sent: its kind and parameters (JSON). The outbox then
    /// stores these few hundred bytes instead of the rendered bodies.
    pub deferred: Option<(outbox::MailKind, String)>,
    /// The signature this message is about, if any: a withdrawal erases exactly these.
    pub signature_id: Option<String>,
}

impl OutgoingMail {
    pub fn to(recipient: &str, content: MailContent) -> OutgoingMail {
        OutgoingMail {
            recipient: recipient.to_owned(),
            content,
            deferred: None,
            signature_id: None,
        }
    }

    /// A message the mail worker renders when it sends it, from `params`.
    pub fn rendered_when_sent(
        recipient: &str,
        kind: outbox::MailKind,
        params: String,
    ) -> OutgoingMail {
        OutgoingMail {
            recipient: recipient.to_owned(),
            content: MailContent {
                subject: String::new(),
                text: String::new(),
                html: String::new(),
            },
            deferred: Some((kind, params)),
            signature_id: None,
        }
    }

    /// Marks the message as being about `signature_id`. Every message that names a signer
    /// or carries their links must say so, or a withdrawal cannot find it.
    pub fn about(mut self, signature_id: &str) -> OutgoingMail {
        self.signature_id = Some(signature_id.to_owned());
        self
    }
}
