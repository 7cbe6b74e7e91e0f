//! Something to tell a person, named by its catalog id (and its values), never by its English:
//! a page's heading, a notice, a field's error. The words are chosen when the page is drawn,
//! in the reader's language (`Tr::message`).
//!
//! The values layer cannot know the catalogs, so its refusals (`TextError`,
//! `EmailAddressError`) are given their message ids here; a new variant there does not
//! compile until it has one.

use crate::values::email_address::EmailAddressError;
use crate::values::text::TextError;

/// A value a message is given (`{ $title }`, `{ $count }`), owned so a message can wait in a
/// page or an error until it is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Number(i64),
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Value::Text(text.clone())
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Number(number)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A message of the catalogs (`locales/*/*.ftl`) and its named values.
    Catalog {
        id: &'static str,
        args: Vec<(&'static str, Value)>,
    },
    /// Words no catalog has, shown as they are: a decoder's account of a malformed form, a
    /// detail meant for whoever wrote the request.
    Verbatim(String),
}

impl Message {
    /// The catalog message `id`, without values.
    pub const fn id(id: &'static str) -> Message {
        Message::Catalog {
            id,
            args: Vec::new(),
        }
    }

    /// The catalog message `id` about a count (`$count`, which picks the plural form).
    pub fn count(id: &'static str, count: impl TryInto<i64>) -> Message {
        Message::id(id).with("count", Value::Number(count.try_into().unwrap_or(i64::MAX)))
    }

    /// Words shown as they are (see [`Message::Verbatim`]).
    pub fn verbatim(text: impl Into<String>) -> Message {
        Message::Verbatim(text.into())
    }

    /// This message with one more named value.
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Message {
        if let Message::Catalog { args, .. } = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    /// The catalog id, if the message has one.
    pub fn catalog_id(&self) -> Option<&'static str> {
        match self {
            Message::Catalog { id, .. } => Some(id),
            Message::Verbatim(_) => None,
        }
    }
}

impl From<TextError> for Message {
    fn from(error: TextError) -> Self {
        match error {
            TextError::Empty => Message::id("error-empty"),
            TextError::TooLong { max } => Message::count("error-too-long", max),
            TextError::LineBreak => Message::id("error-line-break"),
            TextError::Separator => Message::id("error-separator"),
            TextError::ControlCharacter => Message::id("error-control"),
            TextError::DirectionControl => Message::id("error-direction"),
            TextError::InvisibleCharacter => Message::id("error-invisible"),
            TextError::UnsupportedCharacter => Message::id("error-unsupported"),
            TextError::TooManyMarks => Message::id("error-marks"),
            TextError::NoLetterOrDigit => Message::id("error-no-letter"),
            TextError::NotAWebAddress => Message::id("error-web-address"),
        }
    }
}

impl From<&EmailAddressError> for Message {
    fn from(error: &EmailAddressError) -> Self {
        match error {
            EmailAddressError::Missing => Message::id("error-enter-email"),
            EmailAddressError::TooLong => Message::id("error-email-too-long"),
            EmailAddressError::Malformed => Message::id("error-email-invalid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalog::Tr;

    /// Each refusal of the values layer says in an English page what the JSON API says
    /// (its `Display`), and something else in Hebrew.
    #[test]
    fn every_refusal_has_its_english_words_and_a_translation() {
        let english = Tr::english();
        let hebrew = Tr::for_code(Some("he"));
        let texts = [
            TextError::Empty,
            TextError::TooLong { max: 200 },
            TextError::LineBreak,
            TextError::Separator,
            TextError::ControlCharacter,
            TextError::DirectionControl,
            TextError::InvisibleCharacter,
            TextError::UnsupportedCharacter,
            TextError::TooManyMarks,
            TextError::NoLetterOrDigit,
            TextError::NotAWebAddress,
        ]
        .map(|error| (error.to_string(), Message::from(error)));
        let emails = [
            EmailAddressError::Missing,
            EmailAddressError::TooLong,
            EmailAddressError::Malformed,
        ]
        .map(|error| (error.to_string(), Message::from(&error)));
        for (display, message) in texts.into_iter().chain(emails) {
            assert_eq!(english.message(&message), display, "{message:?}");
            assert_ne!(hebrew.message(&message), display, "{message:?}");
        }
    }

    #[test]
    fn values_fill_the_message_and_verbatim_stays() {
        let hebrew = Tr::for_code(Some("he"));
        let intro = Message::id("confirm-intro").with("title", "Dear Mayor");
        assert!(hebrew.message(&intro).contains("Dear Mayor"));
        assert_eq!(
            hebrew.message(&Message::count("error-too-long", 5usize)),
            hebrew.count("error-too-long", 5)
        );
        assert_eq!(hebrew.message(&Message::verbatim("as is")), "as is");
    }
}
