//! Languages: which one a reader asked for, in order of preference, and which of the ones we
//! have fits best. Letter translations and the interface catalogs both choose through here, so
//! `?lang=`, the switcher's cookie and `Accept-Language` mean the same thing everywhere.

pub mod catalog;
pub mod message;

pub use message::Message;

pub use crate::values::language::LanguageTag;

use actix_web::HttpRequest;
use fluent_langneg::{NegotiationStrategy, negotiate_languages};

/// The cookie the language switcher sets (through `?lang=`), read before `Accept-Language`.
pub const LANGUAGE_COOKIE: &str = "lang";

/// The interface languages we ship message catalogs for, the first being the fallback.
pub const SHIPPED: [&str; 5] = ["en", "he", "ar", "fr", "es"];

/// The shipped interface languages as tags, in `SHIPPED` order.
pub fn shipped() -> &'static [LanguageTag] {
    static TAGS: std::sync::OnceLock<Vec<LanguageTag>> = std::sync::OnceLock::new();
    TAGS.get_or_init(|| {
        SHIPPED
            .iter()
            .filter_map(|code| LanguageTag::parse(code))
            .collect()
    })
}

/// The interface language for a reader: the first requested one we have a catalog for, else
/// English. Pages, the sign form's errors and the emails a signer gets all use this.
pub fn interface_language(requested: &[LanguageTag]) -> LanguageTag {
    pick(requested, shipped()).unwrap_or(&shipped()[0]).clone()
}

/// The `?lang=` value of a request, if it names a language.
pub fn from_query(request: &HttpRequest) -> Option<LanguageTag> {
    url::form_urlencoded::parse(request.query_string().as_bytes())
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| LanguageTag::parse(&value))
}

/// The language a request's address started with (`/he/letters/...`, `/pt-BR/verify/...`),
/// put in the request's extensions when the prefix is taken off before routing
/// (`http::language`), so that every route has its `/{lang}/` form and reads it here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressLanguage(pub LanguageTag);

/// The language the address names: its `/{lang}/` prefix.
pub fn from_address(request: &HttpRequest) -> Option<LanguageTag> {
    use actix_web::HttpMessage;
    request
        .extensions()
        .get::<AddressLanguage>()
        .map(|found| found.0.clone())
}

/// What the reader chose themselves: `?lang=` (added to an address, it is the later and
/// more particular choice, and links written before addresses had `/{lang}/` use it), else
/// the address's `/{lang}/`.
pub fn chosen(request: &HttpRequest) -> Option<LanguageTag> {
    from_query(request).or_else(|| from_address(request))
}

/// The reader's languages, most wanted first: `?lang=`, the address's `/{lang}/`,
/// then the switcher's cookie, then `Accept-Language` in the order the browser sent it.
/// Unreadable entries are skipped, never an error. Every choice of a language for a reader
/// (a letter's text, the interface, the emails they get) starts from this list.
pub fn requested(request: &HttpRequest) -> Vec<LanguageTag> {
    requested_then(request, None)
}

/// Like [`requested`], with `then` (what the page itself says: the language a signature was
/// made in, a member's language, the language of the text a form was shown in) after the
/// reader's own choices and before their browser's.
pub fn requested_then(request: &HttpRequest, then: Option<LanguageTag>) -> Vec<LanguageTag> {
    let mut wanted = Vec::new();
    wanted.extend(from_query(request));
    wanted.extend(from_address(request));
    if let Some(cookie) = request.cookie(LANGUAGE_COOKIE) {
        wanted.extend(LanguageTag::parse(cookie.value()));
    }
    wanted.extend(then);
    if let Some(header) = request
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
    {
        wanted.extend(
            fluent_langneg::accepted_languages::parse(header)
                .into_iter()
                .filter_map(|id| LanguageTag::parse(&id.to_string()))
                // A header may list many; the first few readable ones carry the intent.
                .take(8),
        );
    }
    wanted
}

/// The first of `available` the reader reads: the earliest requested language that one of
/// them matches (`pt-BR` reads `pt`, `he` reads `he-IL`), or `None` when none fits.
pub fn pick<'a>(
    requested: &[LanguageTag],
    available: &'a [LanguageTag],
) -> Option<&'a LanguageTag> {
    negotiate_languages(requested, available, None, NegotiationStrategy::Lookup)
        .into_iter()
        .next()
}

