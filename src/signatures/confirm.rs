//! The pages behind emailed links: confirming a signature and withdrawing it.
//!
//! Every change here is conditional on the state it was decided from (`UPDATE ... WHERE
//! state = ...`), so when a confirmation and a withdrawal race (two instances, two clicks)
//! exactly one of them changes the row and the other answers for the state it found.

use crate::values::ids::LetterId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::choices::{Choices, ChosenBoxes};
use super::details::SignerDetails;
use super::links::{self, FoundToken};
use super::{SignError, SignatureKind, SignatureRecord, SignatureState, SigningPolicy};
use crate::db::schema::signatures;
use crate::db::{self, DbConnection};
use crate::letters::{Letter, LetterStatus};
use crate::mail::message::Message as _;
use crate::mail::{self, OutgoingMail};
use crate::values::tokens::TokenPurpose;

/// Why an emailed link did not work, in terms the person can act on.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("this link is not valid")]
    Invalid,
    #[error("this link has expired")]
    Expired { letter_id: Option<LetterId> },
    #[error("this link has already been used")]
    Used { letter_id: Option<LetterId> },
    #[error("the letter closed before this signature was confirmed")]
    LetterClosed { letter_id: Option<LetterId> },
    /// The signature was withdrawn: its links say so, not "already used".
    #[error("this signature was withdrawn")]
    Withdrawn { letter_id: Option<LetterId> },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::DbError),
    #[error("could not render an email: {0}")]
    Render(#[from] askama::Error),
}

impl From<SignError> for TokenError {
    fn from(error: SignError) -> Self {
        match error {
            SignError::Database(error) => TokenError::Database(error),
            SignError::Unavailable(error) => TokenError::Unavailable(error),
            SignError::Render(error) => TokenError::Render(error),
            SignError::LetterClosed => TokenError::LetterClosed { letter_id: None },
        }
    }
}

/// The signature a token leads to, for the page that asks the person to press the button.
#[derive(Debug)]
pub struct TokenTarget {
    pub letter_id: LetterId,
    pub signature_state: SignatureState,
    /// The language of the text signed (`None`: the original's): the pages a link opens
    /// name the letter in it.
    pub lang: Option<crate::values::language::LanguageTag>,
    /// The name as signed (empty once withdrawn: nothing personal is kept).
    pub name: String,
    pub kind: SignatureKind,
    /// What the signer chose, as stored now.
    pub choices: Choices,
}

/// The page-facing view of a signature a link leads to.
fn target_of(
    connection: &mut DbConnection,
    signature: SignatureRecord,
) -> Result<TokenTarget, TokenError> {
    let choices = Choices::stored(
        connection,
        signature.public,
        signature.updates,
        signature.via_member_id.as_deref(),
        signature.share_with_member,
    )?;
    Ok(TokenTarget {
        letter_id: signature.letter_id,
        signature_state: signature.state,
        lang: signature.lang,
        name: match signature.kind {
            SignatureKind::Organization => signature.organization.unwrap_or(signature.name),
            SignatureKind::Individual => signature.name,
        },
        kind: signature.kind,
        choices,
    })
}

fn load_token(
    connection: &mut DbConnection,
    link: &str,
    purpose: TokenPurpose,
) -> Result<(FoundToken, SignatureRecord), TokenError> {
    let token = links::find(connection, link, purpose)?.ok_or(TokenError::Invalid)?;
    let signature = signatures::table
        .find(&token.signature_id)
        .select(SignatureRecord::as_select())
        .first(connection)
        .optional()?
        .ok_or(TokenError::Invalid)?;
    Ok((token, signature))
}

/// Since when a letter has stopped taking signatures, if it has: its scheduled close once
/// that has passed, or the moment a status change stopped it (`closed_at`, which archiving or
/// editing a closed letter does not move), whichever came first.
fn closed_since(letter: &Letter, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let scheduled = letter.closes_at.filter(|closes| *closes <= now);
    // Only a letter stored before `closed_at` existed and never touched since lacks it.
    let stopped = letter.closed_at.unwrap_or(letter.updated_at);
    match letter.status() {
        LetterStatus::Open => scheduled,
        LetterStatus::Closed | LetterStatus::Archived => {
            Some(scheduled.map_or(stopped, |closes| closes.min(stopped)))
        }
        LetterStatus::Draft => Some(stopped),
    }
}

