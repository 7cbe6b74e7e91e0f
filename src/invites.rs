//! Invite links: staff email each member organization a personal link; the link proves the
//! contact address, so signing through it needs no second confirmation. A link works once,
//! expires, and only for the letter it was sent for. The invitation is written in the
//! language the member's contact reads (`email`), and its link names that language.

pub mod email;

pub use email::InviteMessage;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{invites, signatures, tokens};
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::mail::message::Message as _;
use crate::mail::{self, OutgoingMail};
use crate::members::{self, Member};
use crate::signatures::details::SignerDetails;
use crate::signatures::emails::{LetterFacts, OrganizationAwaitingReview, OrganizationListed};
use crate::signatures::fields::SignerTextForm;
use crate::signatures::form::{self, AcceptedKinds, FieldErrors, SignatureFields};
use crate::signatures::links;
use crate::signatures::{
    Listing, SignError, SignatureKind, SignatureRecord, SignatureState, SigningPolicy, TokenError,
    normalize_organization,
};
use crate::values::language::LanguageTag;
use crate::values::tokens::{self as token_codec, TokenPurpose};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = invites)]
pub struct Invite {
    pub id: String,
    pub letter_id: String,
    pub member_id: String,
    pub created_at: NaiveDateTime,
    pub last_sent_at: NaiveDateTime,
    pub send_count: i32,
    pub signature_id: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("no member named {0:?}")]
    UnknownMember(String),
    #[error("this letter does not accept organizations")]
    OrganizationsNotAccepted,
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

impl From<askama::Error> for InviteError {
    fn from(error: askama::Error) -> Self {
        InviteError::Sign(SignError::Render(error))
    }
}

pub enum Recipients<'a> {
    Named(&'a [String]),
    All,
    /// Those invited before who have not signed.
    Unanswered,
}

#[derive(Debug, Default)]
pub struct SendReport {
    pub sent: Vec<String>,
    pub skipped: Vec<(String, &'static str)>,
}

/// The most recent live organization signature of a member on a letter, if any (matched by
/// name, so a member that signed from the public form counts too), whatever its state.
fn member_signature(
    connection: &mut DbConnection,
    letter_id: &str,
    member: &Member,
) -> Result<Option<SignatureRecord>, diesel::result::Error> {
    signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::kind.eq(SignatureKind::Organization))
        .filter(signatures::organization_normalized.eq(normalize_organization(&member.name)))
        .filter(signatures::withdrawn_at.is_null())
        .order(signatures::created_at.desc())
        .select(SignatureRecord::as_select())
        .first(connection)
        .optional()
}

/// Whether the member has a confirmed sign-on on the letter: only that holds its name. A
/// pending one (perhaps someone else's address, never confirmed), a rejected, removed or
/// withdrawn one does not stop the member from being invited or signing.
fn member_has_signed(
    connection: &mut DbConnection,
    letter_id: &str,
    member: &Member,
) -> Result<bool, diesel::result::Error> {
    diesel::select(diesel::dsl::exists(
        signatures::table
            .filter(signatures::letter_id.eq(letter_id))
            .filter(signatures::kind.eq(SignatureKind::Organization))
            .filter(signatures::organization_normalized.eq(normalize_organization(&member.name)))
            .filter(signatures::state.eq_any(SignatureState::CONFIRMED)),
    ))
    .get_result(connection)
}

fn find_invite(
    connection: &mut DbConnection,
    letter_id: &str,
    member_id: &str,
) -> Result<Option<Invite>, diesel::result::Error> {
    invites::table
        .filter(invites::letter_id.eq(letter_id))
        .filter(invites::member_id.eq(member_id))
        .select(Invite::as_select())
        .first(connection)
        .optional()
}

