//! Properties over generated input: whatever names and tags the API sends, the exposition
//! gives them back exactly; whatever the API says in an error, the key is not in it.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use scaleway_exporter::api::model::ServersPage;
use scaleway_exporter::inventory::{servers_from_api, Snapshot};
use scaleway_exporter::metrics::{render, OwnMetrics};
use scaleway_exporter::product::Product;

/// Text as odd as the API may send: quotes, backslashes, newlines, `=`, `:`, non-ASCII.
use crate::common::{hostile_api, Exposition};

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

/// A value a header of a hostile or broken API may carry: numbers past any clock or count,
/// dates far away, names the client may act on, and bytes that are not text.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(vec![
            "18446744073709551615",
            "18446744073709551616",
            "-1",
            "0",
            "1",
            "100",
            "1000000000000",
            "99999999999999999999999999",
            "Wed, 21 Oct 9999 07:28:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "gzip",
            "br",
            "chunked",
            "application/json",
            "text/html",
            "<https://api.example/x?page=2>; rel=\"next\"",
            "",
        ])
        .prop_map(|v| v.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..24).prop_map(|v| v
            .into_iter()
            .filter(|b| *b != b'\r' && *b != b'\n')
            .collect()),
    ]
}

/// A body: a page that reads, one that announces more than it holds, JSON of another shape,
/// or bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let full_page = {
        let servers: Vec<String> = (0..100)
            .map(|i| format!(r#"{{"id":"s{i}","state":"running"}}"#))
            .collect();
        format!(
            r#"{{"total_count":1000000000000,"servers":[{}]}}"#,
            servers.join(",")
        )
    };
    prop_oneof![
        prop::sample::select(vec![
            r#"{"servers":[]}"#.to_owned(),
            r#"{"total_count":18446744073709551615,"servers":[{"id":"a"}]}"#.to_owned(),
            full_page,
            r#"{"servers":{"id":"a"}}"#.to_owned(),
            r#"{"type":"rate_limited","message":"slow down"}"#.to_owned(),
            "<html>maintenance</html>".to_owned(),
        ])
        .prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..512),
    ]
}

fn answer() -> impl Strategy<Value = hostile_api::Answer> {
    let status = prop_oneof![
        prop::sample::select(vec![
            200u16, 200, 204, 301, 400, 401, 403, 404, 429, 500, 501, 503
        ]),
        100u16..600,
    ];
    let header = (
        prop::sample::select(hostile_api::HEADER_NAMES),
        header_value(),
    )
        .prop_map(|(name, value)| (name.to_owned(), value));
    (
        status,
        prop::collection::vec(header, 0..6),
        body(),
        any::<bool>(),
    )
        .prop_map(|(status, headers, body, hang)| hostile_api::Answer {
            status,
            headers,
            body,
            hang,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Whatever the API answers (status, `Retry-After`, `X-Total-Count`, `Link`, lengths,
    /// encodings and bodies included), polling it never panics and ends within the poll's
    /// deadline and a small margin. A longer run is the fuzz target `api_answer`.
    #[test]
    fn whatever_the_api_answers_a_poll_ends_within_its_deadline_without_panicking(
        answer in answer(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let api = hostile_api::HostileApi::start(answer);
        let deadline = Duration::from_millis(300);
        for product in [Product::Instance, Product::ElasticMetal] {
            let took = runtime.block_on(hostile_api::poll(&api.url, product, deadline));
            prop_assert!(took < deadline + Duration::from_secs(1), "{product}: {took:?}");
        }
    }
}
