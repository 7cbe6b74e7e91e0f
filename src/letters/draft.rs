//! The one set of rules a letter must pass before it is stored, whoever writes it: the
//! console editor, `letters import`, or any later entry point. Each entry point turns its
//! own format into a [`LetterInput`] and stores only the [`LetterDraft`] that
//! [`LetterDraft::parse`] returns.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::{LetterStatus, is_valid_slug};
use crate::i18n::LanguageTag;
use crate::values::text::TextError;

pub const TITLE_MAX: usize = 300;
pub const ADDRESSEE_MAX: usize = 300;
pub const SUMMARY_MAX: usize = 500;
pub const BODY_MAX: usize = 200_000;

/// Words no letter may be called: each is a literal segment of an address under
/// `/letters/...`, `/admin/letters/...` or `/api/v1/letters/...`, so a letter with that slug
/// would be shadowed by a page (`/admin/letters/new` is the editor's form) or be confused
/// with one.
pub const RESERVED_SLUGS: &[&str] = &[
    "new",
    "preview",
    "edit",
    "state",
    "sign",
    "signed",
    "resend",
    "signatories",
    "signatures",
    "invite",
    "invites",
    "remind",
    "versions",
    "moderation",
    "hide",
    "remove",
    "organizations",
    "exports",
    "export",
    "print",
    "progress",
];

/// A letter as an entry point read it, before any rule was applied.
#[derive(Clone, Debug)]
pub struct LetterInput {
    pub slug: String,
    /// The language the letter is written in (a language tag); `None` keeps the stored
    /// letter's, or English for a new one.
    pub lang: Option<String>,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body_markdown: String,
    pub status: LetterStatus,
    pub goal: Option<i64>,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub accepts_individuals: bool,
    pub accepts_organizations: bool,
    pub organizations_need_approval: bool,
    pub invites_skip_approval: bool,
    /// Show, on the public page, how many counted signatures each member brought.
    pub show_partner_tally: bool,
    /// Ask signers why they sign, and show listed signers' comments.
    pub comments: bool,
    /// Keep signers' addresses until delivery (`Letter::keep_addresses_until_delivery`).
    pub keep_addresses_until_delivery: bool,
}

/// A letter that passed every rule, trimmed and normalized, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterDraft {
    pub slug: String,
    /// The original's language in canonical form; `None` keeps what is stored.
    pub lang: Option<String>,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub status: LetterStatus,
    pub goal: Option<i64>,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub accepts_individuals: bool,
    pub accepts_organizations: bool,
    pub organizations_need_approval: bool,
    pub invites_skip_approval: bool,
    /// Show, on the public page, how many counted signatures each member brought.
    pub show_partner_tally: bool,
    /// Ask signers why they sign, and show listed signers' comments.
    pub comments: bool,
    /// Keep signers' addresses until delivery (`Letter::keep_addresses_until_delivery`).
    pub keep_addresses_until_delivery: bool,
    pub body_markdown: String,
}

/// What is wrong with a letter, by field (`slug`, `title`, `addressee`, `summary`, `body`,
/// `goal`, `opens_at`, `closes_at`, `accepts`), one sentence each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LetterErrors(pub BTreeMap<&'static str, String>);

