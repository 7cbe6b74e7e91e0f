//! How many signatures each member brought to a letter: counted (by the one rule,
//! `signatures::is_counted`) and still pending confirmation.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{members, signatures};
use crate::letters::Letter;
use crate::signatures::{SignatureKind, SignatureState, is_counted};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberTally {
    pub member_id: String,
    pub name: String,
    pub code: String,
    /// Off the roster since; its signatures still count.
    pub removed: bool,
    pub counted: i64,
    pub pending: i64,
}

/// Every live member (those that brought nothing too, so staff see whose link is unused),
/// and every removed member that brought something, most counted first.
pub fn per_member(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<Vec<MemberTally>, diesel::result::Error> {
    // One short walk of the partial `signatures_via_member` index: only referred rows.
    let groups: Vec<(Option<String>, SignatureKind, SignatureState, i64)> = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(signatures::via_member_id.is_not_null())
        .group_by((
            signatures::via_member_id,
            signatures::kind,
            signatures::state,
        ))
        .select((
            signatures::via_member_id,
            signatures::kind,
            signatures::state,
            diesel::dsl::count_star(),
        ))
        .load(connection)?;
    let mut brought: HashMap<String, (i64, i64)> = HashMap::new();
    for (member, kind, state, count) in groups {
        let Some(member) = member else { continue };
        let entry = brought.entry(member).or_default();
        if is_counted(kind, state, letter.organizations_need_approval) {
            entry.0 += count;
        } else if state == SignatureState::Pending {
            entry.1 += count;
        }
    }
    let roster: Vec<(String, String, String, bool)> = members::table
        .select((
            members::id,
            members::name,
            members::code,
            members::removed_at.is_not_null(),
        ))
        .load(connection)?;
    let mut tallies: Vec<MemberTally> = roster
        .into_iter()
        .filter_map(|(member_id, name, code, removed)| {
            let (counted, pending) = brought.get(&member_id).copied().unwrap_or_default();
            (!removed || counted + pending > 0).then_some(MemberTally {
                member_id,
                name,
                code,
                removed,
                counted,
                pending,
            })
        })
        .collect();
    tallies.sort_by(|a, b| {
        b.counted
            .cmp(&a.counted)
            .then(b.pending.cmp(&a.pending))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(tallies)
}

/// What the public page shows when the letter opts in: each member on the roster that brought
/// counted signatures, with their number (never pending ones, never codes). A member taken off
/// the roster is no longer "our partner": it leaves the list, though the signatures it
/// brought still count in the total (staff still see its row in the console).
pub fn public(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<Vec<(String, i64)>, diesel::result::Error> {
    if !letter.show_partner_tally {
        return Ok(Vec::new());
    }
    Ok(per_member(connection, letter)?
        .into_iter()
        .filter(|tally| tally.counted > 0 && !tally.removed)
        .map(|tally| (tally.name, tally.counted))
        .collect())
}
