//! `letters import FILE.md`: a Markdown letter with a TOML front matter between `+++` lines.
//! Importing the same slug again updates that letter and records a new text version when the
//! text changed.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::LetterStatus;
use super::draft::{LetterDraft, LetterErrors, LetterInput};
pub use super::store::{StoreOutcome as ImportOutcome, store, store_with};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file must start with a TOML front matter between two lines of +++")]
    MissingFrontMatter,
    #[error("front matter: {0}")]
    FrontMatter(String),
    #[error("{0}")]
    Invalid(LetterErrors),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
    title: String,
    addressee: String,
    #[serde(default)]
    summary: String,
    #[serde(default = "default_status")]
    status: String,
    goal: Option<i64>,
    opens_at: Option<toml::Value>,
    closes_at: Option<toml::Value>,
    #[serde(default = "yes")]
    accepts_individuals: bool,
    #[serde(default = "yes")]
    accepts_organizations: bool,
    #[serde(default = "yes")]
    organizations_need_approval: bool,
    #[serde(default = "yes")]
    invites_skip_approval: bool,
    #[serde(default)]
    show_partner_tally: bool,
}

fn default_status() -> String {
    "draft".into()
}

fn yes() -> bool {
    true
}

/// Reads a letter file and applies the rules every letter passes ([`LetterDraft::parse`]).
pub fn parse_document(text: &str) -> Result<LetterDraft, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(ImportError::MissingFrontMatter)?;
    if first.trim_end() != "+++" {
        return Err(ImportError::MissingFrontMatter);
    }
    let mut front = String::new();
    let mut closed = false;
    for line in lines.by_ref() {
        if line.trim_end() == "+++" {
            closed = true;
            break;
        }
        front.push_str(line);
    }
    if !closed {
        return Err(ImportError::MissingFrontMatter);
    }
    let body: String = lines.collect();
    let matter: FrontMatter =
        toml::from_str(&front).map_err(|error| ImportError::FrontMatter(error.message().into()))?;

    let mut errors = LetterErrors::default();
    let status = LetterStatus::parse(matter.status.trim()).unwrap_or_else(|| {
        errors.insert("status", "Use draft, open, closed or archived.");
        LetterStatus::Draft
    });
    let mut time = |field: &'static str, value: Option<toml::Value>| {
        value.and_then(|value| {
            let parsed = parse_time(&value);
            if parsed.is_none() {
                errors.insert(field, TIME_HELP);
            }
            parsed
        })
    };
    let opens_at = time("opens_at", matter.opens_at);
    let closes_at = time("closes_at", matter.closes_at);
    let parsed = LetterDraft::parse(LetterInput {
        slug: matter.slug,
        title: matter.title,
        addressee: matter.addressee,
        summary: matter.summary,
        body_markdown: body,
        status,
        goal: matter.goal,
        opens_at,
        closes_at,
        accepts_individuals: matter.accepts_individuals,
        accepts_organizations: matter.accepts_organizations,
        organizations_need_approval: matter.organizations_need_approval,
        invites_skip_approval: matter.invites_skip_approval,
        show_partner_tally: matter.show_partner_tally,
    });
    match parsed {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(ImportError::Invalid(errors)),
        Err(more) => {
            errors.merge(more);
            Err(ImportError::Invalid(errors))
        }
    }
}

const TIME_HELP: &str = "Use a date (2026-12-31) or a time with offset (2026-12-31T18:00:00Z).";

fn parse_time(value: &toml::Value) -> Option<NaiveDateTime> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) => datetime.to_string(),
        _ => return None,
    };
    if let Ok(time) = DateTime::parse_from_rfc3339(&text) {
        return Some(time.naive_utc());
    }
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "+++\nslug = \"dear-president\"\ntitle = \"Dear President\"\naddressee = \"The President\"\nstatus = \"open\"\ngoal = 1000\ncloses_at = 2026-12-31T18:00:00Z\n+++\n\nWe write to you.\n";

    #[test]
    fn parses_front_matter_and_body() {
        let document = parse_document(SAMPLE).expect("valid document");
        assert_eq!(document.slug, "dear-president");
        assert_eq!(document.status, LetterStatus::Open);
        assert_eq!(document.goal, Some(1000));
        assert_eq!(
            document.closes_at.map(|time| time.to_string()),
            Some("2026-12-31 18:00:00".into())
        );
        assert_eq!(document.body_markdown, "We write to you.");
        assert!(document.accepts_individuals && document.organizations_need_approval);
    }

    #[test]
    fn refuses_bad_documents_with_the_field_named() {
        assert!(matches!(
            parse_document("no front matter"),
            Err(ImportError::MissingFrontMatter)
        ));
        let bad_status = SAMPLE.replace("\"open\"", "\"ajar\"");
        let error = parse_document(&bad_status).expect_err("bad status");
        assert!(error.to_string().contains("status"), "{error}");
        let bad_slug = SAMPLE.replace("dear-president", "Dear President");
        let error = parse_document(&bad_slug).expect_err("bad slug");
        assert!(error.to_string().contains("slug"), "{error}");
        let unknown = SAMPLE.replace("goal = 1000", "gaol = 1000");
        assert!(parse_document(&unknown).is_err());
    }
}
