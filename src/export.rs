//! Signatory exports for delivery and record keeping: CSV or JSON, filtered by state and
//! kind, read in keyset pages so memory stays flat however long the list is.

use std::io::{self, Write};
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use tokio::sync::mpsc;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::{self, DbConnection, DbError, DbPool};
use crate::letters::{self, Letter};
use crate::signatures::{SignatureKind, SignatureRecord, SignatureState};
use crate::staff::{Actor, audit};

pub const PAGE: i64 = 5_000;

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

pub const COLUMNS: [&str; 25] = [
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
    "updates",
    "via_member",
    "share_with_member",
    "language",
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
    updates: bool,
    /// The name of the member whose link the signer came through.
    via_member: Option<&'a str>,
    share_with_member: bool,
    /// The language of the text the signer read; `content_hash` is that text's version.
    language: &'a str,
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
    fn of(record: &'a SignatureRecord, roster: &'a Roster, originals: &'a Originals) -> Self {
        let time = |value: Option<NaiveDateTime>| value.map(|_| timestamp(value));
        ExportRow {
            id: &record.id,
            kind: record.kind.as_str(),
            state: record.state.as_str(),
            name: &record.name,
            email: &record.email,
            organization: record.organization.as_deref(),
            title: record.title.as_deref(),
            city: record.city.as_deref(),
            country: record.country.as_deref(),
            comment: record.comment.as_deref(),
            website: record.website.as_deref(),
            public: record.public,
            updates: record.updates,
            via_member: record
                .via_member_id
                .as_ref()
                .and_then(|id| roster.get(id))
                .map(String::as_str),
            share_with_member: record.share_with_member,
            // Rows that name no language (invites, signatures from before translations)
            // were signed in the letter's original.
            language: record
                .lang
                .as_deref()
                .or_else(|| originals.get(&record.letter_id).map(String::as_str))
                .unwrap_or(""),
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

    fn csv_cells(&self) -> [std::borrow::Cow<'_, str>; 25] {
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
            (if self.updates { "yes" } else { "no" }).into(),
            optional(self.via_member),
            (if self.share_with_member { "yes" } else { "no" }).into(),
            text(self.language),
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
    db::write_transaction(connection, |connection| {
        record_export(connection, actor, letter, filter, format, "command line")
    })?;
    write_export_of(
        connection,
        |connection, after| next_page(connection, letter, filter, after),
        format,
        out,
    )
}

/// Writes the signatures `next_page` reads, page after page (each call gets the id of the
/// last row written), with the staff export's columns.
///
/// Reading and formatting overlap: a helper thread reads the next page from the database
/// while this thread formats and writes the previous one, which uses both cores of a small
/// machine. At most `PAGES_AHEAD` pages wait between them, so memory stays flat.
pub fn write_export_of<F>(
    connection: &mut DbConnection,
    next_page: F,
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
        write_pages(received.iter(), &roster, &originals, format, out)
    })
}

fn write_pages(
    pages: impl Iterator<Item = Result<Vec<SignatureRecord>, diesel::result::Error>>,
    roster: &Roster,
    originals: &Originals,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let mut written = 0u64;
    match format {
        ExportFormat::Csv => {
            // Every cell quoted: a spreadsheet that splits on `;` (or tab) in some locales
            // would otherwise cut `Ada;=HYPERLINK(...)` into a second cell that starts with a
            // formula, past the neutralizing of each cell's start.
            let mut writer = csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(out);
            writer.write_record(COLUMNS)?;
            for page in pages {
                for record in &page? {
                    let row = ExportRow::of(record, roster, originals);
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
                    serde_json::to_writer(&mut *out, &ExportRow::of(record, roster, originals))?;
                    written += 1;
                }
            }
            out.write_all(b"\n]\n")?;
            out.flush()?;
        }
    }
    Ok(written)
}

// ---------------------------------------------------------------------------------------
// Streaming over HTTP: the console's download button and the admin API share it.

/// The export is sent in pieces of this size.
const CHUNK: usize = 64 * 1024;
/// Pieces waiting for a slow client; the export waits when they are all taken.
const CHUNKS_IN_FLIGHT: usize = 4;
/// An export whose client takes nothing for this long is stopped.
const STALL_LIMIT: Duration = Duration::from_secs(60);

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
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    }
}