/// The invite link. A member with a language of its own gets its address in that language
/// (`/he/letters/...`), so the page reads as the email did whatever the browser says; one
/// without gets the plain address, whose page reads the letter's original unless the reader
/// chose otherwise (`http::invites`).
pub fn invite_url(
    policy: &SigningPolicy,
    slug: &str,
    secret: &str,
    lang: Option<&LanguageTag>,
) -> String {
    match lang {
        Some(lang) => format!(
            "{}/{lang}/letters/{slug}/invite/{secret}",
            policy.public_base
        ),
        None => format!("{}/letters/{slug}/invite/{secret}", policy.public_base),
    }
}

/// Emails invite links. A member that already signed is skipped; sending again replaces the
/// member's previous link. Each invite sent is recorded in the audit log (`invite.send`, or
/// `invite.remind` for reminders, with the member's name as subject) in the same
/// transaction.
pub fn send(
    connection: &mut DbConnection,
    letter: &Letter,
    recipients: Recipients<'_>,
    policy: &SigningPolicy,
    actor: &crate::staff::Actor,
) -> Result<SendReport, InviteError> {
    if !letter.accepts_organizations {
        return Err(InviteError::OrganizationsNotAccepted);
    }
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let reminder = matches!(recipients, Recipients::Unanswered);
        let action = if reminder {
            "invite.remind"
        } else {
            "invite.send"
        };
        let targets: Vec<Member> = match recipients {
            Recipients::Named(names) => {
                let mut found = Vec::with_capacity(names.len());
                for name in names {
                    found.push(
                        members::find_by_name(connection, name)?
                            .ok_or_else(|| InviteError::UnknownMember(name.clone()))?,
                    );
                }
                found
            }
            Recipients::All | Recipients::Unanswered => members::list(connection)?,
        };
        let translations = crate::letters::translations::list(connection, &letter.id)?;
        let mut report = SendReport::default();
        for member in targets {
            if member_has_signed(connection, &letter.id, &member)? {
                report.skipped.push((member.name, "already signed"));
                continue;
            }
            let invite = find_invite(connection, &letter.id, &member.id)?;
            if reminder && invite.is_none() {
                report.skipped.push((member.name, "not invited yet"));
                continue;
            }
            let invite_id = match invite {
                Some(invite) => {
                    diesel::update(
                        tokens::table
                            .filter(tokens::invite_id.eq(&invite.id))
                            .filter(tokens::used_at.is_null()),
                    )
                    .set(tokens::used_at.eq(now))
                    .execute(connection)?;
                    diesel::update(invites::table.find(&invite.id))
                        .set((
                            invites::last_sent_at.eq(now),
                            invites::send_count.eq(invites::send_count + 1),
                        ))
                        .execute(connection)?;
                    invite.id
                }
                None => {
                    let id = db::new_id();
                    diesel::insert_into(invites::table)
                        .values((
                            invites::id.eq(&id),
                            invites::letter_id.eq(&letter.id),
                            invites::member_id.eq(&member.id),
                            invites::created_at.eq(now),
                            invites::last_sent_at.eq(now),
                            invites::send_count.eq(1),
                        ))
                        .execute(connection)?;
                    id
                }
            };
            let token = token_codec::mint();
            let expires_at = now + policy.invite_token_lifetime;
            diesel::insert_into(tokens::table)
                .values((
                    tokens::id.eq(db::new_id()),
                    tokens::token_hash.eq(&token.hash),
                    tokens::purpose.eq(TokenPurpose::Invite),
                    tokens::letter_id.eq(&letter.id),
                    tokens::invite_id.eq(&invite_id),
                    tokens::expires_at.eq(expires_at),
                    tokens::created_at.eq(now),
                ))
                .execute(connection)?;
            let (reads, text) = email::letter_for(&member, letter, &translations);
            let url = invite_url(policy, &letter.slug, &token.secret, member.lang.as_ref());
            let content = email::render(&reads, &text, &member.name, &url, &expires_at, reminder)?;
            mail::outbox::enqueue(connection, &OutgoingMail::to(&member.email, content), now)?;
            crate::staff::audit::record(
                connection,
                actor,
                action,
                Some(&letter.id),
                Some(&member.name),
                "invite link emailed",
            )?;
            report.sent.push(member.name);
        }
        Ok(report)
    })
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = tokens)]
struct InviteToken {
    id: String,
    purpose: TokenPurpose,
    letter_id: Option<String>,
    invite_id: Option<String>,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
}

