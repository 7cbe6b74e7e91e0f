//! Language tags: the one parser for a language named by a stranger (addresses, cookies,
//! headers, files), in canonical form from then on.

use unic_langid::CharacterDirection;
use unic_langid::LanguageIdentifier;

/// Longer tags than this are not languages anyone reads; refusing them keeps headers and
/// cookies from growing what we parse and store.
const MAX_TAG_LEN: usize = 35;

/// A BCP 47 language tag in canonical form (`he`, `pt-BR`, `sr-Latn`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LanguageTag(LanguageIdentifier);

impl LanguageTag {
    /// The one parser for language tags from strangers (addresses, cookies, headers, files).
    /// `und` (undetermined) and anything unparsable are not languages.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_TAG_LEN {
            return None;
        }
        let id: LanguageIdentifier = text.parse().ok()?;
        (id.language.as_str() != "und").then_some(Self(id))
    }

    /// The canonical spelling, as stored and as written in `lang=""` and addresses.
    pub fn as_str(&self) -> String {
        self.0.to_string()
    }

    /// The language subtag alone (`pt` for `pt-BR`).
    pub fn language(&self) -> &str {
        self.0.language.as_str()
    }

    /// Whether the language is written right to left (Hebrew, Arabic, Persian, ...).
    pub fn is_rtl(&self) -> bool {
        self.0.character_direction() == CharacterDirection::RTL
    }

    /// The value for an HTML `dir` attribute.
    pub fn dir(&self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    pub fn identifier(&self) -> &LanguageIdentifier {
        &self.0
    }
}

impl std::fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl AsRef<LanguageIdentifier> for LanguageTag {
    fn as_ref(&self) -> &LanguageIdentifier {
        &self.0
    }
}
