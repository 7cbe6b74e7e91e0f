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
}

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
}
