//! A whole answer of the API, as a gateway, a proxy or a broken API could send it: status,
//! headers (`Retry-After`, `X-Total-Count`, `Link`, `Content-Length`, `Content-Encoding`,
//! `Content-Type`, ...) and body, written byte for byte over a local socket to the real
//! client polling a zone under a short deadline. Whatever the bytes, nothing panics, and the
//! poll ends within its deadline and a small margin.
#![no_main]

#[path = "../../tests/common/hostile_api.rs"]
mod hostile_api;

use std::sync::OnceLock;
use std::time::Duration;

use hostile_api::{Answer, HostileApi, HEADER_NAMES};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use scaleway_exporter::product::Product;

const DEADLINE: Duration = Duration::from_millis(200);
const MARGIN: Duration = Duration::from_secs(1);

/// An answer drawn from the fuzzer's bytes: a status, up to eight headers named among those
/// the client reads (or any name), values of any bytes but line breaks, and the rest as body.
fn answer(mut u: Unstructured<'_>) -> Result<Answer> {
    let status = u.int_in_range(100..=599)?;
    let mut headers = Vec::new();
    for _ in 0..u.int_in_range(0..=8)? {
        let name = if u.ratio(7, 8)? {
            (*u.choose(HEADER_NAMES)?).to_owned()
        } else {
            let name: String = u.arbitrary()?;
            name.chars().filter(char::is_ascii_alphanumeric).collect()
        };
        let value: Vec<u8> = u.arbitrary()?;
        let value = value
            .into_iter()
            .filter(|b| *b != b'\r' && *b != b'\n')
            .collect();
        if !name.is_empty() {
            headers.push((name, value));
        }
    }
    let hang = u.ratio(1, 8)?;
    let body = u.take_rest().to_vec();
    Ok(Answer {
        status,
        headers,
        body,
        hang,
    })
}

fuzz_target!(|data: &[u8]| {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    });
    let Ok(answer) = answer(Unstructured::new(data)) else {
        return;
    };
    let api = HostileApi::start(answer);
    for product in [Product::Instance, Product::ElasticMetal] {
        let took = runtime.block_on(hostile_api::poll(&api.url, product, DEADLINE));
        assert!(
            took < DEADLINE + MARGIN,
            "{product}: the poll took {took:?}"
        );
    }
});
