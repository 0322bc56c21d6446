//! The simulator over real TCP on port 0, with a minimal HTTP/1.1 client (one request per
//! connection, `Connection: close`), the way the exporter will talk to it.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn a_wrong_token_gets_the_real_401_body() {
    let s = start(5).await;
    for path in [
        "/instance/v1/zones/fr-par-1/servers",
        "/block/v1/zones/fr-par-1/volumes",
        "/servers",
    ] {
        for token in [Some("wrong"), None] {
            let r = request(s.addr, "GET", path, token, None).await;
            assert_eq!(r.status, 401, "{path}");
            assert_eq!(r.text(), DENIED);
            assert_eq!(r.header("content-type"), Some("application/json"));
            assert!(is_uuid(r.header("x-request-id").unwrap()));
        }
    }
    let r = request(
        s.addr,
        "POST",
        "/instance/v1/zones/fr-par-1/servers/x/action",
        Some("nope"),
        Some("{}"),
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn the_list_carries_the_real_headers() {
    let s = start(28).await;
    let r = get(s.addr, "/instance/v1/zones/fr-par-1/servers").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-total-count"), Some("28"));
    assert_eq!(
        r.header("link"),
        Some(r#"</servers?page=1&per_page=50&order=creation_date_desc>; rel="last""#)
    );
    assert_eq!(
        r.header("server"),
        Some("Scaleway API Gateway (fr-par-3;edge01)")
    );
    let id = r.header("x-request-id").unwrap();
    assert!(is_uuid(id), "{id}");
    assert!(
        r.text().starts_with(r#"{"servers": [{"id": ""#),
        "spaced like the real API"
    );
    assert_eq!(r.json()["servers"].as_array().unwrap().len(), 28);
    let again = get(s.addr, "/instance/v1/zones/fr-par-1/servers").await;
    assert_ne!(
        again.header("x-request-id"),
        Some(id),
        "request ids are fresh"
    );
}

#[tokio::test]
async fn paging_with_per_page_100_reaches_every_server_once() {
    let s = start(250).await;
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let r = get(
            s.addr,
            &format!("/instance/v1/zones/nl-ams-1/servers?page={page}&per_page=100"),
        )
        .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-total-count"), Some("250"));
        let servers = r.json()["servers"].as_array().unwrap().clone();
        if page == 1 {
            assert_eq!(
                r.header("link"),
                Some(concat!(
                    r#"</servers?page=2&per_page=100&order=creation_date_desc>; rel="next","#,
                    r#"</servers?page=3&per_page=100&order=creation_date_desc>; rel="last""#
                ))
            );
        }
        if servers.is_empty() {
            break;
        }
        seen.extend(servers.iter().map(|v| v["id"].as_str().unwrap().to_owned()));
        page += 1;
    }
    assert_eq!(page, 4, "three pages, then an empty one");
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 250);
    assert_eq!(unique.len(), 250);
    assert_eq!(seen, s.sim.server_ids("nl-ams-1"));
}

#[tokio::test]
async fn an_empty_zone_says_page_0_in_its_link() {
    let s = start(3).await;
    let r = get(s.addr, "/instance/v1/zones/pl-waw-3/servers").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), r#"{"servers": []}"#);
    assert_eq!(r.header("x-total-count"), Some("0"));
    assert_eq!(
        r.header("link"),
        Some(r#"</servers?page=0&per_page=50&order=creation_date_desc>; rel="last""#)
    );
}

#[tokio::test]
async fn a_page_past_the_end_is_empty() {
    let s = start(10).await;
    let r = get(
        s.addr,
        "/instance/v1/zones/fr-par-1/servers?page=7&per_page=5",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"servers": []}));
    assert_eq!(r.header("x-total-count"), Some("10"));
}

#[tokio::test]
async fn bad_paging_is_refused_with_invalid_arguments() {
    let s = start(3).await;
    for query in [
        "per_page=101",
        "per_page=0",
        "page=0",
        "page=abc",
        "page=-1",
        "per_page=1e3",
    ] {
        let r = get(
            s.addr,
            &format!("/instance/v1/zones/fr-par-1/servers?{query}"),
        )
        .await;
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        let body = r.json();
        assert_eq!(body["type"], "invalid_arguments", "{query}");
        assert!(body["details"][0]["argument_name"].is_string());
    }
    let r = get(s.addr, "/block/v1/zones/fr-par-1/volumes?page_size=500").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["type"], "invalid_arguments");
}

