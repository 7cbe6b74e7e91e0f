//! Signatures: the sign flow (store pending + token + email in one transaction), email
//! confirmation, withdrawal, and the public lists and counts.

pub mod email_address;
pub mod form;
pub mod moderation;
pub mod writer;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{signatures, tokens};
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::mail::{self, OutgoingMail, messages};
use crate::tokens::{self as token_codec, TokenPurpose};
use form::SignatureInput;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureKind {
    Individual,
    Organization,
}

impl SignatureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureKind::Individual => "individual",
            SignatureKind::Organization => "organization",
        }
    }

    pub fn parse(value: &str) -> Option<SignatureKind> {
        match value {
            "individual" => Some(SignatureKind::Individual),
            "organization" => Some(SignatureKind::Organization),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureState {
    Pending,
    Verified,
    Approved,
    Rejected,
    Withdrawn,
    /// Taken down by staff as spam or abuse, with a reason.
    Removed,
}

impl SignatureState {
    pub const ALL: [SignatureState; 6] = [
        SignatureState::Pending,
        SignatureState::Verified,
        SignatureState::Approved,
        SignatureState::Rejected,
        SignatureState::Withdrawn,
        SignatureState::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureState::Pending => "pending",
            SignatureState::Verified => "verified",
            SignatureState::Approved => "approved",
            SignatureState::Rejected => "rejected",
            SignatureState::Withdrawn => "withdrawn",
            SignatureState::Removed => "removed",
        }
    }

    pub fn parse(value: &str) -> Option<SignatureState> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

/// A signature as stored, with its private fields. Never rendered publicly as such: public
/// pages get `PublicSignatory`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = signatures)]
pub struct SignatureRecord {
    pub id: String,
    pub letter_id: String,
    pub kind: String,
    pub state: String,
    pub name: String,
    pub email: String,
    pub email_normalized: String,
    pub organization: Option<String>,
    pub organization_normalized: Option<String>,
    pub title: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub comment: Option<String>,
    pub website: Option<String>,
    pub public: bool,
    pub content_hash: String,
    pub created_at: NaiveDateTime,
    pub verified_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub rejected_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub invite_id: Option<String>,
    pub approved_by: Option<String>,
    pub rejected_by: Option<String>,
    pub list_position: Option<i32>,
    pub hidden_reason: Option<String>,
    pub removed_at: Option<NaiveDateTime>,
    pub removed_by: Option<String>,
    pub removed_reason: Option<String>,
}

impl SignatureRecord {
    pub fn state(&self) -> Option<SignatureState> {
        SignatureState::parse(&self.state)
    }
}

/// What the public may see of a signature whose signer agreed to be listed.
#[derive(Clone, Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = signatures)]
pub struct PublicSignatory {
    pub kind: String,
    pub name: String,
    pub organization: Option<String>,
    pub title: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub comment: Option<String>,
    pub website: Option<String>,
    #[serde(rename = "signed_at")]
    pub verified_at: Option<NaiveDateTime>,
}

/// Where emailed links point and how long they last.
#[derive(Clone, Debug)]
pub struct SigningPolicy {
    pub public_base: String,
    pub verify_token_lifetime: Duration,
    pub withdraw_token_lifetime: Duration,
    pub invite_token_lifetime: Duration,
}

impl SigningPolicy {
    pub fn verify_url(&self, secret: &str) -> String {
        format!("{}/verify/{secret}", self.public_base)
    }

    pub fn withdraw_url(&self, secret: &str) -> String {
        format!("{}/withdraw/{secret}", self.public_base)
    }

    pub fn letter_url(&self, slug: &str) -> String {
        format!("{}/letters/{slug}", self.public_base)
    }
}

/// The signer always sees the same page whatever happened, so that nobody can learn from the
/// response whether an address has signed; the outcome only decides which email is sent.
#[derive(Debug, PartialEq, Eq)]
pub enum SignOutcome {
    Created,
    ConfirmationResent,
    AlreadySigned,
    Ignored,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("this letter does not accept signatures now")]
    LetterClosed,
    #[error("could not render an email: {0}")]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::DbError),
}

/// Collapses case and spacing so that "Friends of  the Earth" and "friends of the earth" are
/// the same organization.
pub fn normalize_organization(name: &str) -> String {
    crate::text::comparison_key(name)
}

/// Stores a pending signature with its tokens and its confirmation email in one transaction,
/// or, for an address that already signed, queues the appropriate email instead.
pub fn sign(
    connection: &mut DbConnection,
    letter: &Letter,
    input: &SignatureInput,
    policy: &SigningPolicy,
) -> Result<SignOutcome, SignError> {
    let now = db::now();
    if !letter.accepts_signatures_at(now) {
        return Err(SignError::LetterClosed);
    }
    // Two concurrent signs with the same address: on PostgreSQL the loser of the race hits
    // the unique index; running again finds the winner's row and takes the duplicate path.
    let mut attempts = 0;
    loop {
        attempts += 1;
        match db::write_transaction(connection, |connection| {
            sign_in_transaction(connection, letter, input, policy, now)
        }) {
            Err(SignError::Database(error)) if db::is_unique_violation(&error) && attempts < 3 => {
                continue;
            }
            result => return result,
        }
    }
}

pub(crate) fn sign_in_transaction(
    connection: &mut DbConnection,
    letter: &Letter,
    input: &SignatureInput,
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<SignOutcome, SignError> {
    let existing = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(signatures::kind.eq(input.kind.as_str()))
        .filter(signatures::email_normalized.eq(input.email.normalized()))
        .filter(signatures::withdrawn_at.is_null())
        .select(SignatureRecord::as_select())
        .first(connection)
        .optional()?;

    if let Some(existing) = existing {
        return match existing.state() {
            Some(SignatureState::Pending) => {
                retire_tokens(connection, &existing.id, TokenPurpose::Verify, now)?;
                queue_confirmation(
                    connection,
                    letter,
                    &existing.id,
                    &existing.name,
                    input,
                    policy,
                    now,
                )?;
                Ok(SignOutcome::ConfirmationResent)
            }
            Some(SignatureState::Verified | SignatureState::Approved) => {
                queue_already_signed(
                    connection,
                    letter,
                    &existing,
                    input.email.as_str(),
                    policy,
                    now,
                )?;
                Ok(SignOutcome::AlreadySigned)
            }
            _ => Ok(SignOutcome::Ignored),
        };
    }

    let organization_normalized = input.organization.as_deref().map(normalize_organization);
    if input.kind == SignatureKind::Organization {
        let taken = signatures::table
            .filter(signatures::letter_id.eq(&letter.id))
            .filter(signatures::kind.eq(SignatureKind::Organization.as_str()))
            .filter(signatures::organization_normalized.eq(&organization_normalized))
            .filter(signatures::withdrawn_at.is_null())
            .filter(signatures::rejected_at.is_null())
            .count()
            .get_result::<i64>(connection)?
            > 0;
        if taken {
            return Ok(SignOutcome::Ignored);
        }
    }

    let signature_id = db::new_id();
    diesel::insert_into(signatures::table)
        .values((
            signatures::id.eq(&signature_id),
            signatures::letter_id.eq(&letter.id),
            signatures::kind.eq(input.kind.as_str()),
            signatures::state.eq(SignatureState::Pending.as_str()),
            signatures::name.eq(&input.name),
            signatures::email.eq(input.email.as_str()),
            signatures::email_normalized.eq(input.email.normalized()),
            signatures::organization.eq(&input.organization),
            signatures::organization_normalized.eq(&organization_normalized),
            signatures::title.eq(&input.title),
            signatures::city.eq(&input.city),
            signatures::country.eq(&input.country),
            signatures::comment.eq(&input.comment),
            signatures::website.eq(&input.website),
            signatures::public.eq(input.public),
            signatures::content_hash.eq(&letter.content_hash),
            signatures::created_at.eq(now),
        ))
        .execute(connection)?;
    queue_confirmation(
        connection,
        letter,
        &signature_id,
        &input.name,
        input,
        policy,
        now,
    )?;
    Ok(SignOutcome::Created)
}

/// Tells a confirmed signer that signing again was not needed, with a fresh withdraw link.
fn queue_already_signed(
    connection: &mut DbConnection,
    letter: &Letter,
    existing: &SignatureRecord,
    recipient: &str,
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<(), SignError> {
    let withdraw = issue_token(
        connection,
        &existing.id,
        &letter.id,
        TokenPurpose::Withdraw,
        now + policy.withdraw_token_lifetime,
        now,
    )?;
    let content = messages::already_signed(
        letter,
        &existing.name,
        &policy.letter_url(&letter.slug),
        &policy.withdraw_url(&withdraw),
    )?;
    mail::outbox::enqueue(connection, &OutgoingMail::to(recipient, content), now)?;
    Ok(())
}

/// The resend form: a fresh confirmation link for a pending signature (the old link stops
/// working), or the "already signed" note for a confirmed one. The person sees the same
/// page whatever the outcome.
pub fn resend(
    connection: &mut DbConnection,
    letter: &Letter,
    email: &email_address::EmailAddress,
    policy: &SigningPolicy,
) -> Result<SignOutcome, SignError> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let records = signatures::table
            .filter(signatures::letter_id.eq(&letter.id))
            .filter(signatures::email_normalized.eq(email.normalized()))
            .filter(signatures::withdrawn_at.is_null())
            .select(SignatureRecord::as_select())
            .load(connection)?;
        let mut outcome = SignOutcome::Ignored;
        for record in records {
            let Some(kind) = SignatureKind::parse(&record.kind) else {
                continue;
            };
            match record.state() {
                Some(SignatureState::Pending) => {
                    retire_tokens(connection, &record.id, TokenPurpose::Verify, now)?;
                    let input = SignatureInput {
                        kind,
                        name: record.name.clone(),
                        email: email_address::EmailAddress::parse(&record.email)
                            .unwrap_or_else(|_| email.clone()),
                        organization: record.organization.clone(),
                        title: None,
                        city: None,
                        country: None,
                        comment: None,
                        website: None,
                        public: record.public,
                    };
                    queue_confirmation(
                        connection,
                        letter,
                        &record.id,
                        &record.name,
                        &input,
                        policy,
                        now,
                    )?;
                    outcome = SignOutcome::ConfirmationResent;
                }
                Some(SignatureState::Verified | SignatureState::Approved) => {
                    queue_already_signed(connection, letter, &record, &record.email, policy, now)?;
                    outcome = SignOutcome::AlreadySigned;
                }
                _ => {}
            }
        }
        Ok(outcome)
    })
}

