//! Signatures: how one enters (`admission`), is stored with its email (`sign`), confirmed
//! or withdrawn (`confirm`), decided by staff (`moderation`), and listed and counted
//! (`lists`).

pub mod choices;
pub mod comments;
pub mod confirm;
pub mod details;
pub mod emails;
pub mod fields;
pub mod form;
pub mod links;
pub mod lists;
pub mod mine;
pub mod moderation;
pub mod reminders;
pub mod retention;
#[cfg(test)]
pub(crate) mod sample;
pub mod sign;
pub mod state;
pub mod tally;
pub mod writer;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::signatures;
use crate::values::ids::{LetterId, SignatureId};
use crate::values::language::LanguageTag;

pub use confirm::{
    ConfirmOutcome, TokenError, TokenTarget, WithdrawOutcome, confirm, confirm_with, inspect_token,
    withdraw,
};
pub use lists::{
    SignatureCounts, SignatureFilter, confirmed_by_state, count_in_state, counted_and_listed,
    find_for_letter, listed_individuals, listed_organizations, purge_unconfirmed,
};
pub use sign::{resend, sign};
pub use state::{Listing, SignatureKind, SignatureState, is_counted};

/// A signature as stored, with its private fields. Never rendered publicly as such: public
/// pages get `PublicSignatory`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = signatures)]
pub struct SignatureRecord {
    pub id: SignatureId,
    pub letter_id: LetterId,
    pub kind: SignatureKind,
    pub state: SignatureState,
    pub name: String,
    pub email: String,
    pub email_normalized: String,
    pub organization: Option<String>,
    pub organization_normalized: Option<String>,
    /// The optional fields (`fields`).
    #[diesel(embed)]
    pub text: fields::SignerText,
    pub public: bool,
    pub content_hash: String,
    pub created_at: NaiveDateTime,
    pub verified_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub rejected_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub invite_id: Option<String>,
    pub approved_by: Option<String>,
    pub rejected_by: Option<String>,
    pub list_position: Option<i32>,
    pub hidden_reason: Option<String>,
    pub removed_at: Option<NaiveDateTime>,
    pub removed_by: Option<String>,
    pub removed_reason: Option<String>,
    pub updates: bool,
    /// The member whose link the signer came through, if any (`crate::partners`).
    pub via_member_id: Option<String>,
    pub share_with_member: bool,
    /// The language of the text the signer read (`content_hash` is that text's hash);
    /// `None`: the letter's original language.
    pub lang: Option<LanguageTag>,
    /// When staff hid the comment from the public lists (`comments`).
    pub comment_hidden_at: Option<NaiveDateTime>,
}

/// What the public may see of a signature whose signer agreed to be listed.
#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = signatures)]
pub struct PublicSignatory {
    pub kind: SignatureKind,
    pub name: String,
    pub organization: Option<String>,
    /// The organization's comparison key, to find the member it is (its logo and link).
    #[serde(skip)]
    pub organization_normalized: Option<String>,
    /// The public optional fields (`fields`).
    #[diesel(embed)]
    #[serde(flatten)]
    pub text: fields::PublicSignerText,
    /// To the minute for the public (`values::public_time`).
    #[serde(
        rename = "signed_at",
        serialize_with = "crate::values::public_time::serialize_option"
    )]
    pub verified_at: Option<NaiveDateTime>,
}

/// Where emailed links point and how long they last.
#[derive(Clone, Debug)]
pub struct SigningPolicy {
    pub public_base: String,
    pub verify_token_lifetime: Duration,
    pub withdraw_token_lifetime: Duration,
    pub invite_token_lifetime: Duration,
    /// How long after a letter closes a signature made before the close may still be
    /// confirmed (people read their mail late).
    pub confirm_grace: Duration,
    /// `signing.erase_after_days` (`retention`).
    pub erase_after_days: i64,
}

impl SigningPolicy {
    /// The withdraw link in the language of the email that carries it (`/he/withdraw/...`).
    pub fn withdraw_url(&self, link: &str, lang: Option<&str>) -> String {
        links::withdraw_url(&self.public_base, lang, link)
    }

    /// The letter's address in a language (`/he/letters/slug`): the text of that language
    /// when the letter has it, the interface in it either way.
    pub fn letter_url(&self, slug: &str, lang: Option<&str>) -> String {
        format!(
            "{}{}/letters/{slug}",
            self.public_base,
            links::in_language(lang)
        )
    }
}

/// The signer always sees the same page whatever happened, so that nobody can learn from the
/// response whether an address has signed; the outcome only decides which email is sent.
#[derive(Debug, PartialEq, Eq)]
pub enum SignOutcome {
    Created,
    ConfirmationResent,
    AlreadySigned,
    Ignored,
    /// The mailbox had its hour's share of our mail: nothing was stored or sent.
    MailboxFull,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("this letter does not accept signatures now")]
    LetterClosed,
    #[error("could not render an email: {0}")]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::DbError),
}

/// Collapses case and spacing so that "Friends of  the Earth" and "friends of the earth" are
/// the same organization.
pub fn normalize_organization(name: &str) -> String {
    crate::values::text::comparison_key(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_collapse_case_and_spacing() {
        assert_eq!(
            normalize_organization("  Friends of   the EARTH "),
            normalize_organization("friends of the earth")
        );
    }

    #[test]
    fn states_round_trip() {
        for state in SignatureState::ALL {
            assert_eq!(SignatureState::parse(state.as_str()), Some(state));
        }
        assert_eq!(
            SignatureKind::parse("organization"),
            Some(SignatureKind::Organization)
        );
        assert_eq!(SignatureState::parse("Verified"), None);
    }
}
