//! The sign form: decoding (strict UTF-8) and validation into a `SignatureInput` that cannot
//! hold an invalid value. Every refusal names its field in words a signer understands.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::SignatureKind;
use super::fields::{SignerText, SignerTextForm};
use crate::i18n::Message;
use crate::values::email_address::{EmailAddress, EmailAddressError};
use crate::values::form::checkbox;
use crate::values::text::TextError;

/// What the form (or the JSON API) sent, before any checking. Decoded from a urlencoded
/// body by `http::form::decode` and from JSON by serde: one struct, one list of fields.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignatureFields {
    pub kind: String,
    pub name: String,
    pub email: String,
    pub organization: String,
    /// The optional fields (title, city, ...: `super::fields`).
    #[serde(flatten)]
    pub text: SignerTextForm,
    #[serde(deserialize_with = "checkbox")]
    pub public: bool,
    /// "Keep me updated about this letter": a consent of its own, never ticked in advance.
    #[serde(deserialize_with = "checkbox")]
    pub updates: bool,
    /// The referral code of the member whose link the signer came through (`?via=` on the
    /// letter page, carried as a hidden field). Malformed or unknown: no referral, no error;
    /// a JSON number or object there is no referral either.
    #[serde(deserialize_with = "lenient_text")]
    pub via: String,
    /// "Let <member> keep me informed": only offered, and only stored, with a member's code.
    #[serde(deserialize_with = "checkbox")]
    pub share_with_member: bool,
    /// The honeypot: people leave it empty.
    #[serde(rename = "nickname")]
    pub honeypot: String,
    /// The signed time the form was shown (`t` in the form, `form_token` in JSON, as handed
    /// out by `GET /api/v1/letters/{slug}`).
    #[serde(rename = "t", alias = "form_token")]
    pub form_time: String,
    /// The language of the letter text the form was shown with (a hidden field; `lang` in
    /// JSON). Whether the letter has that text is settled by the handler, which signs the
    /// letter as read in it, or in its original when it has no such text.
    #[serde(deserialize_with = "lenient_text")]
    pub lang: String,
}

/// Text, or nothing for any other value: for fields whose bad values are ignored, not refused.
fn lenient_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Lenient::deserialize(deserializer)? {
        Lenient::Text(text) => text,
        Lenient::Other(_) => String::new(),
    })
}

/// A checked signature, ready to store.
#[derive(Clone, Debug)]
pub struct SignatureInput {
    pub kind: SignatureKind,
    pub name: String,
    pub email: EmailAddress,
    pub organization: Option<String>,
    pub text: SignerText,
    pub public: bool,
    pub updates: bool,
    /// A well-formed member code (`crate::members::codes::parse_code`); whether a live member holds
    /// it is settled when the signature is stored.
    pub via: Option<String>,
    pub share_with_member: bool,
    /// The language for the emails this signature gets (canonical tag, an interface
    /// language); `None`: the default. Set by `admission`, not read from the form.
    pub mail_lang: Option<String>,
}

/// Field name to what is wrong with it, in form order.
pub type FieldErrors = BTreeMap<&'static str, FieldError>;

