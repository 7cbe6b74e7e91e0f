//! Rows written as CSV (every cell quoted, formulas neutralized) or as a JSON array.

use std::io::Write;

use super::columns::{Column, Source};
use super::{ExportError, ExportFormat, Originals, Roster};
use crate::signatures::SignatureRecord;

/// One row as a JSON object, keys in column order.
struct JsonRow<'a, 'b>(&'b [Column], &'b Source<'a>);

impl serde::Serialize for JsonRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for column in self.0 {
            map.serialize_entry(column.name(), &column.cell(self.1))?;
        }
        map.end()
    }
}

/// Writes `columns` of every row of `pages`.
pub(super) fn write_pages(
    pages: impl Iterator<Item = Result<Vec<SignatureRecord>, diesel::result::Error>>,
    columns: &[Column],
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
            writer.write_record(columns.iter().map(|column| column.name()))?;
            for page in pages {
                let page = page?;
                let mut cells: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(columns.len());
                for record in &page {
                    let source = Source {
                        record,
                        roster,
                        originals,
                    };
                    cells.clear();
                    cells.extend(columns.iter().map(|column| column.cell(&source).csv()));
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
                    serde_json::to_writer(&mut *out, &JsonRow(columns, &source))?;
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
    use crate::export::columns::{COLUMNS, PARTNER_COLUMNS};
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
            &COLUMNS,
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
        let more_fields = "\"\",".repeat(COLUMNS.len() - 26);
        assert_eq!(
            row,
            [
                r#""s1","individual","verified","Ada;=HYPERLINK(""http://evil.example"")","#,
                r#""'=cmd|' /C calc'!A0@example.org","yes","","Prof, ""Dr""","'-2+3","Tab	here","#,
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

    #[test]
    fn a_partner_row_holds_the_signer_and_nothing_of_staff() {
        let at = |hour| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, 4)
                .and_then(|day| day.and_hms_opt(hour, 5, 6))
                .expect("a time")
        };
        let approved = SignatureRecord {
            kind: crate::signatures::SignatureKind::Organization,
            state: crate::signatures::SignatureState::Approved,
            organization: Some("Greens".into()),
            text: SignerText {
                title: Some("Chair".into()),
                city: Some("Lyon".into()),
                comment: Some("a private comment".into()),
                ..SignerText::default()
            },
            content_hash: "abc123".into(),
            created_at: at(1),
            verified_at: Some(at(2)),
            approved_at: Some(at(3)),
            approved_by: Some("moderator@coalition.test".into()),
            invite_id: Some("invite-9".into()),
            via_member_id: Some("member-7".into()),
            share_with_member: true,
            updates: true,
            ..crate::signatures::sample::record()
        };
        // An address no longer held is an empty cell, not an empty address.
        let not_held = SignatureRecord {
            email: String::new(),
            lang: crate::values::language::LanguageTag::parse("ar"),
            ..approved.clone()
        };
        let mut originals = Originals::new();
        originals.insert("l1".into(), "fr".into());
        let mut roster = Roster::new();
        roster.insert("member-7".into(), "Greens United".into());
        let write = |format| {
            let mut out = Vec::new();
            write_pages(
                vec![Ok(vec![approved.clone(), not_held.clone()])].into_iter(),
                &PARTNER_COLUMNS,
                &roster,
                &originals,
                format,
                &mut out,
            )
            .expect("written");
            String::from_utf8(out).expect("UTF-8")
        };
        let csv = write(ExportFormat::Csv);
        assert_eq!(
            csv.lines().collect::<Vec<_>>(),
            [
                r#""name","organization","title","city","country","email","language","date""#,
                r#""Ada Lovelace","Greens","Chair","Lyon","","Ada@Example.org","fr","2026-03-04""#,
                r#""Ada Lovelace","Greens","Chair","Lyon","","","ar","2026-03-04""#,
            ]
        );
        let json: serde_json::Value =
            serde_json::from_str(&write(ExportFormat::Json)).expect("JSON");
        assert_eq!(json[1]["email"], serde_json::Value::Null);
        let keys: Vec<&str> = json[0]
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 8, "{keys:?}");
        for staff_only in [
            "moderator@",
            "invite-9",
            "member-7",
            "Greens United",
            "abc123",
            "s1",
            "l1",
            "private comment",
            "approved",
            "verified",
            "yes",
            "T0",
        ] {
            assert!(!csv.contains(staff_only), "{staff_only} in {csv}");
        }
    }
}
