//! A signature record for unit tests: tests name only the fields they are about and take the
//! rest from here, so a new column of `signatures` is added in one test fixture.

use super::{SignatureKind, SignatureRecord, SignatureState, fields::SignerText};

/// Ada, a confirmed individual on letter `l1`, with nothing optional filled in.
pub(crate) fn record() -> SignatureRecord {
    SignatureRecord {
        id: crate::values::ids::SignatureId::parse("s1").expect("an id"),
        letter_id: crate::values::ids::LetterId::parse("l1").expect("an id"),
        kind: SignatureKind::Individual,
        state: SignatureState::Verified,
        name: "Ada Lovelace".into(),
        email: "Ada@Example.org".into(),
        email_normalized: "ada@example.org".into(),
        organization: None,
        organization_normalized: None,
        text: SignerText::default(),
        public: true,
        content_hash: String::new(),
        created_at: chrono::NaiveDateTime::default(),
        verified_at: None,
        approved_at: None,
        rejected_at: None,
        withdrawn_at: None,
        invite_id: None,
        approved_by: None,
        rejected_by: None,
        list_position: None,
        hidden_reason: None,
        removed_at: None,
        removed_by: None,
        removed_reason: None,
        updates: false,
        via_member_id: None,
        share_with_member: false,
        lang: None,
        comment_hidden_at: None,
    }
}
