//! The reader's language, decided once per request for every route: which text of a letter a
//! page shows and which catalog speaks around it.
//!
//! Every public address has a `/{lang}/` form (`/he/letters/x`, `/he-IL/letters/x/signed`,
//! `/ar/verify/TOKEN`): [`take_address_language`] takes the prefix off before routing and
//! leaves it in the request's extensions, so no route is declared twice and no handler can
//! forget the language. From there `i18n::requested` lists what the reader asked for
//! (`?lang=`, the address, the switcher's cookie, the browser), and the same matching
//! (`he-IL` reads `he`) picks the letter's text ([`letter_for`]) and the interface
//! ([`interface_language`]).

use std::cell::RefCell;
use std::sync::Arc;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};

use super::AppState;
use crate::i18n::catalog::Tr;
use crate::i18n::{AddressLanguage, LanguageTag};
use crate::read::snapshot::LetterSnapshot;

pub use crate::i18n::{requested, requested_then};

/// A year: the switcher's choice outlives the browsing session.
const LANGUAGE_COOKIE_DAYS: i64 = 365;

/// Takes a leading `/{lang}/` off the address (a routable tag: `he`, `he-IL`, `pt-BR`; never
/// `/api/`, `/admin/`, `/static/`, whose first segments are no language) and records it as
/// the request's [`AddressLanguage`]. Runs before routing, so `/he/letters/x/embed` is routed
/// as `/letters/x/embed`.
pub fn take_address_language(request: &mut ServiceRequest) {
    let path = request.path();
    // `/he/` is the index in Hebrew; `/he` without its slash stays an unknown address.
    let Some(rest_at) = path
        .get(1..)
        .and_then(|after| after.find('/'))
        .map(|at| at + 1)
    else {
        return;
    };
    let Some(tag) = path.get(1..rest_at).and_then(LanguageTag::parse_routable) else {
        return;
    };
    let rest = path[rest_at..].to_owned();
    // The console and the API are not pages a reader is sent to in a language: they keep
    // one address each.
    if ["/admin", "/api/"].iter().any(|own| rest.starts_with(own)) {
        return;
    }
    rewrite(request, tag, &rest);
}

fn rewrite(request: &mut ServiceRequest, tag: LanguageTag, rest: &str) {
    let path_and_query = match request.query_string() {
        "" => rest.to_owned(),
        query => format!("{rest}?{query}"),
    };
    let mut parts = request.head().uri.clone().into_parts();
    let Ok(path_and_query) = path_and_query.parse() else {
        return;
    };
    parts.path_and_query = Some(path_and_query);
    let Ok(uri) = Uri::from_parts(parts) else {
        return;
    };
    request.match_info_mut().get_mut().update(&uri);
    request.head_mut().uri = uri;
    request.extensions_mut().insert(AddressLanguage(tag));
}

/// The letter as this request should read it: in the first language the reader asked for
/// that the letter has (`he-IL` finds `he`), else in the original. The one rule for every
/// page that shows a letter; it also tells the language switcher which languages the
/// letter's text is in.
pub fn letter_for(request: &HttpRequest, snapshot: &Arc<LetterSnapshot>) -> Arc<LetterSnapshot> {
    letter_for_then(request, snapshot, None)
}

/// [`letter_for`], with the page's own hint (the language a signature was made in, a
/// member's) after the reader's explicit choices and before their browser's.
pub fn letter_for_then(
    request: &HttpRequest,
    snapshot: &Arc<LetterSnapshot>,
    then: Option<LanguageTag>,
) -> Arc<LetterSnapshot> {
    let shown = if snapshot.translations.is_empty() {
        Arc::clone(snapshot)
    } else {
        snapshot.for_reader(&requested_then(request, then))
    };
    showing(&shown);
    shown
}

/// Tells the language switcher of the page being answered which languages the letter it
/// shows is written in, and which one it shows.
pub fn showing(snapshot: &LetterSnapshot) {
    let _ = HERE.try_with(|here| {
        *here.letter.borrow_mut() =
            Some((snapshot.languages.clone(), snapshot.letter.lang.clone()));
    });
}

/// What the switcher needs to know about the page being answered.
struct Here {
    /// The address without its `/{lang}/` and without `lang=` in its query.
    path: String,
    /// The languages of the letter the page shows, and the one shown.
    letter: RefCell<Option<(Vec<LanguageTag>, LanguageTag)>>,
}

tokio::task_local! {
    static HERE: Here;
}

/// One entry of the language switcher.
pub struct SwitcherEntry {
    pub code: String,
    /// The language's name in itself.
    pub name: String,
    pub dir: &'static str,
    /// The same page in that language.
    pub href: String,
    pub current: bool,
    /// On a letter's page: the letter's text is not in this language, only the interface.
    pub interface_only: bool,
}

