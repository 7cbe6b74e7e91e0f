//! Rows written as CSV (every cell quoted, formulas neutralized) or as a JSON array.

use std::io::Write;

use super::columns::{COLUMNS, Source};
use super::{ExportError, ExportFormat, Originals, Roster};
use crate::signatures::SignatureRecord;

/// One row as a JSON object, keys in column order.
struct JsonRow<'a, 'b>(&'b Source<'a>);

impl serde::Serialize for JsonRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(COLUMNS.len()))?;
        for column in COLUMNS.iter() {
            map.serialize_entry(column.name(), &column.cell(self.0))?;
        }
        map.end()
    }
}

pub(super) fn write_pages(
    pages: impl Iterator<Item = Result<Vec<SignatureRecord>, diesel::result::Error>>,
    roster: &Roster,
    originals: &Originals,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let mut written = 0u64;
    match format {
        ExportFormat::Csv | ExportFormat::Excel => {
            let excel = format == ExportFormat::Excel;
            if excel {
                // The UTF-8 byte-order mark: how Excel knows the file is UTF-8.
                out.write_all(b"\xEF\xBB\xBF")?;
            }
            // Every cell quoted: a spreadsheet that splits on `;` (or tab) in some locales
            // would otherwise cut `Ada;=HYPERLINK(...)` into a second cell that starts with a
            // formula, past the neutralizing of each cell's start.
            let mut writer = csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .terminator(if excel {
                    csv::Terminator::CRLF
                } else {
                    csv::Terminator::Any(b'\n')
                })
                .from_writer(out);
            writer.write_record(COLUMNS.iter().map(|column| column.name()))?;
            for page in pages {
                let page = page?;
                let mut cells: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(COLUMNS.len());
                for record in &page {
                    let source = Source {
                        record,
                        roster,
                        originals,
                    };
                    cells.clear();
                    cells.extend(COLUMNS.iter().map(|column| column.cell(&source).csv()));
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
                    let source = Source {
                        record,
                        roster,
                        originals,
                    };
                    serde_json::to_writer(&mut *out, &JsonRow(&source))?;
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
    use super::*;
    use crate::signatures::fields::SignerText;

    #[test]
    fn every_csv_cell_is_quoted_so_no_separator_splits_it() {
        let pages = vec![Ok(vec![SignatureRecord {
            name: "Ada;=HYPERLINK(\"http://evil.example\")".into(),
            email: "=cmd|' /C calc'!A0@example.org".into(),
            email_normalized: "cmd@example.org".into(),
            text: SignerText {
                title: Some("Prof, \"Dr\"".into()),
                city: Some("-2+3".into()),
                country: Some("Tab\there".into()),
                comment: Some("@SUM(A1)".into()),
                ..SignerText::default()
            },
            content_hash: "abc".into(),
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
                .and_then(|day| day.and_hms_opt(3, 4, 5))
                .expect("a time"),
            lang: crate::values::language::LanguageTag::parse("he"),
            ..crate::signatures::sample::record()
        }])];
        let mut out = Vec::new();
        write_pages(
            pages.into_iter(),
            &Roster::new(),
            &Originals::new(),
            ExportFormat::Csv,
            &mut out,
        )
        .expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .expect("header")
                .starts_with(r#""id","kind","state","name""#)
        );
        let row = lines.next().expect("row");
        // The signer's optional fields after `website` (none yet) are empty.
        let more_fields = "\"\",".repeat(COLUMNS.len() - 25);
        assert_eq!(
            row,
            [
                r#""s1","individual","verified","Ada;=HYPERLINK(""http://evil.example"")","#,
                r#""'=cmd|' /C calc'!A0@example.org","","Prof, ""Dr""","'-2+3","Tab	here","#,
                r#""'@SUM(A1)","","#,
                &more_fields,
                r#""yes","no","","no","he","abc","2026-01-02T03:04:05.000000Z","","","","","","","""#
            ]
            .concat()
        );
        // Split on `;` as such a spreadsheet would, outside quotes: nothing splits.
        let mut inside_quotes = false;
        for character in row.chars() {
            match character {
                '"' => inside_quotes = !inside_quotes,
                ';' => assert!(inside_quotes, "a `;` outside quotes in {row}"),
                _ => {}
            }
        }
    }
}
