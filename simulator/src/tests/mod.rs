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
fn the_fleet_shows_the_quirks_of_the_real_api() {
    let s = sim(600);
    let servers = all_servers(&s, "fr-par-1");
    assert_eq!(servers.len(), 600);
    let mut states: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let (mut sbs_without_size, mut sbs_bare, mut empty_volumes, mut out_of_order) = (0, 0, 0, 0);
    let (mut scratch, mut arm, mut spaced_names, mut null_images, mut inet6, mut no_ips) =
        (0, 0, 0, 0, 0, 0);
    let (mut tagged_off, mut kapsule, mut untagged) = (0, 0, 0);
    for server in &servers {
        let obj = server.as_object().unwrap();
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
        let state = obj["state"].as_str().unwrap();
        *states.entry(state.to_owned()).or_default() += 1;
        *names
            .entry(obj["name"].as_str().unwrap().to_owned())
            .or_default() += 1;
        if obj["name"].as_str().unwrap().contains(' ') {
            spaced_names += 1;
        }
        assert_eq!(
            obj["location"].is_null(),
            state == "stopped" || obj["state_detail"] == "allocating node"
        );
        let allowed: Vec<&str> = obj["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(
            allowed,
            allowed_actions(state, obj["state_detail"].as_str().unwrap())
        );
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
        if obj["image"].is_null() {
            null_images += 1;
        }
        if obj["arch"] == "arm64" {
            arm += 1;
            assert!(obj["commercial_type"]
                .as_str()
                .unwrap()
                .starts_with("COPARM1"));
        }
        // public_ip is the first of public_ips, or null.
        let ips = obj["public_ips"].as_array().unwrap();
        assert_eq!(ips.first().unwrap_or(&Value::Null), &obj["public_ip"]);
        if ips.is_empty() {
            no_ips += 1;
        }
        for ip in ips {
            match ip["family"].as_str().unwrap() {
                "inet" => assert_eq!(ip["netmask"], "32"),
                "inet6" => {
                    inet6 += 1;
                    assert_eq!(ip["netmask"], "64");
                }
                other => panic!("family {other}"),
            }
        }
        let tags: Vec<&str> = obj["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        tagged_off += usize::from(tags.contains(&"alerting=off"));
        kapsule += usize::from(tags.iter().any(|t| t.starts_with("kapsule=")));
        untagged += usize::from(tags.is_empty());
        let volumes = obj["volumes"].as_object().unwrap();
        if volumes.is_empty() {
            empty_volumes += 1;
        }
        let keys: Vec<&String> = volumes.keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        if keys != sorted {
            out_of_order += 1;
        }
        for v in volumes.values() {
            match v["volume_type"].as_str().unwrap() {
                "sbs_volume" => {
                    assert!(v.get("size").is_none());
                    sbs_without_size += 1;
                    if v.get("state").is_none() && v.get("zone").is_none() {
                        sbs_bare += 1;
                    }
                }
                "scratch" => {
                    scratch += 1;
                    assert!(v["size"].as_u64().unwrap() >= 1_600_000_000_000);
                }
                "l_ssd" | "b_ssd" => assert!(v["size"].as_u64().unwrap() >= 10_000_000_000),
                other => panic!("volume type {other}"),
            }
        }
    }
    // The serde_json map used here sorts keys, so check the raw order on the bytes instead.
    let raw = String::from_utf8(s.servers_page("fr-par-1", 1, 100, Shape::Current).body).unwrap()
        + &String::from_utf8(s.servers_page("fr-par-1", 2, 100, Shape::Current).body).unwrap()
        + &String::from_utf8(s.servers_page("fr-par-1", 3, 100, Shape::Current).body).unwrap();
    out_of_order += raw.matches("\"volumes\": {\"1\"").count();
    assert!(states["running"] > 300, "{states:?}");
    for state in ["stopped", "stopped in place", "starting", "stopping"] {
        assert!(
            states.get(state).copied().unwrap_or(0) > 0,
            "{state}: {states:?}"
        );
    }
    assert!(names.values().any(|&n| n > 1), "some names repeat");
    assert!(
        spaced_names > 0 && null_images > 0 && arm > 0 && scratch > 0 && inet6 > 0 && no_ips > 0
    );
    assert!(sbs_without_size > 100 && sbs_bare > 0 && empty_volumes > 0 && out_of_order > 0);
    assert!(tagged_off > 0 && kapsule > 0 && untagged > 0);
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
