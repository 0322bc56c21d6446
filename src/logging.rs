//! Log setup: logfmt or JSON on standard error, at the configured level; and panics as one
//! log line of their own.

use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

use crate::config::{LogFormat, LogLevel};

/// Installs the global subscriber. Our crate logs at `level`; dependencies only at `warn`
/// and above unless the level asks for `debug` or `trace`, so their chatter stays out.
pub fn init(level: LogLevel, format: LogFormat) {
    let directives = match level {
        LogLevel::Debug | LogLevel::Trace => level.as_str().to_owned(),
        _ => format!("warn,scaleway_exporter={}", level.as_str()),
    };
    let filter = EnvFilter::new(directives);
    let layer = match format {
        LogFormat::Logfmt => tracing_logfmt::builder()
            .layer()
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init();
    std::panic::set_hook(Box::new(|info| {
        let message = crate::poller::panic_message(info.payload());
        let location = info.location().map(ToString::to_string);
        tracing::error!(
            message,
            location = location.as_deref().unwrap_or("unknown"),
            "internal error (a panic; where it is caught, it fails what it was doing, as the next lines say)"
        );
    }));
}
