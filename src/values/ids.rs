//! Names of stored things: the ids rows are found by and the slug a letter's address ends
//! with, each its own type so that one cannot be passed where another is meant. All are
//! stored as TEXT (`text_value!`), the same bytes as the `String`s they replace.

/// What a letter's public address ends with (`/letters/<slug>`): lowercase ASCII letters,
/// digits and hyphens, at most 80, not starting or ending with a hyphen. The rule has not
/// changed since the first letter was stored, so every stored slug reads back as one.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// An id as generated (`db::new_id`, a UUID) or typed into an address: any text that is not
/// empty. Whether a row has it is the database's to say.
fn is_id(text: &str) -> bool {
    !text.is_empty()
}

crate::text_value! {
    /// A letter's public address part (see `is_valid_slug`).
    pub struct Slug(rule = is_valid_slug);
}

crate::text_value! {
    /// `letters.id`. Held by `Letter` and `SignatureRecord`; other rows and parameters that
    /// name a letter are still `String`/`&str` (a `&LetterId` derefs to one).
    pub struct LetterId(rule = is_id);
}

crate::text_value! {
    /// `signatures.id`. Held by `SignatureRecord`; other rows and parameters that name a
    /// signature are still `String`/`&str`.
    pub struct SignatureId(rule = is_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_address_rule_and_ids_need_only_be_there() {
        for good in ["dear-president", "2027", "a"] {
            assert_eq!(Slug::parse(good).as_deref(), Some(good));
        }
        let longest = "a".repeat(80);
        assert!(Slug::parse(&longest).is_some());
        for bad in ["", "-a", "a-", "Dear", "a b", "a_b", "é", &"a".repeat(81)] {
            assert_eq!(Slug::parse(bad), None, "{bad:?}");
        }
        assert!(LetterId::parse("0193a1b2-0000-7000-8000-000000000001").is_some());
        assert_eq!(SignatureId::parse(""), None);
    }
}
