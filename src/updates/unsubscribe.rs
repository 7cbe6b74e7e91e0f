//! Unsubscribing from a letter's updates. The link in every update names the letter and the
//! address's mailbox key (`MailboxKey`: a keyed hash, so the link, and the proxy logs it
//! passes through, hold no address) and is signed with a secret kept in the database (shared
//! by every instance), so it cannot be guessed or changed to name someone else, and it needs
//! no stored token. Links sent before held the address itself; they still work.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::schema::{signatures, update_unsubscribes};
use crate::db::{self, DbConnection, DbError};
use crate::signatures::retention;
use crate::values::mailbox::MailboxKey;

const SECRET_NAME: &str = "unsubscribe";
/// Bytes of the MAC kept in the link: 128 bits cannot be guessed.
const MAC_BYTES: usize = 16;

pub fn secret(connection: &mut DbConnection) -> Result<String, DbError> {
    db::shared_secret(connection, SECRET_NAME)
}

fn mac(secret: &str, payload: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(b"unsubscribe\0");
    mac.update(payload);
    mac.finalize().into_bytes()[..MAC_BYTES].to_vec()
}

/// The token for `address` (a mailbox key, as `signatures.email_normalized`: never an
/// address) on a letter.
pub fn token(secret: &str, letter_id: &str, address: &str) -> String {
    let payload = format!("{letter_id}\n{address}");
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
        URL_SAFE_NO_PAD.encode(mac(secret, payload.as_bytes()))
    )
}

/// The (letter id, address) a token names, if it is one this service signed.
pub fn verify(secret: &str, token: &str) -> Option<(String, String)> {
    if token.len() > 600 {
        return None;
    }
    let (payload, signature) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let expected = mac(secret, &payload);
    if !crate::staff::sessions::tokens_match(
        &crate::values::tokens::hash(&URL_SAFE_NO_PAD.encode(&expected)),
        &crate::values::tokens::hash(&URL_SAFE_NO_PAD.encode(&signature)),
    ) {
        return None;
    }
    let payload = String::from_utf8(payload).ok()?;
    let (letter_id, address) = payload.split_once('\n')?;
    Some((letter_id.to_owned(), address.to_owned()))
}

/// Records that the mailbox wants no more updates about the letter, and takes back its
/// signatures' "Keep me updated" there: that was their reason to keep the address, which is
/// then let go unless another reason holds (`signatures::retention`). Doing it again is fine.
pub fn unsubscribe_and_release(
    connection: &mut DbConnection,
    letter_id: &str,
    mailbox: &MailboxKey,
    erase_after_days: i64,
) -> Result<(), diesel::result::Error> {
    unsubscribe(connection, letter_id, mailbox.as_str())?;
    db::write_transaction(connection, |connection| {
        diesel::update(
            signatures::table
                .filter(signatures::letter_id.eq(letter_id))
                .filter(signatures::email_normalized.eq(mailbox))
                .filter(signatures::updates.eq(true)),
        )
        .set(signatures::updates.eq(false))
        .execute(connection)?;
        retention::release(
            connection,
            retention::Scope::Mailbox {
                letter_id,
                mailbox_key: mailbox.as_str(),
            },
            erase_after_days,
            db::now(),
        )
    })?;
    Ok(())
}

/// Records that `address` (a mailbox key) wants no more updates about the letter; doing it
/// again is fine.
pub fn unsubscribe(
    connection: &mut DbConnection,
    letter_id: &str,
    address: &str,
) -> Result<(), diesel::result::Error> {
    // One statement, outside any transaction: on PostgreSQL a unique violation inside one
    // aborts it, and the second of two clicks must still be answered "unsubscribed".
    let inserted = diesel::insert_into(update_unsubscribes::table)
        .values((
            update_unsubscribes::letter_id.eq(letter_id),
            update_unsubscribes::email_normalized.eq(address),
            update_unsubscribes::created_at.eq(db::now()),
        ))
        .execute(connection);
    match inserted {
        Err(error) if db::is_unique_violation(&error) => Ok(()),
        other => other.map(|_| ()),
    }
}

pub fn is_unsubscribed(
    connection: &mut DbConnection,
    letter_id: &str,
    address: &str,
) -> Result<bool, diesel::result::Error> {
    let count: i64 = update_unsubscribes::table
        .filter(update_unsubscribes::letter_id.eq(letter_id))
        .filter(update_unsubscribes::email_normalized.eq(address))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_letter_and_address_and_cannot_be_altered() {
        let token = token("secret", "letter-1", "ada@example.org");
        assert_eq!(
            verify("secret", &token),
            Some(("letter-1".into(), "ada@example.org".into()))
        );
        assert_eq!(verify("other secret", &token), None);
        let (_, signature) = token.split_once('.').expect("two parts");
        let forged = format!(
            "{}.{signature}",
            URL_SAFE_NO_PAD.encode("letter-1\nbob@example.org")
        );
        assert_eq!(verify("secret", &forged), None);
        assert_eq!(verify("secret", "garbage"), None);
    }
}
