//! The Instance server-type catalog, `GET /instance/v1/zones/{zone}/products/servers`, as the
//! real API shapes it: a map keyed by commercial type (not a list), keys in alphabetical
//! order and split across pages, 50 types a page unless `per_page` says otherwise, the number
//! of types in `X-Total-Count`. Each zone has about as many types as the real one (40 to 136),
//! and every type the simulated fleet uses. Prices are mostly floats, a few JSON integers
//! (`3`, as the real catalog wrote for a GPU type) and one `null` (`GP1-VIZ`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};

use super::fleet::COMMERCIAL_TYPES;
use super::prices::Money;
use super::Simulator;

const GIB: u64 = 1 << 30;

/// What a reference endpoint (the catalog, or the projects) answers instead of its data,
/// while a test says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceFault {
    /// 403 `permissions_denied`: a key whose IAM policy lacks the permission set.
    PermissionDenied,
    /// 500 `server_error`: the service failed on its side.
    InternalError,
}

/// A reference endpoint's test hooks: its fault, and how many requests it was sent.
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    fault: Mutex<Option<ReferenceFault>>,
    requests: AtomicU64,
}

impl Hooks {
    /// Counts a request; the fault to answer, if any.
    pub(crate) fn request(&self) -> Option<ReferenceFault> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        *self.fault.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set(&self, fault: Option<ReferenceFault>) {
        *self.fault.lock().unwrap_or_else(|e| e.into_inner()) = fault;
    }

