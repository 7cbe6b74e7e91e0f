//! One reminder to a signer who has not confirmed, `signing.reminder_hours` after signing.
//!
//! The mail worker runs [`job`] every so often on every instance. Each batch is one
//! transaction that claims due signatures (`UPDATE ... SET reminded_at WHERE reminded_at IS
//! NULL AND state = 'pending'`, row by row, so the count says which rows this instance got),
//! mints each a new confirm and withdraw link and queues the email in the outbox. Two
//! instances claiming at once: PostgreSQL makes the second update wait for the first's
//! commit and then find `reminded_at` set; SQLite has one writer. A crash before the commit
//! leaves nothing claimed and nothing queued; after it, the outbox sends the email (at most
//! once per signature, as any queued message). The first email's links keep working: the
//! reminder's are added beside them.
//!
//! Due means: pending (not confirmed, not withdrawn or removed), never reminded, signed at
//! least `reminder` ago and less than the confirm link's lifetime ago (its first link has not
//! expired), on a letter that still takes signatures and has not been delivered. A withdrawal
//! erases a queued reminder with the rest of the signature's mail; a reminder still queued
//! when the signature is confirmed or the letter closes is not sent ([`ReminderRenderer`]).

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::emails::{LetterFacts, letter_in};
use super::links::{self, NewLinks};
use super::sign::{ConfirmationParams, ConfirmationSigner, StoredConfirmation};
use super::{SignatureKind, SignatureState};
use crate::db::schema::{letter_deliveries, letters, outbox, signatures};
use crate::db::{self, DbConnection, DbError};
use crate::i18n::catalog::Tr;
use crate::letters::{Letter, LetterStatus};
use crate::mail::outbox::{MailKind, OutboxRecord};
use crate::mail::render::{Prepared, Renderer};
use crate::mail::worker::PeriodicJob;
use crate::mail::{self, OutgoingMail};
use crate::values::language::LanguageTag;

/// The kind of a reminder in the outbox; its parameters are a confirmation's
/// (`sign::ConfirmationParams`): the new links' secrets, their expiry, the email's language.
pub const REMINDER: MailKind = MailKind::named("remind_signature");

/// Signatures claimed per transaction.
const BATCH: i64 = 200;

/// When reminders go and how long the links they carry work.
#[derive(Clone, Copy, Debug)]
pub struct ReminderPolicy {
    /// How long after signing (`signing.reminder_hours`).
    pub after: Duration,
    /// The confirm link's lifetime: a signature older than this is not reminded (its first
    /// link has expired), and the reminder's link lasts this long.
    pub verify_lifetime: Duration,
    pub withdraw_lifetime: Duration,
}

impl ReminderPolicy {
    /// From `signing.reminder_hours` and the links' lifetimes; `None` when reminders are off
    /// (0 hours).
    pub fn from_hours(
        hours: f64,
        verify_lifetime: Duration,
        withdraw_lifetime: Duration,
    ) -> Option<ReminderPolicy> {
        let millis = (hours * 3_600_000.0).round() as i64;
        (hours.is_finite() && millis > 0).then(|| ReminderPolicy {
            after: Duration::milliseconds(millis),
            verify_lifetime,
            withdraw_lifetime,
        })
    }

    /// How often the worker looks: a tenth of the wait, between 1 s and a minute, so a
    /// reminder is late by at most a minute and an idle instance asks once a minute (one
    /// index range read over pending signatures never reminded).
    pub fn every(&self) -> StdDuration {
        let tenth = self.after.to_std().unwrap_or(StdDuration::ZERO) / 10;
        tenth.clamp(StdDuration::from_secs(1), StdDuration::from_secs(60))
    }
}

/// The mail worker's job that queues due reminders.
pub fn job(policy: ReminderPolicy) -> PeriodicJob {
    PeriodicJob {
        name: "signature reminders",
        every: policy.every(),
        work: std::sync::Arc::new(move |connection: &mut DbConnection| {
            queue_due(connection, &policy, db::now())
        }),
    }
}