/// A letter's addressee as it stands inside a sentence ("To {addressee}", "the open letter to
/// {addressee}", on pages, cards and in emails alike): an English addressee typed as a
/// heading ("The governments of Europe") loses the capital of its leading "The", because in
/// running English the article of a noun phrase is lower case ("to the governments of
/// Europe", "to the Prime Minister") while the words after it keep theirs. Only English and
/// only "The": other languages capitalize by rules a string does not reveal (German nouns,
/// "Monsieur le Président"), and "A"/"An" hardly ever start an addressee. The addressee's own
/// language decides, whatever the sentence's: the words are the letter's.
pub fn addressee_in_sentence<'a>(
    addressee: &'a str,
    lang: &LanguageTag,
) -> std::borrow::Cow<'a, str> {
    match addressee.strip_prefix("The ") {
        Some(rest) if lang.language() == "en" && !rest.trim().is_empty() => {
            std::borrow::Cow::Owned(format!("the {rest}"))
        }
        _ => std::borrow::Cow::Borrowed(addressee),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn tags(list: &[&str]) -> Vec<LanguageTag> {
        list.iter()
            .filter_map(|tag| LanguageTag::parse(tag))
            .collect()
    }

    #[test]
    fn tags_are_canonical_and_strangers_text_is_refused() {
        assert_eq!(
            LanguageTag::parse("pt-br").map(|t| t.as_str()),
            Some("pt-BR".into())
        );
        assert_eq!(
            LanguageTag::parse(" HE ").map(|t| t.as_str()),
            Some("he".into())
        );
        for bad in [
            "",
            "und",
            "<script>",
            "e",
            "en_US;q=1",
            &"a".repeat(40),
            "he\u{202e}",
        ] {
            assert!(LanguageTag::parse(bad).is_none(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn hebrew_and_arabic_are_right_to_left() {
        assert_eq!(
            tags(&["he", "ar", "fa", "en", "fr"])
                .iter()
                .map(|t| t.dir())
                .collect::<Vec<_>>(),
            ["rtl", "rtl", "rtl", "ltr", "ltr"]
        );
    }

    #[test]
    fn the_address_beats_the_cookie_which_beats_the_browser() {
        let request = TestRequest::default()
            .uri("/letters/x?lang=ar")
            .cookie(actix_web::cookie::Cookie::new(LANGUAGE_COOKIE, "fr"))
            .insert_header(("accept-language", "es-ES,es;q=0.9,bogus!!,en;q=0.5"))
            .to_http_request();
        let order: Vec<String> = requested(&request).iter().map(|t| t.as_str()).collect();
        assert_eq!(order, ["ar", "fr", "es-ES", "es", "en"]);
        {
            use actix_web::HttpMessage;
            request
                .extensions_mut()
                .insert(AddressLanguage(tags(&["he"]).remove(0)));
        }
        let order: Vec<String> = requested(&request).iter().map(|t| t.as_str()).collect();
        assert_eq!(
            order[..3],
            ["ar", "he", "fr"],
            "?lang=, the address, the cookie"
        );
    }

    #[test]
    fn picking_matches_regions_and_keeps_the_readers_order() {
        let available = tags(&["en", "he", "pt"]);
        let pick_for = |wanted: &[&str]| pick(&tags(wanted), &available).map(|t| t.as_str());
        assert_eq!(pick_for(&["pt-BR", "he"]), Some("pt".into()));
        assert_eq!(pick_for(&["de", "he-IL"]), Some("he".into()));
        assert_eq!(pick_for(&["de"]), None);
    }

    #[test]
    fn the_interface_falls_back_to_english() {
        assert_eq!(interface_language(&tags(&["de", "ar-EG"])).as_str(), "ar");
        assert_eq!(interface_language(&tags(&["de"])).as_str(), "en");
        assert_eq!(shipped().len(), SHIPPED.len());
    }

    #[test]
    fn an_english_addressee_loses_the_capital_of_its_article_mid_sentence() {
        let en = LanguageTag::parse("en-GB").expect("a tag");
        let fr = LanguageTag::parse("fr").expect("a tag");
        assert_eq!(
            addressee_in_sentence("The governments of Europe", &en),
            "the governments of Europe"
        );
        assert_eq!(
            addressee_in_sentence("The Prime Minister", &en),
            "the Prime Minister"
        );
        assert_eq!(addressee_in_sentence("Theresa May", &en), "Theresa May");
        assert_eq!(addressee_in_sentence("THE BOARD", &en), "THE BOARD");
        assert_eq!(addressee_in_sentence("The ", &en), "The ");
        assert_eq!(addressee_in_sentence("The Guardian", &fr), "The Guardian");
    }
}
