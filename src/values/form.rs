//! The one decoder for `application/x-www-form-urlencoded` bodies: strict UTF-8, then serde.
//!
//! Common decoders replace invalid UTF-8 with U+FFFD, which would store a mangled name; this
//! one refuses such a body. A form is a struct with `Deserialize`; a new field is a struct
//! field, and repeated keys (`id=a&id=b`) fill a `Vec`.

use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("The form was not valid UTF-8 text.")]
    InvalidUtf8,
    #[error("The form was malformed.")]
    Malformed,
    /// No text anyone types holds a NUL, and PostgreSQL cannot store one: refused here for
    /// every form, rather than by the database as an error.
    #[error("The form contains a NUL character, which no text may hold.")]
    Nul,
    #[error("The form was malformed: {0}")]
    Fields(String),
}

/// Decodes a urlencoded body into `T`, refusing a NUL anywhere in it.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormError> {
    check_strictly(body, Nul::Refused)?;
    serde_html_form::from_bytes(body).map_err(|error| FormError::Fields(error.to_string()))
}

/// Like [`decode`], but a NUL in a value is left for the form's own rules: only for a form
/// whose every field is checked by a rule that refuses control characters and names the
/// field (the sign form, the letter editor), so the person sees which field to fix.
pub fn decode_checked_fields<T: DeserializeOwned>(body: &[u8]) -> Result<T, FormError> {
    check_strictly(body, Nul::LeftToTheFields)?;
    serde_html_form::from_bytes(body).map_err(|error| FormError::Fields(error.to_string()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nul {
    Refused,
    LeftToTheFields,
}

/// Whether every key and value is well-formed percent-encoding of valid UTF-8 (and, unless
/// left to the fields, holds no NUL; a key never may).
fn check_strictly(body: &[u8], nul: Nul) -> Result<(), FormError> {
    for pair in body.split(|byte| *byte == b'&') {
        for (position, component) in pair.splitn(2, |byte| *byte == b'=').enumerate() {
            let is_key = position == 0;
            let mut bytes = Vec::with_capacity(component.len());
            let mut index = 0;
            while index < component.len() {
                match component[index] {
                    b'%' => {
                        let digit = |offset: usize| {
                            component
                                .get(index + offset)
                                .and_then(|c| (*c as char).to_digit(16))
                        };
                        match (digit(1), digit(2)) {
                            (Some(high), Some(low)) => bytes.push((high * 16 + low) as u8),
                            _ => return Err(FormError::Malformed),
                        }
                        index += 3;
                    }
                    byte => {
                        bytes.push(byte);
                        index += 1;
                    }
                }
            }
            std::str::from_utf8(&bytes).map_err(|_| FormError::InvalidUtf8)?;
            if bytes.contains(&0) && (is_key || nul == Nul::Refused) {
                return Err(FormError::Nul);
            }
        }
    }
    Ok(())
}

/// A ticked box: `on` (what browsers send), `true`, `1` or `yes`, or a JSON boolean.
pub fn checkbox<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct Checkbox;
    impl serde::de::Visitor<'_> for Checkbox {
        type Value = bool;
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a checkbox value")
        }
        fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<bool, E> {
            Ok(value)
        }
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<bool, E> {
            Ok(matches!(
                value.trim().to_ascii_lowercase().as_str(),
                "on" | "true" | "1" | "yes"
            ))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    deserializer.deserialize_any(Checkbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form shaped like the sign form: text fields, a box, and fields it does not know.
    #[derive(serde::Deserialize, Debug, Default)]
    #[serde(default)]
    struct SignatureFields {
        name: String,
        email: String,
        #[serde(deserialize_with = "checkbox")]
        public: bool,
        #[serde(rename = "t")]
        form_time: String,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Bulk {
        #[serde(default)]
        id: Vec<String>,
    }

    #[test]
    fn decodes_forms_and_refuses_invalid_utf8() {
        let decoded: SignatureFields = decode(
            b"name=Ada+L%C3%B6velace&email=ada%40example.org&public=on&extra=1&nickname=&t=1.ab",
        )
        .expect("decodes");
        assert_eq!(decoded.name, "Ada Lövelace");
        assert_eq!(decoded.email, "ada@example.org");
        assert!(decoded.public);
        assert_eq!(decoded.form_time, "1.ab");
        assert!(matches!(
            decode::<SignatureFields>(b"name=%FF%FE"),
            Err(FormError::InvalidUtf8)
        ));
        assert!(matches!(
            decode::<SignatureFields>(b"name=\xff"),
            Err(FormError::InvalidUtf8)
        ));
        assert!(matches!(
            decode::<SignatureFields>(b"name=%G1"),
            Err(FormError::Malformed)
        ));
        for nul in [
            &b"name=Ada%00"[..],
            b"name%00=x",
            b"name=\0",
            b"x=1&email=a%00b",
        ] {
            assert!(
                matches!(decode::<SignatureFields>(nul), Err(FormError::Nul)),
                "{nul:?}"
            );
        }
        let left: SignatureFields = decode_checked_fields(b"name=Ada%00").expect("decodes");
        assert_eq!(left.name, "Ada\0");
        assert!(matches!(
            decode_checked_fields::<SignatureFields>(b"na%00me=Ada"),
            Err(FormError::Nul)
        ));
        let unticked: SignatureFields = decode(b"name=x").expect("decodes");
        assert!(!unticked.public);
    }

    #[test]
    fn repeated_keys_fill_a_list() {
        let bulk: Bulk = decode(b"id=a&id=b&csrf=x").expect("decodes");
        assert_eq!(bulk.id, vec!["a".to_owned(), "b".to_owned()]);
    }

    #[test]
    fn generated_bodies_never_panic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x666f726d);
        for _ in 0..20_000 {
            let length = rng.random_range(0..120);
            let raw: Vec<u8> = (0..length).map(|_| rng.random()).collect();
            let _ = decode::<SignatureFields>(&raw);
            let _ = decode::<Bulk>(&raw);
        }
    }
}
