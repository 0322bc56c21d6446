//! Wiring only: parse the command line, set up logs, run until SIGINT or SIGTERM.

use std::process::ExitCode;
use std::time::Duration;

#[cfg(feature = "demo")]
use clap::parser::ValueSource;
use clap::FromArgMatches as _;
#[cfg(feature = "demo")]
use scaleway_exporter::cmd::{demo, simulate};
use scaleway_exporter::cmd::{health, help};
use scaleway_exporter::config::{Cli, Command, ConfigError};
use scaleway_exporter::{logging, Exporter, Shutdown};

/// The demo polls more often than the default minute, unless told otherwise.
#[cfg(feature = "demo")]
const DEMO_POLL_INTERVAL: Duration = Duration::from_secs(15);

fn main() -> ExitCode {
    tune_allocator();
    let matches = match help::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return clap_exit(error),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return clap_exit(error),
    };
    let env_token = std::env::var("SCW_SECRET_KEY").ok();
    let args = &cli.exporter;
    if let Some(Command::Health(health_args)) = &cli.command {
        return health::main(
            &args.listen_address,
            health_args.timeout,
            args.web_config_file.as_deref(),
        );
    }

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    logging::init(args.log_level, args.log_format);
    let (stop, shutdown) = Shutdown::new();
    let result: anyhow::Result<()> = runtime.block_on(async {
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down");
            let _ = stop.send(true);
        });
        match &cli.command {
            Some(Command::Health(_)) => unreachable!("answered before the runtime starts"),
            #[cfg(feature = "demo")]
            Some(Command::Simulate(sim)) => simulate::simulate(sim, env_token, shutdown).await,
            #[cfg(feature = "demo")]
            Some(Command::Demo(demo_args)) => {
                let interval = match matches.value_source("poll_interval") {
                    Some(ValueSource::DefaultValue) | None => DEMO_POLL_INTERVAL,
                    Some(_) => args.poll_interval,
                };
                demo::demo(demo_args, args, interval, shutdown).await
            }
            None => {
                let config = args.resolve(env_token)?;
                let listener = config.listen_address().bind().await.map_err(|e| {
                    ConfigFailure(format!("cannot listen on {}: {e}", config.listen_address()))
                })?;
                tracing::info!(
                    address = %listener.local_addr()?,
                    api = %config.api_url(),
                    zones = config.zones().join(","),
                    poll_interval = %humantime::format_duration(config.poll_interval()),
                    version = scaleway_exporter::build_info::VERSION,
                    "exporter starting"
                );
                Exporter::new(&config)?
                    .serve(listener, shutdown.wait())
                    .await?;
                Ok(())
            }
        }
    });
    // Do not wait for blocking tasks (an encode in flight) past the shutdown deadline.
    runtime.shutdown_timeout(Duration::from_millis(300));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => match error.downcast_ref::<ConfigFailure>() {
            Some(ConfigFailure(line)) => fail(line.as_str()),
            // The configuration's checks, the demo's included: one line, as at start.
            None if error.is::<ConfigError>() => fail(&error.to_string()),
            None => {
                tracing::error!("{error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Large buffers (the encoded body, tens of MB at 10,000 servers) are made and freed once
/// per poll. glibc raises its mmap threshold after each such free, after which they come
/// from the heap and fragment it: the resident size then creeps up poll after poll. A fixed
/// threshold keeps every large buffer in its own mapping, returned to the system when freed.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// A problem with what the user gave: one line on standard error, exit code 2.
#[derive(Debug)]
struct ConfigFailure(String);

impl std::fmt::Display for ConfigFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigFailure {}

fn fail(line: &str) -> ExitCode {
    eprintln!("scaleway_exporter: {line}");
    ExitCode::from(2)
}

/// `--help` and `--version` print and succeed; any other clap error is one line, exit 2.
fn clap_exit(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        _ => {
            let rendered = error.render().to_string();
            let line = rendered.lines().next().unwrap_or("invalid command line");
            fail(line.trim_start_matches("error: "))
        }
    }
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
