//! Outgoing email: messages are rendered when their cause happens, written to the outbox in
//! the same transaction, and delivered by the worker with retries.

pub mod messages;
pub mod outbox;
pub mod transport;
pub mod worker;

/// A rendered email, ready to queue.
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
}

impl OutgoingMail {
    pub fn to(recipient: &str, content: MailContent) -> OutgoingMail {
        OutgoingMail {
            recipient: recipient.to_owned(),
            content,
        }
    }
}
