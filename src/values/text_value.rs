//! Text values stored as TEXT on both backends.
//!
//! `text_value!` declares a newtype over `String` that only ever holds text its rule accepts,
//! and makes it a column type diesel reads and writes through the `MultiConnection`, the way
//! `text_enum!` does for enums:
//!
//! ```ignore
//! crate::text_value! {
//!     /// A letter's address part.
//!     pub struct Slug(rule = is_valid_slug);
//! }
//! ```
//!
//! The rule is any `fn(&str) -> bool`. The type gets `parse` (`None` when the rule refuses
//! the text), `as_str`, `into_string`, `Display`, `AsRef<str>`, `Deref<Target = str>` (so
//! `&slug` goes wherever a `&str` did), `Borrow<str>`, comparison with `str`, serde (as the
//! text; deserializing applies the rule) and `ToSql`/`FromSql` for `Text`.
//!
//! The stored bytes are the text itself: converting a `String` column to such a type changes
//! nothing in the database. Reading a stored value the rule refuses is an error naming the
//! type and the value, as for `text_enum!`, so a column may hold such a type only when every
//! stored value follows the rule (values that may predate it are read as `String`).

/// Declares a newtype over `String` stored as TEXT. See the module documentation.
#[macro_export]
macro_rules! text_value {
    (
        $(#[$meta:meta])*
        $visibility:vis struct $name:ident(rule = $rule:expr);
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        // Stored as the TEXT it is spelled as.
        #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $visibility struct $name(String);

        impl $name {
            /// `text` as this value; `None` when the rule refuses it.
            pub fn parse(text: &str) -> Option<$name> {
                let rule: fn(&str) -> bool = $rule;
                rule(text).then(|| $name(text.to_owned()))
            }

            /// The text, as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        $crate::text_column!(@parsed $name, |value| &value.0);
    };
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    crate::text_value! {
        /// A test value: lowercase ASCII letters only.
        struct Word(rule = |text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase()));
    }

    fn database() -> crate::db::DbConnection {
        crate::db::DbConnection::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite"),
        )
    }

    #[test]
    fn the_rule_decides_what_parses_and_the_text_is_kept_as_is() {
        let word = Word::parse("letter").expect("a word");
        assert_eq!(word.as_str(), "letter");
        assert_eq!(word.to_string(), "letter");
        assert_eq!(&*word, "letter");
        assert_eq!(word.len(), 6, "Deref reaches str's methods");
        assert!(word == "letter");
        assert_eq!(Word::parse("Letter"), None);
        assert_eq!(Word::parse(""), None);
        let error = "two words".parse::<Word>().expect_err("refused");
        assert_eq!(error.to_string(), "unknown Word \"two words\"");
        assert_eq!(
            serde_json::to_string(&word).expect("serializes"),
            "\"letter\""
        );
        assert!(serde_json::from_str::<Word>("\"NO\"").is_err());
    }

    #[test]
    fn the_database_stores_the_text_and_refuses_what_breaks_the_rule() {
        let mut connection = database();
        let word = Word::parse("letter").expect("a word");
        let stored: String = diesel::select(word.clone().into_sql::<Text>())
            .get_result(&mut connection)
            .expect("written as TEXT");
        assert_eq!(stored, "letter", "the same bytes as the String was");
        let read: Word = diesel::select(word.as_str().into_sql::<Text>())
            .get_result(&mut connection)
            .expect("reads back");
        assert_eq!(read.into_string(), "letter");
        let refused = diesel::select(diesel::dsl::sql::<Text>("'Two Words'"))
            .get_result::<Word>(&mut connection)
            .expect_err("a stored value the rule refuses is an error");
        assert!(refused.to_string().contains("Two Words"), "{refused}");
    }
}