/// A signature made while the letter was open may be confirmed up to `grace` after it
/// closed; people read their mail late, but a closed letter must stop changing.
fn may_still_confirm(
    letter: &Letter,
    signature: &SignatureRecord,
    grace: chrono::Duration,
    now: NaiveDateTime,
) -> bool {
    match closed_since(letter, now) {
        None => true,
        Some(closed) => signature.created_at <= closed && now <= closed + grace,
    }
}

/// Whether the signature behind a verify link may still be confirmed now: the page behind
/// the link then offers no button that could only answer "too late".
pub fn still_confirmable(
    connection: &mut DbConnection,
    secret: &str,
    policy: &SigningPolicy,
) -> Result<bool, TokenError> {
    let (_, signature) = load_token(connection, secret, TokenPurpose::Verify)?;
    let letter =
        crate::letters::find_by_id(connection, &signature.letter_id)?.ok_or(TokenError::Invalid)?;
    Ok(may_still_confirm(
        &letter,
        &signature,
        policy.confirm_grace,
        db::now(),
    ))
}

/// Looks a link up without changing anything (the page a mail scanner may prefetch).
pub fn inspect_token(
    connection: &mut DbConnection,
    secret: &str,
    purpose: TokenPurpose,
) -> Result<TokenTarget, TokenError> {
    let (token, signature) = load_token(connection, secret, purpose)?;
    let state = signature.state;
    let letter_id = Some(signature.letter_id.clone());
    if token.used_at.is_some() {
        return match (purpose, state) {
            (
                TokenPurpose::Verify,
                SignatureState::Verified | SignatureState::Approved | SignatureState::Duplicate,
            )
            | (TokenPurpose::Withdraw, SignatureState::Withdrawn) => {
                target_of(connection, signature)
            }
            (TokenPurpose::Verify, SignatureState::Withdrawn) => {
                Err(TokenError::Withdrawn { letter_id })
            }
            _ => Err(TokenError::Used { letter_id }),
        };
    }
    if token.expires_at <= db::now() {
        return Err(TokenError::Expired { letter_id });
    }
    target_of(connection, signature)
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// Counted now; organizations may still wait for staff approval.
    Confirmed {
        awaiting_approval: bool,
        /// Its signer chose to be listed publicly (`Listing`): what the page may promise.
        public: bool,
    },
    AlreadyConfirmed,
    /// The organization already has a confirmed sign-on; this signer was told by email.
    OrganizationAlreadySigned,
}

/// Confirms the signature behind a verify link. Pressing the button twice is harmless.
pub fn confirm(
    connection: &mut DbConnection,
    secret: &str,
    policy: &SigningPolicy,
) -> Result<ConfirmOutcome, TokenError> {
    confirm_with(connection, secret, policy, None)
}

/// [`confirm`], with the boxes the confirm page offered as the signer left them (`None`: the
/// choices stay as signed), applied with the confirmation and only to a pending signature.
pub fn confirm_with(
    connection: &mut DbConnection,
    secret: &str,
    policy: &SigningPolicy,
    boxes: Option<ChosenBoxes>,
) -> Result<ConfirmOutcome, TokenError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        match db::write_transaction(connection, |connection| {
            confirm_in_transaction(connection, secret, policy, boxes)
        }) {
            Err(TokenError::Database(error)) if db::is_retryable(&error) && attempts < 3 => {
                continue;
            }
            result => return result,
        }
    }
}

