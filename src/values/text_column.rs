//! One way for a value of ours to be a TEXT column on both backends (through the
//! `MultiConnection`): written as the text it holds, read back through its parser. Used by
//! `text_enum!`, `text_value!`, `EmailAddress` and `LanguageTag`, so the four cannot drift.

/// `text_column!(Type, |value| text)`: `Type` is written as the `&str` that `text` borrows from
/// `value` and read back through `FromStr` (a stored value that does not parse is an error, not
/// a default). `text_column!(@write Type, |value| text)` gives the writing half only, for a
/// type that reads itself another way. `text_column!(@parsed Type, |value| text)` adds what a
/// type with `Type::parse(&str) -> Option<Type>` needs to be read from text anywhere: `FromStr`
/// (an unknown text is `UnknownValue`), and serde both ways (JSON, configuration).
#[macro_export]
macro_rules! text_column {
    (@parsed $name:ty, |$value:ident| $text:expr) => {
        impl ::std::str::FromStr for $name {
            type Err = $crate::values::text_enum::UnknownValue;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                <$name>::parse(text).ok_or_else(|| $crate::values::text_enum::UnknownValue {
                    type_name: stringify!($name),
                    value: text.to_owned(),
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let $value = self;
                serializer.serialize_str($text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        $crate::text_column!($name, |$value| $text);
    };
    ($name:ty, |$value:ident| $text:expr) => {
        $crate::text_column!(@write $name, |$value| $text);

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    DB,
                >>::from_sql(bytes)?;
                Ok(text.parse::<$name>()?)
            }
        }
    };
    (@write $name:ty, |$value:ident| $text:expr) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                let $value = self;
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql($text, out)
            }
        }
    };
}
