//! The lists' own rules, through the simulator's methods (the HTTP face is tested over TCP
//! in `simulator/tests/resources.rs`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::billing::Period;
use super::page::query_value;
use super::Resource;
use crate::catalog::hourly_price;
use crate::json::from_micros;
use crate::{ProductCounts, Simulator, SimulatorConfig};

/// 2026-12-07T10:30:00Z.
const DEC_7: u64 = 1_796_639_400;

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

fn sim_at(unix: u64) -> Simulator {
    Simulator::new_at(
        SimulatorConfig {
            zones: vec!["fr-par-1".to_owned(), "nl-ams-1".to_owned()],
            servers_per_zone: 60,
            products: ProductCounts::all(6),
            ..SimulatorConfig::default()
        },
        at(unix),
    )
}

/// Every zoned kind's items in both zones (the bill apart: it counts hours).
fn lists(sim: &Simulator) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    for kind in Resource::ALL.into_iter().filter(|k| k.is_zoned()) {
        for zone in ["fr-par-1", "nl-ams-1"] {
            out.push(sim.resources(kind, zone));
        }
    }
    out
}

#[test]
fn two_simulators_of_a_seed_built_the_same_day_list_the_same_bytes() {
    assert_eq!(lists(&sim_at(DEC_7)), lists(&sim_at(DEC_7 + 12 * 3600)));
    assert_ne!(lists(&sim_at(DEC_7)), lists(&sim_at(DEC_7 + 86_400)));
}

#[test]
fn leftovers_are_dated_back_from_the_day_the_simulator_starts() {
    let (early, late) = (sim_at(DEC_7), sim_at(DEC_7 + 30 * 86_400));
    let days = |v: &Value, key: &str| {
        let text = v[key].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    };
    let early_snapshots = early.resources(Resource::BlockSnapshot, "fr-par-1");
    let late_snapshots = late.resources(Resource::BlockSnapshot, "fr-par-1");
    assert_eq!(early_snapshots.len(), late_snapshots.len());
    for (a, b) in early_snapshots.iter().zip(&late_snapshots) {
        assert_eq!(a["id"], b["id"], "the same snapshot");
        let shift = days(b, "created_at") - days(a, "created_at");
        assert_eq!(shift, chrono::Duration::days(30), "{a} {b}");
    }
    // Nothing of the servers moves with the date.
    assert_eq!(
        early
            .servers_page("fr-par-1", 1, 100, crate::Shape::Current)
            .body,
        late.servers_page("fr-par-1", 1, 100, crate::Shape::Current)
            .body
    );
}

#[test]
fn a_period_is_billed_by_the_hours_it_has_had() {
    let now = from_micros(DEC_7 as i64 * 1_000_000);
    let current = Period::parse(None, now).unwrap();
    assert_eq!(current.hours, 6 * 24 + 10);
    assert_eq!(current.updated_at, "2026-12-07T10:00:00.000000Z");
    assert_eq!(Period::parse(Some("2026-11"), now).unwrap().hours, 30 * 24);
    assert_eq!(Period::parse(Some("2027-01"), now).unwrap().hours, 0);
    for bad in ["2026-13", "2026-1", "26-12", "december", "2026-12-01"] {
        assert!(Period::parse(Some(bad), now).is_none(), "{bad}");
    }
}

/// The bill's rows of this month (to the hour of [`DEC_7`]).
fn bill(sim: &Simulator) -> Vec<Value> {
    sim.resources(Resource::BillingConsumption, "")
}

#[test]
fn a_running_instance_is_billed_its_catalog_price_every_hour_of_the_month_so_far() {
    let sim = sim_at(DEC_7);
    let hours = 6 * 24 + 10;
    let rows = bill(&sim);
    let compute: Vec<&Value> = rows
        .iter()
        .filter(|r| r["category_name"] == "Compute")
        .collect();
    assert!(!compute.is_empty());
    for row in compute {
        let minutes: i128 = row["billed_quantity"].as_str().unwrap().parse().unwrap();
        assert_eq!(minutes % (60 * hours), 0, "whole servers: {row}");
        let servers = minutes / (60 * hours);
        let ty = row["product_name"].as_str().unwrap();
        let nanos = hourly_price(ty).total_nanos() * servers * hours;
        let cents = (nanos + 5_000_000) / 10_000_000 * 10_000_000;
        let value = row["value"]["units"].as_i64().unwrap() as i128 * 1_000_000_000
            + row["value"]["nanos"].as_i64().unwrap() as i128;
        assert_eq!(value, cents, "{row}");
    }
}

#[test]
fn the_bill_has_a_row_per_project_product_and_zone_in_the_recorded_categories() {
    let sim = sim_at(DEC_7);
    let rows = bill(&sim);
    let projects: Vec<String> = sim
        .project_names()
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    let mut keys = std::collections::BTreeSet::new();
    for row in &rows {
        assert!(projects.contains(&row["project_id"].as_str().unwrap().to_owned()));
        assert!(["Compute", "BareMetal", "Storage", "Network"]
            .contains(&row["category_name"].as_str().unwrap()));
        assert_eq!(
            row["value"]["nanos"].as_i64().unwrap() % 10_000_000,
            0,
            "cents"
        );
        let key = (
            row["project_id"].clone().to_string(),
            row["sku"].to_string(),
        );
        assert!(keys.insert(key), "one row each: {row}");
    }
    for category in ["Compute", "BareMetal", "Storage", "Network"] {
        assert!(
            rows.iter().any(|r| r["category_name"] == category),
            "{category}"
        );
    }
    // An Elastic Metal server on a monthly offer pays a 730th of its month every hour.
    let monthly = rows
        .iter()
        .find(|r| r["resource_name"].as_str().unwrap().starts_with("Monthly"))
        .expect("a monthly server");
    assert_eq!(monthly["unit"], "hour");
}

#[test]
fn query_values_are_decoded() {
    let q = Some("category_name=Managed+Databases&x=a%2Fb&project_id=p&bad=%zz");
    assert_eq!(
        query_value(q, "category_name").as_deref(),
        Some("Managed Databases")
    );
    assert_eq!(query_value(q, "x").as_deref(), Some("a/b"));
    assert_eq!(query_value(q, "project_id").as_deref(), Some("p"));
    assert_eq!(query_value(q, "bad").as_deref(), Some("%zz"));
    assert_eq!(query_value(q, "project").as_deref(), None);
    assert_eq!(query_value(None, "x"), None);
}
