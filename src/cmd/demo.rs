//! `demo`: the simulator on loopback and the exporter against it (no token needed).

use std::time::Duration;

use rand::Rng as _;
use tokio::net::TcpListener;

use crate::config::{ConfigError, DemoArgs, ExporterArgs, ExporterConfig};
use crate::exporter::Exporter;
use crate::secret::{SecretKey, TokenSource};
use scaleway_simulator::{Simulator, SimulatorConfig};

use crate::shutdown::Shutdown;

/// How long the demo fleet's starting and stopping states last.
const DEMO_TRANSITION: Duration = Duration::from_secs(5);

/// The exporter's configuration in the demo: the simulator's URL and key, and the demo's
/// flags, through the same checks as the exporter's own command line. The poll timeout is
/// cut to the interval, which the demo shortens.
pub fn exporter_config(
    exporter_args: &ExporterArgs,
    poll_interval: Duration,
    zones: &[String],
    api_url: &str,
    token: &str,
) -> Result<ExporterConfig, ConfigError> {
    ExporterConfig::builder(
        api_url,
        TokenSource::fixed(SecretKey::new(token, "the demo")?),
    )
    .zones(zones)
    .max_body_size(exporter_args.max_body_size)
    .rate_limit(exporter_args.rate_limit)
    .poll_interval(poll_interval)
    .poll_timeout(exporter_args.poll_timeout.min(poll_interval))
    .listen_address(&exporter_args.listen_address)
    .telemetry_path(&exporter_args.telemetry_path)
    .web_config_file(exporter_args.web_config_file.as_ref())
    .build()
}

/// `demo`: the simulator on an ephemeral loopback port with a generated key, and the
/// exporter against it on `--web.listen-address`.
pub async fn demo(
    args: &DemoArgs,
    exporter_args: &ExporterArgs,
    poll_interval: Duration,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let token = format!("{:032x}", rand::rng().random::<u128>());
    let api_listener = TcpListener::bind("127.0.0.1:0").await?;
    let api_url = format!("http://{}", api_listener.local_addr()?);
    let config = exporter_config(exporter_args, poll_interval, &args.zones, &api_url, &token)?;
    let listen_address = config.listen_address();
    let listener = listen_address
        .bind()
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen_address}: {e}"))?;
    let simulator = Simulator::new(SimulatorConfig {
        zones: config.zones().to_vec(),
        servers_per_zone: args.servers_per_zone,
        seed: 42,
        token,
        transition: DEMO_TRANSITION,
    });
    tokio::spawn(simulator.clone().serve(api_listener, shutdown.wait()));
    tokio::spawn(churn(simulator, args.churn_interval, shutdown.clone()));
    tracing::info!(
        simulator = %api_url,
        address = %listener.local_addr()?,
        metrics = %config.telemetry_path(),
        poll_interval = %humantime::format_duration(config.poll_interval()),
        "demo running: the exporter polls the built-in simulator"
    );
    Exporter::new(&config)?
        .serve(listener, shutdown.wait())
        .await?;
    Ok(())
}

/// Changes one server's state every `every`, so dashboards and alerts have something to show.
pub(crate) async fn churn(simulator: Simulator, every: Duration, shutdown: Shutdown) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = ticker.tick() => {
                if let Some(change) = simulator.churn_once() {
                    tracing::info!(change = %change, "simulator changed a server");
                }
            }
        }
    }
}
