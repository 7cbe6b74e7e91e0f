//! Staff decisions on organization sign-ons. The CLI calls these today and the staff console
//! will call the same functions. Every decision checks that the signature belongs to the
//! letter named in the request, so an id from another letter can never be touched.

use diesel::prelude::*;

use super::emails::LetterFacts;
use super::{SignError, SignatureKind, SignatureRecord, SignatureState, SigningPolicy};
use crate::db::schema::signatures;
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::mail::message::Message as _;
use crate::mail::{self, OutgoingMail};
use crate::staff::{Actor, audit};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

#[derive(Debug, PartialEq, Eq)]
pub enum DecisionOutcome {
    Done,
    /// No signature with this id on this letter.
    NotOnThisLetter,
    NotAnOrganization,
    /// Approve needs a confirmed sign-on; reject needs a confirmed or approved one.
    NotInReviewableState(String),
}

/// Who decides: the actor the audit log names, and the name recorded on the signature
/// (`approved_by` / `rejected_by`, exported): the actor's, or the command line's `--by`.
#[derive(Clone, Copy, Debug)]
pub struct Decider<'a> {
    pub actor: &'a Actor,
    pub recorded_as: &'a str,
}

impl<'a> Decider<'a> {
    pub fn of(actor: &'a Actor) -> Decider<'a> {
        Decider {
            actor,
            recorded_as: &actor.email,
        }
    }
}

/// Applies `decision` to each id, emails each organization the result and records every
/// decision made in the audit log (`signature.approve` / `signature.reject`). Ids that cannot
/// be decided are reported and left as they were; the others are decided in one transaction.
///
/// With `seen` (a decision made on a page that showed each sign-on in that state), a sign-on
/// that has moved on since is left as it is: approve on one instance and reject on another,
/// both pressed on a sign-on waiting for review, make exactly one decision (and one email),
/// not an approval followed by a rejection.
pub fn decide(
    connection: &mut DbConnection,
    letter: &Letter,
    ids: &[String],
    decision: Decision,
    seen: Option<SignatureState>,
    decider: Decider<'_>,
    policy: &SigningPolicy,
) -> Result<Vec<(String, DecisionOutcome)>, SignError> {
    let staff = decider.recorded_as;
    let action = match decision {
        Decision::Approve => "signature.approve",
        Decision::Reject => "signature.reject",
    };
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            let signature = signatures::table
                .filter(signatures::id.eq(id))
                .filter(signatures::letter_id.eq(&letter.id))
                .select(SignatureRecord::as_select())
                .first(connection)
                .optional()?;
            let Some(signature) = signature else {
                outcomes.push((id.clone(), DecisionOutcome::NotOnThisLetter));
                continue;
            };
            if signature.kind != SignatureKind::Organization {
                outcomes.push((id.clone(), DecisionOutcome::NotAnOrganization));
                continue;
            }
            let state = signature.state;
            let allowed = match decision {
                Decision::Approve => state == SignatureState::Verified,
                Decision::Reject => {
                    matches!(state, SignatureState::Verified | SignatureState::Approved)
                }
            };
            if !allowed || seen.is_some_and(|seen| seen != state) {
                outcomes.push((
                    id.clone(),
                    DecisionOutcome::NotInReviewableState(signature.state.as_str().into()),
                ));
                continue;
            }
            let organization = signature.organization.as_deref().unwrap_or(&signature.name);
            // Conditional on the state just read: a withdrawal or another decision that won
            // a race leaves this one with nothing to change.
            let still = signatures::table
                .find(id)
                .filter(signatures::state.eq(state));
            let changed = match decision {
                Decision::Approve => diesel::update(still)
                    .set((
                        signatures::state.eq(SignatureState::Approved),
                        signatures::approved_at.eq(now),
                        signatures::approved_by.eq(staff),
                    ))
                    .execute(connection)?,
                Decision::Reject => diesel::update(still)
                    .set((
                        signatures::state.eq(SignatureState::Rejected),
                        signatures::rejected_at.eq(now),
                        signatures::rejected_by.eq(staff),
                    ))
                    .execute(connection)?,
            };
            if changed == 0 {
                let now_state: SignatureState = signatures::table
                    .find(id)
                    .select(signatures::state)
                    .first(connection)?;
                outcomes.push((
                    id.clone(),
                    DecisionOutcome::NotInReviewableState(now_state.as_str().into()),
                ));
                continue;
            }
            // In the language of the text its contact signed, naming the letter in it.
            let lang = signature.lang.as_deref();
            let signed = super::emails::LetterText::of(connection, letter, lang)?;
            let letter = &signed.letter;
            let content = match decision {
                Decision::Approve => {
                    let withdraw = super::links::issue_withdraw(
                        connection,
                        id,
                        now + policy.withdraw_token_lifetime,
                    )?;
                    super::emails::OrganizationListed {
                        letter: LetterFacts::of(letter),
                        organization,
                        name: &signature.name,
                        listed: super::Listing::of(
                            signature.kind,
                            SignatureState::Approved,
                            signature.public,
                            letter.organizations_need_approval,
                        )
                        .is_listed(),
                        letter_url: &signed.url(policy),
                        withdraw_url: &policy.withdraw_url(&withdraw, lang),
                    }
                    .render(signature.lang.as_deref())?
                }
                Decision::Reject => super::emails::OrganizationRejected {
                    letter: LetterFacts::of(letter),
                    organization,
                    name: &signature.name,
                }
                .render(signature.lang.as_deref())?,
            };
            mail::outbox::enqueue(
                connection,
                &OutgoingMail::to(&signature.email, content).about(id),
                now,
            )?;
            let detail = if staff == decider.actor.email {
                organization.to_owned()
            } else {
                format!("{organization} (decided by {staff})")
            };
            audit::record(
                connection,
                decider.actor,
                action,
                Some(&letter.id),
                Some(id),
                &detail,
            )?;
            outcomes.push((id.clone(), DecisionOutcome::Done));
        }
        Ok(outcomes)
    })
}

