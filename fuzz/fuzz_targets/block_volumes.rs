//! A Block Storage volumes page as the API could send it: parsed, then used to size the
//! `sbs_volume`s of a server. Whatever the bytes, nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scaleway_exporter::api::model::{BlockVolumesPage, ServersPage};
use scaleway_exporter::inventory::servers_from_api;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = serde_json::from_slice::<BlockVolumesPage>(data) else {
        return;
    };
    // A server whose sbs volumes take the ids the fuzzer chose, so the sizes are looked up.
    let volumes: serde_json::Map<String, serde_json::Value> = page
        .items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                i.to_string(),
                serde_json::json!({"id": v.id, "volume_type": "sbs_volume"}),
            )
        })
        .collect();
    let listing: ServersPage = serde_json::from_value(serde_json::json!({
        "servers": [{"id": "s1", "state": "running", "volumes": volumes}]
    }))
    .expect("a well-formed server");
    let servers = servers_from_api(listing.servers, &page.items);
    assert_eq!(servers.len(), 1);
});
