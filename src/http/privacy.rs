//! The privacy notice at `/privacy` (and `/he/privacy`), generated from this service's own
//! configuration so that it states the facts of this deployment: what is kept when someone
//! signs, why the address stays (or does not), who else sees it, how long each thing is kept
//! and who to write to. The coalition's own paragraphs (`[site] privacy`,
//! `privacy_by_language` or `privacy_file`) are added under it, never in its place: a notice
//! the operator wrote once goes stale when the configuration changes, this one cannot.
//!
//! Also the gist shown by every sign button (letter page, embed, invite page), which says the
//! one fact a signer most needs before signing (where their address goes) and links here.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{AppState, PageError};
use crate::config::{MailTransportKind, Settings, SiteSettings};
use crate::i18n::LanguageTag;
use crate::i18n::catalog::{Arg, Tr, escape};
use crate::letters::Letter;
use crate::signatures::fields::{Asked, FIELDS};

/// The number of days after a letter closes or is delivered at which the addresses it holds
/// only for delivery are erased (`signing.erase_after_days`, applied by
/// `signatures::retention`).
pub fn erase_after_days(settings: &Settings) -> i64 {
    settings.signing.erase_after_days
}

/// Whether `letter` keeps its signers' addresses until it is delivered (its
/// `keep_addresses_until_delivery` flag, `signatures::retention::delivery_hold`).
pub fn keeps_addresses_until_delivery(letter: &Letter) -> bool {
    letter.keep_addresses_until_delivery
}

/// What the notice says, gathered from the settings and the letters: one value, so the page
/// and its tests read the same facts.
#[derive(Clone, Debug)]
pub struct Facts {
    pub site: String,
    pub contact: String,
    pub purge_unconfirmed_days: i64,
    pub verify_token_hours: i64,
    pub withdraw_token_days: i64,
    pub erase_after_days: i64,
    /// Request logs name each client's network address (`log.requests`).
    pub logs_requests: bool,
    /// Emails leave through an SMTP service (another party carries them).
    pub smtp: bool,
    /// The public letters that keep their signers' addresses for their delivery now: (title,
    /// language, address, when those addresses are erased: `None` while not yet delivered
    /// or closed).
    pub keeping_letters: Vec<KeepingLetter>,
}

impl Facts {
    pub fn of(settings: &Settings, keeping_letters: Vec<KeepingLetter>) -> Facts {
        Facts {
            site: settings.site.name.clone(),
            contact: settings.site.contact.clone(),
            purge_unconfirmed_days: settings.signing.purge_unconfirmed_days,
            verify_token_hours: settings.signing.verify_token_hours,
            withdraw_token_days: settings.signing.withdraw_token_days,
            erase_after_days: erase_after_days(settings),
            logs_requests: settings.log.requests,
            smtp: settings.mail.transport == MailTransportKind::Smtp,
            keeping_letters,
        }
    }
}

/// A letter that holds its signers' addresses for its delivery.
#[derive(Clone, Debug)]
pub struct KeepingLetter {
    pub title: String,
    pub lang: LanguageTag,
    pub path: String,
    /// When the addresses it holds for the delivery are erased; `None` until it is delivered
    /// or closes.
    pub erased_at: Option<chrono::NaiveDateTime>,
}

/// The public letters whose delivery hold has not ended (`signatures::retention`), for the
/// notice to name.
pub fn keeping_letters(
    connection: &mut crate::db::DbConnection,
    erase_after_days: i64,
) -> Result<Vec<KeepingLetter>, diesel::result::Error> {
    use crate::signatures::retention::{DeliveryHold, delivery_hold_of};
    let now = crate::db::now();
    let mut found = Vec::new();
    for letter in crate::letters::list_public(connection)? {
        if !keeps_addresses_until_delivery(&letter) {
            continue;
        }
        let erased_at =
            match delivery_hold_of(connection, letter.id.as_str(), erase_after_days, now)? {
                DeliveryHold::None => continue,
                DeliveryHold::UntilDelivered => None,
                DeliveryHold::Until(at) => Some(at),
            };
        found.push(KeepingLetter {
            path: format!("/letters/{}", letter.slug),
            title: letter.title,
            lang: letter.lang,
            erased_at,
        });
    }
    Ok(found)
}

/// One heading and what follows it.
struct Section {
    heading: String,
    /// Paragraphs, as HTML.
    paragraphs: Vec<String>,
    /// A list after the paragraphs, as HTML items; empty for none.
    items: Vec<String>,
    /// Paragraphs after the list.
    after: Vec<String>,
}

