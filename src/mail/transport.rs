//! Where email goes: an SMTP server, `.eml` files in a folder, or only the log.

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::OutboxRecord;
use crate::config::{MailSettings, MailTransportKind};

/// A message as it goes out: a stored row's own subject and bodies, or what the row's kind
/// rendered at send time.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The row's `message_id`: the same on every attempt.
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The https one-click unsubscribe address (RFC 8058), for bulk mail.
    pub unsubscribe_url: Option<String>,
}

impl Envelope {
    /// A message stored rendered (a row without a kind).
    pub fn stored(record: &OutboxRecord) -> Envelope {
        Envelope {
            message_id: record.message_id.clone(),
            recipient: record.recipient.clone(),
            subject: record.subject.clone(),
            text: record.body_text.clone(),
            html: record.body_html.clone(),
            unsubscribe_url: None,
        }
    }
}

/// `List-Unsubscribe: <https://...>` (RFC 2369).
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            text.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the receiver may
/// unsubscribe with a POST to the https address, without the reader opening a page.
#[derive(Clone, Debug)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

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
                    .pool_config(
                        lettre::transport::smtp::PoolConfig::new()
                            .max_size(settings.smtp_pool_size),
                    )
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

    fn build(&self, envelope: &Envelope) -> Result<Message, DeliveryError> {
        let recipient: Mailbox = envelope.recipient.parse().map_err(|_| DeliveryError {
            permanent: true,
            message: "the recipient address cannot be used".into(),
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(envelope.subject.clone())
            // The same id on every attempt lets receivers drop a duplicate delivery.
            .message_id(Some(format!(
                "<{}@{}>",
                envelope.message_id, self.message_id_domain
            )));
        if let Some(url) = &envelope.unsubscribe_url {
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        let body = if matches!(self.transport, MailTransport::File(_)) {
            readable_alternative(&envelope.text, &envelope.html)
        } else {
            MultiPart::alternative_plain_html(envelope.text.clone(), envelope.html.clone())
        };
        builder.multipart(body).map_err(|error| DeliveryError {
            permanent: true,
            message: format!("cannot build the message: {error}"),
        })
    }

    pub async fn deliver(&self, envelope: &Envelope) -> Result<(), DeliveryError> {
        let message = self.build(envelope)?;
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

/// The text and HTML parts as they are (`8bit`), for `.eml` files a person opens in an
/// editor: quoted-printable, which lettre picks for any line of 76 characters or more, breaks
/// a link across lines with `=` and writes its `=` as `=3D`, so a link copied from the file
/// did not work. lettre offers 8-bit only for short lines, so the body is handed over
/// encoded, after the checks 8-bit needs (RFC 5322: CRLF line ends, lines of at most 998
/// bytes, no NUL or bare CR); a part that fails them keeps lettre's choice. Nothing carries
/// these files over SMTP, whose servers may not take 8-bit.
fn readable_alternative(text: &str, html: &str) -> MultiPart {
    use lettre::message::header::{ContentTransferEncoding, ContentType};
    use lettre::message::{Body, SinglePart};
    let part = |content_type: ContentType, content: &str| {
        let crlf = content.replace("\r\n", "\n").replace('\n', "\r\n");
        let fits = crlf
            .split("\r\n")
            .all(|line| line.len() <= 998 && !line.contains(['\0', '\r']));
        let body = if fits {
            Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit)
        } else {
            Body::new(content.to_owned())
        };
        SinglePart::builder().header(content_type).body(body)
    };
    MultiPart::alternative()
        .singlepart(part(ContentType::TEXT_PLAIN, text))
        .singlepart(part(ContentType::TEXT_HTML, html))
}

/// The web addresses in a text body, for the log.
pub fn links_in(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .collect()
}