fn queue_confirmation(
    connection: &mut DbConnection,
    letter: &Letter,
    signature_id: &str,
    name: &str,
    input: &SignatureInput,
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<(), SignError> {
    let expires_at = now + policy.verify_token_lifetime;
    let verify = issue_token(
        connection,
        signature_id,
        &letter.id,
        TokenPurpose::Verify,
        expires_at,
        now,
    )?;
    let withdraw = issue_token(
        connection,
        signature_id,
        &letter.id,
        TokenPurpose::Withdraw,
        now + policy.withdraw_token_lifetime,
        now,
    )?;
    let organization = match input.kind {
        SignatureKind::Organization => input.organization.as_deref(),
        SignatureKind::Individual => None,
    };
    let content = messages::confirm_signature(
        letter,
        name,
        organization,
        &policy.verify_url(&verify),
        &policy.withdraw_url(&withdraw),
        expires_at,
    )?;
    mail::outbox::enqueue(
        connection,
        &OutgoingMail::to(input.email.as_str(), content),
        now,
    )?;
    Ok(())
}

/// Stores a new token and returns its secret, which exists from now on only in the email.
pub(crate) fn issue_token(
    connection: &mut DbConnection,
    signature_id: &str,
    letter_id: &str,
    purpose: TokenPurpose,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<String, diesel::result::Error> {
    let token = token_codec::mint();
    diesel::insert_into(tokens::table)
        .values((
            tokens::id.eq(db::new_id()),
            tokens::token_hash.eq(&token.hash),
            tokens::purpose.eq(purpose.as_str()),
            tokens::signature_id.eq(signature_id),
            tokens::letter_id.eq(letter_id),
            tokens::expires_at.eq(expires_at),
            tokens::created_at.eq(now),
        ))
        .execute(connection)?;
    Ok(token.secret)
}

fn retire_tokens(
    connection: &mut DbConnection,
    signature_id: &str,
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    diesel::update(
        tokens::table
            .filter(tokens::signature_id.eq(signature_id))
            .filter(tokens::purpose.eq(purpose.as_str()))
            .filter(tokens::used_at.is_null()),
    )
    .set(tokens::used_at.eq(now))
    .execute(connection)
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = tokens)]
struct TokenRecord {
    id: String,
    purpose: String,
    signature_id: Option<String>,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
}

/// Why an emailed link did not work, in terms the person can act on.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("this link is not valid")]
    Invalid,
    #[error("this link has expired")]
    Expired { letter_id: Option<String> },
    #[error("this link has already been used")]
    Used { letter_id: Option<String> },
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::DbError),
}

