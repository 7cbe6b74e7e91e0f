//! `/api/v1/admin/...`: scripted staff access with `Authorization: Bearer` API tokens. A token
//! acts with its owner's role, and what it does is audited in the owner's name.
//!
//! Also the streamed export that the console's download button shares, so that a script and
//! a person get the same bytes as `undersigned export`.

use std::io::{self, Write};
use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::future::LocalBoxFuture;
use serde_json::json;
use tokio::sync::mpsc;

use super::AppState;
use crate::db::{self, DbError, DbPool};
use crate::export::{self, ExportFilter, ExportFormat};
use crate::letters::{self, Letter};
use crate::signatures::{SignatureKind, SignatureState};
use crate::staff::{Actor, Role, api_tokens, audit};

/// The export is sent in pieces of this size.
const CHUNK: usize = 64 * 1024;
/// Pieces waiting for a slow client; the export waits when they are all taken.
const CHUNKS_IN_FLIGHT: usize = 4;
/// An export whose client takes nothing for this long is stopped.
const STALL_LIMIT: Duration = Duration::from_secs(60);

pub fn routes(config: &mut web::ServiceConfig) {
    config.route(
        "/api/v1/admin/letters/{slug}/export.{format}",
        web::get().to(export_letter),
    );
}

async fn export_letter(
    state: web::Data<AppState>,
    staff: ApiStaff,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, AdminApiError> {
    // Every role may export; the check says so where the next endpoint will copy it from.
    staff.require(Role::Viewer)?;
    let (slug, format) = path.into_inner();
    let format = export_format(&format).ok_or(AdminApiError::NotFound)?;
    let filter = export_filter(request.query_string()).map_err(AdminApiError::BadRequest)?;
    start_export(&state, &slug, filter, format, staff.actor(), "API token")
        .await
        .map_err(|error| match error {
            ExportStartError::NotFound => AdminApiError::NotFound,
            ExportStartError::Unavailable(error) => AdminApiError::Internal(error.to_string()),
        })
}

/// The staff member an API token acts for.
#[derive(Clone, Debug)]
pub struct ApiStaff {
    pub staff_id: String,
    pub email: String,
    pub role: Role,
}

impl ApiStaff {
    /// Refuses (403) unless the owner's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AdminApiError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(AdminApiError::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            staff_id: Some(self.staff_id.clone()),
            email: self.email.clone(),
        }
    }
}

/// The token from `Authorization: Bearer <token>`, if the header has that form.
fn bearer_token(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

impl FromRequest for ApiStaff {
    type Error = AdminApiError;
    type Future = LocalBoxFuture<'static, Result<ApiStaff, AdminApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| AdminApiError::Internal("application state missing".into()))?;
            let token = token.ok_or(AdminApiError::Unauthorized { presented: false })?;
            let found = state
                .db(move |connection| api_tokens::authenticate(connection, &token))
                .await?;
            let (staff_id, email, role) =
                found.ok_or(AdminApiError::Unauthorized { presented: true })?;
            Ok(ApiStaff {
                staff_id,
                email,
                role,
            })
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminApiError {
    #[error("missing or invalid API token")]
    Unauthorized { presented: bool },
    #[error("this role may not do that")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for AdminApiError {
    fn from(error: DbError) -> Self {
        AdminApiError::Internal(error.to_string())
    }
}

impl ResponseError for AdminApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            AdminApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AdminApiError::Forbidden => StatusCode::FORBIDDEN,
            AdminApiError::NotFound => StatusCode::NOT_FOUND,
            AdminApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AdminApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            AdminApiError::Unauthorized { .. } => json!({
                "error": "unauthorized",
                "message": "Send a live API token as `Authorization: Bearer usg_...`; create one in the console under API tokens.",
            }),
            AdminApiError::Forbidden => json!({
                "error": "forbidden",
                "message": "The token's owner has a role that does not allow this.",
            }),
            AdminApiError::NotFound => json!({"error": "not_found", "message": "No such letter."}),
            AdminApiError::BadRequest(message) => {
                json!({"error": "bad_request", "message": message})
            }
            AdminApiError::Internal(cause) => {
                tracing::error!(%cause, "admin api request failed");
                json!({"error": "internal", "message": "Something went wrong on our side; nothing was changed."})
            }
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if let AdminApiError::Unauthorized { presented } = self {
            // RFC 6750: no error code when no credentials were sent at all.
            let challenge = if *presented {
                r#"Bearer realm="undersigned", error="invalid_token""#
            } else {
                r#"Bearer realm="undersigned""#
            };
            response.insert_header((header::WWW_AUTHENTICATE, challenge));
        }
        response.json(body)
    }
}

