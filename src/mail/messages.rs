//! The emails people receive, as text and HTML, from templates under `templates/email/`.
//! Each message is a plain struct of what it says; `render` turns it into both parts.

use askama::Template;
use chrono::NaiveDateTime;

use super::MailContent;
use crate::letters::Letter;

/// Declares the text and HTML templates of a message; both see the message as `mail`.
macro_rules! mail_templates {
    ($message:ident, $text:ident, $html:ident, $text_path:literal, $html_path:literal) => {
        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            mail: &'a $message<'a>,
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            mail: &'a $message<'a>,
        }

        impl $message<'_> {
            /// In English: the signer's language is not known for this message.
            #[allow(dead_code)]
            fn render(&self, subject: String) -> Result<MailContent, askama::Error> {
                self.render_in(crate::i18n::catalog::Tr::english(), subject)
            }

            /// Both parts in `tr`'s language (`lang` and `dir` on the HTML, the words from
            /// the catalog where the templates use it).
            fn render_in(
                &self,
                tr: crate::i18n::catalog::Tr,
                subject: String,
            ) -> Result<MailContent, askama::Error> {
                let values: (&str, &dyn std::any::Any) = ("tr", &tr);
                Ok(MailContent {
                    subject,
                    text: $text { mail: self }.render_with_values(&values)?,
                    html: $html { mail: self }.render_with_values(&values)?,
                })
            }
        }
    };
}

/// In the site's date style (`[site] date_style`).
fn long_time(time: NaiveDateTime) -> String {
    crate::config::site::installed().date_style.date_time(&time)
}

/// A date and time in `tr`'s language (the site's style in English).
fn long_time_in(tr: crate::i18n::catalog::Tr, time: NaiveDateTime) -> String {
    tr.date_time(&time)
}

pub struct LetterFacts<'a> {
    pub title: &'a str,
    pub addressee: &'a str,
}

impl<'a> LetterFacts<'a> {
    pub fn of(letter: &'a Letter) -> Self {
        LetterFacts {
            title: &letter.title,
            addressee: &letter.addressee,
        }
    }
}

pub struct ConfirmSignature<'a> {
    pub letter: LetterFacts<'a>,
    pub name: &'a str,
    /// Set when signing for an organization.
    pub organization: Option<&'a str>,
    pub verify_url: &'a str,
    pub withdraw_url: &'a str,
    pub expires: String,
}
mail_templates!(
    ConfirmSignature,
    ConfirmSignatureText,
    ConfirmSignatureHtml,
    "email/confirm_signature.txt",
    "email/confirm_signature.html"
);

pub fn confirm_signature(
    letter: &Letter,
    name: &str,
    organization: Option<&str>,
    verify_url: &str,
    withdraw_url: &str,
    expires_at: NaiveDateTime,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    let tr = crate::i18n::catalog::Tr::for_code(lang);
    ConfirmSignature {
        letter: LetterFacts::of(letter),
        name,
        organization,
        verify_url,
        withdraw_url,
        expires: long_time_in(tr, expires_at),
    }
    .render_in(
        tr,
        tr.ta("confirm-subject", [("title", letter.title.as_str().into())]),
    )
}

pub struct AlreadySigned<'a> {
    pub letter: LetterFacts<'a>,
    pub name: &'a str,
    pub letter_url: &'a str,
    pub withdraw_url: &'a str,
}
mail_templates!(
    AlreadySigned,
    AlreadySignedText,
    AlreadySignedHtml,
    "email/already_signed.txt",
    "email/already_signed.html"
);

/// In the signer's language (`lang`, English when absent).
pub fn already_signed(
    letter: &Letter,
    name: &str,
    letter_url: &str,
    withdraw_url: &str,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    let tr = crate::i18n::catalog::Tr::for_code(lang);
    AlreadySigned {
        letter: LetterFacts::of(letter),
        name,
        letter_url,
        withdraw_url,
    }
    .render_in(
        tr,
        tr.ta("already-subject", [("title", letter.title.as_str().into())]),
    )
}

pub struct Invite<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub invite_url: &'a str,
    pub expires: String,
    pub reminder: bool,
}
mail_templates!(
    Invite,
    InviteText,
    InviteHtml,
    "email/invite.txt",
    "email/invite.html"
);

