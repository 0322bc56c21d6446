//! The simulator's server counts: the most a zone holds, and the flags of `simulate` and
//! `demo` that size the fleets of the other server products (Elastic Metal, Apple silicon,
//! Dedibox).

use clap::Args;

/// The most servers a simulated zone holds: the most one zone's list can hold (1,000 pages of
/// 100).
pub const MAX_SIMULATED_SERVERS: usize = 100_000;

pub(super) fn parse_server_count(text: &str) -> Result<usize, String> {
    let count: usize = text
        .trim()
        .parse()
        .map_err(|_| "expected a whole number of servers, such as 40".to_owned())?;
    if count > MAX_SIMULATED_SERVERS {
        return Err(format!(
            "at most {MAX_SIMULATED_SERVERS}, the most one zone's list holds"
        ));
    }
    Ok(count)
}

/// `simulate`: servers of each other product in each of `--zones` it serves (none by default).
#[derive(Debug, Args, Clone)]
pub struct SimulateProductArgs {
    /// Elastic Metal servers in each zone of --zones that Elastic Metal serves (fr-par-1, fr-par-2, nl-ams-1, nl-ams-2, pl-waw-2, pl-waw-3).
    #[arg(long = "elastic-metal-servers-per-zone", default_value_t = 0, value_parser = parse_server_count, value_name = "N")]
    pub elastic_metal: usize,
    /// Apple silicon servers in each zone of --zones that Apple silicon serves (fr-par-1, fr-par-3).
    #[arg(long = "apple-silicon-servers-per-zone", default_value_t = 0, value_parser = parse_server_count, value_name = "N")]
    pub apple_silicon: usize,
    /// Dedibox servers in each zone of --zones that Dedibox serves (fr-par-1, fr-par-2, nl-ams-1).
    #[arg(long = "dedibox-servers-per-zone", default_value_t = 0, value_parser = parse_server_count, value_name = "N")]
    pub dedibox: usize,
}

/// `demo`: a few servers of each other product in each demo zone it serves.
#[derive(Debug, Args, Clone)]
pub struct DemoProductArgs {
    /// Elastic Metal servers in each demo zone that Elastic Metal serves (fr-par-1, fr-par-2, nl-ams-1, nl-ams-2, pl-waw-2, pl-waw-3).
    #[arg(long = "demo.elastic-metal-servers-per-zone", default_value_t = 3, value_parser = parse_server_count, value_name = "N")]
    pub elastic_metal: usize,
    /// Apple silicon servers in each demo zone that Apple silicon serves (fr-par-1, fr-par-3).
    #[arg(long = "demo.apple-silicon-servers-per-zone", default_value_t = 3, value_parser = parse_server_count, value_name = "N")]
    pub apple_silicon: usize,
    /// Dedibox servers in each demo zone that Dedibox serves (fr-par-1, fr-par-2, nl-ams-1).
    #[arg(long = "demo.dedibox-servers-per-zone", default_value_t = 3, value_parser = parse_server_count, value_name = "N")]
    pub dedibox: usize,
}
