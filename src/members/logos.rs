//! A member's logo: an https:// address staff give (`members add --logo-url`, the console's
//! member form), shown beside the member's name on a letter's lists only while its host is
//! one the site allows (`site.image_hosts`, or the site's own host), so a stored address can
//! neither track readers through a host nobody chose nor sneak past the Content-Security-Policy.

use diesel::prelude::*;

use super::{MemberError, find_by_name};
use crate::db::schema::members;
use crate::db::{self, DbConnection};
use crate::staff::{Actor, audit};

/// The longest logo address taken.
pub const LOGO_URL_MAX: usize = 500;

/// The logo address as stored: an absolute https:// address with a host and no user name or
/// password, as `url` writes it; `None` for an empty one.
pub fn checked(raw: &str) -> Result<Option<String>, MemberError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let refuse = |why: &str| MemberError::InvalidLogo(format!("{raw:?} {why}"));
    if raw.chars().count() > LOGO_URL_MAX {
        return Err(refuse(&format!("is longer than {LOGO_URL_MAX} characters")));
    }
    let url = url::Url::parse(raw).map_err(|_| refuse("is not a web address"))?;
    if url.scheme() != "https" {
        return Err(refuse("must start with https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not hold a user name or password"));
    }
    Ok(Some(url.to_string()))
}

/// Sets (or with `None` or "", clears) the logo of the live member named `name`. Audited as
/// `member.logo`.
pub fn set(
    connection: &mut DbConnection,
    name: &str,
    logo: Option<&str>,
    actor: &Actor,
) -> Result<(), MemberError> {
    let logo = checked(logo.unwrap_or(""))?;
    db::write_transaction(connection, |connection| {
        let member =
            find_by_name(connection, name)?.ok_or_else(|| MemberError::Unknown(name.to_owned()))?;
        if member.logo_url == logo {
            return Ok(());
        }
        diesel::update(members::table.find(&member.id))
            .set(members::logo_url.eq(logo.as_deref()))
            .execute(connection)?;
        audit::record(
            connection,
            actor,
            "member.logo",
            None,
            Some(&member.name),
            logo.as_deref().unwrap_or("logo removed"),
        )?;
        Ok(())
    })
}

/// Whether a stored logo may be shown: its host is one of `allowed` (`site.image_hosts`,
/// compared without case) or the site's own (`own_host`).
pub fn allowed(logo: &str, allowed: &[String], own_host: Option<&str>) -> bool {
    let Ok(url) = url::Url::parse(logo) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    url.scheme() == "https"
        && (allowed
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
            || own_host.is_some_and(|own| own.eq_ignore_ascii_case(host)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_https_addresses_are_taken() {
        assert_eq!(
            checked(" https://cdn.example.org/a logo.png ")
                .ok()
                .flatten()
                .as_deref(),
            Some("https://cdn.example.org/a%20logo.png")
        );
        assert!(checked("").is_ok_and(|logo| logo.is_none()));
        for bad in [
            "http://cdn.example.org/logo.png",
            "javascript:alert(1)",
            "https://user:pw@cdn.example.org/x.png",
            "/relative.png",
            "\"><script>alert(1)</script>",
        ] {
            assert!(checked(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_logo_shows_only_from_an_allowed_host() {
        let hosts = vec!["cdn.example.org".to_owned()];
        assert!(allowed("https://CDN.example.org/l.png", &hosts, None));
        assert!(!allowed("https://tracker.example/l.png", &hosts, None));
        assert!(!allowed(
            "https://cdn.example.org.evil.example/l.png",
            &hosts,
            None
        ));
        assert!(allowed(
            "https://letters.example/l.png",
            &[],
            Some("letters.example")
        ));
        assert!(!allowed("https://cdn.example.org/l.png", &[], None));
    }
}
