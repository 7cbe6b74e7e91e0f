//! The interface's words: Project Fluent catalogs under `locales/{lang}/*.ftl`, compiled into
//! the binary, one bundle per shipped language, with numbers and dates formatted by ICU4X for
//! that language. Pages, the sign form's errors and signer emails all speak through a [`Tr`].
//!
//! A message missing from a catalog falls back to English (and is logged once); the unit tests
//! below make a missing message fail the build's tests instead of ever reaching a reader.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::input::{DateTime, Time};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;

use super::message::{Message, Value};
use super::{LanguageTag, SHIPPED, shipped};

/// The catalog files of each shipped language, in `SHIPPED` order. Adding a language is one
/// folder under `locales/` and one line here (plus its entry in `SHIPPED`).
const SOURCES: [(&str, &[&str]); 5] = [
    (
        "en",
        &[
            include_str!("../../locales/en/pages.ftl"),
            include_str!("../../locales/en/form.ftl"),
            include_str!("../../locales/en/email.ftl"),
        ],
    ),
    (
        "he",
        &[
            include_str!("../../locales/he/pages.ftl"),
            include_str!("../../locales/he/form.ftl"),
            include_str!("../../locales/he/email.ftl"),
        ],
    ),
    (
        "ar",
        &[
            include_str!("../../locales/ar/pages.ftl"),
            include_str!("../../locales/ar/form.ftl"),
            include_str!("../../locales/ar/email.ftl"),
        ],
    ),
    (
        "fr",
        &[
            include_str!("../../locales/fr/pages.ftl"),
            include_str!("../../locales/fr/form.ftl"),
            include_str!("../../locales/fr/email.ftl"),
        ],
    ),
    (
        "es",
        &[
            include_str!("../../locales/es/pages.ftl"),
            include_str!("../../locales/es/form.ftl"),
            include_str!("../../locales/es/email.ftl"),
        ],
    ),
];

/// One language's messages and formatters.
pub struct Catalog {
    tag: LanguageTag,
    bundle: FluentBundle<FluentResource>,
    /// The messages' ids, to check a key before formatting it.
    ids: HashSet<String>,
    /// Messages without values, formatted once: most of a page's words.
    plain: std::collections::HashMap<String, String>,
}

/// Numbers in each shipped language, by `SHIPPED` index (a Fluent formatter is a plain `fn`,
/// so it finds its language's formatter by a constant index).
static DECIMALS: LazyLock<Vec<Option<DecimalFormatter>>> = LazyLock::new(|| {
    SHIPPED
        .iter()
        .map(|code| {
            let locale: Locale = code.parse().ok()?;
            DecimalFormatter::try_new((&locale).into(), Default::default())
                .inspect_err(|error| tracing::warn!(%error, code, "no number format"))
                .ok()
        })
        .collect()
});

type DateFormatter = FixedCalendarDateTimeFormatter<Gregorian, YMD>;
type DateTimeFormatter = FixedCalendarDateTimeFormatter<Gregorian, icu_datetime::fieldsets::YMDT>;

/// Long dates (and dates with the time) in each shipped language, by `SHIPPED` index.
static DATES: LazyLock<Vec<Option<(DateFormatter, DateTimeFormatter)>>> = LazyLock::new(|| {
    SHIPPED
        .iter()
        .map(|code| {
            let locale: Locale = code.parse().ok()?;
            let date = DateFormatter::try_new((&locale).into(), YMD::long());
            let date_time =
                DateTimeFormatter::try_new((&locale).into(), YMD::long().with_time_hm());
            match (date, date_time) {
                (Ok(date), Ok(date_time)) => Some((date, date_time)),
                (Err(error), _) | (_, Err(error)) => {
                    tracing::warn!(%error, code, "no date format");
                    None
                }
            }
        })
        .collect()
});

fn decimal(index: usize, value: i64) -> String {
    match DECIMALS.get(index).and_then(Option::as_ref) {
        Some(formatter) => formatter.format(&Decimal::from(value)).to_string(),
        None => value.to_string(),
    }
}

