//! Where email goes: an SMTP server, `.eml` files in a folder, or only the log.

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::OutboxRecord;
use crate::config::{MailSettings, MailTransportKind};

pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Log,
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    /// The receiving side refused for good (an unknown mailbox, say): retrying cannot help.
    pub permanent: bool,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TransportSetupError {
    #[error("mail.smtp_url: {0}")]
    SmtpUrl(String),
    #[error("mail.file_dir: cannot create {path}: {source}")]
    FileDir {
        path: String,
        source: std::io::Error,
    },
    #[error("mail.from: not an email address")]
    From,
}

pub struct Mailer {
    transport: MailTransport,
    from: Mailbox,
    message_id_domain: String,
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> Result<Mailer, TransportSetupError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| TransportSetupError::From)?;
        let transport = match settings.transport {
            MailTransportKind::Smtp => MailTransport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
                    .map_err(|error| TransportSetupError::SmtpUrl(error.to_string()))?
                    .build(),
            ),
            MailTransportKind::File => {
                std::fs::create_dir_all(&settings.file_dir).map_err(|source| {
                    TransportSetupError::FileDir {
                        path: settings.file_dir.display().to_string(),
                        source,
                    }
                })?;
                MailTransport::File(AsyncFileTransport::<Tokio1Executor>::new(
                    &settings.file_dir,
                ))
            }
            MailTransportKind::Log => MailTransport::Log,
        };
        let message_id_domain = from.email.domain().to_owned();
        Ok(Mailer {
            transport,
            from,
            message_id_domain,
        })
    }

    /// Whether links may be written to the log: only when mail does not leave the machine,
    /// so that a newcomer can follow the flow without an SMTP server.
    pub fn logs_links(&self) -> bool {
        !matches!(self.transport, MailTransport::Smtp(_))
    }

    fn build(&self, record: &OutboxRecord) -> Result<Message, DeliveryError> {
        let recipient: Mailbox = record.recipient.parse().map_err(|_| DeliveryError {
            permanent: true,
            message: "the recipient address cannot be used".into(),
        })?;
        Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(record.subject.clone())
            // The same id on every attempt lets receivers drop a duplicate delivery.
            .message_id(Some(format!(
                "<{}@{}>",
                record.message_id, self.message_id_domain
            )))
            .multipart(MultiPart::alternative_plain_html(
                record.body_text.clone(),
                record.body_html.clone(),
            ))
            .map_err(|error| DeliveryError {
                permanent: true,
                message: format!("cannot build the message: {error}"),
            })
    }

    pub async fn deliver(&self, record: &OutboxRecord) -> Result<(), DeliveryError> {
        let message = self.build(record)?;
        match &self.transport {
            MailTransport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map(|_| ())
                    .map_err(|error| DeliveryError {
                        permanent: error.is_permanent(),
                        message: format!("smtp: {error}"),
                    })
            }
            MailTransport::File(file) => {
                file.send(message)
                    .await
                    .map(|_| ())
                    .map_err(|error| DeliveryError {
                        permanent: false,
                        message: format!("writing the mail file: {error}"),
                    })
            }
            MailTransport::Log => Ok(()),
        }
    }
}

/// The web addresses in a text body, for the log.
pub fn links_in(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .collect()
}