/// The export filters from a query string: `state` and `kind`, each repeated or separated by
/// commas, read with the rules of `undersigned export --state ... --kind ...`, and
/// `counted=yes` (`--counted`). An empty value, which is what a form sends for "any", adds
/// nothing; other parameters are ignored.
pub fn export_filter(query: &str) -> Result<ExportFilter, String> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
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

#[derive(Debug)]
pub enum ExportStartError {
    NotFound,
    Unavailable(DbError),
}

impl From<DbError> for ExportStartError {
    fn from(error: DbError) -> Self {
        ExportStartError::Unavailable(error)
    }
}

pub type PooledConnection = diesel::r2d2::PooledConnection<db::ConnectionManager>;

/// Finds the letter, records the export in the audit log, and answers with the export as a
/// stream. `channel` says how it was asked for ("console", "API token").
pub async fn start_export(
    pool: &DbPool,
    slug: &str,
    filter: ExportFilter,
    format: ExportFormat,
    actor: Actor,
    channel: &str,
) -> Result<HttpResponse, ExportStartError> {
    if !letters::is_valid_slug(slug) {
        return Err(ExportStartError::NotFound);
    }
    let pool = pool.clone();
    let owned_slug = slug.to_owned();
    let channel = channel.to_owned();
    // The connection that finds the letter is kept for the export itself, so that a busy
    // pool is a clean error now rather than a broken download later.
    let found = web::block(move || {
        let mut connection = pool.get().map_err(DbError::from)?;
        let Some(letter) = letters::find_by_slug(&mut connection, &owned_slug)? else {
            return Ok::<_, DbError>(None);
        };
        db::write_transaction(&mut connection, |connection| {
            record_export(connection, &actor, &letter, &filter, format, &channel)
        })?;
        Ok(Some((connection, letter, filter)))
    })
    .await
    .map_err(|error| DbError::TaskFailed(error.to_string()))??;
    let (connection, letter, filter) = found.ok_or(ExportStartError::NotFound)?;
    Ok(stream_export(connection, letter, filter, format))
}

