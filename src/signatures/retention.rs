//! An address only while there is a reason (issue 22). Once a signature is confirmed, its
//! address is kept only while its signer has a reason on record: they asked for updates,
//! they share their details with a member, they are an organization's contact, or the letter
//! keeps addresses until it is delivered. Otherwise the address is let go: `signatures.email`
//! becomes the empty text, and only the mailbox key stays (`values::mailbox`: a keyed hash,
//! so signing twice is still a duplicate, and the signer's own withdraw link still works, as
//! it names the signature, not the address). The count and the public list do not change.
//!
//! One rule, [`reasons_held`], says why an address is kept; [`release`] applies it, called
//! where a reason may end: confirmation, a staff decision, unsubscribing, and the hourly
//! sweep (which also ends a letter's delivery hold `signing.erase_after_days` after it is
//! delivered or closes, and catches mail sent after the release).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{SignatureKind, SignatureRecord, SignatureState};
use crate::db::schema::{letter_deliveries, letters, outbox, signatures};
use crate::db::{self, DbConnection};

/// Why an address is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Not confirmed yet: the confirmation (and one reminder) go to it.
    Confirming,
    /// The signer asked to hear about this letter.
    Updates,
    /// The signer shares their details, address included, with the member whose link they
    /// followed.
    SharedWithMember,
    /// An organization's signature: staff reach it through its contact.
    OrganizationContact,
    /// The letter keeps addresses until it is delivered; `Some(time)` once it is delivered or
    /// closed: erased then.
    Delivery(Option<NaiveDateTime>),
}

impl Reason {
    /// A short English name, for the export, the CLI and the audit.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Confirming => "confirming",
            Reason::Updates => "updates",
            Reason::SharedWithMember => "shared with member",
            Reason::OrganizationContact => "organization contact",
            Reason::Delivery(_) => "delivery",
        }
    }
}

/// How long a letter keeps addresses for its delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryHold {
    /// The letter does not keep them, or its hold has ended.
    None,
    /// Until the letter is delivered or closes, then `signing.erase_after_days` more.
    UntilDelivered,
    /// Until this time.
    Until(NaiveDateTime),
}

/// The delivery hold of one letter now: `keep` is its `keep_addresses_until_delivery`,
/// `closed_at` its close, `delivered_at` when it was marked delivered.
pub fn delivery_hold(
    keep: bool,
    closed_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    erase_after_days: i64,
    now: NaiveDateTime,
) -> DeliveryHold {
    if !keep {
        return DeliveryHold::None;
    }
    let ended = match (closed_at, delivered_at) {
        (Some(closed), Some(delivered)) => closed.min(delivered),
        (Some(at), None) | (None, Some(at)) => at,
        (None, None) => return DeliveryHold::UntilDelivered,
    };
    let until = ended + Duration::days(erase_after_days);
    if until <= now {
        DeliveryHold::None
    } else {
        DeliveryHold::Until(until)
    }
}

/// Reads a letter's delivery hold from the database.
pub fn delivery_hold_of(
    connection: &mut DbConnection,
    letter_id: &str,
    erase_after_days: i64,
    now: NaiveDateTime,
) -> Result<DeliveryHold, diesel::result::Error> {
    let found: Option<(bool, Option<NaiveDateTime>)> = letters::table
        .find(letter_id)
        .select((letters::keep_addresses_until_delivery, letters::closed_at))
        .first(connection)
        .optional()?;
    let Some((keep, closed)) = found else {
        return Ok(DeliveryHold::None);
    };
    if !keep {
        return Ok(DeliveryHold::None);
    }
    let delivered: Option<NaiveDateTime> = letter_deliveries::table
        .find(letter_id)
        .select(letter_deliveries::marked_at)
        .first(connection)
        .optional()?;
    Ok(delivery_hold(
        keep,
        closed,
        delivered,
        erase_after_days,
        now,
    ))
}

