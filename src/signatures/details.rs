//! A signature's personal fields, declared once.
//!
//! Everything a signer tells us about themselves lives in `SignerDetails`: the sign form and
//! the invite insert store it, withdrawal overwrites all of it with `SignerDetails::erased()`,
//! so a field added here is erased on withdrawal without anyone remembering to. A test
//! (`withdrawal_erases_every_personal_column`) fails when the table grows a personal column
//! that is not here.

use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::serialize::{Output, ToSql};
use diesel::sql_types::Text;

use super::fields::SignerText;
use super::form::SignatureInput;
use super::normalize_organization;
use crate::db::schema::signatures;
use crate::members::codes::{ShareWithMember, ViaMember};
use crate::values::email_address::EmailAddress;
use crate::values::mailbox::MailboxKey;

#[derive(Clone, Debug, Insertable, AsChangeset)]
// `treat_none_as_default_value = false` writes NULL rather than DEFAULT for an empty field,
// the same for these nullable columns, and what SQLite's multi-row insert needs.
#[diesel(
    table_name = signatures,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct SignerDetails {
    pub name: String,
    /// The parsed address, written as typed.
    pub email: SignerEmail,
    /// The same address's duplicate key (`MailboxKey`).
    pub email_normalized: SignerEmailKey,
    pub organization: Option<String>,
    pub organization_normalized: Option<String>,
    /// The optional fields (`super::fields`).
    #[diesel(embed)]
    pub text: SignerText,
    pub public: bool,
    pub updates: bool,
    /// Written as a lookup of the code in the live roster (see `ViaMember`).
    pub via_member_id: ViaMember,
    /// Written as the ticked box and a live member's code (see `ShareWithMember`).
    pub share_with_member: ShareWithMember,
}

/// Columns of `signatures` that say nothing about the person: ids, states, times, the
/// letter version and staff decisions. Every other column must be in `SignerDetails`.
pub const NOT_PERSONAL: &[&str] = &[
    "id",
    "letter_id",
    "kind",
    "state",
    "content_hash",
    "lang",
    "created_at",
    "verified_at",
    "approved_at",
    "rejected_at",
    "withdrawn_at",
    "invite_id",
    "approved_by",
    "rejected_by",
    "list_position",
    "hidden_reason",
    "removed_at",
    "removed_by",
    "removed_reason",
    "comment_hidden_at",
    "reminded_at",
];

/// Every column of `signatures` that holds signer data, as src/db/schema.rs declares it: the
/// columns not in `NOT_PERSONAL`. Tests check that the export and the moderators' view show
/// each one.
#[cfg(test)]
pub fn signer_columns_in_schema() -> Vec<&'static str> {
    let schema = include_str!("../db/schema.rs");
    let start = schema
        .find("signatures (id) {")
        .expect("the signatures table in schema.rs");
    let body = &schema[start..];
    let body = &body[body.find('{').expect("{") + 1..body.find('}').expect("}")];
    let columns: Vec<&str> = body
        .lines()
        .filter_map(|line| line.trim().split_once(" -> ").map(|(name, _)| name.trim()))
        .filter(|name| !NOT_PERSONAL.contains(name))
        .collect();
    assert!(columns.contains(&"name") && columns.contains(&"updates"));
    columns
}

impl SignerDetails {
    pub fn of(input: &SignatureInput) -> SignerDetails {
        SignerDetails {
            name: input.name.clone(),
            email: SignerEmail(Some(input.email.clone())),
            email_normalized: SignerEmailKey(Some(input.email.mailbox_key())),
            organization: input.organization.clone(),
            organization_normalized: input.organization.as_deref().map(normalize_organization),
            text: input.text.clone(),
            public: input.public,
            updates: input.updates,
            via_member_id: ViaMember(input.via.clone()),
            share_with_member: ShareWithMember {
                ticked: input.share_with_member,
                code: input.via.clone(),
            },
        }
    }

    /// What a withdrawn signature keeps of its signer: nothing.
    pub fn erased() -> SignerDetails {
        SignerDetails {
            name: String::new(),
            email: SignerEmail(None),
            email_normalized: SignerEmailKey(None),
            organization: None,
            organization_normalized: None,
            text: SignerText::default(),
            public: false,
            updates: false,
            via_member_id: ViaMember(None),
            share_with_member: ShareWithMember::default(),
        }
    }
}

/// `signatures.email` as written: the signer's parsed address as typed, or (`None`) the empty
/// text of a withdrawn signature, since the column is NOT NULL and an erased address is no
/// `EmailAddress`.
#[derive(Clone, Debug, diesel::expression::AsExpression)]
#[diesel(sql_type = Text)]
pub struct SignerEmail(pub Option<EmailAddress>);

/// `signatures.email_normalized` as written: the key duplicates are found by, the keyed hash
/// of the same parsed address (`MailboxKey`), kept after the address itself is let go
/// (`super::retention`), or the empty text once withdrawn.
#[derive(Clone, Debug, diesel::expression::AsExpression)]
#[diesel(sql_type = Text)]
pub struct SignerEmailKey(pub Option<MailboxKey>);

impl<DB> ToSql<Text, DB> for SignerEmail
where
    DB: Backend,
    str: ToSql<Text, DB>,
    EmailAddress: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> diesel::serialize::Result {
        match &self.0 {
            Some(address) => <EmailAddress as ToSql<Text, DB>>::to_sql(address, out),
            None => <str as ToSql<Text, DB>>::to_sql("", out),
        }
    }
}

impl<DB> ToSql<Text, DB> for SignerEmailKey
where
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> diesel::serialize::Result {
        let key = self.0.as_ref().map_or("", MailboxKey::as_str);
        <str as ToSql<Text, DB>>::to_sql(key, out)
    }
}
