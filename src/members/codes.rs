//! Member codes: each member on the roster brings signers through its own link
//! (`/letters/{slug}?via=CODE`); a signature stores the member it came through and whether
//! the signer agreed to share their details with it.

use diesel::dsl::sql;
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

/// Easy to read aloud and to type: no 0/O, no 1/I/L.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LENGTH: usize = 7;

/// A fresh random member code (31^7, about 2.7e10 codes: unguessable enough for a
/// referral link, which only records who brought a signature).
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A well-formed member code from what a link or form carried, in its stored (upper) case,
/// or `None`. Nothing here is an error: a mistyped or hostile `via` is simply no referral.
pub fn parse_code(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() != CODE_LENGTH {
        return None;
    }
    let code = raw.to_ascii_uppercase();
    code.bytes()
        .all(|byte| CODE_ALPHABET.contains(&byte))
        .then_some(code)
}

/// `signatures.via_member_id` as stored: the id of the live member whose code the signer
/// came with, looked up by the database in the insert itself, so that an unknown code
/// stores NULL and no sign path needs a query of its own. Holds the (well-formed) code.
#[derive(Clone, Debug, Default)]
pub struct ViaMember(pub Option<String>);

type ViaLookup = diesel::expression::SqlLiteral<
    Nullable<Text>,
    diesel::expression::UncheckedBind<
        diesel::expression::SqlLiteral<Nullable<Text>>,
        diesel::dsl::AsExprOf<Option<String>, Nullable<Text>>,
    >,
>;

impl AsExpression<Nullable<Text>> for ViaMember {
    type Expression = ViaLookup;

    fn as_expression(self) -> ViaLookup {
        sql::<Nullable<Text>>("(SELECT id FROM members WHERE code = ")
            .bind::<Nullable<Text>, _>(self.0)
            .sql(" AND removed_at IS NULL)")
    }
}

/// Borrowed rows (`insert_into(..).values(&rows)`, the sign writer's multi-row insert).
impl AsExpression<Nullable<Text>> for &ViaMember {
    type Expression = ViaLookup;

    fn as_expression(self) -> ViaLookup {
        self.clone().as_expression()
    }
}

/// `signatures.share_with_member` as stored: the ticked box counts only when the signer
/// came through a live member (a box sent with an unknown code stores false).
#[derive(Clone, Debug, Default)]
pub struct ShareWithMember {
    pub ticked: bool,
    pub code: Option<String>,
}

type ShareLookup = diesel::expression::SqlLiteral<
    Bool,
    diesel::expression::UncheckedBind<
        diesel::expression::SqlLiteral<
            Bool,
            diesel::expression::UncheckedBind<
                diesel::expression::SqlLiteral<Bool>,
                diesel::dsl::AsExprOf<bool, Bool>,
            >,
        >,
        diesel::dsl::AsExprOf<Option<String>, Nullable<Text>>,
    >,
>;

impl AsExpression<Bool> for ShareWithMember {
    type Expression = ShareLookup;

    fn as_expression(self) -> ShareLookup {
        sql::<Bool>("(")
            .bind::<Bool, _>(self.ticked)
            .sql(" AND EXISTS (SELECT 1 FROM members WHERE code = ")
            .bind::<Nullable<Text>, _>(self.code)
            .sql(" AND removed_at IS NULL))")
    }
}

impl AsExpression<Bool> for &ShareWithMember {
    type Expression = ShareLookup;

    fn as_expression(self) -> ShareLookup {
        self.clone().as_expression()
    }
}

/// The live member with this code.
pub fn member_by_code(
    connection: &mut crate::db::DbConnection,
    raw: &str,
) -> Result<Option<crate::members::Member>, diesel::result::Error> {
    use crate::db::schema::members;
    let Some(code) = parse_code(raw) else {
        return Ok(None);
    };
    members::table
        .filter(members::code.eq(code))
        .filter(members::removed_at.is_null())
        .select(crate::members::Member::as_select())
        .first(connection)
        .optional()
}

/// The `via` parameter of a query string, read leniently: a malformed query is no referral.
pub fn via_in_query(query: &str) -> String {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "via")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unambiguous_and_parse_back() {
        for _ in 0..1000 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LENGTH);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
            assert_eq!(parse_code(&code.to_lowercase()).as_deref(), Some(&*code));
        }
        assert_ne!(new_code(), new_code());
    }

    #[test]
    fn malformed_codes_are_no_code() {
        for raw in [
            "",
            "ABC",
            "ABCDEFGH",
            "ABCDEF0",
            "<scrip",
            "ABC\u{202E}DE",
            "ÄBCDEFG",
            &"A".repeat(10_000),
        ] {
            assert_eq!(parse_code(raw), None, "{raw:?}");
        }
    }
}