fn confirm_in_transaction(
    connection: &mut DbConnection,
    secret: &str,
    policy: &SigningPolicy,
    boxes: Option<ChosenBoxes>,
) -> Result<ConfirmOutcome, TokenError> {
    let now = db::now();
    let (token, signature) = load_token(connection, secret, TokenPurpose::Verify)?;
    let letter_id = Some(signature.letter_id.clone());
    let answer_for = |state: SignatureState| match state {
        SignatureState::Verified | SignatureState::Approved => Ok(ConfirmOutcome::AlreadyConfirmed),
        SignatureState::Duplicate => Ok(ConfirmOutcome::OrganizationAlreadySigned),
        SignatureState::Withdrawn => Err(TokenError::Withdrawn {
            letter_id: letter_id.clone(),
        }),
        _ => Err(TokenError::Used {
            letter_id: letter_id.clone(),
        }),
    };
    if token.used_at.is_some() {
        return answer_for(signature.state);
    }
    if token.expires_at <= now {
        return Err(TokenError::Expired { letter_id });
    }
    if signature.state != SignatureState::Pending {
        return answer_for(signature.state);
    }
    let letter =
        crate::letters::find_by_id(connection, &signature.letter_id)?.ok_or(TokenError::Invalid)?;
    if !may_still_confirm(&letter, &signature, policy.confirm_grace, now) {
        return Err(TokenError::LetterClosed { letter_id });
    }
    let is_organization = signature.kind == SignatureKind::Organization;
    let awaiting_approval = is_organization && letter.organizations_need_approval;
    let next_state = if is_organization && !awaiting_approval {
        SignatureState::Approved
    } else {
        SignatureState::Verified
    };
    // Only a still-pending signature is confirmed: a withdrawal that won the race leaves
    // nothing to confirm.
    let confirmed = db::write_transaction(connection, |connection| {
        if let Some(boxes) = boxes {
            // Sharing needs a member's link to have been followed; a box sent without one
            // shares with nobody.
            diesel::update(
                signatures::table
                    .find(&signature.id)
                    .filter(signatures::state.eq(SignatureState::Pending)),
            )
            .set((
                signatures::public.eq(boxes.public),
                signatures::updates.eq(boxes.updates),
                signatures::share_with_member
                    .eq(boxes.share_with_member && signature.via_member_id.is_some()),
            ))
            .execute(connection)?;
        }
        let confirmed = diesel::update(
            signatures::table
                .find(&signature.id)
                .filter(signatures::state.eq(SignatureState::Pending)),
        )
        .set((
            signatures::state.eq(next_state),
            signatures::verified_at.eq(now),
            signatures::approved_at.eq((next_state == SignatureState::Approved).then_some(now)),
        ))
        .execute(connection)?;
        // The address has done its first job: kept from here on only for a reason the
        // signer gave (or the letter's delivery), in the same transaction as the
        // confirmation, so no confirmed signer's address outlives it for lack of a sweep.
        if confirmed > 0 {
            super::retention::release(
                connection,
                super::retention::Scope::Signature(&signature.id),
                policy.erase_after_days,
                now,
            )?;
        }
        Ok(confirmed)
    });
    let changed = match confirmed {
        Ok(changed) => changed,
        // Another confirmed sign-on already holds this organization's name (the unique
        // index on confirmed organizations settles races between instances too).
        Err(error) if is_organization && db::is_unique_violation(&error) => {
            return mark_duplicate(connection, &letter, &signature, policy, now);
        }
        Err(error) => return Err(error.into()),
    };
    if changed == 0 {
        let current = signatures::table
            .find(&signature.id)
            .select(signatures::state)
            .first::<SignatureState>(connection)?;
        return answer_for(current);
    }
    links::mark_used(connection, &token, now)?;
    Ok(ConfirmOutcome::Confirmed {
        awaiting_approval,
        public: signature.public,
    })
}

