//! The signer's path after the letter page (check your email, a new link, the pages behind
//! emailed links, the share step) in the language they read and signed in: which text of the
//! letter those pages name, and addresses that keep that language from page to page.

use std::sync::Arc;

use actix_web::HttpRequest;

use super::{AppState, PageError};
use crate::i18n::catalog::Tr;
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::links::in_language;
use crate::values::language::LanguageTag;

/// The language prefix this page's address came with (`/he`, or nothing): a form on a page
/// reached through an emailed link posts to the same language, so the answer speaks it too.
pub(super) fn address_prefix(request: &HttpRequest) -> String {
    let lang = crate::i18n::from_address(request).map(LanguageTag::into_string);
    in_language(lang.as_deref())
}

/// The interface of a page about a signature: the reader's own choices (the link's
/// `/{lang}/`, `?lang=`, the cookie), then the language the signature was made in, then the
/// browser's. A link sent before links carried a language still opens in the signer's.
pub(super) fn interface_for(request: &HttpRequest, lang: Option<&LanguageTag>) -> Tr {
    Tr::for_requested(&crate::i18n::requested_then(request, lang.cloned()))
}

/// The prefix of the language this page speaks (`/he`), for a link to a page that has no
/// language of its own to go by.
fn page_prefix() -> String {
    in_language(Some(&Tr::current().lang()))
}

/// The address of letter `letter_id` in the language a signature was made in (`lang`), else
/// in this page's language; `None` when the letter is gone.
pub(super) async fn letter_address(
    state: &AppState,
    letter_id: String,
    lang: Option<&LanguageTag>,
) -> Option<String> {
    let snapshot = signed_letter(state, letter_id, lang).await.ok().flatten();
    match (snapshot, lang) {
        (Some(snapshot), Some(_)) => Some(snapshot.path()),
        (Some(snapshot), None) => Some(format!(
            "{}/letters/{}",
            page_prefix(),
            snapshot.letter.slug
        )),
        (None, _) => None,
    }
}

/// The public letter `letter_id` in the text of `lang` when it has one, else the original;
/// `None` when it is not public (gone, or a draft again).
pub(super) async fn signed_letter(
    state: &AppState,
    letter_id: String,
    lang: Option<&LanguageTag>,
) -> Result<Option<Arc<LetterSnapshot>>, PageError> {
    let Some(letter) = state
        .db(move |connection| crate::letters::find_by_id(connection, &letter_id))
        .await?
    else {
        return Ok(None);
    };
    let snapshot = state.public_letter(&letter.slug).await?;
    let lang = lang.map(LanguageTag::as_str);
    Ok(snapshot.map(|snapshot| snapshot.in_language(lang.as_deref())))
}