impl LetterErrors {
    pub fn insert(&mut self, field: &'static str, message: impl Into<String>) {
        // The first problem found in a field is the one to fix first.
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn merge(&mut self, other: LetterErrors) {
        for (field, message) in other.0 {
            self.insert(field, message);
        }
    }
}

impl std::fmt::Display for LetterErrors {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (field, message) in &self.0 {
            if !first {
                formatter.write_str("; ")?;
            }
            first = false;
            write!(formatter, "{field}: {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LetterErrors {}

/// Checks a one-line field by the text rules every entry point shares (no line breaks,
/// controls, direction tricks or invisible characters, at most `max` characters) and returns
/// it cleaned (NFC, spaces trimmed and collapsed). Not empty unless allowed.
fn check_line(
    errors: &mut LetterErrors,
    field: &'static str,
    label: &str,
    text: &str,
    max: usize,
    required: bool,
) -> String {
    match crate::values::text::one_line(text, max) {
        Ok(Some(line)) => return line,
        Ok(None) if !required => {}
        Ok(None) | Err(TextError::Empty) => {
            errors.insert(field, format!("The {label} must be 1 to {max} characters."));
        }
        Err(TextError::TooLong { .. }) => {
            errors.insert(
                field,
                format!("The {label} must be at most {max} characters."),
            );
        }
        Err(problem) => errors.insert(field, problem.to_string()),
    }
    String::new()
}

/// The address a title suggests when the editor leaves it empty: the title transliterated to
/// ASCII and hyphenated by the `slug` crate (maintained, built on `deunicode`, so "Protégez
/// le droit" and Hebrew or Arabic titles give a readable address), cut at a hyphen to fit
/// the 80 characters an address may have. `None` when nothing usable is left or the result is
/// one of the site's own words.
pub fn slug_from_title(title: &str) -> Option<String> {
    let mut slug = slug::slugify(title);
    if slug.len() > 80 {
        let cut = slug[..=80].rfind('-').unwrap_or(80);
        slug.truncate(cut);
    }
    let slug = slug.trim_matches('-').to_owned();
    (is_valid_slug(&slug) && !RESERVED_SLUGS.contains(&slug.as_str())).then_some(slug)
}

impl LetterDraft {
    /// Applies every rule and names each field that breaks one.
    pub fn parse(input: LetterInput) -> Result<LetterDraft, LetterErrors> {
        let mut errors = LetterErrors::default();
        let slug = input.slug.trim().to_owned();
        if !is_valid_slug(&slug) {
            errors.insert(
                "slug",
                "Use lowercase letters, digits and hyphens (at most 80), not starting or ending with a hyphen.",
            );
        } else if RESERVED_SLUGS.contains(&slug.as_str()) {
            errors.insert("slug", "This address is reserved; choose another.");
        }
        let lang = input
            .lang
            .as_deref()
            .map(|text| match routable_language(text) {
                Ok(tag) => tag.as_str(),
                Err(problem) => {
                    errors.insert("lang", problem);
                    String::new()
                }
            });
        let texts = LetterTexts::check(
            &mut errors,
            TextsInput {
                title: &input.title,
                addressee: &input.addressee,
                summary: &input.summary,
                body_markdown: &input.body_markdown,
            },
        );
        if input.goal.is_some_and(|goal| goal < 1) {
            errors.insert(
                "goal",
                "The goal must be a whole number above zero, or empty.",
            );
        }
        if let (Some(opens), Some(closes)) = (input.opens_at, input.closes_at)
            && closes <= opens
        {
            errors.insert("closes_at", "The letter must close after it opens.");
        }
        if !input.accepts_individuals && !input.accepts_organizations {
            errors.insert(
                "accepts",
                "A letter must accept individuals, organizations or both.",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let LetterTexts {
            title,
            addressee,
            summary,
            body_markdown,
        } = texts;
        Ok(LetterDraft {
            slug,
            lang,
            title,
            addressee,
            summary,
            status: input.status,
            goal: input.goal,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
            accepts_individuals: input.accepts_individuals,
            accepts_organizations: input.accepts_organizations,
            organizations_need_approval: input.organizations_need_approval,
            invites_skip_approval: input.invites_skip_approval,
            show_partner_tally: input.show_partner_tally,
            comments: input.comments,
            keep_addresses_until_delivery: input.keep_addresses_until_delivery,
            body_markdown,
        })
    }
}

const LANG_HELP: &str = "Use a language tag such as en, he, ar or pt-BR.";

/// The language a letter or a translation is kept in: a tag with an address
/// (`/he/letters/...`). A tag that parses but cannot be routed (`abcde`, `hebrew`) is refused
/// by name, since storing it would make a text no address reaches.
fn routable_language(text: &str) -> Result<LanguageTag, String> {
    match LanguageTag::parse(text) {
        None => Err(LANG_HELP.to_owned()),
        Some(tag) if !tag.is_routable() => Err(format!(
            "{tag} cannot be a letter's language: a letter's language has an address such as /he/letters/..., so use a two- or three-letter language tag such as en, he, ar or pt-BR."
        )),
        Some(tag) => Ok(tag),
    }
}

/// The texts a reader reads, as an entry point read them.
struct TextsInput<'a> {
    title: &'a str,
    addressee: &'a str,
    summary: &'a str,
    body_markdown: &'a str,
}

/// The texts of a letter or of one of its translations, checked by the same rules.
struct LetterTexts {
    title: String,
    addressee: String,
    summary: String,
    body_markdown: String,
}

impl LetterTexts {
    fn check(errors: &mut LetterErrors, input: TextsInput<'_>) -> LetterTexts {
        let title = check_line(errors, "title", "title", input.title, TITLE_MAX, true);
        let addressee = check_line(
            errors,
            "addressee",
            "addressee",
            input.addressee,
            ADDRESSEE_MAX,
            true,
        );
        let summary = check_line(
            errors,
            "summary",
            "summary",
            input.summary,
            SUMMARY_MAX,
            false,
        );
        // Browsers send a textarea's lines with CRLF and some editors save files that way;
        // stored letters use LF, so the content hash does not depend on how a text arrived.
        let body_markdown = input.body_markdown.replace("\r\n", "\n").trim().to_owned();
        if body_markdown.is_empty() {
            errors.insert("body", "The letter has no text.");
        } else if body_markdown.chars().count() > BODY_MAX {
            errors.insert(
                "body",
                format!("The text must be at most {BODY_MAX} characters."),
            );
        } else if body_markdown
            .chars()
            .any(|character| character.is_control() && !matches!(character, '\n' | '\t'))
        {
            errors.insert("body", "The text must not contain control characters.");
        }
        LetterTexts {
            title,
            addressee,
            summary,
            body_markdown,
        }
    }
}

/// A translation as an entry point read it.
#[derive(Clone, Debug)]
pub struct TranslationInput {
    pub lang: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body_markdown: String,
}

/// A translation that passed every rule a letter's text passes, in a valid language other
/// than the original's, ready to store beside its letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranslationDraft {
    /// Canonical language tag (`he`, `pt-BR`).
    pub lang: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body_markdown: String,
}

impl TranslationDraft {
    /// Applies the letter's text rules, and refuses a language that is not one or is the
    /// original's (`original_lang`): a letter has one text per language.
    pub fn parse(
        input: TranslationInput,
        original_lang: &str,
    ) -> Result<TranslationDraft, LetterErrors> {
        let mut errors = LetterErrors::default();
        let lang = match routable_language(&input.lang) {
            Err(problem) => {
                errors.insert("lang", problem);
                String::new()
            }
            Ok(tag) => {
                let same = LanguageTag::parse(original_lang)
                    .is_some_and(|original| original.as_str() == tag.as_str());
                if same {
                    errors.insert(
                        "lang",
                        "The letter is written in this language; a translation must be in another.",
                    );
                }
                tag.as_str()
            }
        };
        let texts = LetterTexts::check(
            &mut errors,
            TextsInput {
                title: &input.title,
                addressee: &input.addressee,
                summary: &input.summary,
                body_markdown: &input.body_markdown,
            },
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TranslationDraft {
            lang,
            title: texts.title,
            addressee: texts.addressee,
            summary: texts.summary,
            body_markdown: texts.body_markdown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> LetterInput {
        LetterInput {
            slug: "dear-president".into(),
            lang: None,
            title: " Dear President ".into(),
            addressee: "The President".into(),
            summary: String::new(),
            body_markdown: "Dear President,\r\n\r\nWe write.\r\n".into(),
            status: LetterStatus::Open,
            goal: Some(10),
            opens_at: None,
            closes_at: None,
            accepts_individuals: true,
            accepts_organizations: false,
            organizations_need_approval: true,
            invites_skip_approval: true,
            show_partner_tally: false,
            comments: true,
            keep_addresses_until_delivery: false,
        }
    }

    #[test]
    fn a_valid_letter_is_trimmed_and_its_lines_normalized() {
        let draft = LetterDraft::parse(valid()).expect("valid");
        assert_eq!(draft.title, "Dear President");
        assert_eq!(draft.body_markdown, "Dear President,\n\nWe write.");
        assert_eq!(draft.status, LetterStatus::Open);
    }

    #[test]
    fn every_bad_field_is_named() {
        let time = |day| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, day)
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        };
        let input = LetterInput {
            slug: "new".into(),
            title: "Dear\r\nPresident".into(),
            addressee: "The\u{0}President".into(),
            summary: "x".repeat(SUMMARY_MAX + 1),
            body_markdown: "   ".into(),
            goal: Some(0),
            opens_at: time(31),
            closes_at: time(1),
            accepts_individuals: false,
            ..valid()
        };
        let errors = LetterDraft::parse(input).expect_err("nothing is valid");
        for field in [
            "slug",
            "title",
            "addressee",
            "summary",
            "body",
            "goal",
            "closes_at",
            "accepts",
        ] {
            assert!(errors.contains(field), "{field}: {errors}");
        }
    }

    fn translation(lang: &str) -> TranslationInput {
        TranslationInput {
            lang: lang.into(),
            title: " עתיד משותף ".into(),
            addressee: "הממשלות".into(),
            summary: String::new(),
            body_markdown: "אנו כותבים.\r\n".into(),
        }
    }

    #[test]
    fn a_translation_passes_the_letters_text_rules_in_another_language() {
        let draft = TranslationDraft::parse(translation("HE"), "en").expect("valid");
        assert_eq!(draft.lang, "he");
        assert_eq!(draft.title, "עתיד משותף");
        assert_eq!(draft.body_markdown, "אנו כותבים.");
        for (lang, original) in [
            ("en", "en"),
            ("pt-br", "pt-BR"),
            ("<script>", "en"),
            ("", "en"),
            ("he\u{202e}", "en"),
            ("abcde", "en"),
            ("hebrew", "en"),
            ("api", "en"),
        ] {
            let errors = TranslationDraft::parse(translation(lang), original).expect_err(lang);
            assert!(errors.contains("lang"), "{lang}: {errors}");
        }
        let errors = TranslationDraft::parse(
            TranslationInput {
                title: "Two\nlines".into(),
                body_markdown: " ".into(),
                ..translation("ar")
            },
            "en",
        )
        .expect_err("bad texts");
        assert!(
            errors.contains("title") && errors.contains("body"),
            "{errors}"
        );
    }

    #[test]
    fn a_letter_in_a_language_without_an_address_is_refused() {
        let errors = LetterDraft::parse(LetterInput {
            lang: Some("abcde".into()),
            ..valid()
        })
        .expect_err("no address reaches abcde");
        assert!(
            errors
                .get("lang")
                .is_some_and(|message| message.contains("abcde")),
            "{errors}"
        );
        let draft = LetterDraft::parse(LetterInput {
            lang: Some("he-il".into()),
            ..valid()
        })
        .expect("he-IL has an address");
        assert_eq!(draft.lang.as_deref(), Some("he-IL"));
    }

    #[test]
    fn reserved_words_are_valid_slugs_so_the_reservation_is_what_refuses_them() {
        for word in RESERVED_SLUGS {
            assert!(is_valid_slug(word), "{word}");
            let errors = LetterDraft::parse(LetterInput {
                slug: (*word).into(),
                ..valid()
            })
            .expect_err("reserved");
            assert_eq!(
                errors.get("slug"),
                Some("This address is reserved; choose another.")
            );
        }
    }

    #[test]
    fn an_empty_address_is_suggested_by_the_title() {
        assert_eq!(
            slug_from_title("Protect the right to protest!").as_deref(),
            Some("protect-the-right-to-protest")
        );
        assert_eq!(
            slug_from_title("Protégez le droit de manifester").as_deref(),
            Some("protegez-le-droit-de-manifester")
        );
        let long = "word ".repeat(40);
        let suggested = slug_from_title(&long).expect("a slug");
        assert!(
            suggested.len() <= 80 && is_valid_slug(&suggested),
            "{suggested}"
        );
        assert_eq!(slug_from_title("New"), None, "reserved");
        assert_eq!(slug_from_title("!!!"), None);
    }
}