impl Section {
    fn new(heading: String) -> Section {
        Section {
            heading,
            paragraphs: Vec::new(),
            items: Vec::new(),
            after: Vec::new(),
        }
    }

    fn html(&self, id: &str) -> String {
        let mut html = format!("<h2 id=\"{id}\">{}</h2>\n", escape(&self.heading));
        for paragraph in &self.paragraphs {
            html.push_str(&format!("<p>{paragraph}</p>\n"));
        }
        if !self.items.is_empty() {
            html.push_str("<ul>\n");
            for item in &self.items {
                html.push_str(&format!("<li>{item}</li>\n"));
            }
            html.push_str("</ul>\n");
        }
        for paragraph in &self.after {
            html.push_str(&format!("<p>{paragraph}</p>\n"));
        }
        html
    }
}

/// The optional fields a signer may fill in, as the notice names them ("your title or role"),
/// in the form's order: from `signatures::fields`, so a field added there is named here.
fn field_names(tr: &Tr, public_only: bool) -> String {
    let names: Vec<String> = FIELDS
        .iter()
        .filter(|field| !public_only || field.public)
        .filter(|field| !public_only || field.asked != Asked::Organizations)
        .map(|field| tr.t(&format!("privacy-field-{}", field.name)))
        .collect();
    names.join(&tr.t("privacy-list-separator"))
}

/// The generated notice in `tr`'s language, as HTML (every configured value escaped).
pub fn notice_html(facts: &Facts, tr: &Tr, date_style: crate::config::DateStyle) -> String {
    let site = format!("<bdi>{}</bdi>", escape(&facts.site));
    // The catalogs hold no markup, but their text is still text: escaped like any other.
    let plain = |id: &str| escape(&tr.t(id));
    let with_site = |id: &str| tr.html(id, [("site", Arg::Markup(&site))]);
    let mut sections: Vec<(&str, Section)> = Vec::new();

    let mut who = Section::new(tr.t("privacy-who-heading"));
    who.paragraphs.push(with_site("privacy-who"));
    if facts.contact.is_empty() {
        who.paragraphs.push(with_site("privacy-no-contact"));
    } else {
        let contact = format!(
            "<a href=\"mailto:{0}\"><bdi>{0}</bdi></a>",
            escape(&facts.contact)
        );
        who.paragraphs
            .push(tr.html("privacy-contact", [("contact", Arg::Markup(&contact))]));
    }
    sections.push(("privacy-who", who));

    let mut kept = Section::new(tr.t("privacy-kept-heading"));
    let fields = escape(&field_names(tr, false));
    kept.items
        .push(tr.html("privacy-kept-details", [("fields", Arg::Markup(&fields))]));
    kept.items.push(plain("privacy-kept-choices"));
    kept.items.push(plain("privacy-kept-record"));
    kept.after.push(plain("privacy-kept-no-network"));
    sections.push(("privacy-kept", kept));

    let mut address = Section::new(tr.t("privacy-address-heading"));
    address.paragraphs.push(plain("privacy-address-confirm"));
    address.paragraphs.push(plain("privacy-address-reasons"));
    for reason in [
        "privacy-reason-updates",
        "privacy-reason-member",
        "privacy-reason-organization",
        "privacy-reason-delivery",
    ] {
        address.items.push(plain(reason));
    }
    address.after.push(plain("privacy-address-fingerprint"));
    if facts.keeping_letters.is_empty() {
        address.after.push(plain("privacy-delivery-none"));
    } else {
        let letters: Vec<String> = facts
            .keeping_letters
            .iter()
            .map(|letter| {
                let link = format!(
                    "<a href=\"{}\" lang=\"{}\" dir=\"{}\">{}</a>",
                    escape(&letter.path),
                    letter.lang,
                    letter.lang.dir(),
                    escape(&letter.title)
                );
                match &letter.erased_at {
                    None => link,
                    Some(at) => {
                        let date = escape(&tr.date_in(date_style, at));
                        tr.html(
                            "privacy-delivery-erased-on",
                            [("letter", Arg::Markup(&link)), ("date", Arg::Markup(&date))],
                        )
                    }
                }
            })
            .collect();
        let letters = letters.join(&escape(&tr.t("privacy-list-separator")));
        address.after.push(tr.html(
            "privacy-delivery-letters",
            [("letters", Arg::Markup(&letters))],
        ));
    }
    sections.push(("privacy-address", address));

    let mut public = Section::new(tr.t("privacy-public-heading"));
    let public_fields = escape(&field_names(tr, true));
    let public_box = tr.t("list-publicly");
    public.paragraphs.push(tr.html(
        "privacy-public",
        [
            ("box", Arg::Text(&public_box)),
            ("fields", Arg::Markup(&public_fields)),
        ],
    ));
    sections.push(("privacy-public", public));

    let mut sees = Section::new(tr.t("privacy-sees-heading"));
    sees.items.push(with_site("privacy-sees-staff"));
    sees.items.push(with_site("privacy-sees-addressee"));
    sees.items.push(plain("privacy-sees-member"));
    if facts.smtp {
        sees.items.push(plain("privacy-sees-mail"));
    }
    sections.push(("privacy-sees", sees));

    let mut how_long = Section::new(tr.t("privacy-how-long-heading"));
    how_long.items.push(tr.html(
        "privacy-long-unconfirmed",
        [
            ("days", Arg::Number(facts.purge_unconfirmed_days)),
            ("hours", Arg::Number(facts.verify_token_hours)),
        ],
    ));
    how_long.items.push(plain("privacy-long-confirmed"));
    how_long.items.push(plain("privacy-long-updates"));
    how_long.items.push(tr.html(
        "privacy-long-delivery",
        [("days", Arg::Number(facts.erase_after_days))],
    ));
    how_long.items.push(tr.html(
        "privacy-long-mail",
        [("days", Arg::Number(facts.purge_unconfirmed_days))],
    ));
    if facts.logs_requests {
        how_long.items.push(with_site("privacy-long-logs"));
    }
    sections.push(("privacy-how-long", how_long));

    let mut withdraw = Section::new(tr.t("privacy-withdraw-heading"));
    withdraw.paragraphs.push(tr.html(
        "privacy-withdraw",
        [("days", Arg::Number(facts.withdraw_token_days))],
    ));
    // Every signature of an address at once, also one whose address is no longer held.
    let page = crate::i18n::catalog::link(
        &format!(
            "{}/my-signatures",
            crate::signatures::links::in_language(Some(&tr.lang()))
        ),
        &tr.t("myself-heading"),
    );
    withdraw
        .paragraphs
        .push(tr.html("myself-privacy-see-all", [("page", Arg::Markup(&page))]));
    sections.push(("privacy-withdraw", withdraw));

    sections
        .iter()
        .map(|(id, section)| section.html(id))
        .collect()
}

