//! The landing page and `/inventory.json` at fleet scale, as a new operator meets them: 600
//! servers in three zones of the simulator, over real TCP. The summary counts each zone's
//! servers by state and those not running; the table says it shows 500 of 600 and how to
//! see the rest; `?up=false` lists every server not running. An exporter whose key or API
//! URL is wrong says so in a banner, with each zone's error.

use std::collections::BTreeMap;

use scaleway_exporter::product::Product;
use serde_json::Value;

use crate::common::*;

const ZONES: [&str; 3] = ["fr-par-1", "nl-ams-1", "pl-waw-1"];
const PER_ZONE: usize = 200;

/// Each zone's servers by state, as the simulator holds them.
fn states_by_zone(api: &TestApi) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    ZONES
        .iter()
        .map(|zone| {
            let mut counts = BTreeMap::new();
            for id in api.simulator.server_ids(zone) {
                let state = api.simulator.server_state(zone, &id).unwrap();
                let label = if Product::Instance
                    .states()
                    .iter()
                    .any(|s| s.label() == state.as_str())
                {
                    state
                } else {
                    "unknown".to_owned()
                };
                *counts.entry(label).or_insert(0) += 1;
            }
            (*zone, counts)
        })
        .collect()
}

fn not_running(counts: &BTreeMap<String, usize>) -> usize {
    counts
        .iter()
        .filter(|(state, _)| *state != "running")
        .map(|(_, n)| n)
        .sum()
}

/// The summary table's row of `zone` (`all` for the total), from `<tr` to `</tr>`.
fn summary_row<'p>(page: &'p str, zone: &str) -> &'p str {
    let table = &page[page.find("id=\"fleet-summary-table\"").expect("a summary")..];
    let start = table
        .find(&format!("data-zone=\"{zone}\""))
        .unwrap_or_else(|| panic!("{zone} in the summary"));
    let row = &table[start..];
    &row[..row.find("</tr>").unwrap()]
}

fn server_rows(page: &str) -> usize {
    page.matches(" data-server-id=").count()
}

#[tokio::test]
async fn with_600_servers_the_page_sums_up_each_zone_and_says_it_shows_500_of_600() {
    let api = start_simulator(simulator_config(&ZONES, PER_ZONE)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &ZONES, api.simulator.token())).await;
    exporter.poller.poll_once().await;
    let expected = states_by_zone(&api);
    let total_not_running: usize = expected.values().map(not_running).sum();
    assert!(total_not_running > 0 && total_not_running < 500);

    let page = get_text(&format!("{}/", exporter.url)).await;
    assert!(
        page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    assert!(
        !page.contains("id=\"never-polled\""),
        "no banner once polled"
    );

    // The summary: each zone's servers, those not running, and each state's count.
    for (zone, counts) in &expected {
        let row = summary_row(&page, zone);
        assert!(
            row.contains(&format!(
                "data-servers=\"{PER_ZONE}\" data-not-running=\"{}\"",
                not_running(counts)
            )),
            "{zone}: {row}"
        );
        for (state, n) in counts {
            assert!(
                row.contains(&format!("data-state=\"{state}\">{state} {n}</a>")),
                "{zone} {state} {n}: {row}"
            );
        }
    }
    let total = summary_row(&page, "all");
    assert!(
        total.contains(&format!(
            "data-servers=\"600\" data-not-running=\"{total_not_running}\""
        )),
        "{total}"
    );
    // Above the table, as is the legend.
    let table = page.find("<table class=\"fleet\"").unwrap();
    assert!(page.find("id=\"fleet-summary-table\"").unwrap() < table);
    assert!(page.find("id=\"legend\"").unwrap() < table);

    // The cap, and how to see the rest.
    assert_eq!(server_rows(&page), 500);
    assert!(
        page.contains(&format!(
            "<strong>500 of 600 shown</strong>, {total_not_running} not running: the table \
             stops at 500 rows, those not running first. To see the rest, narrow it with the \
             filters above, or read all 600 in <a href=\"/inventory.json\">/inventory.json</a>."
        )),
        "{page}"
    );

    // The servers not running, all of them, and only them.
    let down = get_text(&format!("{}/?up=false", exporter.url)).await;
    assert_eq!(server_rows(&down), total_not_running);
    assert!(!down.contains("<strong>"), "not capped");
    assert!(down.contains(&format!(
        "{total_not_running} of 600 servers match the filter, all shown, {total_not_running} \
         not running."
    )));
    // A summary link, as an operator would follow it: one zone's stopped servers.
    let stopped_in_paris = expected["fr-par-1"]["stopped"];
    let page = get_text(&format!(
        "{}/?product=instance&zone=fr-par-1&state=stopped",
        exporter.url
    ))
    .await;
    assert_eq!(server_rows(&page), stopped_in_paris);
}

