//! What the fleet costs, over real TCP against the simulator: the prices of the offers and
//! volume types the fleet uses, written to the nano as the API gives them; this month's bill
//! summed exactly per project and category; both read at most hourly, best effort.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use scaleway_simulator::{ProductCounts, ReferenceFault, Resource as Sim};
use serde_json::Value;

use crate::common::*;

const ZONE: &str = "fr-par-1";

async fn started() -> (TestApi, TestExporter) {
    let mut config = simulator_config(&[ZONE], 30);
    config.products = ProductCounts::all(8);
    let api = start_simulator(config).await;
    let config = exporter_config_builder(&api.url, &[ZONE], TEST_KEY)
        .products([])
        .build()
        .unwrap();
    let exporter = start_exporter(&config).await;
    (api, exporter)
}

/// Money as the API writes it (`units` and `nanos` of one sign), in decimal, exactly: the
/// test's own reading, not the exporter's.
fn decimal(money: &Value) -> String {
    let nanos = money["units"].as_i64().unwrap() as i128 * 1_000_000_000
        + money["nanos"].as_i64().unwrap() as i128;
    decimal_nanos(nanos)
}

fn decimal_nanos(nanos: i128) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let (units, fraction) = (nanos.abs() / 1_000_000_000, nanos.abs() % 1_000_000_000);
    let fraction = format!("{fraction:09}");
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{units}")
    } else {
        format!("{sign}{units}.{fraction}")
    }
}

/// A label value as the text format writes it.
fn escaped(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The value of the series `name{labels}` as the exposition writes it, exactly.
fn written<'a>(metrics: &'a Exposition, series: &str) -> Option<&'a str> {
    metrics
        .text
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
}

#[tokio::test]
async fn the_prices_of_what_the_fleet_uses_are_the_apis_own_to_the_nano() {
    let (api, exporter) = started().await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;

    let used: BTreeSet<String> = metrics
        .select("scaleway_elastic_metal_server_info", &[("zone", ZONE)])
        .iter()
        .map(|s| s.labels["offer_name"].clone())
        .collect();
    assert!(!used.is_empty());
    let offers = api.simulator.resources(Sim::ElasticMetalOffer, ZONE);
    let mut unused = 0;
    for offer in &offers {
        let name = offer["name"].as_str().unwrap();
        let (family, price) = match offer["price_per_hour"].is_null() {
            false => ("hourly", &offer["price_per_hour"]),
            true => ("monthly", &offer["price_per_month"]),
        };
        let series = format!(
            "scaleway_elastic_metal_offer_{family}_price{{zone=\"{ZONE}\",offer_name=\"{name}\",currency=\"EUR\"}}"
        );
        let want = used.contains(name).then(|| decimal(price));
        unused += usize::from(want.is_none());
        assert_eq!(
            written(&metrics, &series).map(str::to_owned),
            want,
            "{series}"
        );
    }
    assert!(unused > 0, "an offer no server is on has no price series");

    for offer in api.simulator.resources(Sim::DediboxOffer, ZONE) {
        let name = offer["name"].as_str().unwrap();
        let series = format!(
            "scaleway_dedibox_offer_price{{zone=\"{ZONE}\",offer_name=\"{name}\",payment_frequency=\"{}\",currency=\"EUR\"}}",
            offer["payment_frequency"].as_str().unwrap()
        );
        if let Some(value) = written(&metrics, &series) {
            assert_eq!(value, decimal(&offer["pricing"]), "{series}");
        }
    }
    assert!(!metrics
        .select("scaleway_dedibox_offer_price", &[("zone", ZONE)])
        .is_empty());

    let volume_types: BTreeSet<String> = metrics
        .select("scaleway_volume_info", &[("zone", ZONE)])
        .iter()
        .map(|s| s.labels["type"].clone())
        .collect();
    for t in api.simulator.resources(Sim::BlockVolumeType, ZONE) {
        let name = t["type"].as_str().unwrap();
        let series = format!(
            "scaleway_block_volume_type_price_per_gigabyte_hour{{zone=\"{ZONE}\",type=\"{name}\",currency=\"EUR\"}}"
        );
        let want = volume_types.contains(name).then(|| decimal(&t["pricing"]));
        assert_eq!(
            written(&metrics, &series).map(str::to_owned),
            want,
            "{series}"
        );
    }
}

