//! `/unsubscribe/{token}`: the link in every update. GET shows a page with a button (a link
//! scanner fetching the address changes nothing); POST with exactly the body
//! `List-Unsubscribe=One-Click` unsubscribes (RFC 8058: mail providers send it without a
//! cookie or a form token, so none is asked for). The token is signed and names the letter
//! and the address; the endpoint can do nothing else.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::pages::token_page;
use super::views::MessagePage;
use super::{AppState, PageError};
use crate::db::schema::letters;
use crate::db::{self, DbError};
use crate::i18n::Message;
use crate::updates::unsubscribe;

/// The one body RFC 8058 defines, and the only one accepted.
const ONE_CLICK: &[u8] = b"List-Unsubscribe=One-Click";

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    letter_title: String,
    action: String,
}

/// The letter and the address a valid token names, with the letter's title in the
/// reader's language (an update's link carries its version's, `/he/unsubscribe/...`);
/// `None` for anything else.
async fn resolve(
    state: &AppState,
    request: &HttpRequest,
    token: String,
) -> Result<Option<(String, String, String)>, DbError> {
    let found = state
        .with_connection(move |connection| {
            let secret = unsubscribe::secret(connection)?;
            let Some((letter_id, address)) = unsubscribe::verify(&secret, &token) else {
                return Ok(None);
            };
            use diesel::prelude::*;
            let letter: Option<(String, String)> = letters::table
                .find(&letter_id)
                .select((letters::title, letters::slug))
                .first(connection)
                .optional()?;
            Ok::<_, DbError>(letter.map(|(title, slug)| (letter_id, address, title, slug)))
        })
        .await?;
    let Some((letter_id, address, title, slug)) = found else {
        return Ok(None);
    };
    let title = match state.public_letter(&slug).await? {
        Some(snapshot) => super::language::letter_for(request, &snapshot)
            .letter
            .title
            .clone(),
        None => title,
    };
    Ok(Some((letter_id, address, title)))
}

/// Whether the body is RFC 8058's one-click form: `List-Unsubscribe=One-Click` urlencoded,
/// or the same field as `multipart/form-data` (both are allowed to senders of the POST).
fn is_one_click(request: &HttpRequest, body: &[u8]) -> bool {
    let content_type = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !content_type.starts_with("multipart/form-data") {
        return body.trim_ascii() == ONE_CLICK;
    }
    // One part named List-Unsubscribe whose value is One-Click, and nothing else.
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let parts: Vec<&str> = text
        .split("\r\n--")
        .filter(|part| part.contains("Content-Disposition"))
        .collect();
    parts.len() == 1
        && parts[0].contains("name=\"List-Unsubscribe\"")
        && parts[0]
            .split_once("\r\n\r\n")
            .is_some_and(|(_, value)| value.trim_ascii() == "One-Click")
}

pub async fn page(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    let token = token.into_inner();
    let Some((_, _, letter_title)) = resolve(&state, &request, token.clone()).await? else {
        return Err(PageError::NotFound);
    };
    // The button keeps the address's language, so the answer is in it too.
    let prefix = crate::i18n::from_address(&request)
        .map(|lang| format!("/{lang}"))
        .unwrap_or_default();
    token_page(
        StatusCode::OK,
        &UnsubscribePage {
            letter_title,
            action: format!("{prefix}/unsubscribe/{token}"),
        },
    )
}

pub async fn one_click(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    state
        .limit(&state.defenses.verify, "verify", &request)
        .map_err(PageError::TooManyRequests)?;
    if !is_one_click(&request, &body) {
        return Err(PageError::BadRequest(Message::id("send-one-click")));
    }
    let Some((letter_id, address, letter_title)) =
        resolve(&state, &request, token.into_inner()).await?
    else {
        return Err(PageError::NotFound);
    };
    // A link sent before links held mailbox keys names the address itself.
    let mailbox = crate::values::mailbox::MailboxKey::from_stored(&address);
    let erase_after_days = state.settings.signing.erase_after_days;
    state
        .with_connection(move |connection| {
            unsubscribe::unsubscribe_and_release(connection, &letter_id, &mailbox, erase_after_days)
                .map_err(db::DbError::from)
        })
        .await?;
    token_page(
        StatusCode::OK,
        &MessagePage {
            heading: Message::id("unsubscribed-heading"),
            paragraphs: vec![Message::id("unsubscribed-text").with("title", letter_title)],
            link: None,
        },
    )
}