/// The second confirmed sign-on of an organization: kept for staff, not counted, and its
/// signer told why.
fn mark_duplicate(
    connection: &mut DbConnection,
    letter: &Letter,
    signature: &SignatureRecord,
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<ConfirmOutcome, TokenError> {
    let changed = diesel::update(
        signatures::table
            .find(&signature.id)
            .filter(signatures::state.eq(SignatureState::Pending)),
    )
    .set((
        signatures::state.eq(SignatureState::Duplicate),
        signatures::verified_at.eq(now),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Err(TokenError::Used {
            letter_id: Some(letter.id.clone()),
        });
    }
    links::retire(connection, &signature.id, Some(TokenPurpose::Verify), now)?;
    let organization = signature.organization.as_deref().unwrap_or(&signature.name);
    // In the language of the text signed, naming the letter in it.
    let lang = signature.lang.as_deref();
    let signed = super::emails::LetterText::of(connection, letter, lang)?;
    let content = super::emails::OrganizationDuplicate {
        letter: super::emails::LetterFacts::of(&signed.letter),
        organization,
        name: &signature.name,
        letter_url: &signed.url(policy),
    }
    .render(lang)?;
    mail::outbox::enqueue(
        connection,
        &OutgoingMail::to(&signature.email, content).about(&signature.id),
        now,
    )?;
    Ok(ConfirmOutcome::OrganizationAlreadySigned)
}

/// Deletes the mailbox's "no more updates" row for the letter, unless another live signature
/// of the same mailbox on the letter still stands (its wish stands with it).
fn forget_unsubscribe_unless_signed(
    connection: &mut DbConnection,
    letter_id: &str,
    mailbox_key: &str,
) -> Result<usize, diesel::result::Error> {
    use crate::db::schema::update_unsubscribes;
    if mailbox_key.is_empty() {
        return Ok(0);
    }
    let others: i64 = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::email_normalized.eq(mailbox_key))
        .filter(signatures::withdrawn_at.is_null())
        .count()
        .get_result(connection)?;
    if others > 0 {
        return Ok(0);
    }
    diesel::delete(
        update_unsubscribes::table
            .filter(update_unsubscribes::letter_id.eq(letter_id))
            .filter(update_unsubscribes::email_normalized.eq(mailbox_key)),
    )
    .execute(connection)
}

#[derive(Debug, PartialEq, Eq)]
pub enum WithdrawOutcome {
    Withdrawn,
    AlreadyWithdrawn,
}

/// Removes a signature from lists and counts and keeps nothing personal about it: only the
/// row's existence, kind and times remain; its unsent email is dropped and its sent email
/// blanked.
pub fn withdraw(
    connection: &mut DbConnection,
    secret: &str,
) -> Result<WithdrawOutcome, TokenError> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let (token, signature) = load_token(connection, secret, TokenPurpose::Withdraw)?;
        if signature.state == SignatureState::Withdrawn {
            return Ok(WithdrawOutcome::AlreadyWithdrawn);
        }
        let letter_id = Some(signature.letter_id.clone());
        if token.used_at.is_some() {
            return Err(TokenError::Used { letter_id });
        }
        if token.expires_at <= now {
            return Err(TokenError::Expired { letter_id });
        }
        if !withdraw_signature(connection, &signature, now)? {
            return Ok(WithdrawOutcome::AlreadyWithdrawn);
        }
        Ok(WithdrawOutcome::Withdrawn)
    })
}

/// The one withdrawal, whoever asks for it (the signature's own link, the signer's
/// `/my-signatures` list, staff erasing on a written request): the row keeps its existence,
/// kind and times and nothing personal, its links stop working, and its mail is erased.
/// `false` when it was already withdrawn. Call it inside a transaction.
pub fn withdraw_signature(
    connection: &mut DbConnection,
    signature: &SignatureRecord,
    now: NaiveDateTime,
) -> Result<bool, diesel::result::Error> {
    let changed = diesel::update(
        signatures::table
            .find(&signature.id)
            .filter(signatures::state.ne(SignatureState::Withdrawn)),
    )
    .set((
        signatures::state.eq(SignatureState::Withdrawn),
        signatures::withdrawn_at.eq(now),
        SignerDetails::erased(),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Ok(false);
    }
    links::retire(connection, &signature.id, None, now)?;
    // The outbox holds the name and address too (in the confirmation, say): erase them
    // now, with the signature, not at the next purge.
    mail::outbox::redact_for_signature(
        connection,
        &signature.id,
        &signature.email,
        &signature.email_normalized,
    )?;
    // The address's wish about this letter's updates goes with it: signing again with
    // "Keep me updated" starts clean. Kept while another live signature of the same
    // mailbox on the letter (an individual and an organization one) still has it.
    forget_unsubscribe_unless_signed(
        connection,
        &signature.letter_id,
        &signature.email_normalized,
    )?;
    Ok(true)
}