/// The coalition's own paragraphs for a reader of `requested`: the text in their language
/// where `privacy_by_language` has it, else `privacy`'s.
pub enum OwnWords<'a> {
    None,
    /// An address of the coalition's own notice, linked.
    Link(&'a str),
    /// Markdown, in the language given (`None`: the operator did not say which).
    Text(Option<LanguageTag>, &'a str),
}

pub fn own_words<'a>(site: &'a SiteSettings, requested: &[LanguageTag]) -> OwnWords<'a> {
    let written: Vec<(LanguageTag, &str)> = site
        .privacy_by_language
        .iter()
        .filter_map(|(key, text)| Some((LanguageTag::parse(key)?, text.as_str())))
        .collect();
    let languages: Vec<LanguageTag> = written.iter().map(|(tag, _)| tag.clone()).collect();
    if let Some(picked) = crate::i18n::pick(requested, &languages)
        && let Some((tag, text)) = written.iter().find(|(tag, _)| tag == picked)
    {
        return OwnWords::Text(Some(tag.clone()), text);
    }
    let text = site.privacy.trim();
    if text.is_empty() {
        OwnWords::None
    } else if text.starts_with("https://") {
        OwnWords::Link(text)
    } else {
        OwnWords::Text(None, &site.privacy)
    }
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    /// The generated notice, in the interface language.
    notice_html: String,
    /// The coalition's own section: its heading, and its paragraphs (Markdown rendered with
    /// the letters' renderer, which drops raw HTML, scripts and foreign images) or a link.
    own_heading: String,
    own_html: String,
    /// `lang` of those paragraphs when it is not the page's (empty for unsaid or the page's).
    own_lang: String,
    /// `dir` of those paragraphs: its language's, or `auto` for a language not said.
    own_dir: &'static str,
}

