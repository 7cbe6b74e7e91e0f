//! What one mailbox signed, for the person it belongs to (`/my-signatures`) and for staff
//! answering a written request (`undersigned signatures erase`): every signature found by the
//! mailbox's key, also those whose address is no longer held, what of each is public and what
//! is held, and withdrawing one, all, or erasing them all.
//!
//! The list is reached only through an emailed link: the link's token seals the mailbox's key
//! and an expiry with XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`, already used for
//! the signed-form cookie) under a key derived from the service's secret, so it is opaque in
//! logs and proxies, forged or altered tokens open nothing, and any instance can read it
//! without a table. It names no address: a mailbox key is a keyed hash.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::retention::{self, Reason};
use super::{SignError, SignatureRecord, SignatureState};
use crate::db::schema::{members, signatures, update_unsubscribes};
use crate::db::{self, DbConnection};
use crate::i18n::catalog::Tr;
use crate::letters::Letter;
use crate::mail::message::Message as _;
use crate::mail::{self, OutgoingMail};
use crate::staff::{Actor, audit};
use crate::values::email_address::EmailAddress;

/// How long the emailed link to the list works.
pub const LINK_LIFETIME: Duration = Duration::hours(24);

/// What the link's token is bound to, so a token of another use of the same key opens nothing.
const LINK_CONTEXT: &[u8] = b"my-signatures list";

/// One signature of the mailbox, with the letter it is on.
#[derive(Clone, Debug)]
pub struct MySignature {
    pub signature: SignatureRecord,
    pub letter: Letter,
    /// The member the signer shares their address with, by name (a live member only).
    pub shared_with: Option<String>,
    /// Why the address is kept (`retention::reasons_held`); none once it is let go.
    pub reasons: Vec<Reason>,
}

impl MySignature {
    /// Whether the address itself is held (else only its keyed hash is).
    pub fn address_held(&self) -> bool {
        !self.signature.email.is_empty()
    }
}

/// The mailbox's signatures that still hold anything, oldest first. A withdrawn signature
/// keeps nothing, not even the key, so it is not found.
/// `erase_after_days` is `signing.erase_after_days`, for the letters that keep addresses
/// until delivery.
pub fn of_mailbox(
    connection: &mut DbConnection,
    key: &str,
    erase_after_days: i64,
) -> Result<Vec<MySignature>, diesel::result::Error> {
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<SignatureRecord> = signatures::table
        .filter(signatures::email_normalized.eq(key))
        .filter(signatures::state.ne(SignatureState::Withdrawn))
        .order((signatures::created_at.asc(), signatures::id.asc()))
        .select(SignatureRecord::as_select())
        .load(connection)?;
    let mut mine = Vec::with_capacity(found.len());
    for signature in found {
        let Some(letter) = crate::letters::find_by_id(connection, signature.letter_id.as_str())?
        else {
            continue;
        };
        let shared_with = match (&signature.via_member_id, signature.share_with_member) {
            (Some(member_id), true) => members::table
                .find(member_id)
                .filter(members::removed_at.is_null())
                .select(members::name)
                .first::<String>(connection)
                .optional()?,
            _ => None,
        };
        let hold = retention::delivery_hold_of(
            connection,
            letter.id.as_str(),
            erase_after_days,
            db::now(),
        )?;
        let reasons = retention::reasons_held(&signature, hold);
        mine.push(MySignature {
            signature,
            letter,
            shared_with,
            reasons,
        });
    }
    Ok(mine)
}

/// Whether the mailbox has any signature that holds something.
pub fn has_any(connection: &mut DbConnection, key: &str) -> Result<bool, diesel::result::Error> {
    if key.is_empty() {
        return Ok(false);
    }
    diesel::select(diesel::dsl::exists(
        signatures::table
            .filter(signatures::email_normalized.eq(key))
            .filter(signatures::state.ne(SignatureState::Withdrawn)),
    ))
    .get_result(connection)
}

/// Which of the mailbox's signatures to withdraw.
#[derive(Clone, Copy, Debug)]
pub enum Which<'a> {
    One(&'a str),
    All,
}

/// A signature just withdrawn: the letter it was on, and its title as it stood.
#[derive(Clone, Debug)]
pub struct Withdrawn {
    pub signature_id: String,
    pub letter: Letter,
    pub was: SignatureState,
}

