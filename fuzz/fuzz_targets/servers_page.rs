//! A servers page as the API could send it: parsed, turned into servers, encoded. Whatever
//! the bytes, nothing panics, and every sample line of the exposition ends with a number
//! (a label value that escaped its quotes would break the line).
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use scaleway_exporter::api::model::ServersPage;
use scaleway_exporter::inventory::{servers_from_api, Snapshot};
use scaleway_exporter::metrics::{render, OwnMetrics};
use scaleway_exporter::product::Product;

fuzz_target!(|data: &[u8]| {
    static OWN: OnceLock<OwnMetrics> = OnceLock::new();
    let Ok(page) = serde_json::from_slice::<ServersPage>(data) else {
        return;
    };
    let servers = servers_from_api(page.servers, &[]);
    let snapshot = Snapshot::default().with_poll(
        Product::Instance,
        "fr-par-1",
        Ok(servers.into()),
        SystemTime::UNIX_EPOCH,
        Duration::ZERO,
    );
    let (text, _) = render(&snapshot, OWN.get_or_init(OwnMetrics::new));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap_or("");
        assert!(
            value.parse::<f64>().is_ok(),
            "a sample line that does not end with its value: {line:?}"
        );
    }
});
