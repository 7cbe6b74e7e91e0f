//! Enums stored as TEXT on both backends.
//!
//! `text_enum!` declares a fieldless enum together with the string each variant is stored
//! as, and makes it a column type diesel reads and writes through the `MultiConnection`:
//!
//! ```ignore
//! crate::text_enum! {
//!     /// Where a letter is in its life.
//!     pub enum LetterStatus {
//!         Draft => "draft",
//!         Open => "open",
//!     }
//! }
//! ```
//!
//! Then `status: LetterStatus` works in a `Queryable`/`Selectable` row whose column is
//! `Text`, and `letters::status.eq(LetterStatus::Open)` in queries. The enum also gets
//! `ALL` (every variant, in declaration order), `as_str`, `parse` (`None` for an unknown
//! name), `Display`, `FromStr` and serde (as its stored name).
//!
//! Reading a value that names no variant is an error (the query fails, naming the column's
//! type and the value): a misspelt or newer state must never pass as some default.
//!
//! Why not `diesel-derive-enum`: it implements the traits for each concrete backend with a
//! generated SQL type (a PostgreSQL `ENUM` type), not for the `MultiBackend` of our derived
//! connection nor for plain TEXT columns. The impls below are generic over the backend and
//! lean on `str`/`String` being TEXT there, which holds for SQLite, PostgreSQL and the
//! `MultiBackend` alike.

/// Declares a fieldless enum stored as TEXT. See the module documentation.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $visibility:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        // Stored as the TEXT it is spelled as.
        #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $visibility enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            /// Every variant, in the order declared.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The name stored in the database and shown in URLs, forms and exports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The variant stored as `text`; `None` for an unknown name.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        $crate::text_column!(@parsed $name, |value| value.as_str());
    };
}

/// A stored or typed name that is not one of the enum's variants.
#[derive(Debug, thiserror::Error)]
#[error("unknown {type_name} {value:?}")]
pub struct UnknownValue {
    pub type_name: &'static str,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    crate::text_enum! {
        /// A test enum.
        enum Light {
            Red => "red",
            Green => "green",
        }
    }

    fn database() -> crate::db::DbConnection {
        crate::db::DbConnection::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite"),
        )
    }

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for light in Light::ALL {
            assert_eq!(Light::parse(light.as_str()), Some(light));
            assert_eq!(light.to_string(), light.as_str());
        }
        let error = "amber".parse::<Light>().expect_err("not a light");
        assert_eq!(error.to_string(), "unknown Light \"amber\"");
        assert_eq!(
            serde_json::to_string(&Light::Green).expect("serializes"),
            "\"green\""
        );
        assert!(serde_json::from_str::<Light>("\"blue\"").is_err());
    }

    #[test]
    fn the_database_reads_and_writes_the_names() {
        let mut connection = database();
        let read: Light = diesel::select(Light::Green.into_sql::<Text>())
            .get_result(&mut connection)
            .expect("a known name reads back");
        assert_eq!(read, Light::Green);
        let unknown = diesel::select(diesel::dsl::sql::<Text>("'amber'"))
            .get_result::<Light>(&mut connection)
            .expect_err("an unknown name is an error, not a default");
        assert!(unknown.to_string().contains("amber"), "{unknown}");
    }
}