/// Sets the order in which organizations are listed: `ids` first, in this order; the rest
/// follow alphabetically. Ids from other letters are ignored. Audited as `letter.order`.
pub fn set_organization_order(
    connection: &mut DbConnection,
    letter: &Letter,
    ids: &[String],
    actor: &Actor,
) -> Result<usize, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        diesel::update(signatures::table.filter(signatures::letter_id.eq(&letter.id)))
            .set(signatures::list_position.eq(None::<i32>))
            .execute(connection)?;
        let mut placed = 0;
        for (position, id) in ids.iter().enumerate() {
            placed += diesel::update(
                signatures::table
                    .filter(signatures::id.eq(id))
                    .filter(signatures::letter_id.eq(&letter.id))
                    .filter(signatures::kind.eq(SignatureKind::Organization)),
            )
            .set(signatures::list_position.eq(position as i32 + 1))
            .execute(connection)?;
        }
        audit::record(
            connection,
            actor,
            "letter.order",
            Some(&letter.id),
            None,
            &format!("{placed} organization(s) placed first"),
        )?;
        Ok(placed)
    })
}

// The staff console's moderation: hiding and removing signatures, the
// review queue and the staff search. Every function takes the letter named in the request
// and touches only that letter's signatures.

/// The longest reason kept for hiding or removing a signature.
pub const REASON_MAX: usize = 500;

#[derive(Debug, PartialEq, Eq)]
pub enum TakedownOutcome {
    Done,
    /// No signature with this id on this letter.
    NotOnThisLetter,
    /// Hiding and removing need a reason, for the record.
    ReasonRequired,
    /// A withdrawn signature has nothing left to hide or remove.
    Withdrawn,
    AlreadyRemoved,
}

fn takedown_reason(reason: &str) -> Option<String> {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    (!reason.is_empty()).then(|| reason.chars().take(REASON_MAX).collect())
}

fn takedown_target(
    connection: &mut DbConnection,
    letter: &Letter,
    id: &str,
) -> Result<Result<SignatureRecord, TakedownOutcome>, diesel::result::Error> {
    Ok(match find_on_letter(connection, &letter.id, id)? {
        None => Err(TakedownOutcome::NotOnThisLetter),
        Some(signature) => match signature.state {
            SignatureState::Withdrawn => Err(TakedownOutcome::Withdrawn),
            SignatureState::Removed => Err(TakedownOutcome::AlreadyRemoved),
            _ => Ok(signature),
        },
    })
}

