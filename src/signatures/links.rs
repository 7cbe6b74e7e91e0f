//! The links emailed about a signature: confirm it, or withdraw it. A link's token is the
//! signature's id and a secret of 256 random bits, `{signature id}.{secret}`. Only the
//! secret's SHA-256 digest is stored, in `signature_tokens` beside the signature's id: the id
//! finds that signature's few rows through one index, and the digest proves the secret.
//! A row holds the links of one email: a confirmation's pair (confirm and withdraw), or the
//! withdraw link alone that other emails carry. No row id, no index over the digests, no
//! letter id: a waiting signature's links take about a third of what the former `tokens`
//! rows took with their three indexes (BENCHMARKS.md, "Bytes per waiting signature").
//!
//! Links minted before `signature_tokens` existed are a bare secret whose hex digest is in
//! `tokens`; they keep working, through the same functions, until they expire.
//!
//! Every read and change of a signature's tokens is here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{signature_tokens, tokens};
use crate::values::tokens::{self as token_codec, TokenPurpose};

/// The links of one email as first stored: the secrets went into the email and are
/// forgotten here.
#[derive(Insertable)]
#[diesel(table_name = signature_tokens, treat_none_as_default_value = false)]
pub struct NewLinks {
    withdraw_expires_at: NaiveDateTime,
    verify_expires_at: Option<NaiveDateTime>,
    signature_id: String,
    withdraw_digest: Vec<u8>,
    verify_digest: Option<Vec<u8>>,
}

/// A confirmation's links for `signature_id`: the row to store, and the confirm and withdraw
/// secrets for the email (a link's token is `link_token(signature_id, secret)`).
pub fn mint_pair(
    signature_id: &str,
    verify_expires_at: NaiveDateTime,
    withdraw_expires_at: NaiveDateTime,
) -> (NewLinks, String, String) {
    let verify = token_codec::mint();
    let withdraw = token_codec::mint();
    let row = NewLinks {
        withdraw_expires_at,
        verify_expires_at: Some(verify_expires_at),
        signature_id: signature_id.to_owned(),
        withdraw_digest: token_codec::digest(&withdraw.secret),
        verify_digest: Some(token_codec::digest(&verify.secret)),
    };
    (row, verify.secret, withdraw.secret)
}

/// What goes into a link's path: the signature's id, a dot, the secret.
pub fn link_token(signature_id: &str, secret: &str) -> String {
    format!("{signature_id}.{secret}")
}

/// The page that confirms a signature, for a link's token, in `lang` (see [`in_language`]).
pub fn verify_url(public_base: &str, lang: Option<&str>, link: &str) -> String {
    format!("{public_base}{}/verify/{link}", in_language(lang))
}

/// The page that withdraws a signature, for a link's token, in `lang` (see [`in_language`]).
pub fn withdraw_url(public_base: &str, lang: Option<&str>, link: &str) -> String {
    format!("{public_base}{}/withdraw/{link}", in_language(lang))
}

/// The address prefix that carries a language (`/he`), so the page an emailed link opens
/// speaks the email's language whatever the browser says; empty when there is no language
/// or it has no address (a tag stored before tags were checked).
pub fn in_language(lang: Option<&str>) -> String {
    lang.and_then(crate::values::language::LanguageTag::parse_routable)
        .map_or_else(String::new, |tag| format!("/{}", tag.as_str()))
}

/// Stores minted links, however many, in one statement (the sign writer's batches).
pub fn insert(
    connection: &mut DbConnection,
    rows: &[NewLinks],
) -> Result<(), diesel::result::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::execute_on_backend!(
        connection,
        diesel::insert_into(signature_tokens::table).values(rows)
    )?;
    Ok(())
}

/// Mints and stores a withdraw link (for an email other than the confirmation); returns the
/// link's token, which exists from now on only in the email.
pub fn issue_withdraw(
    connection: &mut DbConnection,
    signature_id: &str,
    expires_at: NaiveDateTime,
) -> Result<String, diesel::result::Error> {
    let token = token_codec::mint();
    let row = NewLinks {
        withdraw_expires_at: expires_at,
        verify_expires_at: None,
        signature_id: signature_id.to_owned(),
        withdraw_digest: token_codec::digest(&token.secret),
        verify_digest: None,
    };
    insert(connection, std::slice::from_ref(&row))?;
    Ok(link_token(signature_id, &token.secret))
}