/// Fluent's own number output has no grouping and Latin digits only; this gives every number
/// in a message (`{ $count }`) its language's digits and separators.
fn number_formatter<const INDEX: usize>(
    value: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    match value {
        FluentValue::Number(number) if number.value.fract() == 0.0 => {
            Some(decimal(INDEX, number.value as i64))
        }
        _ => None,
    }
}

const FORMATTERS: [fn(
    &FluentValue,
    &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String>; 5] = [
    number_formatter::<0>,
    number_formatter::<1>,
    number_formatter::<2>,
    number_formatter::<3>,
    number_formatter::<4>,
];

/// Parse problems of one language's sources (empty when all parse).
fn load(code: &str, sources: &[&str], index: usize) -> (Catalog, Vec<String>) {
    let tag = LanguageTag::parse(code).unwrap_or_else(|| shipped()[0].clone());
    let mut bundle = FluentBundle::new_concurrent(vec![tag.identifier().clone()]);
    // Names and titles are wrapped in <bdi> by the templates; Fluent's own isolation marks
    // would be invisible characters in attributes, emails and tests.
    bundle.set_use_isolating(false);
    bundle.set_formatter(FORMATTERS.get(index).copied());
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for source in sources {
        let resource = match FluentResource::try_new((*source).to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                problems.extend(errors.iter().map(|error| format!("{code}: {error:?}")));
                resource
            }
        };
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                ids.insert(message.id.name.to_owned());
            }
        }
        if let Err(errors) = bundle.add_resource(resource) {
            problems.extend(errors.iter().map(|error| format!("{code}: {error:?}")));
        }
    }
    let plain = ids
        .iter()
        .filter_map(|id| {
            let pattern = bundle.get_message(id)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            errors.is_empty().then(|| (id.clone(), text.into_owned()))
        })
        .collect();
    (
        Catalog {
            tag,
            bundle,
            ids,
            plain,
        },
        problems,
    )
}

static CATALOGS: LazyLock<Vec<Catalog>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .enumerate()
        .map(|(index, (code, sources))| {
            let (catalog, problems) = load(code, sources, index);
            for problem in problems {
                tracing::warn!(problem, "message catalog problem");
            }
            catalog
        })
        .collect()
});

/// (language, message id) pairs already reported missing, so each is logged once.
static REPORTED: LazyLock<Mutex<HashSet<(usize, String)>>> =
    LazyLock::new(|| Mutex::new(HashSet::new()));

fn report_missing(index: usize, id: &str) {
    let first = REPORTED
        .lock()
        .map(|mut seen| seen.insert((index, id.to_owned())))
        .unwrap_or(false);
    if first {
        tracing::warn!(
            language = SHIPPED.get(index).copied().unwrap_or("?"),
            id,
            "message missing from the catalog; English shown"
        );
    }
}

/// A value a message is given (`{ $name }`, `{ $count }`).
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
    /// Markup already escaped (`<strong>...</strong>` around an escaped title), for `html`.
    Markup(&'a str),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&&'a str> for Arg<'a> {
    fn from(text: &&'a str) -> Self {
        Arg::Text(text)
    }
}

impl From<i64> for Arg<'_> {
    fn from(number: i64) -> Self {
        Arg::Number(number)
    }
}

/// The translator a page or an email speaks through: one shipped language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    index: usize,
}

tokio::task_local! {
    /// The interface language of the request being answered, set once by
    /// `http::middleware::interface_language`.
    static CURRENT: Tr;
}

impl Default for Tr {
    fn default() -> Self {
        Tr::english()
    }
}

impl Tr {
    pub fn english() -> Tr {
        Tr { index: 0 }
    }

    /// The translator for a shipped language (`he`, `ar`, ...); English for anything else.
    pub fn for_language(tag: &LanguageTag) -> Tr {
        let index = shipped()
            .iter()
            .position(|shipped| shipped == tag)
            .unwrap_or(0);
        Tr { index }
    }