/// The signature a token leads to, for the page that asks the person to press the button.
#[derive(Debug)]
pub struct TokenTarget {
    pub letter_id: String,
    pub signature_state: SignatureState,
}

fn load_token(
    connection: &mut DbConnection,
    secret: &str,
    purpose: TokenPurpose,
) -> Result<(TokenRecord, SignatureRecord), TokenError> {
    if !token_codec::looks_like_token(secret) {
        return Err(TokenError::Invalid);
    }
    let token = tokens::table
        .filter(tokens::token_hash.eq(token_codec::hash(secret)))
        .select(TokenRecord::as_select())
        .first(connection)
        .optional()?
        .ok_or(TokenError::Invalid)?;
    if token.purpose != purpose.as_str() {
        return Err(TokenError::Invalid);
    }
    let signature_id = token.signature_id.as_deref().ok_or(TokenError::Invalid)?;
    let signature = signatures::table
        .find(signature_id)
        .select(SignatureRecord::as_select())
        .first(connection)
        .optional()?
        .ok_or(TokenError::Invalid)?;
    Ok((token, signature))
}

/// Looks a link up without changing anything (the page a mail scanner may prefetch).
pub fn inspect_token(
    connection: &mut DbConnection,
    secret: &str,
    purpose: TokenPurpose,
) -> Result<TokenTarget, TokenError> {
    let (token, signature) = load_token(connection, secret, purpose)?;
    let state = signature.state().ok_or(TokenError::Invalid)?;
    let letter_id = Some(signature.letter_id.clone());
    if token.used_at.is_some() {
        return match (purpose, state) {
            (TokenPurpose::Verify, SignatureState::Verified | SignatureState::Approved)
            | (TokenPurpose::Withdraw, SignatureState::Withdrawn) => Ok(TokenTarget {
                letter_id: signature.letter_id,
                signature_state: state,
            }),
            _ => Err(TokenError::Used { letter_id }),
        };
    }
    if token.expires_at <= db::now() {
        return Err(TokenError::Expired { letter_id });
    }
    Ok(TokenTarget {
        letter_id: signature.letter_id,
        signature_state: state,
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// Counted now; organizations may still wait for staff approval.
    Confirmed {
        awaiting_approval: bool,
    },
    AlreadyConfirmed,
}

/// Confirms the signature behind a verify link. Pressing the button twice is harmless.
pub fn confirm(connection: &mut DbConnection, secret: &str) -> Result<ConfirmOutcome, TokenError> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let (token, signature) = load_token(connection, secret, TokenPurpose::Verify)?;
        let state = signature.state().ok_or(TokenError::Invalid)?;
        let letter_id = Some(signature.letter_id.clone());
        if token.used_at.is_some() {
            return match state {
                SignatureState::Verified | SignatureState::Approved => {
                    Ok(ConfirmOutcome::AlreadyConfirmed)
                }
                _ => Err(TokenError::Used { letter_id }),
            };
        }
        if token.expires_at <= now {
            return Err(TokenError::Expired { letter_id });
        }
        if state != SignatureState::Pending {
            return Err(TokenError::Used { letter_id });
        }
        let letter = crate::letters::find_by_id(connection, &signature.letter_id)?
            .ok_or(TokenError::Invalid)?;
        diesel::update(tokens::table.find(&token.id))
            .set(tokens::used_at.eq(now))
            .execute(connection)?;
        let is_organization = signature.kind == SignatureKind::Organization.as_str();
        let awaiting_approval = is_organization && letter.organizations_need_approval;
        let next_state = if is_organization && !awaiting_approval {
            SignatureState::Approved
        } else {
            SignatureState::Verified
        };
        diesel::update(signatures::table.find(&signature.id))
            .set((
                signatures::state.eq(next_state.as_str()),
                signatures::verified_at.eq(now),
                signatures::approved_at.eq((next_state == SignatureState::Approved).then_some(now)),
            ))
            .execute(connection)?;
        Ok(ConfirmOutcome::Confirmed { awaiting_approval })
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum WithdrawOutcome {
    Withdrawn,
    AlreadyWithdrawn,
}

/// Removes a signature from lists and counts and keeps nothing personal about it: only the
/// row's existence, kind and times remain.
pub fn withdraw(
    connection: &mut DbConnection,
    secret: &str,
) -> Result<WithdrawOutcome, TokenError> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let (token, signature) = load_token(connection, secret, TokenPurpose::Withdraw)?;
        if signature.state() == Some(SignatureState::Withdrawn) {
            return Ok(WithdrawOutcome::AlreadyWithdrawn);
        }
        let letter_id = Some(signature.letter_id.clone());
        if token.used_at.is_some() {
            return Err(TokenError::Used { letter_id });
        }
        if token.expires_at <= now {
            return Err(TokenError::Expired { letter_id });
        }
        diesel::update(tokens::table.filter(tokens::signature_id.eq(&signature.id)))
            .filter(tokens::used_at.is_null())
            .set(tokens::used_at.eq(now))
            .execute(connection)?;
        diesel::update(signatures::table.find(&signature.id))
            .set((
                signatures::state.eq(SignatureState::Withdrawn.as_str()),
                signatures::withdrawn_at.eq(now),
                signatures::name.eq(""),
                signatures::email.eq(""),
                signatures::email_normalized.eq(""),
                signatures::organization.eq(None::<String>),
                signatures::organization_normalized.eq(None::<String>),
                signatures::title.eq(None::<String>),
                signatures::city.eq(None::<String>),
                signatures::country.eq(None::<String>),
                signatures::comment.eq(None::<String>),
                signatures::website.eq(None::<String>),
                signatures::public.eq(false),
            ))
            .execute(connection)?;
        Ok(WithdrawOutcome::Withdrawn)
    })
}