/// Where a found token is stored, to mark that one used.
#[derive(Clone, Debug)]
enum Stored {
    Signature {
        purpose: TokenPurpose,
        digest: Vec<u8>,
    },
    /// A link minted before `signature_tokens`: its row in `tokens`.
    Legacy { id: String },
}

/// A token a link named, of the purpose asked for.
#[derive(Clone, Debug)]
pub struct FoundToken {
    stored: Stored,
    pub signature_id: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// One stored row as read back.
type LinksRow = (
    Option<Vec<u8>>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Vec<u8>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The token behind a link's token, if it is one of ours and of this purpose. Anything else
/// (malformed, forged, another purpose, another signature's secret) finds nothing.
pub fn find(
    connection: &mut DbConnection,
    link: &str,
    purpose: TokenPurpose,
) -> Result<Option<FoundToken>, diesel::result::Error> {
    if let Some((signature_id, secret)) = link.split_once('.') {
        if !looks_like_id(signature_id) || !token_codec::looks_like_secret(secret) {
            return Ok(None);
        }
        let digest = token_codec::digest(secret);
        // A signature has a row per email about it: a handful, read through one index.
        let rows: Vec<LinksRow> = signature_tokens::table
            .filter(signature_tokens::signature_id.eq(signature_id))
            .select((
                signature_tokens::verify_digest,
                signature_tokens::verify_expires_at,
                signature_tokens::verify_used_at,
                signature_tokens::withdraw_digest,
                signature_tokens::withdraw_expires_at,
                signature_tokens::withdraw_used_at,
            ))
            .load(connection)?;
        let found = rows.into_iter().find_map(
            |(verify, verify_expires, verify_used, withdraw, withdraw_expires, withdraw_used)| {
                match purpose {
                    TokenPurpose::Verify => (verify.as_ref() == Some(&digest))
                        .then_some(verify_expires)
                        .flatten()
                        .map(|expires| (expires, verify_used)),
                    TokenPurpose::Withdraw => {
                        (withdraw == digest).then_some((withdraw_expires, withdraw_used))
                    }
                    TokenPurpose::Invite => None,
                }
            },
        );
        return Ok(found.map(|(expires_at, used_at)| FoundToken {
            stored: Stored::Signature { purpose, digest },
            signature_id: signature_id.to_owned(),
            expires_at,
            used_at,
        }));
    }
    if !token_codec::looks_like_token(link) {
        return Ok(None);
    }
    let found = tokens::table
        .filter(tokens::token_hash.eq(token_codec::hash(link)))
        .filter(tokens::purpose.eq(purpose))
        .select((
            tokens::id,
            tokens::signature_id,
            tokens::expires_at,
            tokens::used_at,
        ))
        .first::<(String, Option<String>, NaiveDateTime, Option<NaiveDateTime>)>(connection)
        .optional()?;
    Ok(found.and_then(|(id, signature_id, expires_at, used_at)| {
        Some(FoundToken {
            stored: Stored::Legacy { id },
            signature_id: signature_id?,
            expires_at,
            used_at,
        })
    }))
}

/// A signature id's shape (a UUID as `db::new_id` writes it), checked before any query.
fn looks_like_id(text: &str) -> bool {
    text.len() == 36
        && text
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit() || byte == b'-')
}

/// Marks the token a link named as used.
pub fn mark_used(
    connection: &mut DbConnection,
    token: &FoundToken,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    let of_signature = signature_tokens::signature_id.eq(&token.signature_id);
    match &token.stored {
        Stored::Signature {
            purpose: TokenPurpose::Withdraw,
            digest,
        } => diesel::update(
            signature_tokens::table
                .filter(of_signature)
                .filter(signature_tokens::withdraw_digest.eq(digest)),
        )
        .set(signature_tokens::withdraw_used_at.eq(now))
        .execute(connection)?,
        Stored::Signature { digest, .. } => diesel::update(
            signature_tokens::table
                .filter(of_signature)
                .filter(signature_tokens::verify_digest.eq(digest)),
        )
        .set(signature_tokens::verify_used_at.eq(now))
        .execute(connection)?,
        Stored::Legacy { id } => diesel::update(tokens::table.find(id))
            .set(tokens::used_at.eq(now))
            .execute(connection)?,
    };
    Ok(())
}

/// Stops every unused confirm link of a signature from working (a resend's new link replaces
/// the old one), or with `None` every link of it (a withdrawal). Returns how many.
pub fn retire(
    connection: &mut DbConnection,
    signature_id: &str,
    purpose: Option<TokenPurpose>,
    now: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    let mut retired = 0;
    let purposes = match purpose {
        Some(purpose) => vec![purpose],
        None => vec![TokenPurpose::Verify, TokenPurpose::Withdraw],
    };
    if purposes.contains(&TokenPurpose::Verify) {
        retired += diesel::update(
            signature_tokens::table
                .filter(signature_tokens::signature_id.eq(signature_id))
                .filter(signature_tokens::verify_digest.is_not_null())
                .filter(signature_tokens::verify_used_at.is_null()),
        )
        .set(signature_tokens::verify_used_at.eq(now))
        .execute(connection)?;
    }
    if purposes.contains(&TokenPurpose::Withdraw) {
        retired += diesel::update(
            signature_tokens::table
                .filter(signature_tokens::signature_id.eq(signature_id))
                .filter(signature_tokens::withdraw_used_at.is_null()),
        )
        .set(signature_tokens::withdraw_used_at.eq(now))
        .execute(connection)?;
    }
    retired += diesel::update(
        tokens::table
            .filter(tokens::signature_id.eq(signature_id))
            .filter(tokens::purpose.eq_any(&purposes))
            .filter(tokens::used_at.is_null()),
    )
    .set(tokens::used_at.eq(now))
    .execute(connection)?;
    Ok(retired)
}

/// Deletes every token of these signatures (they are being deleted).
pub fn delete_for(
    connection: &mut DbConnection,
    signature_ids: &[String],
) -> Result<(), diesel::result::Error> {
    diesel::delete(
        signature_tokens::table.filter(signature_tokens::signature_id.eq_any(signature_ids)),
    )
    .execute(connection)?;
    diesel::delete(tokens::table.filter(tokens::signature_id.eq_any(signature_ids)))
        .execute(connection)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_its_signature_and_only_the_digests_are_kept() {
        let signature = crate::db::new_id();
        let now = crate::db::now();
        let (row, verify, withdraw) = mint_pair(&signature, now, now);
        let link = link_token(&signature, &verify);
        let (id, rest) = link.split_once('.').expect("a dot between id and secret");
        assert_eq!(id, signature);
        assert!(looks_like_id(id));
        assert!(token_codec::looks_like_token(rest));
        assert_ne!(verify, withdraw);
        assert_eq!(row.verify_digest, Some(token_codec::digest(&verify)));
        assert_eq!(row.withdraw_digest, token_codec::digest(&withdraw));
        assert_eq!(row.withdraw_digest.len(), 32);
        assert!(!looks_like_id("../../etc/passwd"));
        assert!(!looks_like_id(&"a".repeat(37)));
    }

    #[test]
    fn a_link_carries_its_language_when_it_has_an_address() {
        let base = "https://letters.example.org";
        assert_eq!(
            verify_url(base, Some("he"), "T"),
            "https://letters.example.org/he/verify/T"
        );
        assert_eq!(
            withdraw_url(base, Some("pt-br"), "T"),
            "https://letters.example.org/pt-BR/withdraw/T"
        );
        for none in [None, Some(""), Some("hebrew"), Some("<x>"), Some("api")] {
            assert_eq!(
                verify_url(base, none, "T"),
                "https://letters.example.org/verify/T"
            );
        }
    }
}
