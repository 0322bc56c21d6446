//! `simulate`: the fake API alone, for tests, benchmarks and the end-to-end suite.

use scaleway_simulator::{Mix, ProductCounts, Simulator, SimulatorConfig};
use tokio::net::TcpListener;

use super::churn::churn;
use crate::config::{ConfigError, SimulateArgs};
use crate::shutdown::Shutdown;

/// The simulator's key when `SCW_SECRET_KEY` is not set for `simulate`: a fake, printed.
pub const SIMULATOR_DEFAULT_TOKEN: &str = "00000000-0000-4000-8000-00000000c0de";

/// `simulate`: the fake API alone on `args.listen_address`.
pub async fn simulate(
    args: &SimulateArgs,
    token: Option<String>,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    // First, so that a busy port is the one line the process writes.
    let listener = TcpListener::bind(args.listen_address.as_str())
        .await
        .map_err(|e| ConfigError::cannot_listen(&args.listen_address, "--listen-address", &e))?;
    let token = token.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
        tracing::info!(
            token = SIMULATOR_DEFAULT_TOKEN,
            "SCW_SECRET_KEY is not set; the simulator accepts this fake key"
        );
        SIMULATOR_DEFAULT_TOKEN.to_owned()
    });
    let simulator = Simulator::new(SimulatorConfig {
        zones: args.zones.clone(),
        servers_per_zone: args.servers_per_zone,
        seed: args.seed,
        token: token.trim().to_owned(),
        transition: args.transition,
        products: ProductCounts {
            elastic_metal: args.products.elastic_metal,
            apple_silicon: args.products.apple_silicon,
            dedibox: args.products.dedibox,
        },
        // Tests and benchmarks: every state in numbers, the same fleet every run.
        mix: Mix::Varied,
    });
    tracing::info!(
        address = %listener.local_addr()?,
        zones = args.zones.join(","),
        servers_per_zone = args.servers_per_zone,
        elastic_metal_servers_per_zone = args.products.elastic_metal,
        apple_silicon_servers_per_zone = args.products.apple_silicon,
        dedibox_servers_per_zone = args.products.dedibox,
        "simulator listening"
    );
    if let Some(every) = args.churn_interval {
        tokio::spawn(churn(simulator.clone(), every, shutdown.clone()));
    }
    simulator.serve(listener, shutdown.wait()).await?;
    Ok(())
}
