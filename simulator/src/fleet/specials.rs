//! The few servers that show what real fleets rarely do: a planned maintenance, a boot in
//! rescue mode, a commercial type past its end of service.
//!
//! No recorded Instance body has a non-empty `maintenances` or `boot_type: "rescue"`; their
//! shapes here are the Go SDK's (`ServerMaintenance {reason, start_date}`, `BootType`).
//! Which servers they are is a rule on the server's index in its zone, and what they hold
//! comes from an rng of their own, so the rest of the fleet (ids, names, states, every other
//! field) is the same as without them.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::model::Maintenance;
use super::{commercial_type_spec, CommercialType, FleetCtx, DAY_MICROS};
use crate::json::{from_micros, instance_date, splitmix64};

/// Every this many servers of a zone, one of each special kind.
pub(crate) const EVERY: usize = 40;

/// What sets a server apart from the others, by its index in its zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Special {
    /// One maintenance with a reason and a start date.
    Maintenance,
    /// One maintenance with a reason and no start date (`start_date: null`).
    UndatedMaintenance,
    /// `boot_type: "rescue"`.
    Rescue,
    /// A `START1-S`, whose type has reached end of service: `end_of_service: true`. Only a
    /// hand-made server: a Kapsule node keeps its pool's type.
    EndOfService,
}

impl Special {
    /// The special kind of server `idx` of a zone, if any: the 3rd, 6th, 9th and 23rd of
    /// every [`EVERY`], so a zone of ten servers already shows three of them.
    pub(crate) fn of(idx: usize) -> Option<Special> {
        match idx % EVERY {
            2 => Some(Special::Maintenance),
            5 => Some(Special::Rescue),
            8 => Some(Special::EndOfService),
            22 => Some(Special::UndatedMaintenance),
            _ => None,
        }
    }
}

/// The type a hand-made server gets: the drawn one, or `START1-S` for
/// [`Special::EndOfService`]. Called after the draw, so the draw happens either way.
pub(crate) fn commercial_type(special: Option<Special>, drawn: CommercialType) -> CommercialType {
    match special {
        Some(Special::EndOfService) => commercial_type_spec("START1-S"),
        _ => drawn,
    }
}

/// `local`, or `rescue` for [`Special::Rescue`].
pub(crate) fn boot_type(special: Option<Special>) -> &'static str {
    match special {
        Some(Special::Rescue) => "rescue",
        _ => "local",
    }
}

const REASONS: &[&str] = &[
    "hypervisor security update",
    "host hardware replacement",
    "network equipment upgrade",
    "storage firmware update",
];

