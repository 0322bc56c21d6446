//! `demo`: the simulator on loopback and the exporter against it (no token needed).

use std::time::Duration;

use rand::Rng as _;
use tokio::net::TcpListener;

use crate::api::ApiFlavor;
use crate::config::{
    ConfigError, DemoArgs, ExporterArgs, ExporterConfig, ListenAddress, TelemetryPath,
};
use crate::exporter::Exporter;
use crate::secret::{SecretKey, TokenSource};
use scaleway_simulator::{Simulator, SimulatorConfig};

use crate::shutdown::Shutdown;

/// How long the demo fleet's starting and stopping states last.
const DEMO_TRANSITION: Duration = Duration::from_secs(5);

/// `demo`: the simulator on an ephemeral loopback port with a generated key, and the
/// exporter against it on `--web.listen-address`.
pub async fn demo(
    args: &DemoArgs,
    exporter_args: &ExporterArgs,
    poll_interval: Duration,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let token = format!("{:032x}", rand::rng().random::<u128>());
    let simulator = Simulator::new(SimulatorConfig {
        zones: args.zones.clone(),
        servers_per_zone: args.servers_per_zone,
        seed: 42,
        token: token.clone(),
        transition: DEMO_TRANSITION,
    });
    let api_listener = TcpListener::bind("127.0.0.1:0").await?;
    let api_url = format!("http://{}", api_listener.local_addr()?);
    let listen_address = ListenAddress::parse(&exporter_args.listen_address).ok_or_else(|| {
        anyhow::anyhow!(
            "bad --web.listen-address {:?}",
            exporter_args.listen_address
        )
    })?;
    let config = ExporterConfig {
        token: TokenSource::fixed(SecretKey::new(&token, "the demo")?),
        api_url: api_url.clone(),
        api_flavor: ApiFlavor::Instance,
        zones: args.zones.clone(),
        poll_interval,
        poll_timeout: exporter_args.poll_timeout.min(poll_interval),
        listen_address: listen_address.clone(),
        telemetry_path: TelemetryPath::new(&exporter_args.telemetry_path).map_err(|reason| {
            ConfigError::BadTelemetryPath {
                path: exporter_args.telemetry_path.clone(),
                reason,
            }
        })?,
        api_limits: exporter_args.api_limits(),
        web_config: match &exporter_args.web_config_file {
            Some(path) => Some(
                crate::web::WebConfig::load(path)
                    .map_err(|e| anyhow::anyhow!("bad web config file {}: {e}", path.display()))?,
            ),
            None => None,
        },
    };
    let listener = listen_address
        .bind()
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen_address}: {e}"))?;
    tokio::spawn(simulator.clone().serve(api_listener, shutdown.wait()));
    tokio::spawn(churn(simulator, args.churn_interval, shutdown.clone()));
    tracing::info!(
        simulator = %api_url,
        address = %listener.local_addr()?,
        metrics = %config.telemetry_path,
        poll_interval = %humantime::format_duration(poll_interval),
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
