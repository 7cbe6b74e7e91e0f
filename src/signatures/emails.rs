//! The emails signers receive about their signature, as text and HTML, from templates under
//! `templates/email/`: the confirmation (rendered when sent, [`ConfirmationRenderer`]), the
//! notice to an address that already signed, and the answers to an organization's sign-on.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::SignatureKind;
use super::links;
use super::sign::{ConfirmationSigner, StoredConfirmation};
use crate::db::{DbConnection, DbError};
use crate::i18n::catalog::{Arg, Tr};
use crate::letters::Letter;
use crate::mail::outbox::{MailKind, OutboxRecord};
use crate::mail::render::{Prepared, Renderer};
use crate::values::language::LanguageTag;

/// The kind of a confirmation queued to be rendered when sent (`sign::ConfirmationParams`).
pub const CONFIRMATION: MailKind = MailKind::named("confirm_signature");

/// What an email says about the letter.
pub struct LetterFacts<'a> {
    pub title: &'a str,
    /// As it stands inside a sentence (`i18n::addressee_in_sentence`), as every email uses it.
    pub addressee: std::borrow::Cow<'a, str>,
}

impl<'a> LetterFacts<'a> {
    pub fn of(letter: &'a Letter) -> Self {
        LetterFacts::new(&letter.title, &letter.addressee, &letter.lang)
    }

    /// A title and addressee in the language `lang`.
    pub fn new(title: &'a str, addressee: &'a str, lang: &LanguageTag) -> Self {
        LetterFacts {
            title,
            addressee: crate::i18n::addressee_in_sentence(addressee, lang),
        }
    }
}

/// A subject's arguments for a message about an organization's sign-on.
fn naming<'a>(organization: &'a str, letter: &LetterFacts<'a>) -> [(&'static str, Arg<'a>); 2] {
    [
        ("organization", organization.into()),
        ("title", letter.title.into()),
    ]
}

pub struct ConfirmSignature<'a> {
    pub letter: LetterFacts<'a>,
    pub name: &'a str,
    /// Set when signing for an organization.
    pub organization: Option<&'a str>,
    pub verify_url: &'a str,
    pub withdraw_url: &'a str,
    /// Set by [`Message::render`] in the reader's language; see [`ConfirmSignature::expiring`].
    pub expires: String,
    /// What the signer chose, said back (none for a confirmation queued by an older release).
    pub choices: Option<super::choices::Choices>,
}

impl ConfirmSignature<'_> {
    /// The choices in the email's language, one line each.
    pub fn choice_lines(&self, tr: &Tr) -> Vec<String> {
        self.choices
            .as_ref()
            .map(|choices| {
                choices
                    .lines(tr)
                    .into_iter()
                    .map(|line| line.text)
                    .collect()
            })
            .unwrap_or_default()
    }
}
crate::email_templates!(
    ConfirmSignature,
    "email/confirm_signature.txt",
    "email/confirm_signature.html",
    |mail, tr| tr.ta("confirm-subject", [("title", mail.letter.title.into())]),
);

impl ConfirmSignature<'_> {
    /// Rendered in the signer's language (`lang`, English when absent), the confirm link's
    /// expiry written in it.
    pub fn render_expiring(
        mut self,
        expires_at: NaiveDateTime,
        lang: Option<&str>,
    ) -> Result<crate::mail::MailContent, askama::Error> {
        use crate::mail::message::Message as _;
        let tr = Tr::for_code(lang);
        self.expires = tr.date_time(&expires_at);
        self.render_in(tr)
    }
}

pub struct AlreadySigned<'a> {
    pub letter: LetterFacts<'a>,
    pub name: &'a str,
    pub letter_url: &'a str,
    pub withdraw_url: &'a str,
}
crate::email_templates!(
    AlreadySigned,
    "email/already_signed.txt",
    "email/already_signed.html",
    |mail, tr| tr.ta("already-subject", [("title", mail.letter.title.into())]),
);