/// The bill is the sum of its rows per (project, category), in nanos, as the API wrote them:
/// no row lost, no cent lost to a float.
#[tokio::test]
async fn the_bill_is_the_exact_sum_of_its_rows_per_project_and_category() {
    let (api, exporter) = started().await;
    exporter.poller.poll_once().await;
    let metrics = exporter.scrape().await;

    let mut sums: BTreeMap<(String, String), i128> = BTreeMap::new();
    for row in api.simulator.resources(Sim::BillingConsumption, "") {
        let value = &row["value"];
        assert_eq!(value["currency_code"], "EUR");
        let nanos = value["units"].as_i64().unwrap() as i128 * 1_000_000_000
            + value["nanos"].as_i64().unwrap() as i128;
        let key = (
            row["project_id"].as_str().unwrap().to_owned(),
            row["category_name"].as_str().unwrap().to_owned(),
        );
        *sums.entry(key).or_default() += nanos;
    }
    assert!(sums.len() > 1, "the simulated bill has rows: {sums:?}");
    let exported = metrics.select("scaleway_billing_consumption_euros", &[]);
    assert_eq!(exported.len(), sums.len(), "{exported:#?}");
    let period = chrono::Utc::now().format("%Y-%m").to_string();
    for sample in exported {
        let key = (
            sample.labels["project_id"].clone(),
            sample.labels["category"].clone(),
        );
        assert_eq!(sample.labels["billing_period"], period);
        assert!(!sample.labels["project_name"].is_empty(), "{sample:?}");
        let series = format!(
            "scaleway_billing_consumption_euros{{project_id=\"{}\",project_name=\"{}\",category=\"{}\",billing_period=\"{period}\"}}",
            key.0,
            escaped(&sample.labels["project_name"]),
            key.1
        );
        assert_eq!(
            written(&metrics, &series),
            Some(decimal_nanos(sums[&key]).as_str()),
            "{series}"
        );
    }
}

/// A key without BillingReadOnly: one line for the run, naming the permission set, and no
/// bill series; prices and servers are whole.
#[tokio::test]
async fn a_key_that_may_not_read_the_bill_gets_one_warn_line_and_no_bill() {
    let (api, exporter) = started().await;
    api.simulator.set_resource_fault(
        Sim::BillingConsumption,
        "",
        Some(ReferenceFault::PermissionDenied),
    );
    let (logs, guard) = CapturedLogs::start();
    for _ in 0..3 {
        exporter.poller.poll_once().await;
    }
    let_time_pass(Duration::from_secs(3601)).await;
    exporter.poller.poll_once().await;
    drop(guard);
    let metrics = exporter.scrape().await;
    assert!(metrics
        .select("scaleway_billing_consumption_euros", &[])
        .is_empty());
    assert_eq!(
        metrics.value(
            "scaleway_exporter_reference_success",
            &[("reference", "billing")]
        ),
        0.0
    );
    assert!(!metrics
        .select("scaleway_elastic_metal_offer_hourly_price", &[])
        .is_empty());
    let warned: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains(" WARN "))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert!(warned[0].contains("BillingReadOnly"), "{}", warned[0]);
}

/// Moves tokio's clock (the one the poller's hour is measured on) past `by`, then lets it run
/// again, so that the next poll's requests over real TCP run on a live clock.
async fn let_time_pass(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

#[tokio::test]
async fn prices_and_the_bill_are_read_again_only_once_the_hour_has_passed() {
    let (api, exporter) = started().await;
    let lists = [
        Sim::ElasticMetalOffer,
        Sim::DediboxOffer,
        Sim::BlockVolumeType,
        Sim::BillingConsumption,
    ];
    let requests = || lists.map(|kind| api.simulator.resource_requests(kind));
    exporter.poller.poll_once().await;
    let first = requests();
    assert_eq!(
        first[..3],
        [2, 1, 1],
        "hourly and monthly offers; one of the rest"
    );
    assert!(first[3] >= 1, "one bill per organization of the fleet");
    exporter.poller.poll_once().await;
    let_time_pass(Duration::from_secs(3500)).await;
    exporter.poller.poll_once().await;
    assert_eq!(requests(), first, "within the hour");
    let_time_pass(Duration::from_secs(101)).await;
    exporter.poller.poll_once().await;
    assert_eq!(requests(), first.map(|n| 2 * n));
}