/// Takes a signature off the public lists but keeps it in the counts (a name that should
/// not be shown, such as a prank or a private person's request). Audited as
/// `signature.hide`.
pub fn hide(
    connection: &mut DbConnection,
    letter: &Letter,
    id: &str,
    reason: &str,
    actor: &Actor,
) -> Result<TakedownOutcome, diesel::result::Error> {
    takedown(connection, letter, id, reason, actor, Takedown::Hide)
}

/// Takes a signature out of the lists and the counts (spam, abuse), recording who did it
/// and why. The row stays, so the same address signing again is still recognised. Audited
/// as `signature.remove`.
pub fn remove(
    connection: &mut DbConnection,
    letter: &Letter,
    id: &str,
    reason: &str,
    actor: &Actor,
) -> Result<TakedownOutcome, diesel::result::Error> {
    takedown(connection, letter, id, reason, actor, Takedown::Remove)
}

#[derive(Clone, Copy)]
enum Takedown {
    Hide,
    Remove,
}

/// The one takedown transaction: find the signature on this letter, change it only if no
/// withdrawal or removal won the race, and audit the change with the staff member's reason.
fn takedown(
    connection: &mut DbConnection,
    letter: &Letter,
    id: &str,
    reason: &str,
    actor: &Actor,
    kind: Takedown,
) -> Result<TakedownOutcome, diesel::result::Error> {
    let Some(reason) = takedown_reason(reason) else {
        return Ok(TakedownOutcome::ReasonRequired);
    };
    db::write_transaction(connection, |connection| {
        let signature = match takedown_target(connection, letter, id)? {
            Ok(signature) => signature,
            Err(outcome) => return Ok(outcome),
        };
        let changed = match kind {
            // Not once a withdrawal or a removal won the race (nothing is left to hide).
            Takedown::Hide => diesel::update(signatures::table.find(&signature.id).filter(
                signatures::state.ne_all([SignatureState::Withdrawn, SignatureState::Removed]),
            ))
            .set((
                signatures::public.eq(false),
                signatures::hidden_reason.eq(&reason),
            ))
            .execute(connection)?,
            Takedown::Remove => diesel::update(
                signatures::table
                    .find(&signature.id)
                    .filter(signatures::state.eq(signature.state)),
            )
            .set((
                signatures::state.eq(SignatureState::Removed),
                signatures::removed_at.eq(db::now()),
                signatures::removed_by.eq(&actor.email),
                signatures::removed_reason.eq(&reason),
            ))
            .execute(connection)?,
        };
        if changed == 0 {
            // Withdrawn or removed meanwhile.
            return Ok(match takedown_target(connection, letter, id)? {
                Err(outcome) => outcome,
                Ok(_) => match kind {
                    Takedown::Hide => TakedownOutcome::Withdrawn,
                    Takedown::Remove => TakedownOutcome::AlreadyRemoved,
                },
            });
        }
        let (action, detail) = match kind {
            Takedown::Hide => ("signature.hide", reason),
            Takedown::Remove => (
                "signature.remove",
                format!("was {}: {reason}", signature.state),
            ),
        };
        audit::record(
            connection,
            actor,
            action,
            Some(&letter.id),
            Some(&signature.id),
            &detail,
        )?;
        Ok(TakedownOutcome::Done)
    })
}

/// An organization sign-on waiting for review, with the letter it is for.
#[derive(Clone, Debug)]
pub struct AwaitingReview {
    pub signature: SignatureRecord,
    pub letter_slug: String,
    pub letter_title: String,
}

/// Confirmed organization sign-ons waiting for approval, oldest first: of one letter, or of
/// every letter when `letter_id` is `None`.
pub fn awaiting_review(
    connection: &mut DbConnection,
    letter_id: Option<&str>,
    limit: i64,
) -> Result<Vec<AwaitingReview>, diesel::result::Error> {
    use crate::db::schema::letters;
    let mut query = signatures::table
        .inner_join(letters::table)
        .filter(signatures::state.eq(SignatureState::Verified))
        .filter(signatures::kind.eq(SignatureKind::Organization))
        .order((signatures::verified_at.asc(), signatures::id.asc()))
        .limit(limit)
        .select((SignatureRecord::as_select(), letters::slug, letters::title))
        .into_boxed();
    if let Some(letter_id) = letter_id {
        query = query.filter(signatures::letter_id.eq(letter_id.to_owned()));
    }
    let rows: Vec<(SignatureRecord, String, String)> = query.load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(signature, letter_slug, letter_title)| AwaitingReview {
            signature,
            letter_slug,
            letter_title,
        })
        .collect())
}

