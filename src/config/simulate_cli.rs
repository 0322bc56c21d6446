//! The simulator's server counts: the most a zone holds, and the flags of `simulate` and
//! `demo` that size the fleets of the other server products (Elastic Metal, Apple silicon,
//! Dedibox).

use clap::Args;

use crate::product::Product;

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

/// The help of a product's server count: `zones` says where (`zone of --zones`, `demo
/// zone`), and the product's own zones follow.
fn per_zone_help(product: Product, zones: &str) -> String {
    let title = product.title();
    let served = product.zones().join(", ");
    format!("{title} servers in each {zones} that {title} serves ({served}).")
}

/// `simulate`: servers of each other product in each of `--zones` it serves (none by default).
#[derive(Debug, Args, Clone)]
pub struct SimulateProductArgs {
    #[arg(long = "elastic-metal-servers-per-zone", help = per_zone_help(Product::ElasticMetal, "zone of --zones"), default_value_t = 0, value_parser = parse_server_count, value_name = "N")]
    pub elastic_metal: usize,
    #[arg(long = "apple-silicon-servers-per-zone", help = per_zone_help(Product::AppleSilicon, "zone of --zones"), default_value_t = 0, value_parser = parse_server_count, value_name = "N")]
    pub apple_silicon: usize,
    #[arg(long = "dedibox-servers-per-zone", help = per_zone_help(Product::Dedibox, "zone of --zones"), default_value_t = 0, value_parser = parse_server_count, value_name = "N")]
    pub dedibox: usize,
}

/// `demo`: a few servers of each other product in each demo zone it serves.
#[derive(Debug, Args, Clone)]
pub struct DemoProductArgs {
    #[arg(long = "demo.elastic-metal-servers-per-zone", help = per_zone_help(Product::ElasticMetal, "demo zone"), default_value_t = 3, value_parser = parse_server_count, value_name = "N")]
    pub elastic_metal: usize,
    #[arg(long = "demo.apple-silicon-servers-per-zone", help = per_zone_help(Product::AppleSilicon, "demo zone"), default_value_t = 3, value_parser = parse_server_count, value_name = "N")]
    pub apple_silicon: usize,
    #[arg(long = "demo.dedibox-servers-per-zone", help = per_zone_help(Product::Dedibox, "demo zone"), default_value_t = 3, value_parser = parse_server_count, value_name = "N")]
    pub dedibox: usize,
}
