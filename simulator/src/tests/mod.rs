//! The simulator's own rules, tested through its methods (the HTTP face is tested over TCP in
//! `simulator/tests/`). Transitions are driven with `advance_clock`, so nothing sleeps.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::*;
use crate::fleet::allowed_actions;

fn sim(servers_per_zone: usize) -> Simulator {
    Simulator::new(SimulatorConfig {
        servers_per_zone,
        transition: Duration::from_secs(3),
        ..SimulatorConfig::default()
    })
}

/// Every server of a zone, as the list endpoint shows them, newest first.
fn all_servers(sim: &Simulator, zone: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let body = sim.servers_page(zone, page, 100, Shape::Current).body;
        let v: Value = serde_json::from_slice(&body).expect("list bodies are JSON");
        let servers = v["servers"].as_array().cloned().unwrap_or_default();
        if servers.is_empty() {
            break;
        }
        out.extend(servers);
    }
    out
}

fn first_in_state(sim: &Simulator, zone: &str, state: &str) -> String {
    sim.server_ids(zone)
        .into_iter()
        .find(|id| sim.server_state(zone, id).as_deref() == Some(state))
        .unwrap_or_else(|| panic!("no {state} server in {zone}"))
}

#[test]
fn same_seed_gives_the_same_fleet() {
    let a = sim(120);
    let b = sim(120);
    for zone in ["fr-par-1", "nl-ams-1"] {
        for page in 1..=3 {
            assert_eq!(
                a.servers_page(zone, page, 50, Shape::Current).body,
                b.servers_page(zone, page, 50, Shape::Current).body
            );
        }
        assert_eq!(a.volumes_page(zone, 1, 100), b.volumes_page(zone, 1, 100));
    }
}

#[test]
fn another_seed_gives_another_fleet() {
    let a = sim(10);
    let b = Simulator::new(SimulatorConfig {
        seed: 43,
        servers_per_zone: 10,
        ..SimulatorConfig::default()
    });
    assert_ne!(a.server_ids("fr-par-1"), b.server_ids("fr-par-1"));
}

#[test]
fn zones_have_their_own_servers() {
    let s = sim(30);
    let par: HashSet<String> = s.server_ids("fr-par-1").into_iter().collect();
    let ams: HashSet<String> = s.server_ids("nl-ams-1").into_iter().collect();
    assert_eq!(par.len(), 30);
    assert_eq!(ams.len(), 30);
    assert!(par.is_disjoint(&ams));
    assert!(s.server_ids("pl-waw-1").is_empty());
}

