//! Counting and listing signatures. What counts is decided by `state::is_counted` alone
//! (the listings derive their filters from it); the counts come from the
//! `signature_tallies` rows that database triggers keep.

use chrono::NaiveDateTime;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;

use super::{PublicSignatory, SignatureKind, SignatureRecord, SignatureState, is_counted};
use crate::db::schema::{signature_tallies, signatures};
use crate::db::{self, DbConnection};
use crate::letters::Letter;

/// Signatures that count toward the total, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SignatureCounts {
    pub individuals: i64,
    pub organizations: i64,
}

impl SignatureCounts {
    pub fn total(&self) -> i64 {
        self.individuals + self.organizations
    }

    fn add(&mut self, kind: SignatureKind, count: i64) {
        match kind {
            SignatureKind::Individual => self.individuals += count,
            SignatureKind::Organization => self.organizations += count,
        }
    }
}

/// Counted signatures and, of those, the ones listed publicly, from the letter's tally rows
/// (at most eight, kept by database triggers as signatures change state), so the cost does
/// not grow with the letter. `is_counted` still decides which tallied states count.
pub fn counted_and_listed(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<(SignatureCounts, SignatureCounts), diesel::result::Error> {
    let groups: Vec<(SignatureState, SignatureKind, bool, i64)> = signature_tallies::table
        .filter(signature_tallies::letter_id.eq(&letter.id))
        .select((
            signature_tallies::state,
            signature_tallies::kind,
            signature_tallies::public,
            signature_tallies::count,
        ))
        .load(connection)?;
    let mut counted = SignatureCounts::default();
    let mut listed = SignatureCounts::default();
    for (state, kind, public, count) in groups {
        if !is_counted(kind, state, letter.organizations_need_approval) {
            continue;
        }
        counted.add(kind, count);
        if public {
            listed.add(kind, count);
        }
    }
    Ok((counted, listed))
}

/// Which signatures a staff listing or export wants. Empty lists mean "all"; `counted`
/// keeps only the signatures that count (`is_counted`: not organizations still awaiting
/// approval), whatever the states say.
#[derive(Clone, Debug, Default)]
pub struct SignatureFilter {
    pub states: Vec<SignatureState>,
    pub kinds: Vec<SignatureKind>,
    pub counted: bool,
}

/// Up to `limit` signatures of a letter in creation order, after the id `after` (keyset
/// paging, so long lists are read in constant memory).
pub fn find_for_letter(
    connection: &mut DbConnection,
    letter: &Letter,
    filter: &SignatureFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<SignatureRecord>, diesel::result::Error> {
    let mut query = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .order(signatures::id.asc())
        .limit(limit)
        .select(SignatureRecord::as_select())
        .into_boxed();
    if !filter.states.is_empty() {
        query = query.filter(signatures::state.eq_any(filter.states.clone()));
    }
    if !filter.kinds.is_empty() {
        query = query.filter(signatures::kind.eq_any(filter.kinds.clone()));
    }
    if filter.counted {
        let need_approval = letter.organizations_need_approval;
        query = query.filter(
            counted_of_kind(SignatureKind::Individual, need_approval)
                .or(counted_of_kind(SignatureKind::Organization, need_approval)),
        );
    }
    if let Some(after) = after {
        query = query.filter(signatures::id.gt(after.to_owned()));
    }
    query.load(connection)
}

/// Deletes signatures never confirmed since `before`, with their tokens: a person who did not
/// confirm left nothing we should keep. Returns how many were deleted; a batch that deleted
/// any is audited as `signature.purge` (how many, not whose).
pub fn purge_unconfirmed(
    connection: &mut DbConnection,
    before: NaiveDateTime,
    actor: &crate::staff::Actor,
) -> Result<usize, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let stale: Vec<String> = signatures::table
            .filter(signatures::state.eq(SignatureState::Pending))
            .filter(signatures::created_at.lt(before))
            .select(signatures::id)
            .limit(5000)
            .load(connection)?;
        if stale.is_empty() {
            return Ok(0);
        }
        super::links::delete_for(connection, &stale)?;
        let deleted = diesel::delete(signatures::table.filter(signatures::id.eq_any(&stale)))
            .execute(connection)?;
        crate::staff::audit::record(
            connection,
            actor,
            "signature.purge",
            None,
            None,
            &format!(
                "{deleted} unconfirmed signature(s) from before {} deleted",
                before.format("%Y-%m-%d %H:%M UTC")
            ),
        )?;
        Ok(deleted)
    })
}

/// How many confirmed signatures are in each confirmed state (`SignatureState::CONFIRMED`),
/// across all letters, for metrics: summed from the trigger-kept tally rows (a few per
/// letter), never by counting `signatures`, so a scrape costs the same at any size.
pub fn confirmed_by_state(
    connection: &mut DbConnection,
) -> Result<Vec<(SignatureState, i64)>, diesel::result::Error> {
    let rows: Vec<(SignatureState, i64)> = signature_tallies::table
        .select((signature_tallies::state, signature_tallies::count))
        .load(connection)?;
    let mut by_state: Vec<(SignatureState, i64)> = Vec::new();
    for (state, count) in rows {
        match by_state.iter_mut().find(|(known, _)| *known == state) {
            Some((_, total)) => *total += count,
            None => by_state.push((state, count)),
        }
    }
    Ok(by_state)
}

pub fn count_in_state(
    connection: &mut DbConnection,
    letter_id: &str,
    state: SignatureState,
) -> Result<i64, diesel::result::Error> {
    signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(state))
        .count()
        .get_result(connection)
}

