//! Staff decisions on organization sign-ons. The CLI calls these today and the staff console
//! will call the same functions. Every decision checks that the signature belongs to the
//! letter named in the request, so an id from another letter can never be touched.

use diesel::prelude::*;

use super::{
    SignError, SignatureKind, SignatureRecord, SignatureState, SigningPolicy, issue_token,
};
use crate::db::schema::signatures;
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::mail::{self, OutgoingMail, messages};
use crate::tokens::TokenPurpose;

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

/// Applies `decision` to each id and emails each organization the result. Ids that cannot
/// be decided are reported and left as they were; the others are decided in one transaction.
pub fn decide(
    connection: &mut DbConnection,
    letter: &Letter,
    ids: &[String],
    decision: Decision,
    staff: &str,
    policy: &SigningPolicy,
) -> Result<Vec<(String, DecisionOutcome)>, SignError> {
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
            if signature.kind != SignatureKind::Organization.as_str() {
                outcomes.push((id.clone(), DecisionOutcome::NotAnOrganization));
                continue;
            }
            let state = signature.state();
            let allowed = match decision {
                Decision::Approve => state == Some(SignatureState::Verified),
                Decision::Reject => {
                    matches!(
                        state,
                        Some(SignatureState::Verified | SignatureState::Approved)
                    )
                }
            };
            if !allowed {
                outcomes.push((
                    id.clone(),
                    DecisionOutcome::NotInReviewableState(signature.state.clone()),
                ));
                continue;
            }
            let organization = signature.organization.as_deref().unwrap_or(&signature.name);
            let content = match decision {
                Decision::Approve => {
                    diesel::update(signatures::table.find(id))
                        .set((
                            signatures::state.eq(SignatureState::Approved.as_str()),
                            signatures::approved_at.eq(now),
                            signatures::approved_by.eq(staff),
                        ))
                        .execute(connection)?;
                    let withdraw = issue_token(
                        connection,
                        id,
                        &letter.id,
                        TokenPurpose::Withdraw,
                        now + policy.withdraw_token_lifetime,
                        now,
                    )?;
                    messages::organization_listed(
                        letter,
                        organization,
                        &signature.name,
                        &policy.letter_url(&letter.slug),
                        &policy.withdraw_url(&withdraw),
                    )?
                }
                Decision::Reject => {
                    diesel::update(signatures::table.find(id))
                        .set((
                            signatures::state.eq(SignatureState::Rejected.as_str()),
                            signatures::rejected_at.eq(now),
                            signatures::rejected_by.eq(staff),
                        ))
                        .execute(connection)?;
                    messages::organization_rejected(letter, organization, &signature.name)?
                }
            };
            mail::outbox::enqueue(
                connection,
                &OutgoingMail::to(&signature.email, content),
                now,
            )?;
            outcomes.push((id.clone(), DecisionOutcome::Done));
        }
        Ok(outcomes)
    })
}

/// Sets the order in which organizations are listed: `ids` first, in this order; the rest
/// follow alphabetically. Ids from other letters are ignored.
pub fn set_organization_order(
    connection: &mut DbConnection,
    letter: &Letter,
    ids: &[String],
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
                    .filter(signatures::kind.eq(SignatureKind::Organization.as_str())),
            )
            .set(signatures::list_position.eq(position as i32 + 1))
            .execute(connection)?;
        }
        Ok(placed)
    })
}