/// Claims every signature due a reminder at `now` and queues its email, a batch per
/// transaction; returns how many were queued.
pub fn queue_due(
    connection: &mut DbConnection,
    policy: &ReminderPolicy,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let mut total = 0;
    loop {
        let queued = db::write_transaction(connection, |connection| {
            queue_batch(connection, policy, now)
        })?;
        total += queued.claimed as i64;
        if queued.looked < BATCH as usize {
            break;
        }
    }
    if total > 0 {
        tracing::info!(queued = total, "reminders to confirm queued");
    }
    Ok(total)
}

struct Batch {
    /// Due signatures found.
    looked: usize,
    /// Those this instance claimed (another may have taken the rest).
    claimed: usize,
}

/// A due signature: its id and address.
type Due = (String, String);

fn queue_batch(
    connection: &mut DbConnection,
    policy: &ReminderPolicy,
    now: NaiveDateTime,
) -> Result<Batch, diesel::result::Error> {
    // A handful of rows: read first rather than joined.
    let delivered: Vec<String> = letter_deliveries::table
        .select(letter_deliveries::letter_id)
        .load(connection)?;
    let due: Vec<Due> = signatures::table
        .inner_join(letters::table)
        .filter(signatures::state.eq(SignatureState::Pending))
        .filter(signatures::reminded_at.is_null())
        .filter(signatures::created_at.le(now - policy.after))
        .filter(signatures::created_at.gt(now - policy.verify_lifetime))
        .filter(letters::status.eq(LetterStatus::Open))
        .filter(letters::closes_at.is_null().or(letters::closes_at.gt(now)))
        .filter(letters::id.ne_all(&delivered))
        .order(signatures::created_at.asc())
        .limit(BATCH)
        .select((signatures::id, signatures::email))
        .load(connection)?;
    let looked = due.len();
    let mut claimed = Vec::with_capacity(due.len());
    for (id, email) in due {
        // The claim: whoever sets it first sends the reminder; a withdrawal or confirmation
        // committed since makes it change nothing.
        let changed = diesel::update(
            signatures::table
                .filter(signatures::id.eq(&id))
                .filter(signatures::reminded_at.is_null())
                .filter(signatures::state.eq(SignatureState::Pending)),
        )
        .set(signatures::reminded_at.eq(now))
        .execute(connection)?;
        if changed == 1 {
            claimed.push((id, email));
        }
    }
    if claimed.is_empty() {
        return Ok(Batch { looked, claimed: 0 });
    }
    let languages = email_languages(connection, &claimed)?;
    let mut rows: Vec<NewLinks> = Vec::with_capacity(claimed.len());
    let mut mails = Vec::with_capacity(claimed.len());
    for (id, email) in &claimed {
        let expires_at = now + policy.verify_lifetime;
        let (row, verify, withdraw) =
            links::mint_pair(id, expires_at, now + policy.withdraw_lifetime);
        let params = ConfirmationParams {
            verify,
            withdraw,
            expires_at: expires_at.and_utc().timestamp(),
            lang: languages.get(id).cloned(),
        };
        let params = serde_json::to_string(&params)
            .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
        rows.push(row);
        mails.push(OutgoingMail::rendered_when_sent(email, REMINDER, params).about(id));
    }
    links::insert(connection, &rows)?;
    mail::outbox::enqueue_many(connection, &mails, now)?;
    Ok(Batch {
        looked,
        claimed: claimed.len(),
    })
}

/// The language each signer's confirmation was written in (the interface they signed in),
/// from its queued parameters; a signer without one gets the language of the text signed
/// when the reminder is rendered.
fn email_languages(
    connection: &mut DbConnection,
    claimed: &[Due],
) -> Result<HashMap<String, String>, diesel::result::Error> {
    let ids: Vec<&str> = claimed.iter().map(|(id, _)| id.as_str()).collect();
    let queued: Vec<(Option<String>, Option<String>)> = outbox::table
        .filter(outbox::signature_id.eq_any(&ids))
        .filter(outbox::kind.eq(super::emails::CONFIRMATION))
        .order(outbox::created_at.asc())
        .select((outbox::signature_id, outbox::params))
        .load(connection)?;
    // The latest confirmation wins (a resend in another interface, say).
    Ok(queued
        .into_iter()
        .filter_map(|(id, params)| {
            let lang = StoredConfirmation::parse(params.as_deref()?)?
                .lang()?
                .to_owned();
            Some((id?, lang))
        })
        .collect())
}