    /// The translator for a stored language code (`signatures.lang`, an email's parameters):
    /// its best shipped match, else English.
    pub fn for_code(code: Option<&str>) -> Tr {
        let requested: Vec<LanguageTag> = code.and_then(LanguageTag::parse).into_iter().collect();
        Tr::for_requested(&requested)
    }

    /// The translator for a reader's languages, most wanted first (`i18n::requested`).
    pub fn for_requested(requested: &[LanguageTag]) -> Tr {
        Tr::for_language(&super::interface_language(requested))
    }

    /// The interface language of the request being answered (English outside a request).
    pub fn current() -> Tr {
        CURRENT.try_with(|tr| *tr).unwrap_or_default()
    }

    /// Runs `future` (a request's handling) with `self` as its interface language.
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }

    fn catalog(&self) -> &'static Catalog {
        CATALOGS.get(self.index).unwrap_or(&CATALOGS[0])
    }

    /// The language, as a tag.
    pub fn tag(&self) -> &'static LanguageTag {
        &self.catalog().tag
    }

    /// The language code, for `lang=""`.
    pub fn lang(&self) -> String {
        self.catalog().tag.as_str()
    }

    /// `rtl` or `ltr`, for `dir=""`.
    pub fn dir(&self) -> &'static str {
        self.catalog().tag.dir()
    }

    pub fn is_english(&self) -> bool {
        self.index == 0
    }

    /// A message without values.
    pub fn t(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// A message with named values: `tr.ta("key", &[("name", name.into())])`.
    pub fn ta<'a>(&self, id: &str, args: impl AsRef<[(&'a str, Arg<'a>)]>) -> String {
        self.format(id, args.as_ref())
    }

    /// A message as HTML: its text values escaped, its `Markup` values kept (the catalogs are
    /// ours, and hold no markup of their own).
    pub fn html<'a>(&self, id: &str, args: impl AsRef<[(&'a str, Arg<'a>)]>) -> String {
        let args = args.as_ref();
        let escaped: Vec<(&str, String)> = args
            .iter()
            .filter_map(|(name, value)| match value {
                Arg::Text(text) => Some((*name, escape(text))),
                _ => None,
            })
            .collect();
        let mut all: Vec<(&str, Arg<'_>)> = escaped
            .iter()
            .map(|(name, text)| (*name, Arg::Markup(text.as_str())))
            .collect();
        all.extend(args.iter().filter_map(|(name, value)| match value {
            Arg::Number(number) => Some((*name, Arg::Number(*number))),
            Arg::Markup(markup) => Some((*name, Arg::Markup(markup))),
            Arg::Text(_) => None,
        }));
        self.format(id, &all)
    }

    /// A message about a count (`$count`), which picks its plural form by the count.
    pub fn count(&self, id: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.format(id, &[("count", Arg::Number(*count.borrow()))])
    }

    /// A number with this language's digits and separators.
    pub fn number(&self, value: impl std::borrow::Borrow<i64>) -> String {
        decimal(self.index, *value.borrow())
    }

    /// A long date in the installed site's style (see `date_in`).
    pub fn date(&self, time: &chrono::NaiveDateTime) -> String {
        self.date_in(crate::config::site::installed().date_style, time)
    }

    /// A long date. English keeps the site's `date_style`; the other languages take CLDR's
    /// long date for the language (an ISO site stays ISO everywhere).
    pub fn date_in(
        &self,
        style: impl std::borrow::Borrow<crate::config::DateStyle>,
        time: &chrono::NaiveDateTime,
    ) -> String {
        self.long_date(*style.borrow(), time, false)
    }

    /// A long date with the time in the installed site's style (see `date_time_in`).
    pub fn date_time(&self, time: &chrono::NaiveDateTime) -> String {
        self.date_time_in(crate::config::site::installed().date_style, time)
    }

    /// A long date with the time (UTC), as for a closing time.
    pub fn date_time_in(
        &self,
        style: impl std::borrow::Borrow<crate::config::DateStyle>,
        time: &chrono::NaiveDateTime,
    ) -> String {
        self.long_date(*style.borrow(), time, true)
    }

    /// CLDR's long date (with the time when `with_time`) for this language, or the site's own
    /// style for English, on an ISO site, for a language CLDR has no data for, or for a time
    /// CLDR cannot take.
    fn long_date(
        &self,
        style: crate::config::DateStyle,
        time: &chrono::NaiveDateTime,
        with_time: bool,
    ) -> String {
        use chrono::{Datelike, Timelike};
        let own_style = || {
            if with_time {
                style.date_time(time)
            } else {
                style.date(time)
            }
        };
        if self.is_english() || style == crate::config::DateStyle::Iso {
            return own_style();
        }
        let Some((date_only, date_and_time)) = DATES.get(self.index).and_then(Option::as_ref)
        else {
            return own_style();
        };
        let Ok(date) = Date::try_new_gregorian(time.year(), time.month() as u8, time.day() as u8)
        else {
            return own_style();
        };
        if !with_time {
            return date_only.format(&date).to_string();
        }
        match Time::try_new(time.hour() as u8, time.minute() as u8, 0, 0) {
            Ok(time) => format!("{} UTC", date_and_time.format(&DateTime { date, time })),
            Err(_) => own_style(),
        }
    }

    fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        if args.is_empty()
            && let Some(text) = self.catalog().plain.get(id)
        {
            return text.clone();
        }
        let catalog = if self.catalog().ids.contains(id) {
            self.catalog()
        } else {
            report_missing(self.index, id);
            &CATALOGS[0]
        };
        let Some(pattern) = catalog.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            match value {
                Arg::Text(text) | Arg::Markup(text) => {
                    fluent_args.set(*name, FluentValue::from(*text))
                }
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        let mut errors = Vec::new();
        let text = catalog
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "message formatting problem");
        }
        text.into_owned()
    }

    /// A message named by its id (see `super::message`), in this language.
    pub fn message(&self, message: &Message) -> String {
        match message {
            Message::Catalog { id, args } => {
                let args: Vec<(&str, Arg<'_>)> = args
                    .iter()
                    .map(|(name, value)| {
                        let value = match value {
                            Value::Text(text) => Arg::Text(text),
                            Value::Number(number) => Arg::Number(*number),
                        };
                        (*name, value)
                    })
                    .collect();
                self.format(id, &args)
            }
            Message::Verbatim(text) => text.clone(),
        }
    }
}

