//! The letter editor's form: what it posts, what it shows again, and how its text fields
//! become a `LetterDraft`. The rules themselves are `letters::draft`, shared with
//! `letters import`; only reading the form's goal and times is this file's own.

use askama::Template;
use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Timelike};
use serde::Deserialize;

use super::super::Nav;
use super::super::languages::{LanguageChoice, PICK_FROM_THE_LIST};
use crate::i18n::LanguageTag;
use crate::letters::draft::{LetterDraft, LetterErrors, LetterInput};
use crate::letters::{Letter, LetterStatus};
use crate::values::form::checkbox;

/// The letter form's fields: as posted (unchecked boxes are not sent at all, so every field
/// defaults) and as shown again to the editor.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct LetterFields {
    pub slug: String,
    /// The original's language, picked when the letter is made (a known tag); empty on an
    /// existing letter's form, whose language stays as stored.
    pub lang: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub body: String,
    pub goal: String,
    pub opens_at: String,
    pub closes_at: String,
    #[serde(deserialize_with = "checkbox")]
    pub accepts_individuals: bool,
    #[serde(deserialize_with = "checkbox")]
    pub accepts_organizations: bool,
    #[serde(deserialize_with = "checkbox")]
    pub organizations_need_approval: bool,
    #[serde(deserialize_with = "checkbox")]
    pub invites_skip_approval: bool,
    #[serde(deserialize_with = "checkbox")]
    pub show_partner_tally: bool,
    #[serde(deserialize_with = "checkbox")]
    pub comments: bool,
    #[serde(deserialize_with = "checkbox")]
    pub keep_addresses_until_delivery: bool,
    /// Set by the "Preview" button: render, store nothing.
    #[serde(deserialize_with = "checkbox")]
    pub preview: bool,
}

/// The value a `datetime-local` input shows, in UTC.
fn form_time(value: Option<NaiveDateTime>) -> String {
    match value {
        Some(time) if time.second() == 0 => time.format("%Y-%m-%dT%H:%M").to_string(),
        Some(time) => time.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// A time from the form, read as UTC: what a `datetime-local` input sends, a plain date, or
/// RFC 3339 with an offset. `Err` when it is none of these.
fn parse_form_time(text: &str) -> Result<Option<NaiveDateTime>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.naive_utc().trunc_subsecs(6)));
    }
    let local = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(text)
        .trim();
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(local, format) {
            return Ok(Some(time));
        }
    }
    NaiveDate::parse_from_str(local, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(Some)
        .ok_or(())
}

const TIME_HELP: &str = "Use a date and time such as 2026-12-31 18:00 (UTC), or leave it empty.";

impl LetterFields {
    /// A new letter: it accepts everyone, and organizations are reviewed unless invited.
    pub fn blank() -> Self {
        LetterFields {
            slug: String::new(),
            lang: crate::letters::store::DEFAULT_LANGUAGE.to_owned(),
            title: String::new(),
            addressee: String::new(),
            summary: String::new(),
            body: String::new(),
            goal: String::new(),
            opens_at: String::new(),
            closes_at: String::new(),
            accepts_individuals: true,
            accepts_organizations: true,
            organizations_need_approval: true,
            invites_skip_approval: true,
            show_partner_tally: false,
            comments: true,
            keep_addresses_until_delivery: false,
            preview: false,
        }
    }

    pub fn from_letter(letter: &Letter) -> Self {
        LetterFields {
            slug: letter.slug.to_string(),
            lang: String::new(),
            title: letter.title.clone(),
            addressee: letter.addressee.clone(),
            summary: letter.summary.clone(),
            body: letter.body_markdown.clone(),
            goal: letter.goal.map(|goal| goal.to_string()).unwrap_or_default(),
            opens_at: form_time(letter.opens_at),
            closes_at: form_time(letter.closes_at),
            accepts_individuals: letter.accepts_individuals,
            accepts_organizations: letter.accepts_organizations,
            organizations_need_approval: letter.organizations_need_approval,
            invites_skip_approval: letter.invites_skip_approval,
            show_partner_tally: letter.show_partner_tally,
            comments: letter.comments,
            keep_addresses_until_delivery: letter.keep_addresses_until_delivery,
            preview: false,
        }
    }