/// Withdraws the mailbox's signatures (`which`), each as its own withdraw link would, in one
/// transaction. A signature of another mailbox is never touched, whatever id is sent.
pub fn withdraw(
    connection: &mut DbConnection,
    key: &str,
    which: Which<'_>,
) -> Result<Vec<Withdrawn>, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        // The reasons are not asked for: any day count reads the same signatures.
        let mine = of_mailbox(connection, key, 0)?;
        let mut withdrawn = Vec::new();
        for item in mine {
            if let Which::One(id) = which
                && item.signature.id.as_str() != id
            {
                continue;
            }
            if super::confirm::withdraw_signature(connection, &item.signature, now)? {
                withdrawn.push(Withdrawn {
                    signature_id: item.signature.id.as_str().to_owned(),
                    letter: item.letter,
                    was: item.signature.state,
                });
            }
        }
        Ok(withdrawn)
    })
}

/// Staff answering a written request: withdraws and erases every signature of the mailbox on
/// every letter, erases the mail waiting for or sent to it and its unsubscribes, and records
/// each signature in the audit log (by signature, never by address: the log would otherwise
/// keep what was erased).
pub fn erase(
    connection: &mut DbConnection,
    key: &str,
    actor: &Actor,
) -> Result<Vec<Withdrawn>, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let erased = withdraw(connection, key, Which::All)?;
        for item in &erased {
            audit::record(
                connection,
                actor,
                "signature.erase",
                Some(item.letter.id.as_str()),
                Some(&item.signature_id),
                &format!(
                    "withdrawn and erased on the signer's written request (was {})",
                    item.was
                ),
            )?;
        }
        mail::erase::redact_for_mailbox(connection, key)?;
        // Its wishes about updates go too, on every letter: nothing is left keyed to it.
        diesel::delete(
            update_unsubscribes::table.filter(update_unsubscribes::email_normalized.eq(key)),
        )
        .execute(connection)?;
        Ok(erased)
    })
}

/// The email with the link to the list.
struct ListMail<'a> {
    url: &'a str,
    expires: String,
}
crate::email_templates!(
    ListMail,
    "email/my_signatures.txt",
    "email/my_signatures.html",
    |_, tr| tr.t("myself-mail-subject"),
);

/// Queues the link to the list for `address` when its mailbox has any signature; `false`
/// (nothing queued) otherwise. `url` is the page's address with the link's token.
pub fn email_link(
    connection: &mut DbConnection,
    address: &EmailAddress,
    key: &str,
    url: &str,
    expires_at: NaiveDateTime,
    lang: Option<&str>,
) -> Result<bool, SignError> {
    if !has_any(connection, key)? {
        return Ok(false);
    }
    let tr = Tr::for_code(lang);
    let content = ListMail {
        url,
        expires: tr.date_time(&expires_at),
    }
    .render_in(tr)?;
    mail::outbox::enqueue(
        connection,
        &OutgoingMail::to(address.as_str(), content),
        db::now(),
    )?;
    Ok(true)
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

/// The link's token for `mailbox`, working until `expires_at`.
pub fn seal_link(key: &[u8; 32], mailbox: &str, expires_at: NaiveDateTime) -> String {
    let nonce: [u8; 24] = rand::random();
    let mut plain = expires_at.and_utc().timestamp().to_be_bytes().to_vec();
    plain.extend_from_slice(mailbox.as_bytes());
    let Ok(sealed) = cipher(key).encrypt(
        &XNonce::from(nonce),
        Payload {
            msg: &plain,
            aad: LINK_CONTEXT,
        },
    ) else {
        return String::new();
    };
    let mut bytes = nonce.to_vec();
    bytes.extend(sealed);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The mailbox a link's token names while it works; `None` for an expired, altered or
/// forged token.
pub fn open_link(key: &[u8; 32], token: &str, now: NaiveDateTime) -> Option<String> {
    if token.len() > 512 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(24);
    let plain = cipher(key)
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: LINK_CONTEXT,
            },
        )
        .ok()?;
    let (expires, mailbox) = plain.split_at_checked(8)?;
    let expires = i64::from_be_bytes(expires.try_into().ok()?);
    if expires <= now.and_utc().timestamp() {
        return None;
    }
    String::from_utf8(mailbox.to_vec())
        .ok()
        .filter(|mailbox| !mailbox.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_opens_until_it_expires_and_never_when_altered() {
        let key = [7u8; 32];
        let now = db::now();
        let token = seal_link(&key, "mailbox-key", now + LINK_LIFETIME);
        assert!(!token.contains("mailbox"), "opaque: {token}");
        assert_eq!(open_link(&key, &token, now).as_deref(), Some("mailbox-key"));
        assert_eq!(open_link(&key, &token, now + LINK_LIFETIME), None);
        assert_eq!(open_link(&[8u8; 32], &token, now), None);
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ascii");
        assert_eq!(open_link(&key, &altered, now), None);
        assert_eq!(open_link(&key, "not a token", now), None);
        assert_eq!(open_link(&key, "", now), None);
    }
}