/// A title or name set in bold inside a translated sentence, escaped and isolated.
pub fn strong(text: &str) -> String {
    format!("<strong><bdi>{}</bdi></strong>", escape(text))
}

/// A link around a title inside a translated sentence, both escaped.
pub fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(href), escape(text))
}

/// A letter's words (a title, an addressee) inside a sentence of another language, as HTML:
/// escaped, isolated and marked with their own language and direction, so an English title
/// in a Hebrew sentence (or the reverse) keeps its punctuation at its own end. Pages and
/// emails all mark a text this way.
pub fn marked(text: &str, lang: &LanguageTag) -> String {
    format!(
        r#"<bdi lang="{lang}" dir="{}">{}</bdi>"#,
        lang.dir(),
        escape(text)
    )
}

/// A title in straight quotes, for plain-text emails.
pub fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

pub use crate::values::html::escape;

/// For templates: the translator passed in at render time (`render_with_values`, as emails
/// do), else the request's.
pub fn of(passed: Result<&Tr, askama::Error>) -> Tr {
    passed.copied().unwrap_or_else(|_| Tr::current())
}

/// A translator for each shipped interface language, in `SHIPPED` order.
pub fn interfaces() -> impl Iterator<Item = Tr> {
    (0..CATALOGS.len()).map(|index| Tr { index })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_of(source: &str) -> Vec<String> {
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) | Err((resource, _)) => resource,
        };
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_catalog_parses() {
        assert_eq!(SOURCES.len(), SHIPPED.len());
        for (index, (code, sources)) in SOURCES.iter().enumerate() {
            assert_eq!(*code, SHIPPED[index]);
            let (_, problems) = load(code, sources, index);
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }

    #[test]
    fn every_catalog_has_exactly_the_english_messages() {
        let english: std::collections::BTreeSet<String> =
            SOURCES[0].1.iter().flat_map(|s| ids_of(s)).collect();
        for (code, sources) in &SOURCES[1..] {
            let ids: std::collections::BTreeSet<String> =
                sources.iter().flat_map(|s| ids_of(s)).collect();
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{code}: missing {missing:?}, not in English {extra:?}"
            );
        }
    }

    /// Every `tr.t("id")`, `tr.ta("id", ..)`, `tr.count("id", ..)`, `Message::id("id")` and
    /// `Message::count("id", ..)` in templates/ and src/.
    fn used_ids() -> Vec<(String, String)> {
        let pattern = regex::Regex::new(
            r#"\b(?:(?:tr|t)\s*\.\s*(?:t|ta|count|html)|Message\s*::\s*(?:id|count))\s*\(\s*"([a-z0-9-]+)""#,
        )
        .expect("pattern");
        let mut found = Vec::new();
        let mut stack = vec![
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates"),
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"),
        ];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("read dir").flatten() {
                    stack.push(entry.path());
                }
            } else if path.ends_with("catalog.rs") {
                // This file's documentation and tests name messages by example.
                continue;
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                for capture in pattern.captures_iter(&text) {
                    found.push((path.display().to_string(), capture[1].to_owned()));
                }
            }
        }
        found
    }

    #[test]
    fn every_message_used_exists_in_english() {
        let english: HashSet<String> = SOURCES[0].1.iter().flat_map(|s| ids_of(s)).collect();
        let used = used_ids();
        assert!(used.len() > 50, "the scan found only {} uses", used.len());
        let missing: Vec<_> = used
            .iter()
            .filter(|(_, id)| !english.contains(id))
            .collect();
        assert!(missing.is_empty(), "not in locales/en: {missing:#?}");
    }

    #[test]
    fn arabic_counts_have_all_six_plural_forms() {
        let arabic = SOURCES[2].1.join("\n");
        let resource = FluentResource::try_new(arabic).expect("Arabic parses");
        let mut count_messages = 0;
        for entry in resource.entries() {
            let fluent_syntax::ast::Entry::Message(message) = entry else {
                continue;
            };
            let Some(value) = &message.value else {
                continue;
            };
            let text = format!("{value:?}");
            if !text.contains("\"count\"") || !text.contains("Select") {
                continue;
            }
            count_messages += 1;
            for category in ["zero", "one", "two", "few", "many", "other"] {
                assert!(
                    text.contains(&format!("\"{category}\"")),
                    "ar {} lacks [{category}]",
                    message.id.name
                );
            }
        }
        assert!(count_messages >= 3, "only {count_messages} count messages");
    }

    #[test]
    fn counts_numbers_and_fallback() {
        let ar = Tr::for_code(Some("ar"));
        let he = Tr::for_code(Some("he-IL"));
        let fr = Tr::for_code(Some("fr"));
        assert_eq!(he.lang(), "he");
        assert_eq!(he.dir(), "rtl");
        assert_eq!(Tr::for_code(Some("de")).lang(), "en");
        assert_eq!(Tr::english().count("signatures", 1), "1 signature");
        assert_eq!(Tr::english().count("signatures", 2431), "2,431 signatures");
        // Arabic's six forms give six different words for these counts.
        let forms: HashSet<String> = [0, 1, 2, 3, 11, 100]
            .iter()
            .map(|n| ar.count("signatures", *n))
            .collect();
        assert_eq!(forms.len(), 6, "{forms:?}");
        assert_ne!(fr.number(12345), "12,345");
        // A message no catalog has shows its id, not a broken page.
        assert_eq!(fr.t("no-such-message"), "no-such-message");
        assert_eq!(
            fr.message(&Message::count("error-too-long", 200)),
            fr.count("error-too-long", 200)
        );
        assert_ne!(
            fr.message(&Message::id("error-enter-name")),
            "Enter your name."
        );
        assert_eq!(fr.message(&Message::verbatim("as it is")), "as it is");
    }
}
