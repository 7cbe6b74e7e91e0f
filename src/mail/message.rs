//! What every email has in common, whoever sends it: a subject and two bodies (text and
//! HTML) from templates under `templates/email/`, in one language. Each feature declares its
//! own messages (a plain struct of what the message says, its templates and its subject)
//! beside the code that sends them; this module only turns one into a [`MailContent`].

use super::MailContent;
use crate::i18n::catalog::Tr;

/// An email: a struct of what it says, declared with [`crate::email_templates!`].
pub trait Message {
    /// The subject line in `tr`'s language.
    fn subject(&self, tr: Tr) -> String;

    /// The text and HTML bodies in `tr`'s language (written by `email_templates!`).
    fn bodies(&self, tr: Tr) -> Result<(String, String), askama::Error>;

    /// The whole message in `tr`'s language (`lang` and `dir` on the HTML, the words from
    /// the catalog where the templates use it).
    fn render_in(&self, tr: Tr) -> Result<MailContent, askama::Error> {
        let (text, html) = self.bodies(tr)?;
        Ok(MailContent {
            subject: self.subject(tr),
            text,
            html,
        })
    }

    /// In the reader's language (`lang`, English when absent or not shipped).
    fn render(&self, lang: Option<&str>) -> Result<MailContent, askama::Error> {
        self.render_in(Tr::for_code(lang))
    }
}

/// Makes a message struct (with one lifetime parameter) a [`Message`]: its text and HTML
/// templates, which see the message as `mail` and the translator as `tr`, and its subject,
/// from the message and the translator:
///
/// ```ignore
/// crate::email_templates!(
///     AlreadySigned,
///     "email/already_signed.txt",
///     "email/already_signed.html",
///     |mail, tr| tr.ta("already-subject", [("title", mail.letter.title.into())]),
/// );
/// ```
#[macro_export]
macro_rules! email_templates {
    ($message:ident, $text_path:literal, $html_path:literal, $subject:expr $(,)?) => {
        const _: () = {
            #[derive(askama::Template)]
            #[template(path = $text_path)]
            struct Text<'a> {
                mail: &'a $message<'a>,
            }

            #[derive(askama::Template)]
            #[template(path = $html_path)]
            struct Html<'a> {
                mail: &'a $message<'a>,
            }

            impl $crate::mail::message::Message for $message<'_> {
                fn subject(&self, tr: $crate::i18n::catalog::Tr) -> String {
                    let subject: fn(&Self, $crate::i18n::catalog::Tr) -> String = $subject;
                    subject(self, tr)
                }

                fn bodies(
                    &self,
                    tr: $crate::i18n::catalog::Tr,
                ) -> Result<(String, String), askama::Error> {
                    use askama::Template as _;
                    let values: (&str, &dyn std::any::Any) = ("tr", &tr);
                    Ok((
                        Text { mail: self }.render_with_values(&values)?,
                        Html { mail: self }.render_with_values(&values)?,
                    ))
                }
            }
        };
    };
}
