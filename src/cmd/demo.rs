//! `demo`: the simulator on loopback and the exporter against it (no token needed).

use std::time::Duration;

use rand::Rng as _;
use tokio::net::TcpListener;

use super::churn::churn;
use crate::config::{ConfigError, DemoArgs, ExporterConfig};
use crate::exporter::Exporter;
use crate::secret::{SecretKey, TokenSource};
use scaleway_simulator::{Mix, ProductCounts, Simulator, SimulatorConfig};

use crate::shutdown::Shutdown;

/// How long the demo fleet's starting and stopping states last.
const DEMO_TRANSITION: Duration = Duration::from_secs(5);

/// `--poll.interval` of the demo when none is given: more often than the exporter's minute.
pub const DEMO_POLL_INTERVAL: &str = "15s";

/// The exporter's configuration in the demo: the simulator's URL and key, and the demo's
/// flags, through the same checks as the exporter's own command line. The poll timeout is
/// cut to the interval, which the demo shortens (by default it follows it, as the exporter's).
pub fn exporter_config(
    args: &DemoArgs,
    api_url: &str,
    token: &str,
) -> Result<ExporterConfig, ConfigError> {
    ExporterConfig::builder(
        api_url,
        TokenSource::fixed(SecretKey::new(token, "the demo")?),
    )
    .zones(&args.zones)
    .max_body_size(args.limits.max_body_size)
    .rate_limit(args.limits.rate_limit)
    .poll_interval(args.poll.interval)
    .poll_timeout(args.poll.timeout.map(|t| t.min(args.poll.interval)))
    .listen_address(&args.web.serve.listen_address)
    .telemetry_path(&args.web.telemetry_path)
    .web_config_file(args.web.serve.web_config_file.as_ref())
    .build()
}

/// `demo`: the simulator on an ephemeral loopback port with a generated key, and the
/// exporter against it on `--web.listen-address`.
pub async fn demo(args: &DemoArgs, shutdown: Shutdown) -> anyhow::Result<()> {
    let token = scaleway_simulator::uuid_v4(rand::rng().random::<u128>());
    let api_listener = TcpListener::bind("127.0.0.1:0").await?;
    let api_url = format!("http://{}", api_listener.local_addr()?);
    let config = exporter_config(args, &api_url, &token)?;
    let listener = config.listen_address().bind().await.map_err(|e| {
        ConfigError::cannot_listen(config.listen_address(), "--web.listen-address", &e)
    })?;
    let simulator = Simulator::new(SimulatorConfig {
        zones: config.zones().to_vec(),
        servers_per_zone: args.servers_per_zone,
        seed: 42,
        token,
        transition: DEMO_TRANSITION,
        products: ProductCounts {
            elastic_metal: args.products.elastic_metal,
            apple_silicon: args.products.apple_silicon,
            dedibox: args.products.dedibox,
        },
        mix: Mix::Lifelike,
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
