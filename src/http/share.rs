//! The share step shown after signing and after confirming: the letter's address to copy and
//! plain links to the usual places, built here so that nothing is loaded from another host
//! and no network's script runs on our pages.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use askama::Template;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{AppState, PageError};
use crate::config::Settings;
use crate::db;
use crate::read::snapshot::LetterSnapshot;

/// Everything but RFC 3986's unreserved characters is encoded, so a title's `&`, `#`, `+`,
/// `=` or quote stays text inside one query value, in every mail client and network.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The title as shared text: without direction controls (a letter stored before the text
/// rules refused them could otherwise reverse the link that follows it in a message) or
/// other control characters.
fn shareable(title: &str) -> String {
    title
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .collect()
}

/// One letter's share step. Every address is complete and its parts encoded; templates
/// escape them once more as attribute values.
pub struct ShareLinks {
    /// The letter's public address (`server.public_url`).
    pub url: String,
    pub title: String,
    pub email: String,
    pub whatsapp: String,
    pub telegram: String,
    pub bluesky: String,
    pub x: String,
    pub facebook: String,
}

impl ShareLinks {
    /// The letter in this text: its address in that language (`/he/letters/x`, whose
    /// preview card is that language's) and its title.
    pub fn of(settings: &Settings, snapshot: &LetterSnapshot) -> ShareLinks {
        let url = crate::read::snapshot::address(
            settings.public_base(),
            snapshot,
            &snapshot.letter.lang.as_str(),
        );
        ShareLinks::new(url, &snapshot.letter.title)
    }

    /// The share step while the letter takes signatures; asking others to sign a closed
    /// letter would only send them to a form that is not there.
    pub fn while_open(settings: &Settings, snapshot: &LetterSnapshot) -> Option<ShareLinks> {
        snapshot
            .letter
            .accepts_signatures_at(db::now())
            .then(|| ShareLinks::of(settings, snapshot))
    }

    fn new(url: String, title: &str) -> ShareLinks {
        let title = shareable(title);
        let with_link = format!("{title} {url}");
        ShareLinks {
            email: format!(
                "mailto:?subject={}&body={}",
                encode(&title),
                encode(&format!("{title}\n\n{url}"))
            ),
            whatsapp: format!("https://wa.me/?text={}", encode(&with_link)),
            telegram: format!(
                "https://t.me/share/url?url={}&text={}",
                encode(&url),
                encode(&title)
            ),
            bluesky: format!(
                "https://bsky.app/intent/compose?text={}",
                encode(&with_link)
            ),
            x: format!(
                "https://x.com/intent/post?text={}&url={}",
                encode(&title),
                encode(&url)
            ),
            facebook: format!(
                "https://www.facebook.com/sharer/sharer.php?u={}",
                encode(&url)
            ),
            url,
            title,
        }
    }
}

/// The page after a confirmed signature: what happened, and the share step.
#[derive(Template)]
#[template(path = "confirmed.html")]
struct ConfirmedPage {
    paragraphs: Vec<crate::i18n::Message>,
    /// What the signer chose, said back (`signatures::choices`).
    choices: Vec<crate::signatures::choices::ChoiceLine>,
    letter_path: String,
    share: Option<ShareLinks>,
}

/// Answers a confirmed signature: the share step offers the text the signer signed.
pub(super) async fn confirmed(
    state: &AppState,
    target: &crate::signatures::TokenTarget,
    paragraphs: Vec<crate::i18n::Message>,
) -> Result<HttpResponse, PageError> {
    let letter_id = target.letter_id.as_str().to_owned();
    let snapshot = super::signer::signed_letter(state, letter_id, target.lang.as_ref())
        .await?
        .ok_or(PageError::NotFound)?;
    super::pages::token_page(
        StatusCode::OK,
        &ConfirmedPage {
            paragraphs,
            choices: target.choices.lines(&crate::i18n::catalog::Tr::current()),
            letter_path: snapshot.path(),
            share: ShareLinks::while_open(&state.settings, &snapshot),
        },
    )
}

pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/share.js"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nasty_title_stays_one_encoded_value() {
        let share = ShareLinks::new(
            "https://letters.example.org/letters/dear-president".into(),
            "\"Stop\" <script>alert(1)</script> & \u{202E}evil\u{202C} +1 #now",
        );
        assert_eq!(
            share.url,
            "https://letters.example.org/letters/dear-president"
        );
        assert_eq!(
            share.x,
            "https://x.com/intent/post?text=%22Stop%22%20%3Cscript%3Ealert%281%29%3C%2Fscript%3E%20%26%20evil%20%2B1%20%23now&url=https%3A%2F%2Fletters.example.org%2Fletters%2Fdear-president"
        );
        assert!(share.email.starts_with("mailto:?subject=%22Stop%22%20"));
        assert!(share.email.contains("%0A%0Ahttps%3A%2F%2F"));
    }
}