/// What is wrong with one field, in English for the JSON API (`Display`) and as a catalog
/// message for pages (`message`), whose words the reader's language gives.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("Choose whether you sign as a person or an organization.")]
    ChooseKind,
    #[error("This letter is signed by organizations only.")]
    OrganizationsOnly,
    #[error("This letter is signed by individuals only.")]
    IndividualsOnly,
    #[error("Enter your name.")]
    EnterName,
    #[error("Enter the organization's name.")]
    EnterOrganization,
    #[error("Signatures from this email domain are not accepted. Please use another address.")]
    BlockedDomain,
    #[error(transparent)]
    Email(#[from] EmailAddressError),
    #[error(transparent)]
    Text(#[from] TextError),
}

impl FieldError {
    pub fn message(&self) -> Message {
        match self {
            FieldError::ChooseKind => Message::id("error-choose-kind"),
            FieldError::OrganizationsOnly => Message::id("error-organizations-only"),
            FieldError::IndividualsOnly => Message::id("error-individuals-only"),
            FieldError::EnterName => Message::id("error-enter-name"),
            FieldError::EnterOrganization => Message::id("error-enter-organization"),
            FieldError::BlockedDomain => Message::id("error-blocked-domain"),
            FieldError::Email(error) => error.into(),
            FieldError::Text(error) => (*error).into(),
        }
    }
}

/// The JSON API's `fields` speak English, for programs.
impl serde::Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

pub const NAME_MAX: usize = 200;
pub use crate::values::text::ORGANIZATION_MAX;

/// Which kinds of signature the letter takes; the form is checked against it.
#[derive(Clone, Copy, Debug)]
pub struct AcceptedKinds {
    pub individuals: bool,
    pub organizations: bool,
}

pub fn validate(
    fields: &SignatureFields,
    accepted: AcceptedKinds,
) -> Result<SignatureInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = match fields.kind.trim() {
        "" | "individual" => Some(SignatureKind::Individual),
        "organization" => Some(SignatureKind::Organization),
        _ => {
            errors.insert("kind", FieldError::ChooseKind);
            None
        }
    };
    match kind {
        Some(SignatureKind::Individual) if !accepted.individuals => {
            errors.insert("kind", FieldError::OrganizationsOnly);
        }
        Some(SignatureKind::Organization) if !accepted.organizations => {
            errors.insert("kind", FieldError::IndividualsOnly);
        }
        _ => {}
    }

    let name = text_field(
        &mut errors,
        "name",
        &fields.name,
        NAME_MAX,
        Some(FieldError::EnterName),
    );
    let email = match EmailAddress::parse(&fields.email) {
        Ok(email) => Some(email),
        Err(error) => {
            errors.insert("email", error.into());
            None
        }
    };
    let organization_required = kind == Some(SignatureKind::Organization);
    let organization = text_field(
        &mut errors,
        "organization",
        &fields.organization,
        ORGANIZATION_MAX,
        organization_required.then_some(FieldError::EnterOrganization),
    );
    let text = SignerText::check(&fields.text, &mut errors);

    let via = crate::members::codes::parse_code(&fields.via);

    match (kind, name, email) {
        (Some(kind), Some(name), Some(email)) if errors.is_empty() => Ok(SignatureInput {
            kind,
            name,
            email,
            organization,
            text,
            public: fields.public,
            updates: fields.updates,
            share_with_member: fields.share_with_member && via.is_some(),
            via,
            mail_lang: None,
        }),
        _ => Err(errors),
    }
}

