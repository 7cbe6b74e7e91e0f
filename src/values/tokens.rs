//! Emailed tokens: 256 random bits, sent once, stored only as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

crate::text_enum! {
    /// What an emailed token is for; a token of one purpose never works for another.
    pub enum TokenPurpose {
        Verify => "verify",
        Withdraw => "withdraw",
        Invite => "invite",
    }
}

/// A freshly minted token: `secret` goes into the email and is then forgotten.
pub struct NewToken {
    pub secret: String,
    pub hash: String,
}

pub fn mint() -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&secret);
    NewToken { secret, hash }
}

/// The stored form of a token. Anything that is not a well-formed token hashes to a value no
/// stored token has, so forged input simply finds nothing.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The stored form of a token as 32 bytes (SHA-256), where no index is built over it (a
/// signature's links: `signatures::links`); `hash` is the same digest in hex.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Cheap shape check before touching the database.
pub fn looks_like_token(secret: &str) -> bool {
    secret.len() == 43
        && secret
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// The shape of a secret in a link of the `{id}.{secret}` form: URL-safe base64 of 128 to
/// 512 bits. This release mints 256; taking any length in that range means a link minted by
/// a later release with other secrets still works here during a rolling upgrade. Anything
/// of that shape that is not ours simply matches no stored digest.
pub fn looks_like_secret(secret: &str) -> bool {
    (22..=86).contains(&secret.len())
        && secret
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_urlsafe_and_hash_stably() {
        let first = mint();
        let second = mint();
        assert_ne!(first.secret, second.secret);
        assert!(looks_like_token(&first.secret));
        assert_eq!(hash(&first.secret), first.hash);
        assert_eq!(first.hash.len(), 64);
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&"a/".repeat(22)[..43]));
        assert!(looks_like_secret(&first.secret));
        assert!(looks_like_secret(&"A".repeat(22)) && looks_like_secret(&"A".repeat(86)));
        assert!(!looks_like_secret(&"A".repeat(21)) && !looks_like_secret(&"A".repeat(87)));
        assert!(!looks_like_secret(&"a.".repeat(15)));
    }
}
