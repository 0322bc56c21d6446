//! A fault of the exporter's own while polling one (product, zone) fails that pair's poll,
//! never the others', and never silences it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::target::tests::panic_in;
use super::Poller;
use crate::api::{ApiFlavor, Client};
use crate::metrics::OwnMetrics;
use crate::product::{Product, ProductZone};
use crate::{SecretKey, TokenSource};

/// A zone whose name no other unit test uses, so that the switch touches no other test.
const ZONE: &str = "xx-panic-1";

async fn api() -> MockServer {
    let api = MockServer::start().await;
    let instance = r#"{"servers":[{"id":"i-1","name":"web","state":"running"}]}"#;
    Mock::given(path(format!("/instance/v1/zones/{ZONE}/servers")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(instance, "application/json"))
        .mount(&api)
        .await;
    let metal = r#"{"total_count":1,"servers":[{"id":"em-1","name":"metal","status":"ready"}]}"#;
    Mock::given(path(format!("/baremetal/v1/zones/{ZONE}/servers")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(metal, "application/json"))
        .mount(&api)
        .await;
    api
}

fn poller(url: &str) -> Poller {
    let key = SecretKey::new("c0a9c0de-0000-4000-8000-00000000c0a9", "test").unwrap();
    let client = Client::new(url, ApiFlavor::Instance, TokenSource::fixed(key)).unwrap();
    let products = [Product::Instance, Product::ElasticMetal];
    Poller::new(
        client,
        products.map(|p| ProductZone::new(p, ZONE)).to_vec(),
        products.to_vec(),
        Duration::from_secs(5),
        OwnMetrics::new(),
    )
}

/// The log lines written while `poll` runs, on this thread.
async fn logged<F: std::future::Future>(poll: F) -> String {
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    poll.await;
    drop(guard);
    let text = lines.0.lock().unwrap().clone();
    String::from_utf8(text).unwrap()
}

#[tokio::test]
async fn a_panic_while_polling_a_product_fails_its_zone_and_spares_the_others() {
    let api = api().await;
    let poller = poller(&api.uri());
    let first = poller.poll_once().await;
    let succeeded_at = |published: &crate::published::Published, product| {
        published.snapshot.zone(product, ZONE).unwrap().last_success
    };
    let metal_success = succeeded_at(&first, Product::ElasticMetal);
    assert!(metal_success.is_some());

    panic_in(&[(Product::ElasticMetal, ZONE)]);
    let (lines, second) = {
        let mut published = None;
        let lines = logged(async { published = Some(poller.poll_once().await) }).await;
        (lines, published.unwrap())
    };
    panic_in(&[]);
    let metal = second.snapshot.zone(Product::ElasticMetal, ZONE).unwrap();
    let error = metal.last_error().expect("a failed poll").to_string();
    assert!(
        error.starts_with("internal error: a test asked for a panic while polling elastic-metal"),
        "{error}"
    );
    assert_eq!(metal.server_count(), 1, "its last good servers are kept");
    assert_eq!(metal.last_success, metal_success, "last_success unchanged");
    let instance = second.snapshot.zone(Product::Instance, ZONE).unwrap();
    assert!(instance.last_poll_succeeded(), "the other product goes on");
    assert!(
        second.snapshot.all_polled(),
        "/readyz counts the pair as polled"
    );
    let text = second.exposition.text();
    let success =
        format!("scaleway_exporter_poll_success{{product=\"elastic-metal\",zone=\"{ZONE}\"}} 0\n");
    assert!(text.contains(&success), "{text}");
    assert!(
        text.contains("server_id=\"em-1\""),
        "the server's series stay"
    );
    let warned: Vec<&str> = lines
        .lines()
        .filter(|l| l.contains("internal error"))
        .collect();
    assert_eq!(warned.len(), 1, "{lines}");
    assert!(warned[0].contains("kept_servers=1"), "{}", warned[0]);

    let third = poller.poll_once().await;
    let metal = third.snapshot.zone(Product::ElasticMetal, ZONE).unwrap();
    assert!(metal.last_poll_succeeded(), "the next poll tries again");
}