/// A one-line field under the shared text rules (see `crate::values::text`); `missing` is
/// what an empty required field is told (`None`: the field is optional).
fn text_field(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    missing: Option<FieldError>,
) -> Option<String> {
    match crate::values::text::one_line(raw, max) {
        Ok(Some(value)) => Some(value),
        Ok(None) => {
            if let Some(missing) = missing {
                errors.insert(field, missing);
            }
            None
        }
        Err(error) => {
            errors.insert(field, error.into());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: AcceptedKinds = AcceptedKinds {
        individuals: true,
        organizations: true,
    };

    fn fields(name: &str, email: &str) -> SignatureFields {
        SignatureFields {
            name: name.into(),
            email: email.into(),
            ..SignatureFields::default()
        }
    }

    #[test]
    fn a_complete_individual_signature_is_accepted() {
        let mut input = fields("  Ada   Lovelace ", "ada@example.org");
        input.text.city = "London".into();
        input.text.comment = "  Yes.\r\nAbsolutely. ".into();
        let valid = validate(&input, BOTH).expect("valid");
        assert_eq!(valid.kind, SignatureKind::Individual);
        assert_eq!(valid.name, "Ada Lovelace");
        assert_eq!(valid.text.city.as_deref(), Some("London"));
        assert_eq!(valid.text.comment.as_deref(), Some("Yes.\nAbsolutely."));
        assert_eq!(valid.text.country, None);
    }

    #[test]
    fn each_problem_is_reported_on_its_field() {
        let mut input = fields("", "not-an-email");
        input.text.city = "x".repeat(100 + 1);
        input.kind = "robot".into();
        let errors = validate(&input, BOTH).expect_err("invalid");
        assert!(errors.contains_key("name"));
        assert!(errors.contains_key("email"));
        assert!(errors.contains_key("city"));
        assert!(errors.contains_key("kind"));
    }

    #[test]
    fn control_characters_in_names_are_refused() {
        let errors = validate(&fields("Ada\u{0}Lovelace", "ada@example.org"), BOTH)
            .expect_err("control character");
        assert!(errors.contains_key("name"));
    }

    #[test]
    fn organizations_need_a_name_and_an_accepting_letter() {
        let mut input = fields("Grace", "grace@example.org");
        input.kind = "organization".into();
        let errors = validate(&input, BOTH).expect_err("organization name missing");
        assert!(errors.contains_key("organization"));
        input.organization = "Friends of the Earth".into();
        let individuals_only = AcceptedKinds {
            individuals: true,
            organizations: false,
        };
        let errors = validate(&input, individuals_only).expect_err("letter refuses organizations");
        assert!(errors.contains_key("kind"));
    }

    #[test]
    fn the_shared_text_rules_apply_to_every_field() {
        let errors = validate(&fields("Ada\u{202E}ecalevol", "ada@example.org"), BOTH)
            .expect_err("direction override");
        assert!(errors.contains_key("name"));
        let errors = validate(&fields("\u{200B}\u{200B}", "ada@example.org"), BOTH)
            .expect_err("only invisible characters");
        assert!(errors.contains_key("name"));
        let mut input = fields("Zoe\u{0308}", "zoe@example.org");
        input.text.city = "Köln\nBonn".into();
        assert!(
            validate(&input, BOTH)
                .expect_err("line break")
                .contains_key("city")
        );
        input.text.city = "Köln".into();
        input.text.comment = "Z\u{0301}\u{0302}\u{0303}\u{0304}\u{0305}\u{0306}".into();
        assert!(
            validate(&input, BOTH)
                .expect_err("zalgo")
                .contains_key("comment")
        );
        input.text.comment = String::new();
        assert_eq!(validate(&input, BOTH).expect("valid").name, "Zo\u{00EB}");
    }

    #[test]
    fn websites_must_be_web_addresses() {
        let mut input = fields("Ada", "ada@example.org");
        input.text.website = "http://a b.example".into();
        assert!(
            validate(&input, BOTH)
                .expect_err("space")
                .contains_key("website")
        );
        input.text.website = "javascript:alert(1)".into();
        assert!(
            validate(&input, BOTH)
                .expect_err("scheme")
                .contains_key("website")
        );
        input.text.website = "example.org/path".into();
        assert_eq!(
            validate(&input, BOTH)
                .expect("bare domain")
                .text
                .website
                .as_deref(),
            Some("https://example.org/path")
        );
        input.text.website = "www.example.org".into();
        assert_eq!(
            validate(&input, BOTH)
                .expect("bare domain with www")
                .text
                .website
                .as_deref(),
            Some("https://www.example.org")
        );
        for hostile in ["example.org<script>", "example.org\"onmouseover=alert(1)"] {
            input.text.website = hostile.into();
            assert!(
                validate(&input, BOTH)
                    .expect_err("markup in an address")
                    .contains_key("website"),
                "{hostile}"
            );
        }
    }

    /// Many generated inputs, valid and hostile: decoding and validation never panic, and
    /// whatever they accept obeys the rules the rest of the system relies on.
    #[test]
    fn generated_forms_never_panic_and_accepted_ones_are_clean() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x756e6465);
        let alphabet: Vec<char> = "aZ09 .+-_@%=&\t\n\r\u{0}\u{7}\u{202e}éß漢🙂<>\"'"
            .chars()
            .collect();
        // The form's own fields, every optional one from the field table (a new one is
        // generated too), and names the form does not have.
        let keys: Vec<&str> = ["name", "email", "kind", "organization"]
            .into_iter()
            .chain(
                crate::signatures::fields::FIELDS
                    .iter()
                    .map(|field| field.name),
            )
            .chain(["public", "t", "nickname", "x"])
            .collect();
        for round in 0..20_000 {
            // Structured forms with hostile values.
            let mut body = String::new();
            for _ in 0..rng.random_range(0..8) {
                let key = keys[rng.random_range(0..keys.len())];
                let value: String = (0..rng.random_range(0..40))
                    .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                    .collect();
                if round % 3 == 0 && key == "email" {
                    body.push_str("email=ada%40example.org&");
                    continue;
                }
                body.push_str(key);
                body.push('=');
                for byte in value.bytes() {
                    body.push_str(&format!("%{byte:02X}"));
                }
                body.push('&');
            }
            let Ok(fields) = crate::values::form::decode::<SignatureFields>(body.as_bytes()) else {
                continue;
            };
            if let Ok(input) = validate(&fields, BOTH) {
                assert!(!input.name.is_empty() && input.name.chars().count() <= NAME_MAX);
                assert!(
                    !input.name.chars().any(char::is_control),
                    "{:?}",
                    input.name
                );
                assert_eq!(input.name, input.name.trim());
                assert!(input.email.normalized().contains('@'));
                assert_eq!(
                    input.email.normalized(),
                    input.email.normalized().to_lowercase()
                );
                for text in [
                    &input.organization,
                    &input.text.title,
                    &input.text.city,
                    &input.text.country,
                ]
                .into_iter()
                .flatten()
                {
                    assert!(!text.chars().any(char::is_control) && !text.is_empty());
                }
                if let Some(comment) = &input.text.comment {
                    assert!(comment.chars().count() <= 1000);
                    assert!(
                        !comment
                            .chars()
                            .any(|c| c.is_control() && c != '\n' && c != '\t')
                    );
                }
            }
        }
    }
}
