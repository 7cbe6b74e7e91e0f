//! The emails people receive, as text and HTML, from templates under `templates/email/`.

use askama::Template;
use chrono::NaiveDateTime;

use super::MailContent;
use crate::letters::Letter;

struct LetterFacts<'a> {
    title: &'a str,
    addressee: &'a str,
}

impl<'a> LetterFacts<'a> {
    fn of(letter: &'a Letter) -> Self {
        LetterFacts {
            title: &letter.title,
            addressee: &letter.addressee,
        }
    }
}

struct ConfirmSignature<'a> {
    letter: LetterFacts<'a>,
    name: &'a str,
    verify_url: &'a str,
    withdraw_url: &'a str,
    expires: String,
}

#[derive(Template)]
#[template(path = "email/confirm_signature.txt")]
struct ConfirmSignatureText<'a> {
    mail: &'a ConfirmSignature<'a>,
}

#[derive(Template)]
#[template(path = "email/confirm_signature.html")]
struct ConfirmSignatureHtml<'a> {
    mail: &'a ConfirmSignature<'a>,
}

pub fn confirm_signature(
    letter: &Letter,
    name: &str,
    verify_url: &str,
    withdraw_url: &str,
    expires_at: NaiveDateTime,
) -> Result<MailContent, askama::Error> {
    let mail = ConfirmSignature {
        letter: LetterFacts::of(letter),
        name,
        verify_url,
        withdraw_url,
        expires: expires_at.format("%-d %B %Y, %H:%M UTC").to_string(),
    };
    Ok(MailContent {
        subject: format!("Please confirm your signature: {}", letter.title),
        text: ConfirmSignatureText { mail: &mail }.render()?,
        html: ConfirmSignatureHtml { mail: &mail }.render()?,
    })
}

struct AlreadySigned<'a> {
    letter: LetterFacts<'a>,
    name: &'a str,
    letter_url: &'a str,
    withdraw_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/already_signed.txt")]
struct AlreadySignedText<'a> {
    mail: &'a AlreadySigned<'a>,
}

#[derive(Template)]
#[template(path = "email/already_signed.html")]
struct AlreadySignedHtml<'a> {
    mail: &'a AlreadySigned<'a>,
}

pub fn already_signed(
    letter: &Letter,
    name: &str,
    letter_url: &str,
    withdraw_url: &str,
) -> Result<MailContent, askama::Error> {
    let mail = AlreadySigned {
        letter: LetterFacts::of(letter),
        name,
        letter_url,
        withdraw_url,
    };
    Ok(MailContent {
        subject: format!("You have already signed: {}", letter.title),
        text: AlreadySignedText { mail: &mail }.render()?,
        html: AlreadySignedHtml { mail: &mail }.render()?,
    })
}
