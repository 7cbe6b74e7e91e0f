//! A signature's personal fields, declared once.
//!
//! Everything a signer tells us about themselves lives in `SignerDetails`: the sign form and
//! the invite insert store it, withdrawal overwrites all of it with `SignerDetails::erased()`,
//! so a field added here is erased on withdrawal without anyone remembering to. A test
//! (`withdrawal_erases_every_personal_column`) fails when the table grows a personal column
//! that is not here.

use diesel::prelude::*;

use super::fields::SignerText;
use super::form::SignatureInput;
use super::normalize_organization;
use crate::db::schema::signatures;
use crate::members::codes::{ShareWithMember, ViaMember};

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
    pub email: String,
    pub email_normalized: String,
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
            email: input.email.as_str().to_owned(),
            email_normalized: input.email.normalized().to_owned(),
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
            email: String::new(),
            email_normalized: String::new(),
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