    /// The form as posted, tidied as stored text is: the address without surrounding spaces,
    /// the body's lines with LF (browsers send a textarea's lines with CRLF).
    pub fn tidied(self) -> Self {
        LetterFields {
            slug: self.slug.trim().to_owned(),
            body: self.body.replace("\r\n", "\n"),
            ..self
        }
    }

    /// The opening time as its `datetime-local` input can show it: a browser drops a value
    /// it cannot read (and such a value makes the page invalid HTML), so a mistyped time is
    /// shown empty next to its error.
    pub fn opens_at_input(&self) -> String {
        parse_form_time(&self.opens_at)
            .map(form_time)
            .unwrap_or_default()
    }

    /// The closing time as its `datetime-local` input can show it.
    pub fn closes_at_input(&self) -> String {
        parse_form_time(&self.closes_at)
            .map(form_time)
            .unwrap_or_default()
    }

    /// Reads the goal and times as typed, then applies the rules every letter passes, and
    /// names each problem.
    pub fn validate(&self, status: LetterStatus) -> Result<LetterDraft, LetterErrors> {
        let mut errors = LetterErrors::default();
        let goal_text: String = self
            .goal
            .chars()
            .filter(|character| !matches!(character, ',' | '_' | ' '))
            .collect();
        let goal = if goal_text.is_empty() {
            None
        } else {
            match goal_text.parse::<i64>() {
                Ok(goal) => Some(goal),
                Err(_) => {
                    errors.insert(
                        "goal",
                        "The goal must be a whole number above zero, or empty.",
                    );
                    None
                }
            }
        };
        let opens_at = parse_form_time(&self.opens_at).unwrap_or_else(|()| {
            errors.insert("opens_at", TIME_HELP);
            None
        });
        let closes_at = parse_form_time(&self.closes_at).unwrap_or_else(|()| {
            errors.insert("closes_at", TIME_HELP);
            None
        });
        // Picked from the list: free text ("Hebrew") is refused here, before the rules every
        // letter passes (which refuse only a tag no address reaches).
        let lang = if self.lang.trim().is_empty() {
            None
        } else {
            match LanguageTag::parse_known(&self.lang) {
                Some(tag) => Some(tag.into_string()),
                None => {
                    errors.insert("lang", PICK_FROM_THE_LIST);
                    None
                }
            }
        };
        let parsed = LetterDraft::parse(LetterInput {
            slug: self.slug.clone(),
            lang,
            title: self.title.clone(),
            addressee: self.addressee.clone(),
            summary: self.summary.clone(),
            body_markdown: self.body.clone(),
            status,
            goal,
            opens_at,
            closes_at,
            accepts_individuals: self.accepts_individuals,
            accepts_organizations: self.accepts_organizations,
            organizations_need_approval: self.organizations_need_approval,
            invites_skip_approval: self.invites_skip_approval,
            show_partner_tally: self.show_partner_tally,
            comments: self.comments,
            keep_addresses_until_delivery: self.keep_addresses_until_delivery,
        });
        match parsed {
            Ok(draft) if errors.is_empty() => Ok(draft),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.merge(more);
                Err(errors)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "admin/letters_form.html")]
pub(super) struct FormPage {
    pub nav: Nav,
    /// `None` for a new letter; the slug of the letter being edited otherwise.
    pub editing: Option<String>,
    pub status: &'static str,
    /// Where the form posts: a clean address, the CSRF token travels in `csrf`.
    pub action: String,
    pub csrf: String,
    pub fields: LetterFields,
    /// A new letter's language picker (empty when editing: a letter keeps its language).
    pub choices: Vec<LanguageChoice>,
    /// An edited letter's language, its own name and `dir`.
    pub lang: String,
    pub lang_name: String,
    /// `lang` (empty when undecided) and `dir` of the text fields: the letter's language
    /// when editing; `auto` on a new letter, whose language is picked on the same form.
    pub text_lang: String,
    pub dir: &'static str,
    pub errors: LetterErrors,
    /// Sanitized HTML of the body, when the editor asked for a preview.
    pub preview: Option<String>,
}

impl FormPage {
    /// Where the editor's script posts the text for a preview as you type (same CSRF token).
    fn live_preview_action(&self) -> String {
        format!("/admin/letters/preview?csrf={}", self.csrf)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_times_are_read_as_utc() {
        let expected = NaiveDate::from_ymd_opt(2026, 12, 31)
            .and_then(|date| date.and_hms_opt(18, 0, 0))
            .expect("a valid time");
        for text in [
            "2026-12-31T18:00",
            "2026-12-31T18:00:00",
            "2026-12-31 18:00",
            "2026-12-31 18:00 UTC",
            "2026-12-31T18:00:00Z",
            "2026-12-31T19:00:00+01:00",
        ] {
            assert_eq!(parse_form_time(text), Ok(Some(expected)), "{text}");
        }
        assert_eq!(parse_form_time("  "), Ok(None));
        assert!(parse_form_time("tomorrow").is_err());
        assert_eq!(form_time(Some(expected)), "2026-12-31T18:00");
    }

    #[test]
    fn a_time_is_shown_again_only_in_a_form_its_input_can_hold() {
        let mut fields = LetterFields::blank();
        fields.opens_at = "2026-12-31 18:00 UTC".into();
        fields.closes_at = "next week".into();
        assert_eq!(fields.opens_at_input(), "2026-12-31T18:00");
        assert_eq!(fields.closes_at_input(), "");
        assert!(
            fields
                .validate(LetterStatus::Draft)
                .is_err_and(|errors| errors.contains("closes_at"))
        );
    }

    #[test]
    fn a_new_letters_language_is_picked_from_the_list() {
        let mut fields = LetterFields::blank();
        fields.slug = "a-letter".into();
        fields.title = "מכתב".into();
        fields.addressee = "הממשלה".into();
        fields.body = "אנו כותבים.".into();
        fields.lang = "Hebrew".into();
        let errors = fields
            .validate(LetterStatus::Draft)
            .expect_err("free text is refused");
        assert_eq!(errors.get("lang"), Some(PICK_FROM_THE_LIST));
        fields.lang = "he".into();
        let draft = fields.validate(LetterStatus::Draft).expect("picked");
        assert_eq!(draft.lang.as_deref(), Some("he"));
        fields.lang = String::new();
        let draft = fields.validate(LetterStatus::Draft).expect("kept");
        assert_eq!(draft.lang, None);
    }

    #[test]
    fn the_form_names_every_bad_field() {
        let mut fields = LetterFields::blank();
        fields.slug = "Bad Slug".into();
        fields.goal = "-3".into();
        fields.opens_at = "2026-12-31".into();
        fields.closes_at = "2026-12-01".into();
        fields.accepts_individuals = false;
        fields.accepts_organizations = false;
        let errors = fields
            .validate(LetterStatus::Draft)
            .expect_err("nothing is valid");
        for field in [
            "slug",
            "title",
            "addressee",
            "body",
            "goal",
            "closes_at",
            "accepts",
        ] {
            assert!(errors.contains(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_browser_textarea_does_not_change_the_text() {
        let input = LetterFields {
            slug: "dear-president".into(),
            title: " Dear President ".into(),
            addressee: "The President".into(),
            body: "Dear President,\r\n\r\nWe write.\r\n".into(),
            accepts_individuals: true,
            ..LetterFields::default()
        };
        let draft = input.tidied().validate(LetterStatus::Open).expect("valid");
        assert_eq!(draft.body_markdown, "Dear President,\n\nWe write.");
        assert_eq!(draft.title, "Dear President");
        assert!(draft.accepts_individuals && !draft.accepts_organizations);
        assert_eq!(draft.status, LetterStatus::Open);
    }
}