/// Records an export of `letter`'s signatures in the audit log (`export.csv`, `export.json`),
/// with the filters and how it was asked for: every export of addresses leaves one.
fn record_export(
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

fn stream_export(
    connection: PooledConnection,
    letter: Letter,
    filter: ExportFilter,
    format: ExportFormat,
) -> HttpResponse {
    let filename = format!("{}-signatures.{}", letter.slug, format_name(format));
    let slug = letter.slug.clone();
    stream_records(
        connection,
        filename,
        slug,
        move |connection, after| next_page(connection, &letter, &filter, after),
        format,
    )
}

/// Runs `export::write_export_of` on a blocking thread and streams what it writes, in chunks
/// through a small bounded channel: memory stays flat however long the list is, and a slow
/// client slows the export down instead of filling memory. `slug` is for the log.
pub fn stream_records<F>(
    mut connection: PooledConnection,
    filename: String,
    slug: String,
    next_page: F,
    format: ExportFormat,
) -> HttpResponse
where
    F: Fn(&mut DbConnection, Option<&str>) -> Result<Vec<SignatureRecord>, diesel::result::Error>
        + Send
        + 'static,
{
    let (sender, mut receiver) = mpsc::channel::<Result<Bytes, io::Error>>(CHUNKS_IN_FLIGHT);
    let mut out = ChunkWriter::new(sender, tokio::runtime::Handle::current(), STALL_LIMIT);
    actix_web::rt::task::spawn_blocking(move || {
        let result =
            write_export_of(&mut connection, next_page, format, &mut out).and_then(|written| {
                out.flush()?;
                Ok(written)
            });
        match result {
            Ok(written) => tracing::info!(%slug, written, "export streamed"),
            Err(_) if out.sender.is_closed() => {
                tracing::info!(%slug, "export abandoned by the client")
            }
            Err(error) => {
                tracing::error!(%slug, %error, "export failed midway");
                // Ending the body with an error makes the client see a broken download
                // instead of a short file that looks complete.
                let _ = out.send(Err(io::Error::other("the export failed")));
            }
        }
    });
    let body = futures_util::stream::poll_fn(move |context| receiver.poll_recv(context));
    let content_type = match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Json => "application/json",
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(r#"attachment; filename="{filename}""#),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .streaming(body)
}

/// A `Write`, for a blocking thread, that hands full chunks to the response stream.
struct ChunkWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Bytes, io::Error>>,
    /// The runtime whose worker reads the channel; it wakes us when there is room.
    runtime: tokio::runtime::Handle,
    stall_limit: Duration,
}

impl ChunkWriter {
    fn new(
        sender: mpsc::Sender<Result<Bytes, io::Error>>,
        runtime: tokio::runtime::Handle,
        stall_limit: Duration,
    ) -> Self {
        ChunkWriter {
            buffer: Vec::with_capacity(CHUNK),
            sender,
            runtime,
            stall_limit,
        }
    }

    /// Waits for room in the channel, but not forever: a client that stops reading must not
    /// hold a database connection for good.
    fn send(&self, item: Result<Bytes, io::Error>) -> io::Result<()> {
        // Built inside `block_on`, where the runtime's timer is in reach.
        let sent = self.runtime.block_on(async {
            tokio::time::timeout(self.stall_limit, self.sender.send(item)).await
        });
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client went away",
            )),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
        }
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.send(Ok(Bytes::from(chunk)))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send_buffer()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_csv_cell_is_quoted_so_no_separator_splits_it() {
        let pages = vec![Ok(vec![SignatureRecord {
            id: "s1".into(),
            letter_id: "l1".into(),
            kind: SignatureKind::Individual,
            state: SignatureState::Verified,
            name: "Ada;=HYPERLINK(\"http://evil.example\")".into(),
            email: "=cmd|' /C calc'!A0@example.org".into(),
            email_normalized: "cmd@example.org".into(),
            organization: None,
            organization_normalized: None,
            title: Some("Prof, \"Dr\"".into()),
            city: Some("-2+3".into()),
            country: Some("Tab\there".into()),
            comment: Some("@SUM(A1)".into()),
            website: None,
            public: true,
            updates: false,
            content_hash: "abc".into(),
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
                .and_then(|day| day.and_hms_opt(3, 4, 5))
                .expect("a time"),
            verified_at: None,
            approved_at: None,
            rejected_at: None,
            withdrawn_at: None,
            invite_id: None,
            approved_by: None,
            rejected_by: None,
            list_position: None,
            hidden_reason: None,
            removed_at: None,
            removed_by: None,
            removed_reason: None,
            via_member_id: None,
            share_with_member: false,
            lang: Some("he".into()),
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
        assert_eq!(
            row,
            concat!(
                r#""s1","individual","verified","Ada;=HYPERLINK(""http://evil.example"")","#,
                r#""'=cmd|' /C calc'!A0@example.org","","Prof, ""Dr""","'-2+3","Tab	here","#,
                r#""'@SUM(A1)","","yes","no","","no","he","abc","2026-01-02T03:04:05.000000Z","","","","","","","""#
            )
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

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn the_writer_sends_full_chunks_then_the_rest_on_flush() {
        let runtime = runtime();
        let (sender, mut receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let mut writer = ChunkWriter::new(sender, runtime.handle().clone(), STALL_LIMIT);
        let writing = std::thread::spawn(move || {
            for _ in 0..10 {
                writer.write_all(&[b'x'; 20_000])?;
            }
            writer.flush()
        });
        let sizes = runtime.block_on(async {
            let mut sizes = Vec::new();
            while let Some(chunk) = receiver.recv().await {
                sizes.push(chunk.expect("data").len());
            }
            sizes
        });
        writing
            .join()
            .expect("the writer finishes")
            .expect("written");
        assert_eq!(sizes, [80_000, 80_000, 40_000]);
    }

    #[test]
    fn the_writer_gives_up_on_a_client_that_stops_reading() {
        let runtime = runtime();
        let (sender, receiver) = mpsc::channel(1);
        let mut writer =
            ChunkWriter::new(sender, runtime.handle().clone(), Duration::from_millis(50));
        let writing = std::thread::spawn(move || {
            writer.write_all(&[b'x'; CHUNK])?;
            writer.write_all(&[b'x'; CHUNK])
        });
        // Drive the runtime's timer while the writer waits; nobody reads.
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(300)).await });
        let error = writing
            .join()
            .expect("the writer finishes")
            .expect_err("the second chunk never fits");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        drop(receiver);
    }
}
