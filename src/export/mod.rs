//! Signatory exports for delivery and record keeping: CSV or JSON, filtered by state and
//! kind, read in keyset pages so memory stays flat however long the list is.
//!
//! `columns` says what a row holds (the signer's optional fields come from
//! `crate::signatures::fields`), `write` writes rows as CSV or JSON, `stream` sends an export
//! over HTTP (the console, the admin API and partner downloads).

mod columns;
mod stream;
mod write;

use std::io::Write;

use web::Query;

use crate::db::DbConnection;
use crate::letters::Letter;
use crate::signatures::{SignatureKind, SignatureRecord, SignatureState};
use crate::staff::{Actor, audit};

pub use columns::{
    COLUMNS, Column, PARTNER_COLUMNS, column_names, export_column_of, neutralize_formula,
    partner_column_names,
};
pub use stream::{ExportStartError, PooledConnection, start_export, stream_records};

use actix_web::web;

pub const PAGE: i64 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    /// CSV for Excel: the same cells, after a UTF-8 byte-order mark and with CRLF line ends.
    /// Excel on Windows reads a CSV without the mark in the machine's legacy code page, which
    /// turns Hebrew and Arabic names into mojibake; other tools may show the mark, so it is a
    /// choice (`--excel`, the console's "for Excel") and not the default.
    Excel,
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

/// The next `PAGE` signatures of the letter after `after`, in id (creation) order: the same
/// rows, read the same way, as every other staff listing.
fn next_page(
    connection: &mut DbConnection,
    letter: &Letter,
    filter: &ExportFilter,
    after: Option<&str>,
) -> Result<Vec<SignatureRecord>, diesel::result::Error> {
    crate::signatures::find_for_letter(connection, letter, filter, after, PAGE)
}

/// Member ids to names, removed members included, for the `via_member` column.
pub type Roster = std::collections::HashMap<String, String>;

/// Letter id to the language of its original.
pub type Originals = std::collections::HashMap<String, String>;

