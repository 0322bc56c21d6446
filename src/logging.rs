//! Log setup: logfmt or JSON on standard error, at the configured level.

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
}