/// Every reason the signature's address is kept; none means it is let go (or, withdrawn,
/// already erased with everything else).
pub fn reasons_held(record: &SignatureRecord, hold: DeliveryHold) -> Vec<Reason> {
    let mut reasons = Vec::new();
    match record.state {
        SignatureState::Withdrawn => return reasons,
        SignatureState::Pending => reasons.push(Reason::Confirming),
        _ => {}
    }
    if record.updates {
        reasons.push(Reason::Updates);
    }
    if record.share_with_member && record.via_member_id.is_some() {
        reasons.push(Reason::SharedWithMember);
    }
    if record.kind == SignatureKind::Organization {
        reasons.push(Reason::OrganizationContact);
    }
    match hold {
        DeliveryHold::None => {}
        DeliveryHold::UntilDelivered => reasons.push(Reason::Delivery(None)),
        DeliveryHold::Until(at) => reasons.push(Reason::Delivery(Some(at))),
    }
    reasons
}

/// Which signatures [`release`] looks at.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// One signature (just confirmed, or decided on by staff).
    Signature(&'a str),
    /// One mailbox's signatures on one letter (it unsubscribed).
    Mailbox {
        letter_id: &'a str,
        mailbox_key: &'a str,
    },
}

/// The states after confirmation: the address has done its first job.
const CONFIRMED: [SignatureState; 5] = [
    SignatureState::Verified,
    SignatureState::Approved,
    SignatureState::Rejected,
    SignatureState::Removed,
    SignatureState::Duplicate,
];

/// Lets go of every address in `scope` that has no reason left ([`reasons_held`]): the
/// signature keeps its mailbox key, its address becomes the empty text, and the outbox's copies
/// of mail about it are blanked (`mail::outbox::redact_for_signature`). Run it inside the transaction that ended the reason. Returns
/// how many addresses were let go.
pub fn release(
    connection: &mut DbConnection,
    scope: Scope<'_>,
    erase_after_days: i64,
    now: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    // The candidates by the columns alone (individuals with no updates and no sharing); the
    // letter's delivery hold is then read once per letter.
    let mut query = candidates().select((
        signatures::id,
        signatures::letter_id,
        signatures::email,
        signatures::email_normalized,
    ));
    query = match scope {
        Scope::Signature(id) => query.filter(signatures::id.eq(id.to_owned())),
        Scope::Mailbox {
            letter_id,
            mailbox_key,
        } => query
            .filter(signatures::letter_id.eq(letter_id.to_owned()))
            .filter(signatures::email_normalized.eq(mailbox_key.to_owned())),
    };
    let candidates: Vec<(String, String, String, String)> = query.load(connection)?;
    let mut holds: std::collections::HashMap<String, DeliveryHold> = Default::default();
    let mut released = 0;
    for (id, letter_id, email, mailbox_key) in candidates {
        let hold = match holds.get(&letter_id) {
            Some(hold) => *hold,
            None => {
                let hold = delivery_hold_of(connection, &letter_id, erase_after_days, now)?;
                holds.insert(letter_id.clone(), hold);
                hold
            }
        };
        if hold != DeliveryHold::None {
            continue;
        }
        released += diesel::update(
            signatures::table
                .find(&id)
                .filter(signatures::email.ne(""))
                .filter(signatures::state.eq_any(CONFIRMED)),
        )
        .set(signatures::email.eq(""))
        .execute(connection)?;
        // Mail about the signature not sent yet is dropped: a confirmation or reminder
        // (its link was used), an update after unsubscribing (no staff decision about an
        // individual sends mail). Mail sent keeps its row, blanked.
        crate::mail::outbox::redact_for_signature(connection, &id, &email, &mailbox_key)?;
    }
    Ok(released)
}

/// Mail sent after its signature's address was let go (a staff decision's notice queued
/// with the release): blanked by the sweep.
fn forget_mail_sent_since_release(
    connection: &mut DbConnection,
) -> Result<usize, diesel::result::Error> {
    use crate::mail::outbox::OutboxState;
    let let_go = signatures::table
        .filter(signatures::email.eq(""))
        .filter(signatures::state.eq_any(CONFIRMED))
        .select(signatures::id.nullable());
    diesel::update(
        outbox::table
            .filter(outbox::update_id.is_null())
            .filter(outbox::state.eq_any([OutboxState::Sent, OutboxState::Failed]))
            .filter(outbox::recipient.ne(""))
            .filter(outbox::signature_id.eq_any(let_go)),
    )
    .set(crate::mail::outbox::blanked())
    .execute(connection)
}