/// `/privacy` (and `/he/privacy`): the notice in the reader's language, with the coalition's
/// own paragraphs under it.
pub async fn privacy(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let days = erase_after_days(&state.settings);
    let letters = state
        .db(move |connection| keeping_letters(connection, days))
        .await?;
    let tr = Tr::current();
    let facts = Facts::of(&state.settings, letters);
    let site = &state.settings.site;
    let requested = super::language::requested(&request);
    let escaped_site = format!("<bdi>{}</bdi>", escape(&site.name));
    let own_heading = tr.ta("privacy-own-heading", [("site", Arg::Text(&site.name))]);
    let (own_html, own_lang, own_dir) = match own_words(site, &requested) {
        OwnWords::None => (String::new(), String::new(), "auto"),
        OwnWords::Link(url) => {
            let link = format!("<a href=\"{0}\">{0}</a>", escape(url));
            let paragraph = tr.html(
                "privacy-own-link",
                [
                    ("site", Arg::Markup(&escaped_site)),
                    ("link", Arg::Markup(&link)),
                ],
            );
            (format!("<p>{paragraph}</p>"), String::new(), tr.dir())
        }
        OwnWords::Text(lang, text) => {
            let html = crate::letters::markdown::render(text);
            match lang {
                Some(lang) => {
                    let dir = lang.dir();
                    let lang = if lang.as_str() == tr.lang() {
                        String::new()
                    } else {
                        lang.into_string()
                    };
                    (html, lang, dir)
                }
                None => (html, String::new(), "auto"),
            }
        }
    };
    let page = PrivacyPage {
        notice_html: notice_html(&facts, &tr, site.date_style),
        own_heading,
        own_html,
        own_lang,
        own_dir,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(super::site::render(&state.settings, &page)?))
}

/// The line by a sign button: who keeps the signer's address on this letter and for how long,
/// before the link to the notice. `settings` comes from the page's render values
/// (`site::render`); `organization`: the invite page, where the one signing is an
/// organization's contact. Per letter, never per visitor, so the cached letter page may hold it.
pub fn gist_html(
    tr: &Tr,
    site: &SiteSettings,
    settings: Result<&Settings, askama::Error>,
    letter: &Letter,
    organization: bool,
) -> String {
    let name = format!("<bdi>{}</bdi>", escape(&site.name));
    let name = Arg::Markup(&name);
    // An organization's contact is a reason of its own, whatever the letter keeps.
    if organization {
        tr.html("privacy-gist-organization", [("site", name)])
    } else if keeps_addresses_until_delivery(letter) {
        let days = settings.map(erase_after_days).unwrap_or_default();
        tr.html(
            "privacy-gist-until-delivery",
            [("site", name), ("days", Arg::Number(days))],
        )
    } else {
        tr.html("privacy-gist", [("site", name)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            site: "Friends <&> Co".into(),
            contact: "privacy@coalition.test".into(),
            purge_unconfirmed_days: 12,
            verify_token_hours: 48,
            withdraw_token_days: 200,
            erase_after_days: 45,
            logs_requests: false,
            smtp: false,
            keeping_letters: Vec::new(),
        }
    }

    /// Every optional signer field is named in the notice in every language: a field added
    /// to `signatures::fields` without its noun fails here, not on a reader's page.
    #[test]
    fn every_signer_field_is_named_in_every_language() {
        for tr in crate::i18n::catalog::interfaces() {
            for field in FIELDS {
                let id = format!("privacy-field-{}", field.name);
                assert_ne!(tr.t(&id), id, "{} lacks {id}", tr.lang());
            }
        }
    }

    #[test]
    fn the_notice_states_the_configured_numbers_and_escapes_the_names() {
        for tr in crate::i18n::catalog::interfaces() {
            let html = notice_html(&facts(), &tr, crate::config::DateStyle::Long);
            for number in [12, 48, 200, 45] {
                let number = tr.number(number);
                assert!(html.contains(&number), "{}: {number} in {html}", tr.lang());
            }
            assert!(html.contains("Friends &lt;&amp;&gt; Co"), "{html}");
            assert!(!html.contains("Friends <&>"), "{html}");
            assert!(html.contains("href=\"mailto:privacy@coalition.test\""));
            assert!(html.contains(&tr.t("privacy-field-title")));
        }
    }

    #[test]
    fn what_is_not_configured_is_not_claimed() {
        let tr = Tr::english();
        let quiet = notice_html(&facts(), &tr, crate::config::DateStyle::Long);
        assert!(!quiet.contains(&tr.t("privacy-sees-mail")));
        assert!(!quiet.contains("request log"));
        let mut told = facts();
        told.smtp = true;
        told.logs_requests = true;
        told.contact = String::new();
        let html = notice_html(&told, &tr, crate::config::DateStyle::Long);
        assert!(html.contains(&tr.t("privacy-sees-mail")));
        assert!(html.contains("request log"));
        assert!(!html.contains("mailto:"));
        assert!(html.contains("gives no email address"));
    }
}
