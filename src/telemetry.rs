//! Logging: human-readable lines by default, JSON lines with `log.format = "json"`.

use std::io::IsTerminal;
use std::sync::OnceLock;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogFormat, LogSettings};

/// The HTTP parser logs every connection it cannot read at ERROR ("stream error: request
/// parse error"), so any scanner could fill the error log. Those lines are taken out of the
/// output and said again at WARN, and counted.
const HTTP_DISPATCHER: &str = "actix_http::h1::dispatcher";

/// The name this instance gives itself in request logs, set once by [`init`].
static INSTANCE: OnceLock<String> = OnceLock::new();

/// This instance's name: `log.instance`, else the host name and the process id
/// (`web1:4242`), which tell apart two instances on one host and one instance restarted.
pub fn instance() -> &'static str {
    INSTANCE.get_or_init(|| instance_name(""))
}

fn instance_name(configured: &str) -> String {
    let configured = configured.trim();
    if !configured.is_empty() {
        return configured.to_owned();
    }
    let host = hostname::get()
        .ok()
        .and_then(|name| name.into_string().ok())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}:{}", std::process::id())
}

/// Installs the global subscriber once; `RUST_LOG` overrides `log.level`.
pub fn init(settings: &LogSettings) {
    let _ = INSTANCE.set(instance_name(&settings.instance));
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a person at a terminal; a file or a log collector gets plain text.
    let ansi = std::io::stderr().is_terminal();
    let not_a_client_stream_error = filter_fn(|metadata| {
        !(metadata.target() == HTTP_DISPATCHER && *metadata.level() == Level::ERROR)
    });
    let format = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let output = match settings.format {
        LogFormat::Json => format.json().with_filter(not_a_client_stream_error).boxed(),
        LogFormat::Text => format.with_filter(not_a_client_stream_error).boxed(),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(output)
        .with(ClientStreamErrors)
        .try_init();
}

/// Says the HTTP parser's per-connection errors again below ERROR and counts them.
struct ClientStreamErrors;

impl<S: Subscriber> Layer<S> for ClientStreamErrors {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let metadata = event.metadata();
        if metadata.target() != HTTP_DISPATCHER || *metadata.level() != Level::ERROR {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        if message.0.starts_with("stream error") {
            crate::metrics::unparsed_request();
        }
        tracing::warn!(target: "undersigned::http", cause = %message.0, "HTTP connection closed on an error");
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            value.clone_into(&mut self.0);
        }
    }
}