/// Signatures that count toward the total: confirmed individuals and approved organizations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SignatureCounts {
    pub individuals: i64,
    pub organizations: i64,
}

impl SignatureCounts {
    pub fn total(&self) -> i64 {
        self.individuals + self.organizations
    }
}

pub fn count(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<SignatureCounts, diesel::result::Error> {
    let individuals = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(SignatureState::Verified.as_str()))
        .filter(signatures::kind.eq(SignatureKind::Individual.as_str()))
        .count()
        .get_result(connection)?;
    let organizations = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(SignatureState::Approved.as_str()))
        .filter(signatures::kind.eq(SignatureKind::Organization.as_str()))
        .count()
        .get_result(connection)?;
    Ok(SignatureCounts {
        individuals,
        organizations,
    })
}

/// Which signatures a staff listing or export wants. Empty lists mean "all".
#[derive(Clone, Debug, Default)]
pub struct SignatureFilter {
    pub states: Vec<SignatureState>,
    pub kinds: Vec<SignatureKind>,
}

/// Up to `limit` signatures of a letter in creation order, after the id `after` (keyset
/// paging, so long lists are read in constant memory).
pub fn find_for_letter(
    connection: &mut DbConnection,
    letter_id: &str,
    filter: &SignatureFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<SignatureRecord>, diesel::result::Error> {
    let mut query = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .order(signatures::id.asc())
        .limit(limit)
        .select(SignatureRecord::as_select())
        .into_boxed();
    if !filter.states.is_empty() {
        let states: Vec<&str> = filter.states.iter().map(|state| state.as_str()).collect();
        query = query.filter(signatures::state.eq_any(states));
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|kind| kind.as_str()).collect();
        query = query.filter(signatures::kind.eq_any(kinds));
    }
    if let Some(after) = after {
        query = query.filter(signatures::id.gt(after.to_owned()));
    }
    query.load(connection)
}