/// Declares the emails to an organization's contact about its sign-on: each names the
/// letter, the organization and the contact it greets, offers its own links, and has a
/// subject that names the organization and the letter.
macro_rules! sign_on_emails {
    ($($(#[$doc:meta])* $message:ident { $($link:ident),* } $text:literal, $html:literal, $subject:literal;)*) => {$(
        $(#[$doc])*
        pub struct $message<'a> {
            pub letter: LetterFacts<'a>,
            pub organization: &'a str,
            pub name: &'a str,
            $(pub $link: &'a str,)*
        }
        crate::email_templates!($message, $text, $html, |mail, tr| {
            tr.ta($subject, naming(mail.organization, &mail.letter))
        });
    )*};
}

/// After an organization's sign-on is approved, or counted at once through its invite. What
/// it says follows `Listing`: "X is listed" only when its signer chose to be listed publicly;
/// otherwise that X is counted and, as chosen, not shown (a signer cannot change the choice
/// afterwards, so the email offers no way to).
pub struct OrganizationListed<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub name: &'a str,
    /// `Listing::of(..) == Listing::Listed`: counted and chosen to be listed publicly.
    pub listed: bool,
    pub letter_url: &'a str,
    pub withdraw_url: &'a str,
}
crate::email_templates!(
    OrganizationListed,
    "email/organization_listed.txt",
    "email/organization_listed.html",
    |mail, tr| {
        let subject = if mail.listed {
            "listed-subject"
        } else {
            "listing-counted-subject"
        };
        tr.ta(subject, naming(mail.organization, &mail.letter))
    },
);

/// An invited organization signed, and staff review sign-ons before they count; it says
/// "when X appears on the letter" only to a signer who chose to be listed.
pub struct OrganizationAwaitingReview<'a> {
    pub letter: LetterFacts<'a>,
    pub organization: &'a str,
    pub name: &'a str,
    /// Whether its signer chose to be listed publicly once approved.
    pub public: bool,
    pub withdraw_url: &'a str,
}
crate::email_templates!(
    OrganizationAwaitingReview,
    "email/organization_awaiting_review.txt",
    "email/organization_awaiting_review.html",
    |mail, tr| tr.ta("review-subject", naming(mail.organization, &mail.letter)),
);

sign_on_emails! {
    OrganizationRejected {}
        "email/organization_rejected.txt", "email/organization_rejected.html", "rejected-subject";
    OrganizationDuplicate { letter_url }
        "email/organization_duplicate.txt", "email/organization_duplicate.html", "duplicate-subject";
}

/// Renders queued confirmations when they are sent: the signer's name from the signature's
/// row, the letter as the signer's language has it, the links from the stored secrets.
pub struct ConfirmationRenderer {
    /// Where the links point (`server.public_url`).
    public_base: String,
}

impl ConfirmationRenderer {
    pub fn new(public_base: &str) -> ConfirmationRenderer {
        ConfirmationRenderer {
            public_base: public_base.to_owned(),
        }
    }
}

impl Renderer for ConfirmationRenderer {
    fn render(
        &self,
        connection: &mut DbConnection,
        records: &[&OutboxRecord],
    ) -> Result<Vec<Prepared>, DbError> {
        let signers = confirmation_signers(connection, records)?;
        let mut letters = HashMap::new();
        let mut prepared = Vec::with_capacity(records.len());
        for record in records {
            prepared.push(self.confirmation(connection, record, &signers, &mut letters)?);
        }
        Ok(prepared)
    }
}

/// The signatures the batch's confirmations are about, in one query.
fn confirmation_signers(
    connection: &mut DbConnection,
    records: &[&OutboxRecord],
) -> Result<HashMap<String, ConfirmationSigner>, diesel::result::Error> {
    use crate::db::schema::signatures;
    let ids: Vec<&str> = records
        .iter()
        .filter_map(|record| record.signature_id.as_deref())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(signatures::table
        .filter(signatures::id.eq_any(&ids))
        .select(ConfirmationSigner::as_select())
        .load::<ConfirmationSigner>(connection)?
        .into_iter()
        .map(|signer| (signer.id.clone(), signer))
        .collect())
}

