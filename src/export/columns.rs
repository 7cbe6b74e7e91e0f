//! The exports' columns, listed once: their names (the CSV header, the JSON keys) and how each
//! cell is read from a signature. Two sets: the staff export's (`COLUMNS`: everything staff
//! need to deliver and keep the record) and the partner file's (`PARTNER_COLUMNS`: only what a
//! member needs to keep its supporters informed). The signer's optional fields come from
//! `crate::signatures::fields`, between the organization and the `public` column, so a field
//! added there is exported by the staff export, in CSV and JSON, without a line here; the
//! partner file names the few it gives.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::NaiveDateTime;

use super::{Originals, Roster};
use crate::signatures::SignatureRecord;
use crate::signatures::fields::{FIELDS, FieldSpec};

/// What a row is read from.
pub struct Source<'a> {
    pub record: &'a SignatureRecord,
    /// Member ids to names, for `via_member`.
    pub roster: &'a Roster,
    /// Letter ids to the language of their original, for `language`.
    pub originals: &'a Originals,
}

/// One cell, before it is written as CSV or JSON.
pub enum Cell<'a> {
    /// Text that is always there.
    Text(&'a str),
    /// Text that may be missing: an empty CSV cell, JSON `null`.
    Optional(Option<&'a str>),
    /// `yes`/`no` in CSV, a JSON boolean.
    Flag(bool),
    /// A time (see `timestamp`), or missing.
    Time(Option<String>),
}

impl<'a> Cell<'a> {
    /// The CSV text: a cell a spreadsheet would run as a formula is made text.
    pub fn csv(self) -> Cow<'a, str> {
        match self {
            Cell::Text(text) => neutralize_formula(text),
            Cell::Optional(text) => neutralize_formula(text.unwrap_or("")),
            Cell::Flag(flag) => (if flag { "yes" } else { "no" }).into(),
            Cell::Time(time) => time.map(Cow::Owned).unwrap_or_default(),
        }
    }
}

impl serde::Serialize for Cell<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(text) => serializer.serialize_str(text),
            Cell::Optional(text) => text.serialize(serializer),
            Cell::Flag(flag) => serializer.serialize_bool(*flag),
            Cell::Time(time) => time.serialize(serializer),
        }
    }
}

type Read = for<'a> fn(&Source<'a>) -> Cell<'a>;

/// A column of the export.
pub enum Column {
    /// A column of its own, read by a function.
    Fixed(&'static str, Read),
    /// One of the signer's optional fields.
    Signer(&'static FieldSpec),
}

impl Column {
    pub fn name(&self) -> &'static str {
        match self {
            Column::Fixed(name, _) => name,
            Column::Signer(field) => field.name,
        }
    }

    pub fn cell<'a>(&self, source: &Source<'a>) -> Cell<'a> {
        match self {
            Column::Fixed(_, read) => read(source),
            Column::Signer(field) => Cell::Optional(source.record.text.get(field.name)),
        }
    }
}

/// The signer's address where one is held: a confirmed signer with no reason to keep it
/// (no updates asked, nothing shared with a member, ...) and a withdrawn one have the empty
/// text in `signatures.email`, which is written as an empty cell (JSON `null`), not as an
/// address.
fn held_email<'a>(source: &Source<'a>) -> Cell<'a> {
    Cell::Optional(Some(source.record.email.as_str()).filter(|email| !email.is_empty()))
}

/// The language of the text the signer read. Rows that name no language (invites,
/// signatures from before translations) were signed in the letter's original.
fn language<'a>(source: &Source<'a>) -> Cell<'a> {
    Cell::Text(
        source
            .record
            .lang
            .as_deref()
            .or_else(|| {
                source
                    .originals
                    .get(source.record.letter_id.as_str())
                    .map(String::as_str)
            })
            .unwrap_or(""),
    )
}

/// Before the signer's optional fields.
const LEADING: [(&str, Read); 7] = [
    ("id", |source| Cell::Text(&source.record.id)),
    ("kind", |source| Cell::Text(source.record.kind.as_str())),
    ("state", |source| Cell::Text(source.record.state.as_str())),
    ("name", |source| Cell::Text(&source.record.name)),
    ("email", held_email),
    // Says whether the row's address is still kept, so an empty `email` cell reads as
    // "not held" rather than as a missing value.
    ("address_held", |source| {
        Cell::Flag(!source.record.email.is_empty())
    }),
    ("organization", |source| {
        Cell::Optional(source.record.organization.as_deref())
    }),
];

/// After the signer's optional fields.
const TRAILING: [(&str, Read); 14] = [
    ("public", |source| Cell::Flag(source.record.public)),
    ("updates", |source| Cell::Flag(source.record.updates)),
    // The name of the member whose link the signer came through.
    ("via_member", |source| {
        Cell::Optional(
            source
                .record
                .via_member_id
                .as_ref()
                .and_then(|id| source.roster.get(id))
                .map(String::as_str),
        )
    }),
    ("share_with_member", |source| {
        Cell::Flag(source.record.share_with_member)
    }),
    // `content_hash` is the version of the text read in `language`.
    ("language", language),
    ("content_hash", |source| {
        Cell::Text(&source.record.content_hash)
    }),
    ("created_at", |source| {
        Cell::Time(Some(timestamp(source.record.created_at)))
    }),
    ("verified_at", |source| time(source.record.verified_at)),
    ("approved_at", |source| time(source.record.approved_at)),
    ("rejected_at", |source| time(source.record.rejected_at)),
    ("withdrawn_at", |source| time(source.record.withdrawn_at)),
    ("invite_id", |source| {
        Cell::Optional(source.record.invite_id.as_deref())
    }),
    ("approved_by", |source| {
        Cell::Optional(source.record.approved_by.as_deref())
    }),
    ("rejected_by", |source| {
        Cell::Optional(source.record.rejected_by.as_deref())
    }),
];