    pub(crate) fn count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// How many types the real catalog of a zone had (2026 recordings); 41 for another zone.
fn catalog_size(zone: &str) -> usize {
    match zone {
        "fr-par-1" | "fr-par-2" => 136,
        "nl-ams-1" => 126,
        "nl-ams-2" => 92,
        "pl-waw-2" => 61,
        "it-mil-1" => 46,
        "pl-waw-1" => 40,
        _ => 41,
    }
}

/// `(ncpus, ram GiB, gpus, hourly price)` of the types the fleet uses, near the real ones.
/// `None` for the price writes `null`; a whole number is written as a JSON integer.
fn fleet_type(name: &str) -> (u64, u64, u64, Value) {
    match name {
        "DEV1-S" => (2, 2, 0, json!(0.0088)),
        "DEV1-M" => (3, 4, 0, json!(0.0198)),
        "DEV1-L" => (4, 8, 0, json!(0.042)),
        "PLAY2-PICO" => (1, 2, 0, json!(0.014)),
        "PLAY2-NANO" => (2, 4, 0, json!(0.027)),
        "PLAY2-MICRO" => (4, 8, 0, json!(0.054)),
        "PRO2-XXS" => (2, 8, 0, json!(0.055)),
        "PRO2-XS" => (4, 16, 0, json!(0.11)),
        "PRO2-S" => (8, 32, 0, json!(0.219)),
        "GP1-XS" => (4, 16, 0, json!(0.091)),
        "GP1-S" => (8, 32, 0, json!(0.187)),
        "POP2-2C-8G" => (2, 8, 0, json!(0.0735)),
        "POP2-4C-16G" => (4, 16, 0, json!(0.147)),
        "POP2-HM-2C-16G" => (2, 16, 0, json!(0.103)),
        "STARDUST1-S" => (1, 1, 0, json!(0.00015)),
        "COPARM1-2C-8G" => (2, 8, 0, json!(0.0426)),
        "COPARM1-4C-16G" => (4, 16, 0, json!(0.0857)),
        "L4-1-24G" => (8, 48, 1, json!(0.75)),
        "L4-2-24G" => (16, 96, 2, json!(1.5)),
        // Whole euros: the real catalog wrote such prices as JSON integers.
        "L40S-1-48G" => (8, 96, 1, json!(2)),
        "L40S-2-48G" => (16, 192, 2, json!(3)),
        _ => (2, 4, 0, json!(0.05)),
    }
}

/// The catalog's hourly price of a type the fleet uses, in the API's money (nothing for a
/// type without a price): what the bill charges a running server.
pub(crate) fn hourly_price(name: &str) -> Money {
    let price = fleet_type(name).3.as_f64().unwrap_or(0.0);
    // Prices have at most a few decimals: rounding to the nano is exact.
    Money::from_nanos((price * 1e9).round() as i128)
}

fn entry(arch: &str, ncpus: u64, ram_gib: u64, gpus: u64, price: Value, eos: bool) -> Value {
    let monthly = price
        .as_f64()
        .map(|p| (p * 730.0 * 1000.0).round() / 1000.0);
    json!({
        "alt_names": [],
        "arch": arch,
        "ncpus": ncpus,
        "ram": ram_gib * GIB,
        "gpu": gpus,
        "gpu_info": null,
        "mig_profile": null,
        "monthly_price": monthly,
        "hourly_price": price,
        "end_of_service": eos,
    })
}

/// The zone's catalog: the fleet's types, `GP1-VIZ` (no price), then made-up sizes of real
/// families until the zone has as many types as the real one.
pub(crate) fn zone_catalog(zone: &str) -> BTreeMap<String, Value> {
    let mut types = BTreeMap::new();
    for t in COMMERCIAL_TYPES {
        let (ncpus, ram, gpus, price) = fleet_type(t.name);
        let eos = matches!(t.name, "GP1-XS" | "GP1-S" | "DEV1-L");
        types.insert(
            t.name.to_owned(),
            entry(t.arch, ncpus, ram, gpus, price, eos),
        );
    }
    types.insert(
        "GP1-VIZ".to_owned(),
        entry("x86_64", 10, 40, 0, Value::Null, true),
    );
    let families = [
        ("BASIC2-A", "C", 2, "arm64"),
        ("POP2-", "C", 4, "x86_64"),
        ("POP2-HC-", "C", 2, "x86_64"),
        ("POP2-HM-", "C", 8, "x86_64"),
        ("POP2-HN-", "C", 2, "x86_64"),
        ("MEMORY3-X", "C", 8, "x86_64"),
        ("COPARM1-", "C", 4, "arm64"),
        ("ENT1-X", "C", 4, "x86_64"),
        ("PRO3-", "C", 4, "x86_64"),
        ("GEN3-", "C", 4, "x86_64"),
        ("CPU3-", "C", 2, "x86_64"),
        ("DEV2-", "C", 2, "x86_64"),
    ];
    let sizes = [2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128];
    let wanted = catalog_size(zone);
    'fill: for cpus in sizes {
        for (family, c, ratio, arch) in families {
            if types.len() >= wanted {
                break 'fill;
            }
            let name = format!("{family}{cpus}{c}-{}G", cpus * ratio);
            let price = json!((cpus as f64 * ratio as f64 * 0.0041 * 10_000.0).round() / 10_000.0);
            types
                .entry(name)
                .or_insert_with(|| entry(arch, cpus, cpus * ratio, 0, price, false));
        }
    }
    types
}

impl Simulator {
    /// While `Some`, `/instance/v1/zones/{zone}/products/servers` answers `fault` in every
    /// zone; `None` heals it.
    pub fn set_catalog_fault(&self, fault: Option<ReferenceFault>) {
        self.shared.catalog.set(fault);
    }

    /// Requests sent to the catalog so far, every zone and page, answered or refused.
    pub fn catalog_requests(&self) -> u64 {
        self.shared.catalog.count()
    }

    /// The commercial types of `zone`'s catalog, in order.
    pub fn catalog_types(&self, zone: &str) -> Vec<String> {
        zone_catalog(zone).into_keys().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_zone_has_its_real_size_and_every_type_the_fleet_uses() {
        for (zone, size) in [("fr-par-1", 136), ("pl-waw-1", 40), ("xx-new-9", 41)] {
            let catalog = zone_catalog(zone);
            assert_eq!(catalog.len(), size, "{zone}");
            for t in COMMERCIAL_TYPES {
                assert!(catalog.contains_key(t.name), "{zone}: {}", t.name);
            }
            assert_eq!(catalog["GP1-VIZ"]["hourly_price"], Value::Null);
            assert!(catalog["L40S-2-48G"]["hourly_price"].is_u64());
        }
    }
}
