//! The mailbox key: what the service keeps to recognise an address without keeping the
//! address. A keyed hash (HMAC-SHA-256) of the address's canonical form
//! (`EmailAddress::normalized`: spellings that reach one inbox share it), so that a second
//! signature from the same person is still a duplicate, an unsubscribe still applies and the
//! per-mailbox mail limit still counts, after the address itself is gone.
//!
//! The key is never stored in the database (it comes from `server.secret` or a key file
//! beside a SQLite database: `startup::address_key`), so a dump of the database alone cannot
//! test whether a given address signed. It is installed once per process, before any
//! request or command touches a signature; it is process-wide like the database itself, and
//! threading it through every query that finds a signer by address would only add noise.

use std::fmt;
use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::email_address::EmailAddress;

/// What every mailbox key starts with: the version of the scheme, and a way to tell a key
/// from an address (a key never holds `@`, an address always does).
const PREFIX: &str = "k1.";

/// The secret mailbox keys are made with.
#[derive(Clone)]
pub struct AddressKey([u8; 32]);

impl fmt::Debug for AddressKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("AddressKey(..)")
    }
}

impl AddressKey {
    /// Derives the key from a longer-lived secret (`server.secret`, or a key file's text):
    /// a separate key, so that the form-time signature and the mailbox keys never share one.
    pub fn derive(secret: &str) -> AddressKey {
        let mut mac = hmac(secret.as_bytes());
        mac.update(b"undersigned mailbox key v1");
        AddressKey(mac.finalize().into_bytes().into())
    }

    /// A short public check of the key, stored beside the shared secrets: a later start with
    /// another key (a changed `server.secret`, a lost key file) is refused instead of
    /// silently failing to recognise every address already kept.
    pub fn fingerprint(&self) -> String {
        let mut mac = hmac(&self.0);
        mac.update(b"fingerprint");
        hex::encode(&mac.finalize().into_bytes()[..8])
    }

    pub fn key_of(&self, canonical: &str) -> MailboxKey {
        let mut mac = hmac(&self.0);
        mac.update(canonical.as_bytes());
        MailboxKey(format!(
            "{PREFIX}{}",
            hex::encode(&mac.finalize().into_bytes()[..20])
        ))
    }
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

static INSTALLED: OnceLock<AddressKey> = OnceLock::new();

/// Installs the process's key; a second, different key is refused (one process, one
/// database, one key).
pub fn install(key: AddressKey) -> Result<(), &'static str> {
    let installed = INSTALLED.get_or_init(|| key.clone());
    if installed.0 == key.0 {
        Ok(())
    } else {
        Err("another mailbox key is already installed in this process")
    }
}

/// The installed key. Code that never opened a database through startup (unit tests) gets a
/// fixed key: it writes to no database another process reads.
fn installed() -> &'static AddressKey {
    static UNINSTALLED: OnceLock<AddressKey> = OnceLock::new();
    INSTALLED.get().unwrap_or_else(|| {
        UNINSTALLED.get_or_init(|| AddressKey::derive("undersigned: no key installed (unit tests)"))
    })
}

/// An address's mailbox key, as `signatures.email_normalized`,
/// `update_unsubscribes.email_normalized` and `outbox.recipient_key` hold it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, diesel::expression::AsExpression)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct MailboxKey(String);

impl MailboxKey {
    pub fn of(address: &EmailAddress) -> MailboxKey {
        installed().key_of(address.normalized())
    }

    /// The key of a stored text that may not parse as an address today (a row written before
    /// a rule was tightened): its trimmed lower case stands in for the canonical form.
    pub fn of_text(address: &str) -> MailboxKey {
        match EmailAddress::parse(address) {
            Ok(parsed) => MailboxKey::of(&parsed),
            Err(_) => installed().key_of(&address.trim().to_lowercase()),
        }
    }

    /// A stored value that is already a key (and not an address written by an earlier
    /// release, which `of_text` turns into one).
    pub fn is_key(stored: &str) -> bool {
        stored.starts_with(PREFIX) && !stored.contains('@')
    }

    /// The key of a canonical form stored by an earlier release (`signatures.email_normalized`
    /// held it): keyed as it is, so that it matches what it matched before, even if the rules
    /// for the canonical form have changed since.
    pub fn of_canonical(canonical: &str) -> MailboxKey {
        installed().key_of(canonical)
    }

    /// A stored value as a key: kept if it is one, made from it if it is a canonical address
    /// an earlier release stored.
    pub fn from_stored(stored: &str) -> MailboxKey {
        if MailboxKey::is_key(stored) {
            MailboxKey(stored.to_owned())
        } else {
            MailboxKey::of_canonical(stored)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MailboxKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for MailboxKey
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, DB>,
    ) -> diesel::serialize::Result {
        <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(&self.0, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_inbox_share_a_key_that_holds_no_address() {
        let key = AddressKey::derive("s3cret");
        let first = key.key_of(
            EmailAddress::parse("Dana@Example.org")
                .unwrap()
                .normalized(),
        );
        let second = key.key_of(
            EmailAddress::parse("dana@example.org")
                .unwrap()
                .normalized(),
        );
        assert_eq!(first, second);
        assert!(MailboxKey::is_key(first.as_str()));
        assert!(!first.as_str().contains("dana"), "{first}");
        let other = AddressKey::derive("another secret");
        assert_ne!(
            other.key_of(
                EmailAddress::parse("dana@example.org")
                    .unwrap()
                    .normalized()
            ),
            first,
            "without the secret, a dump cannot test an address"
        );
        assert_ne!(key.fingerprint(), other.fingerprint());
    }

    #[test]
    fn a_stored_address_becomes_a_key_and_a_key_stays() {
        let key = MailboxKey::from_stored("ada@example.org");
        assert_eq!(key, MailboxKey::of_canonical("ada@example.org"));
        assert!(MailboxKey::is_key(key.as_str()));
        assert_eq!(MailboxKey::from_stored(key.as_str()), key);
        assert_eq!(
            key,
            MailboxKey::of(&EmailAddress::parse("ADA@example.org").unwrap())
        );
    }
}
