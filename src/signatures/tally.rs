//! How many signatures a letter has in each kind and state, for the console's lists and
//! exports (the public total comes from the trigger-kept `signature_tallies`, see `lists`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{SignatureKind, SignatureState};
use crate::db::DbConnection;

/// How many signatures a letter has in each kind and state, and when the last one came in.
#[derive(Clone, Debug, Default)]
pub struct SignatureTally {
    /// (kind, state, count) for every combination that has at least one signature.
    pub counts: Vec<(String, String, i64)>,
    /// When the most recent signature (in any state) was submitted.
    pub last_signed_at: Option<NaiveDateTime>,
}

impl SignatureTally {
    pub fn get(&self, kind: SignatureKind, state: SignatureState) -> i64 {
        self.counts
            .iter()
            .filter(|(k, s, _)| k == kind.as_str() && s == state.as_str())
            .map(|(_, _, count)| count)
            .sum()
    }

    /// Individuals who confirmed by email: they count.
    pub fn confirmed_individuals(&self) -> i64 {
        self.get(SignatureKind::Individual, SignatureState::Verified)
    }

    /// Organizations listed on the letter: they count.
    pub fn approved_organizations(&self) -> i64 {
        self.get(SignatureKind::Organization, SignatureState::Approved)
    }

    /// Signatures of either kind waiting for their signer to confirm by email.
    pub fn pending(&self) -> i64 {
        self.get(SignatureKind::Individual, SignatureState::Pending)
            + self.get(SignatureKind::Organization, SignatureState::Pending)
    }

    /// Confirmed organizations waiting for staff approval.
    pub fn awaiting_approval(&self) -> i64 {
        self.get(SignatureKind::Organization, SignatureState::Verified)
    }
}

/// The signature tally of one letter.
pub fn signature_tally(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<SignatureTally, diesel::result::Error> {
    use crate::db::schema::signatures;
    use diesel::dsl::{count_star, max};
    let rows: Vec<(String, String, i64, Option<NaiveDateTime>)> = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .group_by((signatures::kind, signatures::state))
        .select((
            signatures::kind,
            signatures::state,
            count_star(),
            max(signatures::created_at),
        ))
        .load(connection)?;
    let mut tally = SignatureTally::default();
    for (kind, state, count, last) in rows {
        tally.counts.push((kind, state, count));
        tally.last_signed_at = tally.last_signed_at.max(last);
    }
    Ok(tally)
}

/// The signature tallies of every letter that has signatures, by letter id, in one query.
pub fn signature_tallies(
    connection: &mut DbConnection,
) -> Result<std::collections::HashMap<String, SignatureTally>, diesel::result::Error> {
    use crate::db::schema::signatures;
    use diesel::dsl::{count_star, max};
    let rows: Vec<(String, String, String, i64, Option<NaiveDateTime>)> = signatures::table
        .group_by((signatures::letter_id, signatures::kind, signatures::state))
        .select((
            signatures::letter_id,
            signatures::kind,
            signatures::state,
            count_star(),
            max(signatures::created_at),
        ))
        .load(connection)?;
    let mut tallies: std::collections::HashMap<String, SignatureTally> =
        std::collections::HashMap::new();
    for (letter_id, kind, state, count, last) in rows {
        let tally = tallies.entry(letter_id).or_default();
        tally.counts.push((kind, state, count));
        tally.last_signed_at = tally.last_signed_at.max(last);
    }
    Ok(tallies)
}