diesel::define_sql_function! {
    /// SQL `LOWER`, the same on SQLite and PostgreSQL for ASCII letters.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// What staff look for in a letter's signatures. `text` matches anywhere in the signer's
/// name, email or organization, ignoring case.
#[derive(Clone, Debug, Default)]
pub struct SignatureSearch {
    pub filter: super::SignatureFilter,
    pub text: String,
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern.
fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

fn searched<'a>(
    letter_id: &str,
    search: &SignatureSearch,
) -> signatures::BoxedQuery<'a, crate::db::MultiBackend> {
    let mut query = signatures::table
        .filter(signatures::letter_id.eq(letter_id.to_owned()))
        .into_boxed();
    if !search.filter.states.is_empty() {
        let states = search.filter.states.clone();
        query = query.filter(signatures::state.eq_any(states));
    }
    if !search.filter.kinds.is_empty() {
        let kinds = search.filter.kinds.clone();
        query = query.filter(signatures::kind.eq_any(kinds));
    }
    let text = search.text.trim().to_lowercase();
    if !text.is_empty() {
        let anywhere = like_contains(&text);
        let organization = like_contains(&super::normalize_organization(&text));
        // An address typed whole also finds the signatures whose address is no longer held,
        // by its mailbox key; part of one finds only the addresses still held.
        let mailbox = crate::values::email_address::EmailAddress::parse(&text)
            .map(|address| address.mailbox_key().as_str().to_owned())
            .unwrap_or_default();
        query = query.filter(
            lower(signatures::name)
                .like(anywhere.clone())
                .escape('\\')
                .or(lower(signatures::email).like(anywhere).escape('\\'))
                .or(signatures::email_normalized.eq(mailbox))
                .or(signatures::organization_normalized
                    .like(organization)
                    .escape('\\')
                    .assume_not_null()),
        );
    }
    query
}

/// Up to `limit` matching signatures, newest first, older than the id `before` (keyset
/// paging: ids grow with time).
pub fn search(
    connection: &mut DbConnection,
    letter_id: &str,
    search: &SignatureSearch,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<SignatureRecord>, diesel::result::Error> {
    let mut query = searched(letter_id, search);
    if let Some(before) = before {
        query = query.filter(signatures::id.lt(before.to_owned()));
    }
    query
        .order(signatures::id.desc())
        .limit(limit)
        .select(SignatureRecord::as_select())
        .load(connection)
}

/// How many signatures match, on every page together.
pub fn search_count(
    connection: &mut DbConnection,
    letter_id: &str,
    search: &SignatureSearch,
) -> Result<i64, diesel::result::Error> {
    searched(letter_id, search).count().get_result(connection)
}

/// The signature with this id if it belongs to this letter.
pub fn find_on_letter(
    connection: &mut DbConnection,
    letter_id: &str,
    id: &str,
) -> Result<Option<SignatureRecord>, diesel::result::Error> {
    signatures::table
        .filter(signatures::id.eq(id))
        .filter(signatures::letter_id.eq(letter_id))
        .select(SignatureRecord::as_select())
        .first(connection)
        .optional()
}

#[cfg(test)]
mod console_tests {
    use super::*;

    #[test]
    fn search_text_is_matched_literally() {
        assert_eq!(like_contains("ada"), "%ada%");
        assert_eq!(like_contains("100%_off\\"), "%100\\%\\_off\\\\%");
    }

    #[test]
    fn reasons_are_required_trimmed_and_bounded() {
        assert_eq!(takedown_reason("  \n "), None);
        assert_eq!(
            takedown_reason("  spam \n bot ").as_deref(),
            Some("spam bot")
        );
        assert_eq!(
            takedown_reason(&"x".repeat(REASON_MAX + 10)).map(|reason| reason.len()),
            Some(REASON_MAX)
        );
    }
}
