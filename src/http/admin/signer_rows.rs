//! What a signer gave, as rows on a signature's page in the console: the moderators' view of
//! every column of `signatures` that holds signer data.

use super::moderation::web_link;
use crate::signatures::fields::{FIELDS, Rule};
use crate::signatures::{SignatureRecord, SignatureState};

/// One thing the signer gave, on a signature's page.
pub struct SignerRow {
    /// The column of `signatures` it shows (`data-column`, for tests).
    pub column: &'static str,
    pub label: &'static str,
    pub value: String,
    /// A web address shown as a link.
    pub link: Option<String>,
}

/// Everything the signer gave, in rows: the name, organization and email, the optional
/// fields of `crate::signatures::fields` in their order, then the choices they made. A test
/// (`every_signer_column_has_a_row`) fails when a column of `signatures` holding signer data
/// has no row. `via_member` is the name of the member whose link they came through.
pub fn signer_rows(signature: &SignatureRecord, via_member: Option<String>) -> Vec<SignerRow> {
    let row = |column, label, value: &str| SignerRow {
        column,
        label,
        value: value.to_owned(),
        link: None,
    };
    let yes_no = |value: bool| if value { "yes" } else { "no" };
    let mut rows = vec![row("name", "Name", &signature.name)];
    if let Some(organization) = &signature.organization {
        rows.push(row("organization", "Organization", organization));
    }
    // An address let go after confirmation (`signatures::retention`) is said to be so, not
    // shown as an empty cell staff might take for a fault.
    let email = if signature.email.is_empty() && signature.state != SignatureState::Withdrawn {
        "not kept (the signer asked for nothing that needs it)"
    } else {
        signature.email.as_str()
    };
    rows.push(row("email", "Email", email));
    for field in FIELDS {
        if let Some(value) = signature.text.get(field.name) {
            rows.push(SignerRow {
                link: match field.rule {
                    Rule::Web => web_link(Some(value)),
                    _ => None,
                },
                ..row(field.name, field.staff_label, value)
            });
        }
    }
    rows.push(row("public", "Listed publicly", yes_no(signature.public)));
    rows.push(row(
        "updates",
        "Updates about the letter",
        yes_no(signature.updates),
    ));
    if let Some(id) = &signature.via_member_id {
        rows.push(row(
            "via_member_id",
            "Came through the link of",
            via_member.as_deref().unwrap_or(id),
        ));
    }
    rows.push(row(
        "share_with_member",
        "Shared with that member",
        yes_no(signature.share_with_member),
    ));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signatures::SignatureKind;
    use crate::signatures::fields::SignerText;

    #[test]
    fn every_signer_column_has_a_row() {
        let marker = |column: &str| format!("marker-{column}");
        let record = SignatureRecord {
            kind: SignatureKind::Organization,
            name: marker("name"),
            email: marker("email"),
            email_normalized: marker("email"),
            organization: Some(marker("organization")),
            organization_normalized: Some(marker("organization")),
            text: SignerText::from_fn(|name| Some(marker(name))),
            updates: true,
            via_member_id: Some("m1".into()),
            share_with_member: true,
            ..crate::signatures::sample::record()
        };
        let rows = signer_rows(&record, Some(marker("via_member_id")));
        for column in crate::signatures::details::signer_columns_in_schema() {
            let shown = match column {
                "email_normalized" => "email",
                "organization_normalized" => "organization",
                other => other,
            };
            let row = rows
                .iter()
                .find(|row| row.column == shown)
                .unwrap_or_else(|| {
                    panic!("the signatures column {column} holds signer data and has no row")
                });
            assert!(
                row.value == marker(shown) || row.value == "yes",
                "{column}: {}",
                row.value
            );
        }
    }
}
