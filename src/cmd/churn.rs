//! The simulator's churn, shared by `demo` and `simulate`: one server changes state now and
//! then, so that dashboards and alerts have something to show. Its log lines carry this
//! module's target, whichever command runs it.

use std::time::Duration;

use scaleway_simulator::Simulator;

use crate::shutdown::Shutdown;

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