pub fn invite(
    letter: &Letter,
    organization: &str,
    invite_url: &str,
    expires_at: NaiveDateTime,
    reminder: bool,
) -> Result<MailContent, askama::Error> {
    let subject = if reminder {
        format!("Reminder: will {organization} sign “{}”?", letter.title)
    } else {
        format!("Invitation for {organization} to sign “{}”", letter.title)
    };
    Invite {
        letter: LetterFacts::of(letter),
        organization,
        invite_url,
        expires: long_time(expires_at),
        reminder,
    }
    .render(subject)
}

/// After an organization's sign-on is approved, or listed at once through its invite.
pub struct OrganizationListed<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub name: &'a str,
    pub letter_url: &'a str,
    pub withdraw_url: &'a str,
}
mail_templates!(
    OrganizationListed,
    OrganizationListedText,
    OrganizationListedHtml,
    "email/organization_listed.txt",
    "email/organization_listed.html"
);

/// In the signer's language (`lang`, English when absent).
pub fn organization_listed(
    letter: &Letter,
    organization: &str,
    name: &str,
    letter_url: &str,
    withdraw_url: &str,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    let tr = crate::i18n::catalog::Tr::for_code(lang);
    OrganizationListed {
        letter: LetterFacts::of(letter),
        organization,
        name,
        letter_url,
        withdraw_url,
    }
    .render_in(
        tr,
        tr.ta(
            "listed-subject",
            [
                ("organization", organization.into()),
                ("title", letter.title.as_str().into()),
            ],
        ),
    )
}

/// An invited organization signed, and staff review sign-ons before listing them.
pub struct OrganizationAwaitingReview<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub name: &'a str,
    pub withdraw_url: &'a str,
}
mail_templates!(
    OrganizationAwaitingReview,
    OrganizationAwaitingReviewText,
    OrganizationAwaitingReviewHtml,
    "email/organization_awaiting_review.txt",
    "email/organization_awaiting_review.html"
);

/// In the signer's language (`lang`, English when absent).
pub fn organization_awaiting_review(
    letter: &Letter,
    organization: &str,
    name: &str,
    withdraw_url: &str,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    let tr = crate::i18n::catalog::Tr::for_code(lang);
    OrganizationAwaitingReview {
        letter: LetterFacts::of(letter),
        organization,
        name,
        withdraw_url,
    }
    .render_in(
        tr,
        tr.ta(
            "review-subject",
            [
                ("organization", organization.into()),
                ("title", letter.title.as_str().into()),
            ],
        ),
    )
}

pub struct OrganizationRejected<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub name: &'a str,
}
mail_templates!(
    OrganizationRejected,
    OrganizationRejectedText,
    OrganizationRejectedHtml,
    "email/organization_rejected.txt",
    "email/organization_rejected.html"
);

/// In the signer's language (`lang`, English when absent).
pub fn organization_rejected(
    letter: &Letter,
    organization: &str,
    name: &str,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    let tr = crate::i18n::catalog::Tr::for_code(lang);
    OrganizationRejected {
        letter: LetterFacts::of(letter),
        organization,
        name,
    }
    .render_in(
        tr,
        tr.ta(
            "rejected-subject",
            [
                ("organization", organization.into()),
                ("title", letter.title.as_str().into()),
            ],
        ),
    )
}

pub struct OrganizationDuplicate<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub name: &'a str,
    pub letter_url: &'a str,
}
mail_templates!(
    OrganizationDuplicate,
    OrganizationDuplicateText,
    OrganizationDuplicateHtml,
    "email/organization_duplicate.txt",
    "email/organization_duplicate.html"
);

/// In the signer's language (`lang`, English when absent).
pub fn organization_duplicate(
    letter: &Letter,
    organization: &str,
    name: &str,
    letter_url: &str,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    let tr = crate::i18n::catalog::Tr::for_code(lang);
    OrganizationDuplicate {
        letter: LetterFacts::of(letter),
        organization,
        name,
        letter_url,
    }
    .render_in(
        tr,
        tr.ta(
            "duplicate-subject",
            [
                ("organization", organization.into()),
                ("title", letter.title.as_str().into()),
            ],
        ),
    )
}

#[cfg(test)]
mod tests {
    //! The emails, pinned: a reviewer sees exactly what people receive.
    use super::*;