impl ConfirmationRenderer {
    fn confirmation(
        &self,
        connection: &mut DbConnection,
        record: &OutboxRecord,
        signers: &HashMap<String, ConfirmationSigner>,
        letters: &mut HashMap<String, Option<Letter>>,
    ) -> Result<Prepared, diesel::result::Error> {
        let Some(params) = record.params.as_deref().and_then(StoredConfirmation::parse) else {
            return Ok(Prepared::Later("not sent: unreadable parameters".into()));
        };
        let signer = record
            .signature_id
            .as_deref()
            .and_then(|id| signers.get(id));
        let Some(letter_id) = params.letter_id(signer) else {
            return Ok(Prepared::Skip("skipped: the signature is gone".into()));
        };
        // The letter as the text the signer signed has it (title, addressee), else as the
        // email's language has it (a confirmation queued before signatures kept their
        // text's language), else the original. Loaded once per (letter, language) per batch.
        let text_lang = signer
            .and_then(|signer| signer.lang.as_ref())
            .map(LanguageTag::as_str);
        let lang = text_lang.as_deref().or(params.lang());
        let key = format!("{letter_id}/{}", lang.unwrap_or(""));
        if !letters.contains_key(&key) {
            let found = letter_in(connection, letter_id, lang)?.map(|text| text.letter);
            letters.insert(key.clone(), found);
        }
        let Some(Some(letter)) = letters.get(&key) else {
            return Ok(Prepared::Skip("skipped: the letter is gone".into()));
        };
        let choices = match signer {
            Some(signer) => Some(super::choices::Choices::stored(
                connection,
                signer.public,
                signer.updates,
                signer.via_member_id.as_deref(),
                signer.share_with_member,
            )?),
            None => None,
        };
        Ok(
            match render(&params, letter, signer, choices, &self.public_base) {
                Some(content) => Prepared::rendered(record, content, None),
                None => Prepared::Skip("skipped: the signature is gone".into()),
            },
        )
    }
}

/// A letter in one of its texts: the original, or a translation applied to it.
#[derive(Clone, Debug)]
pub struct LetterText {
    pub letter: Letter,
    /// Whether `letter` is a translation (its address then carries its language).
    pub translated: bool,
}

impl LetterText {
    /// The letter as a reader of `lang` sees it (title, addressee, text) when it is
    /// translated into that language, else `original` itself. `original` must be the letter
    /// as stored, not a translation of it.
    pub fn of(
        connection: &mut DbConnection,
        original: &Letter,
        lang: Option<&str>,
    ) -> Result<LetterText, diesel::result::Error> {
        let translation = match lang.filter(|lang| original.lang != **lang) {
            Some(lang) => crate::letters::translations::find(connection, &original.id, lang)?,
            None => None,
        };
        Ok(match translation {
            Some(translation) => LetterText {
                letter: translation.applied_to(original),
                translated: true,
            },
            None => LetterText {
                letter: original.clone(),
                translated: false,
            },
        })
    }

    /// This text's address: `/he/letters/x` for a translation, `/letters/x` for the original
    /// (as `LetterSnapshot::path` has them).
    pub fn url(&self, policy: &super::SigningPolicy) -> String {
        let lang = self.translated.then(|| self.letter.lang.as_str());
        policy.letter_url(&self.letter.slug, lang.as_deref())
    }
}

/// [`LetterText::of`] for the letter `letter_id`, read first; `None` when it is gone.
pub fn letter_in(
    connection: &mut DbConnection,
    letter_id: &str,
    lang: Option<&str>,
) -> Result<Option<LetterText>, diesel::result::Error> {
    match crate::letters::find_by_id(connection, letter_id)? {
        Some(letter) => LetterText::of(connection, &letter, lang).map(Some),
        None => Ok(None),
    }
}

