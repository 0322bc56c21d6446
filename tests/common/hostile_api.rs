//! An API that answers anything at all: a status, headers and a body written byte for byte
//! over a local socket, lengths that lie and bodies that never end included. The property
//! test of `tests/behaviour/properties.rs` and the fuzz target `fuzz/fuzz_targets/api_answer.rs` (which
//! includes this file) serve it to the real client under a short deadline.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use scaleway_exporter::api::{ApiFlavor, Client};
use scaleway_exporter::product::Product;
use scaleway_exporter::{SecretKey, TokenSource};

/// What the API answers to every request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// Written as given, in order: a name may repeat, a value need not be text.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// After the body, keep the connection open and silent instead of closing it: a body
    /// that never ends (chunked, or shorter than its `Content-Length`).
    pub hang: bool,
}

/// The headers that bear on what the client does, for generators to pick names from.
pub const HEADER_NAMES: &[&str] = &[
    "Retry-After",
    "X-Total-Count",
    "Link",
    "Content-Length",
    "Content-Encoding",
    "Content-Type",
    "Transfer-Encoding",
];

impl Answer {
    /// The response as it goes on the wire.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} X\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        if !self.hang {
            out.extend_from_slice(b"Connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

/// A loopback server giving `answer` to every request until dropped.
pub struct HostileApi {
    pub url: String,
    stop: Arc<AtomicBool>,
}

impl HostileApi {
    pub fn start(answer: Answer) -> HostileApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        listener.set_nonblocking(true).expect("non-blocking");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let wire = Arc::new(answer.bytes());
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (wire, stopped) = (wire.clone(), stopped.clone());
                        std::thread::spawn(move || {
                            answer_one(stream, &wire, answer.hang, &stopped)
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        HostileApi { url, stop }
    }
}

impl Drop for HostileApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads the request's head (enough of it), writes the answer, then closes or hangs.
fn answer_one(mut stream: TcpStream, wire: &[u8], hang: bool, stopped: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    if stream.write_all(wire).is_err() {
        return;
    }
    while hang && !stopped.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A client of `url` with a small body cap, as a real one but quicker to reach.
pub fn client(url: &str) -> Client {
    let key = SecretKey::new("c0a9c0de-0000-4000-8000-00000000c0a9", "hostile").expect("a key");
    let limits = scaleway_exporter::api::Limits {
        max_body_size: 256 * 1024,
        requests_per_second: 1_000.0,
    };
    Client::new(url, ApiFlavor::Instance, TokenSource::fixed(key))
        .expect("a client")
        .with_limits(&limits)
}

/// Polls `product`'s zone of the API at `url` under a deadline `within` from now, with the
/// exporter's own poll of one target; returns how long it took. Panics are the caller's to
/// see: this does not catch them.
pub async fn poll(url: &str, product: Product, within: Duration) -> Duration {
    let client = client(url);
    let started = tokio::time::Instant::now();
    let deadline = started + within;
    let _ = scaleway_exporter::poller::poll_target(&client, product, "fr-par-1", deadline).await;
    started.elapsed()
}
