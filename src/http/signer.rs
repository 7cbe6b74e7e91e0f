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

/// The letter's address in the language of this text (`/he/letters/slug`). The original's
/// carries its language too when the letter has others (`/en/letters/slug`), so that the
/// browser's languages cannot swap the text the signer read for another on the next page.
pub(super) fn letter_path(snapshot: &LetterSnapshot) -> String {
    let slug = &snapshot.letter.slug;
    if snapshot.languages.len() > 1 || !snapshot.is_original() {
        format!("/{}/letters/{slug}", snapshot.letter.lang.as_str())
    } else {
        format!("/letters/{slug}")
    }
}

/// The text of the letter this reader reads (the address's language, `?lang=`, the
/// switcher's cookie, then the browser's), else the original.
pub(super) fn for_reader(
    request: &HttpRequest,
    snapshot: &Arc<LetterSnapshot>,
) -> Arc<LetterSnapshot> {
    let in_path = super::middleware::language_in_path(request.path()).map(|tag| tag.as_str());
    snapshot.for_reader(&crate::i18n::requested(request, in_path.as_deref()))
}

/// The address prefix of the language this page speaks (`/he`): forms and links on a page
/// reached through an emailed link keep it, so the next page speaks it too.
pub(super) fn page_prefix() -> String {
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
        (Some(snapshot), Some(_)) => Some(letter_path(&snapshot)),
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
