//! The invitation email, in the language its member's contact reads: the frame from that
//! language's catalog, the letter's title and addressee from the translation in it when the
//! letter has one, else from the original, each marked with the language it is written in.

use crate::i18n::catalog::{Arg, Tr, escape, quoted};
use crate::letters::Letter;
use crate::letters::translations::Translation;
use crate::mail::MailContent;
use crate::mail::message::Message as _;
use crate::members::Member;
use crate::values::language::LanguageTag;

/// The invitation (or its reminder) to sign a letter for a member organization.
pub struct InviteMessage<'a> {
    /// The letter as the contact reads it (a translation applied, or the original).
    pub letter: &'a Letter,
    pub organization: &'a str,
    pub invite_url: &'a str,
    pub expires: String,
    pub reminder: bool,
}
crate::email_templates!(
    InviteMessage,
    "email/invite.txt",
    "email/invite.html",
    |mail, tr| {
        let id = if mail.reminder {
            "invites-reminder-subject"
        } else {
            "invites-subject"
        };
        tr.ta(
            id,
            [
                ("organization", mail.organization.into()),
                ("title", Arg::Text(&mail.isolated(&mail.letter.title, &tr))),
            ],
        )
    },
);

/// U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE: plain text has no `dir`,
/// so a title in the other direction than the sentence around it is isolated this way.
const ISOLATE: (char, char) = ('\u{2068}', '\u{2069}');

impl InviteMessage<'_> {
    /// The letter's text language: `lang` and `dir` for its title and addressee.
    fn text_lang(&self) -> &LanguageTag {
        &self.letter.lang
    }

    /// The addressee inside the sentence (`i18n::addressee_in_sentence`).
    fn addressee(&self) -> std::borrow::Cow<'_, str> {
        crate::i18n::addressee_in_sentence(&self.letter.addressee, self.text_lang())
    }

    /// `text` (the letter's title or addressee) for a plain-text sentence in `tr`'s language:
    /// isolated when the two run in different directions, so punctuation stays in place.
    fn isolated(&self, text: &str, tr: &Tr) -> String {
        if self.text_lang().dir() == tr.dir() {
            text.to_owned()
        } else {
            format!("{}{text}{}", ISOLATE.0, ISOLATE.1)
        }
    }

    /// The sentence that invites, as HTML: organization and title in bold.
    pub fn invited_html(&self, tr: &Tr) -> String {
        let organization = format!("<strong><bdi>{}</bdi></strong>", escape(self.organization));
        let title = format!(
            "<strong>{}</strong>",
            crate::i18n::catalog::marked(&self.letter.title, self.text_lang())
        );
        let addressee = crate::i18n::catalog::marked(&self.addressee(), self.text_lang());
        tr.html(
            self.sentence_id(),
            [
                ("organization", Arg::Markup(&organization)),
                ("title", Arg::Markup(&title)),
                ("addressee", Arg::Markup(&addressee)),
            ],
        )
    }

    /// The same sentence as plain text, the title in quotes.
    pub fn invited_text(&self, tr: &Tr) -> String {
        let title = self.isolated(&quoted(&self.letter.title), tr);
        let addressee = self.isolated(&self.addressee(), tr);
        tr.ta(
            self.sentence_id(),
            [
                ("organization", self.organization.into()),
                ("title", Arg::Text(&title)),
                ("addressee", Arg::Text(&addressee)),
            ],
        )
    }

    fn sentence_id(&self) -> &'static str {
        if self.reminder {
            "invites-reminder"
        } else {
            "invites-invited"
        }
    }
}

/// The language `member` reads `letter` in (its own, else the letter's original), and the
/// letter as written in it: the translation that matches (`he-IL` reads `he`), else the
/// original.
pub fn letter_for(
    member: &Member,
    letter: &Letter,
    translations: &[Translation],
) -> (LanguageTag, Letter) {
    let reads = member.reads(&letter.lang).clone();
    let available: Vec<LanguageTag> = translations
        .iter()
        .map(|translation| translation.lang.clone())
        .collect();
    let translated = crate::i18n::pick(std::slice::from_ref(&reads), &available)
        .filter(|picked| **picked != letter.lang)
        .and_then(|picked| {
            translations
                .iter()
                .find(|translation| translation.lang == *picked)
        });
    let text = translated.map_or_else(|| letter.clone(), |found| found.applied_to(letter));
    (reads, text)
}

/// The invitation rendered in `reads` (the catalog's best match for it, else English), its
/// expiry written in that language.
pub fn render(
    reads: &LanguageTag,
    letter: &Letter,
    organization: &str,
    invite_url: &str,
    expires_at: &chrono::NaiveDateTime,
    reminder: bool,
) -> Result<MailContent, askama::Error> {
    let tr = Tr::for_requested(std::slice::from_ref(reads));
    InviteMessage {
        letter,
        organization,
        invite_url,
        expires: tr.date_time(expires_at),
        reminder,
    }
    .render_in(tr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signatures::emails::tests::{expiry, letter, pinned};

    const URL: &str = "https://letters.example.org/letters/dear-president/invite/TOKEN";

    #[test]
    fn invitation_and_reminder() {
        let letter = letter();
        let english = LanguageTag::parse("en").expect("a tag");
        let invite = |reminder| {
            render(
                &english,
                &letter,
                "Friends & Neighbours",
                URL,
                &expiry(),
                reminder,
            )
            .expect("renders")
        };
        pinned("invitation", &invite(false));
        pinned("reminder", &invite(true));
    }

    #[test]
    fn an_english_title_in_a_hebrew_invitation_keeps_its_language_and_direction() {
        let letter = letter();
        let hebrew = LanguageTag::parse("he").expect("a tag");
        let mail = render(&hebrew, &letter, "חברים", URL, &expiry(), false).expect("renders");
        assert!(
            mail.html.contains(r#"<html lang="he" dir="rtl">"#),
            "{}",
            mail.html
        );
        assert!(
            mail.html.contains(
                r#"<strong><bdi lang="en" dir="ltr">Protect the right to protest</bdi></strong>"#
            ),
            "{}",
            mail.html
        );
        assert!(
            mail.text
                .contains("\u{2068}\"Protect the right to protest\"\u{2069}"),
            "{}",
            mail.text
        );
        assert!(
            mail.subject
                .contains("\u{2068}Protect the right to protest\u{2069}")
        );
    }
}