/// The counted signatures of one kind, as equalities on (kind, state) that the
/// `(letter_id, state, kind, public, ...)` indexes can seek: an OR over kinds made a
/// listing visit every row of the letter (350 ms for the 12 most recent of 1,000,000). The
/// states come from `is_counted`, so the rule is still decided in one place; only confirmed
/// states can count.
fn counted_of_kind(
    kind: SignatureKind,
    organizations_need_approval: bool,
) -> Box<dyn BoxableExpression<signatures::table, db::SqlBackend, SqlType = Bool>> {
    let states: Vec<SignatureState> = SignatureState::CONFIRMED
        .into_iter()
        .filter(|state| is_counted(kind, *state, organizations_need_approval))
        .collect();
    let of_kind = signatures::kind.eq(kind);
    match states.as_slice() {
        // One state as `=`: PostgreSQL then walks the index in `verified_at` order too.
        [state] => Box::new(of_kind.and(signatures::state.eq(*state))),
        _ => Box::new(of_kind.and(signatures::state.eq_any(states))),
    }
}

/// A letter's listed signatures of one kind: counted and public.
fn listed_of_kind(
    letter: &Letter,
    kind: SignatureKind,
) -> signatures::BoxedQuery<'_, db::SqlBackend> {
    signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(counted_of_kind(kind, letter.organizations_need_approval))
        .filter(signatures::public.eq(true))
        .into_boxed()
}

/// Listed organizations: in the order staff set, then alphabetically.
pub fn listed_organizations(
    connection: &mut DbConnection,
    letter: &Letter,
    offset: i64,
    limit: i64,
) -> Result<Vec<PublicSignatory>, diesel::result::Error> {
    let rows = organizations_in_order(letter)
        .offset(offset)
        .limit(limit)
        .select((PublicSignatory::as_select(), signatures::comment_hidden_at))
        .load(connection)?;
    Ok(public_comments(letter, rows))
}

/// Listed individuals, most recent first.
pub fn listed_individuals(
    connection: &mut DbConnection,
    letter: &Letter,
    offset: i64,
    limit: i64,
) -> Result<Vec<PublicSignatory>, diesel::result::Error> {
    let rows = individuals_in_order(letter)
        .offset(offset)
        .limit(limit)
        .select((PublicSignatory::as_select(), signatures::comment_hidden_at))
        .load(connection)?;
    Ok(public_comments(letter, rows))
}

/// Listed organizations in the order the full list shows them: as staff set, then
/// alphabetically.
fn organizations_in_order(letter: &Letter) -> signatures::BoxedQuery<'_, db::SqlBackend> {
    listed_of_kind(letter, SignatureKind::Organization).order((
        signatures::list_position.is_null().asc(),
        signatures::list_position.asc(),
        signatures::organization_normalized.asc(),
        signatures::id.asc(),
    ))
}

/// Listed individuals in the order the full list shows them: most recent first.
fn individuals_in_order(letter: &Letter) -> signatures::BoxedQuery<'_, db::SqlBackend> {
    listed_of_kind(letter, SignatureKind::Individual)
        // Says what `signatures_recent_listed` holds (confirmed rows only), so that index serves.
        .filter(signatures::verified_at.is_not_null())
        .order((signatures::verified_at.desc(), signatures::id.desc()))
}

/// What a search of the public list may look at, for one listed signatory: its id, name,
/// organization and country (never an address, never an unlisted signature).
pub type SearchableRow = (String, String, Option<String>, Option<String>);

/// Every listed signatory's searchable fields, in the full list's order (organizations, then
/// individuals): the rows `read::search` indexes. Returns (organizations, individuals).
pub fn listed_searchable(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<(Vec<SearchableRow>, Vec<SearchableRow>), diesel::result::Error> {
    let columns = (
        signatures::id,
        signatures::name,
        signatures::organization,
        signatures::country,
    );
    let organizations = organizations_in_order(letter)
        .select(columns)
        .load(connection)?;
    let individuals = individuals_in_order(letter)
        .select(columns)
        .load(connection)?;
    Ok((organizations, individuals))
}

/// The listed signatories among `ids`, in the order of `ids`: a search's page, read again so
/// that one withdrawn or unlisted since the search index was built is not shown.
pub fn listed_by_ids(
    connection: &mut DbConnection,
    letter: &Letter,
    ids: &[String],
) -> Result<Vec<PublicSignatory>, diesel::result::Error> {
    let need_approval = letter.organizations_need_approval;
    let mut found: Vec<(String, (PublicSignatory, Option<NaiveDateTime>))> = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(signatures::id.eq_any(ids))
        .filter(
            counted_of_kind(SignatureKind::Individual, need_approval)
                .or(counted_of_kind(SignatureKind::Organization, need_approval)),
        )
        .filter(signatures::public.eq(true))
        .select((
            signatures::id,
            (PublicSignatory::as_select(), signatures::comment_hidden_at),
        ))
        .load(connection)?;
    found.sort_by_key(|(id, _)| ids.iter().position(|wanted| wanted == id));
    let rows = found.into_iter().map(|(_, row)| row).collect();
    Ok(public_comments(letter, rows))
}

/// Listed signatories with the comments the public may read: none on a letter that takes
/// no comments (`Letter::comments`, which staff may turn off later), none that staff hid.
fn public_comments(
    letter: &Letter,
    rows: Vec<(PublicSignatory, Option<NaiveDateTime>)>,
) -> Vec<PublicSignatory> {
    rows.into_iter()
        .map(|(mut signatory, hidden_at)| {
            if !letter.comments || hidden_at.is_some() {
                signatory.text.comment = None;
            }
            signatory
        })
        .collect()
}