/// The reminder: the confirmation's words, said again once.
pub struct RemindSignature<'a> {
    pub letter: LetterFacts<'a>,
    pub name: &'a str,
    /// Set when signing for an organization.
    pub organization: Option<&'a str>,
    pub verify_url: &'a str,
    pub withdraw_url: &'a str,
    /// When the link expires, in the reader's language.
    pub expires: String,
}
crate::email_templates!(
    RemindSignature,
    "email/remind_signature.txt",
    "email/remind_signature.html",
    |mail, tr| tr.ta("reminder-subject", [("title", mail.letter.title.into())]),
);

/// Renders queued reminders when they are sent, as confirmations are: the signer's name and
/// language from the signature's row, the letter in the language signed. A signature no
/// longer waiting (confirmed since, or gone) or a letter that no longer takes signatures
/// gets none.
pub struct ReminderRenderer {
    public_base: String,
}

impl ReminderRenderer {
    pub fn new(public_base: &str) -> ReminderRenderer {
        ReminderRenderer {
            public_base: public_base.to_owned(),
        }
    }
}

/// What a reminder reads from its signature's row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = signatures)]
struct ReminderSigner {
    #[diesel(embed)]
    signer: ConfirmationSigner,
    state: SignatureState,
}

impl Renderer for ReminderRenderer {
    fn render(
        &self,
        connection: &mut DbConnection,
        records: &[&OutboxRecord],
    ) -> Result<Vec<Prepared>, DbError> {
        let ids: Vec<&str> = records
            .iter()
            .filter_map(|record| record.signature_id.as_deref())
            .collect();
        let signers: HashMap<String, ReminderSigner> = signatures::table
            .filter(signatures::id.eq_any(&ids))
            .select(ReminderSigner::as_select())
            .load::<ReminderSigner>(connection)?
            .into_iter()
            .map(|row| (row.signer.id.clone(), row))
            .collect();
        let now = db::now();
        let mut letters: HashMap<String, Option<(Letter, bool)>> = HashMap::new();
        let mut prepared = Vec::with_capacity(records.len());
        for record in records {
            let Some(params) = record.params.as_deref().and_then(StoredConfirmation::parse) else {
                prepared.push(Prepared::Later("not sent: unreadable parameters".into()));
                continue;
            };
            let StoredConfirmation::Current(params) = params else {
                prepared.push(Prepared::Skip("skipped: not a reminder".into()));
                continue;
            };
            let Some(row) = record
                .signature_id
                .as_deref()
                .and_then(|id| signers.get(id))
            else {
                prepared.push(Prepared::Skip("skipped: the signature is gone".into()));
                continue;
            };
            if row.state != SignatureState::Pending {
                prepared.push(Prepared::Skip(format!(
                    "skipped: the signature is {} now",
                    row.state.as_str()
                )));
                continue;
            }
            let signer = &row.signer;
            let text_lang = signer.lang.as_ref().map(LanguageTag::as_str);
            let key = format!(
                "{}/{}",
                signer.letter_id,
                text_lang.as_deref().unwrap_or("")
            );
            if !letters.contains_key(&key) {
                let found = match letter_in(connection, &signer.letter_id, text_lang.as_deref())? {
                    Some(text) => {
                        let delivered =
                            crate::letters::delivered::find(connection, &signer.letter_id)?
                                .is_some();
                        Some((text.letter, delivered))
                    }
                    None => None,
                };
                letters.insert(key.clone(), found);
            }
            let letter = match letters.get(&key) {
                Some(Some((letter, false))) if letter.accepts_signatures_at(now) => letter,
                Some(Some(_)) => {
                    prepared.push(Prepared::Skip(
                        "skipped: the letter no longer takes signatures".into(),
                    ));
                    continue;
                }
                _ => {
                    prepared.push(Prepared::Skip("skipped: the letter is gone".into()));
                    continue;
                }
            };
            prepared.push(Prepared::rendered(
                record,
                render(&params, letter, signer, &self.public_base),
                None,
            ));
        }
        Ok(prepared)
    }
}