/// The hourly sweep: every address without a reason left is let go, a batch of signatures
/// per transaction, so that the first sweep after an upgrade (which may let go of most
/// addresses) never holds the writer for long: signing goes on between batches.
pub fn sweep(
    connection: &mut DbConnection,
    erase_after_days: i64,
) -> Result<usize, diesel::result::Error> {
    const BATCH: i64 = 200;
    let now = db::now();
    // Letters whose delivery hold is on: their signatures stay, and are not looked at again.
    let keeping: Vec<String> = letters::table
        .filter(letters::keep_addresses_until_delivery.eq(true))
        .select(letters::id)
        .load(connection)?;
    let mut held = Vec::new();
    for letter_id in keeping {
        if delivery_hold_of(connection, &letter_id, erase_after_days, now)? != DeliveryHold::None {
            held.push(letter_id);
        }
    }
    let mut released = 0;
    loop {
        let batch: Vec<String> = candidates()
            .filter(signatures::letter_id.ne_all(&held))
            .select(signatures::id)
            .limit(BATCH)
            .load(connection)?;
        if batch.is_empty() {
            break;
        }
        let done = db::write_transaction(connection, |connection| {
            let mut done = 0;
            for id in &batch {
                done += release(connection, Scope::Signature(id), erase_after_days, now)?;
            }
            Ok::<_, diesel::result::Error>(done)
        })?;
        released += done;
        if done == 0 {
            // Nothing changed (another instance's sweep took them): stop rather than spin.
            break;
        }
    }
    db::write_transaction(connection, forget_mail_sent_since_release)?;
    Ok(released)
}

/// Signatures whose columns give no reason to keep their address (an individual, confirmed,
/// with no updates and no sharing) and that still hold one; the letter's hold is read apart.
fn candidates() -> signatures::BoxedQuery<'static, db::SqlBackend> {
    signatures::table
        .filter(signatures::email.ne(""))
        .filter(signatures::state.eq_any(CONFIRMED))
        .filter(signatures::kind.eq(SignatureKind::Individual))
        .filter(signatures::updates.eq(false))
        .filter(
            signatures::share_with_member
                .eq(false)
                .or(signatures::via_member_id.is_null()),
        )
        .into_boxed()
}

/// Sets `column` of each row `(id, stored)` to the stored value's mailbox key, a batch in one
/// statement (a database of a million signatures is re-keyed in minutes, not hours). Ids and
/// keys are written into the SQL as literals, quoted: both backends take the same
/// `CASE`, and neither value is a stranger's text (ids are ours, keys are hex).
fn set_by_id(
    connection: &mut DbConnection,
    table: &str,
    column: &str,
    rows: &[(String, String)],
) -> Result<usize, diesel::result::Error> {
    use crate::values::mailbox::MailboxKey;
    use std::fmt::Write as _;
    let quoted = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let mut cases = String::new();
    let mut ids = Vec::with_capacity(rows.len());
    for (id, stored) in rows {
        let _ = write!(
            cases,
            " WHEN {} THEN {}",
            quoted(id),
            quoted(MailboxKey::from_stored(stored).as_str())
        );
        ids.push(quoted(id));
    }
    diesel::sql_query(format!(
        "UPDATE {table} SET {column} = CASE id{cases} END WHERE id IN ({})",
        ids.join(", ")
    ))
    .execute(connection)
}

