//! Properties over generated input: whatever names and tags the API sends, the exposition
//! gives them back exactly; whatever the API says in an error, the key is not in it.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use common::Exposition;
use proptest::prelude::*;
use scaleway_exporter::api::model::ServersPage;
use scaleway_exporter::inventory::{servers_from_api, Snapshot};
use scaleway_exporter::metrics::{render, OwnMetrics};
use scaleway_exporter::product::Product;

/// Text as odd as the API may send: quotes, backslashes, newlines, `=`, `:`, non-ASCII.
fn label_text() -> impl Strategy<Value = String> {
    prop::string::string_regex(r#"[a-zA-Z0-9 ="':\\\n\t{},éß漢😀-]{0,24}"#).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn names_and_tags_come_back_from_the_exposition_exactly(
        name in label_text(),
        tags in prop::collection::vec(label_text(), 0..5),
    ) {
        let page: ServersPage = serde_json::from_value(serde_json::json!({
            "servers": [{"id": "s1", "name": name, "state": "running", "tags": tags}]
        })).unwrap();
        let snapshot = Snapshot::default().with_poll(
            Product::Instance,
            "fr-par-1",
            Ok(servers_from_api(page.servers, &[]).into()),
            SystemTime::UNIX_EPOCH,
            Duration::ZERO,
        );
        let (text, _) = render(&snapshot, &OwnMetrics::new());
        let exposition = Exposition::parse(&text);
        let info = exposition.select("scaleway_server_info", &[("server_id", "s1")]);
        prop_assert_eq!(info.len(), 1);
        prop_assert_eq!(&info[0].labels["name"], &name);
        let exported: BTreeSet<String> = exposition
            .select("scaleway_server_tag_info", &[("server_id", "s1")])
            .iter()
            .map(|s| s.labels["tag"].clone())
            .collect();
        prop_assert_eq!(exported, tags.into_iter().collect::<BTreeSet<_>>());
    }
}