#[tokio::test]
async fn a_malformed_zone_is_refused_and_an_unknown_one_is_empty() {
    let s = start(3).await;
    for zone in ["par1", "FR-PAR-1", "fr-par", "fr%20par-1", "%FF"] {
        let r = get(s.addr, &format!("/instance/v1/zones/{zone}/servers")).await;
        assert_eq!(r.status, 400, "{zone}");
        assert_eq!(r.json()["type"], "invalid_arguments");
    }
    let r = get(s.addr, "/instance/v1/zones/xx-new-9/servers").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["servers"], serde_json::json!([]));
}

#[tokio::test]
async fn one_server_comes_in_its_envelope_and_an_unknown_one_is_the_real_404() {
    let s = start(5).await;
    let id = s.sim.server_ids("fr-par-1")[2].clone();
    let r = get(s.addr, &format!("/instance/v1/zones/fr-par-1/servers/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["server"]["id"], id.as_str());
    assert!(r.header("x-total-count").is_none());
    let missing = "8606096a-9f71-4315-b2c3-946088383916";
    let r = get(
        s.addr,
        &format!("/instance/v1/zones/fr-par-1/servers/{missing}"),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text(),
        format!(
            r#"{{"type": "not_found", "message": "resource is not found", "resource": "instance_server", "resource_id": "{missing}"}}"#
        )
    );
    // Same server, other zone: not there.
    let r = get(s.addr, &format!("/instance/v1/zones/nl-ams-1/servers/{id}")).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn poweroff_over_http_answers_a_task_and_moves_the_server() {
    let s = start(40).await;
    let id = s
        .sim
        .server_ids("fr-par-1")
        .into_iter()
        .find(|id| s.sim.server_state("fr-par-1", id).as_deref() == Some("running"))
        .unwrap();
    let path = format!("/instance/v1/zones/fr-par-1/servers/{id}/action");
    let r = post(s.addr, &path, r#"{"action": "poweroff"}"#).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let task = &r.json()["task"];
    assert!(is_uuid(task["id"].as_str().unwrap()));
    assert_eq!(task["description"], "server_poweroff");
    assert_eq!(task["status"], "pending");
    assert_eq!(task["href_from"], format!("/servers/{id}/action"));
    assert!(task["started_at"].as_str().unwrap().ends_with("+00:00"));
    let server = get(s.addr, &format!("/instance/v1/zones/fr-par-1/servers/{id}"))
        .await
        .json();
    assert_eq!(server["server"]["state"], "stopping");
    s.sim.advance_clock(TRANSITION);
    let server = get(s.addr, &format!("/instance/v1/zones/fr-par-1/servers/{id}"))
        .await
        .json();
    assert_eq!(server["server"]["state"], "stopped");
    // Powering it off again is not allowed now.
    let r = post(s.addr, &path, r#"{"action": "poweroff"}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["type"], "invalid_request_error");
}

#[tokio::test]
async fn terminated_server_disappears_from_the_list_after_the_transition() {
    let s = start(20).await;
    let id = s
        .sim
        .server_ids("fr-par-1")
        .into_iter()
        .find(|id| s.sim.server_state("fr-par-1", id).as_deref() == Some("running"))
        .unwrap();
    let r = post(
        s.addr,
        &format!("/instance/v1/zones/fr-par-1/servers/{id}/action"),
        r#"{"action":"terminate"}"#,
    )
    .await;
    assert_eq!(r.status, 202);
    let one = get(s.addr, &format!("/instance/v1/zones/fr-par-1/servers/{id}"))
        .await
        .json();
    assert_eq!(one["server"]["state_detail"], "terminating");
    s.sim.advance_clock(TRANSITION);
    assert_eq!(
        get(s.addr, &format!("/instance/v1/zones/fr-par-1/servers/{id}"))
            .await
            .status,
        404
    );
    let list = get(s.addr, "/instance/v1/zones/fr-par-1/servers").await;
    assert_eq!(list.header("x-total-count"), Some("19"));
    assert!(!list.text().contains(&id));
}

#[tokio::test]
async fn bad_action_requests_get_json_errors_not_panics() {
    let s = start(5).await;
    let id = s.sim.server_ids("fr-par-1")[0].clone();
    let path = format!("/instance/v1/zones/fr-par-1/servers/{id}/action");
    for body in [
        "not json",
        "{}",
        r#"{"action": 3}"#,
        r#"{"action": "explode"}"#,
        r#"{"action": "backup"}"#,
        "[]",
        "",
    ] {
        let r = post(s.addr, &path, body).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.json()["type"], "invalid_request_error", "{body}");
    }
    let r = post(
        s.addr,
        "/instance/v1/zones/fr-par-1/servers/nope/action",
        r#"{"action": "poweron"}"#,
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["resource_id"], "nope");
    let r = post(
        s.addr,
        "/instance/v1/zones/bad/servers/nope/action",
        r#"{"action": "poweron"}"#,
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn block_volumes_page_with_total_count_in_the_body() {
    let s = start(60).await;
    let first = get(
        s.addr,
        "/block/v1/zones/fr-par-1/volumes?page=1&page_size=100",
    )
    .await;
    assert_eq!(first.status, 200);
    assert!(
        first.text().starts_with(r#"{"total_count":"#),
        "compact like the Go services"
    );
    let body = first.json();
    let total = body["total_count"].as_u64().unwrap() as usize;
    let mut seen: Vec<Value> = body["volumes"].as_array().unwrap().clone();
    let mut page = 2;
    while seen.len() < total {
        let r = get(
            s.addr,
            &format!("/block/v1/zones/fr-par-1/volumes?page={page}&page_size=100"),
        )
        .await;
        seen.extend(r.json()["volumes"].as_array().unwrap().iter().cloned());
        page += 1;
    }
    assert_eq!(seen.len(), total);
    for v in &seen {
        assert!(v["size"].as_u64().unwrap() > 0);
        assert!(matches!(v["type"].as_str(), Some("sbs_5k" | "sbs_15k")));
        assert_eq!(v["zone"], "fr-par-1");
    }
    let small = get(s.addr, "/block/v1/zones/fr-par-1/volumes?page_size=2")
        .await
        .json();
    assert_eq!(small["volumes"].as_array().unwrap().len(), 2);
    let id = seen[0]["id"].as_str().unwrap();
    let one = get(s.addr, &format!("/block/v1/zones/fr-par-1/volumes/{id}")).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.json(), seen[0]);
    let missing = get(s.addr, "/block/v1/zones/fr-par-1/volumes/nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["type"], "not_found");
    let none = get(s.addr, "/block/v1/zones/it-mil-1/volumes").await.json();
    assert_eq!(none, serde_json::json!({"total_count": 0, "volumes": []}));
}

#[tokio::test]
async fn legacy_servers_endpoint_speaks_the_2018_shape_by_default() {
    let s = start(12).await;
    let r = get(s.addr, "/servers?per_page=5").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-total-count"), Some("12"));
    assert_eq!(
        r.header("link"),
        Some(
            r#"</servers?page=2&per_page=5>; rel="next",</servers?page=3&per_page=5>; rel="last""#
        )
    );
    let servers = r.json()["servers"].as_array().unwrap().clone();
    assert_eq!(servers.len(), 5);
    let ids: Vec<String> = servers
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, s.sim.server_ids("fr-par-1")[..5]);
    for server in &servers {
        assert!(
            server.get("zone").is_none()
                && server.get("project").is_none()
                && server.get("public_ips").is_none()
        );
        assert!(server["state"].is_string());
        assert!(server["dynamic_ip_required"].is_boolean());
        let volumes = server["volumes"].as_object().unwrap();
        for v in volumes.values() {
            assert!(v["size"].as_u64().unwrap() > 0);
        }
        if !server["location"].is_null() {
            assert_eq!(server["location"]["zone_id"], "par1");
        }
    }
}

#[tokio::test]
async fn legacy_servers_endpoint_speaks_the_2014_shape_when_asked() {
    let s = start(12).await;
    s.sim.set_legacy_running_bool(true);
    let r = get(s.addr, "/servers").await;
    assert_eq!(r.status, 200);
    let servers = r.json()["servers"].as_array().unwrap().clone();
    assert_eq!(servers.len(), 12);
    let mut running = 0;
    for server in &servers {
        assert!(server.get("state").is_none());
        assert!(server["dynamic_public_ip"].is_boolean());
        running += usize::from(server["running"].as_bool().unwrap());
        if let Some(image) = server["image"].as_object() {
            let mut keys: Vec<&String> = image.keys().collect();
            keys.sort();
            assert_eq!(keys, ["id", "name"]);
        }
        for v in server["volumes"].as_object().unwrap().values() {
            assert!(matches!(v["volume_type"].as_str(), Some("l_ssd" | "l_hdd")));
        }
    }
    assert!(running > 0);
    s.sim.set_legacy_running_bool(false);
    assert!(get(s.addr, "/servers").await.json()["servers"][0]["state"].is_string());
}

#[tokio::test]
async fn page_shift_lists_one_server_twice_over_http() {
    let s = start(150).await;
    s.sim.set_page_shift("fr-par-1", true);
    let one = get(
        s.addr,
        "/instance/v1/zones/fr-par-1/servers?page=1&per_page=100",
    )
    .await;
    let two = get(
        s.addr,
        "/instance/v1/zones/fr-par-1/servers?page=2&per_page=100",
    )
    .await;
    assert_eq!(one.header("x-total-count"), Some("150"));
    assert_eq!(two.header("x-total-count"), Some("151"));
    let one = one.json()["servers"].as_array().unwrap().clone();
    let two = two.json()["servers"].as_array().unwrap().clone();
    assert_eq!(one.last().unwrap()["id"], two[0]["id"]);
    let all: Vec<&str> = one
        .iter()
        .chain(&two)
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    let unique: HashSet<&str> = all.iter().copied().collect();
    assert_eq!((all.len(), unique.len()), (151, 150));
}

#[tokio::test]
async fn inserted_odd_servers_are_served_as_given() {
    let s = start(3).await;
    s.sim.insert_server(
        "fr-par-1",
        serde_json::json!({"id": "odd-1", "name": "Ünïcode name \"quoted\"", "state": "locked", "tags": ["x=y"], "volumes": {}}),
    );
    let r = get(s.addr, "/instance/v1/zones/fr-par-1/servers?per_page=1").await;
    assert_eq!(r.header("x-total-count"), Some("4"));
    let first = &r.json()["servers"][0];
    assert_eq!(first["name"], "Ünïcode name \"quoted\"");
    assert_eq!(first["state"], "locked");
}

#[tokio::test]
async fn unknown_paths_and_methods_get_a_json_404() {
    let s = start(3).await;
    for (method, path) in [
        ("GET", "/nothing/here"),
        ("GET", "/instance/v1/zones/fr-par-1/security_groups"),
        ("DELETE", "/instance/v1/zones/fr-par-1/servers"),
        ("POST", "/servers"),
    ] {
        let r = request(s.addr, method, path, Some(TOKEN), None).await;
        assert_eq!(r.status, 404, "{method} {path}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(r.json().is_object());
    }
}

#[tokio::test]
async fn serve_returns_once_shutdown_resolves() {
    let mut s = start(3).await;
    assert_eq!(get(s.addr, "/servers").await.status, 200);
    let _ = s.stop.take().unwrap().send(());
    let result = tokio::time::timeout(Duration::from_secs(5), &mut s.task).await;
    assert!(matches!(result, Ok(Ok(Ok(())))), "{result:?}");
}

#[tokio::test]
async fn head_requests_see_the_total_without_a_body() {
    // The legacy CLI v1 sent HEAD first to read X-Total-Count.
    let s = start(7).await;
    let r = request(
        s.addr,
        "HEAD",
        "/instance/v1/zones/fr-par-1/servers",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-total-count"), Some("7"));
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn a_block_fault_answers_the_real_error_of_its_kind_in_its_zone_only() {
    use scaleway_simulator::BlockFault;
    let s = start(20).await;
    let list = "/block/v1/zones/fr-par-1/volumes?page=1&page_size=100";
    let volumes = get(s.addr, list).await.json();
    let id = volumes["volumes"][0]["id"].as_str().unwrap().to_owned();

    s.sim
        .set_block_fault("fr-par-1", Some(BlockFault::PermissionDenied));
    for path in [
        list.to_owned(),
        format!("/block/v1/zones/fr-par-1/volumes/{id}"),
    ] {
        let denied = get(s.addr, &path).await;
        assert_eq!(denied.status, 403, "{path}");
        assert_eq!(
            denied.text(),
            r#"{"details":[{"action":"read","resource":"volume"}],"message":"insufficient permissions","type":"permissions_denied"}"#
        );
    }
    assert_eq!(
        get(s.addr, "/block/v1/zones/nl-ams-1/volumes").await.status,
        200,
        "another zone is untouched"
    );
    assert_eq!(
        get(s.addr, "/instance/v1/zones/fr-par-1/servers")
            .await
            .status,
        200,
        "Instance is untouched"
    );

    s.sim
        .set_block_fault("fr-par-1", Some(BlockFault::RateLimited));
    let limited = get(s.addr, list).await;
    assert_eq!(limited.status, 429);
    assert!(limited.body.is_empty());
    assert_eq!(limited.header("content-type"), None);
    assert_eq!(limited.header("x-envoy-ratelimited"), Some("true"));

    s.sim
        .set_block_fault("fr-par-1", Some(BlockFault::InternalError));
    assert_eq!(get(s.addr, list).await.status, 500);

    s.sim
        .set_block_fault("it-mil-1", Some(BlockFault::NotServed));
    let unknown = get(s.addr, "/block/v1/zones/it-mil-1/volumes").await;
    assert_eq!(unknown.status, 501);
    assert_eq!(unknown.text(), r#"{"message":"unknown service"}"#);

    s.sim.set_block_fault("fr-par-1", None);
    assert_eq!(get(s.addr, list).await.json(), volumes, "healed");
}
