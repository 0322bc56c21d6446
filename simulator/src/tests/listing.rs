//! The listing: inserted servers and volumes, paging quirks, the legacy shapes, and size.

use super::*;

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
