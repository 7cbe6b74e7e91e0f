//! What the public lists show beside an organization's name: the logo and website staff
//! gave its member (`members`), matched by the organization's comparison key, and the
//! website the organization gave when it signed (which wins: it is its own word).

use std::collections::HashMap;

use crate::db::DbConnection;
use crate::members;
use crate::signatures::PublicSignatory;

/// A member's logo and website, as staff gave them.
#[derive(Clone, Debug, Default)]
pub struct MemberLinks {
    by_name: HashMap<String, (Option<String>, Option<String>)>,
}

/// An organization's logo (only from an allowed host) and link, as a list shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationLinks {
    pub logo: Option<String>,
    pub website: Option<String>,
}

impl MemberLinks {
    /// The live members that have a logo or a website (the roster is short), their logos
    /// kept only when the logo's host is one of `image_hosts` (`config::Settings::logo_hosts`).
    pub fn load(
        connection: &mut DbConnection,
        image_hosts: &[String],
    ) -> Result<MemberLinks, diesel::result::Error> {
        let by_name = members::list(connection)?
            .into_iter()
            .map(|member| {
                let logo = member
                    .logo_url
                    .filter(|logo| members::logos::allowed(logo, image_hosts, None));
                (member.name_normalized, (logo, member.website))
            })
            .filter(|(_, (logo, website))| logo.is_some() || website.is_some())
            .collect();
        Ok(MemberLinks { by_name })
    }

    /// What to show beside `organization`: its member's logo, and its own website, else its
    /// member's.
    pub fn of(&self, organization: &PublicSignatory) -> OrganizationLinks {
        let member = organization
            .organization_normalized
            .as_ref()
            .and_then(|key| self.by_name.get(key));
        let logo = member.and_then(|(logo, _)| logo.clone());
        let website = organization
            .text
            .website
            .clone()
            .or_else(|| member.and_then(|(_, website)| website.clone()));
        OrganizationLinks { logo, website }
    }
}
