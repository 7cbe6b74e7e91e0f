//! Language tags: the one parser for a language named by a stranger (addresses, cookies,
//! headers, files), in canonical form from then on.

use unic_langid::CharacterDirection;
use unic_langid::LanguageIdentifier;

/// Longer tags than this are not languages anyone reads; refusing them keeps headers and
/// cookies from growing what we parse and store.
const MAX_TAG_LEN: usize = 35;

/// A BCP 47 language tag in canonical form (`he`, `pt-BR`, `sr-Latn`).
///
/// Stored as TEXT in its canonical spelling (the bytes `as_str` gives, which the `String`s
/// it replaces held); reading a stored value that does not parse is an error, as for
/// `text_enum!`: every language column is written from a parsed tag.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
// Stored as the TEXT it is spelled as.
#[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct LanguageTag {
    id: LanguageIdentifier,
    /// The canonical spelling, kept so that it can be borrowed (and bound in a query).
    text: String,
}

impl LanguageTag {
    /// The one parser for language tags from strangers (addresses, cookies, headers, files).
    /// `und` (undetermined) and anything unparsable are not languages.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_TAG_LEN {
            return None;
        }
        let id: LanguageIdentifier = text.parse().ok()?;
        (id.language.as_str() != "und").then(|| Self {
            text: id.to_string(),
            id,
        })
    }

    /// The canonical spelling, as stored and as written in `lang=""` and addresses, owned
    /// (`&*tag` borrows it).
    pub fn as_str(&self) -> String {
        self.text.clone()
    }

    pub fn into_string(self) -> String {
        self.text
    }

    /// The language subtag alone (`pt` for `pt-BR`).
    pub fn language(&self) -> &str {
        self.id.language.as_str()
    }

    /// Whether the language is written right to left (Hebrew, Arabic, Persian, ...).
    pub fn is_rtl(&self) -> bool {
        self.id.character_direction() == CharacterDirection::RTL
    }

    /// The value for an HTML `dir` attribute.
    pub fn dir(&self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    pub fn identifier(&self) -> &LanguageIdentifier {
        &self.id
    }

    /// A tag a letter may be kept in: one that has an address (`/{lang}/letters/...`). The
    /// language subtag must be two or three letters (ISO 639; the five-to-eight-letter
    /// registered subtags are never used for letters), and not a first path segment the
    /// service already uses for itself (`/api/`).
    pub fn is_routable(&self) -> bool {
        let language = self.id.language.as_str();
        (2..=3).contains(&language.len()) && !RESERVED_SEGMENTS.contains(&language)
    }

    /// [`LanguageTag::parse`], for a tag a letter, a translation, a member or an update is
    /// kept in: `None` unless it [`is_routable`](LanguageTag::is_routable).
    pub fn parse_routable(text: &str) -> Option<Self> {
        Self::parse(text).filter(Self::is_routable)
    }

    /// The language's name in itself (`עברית` for `he`), for pickers and switchers; the tag
    /// itself for a language not in [`KNOWN`].
    pub fn own_name(&self) -> String {
        KNOWN
            .iter()
            .find(|(code, _)| *code == self.text)
            .or_else(|| {
                KNOWN
                    .iter()
                    .find(|(code, _)| *code == self.id.language.as_str())
            })
            .map_or_else(|| self.text.clone(), |(_, name)| (*name).to_owned())
    }

    /// The languages staff pick from in the console, as tags, in [`KNOWN`] order.
    pub fn known() -> &'static [LanguageTag] {
        static TAGS: std::sync::OnceLock<Vec<LanguageTag>> = std::sync::OnceLock::new();
        TAGS.get_or_init(|| {
            KNOWN
                .iter()
                .filter_map(|(code, _)| LanguageTag::parse(code))
                .collect()
        })
    }

    /// A language picked in the console: one of [`KNOWN`] and nothing else, so a free-text
    /// "Hebrew" can never become a tag no address reaches.
    pub fn parse_known(text: &str) -> Option<Self> {
        let tag = Self::parse(text)?;
        Self::known().contains(&tag).then_some(tag)
    }
}

