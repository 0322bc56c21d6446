//! `simulate`: the fake API alone, for tests, benchmarks and the end-to-end suite.

use std::time::Duration;

use scaleway_simulator::{Chaos, FaultEvent, Mix, ProductCounts, Simulator, SimulatorConfig};
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
    if let Some(every) = args.chaos_interval {
        let chaos = Chaos::new(&simulator, args.seed);
        tokio::spawn(chaos_loop(
            simulator.clone(),
            chaos,
            every,
            shutdown.clone(),
        ));
    }
    simulator.serve(listener, shutdown.wait()).await?;
    Ok(())
}

/// Every `every`, the fault in force ends and a new one starts; at shutdown the last one
/// ends, so no answer hangs on past it. Each start and end is one line: what a soak reads to
/// match a pair's recovery with the end of its fault.
async fn chaos_loop(simulator: Simulator, mut chaos: Chaos, every: Duration, shutdown: Shutdown) {
    let log = |what: &'static str, event: &FaultEvent| {
        tracing::info!(
            product = event.product.label(),
            zone = event.zone.as_str(),
            fault = event.fault.label(),
            "{what}"
        );
    };
    let pairs: Vec<String> = chaos
        .pairs()
        .iter()
        .map(|(product, zone)| format!("{product}/{zone}"))
        .collect();
    tracing::info!(
        pairs = pairs.join(",").as_str(),
        interval = %humantime::format_duration(every),
        "simulator chaos on: one fault at a time, in a random (product, zone)"
    );
    // The first fault one interval after the start: a client's first poll sees a healthy API.
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = ticker.tick() => {
                if let Some(ended) = chaos.end(&simulator) {
                    log("simulator fault ended", &ended);
                }
                if let Some(started) = chaos.start(&simulator) {
                    log("simulator fault started", &started);
                }
            }
        }
    }
    if let Some(ended) = chaos.end(&simulator) {
        log("simulator fault ended", &ended);
    }
}
