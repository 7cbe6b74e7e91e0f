//! An email address as a signer typed it, checked once at the edge.

use std::fmt;

/// Written to a TEXT column as the address as typed (`as_str`), the bytes a `String` holding
/// it wrote. Not read back as such: stored addresses are read as `String`, since a withdrawn
/// signature keeps the empty text and rows written before a rule was tightened may not
/// parse; refusing them would fail every list and export that reads them.
#[derive(Clone, Debug, PartialEq, Eq, diesel::expression::AsExpression)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct EmailAddress {
    /// As typed (trimmed): the address mail is sent to.
    address: String,
    /// The key duplicates are found by.
    normalized: String,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("Enter your email address.")]
    Missing,
    #[error("This email address is too long.")]
    TooLong,
    #[error("Enter an email address like name@example.org.")]
    Malformed,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<EmailAddress, EmailAddressError> {
        let address = input.trim();
        if address.is_empty() {
            return Err(EmailAddressError::Missing);
        }
        if address.len() > 254 {
            return Err(EmailAddressError::TooLong);
        }
        let (local, domain) = address
            .rsplit_once('@')
            .ok_or(EmailAddressError::Malformed)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.chars().all(|c| c.is_alphabetic()) && tld.len() >= 2);
        if !local_ok || !domain_ok {
            return Err(EmailAddressError::Malformed);
        }
        // The mailer must accept what we accept, or a stored signature could never be mailed.
        if address.parse::<lettre::Address>().is_err() {
            return Err(EmailAddressError::Malformed);
        }
        Ok(EmailAddress {
            address: address.to_owned(),
            normalized: canonical(&address.to_lowercase()),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// What is kept to recognise this address without keeping it (`super::mailbox`).
    pub fn mailbox_key(&self) -> super::mailbox::MailboxKey {
        super::mailbox::MailboxKey::of(self)
    }
}

/// Providers that deliver `a.b+tag@` to `ab@`: for them the canonical form drops what they
/// ignore, so one mailbox cannot sign twice with spelling variants.
const IGNORES_DOTS_AND_TAGS: [&str; 2] = ["gmail.com", "googlemail.com"];
const IGNORES_TAGS: [&str; 9] = [
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "fastmail.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
];

/// The key duplicates are found by, from a lowercased address.
fn canonical(lowercase: &str) -> String {
    let Some((local, domain)) = lowercase.rsplit_once('@') else {
        return lowercase.to_owned();
    };
    let untagged = local.split('+').next().unwrap_or(local);
    if IGNORES_DOTS_AND_TAGS.contains(&domain) && !untagged.is_empty() {
        return format!("{}@gmail.com", untagged.replace('.', ""));
    }
    if IGNORES_TAGS.contains(&domain) && !untagged.is_empty() {
        return format!("{untagged}@{domain}");
    }
    lowercase.to_owned()
}

crate::text_column!(@write EmailAddress, |value| &value.address);

impl fmt::Display for EmailAddress {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_normalizes_case_and_spaces() {
        let email = EmailAddress::parse("  Ada.Lovelace+letters@Example.ORG ").expect("valid");
        assert_eq!(email.as_str(), "Ada.Lovelace+letters@Example.ORG");
        assert_eq!(email.normalized(), "ada.lovelace+letters@example.org");
    }

    #[test]
    fn providers_that_ignore_dots_and_tags_collapse_to_one_mailbox() {
        let canonical = |input: &str| {
            EmailAddress::parse(input)
                .expect("valid")
                .normalized()
                .to_owned()
        };
        assert_eq!(
            canonical("Ada.Lovelace+petition@GMail.com"),
            "adalovelace@gmail.com"
        );
        assert_eq!(
            canonical("adalovelace@googlemail.com"),
            "adalovelace@gmail.com"
        );
        assert_eq!(canonical("grace+x@outlook.com"), "grace@outlook.com");
        assert_eq!(
            canonical("grace.hopper@outlook.com"),
            "grace.hopper@outlook.com"
        );
        assert_eq!(canonical("a.b+c@example.org"), "a.b+c@example.org");
        let typed = EmailAddress::parse("Ada.Lovelace+petition@gmail.com").expect("valid");
        assert_eq!(
            typed.as_str(),
            "Ada.Lovelace+petition@gmail.com",
            "mail goes where it was typed"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "plainaddress",
            "@example.org",
            "a@",
            "a@b",
            "a@@example.org",
            "a b@example.org",
            "a@exa mple.org",
            "a@-example.org",
            ".a@example.org",
            "a..b@example.org",
            "a@example.c0m",
            "a<script>@example.org",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "accepted {bad:?}");
        }
        assert_eq!(EmailAddress::parse("   "), Err(EmailAddressError::Missing));
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(EmailAddress::parse(&long).is_err());
    }
}