/// Deletes signatures never confirmed since `before`, with their tokens: a person who did not
/// confirm left nothing we should keep. Returns how many were deleted.
pub fn purge_unconfirmed(
    connection: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let stale: Vec<String> = signatures::table
            .filter(signatures::state.eq(SignatureState::Pending.as_str()))
            .filter(signatures::created_at.lt(before))
            .select(signatures::id)
            .limit(5000)
            .load(connection)?;
        if stale.is_empty() {
            return Ok(0);
        }
        diesel::delete(tokens::table.filter(tokens::signature_id.eq_any(&stale)))
            .execute(connection)?;
        diesel::delete(signatures::table.filter(signatures::id.eq_any(&stale))).execute(connection)
    })
}

/// How many signatures are in each state, across all letters (for metrics).
pub fn count_by_state(
    connection: &mut DbConnection,
) -> Result<Vec<(String, i64)>, diesel::result::Error> {
    signatures::table
        .group_by(signatures::state)
        .select((signatures::state, diesel::dsl::count_star()))
        .load(connection)
}

pub fn count_in_state(
    connection: &mut DbConnection,
    letter_id: &str,
    state: SignatureState,
) -> Result<i64, diesel::result::Error> {
    signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(state.as_str()))
        .count()
        .get_result(connection)
}

