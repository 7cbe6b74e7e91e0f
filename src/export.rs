//! Signatory exports for delivery and record keeping: CSV or JSON, filtered by state and
//! kind, read in keyset pages so memory stays flat however long the list is.

use std::io::Write;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::DbConnection;
use crate::letters::Letter;
use diesel::prelude::*;

use crate::db::schema::signatures;

const PAGE: i64 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

pub use crate::signatures::SignatureFilter as ExportFilter;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading signatures: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

pub const COLUMNS: [&str; 21] = [
    "id",
    "kind",
    "state",
    "name",
    "email",
    "organization",
    "title",
    "city",
    "country",
    "comment",
    "website",
    "public",
    "content_hash",
    "created_at",
    "verified_at",
    "approved_at",
    "rejected_at",
    "withdrawn_at",
    "invite_id",
    "approved_by",
    "rejected_by",
];

/// A spreadsheet runs a cell that starts with one of these as a formula; a leading `'`
/// makes it text.
pub fn neutralize_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// RFC 3339 in UTC with microseconds. Written by hand: chrono's `format` interprets its
/// pattern for every call, which showed up as a large share of a million-row export.
fn timestamp(time: Option<NaiveDateTime>) -> String {
    use chrono::{Datelike, Timelike};
    let Some(time) = time else {
        return String::new();
    };
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

#[derive(Serialize)]
struct ExportRow<'a> {
    id: &'a str,
    kind: &'a str,
    state: &'a str,
    name: &'a str,
    email: &'a str,
    organization: Option<&'a str>,
    title: Option<&'a str>,
    city: Option<&'a str>,
    country: Option<&'a str>,
    comment: Option<&'a str>,
    website: Option<&'a str>,
    public: bool,
    content_hash: &'a str,
    created_at: String,
    verified_at: Option<String>,
    approved_at: Option<String>,
    rejected_at: Option<String>,
    withdrawn_at: Option<String>,
    invite_id: Option<&'a str>,
    approved_by: Option<&'a str>,
    rejected_by: Option<&'a str>,
}

impl<'a> ExportRow<'a> {
    fn of(record: &'a SignatureRecord) -> Self {
        let time = |value: Option<NaiveDateTime>| value.map(|_| timestamp(value));
        ExportRow {
            id: &record.id,
            kind: &record.kind,
            state: &record.state,
            name: &record.name,
            email: &record.email,
            organization: record.organization.as_deref(),
            title: record.title.as_deref(),
            city: record.city.as_deref(),
            country: record.country.as_deref(),
            comment: record.comment.as_deref(),
            website: record.website.as_deref(),
            public: record.public,
            content_hash: &record.content_hash,
            created_at: timestamp(Some(record.created_at)),
            verified_at: time(record.verified_at),
            approved_at: time(record.approved_at),
            rejected_at: time(record.rejected_at),
            withdrawn_at: time(record.withdrawn_at),
            invite_id: record.invite_id.as_deref(),
            approved_by: record.approved_by.as_deref(),
            rejected_by: record.rejected_by.as_deref(),
        }
    }

    fn csv_cells(&self) -> [std::borrow::Cow<'_, str>; 21] {
        let text = |value: &'a str| neutralize_formula(value);
        let optional = |value: Option<&'a str>| neutralize_formula(value.unwrap_or(""));
        [
            text(self.id),
            text(self.kind),
            text(self.state),
            text(self.name),
            text(self.email),
            optional(self.organization),
            optional(self.title),
            optional(self.city),
            optional(self.country),
            optional(self.comment),
            optional(self.website),
            (if self.public { "yes" } else { "no" }).into(),
            text(self.content_hash),
            self.created_at.as_str().into(),
            self.verified_at.as_deref().unwrap_or("").into(),
            self.approved_at.as_deref().unwrap_or("").into(),
            self.rejected_at.as_deref().unwrap_or("").into(),
            self.withdrawn_at.as_deref().unwrap_or("").into(),
            optional(self.invite_id),
            optional(self.approved_by),
            optional(self.rejected_by),
        ]
    }
}

/// Only the exported columns: reading fewer columns is most of what makes a large export
/// fast.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = signatures)]
struct SignatureRecord {
    id: String,
    kind: String,
    state: String,
    name: String,
    email: String,
    organization: Option<String>,
    title: Option<String>,
    city: Option<String>,
    country: Option<String>,
    comment: Option<String>,
    website: Option<String>,
    public: bool,
    content_hash: String,
    created_at: NaiveDateTime,
    verified_at: Option<NaiveDateTime>,
    approved_at: Option<NaiveDateTime>,
    rejected_at: Option<NaiveDateTime>,
    withdrawn_at: Option<NaiveDateTime>,
    invite_id: Option<String>,
    approved_by: Option<String>,
    rejected_by: Option<String>,
}

/// The next `PAGE` signatures of the letter after `after`, in id (creation) order.
fn next_page(
    connection: &mut DbConnection,
    letter: &Letter,
    filter: &ExportFilter,
    after: Option<&str>,
) -> Result<Vec<SignatureRecord>, diesel::result::Error> {
    let mut query = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .order(signatures::id.asc())
        .limit(PAGE)
        .select(SignatureRecord::as_select())
        .into_boxed();
    if !filter.states.is_empty() {
        let states: Vec<&str> = filter.states.iter().map(|state| state.as_str()).collect();
        query = query.filter(signatures::state.eq_any(states));
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|kind| kind.as_str()).collect();
        query = query.filter(signatures::kind.eq_any(kinds));
    }
    if let Some(after) = after {
        query = query.filter(signatures::id.gt(after.to_owned()));
    }
    query.load(connection)
}

/// Writes every matching signature to `out`; returns how many were written.
///
/// Reading and formatting overlap: a helper thread reads the next page from the database
/// while this thread formats and writes the previous one, which uses both cores of a small
/// machine. At most `PAGES_AHEAD` pages wait between them, so memory stays flat.
pub fn write_export(
    connection: &mut DbConnection,
    letter: &Letter,
    filter: &ExportFilter,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    const PAGES_AHEAD: usize = 2;
    std::thread::scope(|scope| {
        let (pages, received) = std::sync::mpsc::sync_channel::<
            Result<Vec<SignatureRecord>, diesel::result::Error>,
        >(PAGES_AHEAD);
        scope.spawn(move || {
            let mut after: Option<String> = None;
            loop {
                let page = next_page(connection, letter, filter, after.as_deref());
                let last_page = match &page {
                    Ok(page) => {
                        after = page.last().map(|record| record.id.clone());
                        (page.len() as i64) < PAGE
                    }
                    Err(_) => true,
                };
                // A closed channel means the writer stopped (an error); stop reading too.
                if pages.send(page).is_err() || last_page {
                    return;
                }
            }
        });
        write_pages(received.iter(), format, out)
    })
}

fn write_pages(
    pages: impl Iterator<Item = Result<Vec<SignatureRecord>, diesel::result::Error>>,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let mut written = 0u64;
    match format {
        ExportFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(COLUMNS)?;
            for page in pages {
                for record in &page? {
                    let row = ExportRow::of(record);
                    let cells = row.csv_cells();
                    writer.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
                    written += 1;
                }
            }
            writer.flush()?;
        }
        ExportFormat::Json => {
            out.write_all(b"[")?;
            for page in pages {
                for record in &page? {
                    if written > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(b"\n")?;
                    serde_json::to_writer(&mut *out, &ExportRow::of(record))?;
                    written += 1;
                }
            }
            out.write_all(b"\n]\n")?;
            out.flush()?;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::neutralize_formula;

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
