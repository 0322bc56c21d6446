//! The simulator's own rules, tested through its methods (the HTTP face is tested over TCP in
//! `tests/simulator.rs`). Transitions are driven with `advance_clock`, so nothing sleeps.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::*;

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

#[test]
fn poweroff_moves_a_running_server_through_stopping_to_stopped() {
    let s = sim(40);
    let id = first_in_state(&s, "fr-par-1", "running");
    let before = s.server_json("fr-par-1", &id).unwrap();
    s.apply_action("fr-par-1", &id, Action::Poweroff).unwrap();
    let during = s.server_json("fr-par-1", &id).unwrap();
    assert_eq!(during["state"], "stopping");
    assert_eq!(during["state_detail"], "stopping");
    assert_eq!(
        during["allowed_actions"],
        serde_json::json!(["stop_in_place", "backup"])
    );
    assert!(during["modification_date"].as_str() > before["modification_date"].as_str());
    s.advance_clock(Duration::from_secs(2));
    assert_eq!(s.server_state("fr-par-1", &id).as_deref(), Some("stopping"));
    s.advance_clock(Duration::from_secs(2));
    let after = s.server_json("fr-par-1", &id).unwrap();
    assert_eq!(after["state"], "stopped");
    assert_eq!(after["state_detail"], "");
    assert!(after["location"].is_null());
    assert_eq!(
        after["allowed_actions"],
        serde_json::json!(["poweron", "backup"])
    );
    // Everything else is untouched.
    assert_eq!(after["volumes"], before["volumes"]);
    assert_eq!(after["name"], before["name"]);
}

#[test]
fn poweron_goes_through_allocating_node_to_booting_kernel() {
    let s = sim(60);
    let id = first_in_state(&s, "fr-par-1", "stopped");
    s.apply_action("fr-par-1", &id, Action::Poweron).unwrap();
    let during = s.server_json("fr-par-1", &id).unwrap();
    assert_eq!(
        (during["state"].as_str(), during["state_detail"].as_str()),
        (Some("starting"), Some("allocating node"))
    );
    assert!(during["location"].is_null());
    s.advance_clock(Duration::from_secs(3));
    let after = s.server_json("fr-par-1", &id).unwrap();
    assert_eq!(
        (after["state"].as_str(), after["state_detail"].as_str()),
        (Some("running"), Some("booting kernel"))
    );
    assert!(after["location"].is_object());
}

#[test]
fn stop_in_place_then_poweron_follows_the_recorded_sequence() {
    let s = sim(40);
    let id = first_in_state(&s, "fr-par-1", "running");
    s.apply_action("fr-par-1", &id, Action::StopInPlace)
        .unwrap();
    assert_eq!(
        s.server_state_detail("fr-par-1", &id).as_deref(),
        Some("stopping in place")
    );
    s.advance_clock(Duration::from_secs(3));
    assert_eq!(
        s.server_state("fr-par-1", &id).as_deref(),
        Some("stopped in place")
    );
    assert_eq!(
        s.server_state_detail("fr-par-1", &id).as_deref(),
        Some("stopped in place")
    );
    s.apply_action("fr-par-1", &id, Action::Poweron).unwrap();
    assert_eq!(s.server_state("fr-par-1", &id).as_deref(), Some("starting"));
    assert_eq!(
        s.server_state_detail("fr-par-1", &id).as_deref(),
        Some("starting")
    );
    s.advance_clock(Duration::from_secs(3));
    assert_eq!(s.server_state("fr-par-1", &id).as_deref(), Some("running"));
}

#[test]
fn reboot_stays_running_and_comes_back_booted() {
    let s = sim(40);
    let id = first_in_state(&s, "fr-par-1", "running");
    s.apply_action("fr-par-1", &id, Action::Reboot).unwrap();
    assert_eq!(s.server_state("fr-par-1", &id).as_deref(), Some("running"));
    assert_eq!(
        s.server_state_detail("fr-par-1", &id).as_deref(),
        Some("rebooting")
    );
    s.advance_clock(Duration::from_secs(3));
    assert_eq!(
        s.server_state_detail("fr-par-1", &id).as_deref(),
        Some("booted")
    );
}