#[tokio::test]
async fn with_600_servers_the_json_has_them_all_the_same_summary_and_the_same_filters() {
    let api = start_simulator(simulator_config(&ZONES, PER_ZONE)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &ZONES, api.simulator.token())).await;
    exporter.poller.poll_once().await;
    let expected = states_by_zone(&api);
    let json = |query: &'static str| {
        let url = format!("{}/inventory.json{query}", exporter.url);
        async move { serde_json::from_str::<Value>(&get_text(&url).await).unwrap() }
    };

    let all = json("").await;
    assert_eq!(all["servers"].as_array().unwrap().len(), 600);
    let summary = all["summary"]["zones"].as_array().unwrap();
    assert_eq!(summary.len(), 3);
    for (count, (zone, states)) in summary.iter().zip(&expected) {
        assert_eq!(count["product"], "instance");
        assert_eq!(count["zone"], *zone);
        assert_eq!(count["servers"], PER_ZONE);
        assert_eq!(count["not_running"], not_running(states));
        let by_state: BTreeMap<String, usize> =
            serde_json::from_value(count["states"].clone()).unwrap();
        assert_eq!(&by_state, states, "{zone}");
    }

    let down = json("?up=false").await;
    let servers = down["servers"].as_array().unwrap();
    let total_not_running: usize = expected.values().map(not_running).sum();
    assert_eq!(servers.len(), total_not_running);
    assert!(servers.iter().all(|s| s["up"] == false));
    let two = json("?zone=nl-ams-1,PL-WAW-1&state=Stopped&state=stopped_in_place").await;
    let wanted: usize = ["nl-ams-1", "pl-waw-1"]
        .iter()
        .map(|z| {
            ["stopped", "stopped in place"]
                .iter()
                .map(|s| expected[z].get(*s).copied().unwrap_or(0))
                .sum::<usize>()
        })
        .sum();
    assert_eq!(two["servers"].as_array().unwrap().len(), wanted);
}

/// The page and the JSON of an exporter none of whose zones has answered.
async fn never_polled(exporter: &TestExporter) -> (String, Value) {
    exporter.poller.poll_once().await;
    let page = get_text(&format!("{}/", exporter.url)).await;
    let json = get_text(&format!("{}/inventory.json", exporter.url)).await;
    (page, serde_json::from_str(&json).unwrap())
}

const BANNER: &str =
    "No zone has been polled successfully yet: check --scaleway.api-url and the key.";

#[tokio::test]
async fn an_api_url_where_nothing_listens_puts_a_banner_with_the_zones_errors_on_the_page() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let exporter = start_exporter(&exporter_config(
        &format!("http://{closed}"),
        &ZONES,
        TEST_KEY,
    ))
    .await;
    let before = get_text(&format!("{}/", exporter.url)).await;
    assert!(!before.contains(BANNER), "not before the first poll");

    let (page, json) = never_polled(&exporter).await;
    let banner = &page[page.find("id=\"never-polled\"").expect("a banner")..];
    let banner = &banner[..banner.find("</div>").unwrap()];
    assert!(banner.contains(BANNER), "{banner}");
    // Each zone with its error, which names the URL that refused.
    for (i, zone) in ZONES.iter().enumerate() {
        let error = json["zones"][i]["last_poll_error"].as_str().unwrap();
        assert!(error.contains(&closed.to_string()), "{error}");
        assert!(
            banner.contains(&format!("<li>{zone}: <span class=\"failed\">")),
            "{banner}"
        );
    }
    assert!(banner.contains("Connection refused"), "{banner}");
    assert!(page.find("id=\"never-polled\"").unwrap() < page.find("id=\"fleet\"").unwrap());
}

#[tokio::test]
async fn a_key_the_api_refuses_puts_the_banner_on_the_page_with_the_refusal() {
    let api = start_simulator(simulator_config(&ZONES[..1], 3)).await;
    let exporter = start_exporter(&exporter_config(&api.url, &ZONES[..1], WRONG_KEY)).await;
    let (page, json) = never_polled(&exporter).await;
    assert!(page.contains(BANNER), "{page}");
    let error = json["zones"][0]["last_poll_error"].as_str().unwrap();
    assert!(error.contains("401"), "{error}");
    let escaped = error
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        page.contains(&format!(
            "<li>fr-par-1: <span class=\"failed\">{escaped}</span></li>"
        )),
        "{page}"
    );
    assert_eq!(json["summary"]["total"]["servers"], 0);
}
