//! Streaming an export over HTTP: the console's download button, the admin API and partner
//! downloads share it.

use crate::values::ids::Slug;
use std::io::{self, Write};
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use tokio::sync::mpsc;

use super::{Column, ExportFilter, ExportFormat, format_name, next_page, write_export_of};
use crate::db::{self, DbConnection, DbError, DbPool};
use crate::letters::{self, Letter};
use crate::signatures::SignatureRecord;
use crate::staff::Actor;

/// The export is sent in pieces of this size.
const CHUNK: usize = 64 * 1024;
/// Pieces waiting for a slow client; the export waits when they are all taken.
const CHUNKS_IN_FLIGHT: usize = 4;
/// An export whose client takes nothing for this long is stopped.
const STALL_LIMIT: Duration = Duration::from_secs(60);

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
    let owned_slug = slug.to_owned();
    let channel = channel.to_owned();
    // The connection that finds the letter is kept for the export itself, so that a busy
    // pool is a clean error now rather than a broken download later.
    let connection = db::outage::checkout(pool).await?;
    let found = web::block(move || {
        let mut connection = connection;
        let Some(letter) = letters::find_by_slug(&mut connection, &owned_slug)? else {
            return Ok::<_, DbError>(None);
        };
        db::write_transaction(&mut connection, |connection| {
            super::record_export(connection, &actor, &letter, &filter, format, &channel)
        })?;
        Ok(Some((connection, letter, filter)))
    })
    .await
    .map_err(|error| DbError::TaskFailed(error.to_string()))??;
    let (connection, letter, filter) = found.ok_or(ExportStartError::NotFound)?;
    Ok(stream_export(connection, letter, filter, format))
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
        &super::COLUMNS,
        format,
    )
}

/// Runs `export::write_export_of` on a blocking thread and streams what it writes, in chunks
/// through a small bounded channel: memory stays flat however long the list is, and a slow
/// client slows the export down instead of filling memory. `slug` is for the log; `columns`
/// are the staff export's or the partner file's.
pub fn stream_records<F>(
    mut connection: PooledConnection,
    filename: String,
    slug: Slug,
    next_page: F,
    columns: &'static [Column],
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
        let result = write_export_of(&mut connection, next_page, columns, format, &mut out)
            .and_then(|written| {
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
        ExportFormat::Csv | ExportFormat::Excel => "text/csv; charset=utf-8",
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