/// The switcher's entries for the page being answered: each shipped interface language, and
/// each language the letter shown is written in, each linking to this same page under its
/// `/{lang}/` address (which beats the cookie and the browser, so the choice always takes).
pub fn switcher(current: &Tr) -> Vec<SwitcherEntry> {
    let (path, letter) = HERE
        .try_with(|here| (here.path.clone(), here.letter.borrow().clone()))
        .unwrap_or_else(|_| ("/".to_owned(), None));
    let href = |code: &str| match path.as_str() {
        "/" => format!("/{code}/"),
        path => format!("/{code}{path}"),
    };
    let mut entries: Vec<SwitcherEntry> = crate::i18n::catalog::interfaces()
        .map(|tr| {
            let tag = tr.tag();
            let code = tag.as_str();
            SwitcherEntry {
                href: href(&code),
                name: tr.t("language-name"),
                dir: tag.dir(),
                current: tr == *current,
                interface_only: letter.as_ref().is_some_and(|(languages, _)| {
                    crate::i18n::pick(std::slice::from_ref(tag), languages).is_none()
                }),
                code,
            }
        })
        .collect();
    // A letter's language we have no interface for (German, say) is still one it can be
    // read in: offered too, around the interface the reader gets.
    if let Some((languages, shown)) = &letter {
        for tag in languages {
            if crate::i18n::pick(std::slice::from_ref(tag), crate::i18n::shipped()).is_none() {
                let code = tag.as_str();
                entries.push(SwitcherEntry {
                    href: href(&code),
                    name: tag.own_name(),
                    dir: tag.dir(),
                    current: tag == shown,
                    interface_only: false,
                    code,
                });
            }
        }
    }
    entries
}

/// A request's interface language: the first of the reader's languages we ship a catalog for.
pub fn language_of(request: &HttpRequest) -> Tr {
    Tr::for_requested(&requested(request))
}

/// The interface language of every request, chosen once here (`Tr::current()` in pages, the
/// sign form's errors and the emails a signer gets), and the page's address for the switcher.
/// A language the reader chose (the address's `/{lang}/` or `?lang=`) that we ship is
/// remembered in the `lang` cookie, so later pages, and the form posted from this one, keep it.
pub async fn interface_language(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let tr = language_of(request.request());
    // Remembered only when we speak it: a stranger's `?lang=xx` or `/de/` (German text, no
    // German interface) must not outlive the address that named it.
    let chosen = crate::i18n::chosen(request.request()).and_then(|asked| {
        crate::i18n::pick(std::slice::from_ref(&asked), crate::i18n::shipped()).cloned()
    });
    let secure = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.secure_cookies);
    let here = Here {
        path: without_lang_in_query(request.path(), request.query_string()),
        letter: RefCell::new(None),
    };
    let mut response = HERE.scope(here, tr.scope(next.call(request))).await?;
    if let Some(tag) = chosen {
        let cookie = actix_web::cookie::Cookie::build(crate::i18n::LANGUAGE_COOKIE, tag.as_str())
            .path("/")
            .same_site(actix_web::cookie::SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(
                LANGUAGE_COOKIE_DAYS,
            ))
            .secure(secure)
            .finish();
        if let Err(error) = response.response_mut().add_cookie(&cookie) {
            tracing::warn!(%error, "could not set the language cookie");
        }
    }
    // The same page address answers in several languages.
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    Ok(response)
}

/// `path?query` without any `lang=` pair, which the switcher's `/{lang}/` replaces.
fn without_lang_in_query(path: &str, query: &str) -> String {
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key != "lang")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn taken(uri: &str) -> (String, Option<String>) {
        let mut request = TestRequest::default().uri(uri).to_srv_request();
        take_address_language(&mut request);
        let language = request
            .extensions()
            .get::<AddressLanguage>()
            .map(|found| found.0.as_str());
        let path = match request.query_string() {
            "" => request.path().to_owned(),
            query => format!("{}?{query}", request.path()),
        };
        (path, language)
    }

    #[test]
    fn a_language_prefix_is_taken_off_every_public_address() {
        let cases = [
            ("/he/letters/x", "/letters/x", Some("he")),
            (
                "/he-IL/letters/x/signed",
                "/letters/x/signed",
                Some("he-IL"),
            ),
            ("/pt-br/verify/abc?x=1", "/verify/abc?x=1", Some("pt-BR")),
            ("/ar/", "/", Some("ar")),
            ("/ar", "/ar", None),
            ("/letters/x", "/letters/x", None),
            ("/api/v1/letters", "/api/v1/letters", None),
            ("/he/api/v1/letters", "/he/api/v1/letters", None),
            ("/he/admin/letters", "/he/admin/letters", None),
            ("/admin/letters", "/admin/letters", None),
            ("/abcde/letters/x", "/abcde/letters/x", None),
            ("/static/style.css", "/static/style.css", None),
        ];
        for (uri, path, language) in cases {
            assert_eq!(
                taken(uri),
                (path.to_owned(), language.map(str::to_owned)),
                "{uri}"
            );
        }
    }

    #[test]
    fn the_switcher_keeps_the_query_but_not_its_language() {
        assert_eq!(without_lang_in_query("/letters/x", ""), "/letters/x");
        assert_eq!(
            without_lang_in_query("/letters/x/signatories", "lang=he&page=2"),
            "/letters/x/signatories?page=2"
        );
    }
}
