//! The reference families: what each commercial type the fleet uses is (from its zone's
//! server-type catalog), and the name of each project. They carry no per-server labels: a
//! dashboard joins them to `scaleway_server_info` on `zone, commercial_type` or on
//! `project_id` (docs/design.md#server-types-the-fleet-uses-not-the-whole-catalog).

use super::super::descriptors::{PROJECT_INFO, TYPE_CPUS, TYPE_GPUS, TYPE_MEMORY, TYPE_PRICE};
use super::Writer;
use crate::inventory::{ServerType, Snapshot};

/// Writes the catalog families and `scaleway_project_info`. Counts are written as the
/// integers they are (a `u64` past 2^53 would lose digits as a float).
pub(super) fn render(snapshot: &Snapshot, out: &mut Writer) {
    let in_use: Vec<(&str, Vec<(&str, &ServerType)>)> = snapshot
        .catalog
        .keys()
        .map(|zone| (zone.as_str(), snapshot.types_in_use(zone)))
        .collect();
    let each_type = || {
        in_use
            .iter()
            .flat_map(|(zone, types)| types.iter().map(move |(name, t)| ([*zone, *name], *t)))
    };
    out.family(&TYPE_CPUS);
    for (labels, t) in each_type() {
        if let Some(cpus) = t.cpus {
            out.sample(&TYPE_CPUS, labels, cpus);
        }
    }
    out.family(&TYPE_MEMORY);
    for (labels, t) in each_type() {
        if let Some(bytes) = t.memory_bytes {
            out.sample(&TYPE_MEMORY, labels, bytes);
        }
    }
    out.family(&TYPE_GPUS);
    for (labels, t) in each_type() {
        out.sample(&TYPE_GPUS, labels, t.gpus);
    }
    out.family(&TYPE_PRICE);
    for (labels, t) in each_type() {
        if let Some(euros) = t.hourly_price_euros {
            out.sample(&TYPE_PRICE, labels, euros);
        }
    }
    out.family(&PROJECT_INFO);
    for p in snapshot.projects.iter() {
        out.sample(&PROJECT_INFO, [&p.id, &p.name, &p.organization_id], 1);
    }
}