fn originals(connection: &mut DbConnection) -> Result<Originals, diesel::result::Error> {
    use crate::db::schema::letters;
    use diesel::prelude::*;
    Ok(letters::table
        .select((letters::id, letters::lang))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

fn roster(connection: &mut DbConnection) -> Result<Roster, diesel::result::Error> {
    use crate::db::schema::members;
    use diesel::prelude::*;
    Ok(members::table
        .select((members::id, members::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// Writes every matching signature to `out` (the command line's export: recorded in the audit
/// log first, like the console's and the API's); returns how many were written.
pub fn write_export(
    connection: &mut DbConnection,
    letter: &Letter,
    filter: &ExportFilter,
    format: ExportFormat,
    actor: &Actor,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    crate::db::write_transaction(connection, |connection| {
        record_export(connection, actor, letter, filter, format, "command line")
    })?;
    write_export_of(
        connection,
        |connection, after| next_page(connection, letter, filter, after),
        &COLUMNS,
        format,
        out,
    )
}

/// Records an export of `letter`'s signatures in the audit log (`export.csv`, `export.json`),
/// with the filters and how it was asked for: every export of addresses leaves one.
pub(crate) fn record_export(
    connection: &mut DbConnection,
    actor: &Actor,
    letter: &Letter,
    filter: &ExportFilter,
    format: ExportFormat,
    channel: &str,
) -> Result<(), diesel::result::Error> {
    audit::record(
        connection,
        actor,
        &format!("export.{}", format_name(format)),
        Some(&letter.id),
        None,
        &format!("{} via {channel}", describe_filter(filter)),
    )
}

/// Writes the signatures `next_page` reads, page after page (each call gets the id of the
/// last row written), with `columns` (the staff export's `COLUMNS`, or the partner file's).
///
/// Reading and formatting overlap: a helper thread reads the next page from the database
/// while this thread formats and writes the previous one, which uses both cores of a small
/// machine. At most `PAGES_AHEAD` pages wait between them, so memory stays flat.
pub fn write_export_of<F>(
    connection: &mut DbConnection,
    next_page: F,
    columns: &[Column],
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, ExportError>
where
    F: Fn(&mut DbConnection, Option<&str>) -> Result<Vec<SignatureRecord>, diesel::result::Error>
        + Send,
{
    const PAGES_AHEAD: usize = 2;
    let roster = roster(connection)?;
    let originals = originals(connection)?;
    std::thread::scope(|scope| {
        let (pages, received) = std::sync::mpsc::sync_channel::<
            Result<Vec<SignatureRecord>, diesel::result::Error>,
        >(PAGES_AHEAD);
        scope.spawn(move || {
            let mut after: Option<String> = None;
            loop {
                let page = next_page(connection, after.as_deref());
                let last_page = match &page {
                    Ok(page) => {
                        after = page.last().map(|record| record.id.to_string());
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
        write::write_pages(received.iter(), columns, &roster, &originals, format, out)
    })
}

/// `csv` or `json`, from the end of the download address.
pub fn export_format(extension: &str) -> Option<ExportFormat> {
    match extension {
        "csv" => Some(ExportFormat::Csv),
        "json" => Some(ExportFormat::Json),
        _ => None,
    }
}

pub fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv | ExportFormat::Excel => "csv",
        ExportFormat::Json => "json",
    }
}

/// The format a download asks for: `export.csv?excel=yes` is CSV for Excel.
pub fn requested_format(extension: &str, query: &str) -> Option<ExportFormat> {
    let format = export_format(extension)?;
    let excel = query.split('&').any(|pair| {
        matches!(
            pair,
            "excel=yes" | "excel=true" | "excel=1" | "excel=on" | "for=excel"
        )
    });
    Some(match format {
        ExportFormat::Csv if excel => ExportFormat::Excel,
        other => other,
    })
}

/// The export filters from a query string: `state` and `kind`, each repeated or separated by
/// commas, read with the rules of `undersigned export --state ... --kind ...`, and
/// `counted=yes` (`--counted`). An empty value, which is what a form sends for "any", adds
/// nothing; other parameters are ignored.
pub fn export_filter(query: &str) -> Result<ExportFilter, String> {
    let pairs = Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| "The address has a malformed query string.".to_owned())?
        .into_inner();
    let mut filter = ExportFilter::default();
    for (key, value) in &pairs {
        let values = value
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty());
        match key.as_str() {
            "state" => {
                for item in values {
                    let state = SignatureState::parse(item).ok_or_else(|| {
                        let known: Vec<&str> = SignatureState::ALL
                            .iter()
                            .map(|state| state.as_str())
                            .collect();
                        format!("state {item:?}: use {}", known.join(", "))
                    })?;
                    if !filter.states.contains(&state) {
                        filter.states.push(state);
                    }
                }
            }
            "kind" => {
                for item in values {
                    let kind = SignatureKind::parse(item)
                        .ok_or_else(|| format!("kind {item:?}: use individual or organization"))?;
                    if !filter.kinds.contains(&kind) {
                        filter.kinds.push(kind);
                    }
                }
            }
            "counted" => match value.as_str() {
                "yes" | "true" | "1" | "on" => filter.counted = true,
                "" | "no" | "false" | "0" => {}
                other => return Err(format!("counted {other:?}: use yes or no")),
            },
            _ => {}
        }
    }
    Ok(filter)
}

/// The filters in words, for the audit log.
pub fn describe_filter(filter: &ExportFilter) -> String {
    let states: Vec<&str> = filter.states.iter().map(|state| state.as_str()).collect();
    let kinds: Vec<&str> = filter.kinds.iter().map(|kind| kind.as_str()).collect();
    let states = if states.is_empty() {
        "all".to_owned()
    } else {
        states.join(",")
    };
    let kinds = if kinds.is_empty() {
        "all".to_owned()
    } else {
        kinds.join(",")
    };
    if filter.counted {
        format!("counted state={states} kind={kinds}")
    } else {
        format!("state={states} kind={kinds}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_repeated_and_comma_separated_values() {
        let filter = export_filter("state=verified,%20pending&state=approved&kind=individual")
            .expect("valid filters");
        assert_eq!(
            filter.states,
            [
                SignatureState::Verified,
                SignatureState::Pending,
                SignatureState::Approved
            ]
        );
        assert_eq!(filter.kinds, [SignatureKind::Individual]);
        let everything = export_filter("state=&kind=&format=csv").expect("empty means any");
        assert!(everything.states.is_empty() && everything.kinds.is_empty());
        assert_eq!(
            describe_filter(&filter),
            "state=verified,pending,approved kind=individual"
        );
        assert_eq!(describe_filter(&everything), "state=all kind=all");
    }

    #[test]
    fn unknown_filter_values_are_refused_by_name() {
        let error = export_filter("state=confirmed").expect_err("not a state");
        assert!(error.contains("\"confirmed\""), "{error}");
        let error = export_filter("kind=robot").expect_err("not a kind");
        assert!(error.contains("individual or organization"), "{error}");
    }
}