    fn letter() -> Letter {
        let time = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|date| date.and_hms_opt(9, 0, 0))
            .expect("a valid time");
        Letter {
            id: "letter-id".into(),
            slug: "dear-president".into(),
            title: "Protect the right to protest".into(),
            addressee: "The President of the Republic".into(),
            summary: String::new(),
            body_markdown: String::new(),
            body_html: String::new(),
            content_hash: String::new(),
            status: crate::letters::LetterStatus::Open,
            goal: None,
            opens_at: None,
            closes_at: None,
            accepts_individuals: true,
            accepts_organizations: true,
            organizations_need_approval: true,
            published_at: Some(time),
            created_at: time,
            updated_at: time,
            invites_skip_approval: true,
            show_partner_tally: false,
            closed_at: None,
            lang: "en".into(),
        }
    }

    fn expiry() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|date| date.and_hms_opt(9, 0, 0))
            .expect("a valid time")
    }

    fn pinned(content: &MailContent) -> String {
        format!(
            "Subject: {}\n\n--- text ---\n{}\n--- html ---\n{}",
            content.subject, content.text, content.html
        )
    }

    const VERIFY: &str = "https://letters.example.org/verify/TOKEN";
    const WITHDRAW: &str = "https://letters.example.org/withdraw/TOKEN";
    const LETTER: &str = "https://letters.example.org/letters/dear-president";

    #[test]
    fn confirmation_for_a_person() {
        let mail = confirm_signature(
            &letter(),
            "Ada <Lovelace>",
            None,
            VERIFY,
            WITHDRAW,
            expiry(),
            None,
        )
        .expect("renders");
        insta::assert_snapshot!(pinned(&mail));
    }

    #[test]
    fn confirmation_for_an_organization() {
        let mail = confirm_signature(
            &letter(),
            "Grace Hopper",
            Some("Friends & Neighbours"),
            VERIFY,
            WITHDRAW,
            expiry(),
            None,
        )
        .expect("renders");
        insta::assert_snapshot!(pinned(&mail));
    }

    #[test]
    fn already_signed_notice() {
        let mail = already_signed(&letter(), "Ada", LETTER, WITHDRAW, None).expect("renders");
        insta::assert_snapshot!(pinned(&mail));
    }

    #[test]
    fn invitation_and_reminder() {
        let url = "https://letters.example.org/letters/dear-president/invite/TOKEN";
        let first =
            invite(&letter(), "Friends & Neighbours", url, expiry(), false).expect("renders");
        insta::assert_snapshot!("invitation", pinned(&first));
        let reminder =
            invite(&letter(), "Friends & Neighbours", url, expiry(), true).expect("renders");
        insta::assert_snapshot!("reminder", pinned(&reminder));
    }

    #[test]
    fn approval_and_rejection() {
        let listed = organization_listed(
            &letter(),
            "Friends & Neighbours",
            "Grace Hopper",
            LETTER,
            WITHDRAW,
            None,
        )
        .expect("renders");
        insta::assert_snapshot!("approved", pinned(&listed));
        let review = organization_awaiting_review(
            &letter(),
            "Friends & Neighbours",
            "Grace Hopper",
            WITHDRAW,
            None,
        )
        .expect("renders");
        insta::assert_snapshot!("awaiting_review", pinned(&review));
        let rejected =
            organization_rejected(&letter(), "Friends & Neighbours", "Grace Hopper", None)
                .expect("renders");
        insta::assert_snapshot!("rejected", pinned(&rejected));
    }
}

/// An update to a letter's signers, rendered when it is sent. `body_html` is the update's
/// sanitized rendering; the text part is its Markdown as written.
pub struct UpdateMessage<'a> {
    pub letter: LetterFacts<'a>,
    pub body_markdown: &'a str,
    pub body_html: &'a str,
    pub letter_url: &'a str,
    pub unsubscribe_url: &'a str,
}
mail_templates!(
    UpdateMessage,
    UpdateText,
    UpdateHtml,
    "email/update.txt",
    "email/update.html"
);

/// The staff's words as written, framed in the signer's language (`lang`, else English).
#[allow(clippy::too_many_arguments)]
pub fn update(
    letter_title: &str,
    letter_addressee: &str,
    subject: &str,
    body_markdown: &str,
    body_html: &str,
    letter_url: &str,
    unsubscribe_url: &str,
    lang: Option<&str>,
) -> Result<MailContent, askama::Error> {
    UpdateMessage {
        letter: LetterFacts {
            title: letter_title,
            addressee: letter_addressee,
        },
        body_markdown,
        body_html,
        letter_url,
        unsubscribe_url,
    }
    .render_in(crate::i18n::catalog::Tr::for_code(lang), subject.to_owned())
}