/// The maintenances of server `idx` of the zone keyed `zone_key`: none, or one.
pub(crate) fn maintenances(
    special: Option<Special>,
    fleet: &FleetCtx,
    zone_key: u64,
    idx: usize,
) -> Vec<Maintenance> {
    let dated = match special {
        Some(Special::Maintenance) => true,
        Some(Special::UndatedMaintenance) => false,
        _ => return Vec::new(),
    };
    let mut rng = StdRng::seed_from_u64(splitmix64(
        zone_key ^ splitmix64(idx as u64 ^ 0x3a17_0000_0000),
    ));
    let reason = REASONS[rng.random_range(0..REASONS.len())].to_owned();
    // Planned two to eight weeks ahead (of the fleet's anchor date, or of the demo's first
    // day), on a whole hour of the night.
    let day = rng.random_range(14..60);
    let hour = rng.random_range(0..6);
    let start = fleet.maintenance_from_micros + day * DAY_MICROS + hour * 3_600_000_000;
    vec![Maintenance {
        reason,
        start_date: dated.then(|| instance_date(from_micros(start))),
    }]
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::{Shape, Simulator, SimulatorConfig};

    /// Every server of the zone, as the API shows it, oldest first (index order).
    fn servers(sim: &Simulator, zone: &str) -> Vec<Value> {
        let mut all: Vec<Value> = sim
            .server_ids(zone)
            .iter()
            .map(|id| sim.server_json(zone, id).expect("listed server"))
            .collect();
        all.sort_by(|a, b| {
            a["creation_date"]
                .as_str()
                .cmp(&b["creation_date"].as_str())
        });
        all
    }

    fn has_maintenance(server: &Value, dated: bool) -> bool {
        server["maintenances"].as_array().is_some_and(|list| {
            list.iter().any(|m| {
                m["reason"].as_str().is_some_and(|r| !r.is_empty())
                    && m["start_date"].is_string() == dated
            })
        })
    }

    #[test]
    fn the_demo_fleet_shows_a_maintenance_a_rescue_boot_and_an_end_of_service_type_in_each_zone() {
        for seed in [42, 7] {
            let sim = Simulator::new(SimulatorConfig {
                seed,
                ..SimulatorConfig::default()
            });
            for zone in ["fr-par-1", "nl-ams-1"] {
                let all = servers(&sim, zone);
                let at = |what: &str, found: &dyn Fn(&Value) -> bool| {
                    assert!(all.iter().any(found), "seed {seed}, {zone}: no {what}");
                };
                at("dated maintenance", &|s| has_maintenance(s, true));
                at("undated maintenance", &|s| has_maintenance(s, false));
                at("rescue boot", &|s| s["boot_type"] == "rescue");
                at("end-of-service server", &|s| {
                    s["end_of_service"] == true && s["commercial_type"] == "START1-S"
                });
            }
        }
    }

    #[test]
    fn only_the_chosen_few_differ_from_a_plain_server() {
        let sim = Simulator::new(SimulatorConfig {
            servers_per_zone: 120,
            ..SimulatorConfig::default()
        });
        for (idx, server) in servers(&sim, "fr-par-1").iter().enumerate() {
            let special = super::Special::of(idx);
            let maintenances = server["maintenances"].as_array().unwrap().len();
            assert_eq!(
                maintenances,
                usize::from(matches!(
                    special,
                    Some(super::Special::Maintenance | super::Special::UndatedMaintenance)
                )),
                "{idx}"
            );
            assert_eq!(
                server["boot_type"] == "rescue",
                special == Some(super::Special::Rescue),
                "{idx}"
            );
            // Only a type past its end of service says so, as the real API does.
            assert_eq!(
                server["end_of_service"].as_bool().unwrap(),
                server["commercial_type"]
                    .as_str()
                    .unwrap()
                    .starts_with("START1-"),
                "{idx}"
            );
        }
    }

    #[test]
    fn a_maintenance_start_is_an_instance_date_after_the_fleets_anchor() {
        let sim = Simulator::new(SimulatorConfig::default());
        let starts: Vec<String> = servers(&sim, "fr-par-1")
            .iter()
            .flat_map(|s| s["maintenances"].as_array().cloned().unwrap_or_default())
            .filter_map(|m| m["start_date"].as_str().map(str::to_owned))
            .collect();
        assert!(!starts.is_empty());
        for start in starts {
            let at = chrono::DateTime::parse_from_rfc3339(&start).expect("RFC 3339");
            assert!(start.ends_with("+00:00"), "{start}");
            assert!(
                at.timestamp_micros() > crate::fleet::ANCHOR_MICROS,
                "{start}"
            );
        }
    }

    #[test]
    fn the_demos_maintenances_start_weeks_ahead_of_the_day_it_starts() {
        let sim = Simulator::new(SimulatorConfig {
            mix: crate::Mix::Lifelike,
            ..SimulatorConfig::default()
        });
        let now = chrono::Utc::now();
        let starts: Vec<chrono::DateTime<chrono::FixedOffset>> = servers(&sim, "fr-par-1")
            .iter()
            .flat_map(|s| s["maintenances"].as_array().cloned().unwrap_or_default())
            .filter_map(|m| m["start_date"].as_str().map(str::to_owned))
            .map(|start| chrono::DateTime::parse_from_rfc3339(&start).unwrap())
            .collect();
        assert!(!starts.is_empty());
        for start in starts {
            let ahead = start.signed_duration_since(now);
            assert!(
                ahead > chrono::Duration::days(12) && ahead < chrono::Duration::days(61),
                "{start} is not weeks ahead of {now}"
            );
        }
    }

    #[test]
    fn the_2018_legacy_shape_carries_maintenances_and_boot_type_and_the_2014_one_neither() {
        let sim = Simulator::new(SimulatorConfig::default());
        let page = |shape| -> Vec<Value> {
            let body = sim.servers_page("fr-par-1", 1, 100, shape).body;
            let v: Value = serde_json::from_slice(&body).unwrap();
            v["servers"].as_array().unwrap().clone()
        };
        let current = page(Shape::Current);
        let legacy_2018 = page(Shape::Legacy2018);
        for (now, then) in current.iter().zip(&legacy_2018) {
            assert_eq!(now["id"], then["id"]);
            assert_eq!(now["maintenances"], then["maintenances"]);
            assert_eq!(now["boot_type"], then["boot_type"]);
        }
        assert!(legacy_2018.iter().any(|s| s["boot_type"] == "rescue"));
        for old in page(Shape::Legacy2014) {
            assert!(old.get("maintenances").is_none() && old.get("boot_type").is_none());
        }
    }
}