/// Replaces every address an earlier release kept as a duplicate key with its mailbox key:
/// `signatures.email_normalized`, `update_unsubscribes.email_normalized` and
/// `outbox.recipient_key`. Run at every start (cheap once done: one scan finds nothing), so
/// rows an instance of the release before wrote during a rolling upgrade are keyed by the
/// next start. Returns how many rows were re-keyed.
pub fn rekey_mailboxes(connection: &mut DbConnection) -> Result<usize, diesel::result::Error> {
    use crate::db::schema::update_unsubscribes;
    use crate::values::mailbox::MailboxKey;
    const BATCH: i64 = 1000;
    let mut changed = 0;
    loop {
        let rows: Vec<(String, String)> = signatures::table
            .filter(signatures::email_normalized.like("%@%"))
            .select((signatures::id, signatures::email_normalized))
            .limit(BATCH)
            .load(connection)?;
        if rows.is_empty() {
            break;
        }
        changed += set_by_id(connection, "signatures", "email_normalized", &rows)?;
    }
    loop {
        let rows: Vec<(String, String)> = update_unsubscribes::table
            .filter(update_unsubscribes::email_normalized.like("%@%"))
            .select((
                update_unsubscribes::letter_id,
                update_unsubscribes::email_normalized,
            ))
            .limit(BATCH)
            .load(connection)?;
        if rows.is_empty() {
            break;
        }
        db::write_transaction(connection, |connection| {
            for (letter_id, stored) in &rows {
                let key = MailboxKey::from_stored(stored);
                let row = update_unsubscribes::table
                    .filter(update_unsubscribes::letter_id.eq(letter_id))
                    .filter(update_unsubscribes::email_normalized.eq(stored));
                // Two spellings of one mailbox may both have unsubscribed: one row stays.
                let exists: i64 = update_unsubscribes::table
                    .filter(update_unsubscribes::letter_id.eq(letter_id))
                    .filter(update_unsubscribes::email_normalized.eq(&key))
                    .count()
                    .get_result(connection)?;
                changed += if exists > 0 {
                    diesel::delete(row).execute(connection)?
                } else {
                    diesel::update(row)
                        .set(update_unsubscribes::email_normalized.eq(&key))
                        .execute(connection)?
                };
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    loop {
        let rows: Vec<(String, String)> = outbox::table
            .filter(outbox::recipient_key.like("%@%"))
            .select((outbox::id, outbox::recipient_key))
            .limit(BATCH)
            .load(connection)?;
        if rows.is_empty() {
            break;
        }
        changed += set_by_id(connection, "outbox", "recipient_key", &rows)?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, day)
            .and_then(|date| date.and_hms_opt(12, 0, 0))
            .expect("a date")
    }

    #[test]
    fn a_letter_keeps_addresses_until_delivery_then_the_set_number_of_days() {
        assert_eq!(
            delivery_hold(false, None, None, 30, at(1)),
            DeliveryHold::None
        );
        assert_eq!(
            delivery_hold(true, None, None, 30, at(1)),
            DeliveryHold::UntilDelivered
        );
        assert_eq!(
            delivery_hold(true, Some(at(5)), Some(at(2)), 3, at(4)),
            DeliveryHold::Until(at(5)),
            "the earlier of delivery and close starts the count"
        );
        assert_eq!(
            delivery_hold(true, None, Some(at(2)), 3, at(5)),
            DeliveryHold::None
        );
        assert_eq!(
            delivery_hold(true, Some(at(2)), None, 0, at(2)),
            DeliveryHold::None,
            "0 days: erased as soon as it closes"
        );
    }

    #[test]
    fn a_confirmed_individual_who_asked_for_nothing_has_no_reason() {
        let mut record = super::super::sample::record();
        record.state = SignatureState::Verified;
        record.kind = SignatureKind::Individual;
        record.updates = false;
        record.share_with_member = false;
        assert!(reasons_held(&record, DeliveryHold::None).is_empty());
        record.updates = true;
        assert_eq!(
            reasons_held(&record, DeliveryHold::UntilDelivered),
            vec![Reason::Updates, Reason::Delivery(None)]
        );
        record.state = SignatureState::Withdrawn;
        assert!(reasons_held(&record, DeliveryHold::UntilDelivered).is_empty());
    }
}