/// Counted signatures and, of those, the ones listed publicly, in one pass over the
/// letter's (letter, state, kind, public) index instead of four.
pub fn counted_and_listed(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<(SignatureCounts, SignatureCounts), diesel::result::Error> {
    let groups: Vec<(String, String, bool, i64)> = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq_any([
            SignatureState::Verified.as_str(),
            SignatureState::Approved.as_str(),
        ]))
        .group_by((signatures::state, signatures::kind, signatures::public))
        .select((
            signatures::state,
            signatures::kind,
            signatures::public,
            diesel::dsl::count_star(),
        ))
        .load(connection)?;
    let mut counted = SignatureCounts::default();
    let mut listed = SignatureCounts::default();
    for (state, kind, public, count) in groups {
        let individual = match (state.as_str(), kind.as_str()) {
            ("verified", "individual") => true,
            ("approved", "organization") => false,
            _ => continue,
        };
        for (counts, applies) in [(&mut counted, true), (&mut listed, public)] {
            if applies {
                if individual {
                    counts.individuals += count;
                } else {
                    counts.organizations += count;
                }
            }
        }
    }
    Ok((counted, listed))
}

/// Listed organizations, alphabetically.
pub fn listed_organizations(
    connection: &mut DbConnection,
    letter_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<PublicSignatory>, diesel::result::Error> {
    signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(SignatureState::Approved.as_str()))
        .filter(signatures::kind.eq(SignatureKind::Organization.as_str()))
        .filter(signatures::public.eq(true))
        .order((
            signatures::list_position.is_null().asc(),
            signatures::list_position.asc(),
            signatures::organization_normalized.asc(),
            signatures::id.asc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(PublicSignatory::as_select())
        .load(connection)
}

/// Listed individuals, most recent first.
pub fn listed_individuals(
    connection: &mut DbConnection,
    letter_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<PublicSignatory>, diesel::result::Error> {
    signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(SignatureState::Verified.as_str()))
        .filter(signatures::kind.eq(SignatureKind::Individual.as_str()))
        .filter(signatures::public.eq(true))
        .order((signatures::verified_at.desc(), signatures::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(PublicSignatory::as_select())
        .load(connection)
}

/// How many of each kind are listed publicly (counted and consented).
pub fn listed_counts(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<SignatureCounts, diesel::result::Error> {
    let individuals = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(SignatureState::Verified.as_str()))
        .filter(signatures::kind.eq(SignatureKind::Individual.as_str()))
        .filter(signatures::public.eq(true))
        .count()
        .get_result(connection)?;
    let organizations = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq(SignatureState::Approved.as_str()))
        .filter(signatures::kind.eq(SignatureKind::Organization.as_str()))
        .filter(signatures::public.eq(true))
        .count()
        .get_result(connection)?;
    Ok(SignatureCounts {
        individuals,
        organizations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_collapse_case_and_spacing() {
        assert_eq!(
            normalize_organization("  Friends of   the EARTH "),
            normalize_organization("friends of the earth")
        );
    }

    #[test]
    fn states_round_trip() {
        for state in SignatureState::ALL {
            assert_eq!(SignatureState::parse(state.as_str()), Some(state));
        }
        assert_eq!(
            SignatureKind::parse("organization"),
            Some(SignatureKind::Organization)
        );
    }
}