/// The reminder in the signer's language: the interface they signed in, else the text's.
fn render(
    params: &ConfirmationParams,
    letter: &Letter,
    signer: &ConfirmationSigner,
    public_base: &str,
) -> Result<crate::mail::MailContent, askama::Error> {
    use crate::mail::message::Message as _;
    let organization = match signer.kind {
        SignatureKind::Organization => signer.organization.as_deref(),
        SignatureKind::Individual => None,
    };
    let text_lang = signer.lang.as_ref().map(LanguageTag::as_str);
    let lang = params.lang.as_deref().or(text_lang.as_deref());
    let tr = Tr::for_code(lang);
    let expires = chrono::DateTime::from_timestamp(params.expires_at, 0)
        .map(|at| tr.date_time(&at.naive_utc()))
        .unwrap_or_default();
    let verify = links::link_token(&signer.id, &params.verify);
    let withdraw = links::link_token(&signer.id, &params.withdraw);
    RemindSignature {
        letter: LetterFacts::of(letter),
        name: &signer.name,
        organization,
        verify_url: &links::verify_url(public_base, lang, &verify),
        withdraw_url: &links::withdraw_url(public_base, lang, &withdraw),
        expires,
    }
    .render_in(tr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signatures::emails::tests::{expiry, letter, pinned};

    #[test]
    fn reminders_are_off_at_zero_and_looked_for_at_most_every_minute() {
        let week = Duration::days(7);
        assert!(ReminderPolicy::from_hours(0.0, week, week).is_none());
        let day = ReminderPolicy::from_hours(24.0, week, week).expect("on");
        assert_eq!(day.after, Duration::hours(24));
        assert_eq!(day.every(), StdDuration::from_secs(60));
        let quick = ReminderPolicy::from_hours(0.001, week, week).expect("on");
        assert_eq!(quick.after, Duration::milliseconds(3600));
        assert_eq!(quick.every(), StdDuration::from_secs(1));
    }

    #[test]
    fn reminder_in_hebrew_for_an_organization() {
        let letter = Letter {
            title: "עתיד משותף".into(),
            addressee: "הממשלות".into(),
            lang: LanguageTag::parse("he").expect("a tag"),
            ..letter()
        };
        let params = ConfirmationParams {
            verify: "VERIFY".into(),
            withdraw: "WITHDRAW".into(),
            expires_at: expiry().and_utc().timestamp(),
            lang: Some("he".into()),
        };
        let signer = ConfirmationSigner {
            id: "00000000-0000-0000-0000-000000000000".into(),
            letter_id: "letter-id".into(),
            kind: SignatureKind::Organization,
            name: "עדה".into(),
            organization: Some("חברים ושכנים".into()),
            lang: LanguageTag::parse("he"),
            public: true,
            updates: false,
            via_member_id: None,
            share_with_member: false,
        };
        let mail =
            render(&params, &letter, &signer, "https://letters.example.org").expect("renders");
        assert!(mail.text.contains(
            "https://letters.example.org/he/verify/00000000-0000-0000-0000-000000000000.VERIFY"
        ));
        assert!(mail.subject.contains("עתיד משותף"), "{}", mail.subject);
        pinned("reminder_in_hebrew", &mail);
    }

    #[test]
    fn reminder_for_a_person() {
        let letter = letter();
        let params = ConfirmationParams {
            verify: "VERIFY".into(),
            withdraw: "WITHDRAW".into(),
            expires_at: expiry().and_utc().timestamp(),
            lang: None,
        };
        let signer = ConfirmationSigner {
            id: "00000000-0000-0000-0000-000000000000".into(),
            letter_id: "letter-id".into(),
            kind: SignatureKind::Individual,
            name: "Ada <Lovelace>".into(),
            organization: None,
            lang: None,
            public: true,
            updates: false,
            via_member_id: None,
            share_with_member: false,
        };
        let mail =
            render(&params, &letter, &signer, "https://letters.example.org").expect("renders");
        pinned("reminder_for_a_person", &mail);
    }
}