/// Every column, in order.
pub static COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(|| {
    let fixed = |(name, read): &(&'static str, Read)| Column::Fixed(name, *read);
    LEADING
        .iter()
        .map(fixed)
        .chain(FIELDS.iter().map(Column::Signer))
        .chain(TRAILING.iter().map(fixed))
        .collect()
});

/// The signer's optional fields a member gets, in the order of `FIELDS`.
const PARTNER_FIELDS: [&str; 3] = ["title", "city", "country"];

/// The partner file's columns: who signed and how to reach them, nothing of the service's own
/// bookkeeping (no ids, states, moderators, hashes or the signer's other choices). Every row
/// is a signer who agreed to hear from the member, so the address is there where held.
pub static PARTNER_COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(|| {
    let fixed = |name: &'static str, read: Read| Column::Fixed(name, read);
    [
        fixed("name", |source| Cell::Text(&source.record.name)),
        fixed("organization", |source| {
            Cell::Optional(source.record.organization.as_deref())
        }),
    ]
    .into_iter()
    .chain(
        FIELDS
            .iter()
            .filter(|field| PARTNER_FIELDS.contains(&field.name))
            .map(Column::Signer),
    )
    .chain([
        fixed("email", held_email),
        fixed("language", language),
        // The day the signature was confirmed (when it began to count): the day is enough
        // for a member, and says less about the signer than the second.
        fixed("date", |source| {
            Cell::Time(
                source
                    .record
                    .verified_at
                    .or(Some(source.record.created_at))
                    .map(day),
            )
        }),
    ])
    .collect()
});

/// The columns' names, in order: the CSV header, the JSON keys.
pub fn column_names() -> Vec<&'static str> {
    COLUMNS.iter().map(Column::name).collect()
}

/// The partner file's column names, in order.
pub fn partner_column_names() -> Vec<&'static str> {
    PARTNER_COLUMNS.iter().map(Column::name).collect()
}

/// The export column that shows a column of `signatures` holding signer data, for the
/// columns whose names differ (`email_normalized` is read from `email`, the member by name).
pub fn export_column_of(column: &str) -> &str {
    match column {
        "email_normalized" => "email",
        "organization_normalized" => "organization",
        "via_member_id" => "via_member",
        other => other,
    }
}

/// A spreadsheet runs a cell that starts with one of these as a formula; a leading `'`
/// makes it text.
pub fn neutralize_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn time<'a>(value: Option<NaiveDateTime>) -> Cell<'a> {
    Cell::Time(value.map(timestamp))
}

/// The day, `YYYY-MM-DD` in UTC (by hand, as `timestamp`).
fn day(time: NaiveDateTime) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", time.year(), time.month(), time.day())
}

/// RFC 3339 in UTC with microseconds. Written by hand: chrono's `format` interprets its
/// pattern for every call, which showed up as a large share of a million-row export.
fn timestamp(time: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second(),
        time.nanosecond() / 1000 % 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signer_column_is_exported() {
        let names = column_names();
        for column in crate::signatures::details::signer_columns_in_schema() {
            assert!(
                names.contains(&export_column_of(column)),
                "the signatures column {column} holds signer data and is not exported"
            );
        }
    }

    #[test]
    fn the_columns_keep_their_order() {
        let names: Vec<&str> = COLUMNS.iter().map(Column::name).collect();
        // The optional fields sit between these; a new one is added at the end of them.
        assert_eq!(
            names[..12],
            [
                "id",
                "kind",
                "state",
                "name",
                "email",
                "address_held",
                "organization",
                "title",
                "city",
                "country",
                "comment",
                "website",
            ]
        );
        assert_eq!(
            names[names.len() - 14..names.len() - 9],
            [
                "public",
                "updates",
                "via_member",
                "share_with_member",
                "language",
            ]
        );
        assert_eq!(names.last(), Some(&"rejected_by"));
    }

    #[test]
    fn the_partner_file_holds_what_a_member_needs_and_nothing_of_staff() {
        assert_eq!(
            partner_column_names(),
            [
                "name",
                "organization",
                "title",
                "city",
                "country",
                "email",
                "language",
                "date"
            ]
        );
    }

    #[test]
    fn formula_cells_become_text() {
        assert_eq!(
            neutralize_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralize_formula("+1"), "'+1");
        assert_eq!(neutralize_formula("-2"), "'-2");
        assert_eq!(neutralize_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize_formula("\tx"), "'\tx");
        assert_eq!(neutralize_formula("\rx"), "'\rx");
        assert_eq!(neutralize_formula("Ada"), "Ada");
        assert_eq!(neutralize_formula(""), "");
    }
}
