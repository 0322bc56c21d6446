//! Actions: the recorded sequences of states, what is refused, and churn.

use super::*;

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
