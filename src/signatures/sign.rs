//! Storing a signature: the pending row, its tokens and its confirmation email in one
//! transaction (the outbox), or the right email for an address that already signed.
//! Only `admission` calls these for people; nothing here checks defenses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::details::SignerDetails;
use super::emails;
use super::form::SignatureInput;
use super::links::{self, NewLinks};
use super::{
    SignError, SignOutcome, SignatureKind, SignatureRecord, SignatureState, SigningPolicy,
};
use crate::db::schema::signatures;
use crate::db::{self, DbConnection};
use crate::letters::Letter;
use crate::mail::message::Message as _;
use crate::mail::{self, OutgoingMail};
use crate::values::email_address::EmailAddress;
use crate::values::language::LanguageTag;

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
    // A deadlock or serialization failure is retried the same way.
    let mut attempts = 0;
    loop {
        attempts += 1;
        match db::write_transaction(connection, |connection| {
            sign_in_transaction(connection, letter, input, policy, now)
        }) {
            Err(SignError::Database(error))
                if (db::is_unique_violation(&error) || db::is_retryable(&error))
                    && attempts < 3 =>
            {
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
        .filter(signatures::kind.eq(input.kind))
        .filter(signatures::email_normalized.eq(input.email.mailbox_key()))
        .filter(signatures::withdrawn_at.is_null())
        .select(SignatureRecord::as_select())
        .first(connection)
        .optional()?;

    if let Some(existing) = existing {
        // Another request for this address (a resend, a second sign on another instance)
        // may be changing the same row: wait for it, then act on what it left.
        let existing = lock_signature(connection, existing)?;
        // Withdrawn meanwhile: the address is free to sign again, below.
        if existing.state != SignatureState::Withdrawn {
            return match existing.state {
                SignatureState::Pending => {
                    // Signed again before confirming (Back, then Sign): the latest form is what
                    // will be confirmed (the confirm page shows it before its button), and the
                    // earlier email's link keeps working: both confirm this one signature.
                    diesel::update(signatures::table.find(&existing.id))
                        .set(SignerDetails::of(input))
                        .execute(connection)?;
                    queue_confirmation(
                        connection,
                        &Signer {
                            id: &existing.id,
                            mail_lang: input.mail_lang.as_deref(),
                        },
                        input.email.as_str(),
                        policy,
                        now,
                    )?;
                    Ok(SignOutcome::ConfirmationResent)
                }
                SignatureState::Verified | SignatureState::Approved => {
                    queue_already_signed(
                        connection,
                        letter,
                        &existing,
                        input.email.as_str(),
                        policy,
                        now,
                        input.mail_lang.as_deref(),
                    )?;
                    Ok(SignOutcome::AlreadySigned)
                }
                // Staff decisions stand, and a duplicate sign-on was already told by email.
                SignatureState::Rejected
                | SignatureState::Removed
                | SignatureState::Duplicate
                | SignatureState::Withdrawn => Ok(SignOutcome::Ignored),
            };
        }
    }

    sign_new_batch(connection, &[(letter, input)], policy, now)?;
    Ok(SignOutcome::Created)
}

/// Stores signatures for addresses that have none on their letter yet, with their tokens and
/// confirmation emails, in three statements whatever their number: the sign writer's fast
/// path (and, with one job, the one-by-one path's). The caller checked that no live row exists for any of them and that no address
/// appears twice; a row stored meanwhile by another instance fails the whole call on the
/// unique index, and the caller then takes them one by one.
pub(crate) fn sign_new_batch(
    connection: &mut DbConnection,
    jobs: &[(&Letter, &SignatureInput)],
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<(), SignError> {
    let rows: Vec<NewSignature<'_>> = jobs
        .iter()
        .map(|(letter, input)| NewSignature::of(letter, input, now))
        .collect();
    let mut tokens = Vec::with_capacity(jobs.len());
    let mut mails = Vec::with_capacity(jobs.len());
    for ((_, input), row) in jobs.iter().zip(&rows) {
        let signer = Signer {
            id: &row.id,
            mail_lang: input.mail_lang.as_deref(),
        };
        let (new_tokens, mail) = confirmation(&signer, input.email.as_str(), policy, now)?;
        tokens.push(new_tokens);
        mails.push(mail);
    }
    crate::execute_on_backend!(
        connection,
        diesel::insert_into(signatures::table).values(&rows)
    )?;
    links::insert(connection, &tokens)?;
    mail::outbox::enqueue_many(connection, &mails, now)?;
    Ok(())
}

/// A new pending signature row: the one place that says what signing stores.
#[derive(Insertable)]
#[diesel(table_name = signatures)]
struct NewSignature<'a> {
    #[diesel(embed)]
    details: SignerDetails,
    id: String,
    letter_id: &'a str,
    kind: SignatureKind,
    state: SignatureState,
    /// The text the signer read: `letter` is the letter as shown in that language
    /// (`LetterSnapshot::in_language`), so its hash and language are that text's.
    content_hash: &'a str,
    lang: Option<&'a LanguageTag>,
    created_at: NaiveDateTime,
}

impl<'a> NewSignature<'a> {
    fn of(letter: &'a Letter, input: &SignatureInput, now: NaiveDateTime) -> NewSignature<'a> {
        // A pending organization sign-on holds nothing: only a confirmed one holds the name
        // (see `confirm`), so nobody can block an organization with an address they never
        // confirm.
        NewSignature {
            details: SignerDetails::of(input),
            id: db::new_id(),
            letter_id: &letter.id,
            kind: input.kind,
            state: SignatureState::Pending,
            content_hash: &letter.content_hash,
            lang: Some(&letter.lang),
            created_at: now,
        }
    }
}

/// Tells a confirmed signer that signing again was not needed, with a fresh withdraw link,
/// naming the text they signed (`letter` is any text of it).
fn queue_already_signed(
    connection: &mut DbConnection,
    letter: &Letter,
    existing: &SignatureRecord,
    recipient: &str,
    policy: &SigningPolicy,
    now: NaiveDateTime,
    mail_lang: Option<&str>,
) -> Result<(), SignError> {
    let withdraw = links::issue_withdraw(
        connection,
        &existing.id,
        now + policy.withdraw_token_lifetime,
    )?;
    let text_lang = existing.lang.as_ref().map(LanguageTag::as_str);
    let signed = emails::letter_in(connection, &letter.id, text_lang.as_deref())?;
    let signed = signed.unwrap_or_else(|| emails::LetterText {
        letter: letter.clone(),
        translated: false,
    });
    // In the language the signer reads now (else the text's), its links too.
    let lang = mail_lang.or(text_lang.as_deref());
    let content = emails::AlreadySigned {
        letter: emails::LetterFacts::of(&signed.letter),
        name: &existing.name,
        letter_url: &signed.url(policy),
        withdraw_url: &policy.withdraw_url(&withdraw, lang),
    }
    .render(lang)?;
    mail::outbox::enqueue(
        connection,
        &OutgoingMail::to(recipient, content).about(&existing.id),
        now,
    )?;
    Ok(())
}

/// A fresh confirmation link for each pending signature of this address on the letter (the
/// old links keep working until they expire), or the "already signed" note for a confirmed one. The person sees
/// the same page whatever the outcome.
///
/// `mail_lang` is the interface language of the page asking (the emails speak it); without
/// one, each signature's own text language.
pub fn resend(
    connection: &mut DbConnection,
    letter: &Letter,
    email: &EmailAddress,
    policy: &SigningPolicy,
    mail_lang: Option<&str>,
) -> Result<SignOutcome, SignError> {
    let now = db::now();
    if !letter.accepts_signatures_at(now) {
        return Err(SignError::LetterClosed);
    }
    db::write_transaction(connection, |connection| {
        let records = signatures::table
            .filter(signatures::letter_id.eq(&letter.id))
            .filter(signatures::email_normalized.eq(email.mailbox_key()))
            .filter(signatures::withdrawn_at.is_null())
            // The sign writer's order (kind, then address): rows are locked below.
            .order((signatures::kind.asc(), signatures::id.asc()))
            .select(SignatureRecord::as_select())
            .load(connection)?;
        let mut outcome = SignOutcome::Ignored;
        for record in records {
            let record = lock_signature(connection, record)?;
            match record.state {
                // Earlier links keep working until they expire: each went to this mailbox,
                // and a link that was never used must not say it was.
                SignatureState::Pending => {
                    queue_confirmation(
                        connection,
                        &Signer {
                            id: &record.id,
                            mail_lang,
                        },
                        email.as_str(),
                        policy,
                        now,
                    )?;
                    outcome = SignOutcome::ConfirmationResent;
                }
                SignatureState::Verified | SignatureState::Approved => {
                    queue_already_signed(
                        connection,
                        letter,
                        &record,
                        // The address typed now: a confirmed signature may no longer hold
                        // one (`retention`), and this is the mailbox the key matched.
                        email.as_str(),
                        policy,
                        now,
                        mail_lang,
                    )?;
                    outcome = SignOutcome::AlreadySigned;
                }
                SignatureState::Rejected
                | SignatureState::Removed
                | SignatureState::Duplicate
                | SignatureState::Withdrawn => {}
            }
        }
        Ok(outcome)
    })
}

/// Takes the signature's row lock for the rest of the transaction and returns the row as it
/// is now. Two resends (or a resend and a second sign) for one pending signature would
/// otherwise each retire the tokens they can see, not the other's uncommitted one, and both
/// insert a link: two valid confirmation links. The no-op update waits for the other
/// transaction on PostgreSQL and reads its committed result; SQLite has one writer anyway.
fn lock_signature(
    connection: &mut DbConnection,
    record: SignatureRecord,
) -> Result<SignatureRecord, diesel::result::Error> {
    diesel::update(signatures::table.find(&record.id))
        .set(signatures::state.eq(signatures::state))
        .execute(connection)?;
    signatures::table
        .find(&record.id)
        .select(SignatureRecord::as_select())
        .first(connection)
}

/// Who a confirmation email is about: the rest (name, organization, letter) is read from
/// the signature's row when the email is sent.
struct Signer<'a> {
    id: &'a str,
    /// The interface language of their emails, when the signer's is known.
    mail_lang: Option<&'a str>,
}

fn queue_confirmation(
    connection: &mut DbConnection,
    signature: &Signer<'_>,
    recipient: &str,
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<(), SignError> {
    let (new_tokens, mail) = confirmation(signature, recipient, policy, now)?;
    links::insert(connection, std::slice::from_ref(&new_tokens))?;
    mail::outbox::enqueue(connection, &mail, now)?;
    Ok(())
}

/// The confirm and withdraw tokens of a pending signature and the email that carries them,
/// built without touching the database.
fn confirmation(
    signature: &Signer<'_>,
    recipient: &str,
    policy: &SigningPolicy,
    now: NaiveDateTime,
) -> Result<(NewLinks, OutgoingMail), SignError> {
    let expires_at = now + policy.verify_token_lifetime;
    let (links_row, verify, withdraw) = links::mint_pair(
        signature.id,
        expires_at,
        now + policy.withdraw_token_lifetime,
    );
    // Rendered when sent: the outbox keeps the two secrets (they exist nowhere else until
    // the email is out), not the 5 KB of both bodies, nor what the signature's row says.
    let params = ConfirmationParams {
        verify,
        withdraw,
        expires_at: expires_at.and_utc().timestamp(),
        lang: signature.mail_lang.map(str::to_owned),
    };
    let params = serde_json::to_string(&params).map_err(|error| {
        SignError::Unavailable(crate::db::DbError::TaskFailed(format!(
            "writing a confirmation's parameters: {error}"
        )))
    })?;
    Ok((
        links_row,
        OutgoingMail::rendered_when_sent(recipient, emails::CONFIRMATION, params)
            .about(signature.id),
    ))
}

/// What a confirmation email needs besides its signature's row, kept in the outbox until the
/// worker renders it: the two links' secrets, when the confirm link expires, and the email's
/// language. Short keys: this is most of a waiting signature's outbox row.
///
/// Read by this release and the next, during a rolling upgrade: a field added later is
/// ignored here (serde's default, never `deny_unknown_fields`) and a new optional one takes a
/// default, so only a change an older release cannot read takes a new kind name (which that
/// release's worker leaves in the queue for a newer one).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ConfirmationParams {
    #[serde(rename = "v")]
    pub verify: String,
    #[serde(rename = "w")]
    pub withdraw: String,
    /// Unix seconds.
    #[serde(rename = "x")]
    pub expires_at: i64,
    /// The interface language the signer read the page in: the email's language.
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// A confirmation queued before `signature_tokens`: whole links, and the signer's name as it
/// was. Rendered as it was queued, so a message waiting across the upgrade still goes out.
#[derive(Debug, serde::Deserialize)]
pub struct LegacyConfirmationParams {
    pub letter: String,
    pub name: String,
    #[serde(default)]
    pub organization: Option<String>,
    pub verify_url: String,
    pub withdraw_url: String,
    pub expires_at: NaiveDateTime,
    #[serde(default)]
    pub lang: Option<String>,
}

/// A queued confirmation's parameters, in either form.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum StoredConfirmation {
    Current(ConfirmationParams),
    Legacy(LegacyConfirmationParams),
}

/// What a confirmation email reads from its signature's row when it is sent.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = signatures)]
pub struct ConfirmationSigner {
    pub id: String,
    pub letter_id: String,
    pub kind: SignatureKind,
    pub name: String,
    pub organization: Option<String>,
    /// The language of the text signed: the email names the letter in it.
    pub lang: Option<LanguageTag>,
    /// The choices the email says back (`super::choices`).
    pub public: bool,
    pub updates: bool,
    pub via_member_id: Option<String>,
    pub share_with_member: bool,
}

impl StoredConfirmation {
    pub fn parse(params: &str) -> Option<StoredConfirmation> {
        serde_json::from_str(params).ok()
    }

    /// The letter the email is about: the signature's (the row is needed for a current one).
    pub fn letter_id<'a>(&'a self, signer: Option<&'a ConfirmationSigner>) -> Option<&'a str> {
        match self {
            StoredConfirmation::Current(_) => signer.map(|signer| signer.letter_id.as_str()),
            StoredConfirmation::Legacy(legacy) => Some(&legacy.letter),
        }
    }

    pub fn lang(&self) -> Option<&str> {
        match self {
            StoredConfirmation::Current(params) => params.lang.as_deref(),
            StoredConfirmation::Legacy(legacy) => legacy.lang.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queued_confirmation_with_fields_of_a_later_release_still_reads() {
        let later =
            r#"{"v":"VERIFY","w":"WITHDRAW","x":1800000000,"l":"he","n":7,"extra":{"a":1}}"#;
        let Some(StoredConfirmation::Current(params)) = StoredConfirmation::parse(later) else {
            panic!("read as the current form");
        };
        assert_eq!(
            (params.verify.as_str(), params.withdraw.as_str()),
            ("VERIFY", "WITHDRAW")
        );
        assert_eq!(
            (params.expires_at, params.lang.as_deref()),
            (1_800_000_000, Some("he"))
        );
        let without_language = r#"{"v":"VERIFY","w":"WITHDRAW","x":1800000000}"#;
        assert!(StoredConfirmation::parse(without_language).is_some());
        assert!(StoredConfirmation::parse(r#"{"v":"VERIFY"}"#).is_none());
    }
}