/// Who an invite link is for.
#[derive(Clone, Debug)]
pub struct InviteTarget {
    pub invite: Invite,
    pub member: Member,
    token_id: String,
}

/// Checks an invite link for `letter` without changing anything.
pub fn inspect(
    connection: &mut DbConnection,
    letter: &Letter,
    secret: &str,
) -> Result<InviteTarget, TokenError> {
    if !token_codec::looks_like_token(secret) {
        return Err(TokenError::Invalid);
    }
    let token = tokens::table
        .filter(tokens::token_hash.eq(token_codec::hash(secret)))
        .select(InviteToken::as_select())
        .first(connection)
        .optional()?
        .ok_or(TokenError::Invalid)?;
    // A link sent for another letter is no link for this one.
    if token.purpose != TokenPurpose::Invite || token.letter_id.as_deref() != Some(&letter.id) {
        return Err(TokenError::Invalid);
    }
    let letter_id = Some(letter.id.clone());
    if token.used_at.is_some() {
        return Err(TokenError::Used { letter_id });
    }
    if token.expires_at <= db::now() {
        return Err(TokenError::Expired { letter_id });
    }
    let invite_id = token.invite_id.as_deref().ok_or(TokenError::Invalid)?;
    let invite: Invite = invites::table
        .find(invite_id)
        .select(Invite::as_select())
        .first(connection)?;
    let member: Member = crate::db::schema::members::table
        .find(&invite.member_id)
        .select(Member::as_select())
        .first(connection)?;
    Ok(InviteTarget {
        invite,
        member,
        token_id: token.id,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    #[error("invalid fields")]
    Invalid(FieldErrors),
    #[error("this organization has already signed")]
    AlreadySigned,
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Sign(#[from] SignError),
}

impl From<diesel::result::Error> for AcceptError {
    fn from(error: diesel::result::Error) -> Self {
        AcceptError::Token(TokenError::Database(error))
    }
}

impl From<crate::db::DbError> for AcceptError {
    fn from(error: crate::db::DbError) -> Self {
        AcceptError::Token(TokenError::Unavailable(error))
    }
}

impl From<askama::Error> for AcceptError {
    fn from(error: askama::Error) -> Self {
        AcceptError::Sign(SignError::Render(error))
    }
}

/// The form of an invited organization: the organization and its contact address come from
/// the invite; the signer adds their name, title and the rest.
pub fn invite_fields(member: &Member, submitted: &SignatureFields) -> SignatureFields {
    SignatureFields {
        kind: SignatureKind::Organization.as_str().into(),
        organization: member.name.clone(),
        email: member.email.clone(),
        text: SignerTextForm {
            website: if submitted.text.website.trim().is_empty() {
                member.website.clone().unwrap_or_default()
            } else {
                submitted.text.website.clone()
            },
            ..submitted.text.clone()
        },
        ..submitted.clone()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AcceptOutcome {
    /// Counted and listed publicly.
    Listed,
    /// Counted; its signer chose not to be listed publicly.
    CountedUnlisted,
    /// Waiting for staff approval; `public`: listed once approved.
    AwaitingApproval { public: bool },
}

/// Signs for the invited member in one step: the link proved the address. `letter` is the
/// letter as shown (`LetterSnapshot::in_language`): its text and language are what the
/// signature records; the answer by email is written in `mail_lang` (the page's interface).
pub fn accept(
    connection: &mut DbConnection,
    letter: &Letter,
    secret: &str,
    submitted: &SignatureFields,
    policy: &SigningPolicy,
    mail_lang: Option<&LanguageTag>,
) -> Result<AcceptOutcome, AcceptError> {
    let now = db::now();
    if !letter.accepts_signatures_at(now) || !letter.accepts_organizations {
        return Err(AcceptError::Sign(SignError::LetterClosed));
    }
    db::write_transaction(connection, |connection| {
        let target = inspect(connection, letter, secret)?;
        let fields = invite_fields(&target.member, submitted);
        let accepted = AcceptedKinds {
            individuals: false,
            organizations: true,
        };
        let mut fields = fields;
        crate::signatures::fields::keep_asked(&mut fields.text, letter);
        let input = form::validate(&fields, accepted).map_err(AcceptError::Invalid)?;
        if member_has_signed(connection, &letter.id, &target.member)? {
            return Err(AcceptError::AlreadySigned);
        }
        let counted = letter.invites_skip_approval || !letter.organizations_need_approval;
        let state = if counted {
            SignatureState::Approved
        } else {
            SignatureState::Verified
        };
        let confirmed = (
            SignerDetails::of(&input),
            signatures::state.eq(state),
            signatures::content_hash.eq(&letter.content_hash),
            signatures::lang.eq(&letter.lang),
            signatures::verified_at.eq(now),
            signatures::approved_at.eq(counted.then_some(now)),
            signatures::approved_by.eq(counted.then_some("invite")),
            signatures::invite_id.eq(&target.invite.id),
        );
        // The contact may have started on the public form and never confirmed: the link
        // proves the address, so that pending sign-on becomes this one (conditional on it
        // still being pending) instead of blocking the invite as "already signed".
        let unconfirmed: Option<String> = signatures::table
            .filter(signatures::letter_id.eq(&letter.id))
            .filter(signatures::kind.eq(SignatureKind::Organization))
            .filter(signatures::email_normalized.eq(input.email.mailbox_key()))
            .filter(signatures::state.eq(SignatureState::Pending))
            .filter(signatures::withdrawn_at.is_null())
            .select(signatures::id)
            .first(connection)
            .optional()?;
        let (signature_id, stored) = match unconfirmed {
            Some(id) => {
                let stored = diesel::update(
                    signatures::table
                        .find(&id)
                        .filter(signatures::state.eq(SignatureState::Pending)),
                )
                .set(confirmed)
                .execute(connection);
                (id, stored)
            }
            None => {
                let id = db::new_id();
                let stored = diesel::insert_into(signatures::table)
                    .values((
                        confirmed,
                        signatures::id.eq(&id),
                        signatures::letter_id.eq(&letter.id),
                        signatures::kind.eq(SignatureKind::Organization),
                        signatures::created_at.eq(now),
                    ))
                    .execute(connection);
                (id, stored)
            }
        };
        match stored {
            Err(error) if db::is_unique_violation(&error) => {
                return Err(AcceptError::AlreadySigned);
            }
            Ok(0) => return Err(AcceptError::AlreadySigned),
            other => other?,
        };
        links::retire(connection, &signature_id, Some(TokenPurpose::Verify), now)?;
        diesel::update(tokens::table.find(&target.token_id))
            .set(tokens::used_at.eq(now))
            .execute(connection)?;
        diesel::update(invites::table.find(&target.invite.id))
            .set((
                invites::signature_id.eq(&signature_id),
                invites::answered_at.eq(now),
            ))
            .execute(connection)?;
        let withdraw = links::issue_withdraw(
            connection,
            &signature_id,
            now + policy.withdraw_token_lifetime,
        )?;
        // In the language of the page that answered, its links too.
        let lang = mail_lang.map(LanguageTag::as_str);
        let withdraw_url = policy.withdraw_url(&withdraw, lang.as_deref());
        // What the emails and the page say follows the one notion of listed (`Listing`).
        let listing = Listing::of(
            SignatureKind::Organization,
            state,
            input.public,
            letter.organizations_need_approval,
        );
        let content = if counted {
            OrganizationListed {
                letter: LetterFacts::of(letter),
                organization: &target.member.name,
                name: &input.name,
                listed: listing.is_listed(),
                letter_url: &policy.letter_url(&letter.slug, lang.as_deref()),
                withdraw_url: &withdraw_url,
            }
            .render(mail_lang.map(|tag| &**tag))?
        } else {
            OrganizationAwaitingReview {
                letter: LetterFacts::of(letter),
                organization: &target.member.name,
                name: &input.name,
                public: input.public,
                withdraw_url: &withdraw_url,
            }
            .render(mail_lang.map(|tag| &**tag))?
        };
        mail::outbox::enqueue(
            connection,
            &OutgoingMail::to(input.email.as_str(), content).about(&signature_id),
            now,
        )?;
        Ok(match listing {
            Listing::Listed => AcceptOutcome::Listed,
            Listing::CountedUnlisted => AcceptOutcome::CountedUnlisted,
            Listing::NotCounted => AcceptOutcome::AwaitingApproval {
                public: input.public,
            },
        })
    })
}

/// Where a member stands on a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberStatus {
    Signed {
        at: Option<NaiveDateTime>,
        by: String,
    },
    PendingApproval {
        at: Option<NaiveDateTime>,
        by: String,
    },
    AwaitingConfirmation {
        by: String,
    },
    Rejected,
    /// A second confirmed sign-on while another already held the name.
    Duplicate {
        by: String,
    },
    /// Taken down by staff; not invited again automatically.
    Removed,
    InvitedNoAnswer {
        last_sent_at: NaiveDateTime,
        sends: i32,
    },
    NotInvited,
}

impl MemberStatus {
    pub fn label(&self) -> &'static str {
        match self {
            MemberStatus::Signed { .. } => "signed",
            MemberStatus::PendingApproval { .. } => "pending approval",
            MemberStatus::AwaitingConfirmation { .. } => "awaiting email confirmation",
            MemberStatus::Rejected => "rejected",
            MemberStatus::Duplicate { .. } => "duplicate sign-on",
            MemberStatus::Removed => "removed by staff",
            MemberStatus::InvitedNoAnswer { .. } => "invited, no answer",
            MemberStatus::NotInvited => "not invited",
        }
    }
}

pub fn status(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<Vec<(Member, MemberStatus)>, diesel::result::Error> {
    let roster = members::list(connection)?;
    let mut rows = Vec::with_capacity(roster.len());
    for member in roster {
        let status = match member_signature(connection, &letter.id, &member)? {
            Some(signature) => match signature.state {
                SignatureState::Approved => MemberStatus::Signed {
                    at: signature.approved_at.or(signature.verified_at),
                    by: signature.name,
                },
                SignatureState::Verified if letter.organizations_need_approval => {
                    MemberStatus::PendingApproval {
                        at: signature.verified_at,
                        by: signature.name,
                    }
                }
                SignatureState::Verified => MemberStatus::Signed {
                    at: signature.verified_at,
                    by: signature.name,
                },
                SignatureState::Rejected => MemberStatus::Rejected,
                SignatureState::Removed => MemberStatus::Removed,
                SignatureState::Duplicate => MemberStatus::Duplicate { by: signature.name },
                SignatureState::Pending | SignatureState::Withdrawn => {
                    MemberStatus::AwaitingConfirmation { by: signature.name }
                }
            },
            None => match find_invite(connection, &letter.id, &member.id)? {
                Some(invite) => MemberStatus::InvitedNoAnswer {
                    last_sent_at: invite.last_sent_at,
                    sends: invite.send_count,
                },
                None => MemberStatus::NotInvited,
            },
        };
        rows.push((member, status));
    }
    Ok(rows)
}