#[test]
fn terminated_server_disappears_after_the_transition() {
    let s = sim(80);
    // A running server with at least one sbs volume.
    let (id, sbs): (String, Vec<String>) = all_servers(&s, "fr-par-1")
        .into_iter()
        .filter(|v| v["state"] == "running")
        .find_map(|v| {
            let ids: Vec<String> = v["volumes"]
                .as_object()?
                .values()
                .filter(|vol| vol["volume_type"] == "sbs_volume")
                .map(|vol| vol["id"].as_str().unwrap().to_owned())
                .collect();
            (!ids.is_empty()).then(|| (v["id"].as_str().unwrap().to_owned(), ids))
        })
        .expect("a running server with sbs volumes");
    s.apply_action("fr-par-1", &id, Action::Terminate).unwrap();
    let during = s.server_json("fr-par-1", &id).unwrap();
    assert_eq!(
        (during["state"].as_str(), during["state_detail"].as_str()),
        (Some("stopping"), Some("terminating"))
    );
    assert_eq!(during["allowed_actions"], serde_json::json!([]));
    assert!(matches!(
        s.apply_action("fr-par-1", &id, Action::Poweron),
        Err(ActionError::NotAllowed { .. })
    ));
    s.advance_clock(Duration::from_secs(3));
    assert_eq!(s.server_state("fr-par-1", &id), None);
    assert!(!s.server_ids("fr-par-1").contains(&id));
    assert_eq!(s.server_ids("fr-par-1").len(), 79);
    let body: Value = serde_json::from_slice(&s.volumes_page("fr-par-1", 1, 1_000_000)).unwrap();
    for volume_id in sbs {
        let block = body["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == volume_id.as_str())
            .unwrap();
        assert_eq!(block["status"], "available");
        assert_eq!(block["references"], serde_json::json!([]));
        assert!(block["last_detached_at"].is_string());
    }
    // The other servers are still addressable after the positions shifted.
    for other in s.server_ids("fr-par-1") {
        assert!(s.server_state("fr-par-1", &other).is_some());
    }
}

#[test]
fn actions_not_allowed_in_the_current_state_are_refused() {
    let s = sim(40);
    let stopped = first_in_state(&s, "fr-par-1", "stopped");
    let running = first_in_state(&s, "fr-par-1", "running");
    for (id, action) in [
        (&stopped, Action::Poweroff),
        (&stopped, Action::Reboot),
        (&stopped, Action::Terminate),
        (&stopped, Action::StopInPlace),
        (&running, Action::Poweron),
    ] {
        let err = s.apply_action("fr-par-1", id, action).unwrap_err();
        assert!(matches!(err, ActionError::NotAllowed { .. }), "{err}");
    }
    assert!(matches!(
        s.apply_action("fr-par-1", "nope", Action::Poweron),
        Err(ActionError::UnknownServer { .. })
    ));
    assert!(matches!(
        s.apply_action("pl-waw-3", &stopped, Action::Poweron),
        Err(ActionError::UnknownZone(_))
    ));
}

#[test]
fn servers_caught_starting_or_stopping_settle_after_the_transition() {
    let s = sim(200);
    let ids = s.server_ids("fr-par-1");
    let transient: Vec<&String> = ids
        .iter()
        .filter(|id| {
            matches!(
                s.server_state("fr-par-1", id).as_deref(),
                Some("starting" | "stopping")
            )
        })
        .collect();
    assert!(!transient.is_empty());
    s.advance_clock(Duration::from_secs(3));
    for id in transient {
        let state = s.server_state("fr-par-1", id).unwrap();
        assert!(state == "running" || state == "stopped", "{state}");
    }
}

#[test]
fn churn_changes_servers_and_replays_with_the_same_seed() {
    let a = sim(30);
    let b = sim(30);
    let mut lines = Vec::new();
    for _ in 0..10 {
        let line = a.churn_once().expect("churn finds a server");
        assert_eq!(Some(line.clone()), b.churn_once());
        lines.push(line);
        a.advance_clock(Duration::from_secs(5));
        b.advance_clock(Duration::from_secs(5));
    }
    assert!(lines
        .iter()
        .any(|l| l.contains("poweroff") || l.contains("poweron")));
    let empty = Simulator::new(SimulatorConfig {
        servers_per_zone: 0,
        ..SimulatorConfig::default()
    });
    assert_eq!(empty.churn_once(), None);
}

#[test]
fn inserted_servers_top_the_listing_and_keep_their_bytes() {
    let s = sim(5);
    let odd = serde_json::json!({
        "id": "11111111-2222-4333-8444-555555555555",
        "name": "naïve \"quoted\" name",
        "state": "running",
        "state_detail": "booted",
        "tags": ["a=b", "c:d"],
        "volumes": {"0": {"id": "v", "volume_type": "sbs_volume"}},
    });
    s.insert_server("fr-par-1", odd.clone());
    assert_eq!(
        s.server_ids("fr-par-1")[0],
        "11111111-2222-4333-8444-555555555555"
    );
    let page: Value =
        serde_json::from_slice(&s.servers_page("fr-par-1", 1, 1, Shape::Current).body).unwrap();
    assert_eq!(page["servers"][0], odd);
    s.apply_action(
        "fr-par-1",
        "11111111-2222-4333-8444-555555555555",
        Action::Poweroff,
    )
    .unwrap();
    s.advance_clock(Duration::from_secs(3));
    let after = s
        .server_json("fr-par-1", "11111111-2222-4333-8444-555555555555")
        .unwrap();
    assert_eq!(after["state"], "stopped");
    assert_eq!(after["name"], odd["name"]);
    // A zone that was not configured is created by an insert.
    s.insert_server(
        "it-mil-1",
        serde_json::json!({"id": "x", "state": "stopped"}),
    );
    assert_eq!(s.server_ids("it-mil-1"), ["x"]);
}

#[test]
fn inserted_block_volumes_are_listed() {
    let s = sim(5);
    let before: Value = serde_json::from_slice(&s.volumes_page("fr-par-1", 1, 100)).unwrap();
    s.insert_block_volume(
        "fr-par-1",
        serde_json::json!({"id": "vol-x", "size": 5_000_000_000_000u64, "type": "sbs_15k"}),
    );
    let after: Value = serde_json::from_slice(&s.volumes_page("fr-par-1", 1, 100)).unwrap();
    assert_eq!(
        after["total_count"].as_u64(),
        before["total_count"].as_u64().map(|n| n + 1)
    );
    assert!(after["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == "vol-x"));
}

#[test]
fn page_shift_lists_one_server_twice() {
    let s = sim(150);
    s.set_page_shift("fr-par-1", true);
    let first: Value =
        serde_json::from_slice(&s.servers_page("fr-par-1", 1, 100, Shape::Current).body).unwrap();
    let second = s.servers_page("fr-par-1", 2, 100, Shape::Current);
    assert_eq!(second.total, 151);
    let second: Value = serde_json::from_slice(&second.body).unwrap();
    let first = first["servers"].as_array().unwrap();
    let second = second["servers"].as_array().unwrap();
    assert_eq!(first.len(), 100);
    assert_eq!(second.len(), 51);
    assert_eq!(first[99]["id"], second[0]["id"]);
    let ids: HashSet<&str> = first
        .iter()
        .chain(second)
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 150, "every server is still listed");
    s.set_page_shift("fr-par-1", false);
    assert_eq!(
        s.servers_page("fr-par-1", 2, 100, Shape::Current).total,
        150
    );
}

#[test]
fn a_server_deleted_after_page_1_makes_the_next_page_skip_one() {
    let s = sim(150);
    let ids_of = |body: &[u8]| -> Vec<String> {
        let v: Value = serde_json::from_slice(body).unwrap();
        v["servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before: Vec<String> = [1, 2]
        .into_iter()
        .flat_map(|page| ids_of(&s.servers_page("fr-par-1", page, 100, Shape::Current).body))
        .collect();
    let deleted = before[0].clone();
    s.delete_after_page("fr-par-1", 1, &deleted);
    let first = s.servers_page("fr-par-1", 1, 100, Shape::Current);
    assert_eq!(first.total, 150);
    assert_eq!(ids_of(&first.body), before[..100]);
    let second = s.servers_page("fr-par-1", 2, 100, Shape::Current);
    assert_eq!(second.total, 149);
    assert_eq!(
        ids_of(&second.body),
        before[101..],
        "{} is skipped",
        before[100]
    );
    assert!(!s.server_ids("fr-par-1").contains(&deleted));
    assert_eq!(
        s.servers_page("fr-par-1", 2, 100, Shape::Current).total,
        149,
        "once"
    );
}

#[test]
fn huge_page_numbers_do_not_overflow() {
    let s = sim(5);
    s.set_page_shift("fr-par-1", true);
    let out = s.servers_page("fr-par-1", u64::MAX, 100, Shape::Current);
    assert_eq!(out.body, b"{\"servers\": []}");
    assert!(s
        .volumes_page("fr-par-1", u64::MAX, 100)
        .ends_with(b"\"volumes\":[]}"));
}

#[test]
fn the_legacy_shapes_drop_the_zone_era_fields() {
    let s = sim(30);
    let v: Value =
        serde_json::from_slice(&s.servers_page("fr-par-1", 1, 30, Shape::Legacy2018).body).unwrap();
    for server in v["servers"].as_array().unwrap() {
        for gone in ["zone", "project", "public_ips"] {
            assert!(server.get(gone).is_none(), "{gone}");
        }
        assert!(server["state"].is_string());
        assert!(server.get("dynamic_ip_required").is_some());
        if let Some(location) = server["location"].as_object() {
            assert_eq!(location["zone_id"], "par1");
        }
        for volume in server["volumes"].as_object().unwrap().values() {
            assert!(volume["size"].as_u64().unwrap() > 0);
            assert_ne!(volume["volume_type"], "sbs_volume");
        }
    }
    let v: Value =
        serde_json::from_slice(&s.servers_page("fr-par-1", 1, 30, Shape::Legacy2014).body).unwrap();
    for server in v["servers"].as_array().unwrap() {
        assert!(server["running"].is_boolean());
        assert!(server.get("state").is_none());
        assert!(server.get("dynamic_public_ip").is_some());
        if let Some(image) = server["image"].as_object() {
            assert_eq!(image.len(), 2);
        }
    }
}

/// A benchmark-sized zone: built once, then paged by copying bytes. Run with `--ignored`.
#[test]
#[ignore = "builds a 50,000-server zone"]
fn a_fifty_thousand_server_zone_pages_quickly() {
    let started = std::time::Instant::now();
    let s = Simulator::new(SimulatorConfig {
        zones: vec!["fr-par-1".to_owned()],
        servers_per_zone: 50_000,
        ..SimulatorConfig::default()
    });
    let built = started.elapsed();
    let started = std::time::Instant::now();
    let mut bytes = 0;
    for page in 1..=500 {
        bytes += s
            .servers_page("fr-par-1", page, 100, Shape::Current)
            .body
            .len();
    }
    eprintln!(
        "built in {built:?}, 500 pages ({bytes} bytes) in {:?}",
        started.elapsed()
    );
    assert_eq!(s.server_ids("fr-par-1").len(), 50_000);
}