/// The email, with the letter as it is when the message goes out; `None` when a current
/// one's signature is gone (purged unconfirmed: nothing left to confirm).
fn render(
    params: &StoredConfirmation,
    letter: &Letter,
    signer: Option<&ConfirmationSigner>,
    choices: Option<super::choices::Choices>,
    public_base: &str,
) -> Option<Result<crate::mail::MailContent, askama::Error>> {
    match params {
        StoredConfirmation::Current(params) => {
            let signer = signer?;
            let expires_at = chrono::DateTime::from_timestamp(params.expires_at, 0)?;
            let organization = match signer.kind {
                SignatureKind::Organization => signer.organization.as_deref(),
                SignatureKind::Individual => None,
            };
            let verify = links::link_token(&signer.id, &params.verify);
            let withdraw = links::link_token(&signer.id, &params.withdraw);
            // The email speaks the interface the signer read (else the text's language), and
            // its links carry that language to the pages they open.
            let text_lang = signer.lang.as_ref().map(LanguageTag::as_str);
            let lang = params.lang.as_deref().or(text_lang.as_deref());
            let message = ConfirmSignature {
                letter: LetterFacts::of(letter),
                name: &signer.name,
                organization,
                verify_url: &links::verify_url(public_base, lang, &verify),
                withdraw_url: &links::withdraw_url(public_base, lang, &withdraw),
                expires: String::new(),
                choices,
            };
            Some(message.render_expiring(expires_at.naive_utc(), lang))
        }
        StoredConfirmation::Legacy(legacy) => Some(
            ConfirmSignature {
                letter: LetterFacts::of(letter),
                name: &legacy.name,
                organization: legacy.organization.as_deref(),
                verify_url: &legacy.verify_url,
                withdraw_url: &legacy.withdraw_url,
                expires: String::new(),
                choices: None,
            }
            .render_expiring(legacy.expires_at, legacy.lang.as_deref()),
        ),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! The emails, pinned: a reviewer sees exactly what people receive. The snapshots keep
    //! the names and the folder they had when these lived in `mail::messages`.
    use super::*;
    use crate::mail::MailContent;
    use crate::mail::message::Message as _;

    pub(crate) fn letter() -> Letter {
        let time = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|date| date.and_hms_opt(9, 0, 0))
            .expect("a valid time");
        Letter {
            id: crate::values::ids::LetterId::parse("letter-id").expect("an id"),
            slug: crate::values::ids::Slug::parse("dear-president").expect("a slug"),
            title: "Protect the right to protest".into(),
            addressee: "The President of the Republic".into(),
            invites_skip_approval: true,
            ..crate::letters::tests::sample(crate::letters::LetterStatus::Open, time)
        }
    }

    pub(crate) fn expiry() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|date| date.and_hms_opt(9, 0, 0))
            .expect("a valid time")
    }

    /// Compares `content` with the snapshot `name` under `src/mail/snapshots`.
    pub(crate) fn pinned(name: &str, content: &MailContent) {
        let text = format!(
            "Subject: {}\n\n--- text ---\n{}\n--- html ---\n{}",
            content.subject, content.text, content.html
        );
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../mail/snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| {
            insta::assert_snapshot!(format!("undersigned__mail__messages__tests__{name}"), text)
        });
    }

    const VERIFY: &str = "https://letters.example.org/verify/TOKEN";
    const WITHDRAW: &str = "https://letters.example.org/withdraw/TOKEN";
    const LETTER: &str = "https://letters.example.org/letters/dear-president";

    fn confirmation<'a>(
        letter: &'a Letter,
        name: &'a str,
        organization: Option<&'a str>,
    ) -> ConfirmSignature<'a> {
        ConfirmSignature {
            letter: LetterFacts::of(letter),
            name,
            organization,
            verify_url: VERIFY,
            withdraw_url: WITHDRAW,
            expires: String::new(),
            choices: Some(super::super::choices::Choices {
                public: true,
                updates: false,
                member: Some(("Peace & Co".into(), true)),
            }),
        }
    }

    #[test]
    fn confirmation_for_a_person() {
        let letter = letter();
        let mail = confirmation(&letter, "Ada <Lovelace>", None)
            .render_expiring(expiry(), None)
            .expect("renders");
        pinned("confirmation_for_a_person", &mail);
    }

    #[test]
    fn confirmation_for_an_organization() {
        let letter = letter();
        let mail = confirmation(&letter, "Grace Hopper", Some("Friends & Neighbours"))
            .render_expiring(expiry(), None)
            .expect("renders");
        pinned("confirmation_for_an_organization", &mail);
    }

    /// A Hebrew signer's confirmation, as the worker renders it: Hebrew words around the
    /// Hebrew text's title and addressee, right to left, links that open Hebrew pages.
    #[test]
    fn confirmation_in_hebrew() {
        let letter = Letter {
            title: "עתיד משותף".into(),
            addressee: "הממשלות".into(),
            lang: LanguageTag::parse("he").expect("a tag"),
            ..letter()
        };
        let params = StoredConfirmation::Current(super::super::sign::ConfirmationParams {
            verify: "VERIFY".into(),
            withdraw: "WITHDRAW".into(),
            expires_at: expiry().and_utc().timestamp(),
            lang: Some("he".into()),
        });
        let signer = ConfirmationSigner {
            id: "00000000-0000-0000-0000-000000000000".into(),
            letter_id: "letter-id".into(),
            kind: SignatureKind::Individual,
            name: "עדה".into(),
            organization: None,
            lang: LanguageTag::parse("he"),
            public: false,
            updates: true,
            via_member_id: None,
            share_with_member: false,
        };
        let choices = super::super::choices::Choices {
            public: false,
            updates: true,
            member: None,
        };
        let mail = render(
            &params,
            &letter,
            Some(&signer),
            Some(choices),
            "https://letters.example.org",
        )
        .expect("a current signature")
        .expect("renders");
        assert!(mail.text.contains(
            "https://letters.example.org/he/verify/00000000-0000-0000-0000-000000000000.VERIFY"
        ));
        assert!(
            mail.text
                .contains("https://letters.example.org/he/withdraw/")
        );
        pinned("confirmation_in_hebrew", &mail);
    }

    #[test]
    fn already_signed_notice() {
        let letter = letter();
        let mail = AlreadySigned {
            letter: LetterFacts::of(&letter),
            name: "Ada",
            letter_url: LETTER,
            withdraw_url: WITHDRAW,
        }
        .render(None)
        .expect("renders");
        pinned("already_signed_notice", &mail);
    }

    #[test]
    fn approval_and_rejection() {
        let letter = letter();
        let organization = "Friends & Neighbours";
        let name = "Grace Hopper";
        let listed = OrganizationListed {
            letter: LetterFacts::of(&letter),
            organization,
            name,
            listed: true,
            letter_url: LETTER,
            withdraw_url: WITHDRAW,
        };
        pinned("approved", &listed.render(None).expect("renders"));
        // Approved without choosing to be listed: counted, and said to be not shown.
        let counted = OrganizationListed {
            letter: LetterFacts::of(&letter),
            listed: false,
            ..listed
        };
        pinned(
            "listing_approved_unlisted",
            &counted.render(None).expect("renders"),
        );
        let review = OrganizationAwaitingReview {
            letter: LetterFacts::of(&letter),
            organization,
            name,
            public: true,
            withdraw_url: WITHDRAW,
        };
        pinned("awaiting_review", &review.render(None).expect("renders"));
        let unlisted = OrganizationAwaitingReview {
            letter: LetterFacts::of(&letter),
            public: false,
            ..review
        };
        pinned(
            "listing_awaiting_review_unlisted",
            &unlisted.render(None).expect("renders"),
        );
        let rejected = OrganizationRejected {
            letter: LetterFacts::of(&letter),
            organization,
            name,
        };
        pinned("rejected", &rejected.render(None).expect("renders"));
    }
}