/// First path segments that are the service's own and so can never name a language.
const RESERVED_SEGMENTS: [&str; 1] = ["api"];

/// The languages the console offers for letters, translations, members and updates, with
/// each one's name in itself. A letter imported in another routable tag still works; this is
/// only what staff choose from.
pub const KNOWN: &[(&str, &str)] = &[
    ("en", "English"),
    ("he", "עברית"),
    ("ar", "العربية"),
    ("fr", "Français"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("pt-BR", "Português (Brasil)"),
    ("nl", "Nederlands"),
    ("ca", "Català"),
    ("eu", "Euskara"),
    ("ga", "Gaeilge"),
    ("cy", "Cymraeg"),
    ("da", "Dansk"),
    ("sv", "Svenska"),
    ("nb", "Norsk bokmål"),
    ("fi", "Suomi"),
    ("pl", "Polski"),
    ("cs", "Čeština"),
    ("sk", "Slovenčina"),
    ("hu", "Magyar"),
    ("ro", "Română"),
    ("el", "Ελληνικά"),
    ("tr", "Türkçe"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("fa", "فارسی"),
    ("ur", "اردو"),
    ("ku", "Kurdî"),
    ("yi", "ייִדיש"),
    ("am", "አማርኛ"),
    ("sw", "Kiswahili"),
    ("hi", "हिन्दी"),
    ("bn", "বাংলা"),
    ("id", "Bahasa Indonesia"),
    ("zh", "中文"),
    ("ja", "日本語"),
    ("ko", "한국어"),
];

impl std::fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl AsRef<LanguageIdentifier> for LanguageTag {
    fn as_ref(&self) -> &LanguageIdentifier {
        &self.id
    }
}

/// The canonical spelling, borrowed: `&tag` goes where a language's `&str` did.
impl std::ops::Deref for LanguageTag {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq<str> for LanguageTag {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for LanguageTag {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for LanguageTag {
    fn eq(&self, other: &String) -> bool {
        self.text == *other
    }
}

crate::text_column!(@write LanguageTag, |value| &value.text);

impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for LanguageTag
where
    DB: diesel::backend::Backend,
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let text =
            <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
        LanguageTag::parse(&text)
            .ok_or_else(|| format!("stored language tag {text:?} is not a language").into())
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::LanguageTag;

    #[test]
    fn a_tag_is_stored_as_its_canonical_spelling_and_read_back() {
        let mut connection = crate::db::DbConnection::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite"),
        );
        let tag = LanguageTag::parse("pt-br").expect("a language");
        assert_eq!(&*tag, "pt-BR");
        let stored: String = diesel::select(tag.clone().into_sql::<Text>())
            .get_result(&mut connection)
            .expect("written as TEXT");
        assert_eq!(stored, "pt-BR");
        let read: LanguageTag = diesel::select("sr-Latn".into_sql::<Text>())
            .get_result(&mut connection)
            .expect("reads back");
        assert_eq!(read, LanguageTag::parse("sr-Latn").expect("a language"));
        assert!(read.identifier().script.is_some());
        let refused = diesel::select(diesel::dsl::sql::<Text>("'und'"))
            .get_result::<LanguageTag>(&mut connection)
            .expect_err("a stored text that is no language is an error");
        assert!(refused.to_string().contains("und"), "{refused}");
    }

    #[test]
    fn only_tags_with_an_address_are_routable() {
        for good in ["he", "he-IL", "pt-BR", "sr-Latn", "yue"] {
            assert!(LanguageTag::parse_routable(good).is_some(), "{good}");
        }
        for bad in ["abcde", "api", "hebrew", "Hebrew"] {
            assert!(LanguageTag::parse_routable(bad).is_none(), "{bad}");
        }
        assert!(LanguageTag::parse_known("hebrew").is_none());
        assert_eq!(
            LanguageTag::parse_known("he").map(|tag| tag.own_name()),
            Some("עברית".to_owned())
        );
        assert_eq!(
            LanguageTag::parse("he-IL").map(|tag| tag.own_name()),
            Some("עברית".to_owned())
        );
        assert_eq!(LanguageTag::known().len(), super::KNOWN.len());
    }
}