#[test]
fn the_listing_is_newest_first() {
    let s = sim(200);
    let servers = all_servers(&s, "fr-par-1");
    let dates: Vec<&str> = servers
        .iter()
        .map(|s| s["creation_date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn every_server_keeps_the_rules_of_the_real_api() {
    let s = sim(600);
    let servers = all_servers(&s, "fr-par-1");
    assert_eq!(servers.len(), 600);
    for server in &servers {
        let obj = server.as_object().unwrap();
        assert_fields_have_the_real_types(obj);
        let state = obj["state"].as_str().unwrap();
        let detail = obj["state_detail"].as_str().unwrap();
        assert_eq!(
            obj["location"].is_null(),
            state == "stopped" || detail == "allocating node"
        );
        let allowed: Vec<&str> = obj["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(allowed, allowed_actions(state, detail));
        let created = obj["creation_date"].as_str().unwrap();
        let modified = obj["modification_date"].as_str().unwrap();
        assert!(
            created.ends_with("+00:00") && created.len() == 32,
            "{created}"
        );
        assert!(
            created <= modified && modified < "2026-08-01",
            "{created} {modified}"
        );
        if obj["arch"] == "arm64" {
            assert!(obj["commercial_type"]
                .as_str()
                .unwrap()
                .starts_with("COPARM1"));
        }
        // public_ip is the first of public_ips, or null.
        let ips = obj["public_ips"].as_array().unwrap();
        assert_eq!(ips.first().unwrap_or(&Value::Null), &obj["public_ip"]);
        for ip in ips {
            let netmask = match ip["family"].as_str().unwrap() {
                "inet" => "32",
                "inet6" => "64",
                other => panic!("family {other}"),
            };
            assert_eq!(ip["netmask"], netmask);
        }
        for v in obj["volumes"].as_object().unwrap().values() {
            match v["volume_type"].as_str().unwrap() {
                "sbs_volume" => assert!(v.get("size").is_none()),
                "scratch" => assert!(v["size"].as_u64().unwrap() >= 1_600_000_000_000),
                "l_ssd" | "b_ssd" => assert!(v["size"].as_u64().unwrap() >= 10_000_000_000),
                other => panic!("volume type {other}"),
            }
        }
    }
}

/// Ids, names and the like are strings; the keys real bodies always carry are there, even
/// when null or empty.
fn assert_fields_have_the_real_types(obj: &serde_json::Map<String, Value>) {
    for key in [
        "id",
        "name",
        "organization",
        "project",
        "commercial_type",
        "arch",
        "hostname",
        "zone",
    ] {
        assert!(obj[key].is_string(), "{key} is a string");
    }
    for key in [
        "security_group",
        "maintenances",
        "placement_group",
        "private_nics",
        "extra_networks",
    ] {
        assert!(obj.contains_key(key), "{key} is always present");
    }
    assert!(obj["ipv6"].is_null());
}

/// How often a fleet shows each quirk of real responses.
#[derive(Default)]
struct Census {
    states: HashMap<String, usize>,
    names: HashMap<String, usize>,
    spaced_names: usize,
    null_images: usize,
    arm: usize,
    no_ips: usize,
    inet6: usize,
    tagged_off: usize,
    kapsule: usize,
    untagged: usize,
    empty_volumes: usize,
    /// Servers whose `volumes` list `"1"` before `"0"`.
    out_of_order: usize,
    sbs_without_size: usize,
    sbs_bare: usize,
    scratch: usize,
}

impl Census {
    fn count(&mut self, obj: &serde_json::Map<String, Value>) {
        let name = obj["name"].as_str().unwrap();
        *self
            .states
            .entry(obj["state"].as_str().unwrap().to_owned())
            .or_default() += 1;
        *self.names.entry(name.to_owned()).or_default() += 1;
        self.spaced_names += usize::from(name.contains(' '));
        self.null_images += usize::from(obj["image"].is_null());
        self.arm += usize::from(obj["arch"] == "arm64");
        let ips = obj["public_ips"].as_array().unwrap();
        self.no_ips += usize::from(ips.is_empty());
        self.inet6 += ips.iter().filter(|ip| ip["family"] == "inet6").count();
        let tags: Vec<&str> = obj["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        self.tagged_off += usize::from(tags.contains(&"alerting=off"));
        self.kapsule += usize::from(tags.iter().any(|t| t.starts_with("kapsule=")));
        self.untagged += usize::from(tags.is_empty());
        let volumes = obj["volumes"].as_object().unwrap();
        self.empty_volumes += usize::from(volumes.is_empty());
        for v in volumes.values() {
            match v["volume_type"].as_str().unwrap() {
                "sbs_volume" => {
                    self.sbs_without_size += 1;
                    let bare = v.get("state").is_none() && v.get("zone").is_none();
                    self.sbs_bare += usize::from(bare);
                }
                "scratch" => self.scratch += 1,
                _ => {}
            }
        }
    }
}

#[test]
fn the_fleet_shows_the_quirks_of_the_real_api() {
    let s = sim(600);
    let mut census = Census::default();
    for server in &all_servers(&s, "fr-par-1") {
        census.count(server.as_object().unwrap());
    }
    // serde_json's map sorts keys, so the order of `volumes` is read on the bytes.
    let raw = String::from_utf8(s.servers_page("fr-par-1", 1, 100, Shape::Current).body).unwrap()
        + &String::from_utf8(s.servers_page("fr-par-1", 2, 100, Shape::Current).body).unwrap()
        + &String::from_utf8(s.servers_page("fr-par-1", 3, 100, Shape::Current).body).unwrap();
    census.out_of_order += raw.matches("\"volumes\": {\"1\"").count();
    let Census { states, names, .. } = &census;
    assert!(states["running"] > 300, "{states:?}");
    for state in ["stopped", "stopped in place", "starting", "stopping"] {
        assert!(
            states.get(state).copied().unwrap_or(0) > 0,
            "{state}: {states:?}"
        );
    }
    assert!(names.values().any(|&n| n > 1), "some names repeat");
    let c = &census;
    assert!(c.spaced_names > 0 && c.null_images > 0 && c.arm > 0 && c.scratch > 0);
    assert!(c.inet6 > 0 && c.no_ips > 0);
    assert!(c.sbs_without_size > 100 && c.sbs_bare > 0);
    assert!(c.empty_volumes > 0 && c.out_of_order > 0);
    assert!(c.tagged_off > 0 && c.kapsule > 0 && c.untagged > 0);
}

#[test]
fn every_sbs_volume_of_a_server_is_in_the_block_list() {
    let s = sim(150);
    let body: Value = serde_json::from_slice(&s.volumes_page("fr-par-1", 1, 1_000_000)).unwrap();
    let blocks: HashMap<&str, &Value> = body["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["id"].as_str().unwrap(), v))
        .collect();
    assert_eq!(body["total_count"].as_u64().unwrap() as usize, blocks.len());
    let mut attached = 0;
    for server in all_servers(&s, "fr-par-1") {
        for v in server["volumes"].as_object().unwrap().values() {
            if v["volume_type"] == "sbs_volume" {
                let block = blocks[v["id"].as_str().unwrap()];
                assert_eq!(block["status"], "in_use");
                assert_eq!(block["references"][0]["product_resource_id"], server["id"]);
                assert!(block["size"].as_u64().unwrap() >= 10_000_000_000);
                assert!(block["created_at"].as_str().unwrap().ends_with('Z'));
                attached += 1;
            }
        }
    }
    let unattached = blocks
        .values()
        .filter(|b| b["references"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(attached + unattached, blocks.len());
    assert!(unattached >= 3);
}

mod actions;
mod listing;
mod mix;
mod pinned;
