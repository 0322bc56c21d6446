//! Wiring only: parse the command line, set up logs, run until SIGINT or SIGTERM.
#![warn(clippy::too_many_lines)]

use std::process::ExitCode;
use std::time::Duration;

use scaleway_exporter::cmd::health;
use scaleway_exporter::cmd::start::{one_line, parse_command_line, Invocation, EXIT_REFUSED};
#[cfg(feature = "demo")]
use scaleway_exporter::cmd::{demo, simulate};
use scaleway_exporter::config::{ConfigError, Environment, KeySource};
use scaleway_exporter::exporter::{ExporterError, ServeError};
use scaleway_exporter::{logging, Exporter, ExporterConfig, Shutdown};

fn main() -> ExitCode {
    scaleway_exporter::allocator::tune();
    let env = Environment::from_process();
    let invocation = match parse_command_line(std::env::args_os(), &env) {
        Ok(invocation) => invocation,
        Err(error) => return fail(&error.to_string()),
    };
    let log = match &invocation {
        Invocation::Show(shown) => {
            let _ = shown.print();
            return ExitCode::SUCCESS;
        }
        Invocation::Health(args) => {
            return health::main(
                &args.serve.listen_address,
                args.timeout,
                args.serve.web_config_file.as_deref(),
            );
        }
        Invocation::Exporter { log, .. } => log,
        #[cfg(feature = "demo")]
        Invocation::Demo(args) => &args.log,
        #[cfg(feature = "demo")]
        Invocation::Simulate(args) => &args.log,
    };

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    logging::init(log.level, log.format);
    let (stop, shutdown) = Shutdown::new();
    let result: anyhow::Result<()> = runtime.block_on(async {
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            let _ = stop.send(true);
        });
        match invocation {
            Invocation::Show(_) | Invocation::Health(_) => {
                unreachable!("answered before the runtime starts")
            }
            #[cfg(feature = "demo")]
            Invocation::Simulate(args) => simulate::simulate(&args, env.secret_key, shutdown).await,
            #[cfg(feature = "demo")]
            Invocation::Demo(args) => demo::demo(&args, shutdown).await,
            Invocation::Exporter {
                config,
                key_source,
                notices,
                ..
            } => {
                for notice in &notices {
                    notice.log();
                }
                run_exporter(&config, &key_source, shutdown).await
            }
        }
    });
    // Do not wait for blocking tasks (an encode in flight) past the shutdown deadline.
    runtime.shutdown_timeout(Duration::from_millis(300));
    exit_code(result)
}

/// How the process ends after running: 0, or a configuration error's one line and exit code
/// 2, or 1 for any other failure (logged).
fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A configuration found wrong once running (a busy port): one line, as at start.
        Err(error) => match error.downcast_ref::<ConfigError>() {
            Some(error) => fail(&error.to_string()),
            // Logged when it ended; exiting non-zero gets the exporter restarted.
            None if matches!(
                error.downcast_ref::<ServeError>(),
                Some(ServeError::PollerEnded(_))
            ) =>
            {
                ExitCode::FAILURE
            }
            None => {
                tracing::error!(error = format!("{error:#}"), "exporter stopped");
                ExitCode::FAILURE
            }
        },
    }
}

/// Builds the exporter (a certificate the web config names that does not load is a
/// configuration error, one line and exit code 2), binds its address, and serves until
/// `shutdown`.
async fn run_exporter(
    config: &ExporterConfig,
    key_source: &KeySource,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let exporter = Exporter::new(config).map_err(|error| match error {
        ExporterError::Config(error) => anyhow::Error::from(error),
        other => anyhow::Error::from(other),
    })?;
    let address = config.listen_address();
    let listener = address
        .bind()
        .await
        .map_err(|e| ConfigError::cannot_listen(address, "--web.listen-address", &e))?;
    tracing::info!(
        address = %listener.local_addr()?,
        api = %config.api_url(),
        key_source = %key_source,
        key_path = key_source.path().map(|p| tracing::field::display(p.display())),
        zones = config.zones().join(","),
        poll_interval = %humantime::format_duration(config.poll_interval()),
        version = scaleway_exporter::build_info::VERSION,
        "exporter starting"
    );
    exporter.serve(listener, shutdown.wait()).await?;
    Ok(())
}

/// A problem with what the user gave: one line on standard error, exit code 2.
fn fail(line: &str) -> ExitCode {
    eprintln!("scaleway_exporter: {}", one_line(line));
    ExitCode::from(EXIT_REFUSED)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