/// `csv` or `json`, from the end of the download address.
pub(crate) fn export_format(extension: &str) -> Option<ExportFormat> {
    match extension {
        "csv" => Some(ExportFormat::Csv),
        "json" => Some(ExportFormat::Json),
        _ => None,
    }
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    }
}

/// The export filters from a query string: `state` and `kind`, each repeated or separated by
/// commas, read with the rules of `undersigned export --state ... --kind ...`. An empty
/// value, which is what a form sends for "any", adds nothing; other parameters are ignored.
pub(crate) fn export_filter(query: &str) -> Result<ExportFilter, String> {
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
            _ => {}
        }
    }
    Ok(filter)
}

/// The filters in words, for the audit log.
pub(crate) fn describe_filter(filter: &ExportFilter) -> String {
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
    format!("state={states} kind={kinds}")
}

#[derive(Debug)]
pub(crate) enum ExportStartError {
    NotFound,
    Unavailable(DbError),
}

impl From<DbError> for ExportStartError {
    fn from(error: DbError) -> Self {
        ExportStartError::Unavailable(error)
    }
}

type PooledConnection = diesel::r2d2::PooledConnection<db::ConnectionManager>;

/// Finds the letter, records the export in the audit log, and answers with the export as a
/// stream. `channel` says how it was asked for ("console", "API token").
pub(crate) async fn start_export(
    state: &AppState,
    slug: &str,
    filter: ExportFilter,
    format: ExportFormat,
    actor: Actor,
    channel: &str,
) -> Result<HttpResponse, ExportStartError> {
    if !letters::is_valid_slug(slug) {
        return Err(ExportStartError::NotFound);
    }
    let pool: DbPool = state.pool.clone();
    let owned_slug = slug.to_owned();
    let detail = format!("{} via {channel}", describe_filter(&filter));
    let action = format!("export.{}", format_name(format));
    // The connection that finds the letter is kept for the export itself, so that a busy
    // pool is a clean error now rather than a broken download later.
    let found = web::block(move || {
        let mut connection = pool.get().map_err(DbError::from)?;
        let Some(letter) = letters::find_by_slug(&mut connection, &owned_slug)? else {
            return Ok::<_, DbError>(None);
        };
        db::write_transaction(&mut connection, |connection| {
            audit::record(connection, &actor, &action, Some(&letter.id), None, &detail)
        })?;
        Ok(Some((connection, letter)))
    })
    .await
    .map_err(|error| DbError::TaskFailed(error.to_string()))??;
    let (connection, letter) = found.ok_or(ExportStartError::NotFound)?;
    Ok(stream_export(connection, letter, filter, format))
}

/// Runs `export::write_export` on a blocking thread and streams what it writes, in chunks
/// through a small bounded channel: memory stays flat however long the list is, and a slow
/// client slows the export down instead of filling memory.
fn stream_export(
    mut connection: PooledConnection,
    letter: Letter,
    filter: ExportFilter,
    format: ExportFormat,
) -> HttpResponse {
    let (sender, mut receiver) = mpsc::channel::<Result<Bytes, io::Error>>(CHUNKS_IN_FLIGHT);
    let filename = format!("{}-signatures.{}", letter.slug, format_name(format));
    let mut out = ChunkWriter::new(sender, tokio::runtime::Handle::current(), STALL_LIMIT);
    actix_web::rt::task::spawn_blocking(move || {
        let result = export::write_export(&mut connection, &letter, &filter, format, &mut out)
            .and_then(|written| {
                out.flush()?;
                Ok(written)
            });
        match result {
            Ok(written) => tracing::info!(slug = %letter.slug, written, "export streamed"),
            Err(_) if out.sender.is_closed() => {
                tracing::info!(slug = %letter.slug, "export abandoned by the client")
            }
            Err(error) => {
                tracing::error!(slug = %letter.slug, %error, "export failed midway");
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

    #[test]
    fn only_bearer_tokens_are_read() {
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer  usg_abc "))
            .to_http_request();
        assert_eq!(bearer_token(&request).as_deref(), Some("usg_abc"));
        let basic = actix_web::test::TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Basic dXNlcjpwYXNz"))
            .to_http_request();
        assert_eq!(bearer_token(&basic), None);
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(bearer_token(&none), None);
    }
}
