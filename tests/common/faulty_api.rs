//! A fake Scaleway API on a raw TCP listener that misbehaves on demand, zone by zone.
//!
//! The simulator speaks the API as it should; this fake is for the faults no real part
//! shows on request: a reset in the middle of a body, a response that never comes, a body
//! cut short, a proxy's HTML page, a total that lies, pages that never end. It writes HTTP/1.1
//! by hand (one request per connection, `Connection: close`) so that every byte on the wire
//! is the test's choice.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::os::fd::AsRawFd as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// What the fake answers for a zone's servers list instead of its servers.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A status with a body, as the real API or a proxy writes it.
    Status {
        status: u16,
        content_type: Option<&'static str>,
        body: String,
        retry_after: Option<&'static str>,
    },
    /// A 200 whose body is complete on the wire but is not the servers list.
    Body {
        content_type: &'static str,
        body: String,
    },
    /// Reads the request, then never answers.
    Hang,
    /// Announces a body, sends part of it, then resets the connection.
    ResetMidBody,
    /// A complete HTTP response whose JSON stops half-way.
    TruncatedJson,
    /// A 200 of `bytes` bytes; with `chunked`, without a `Content-Length`.
    Oversized { bytes: usize, chunked: bool },
    /// The zone's servers, but `X-Total-Count` says `total`.
    TotalCount(u64),
    /// Every page is full of new servers and the total says a billion.
    EndlessPages,
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Received {
    pub zone: String,
    pub path: String,
    pub page: usize,
    pub at: Instant,
}

#[derive(Default)]
struct State {
    servers: HashMap<String, Vec<Value>>,
    faults: HashMap<String, Fault>,
    /// Answers that fail only the next `n` requests of a zone, then the zone is healthy.
    transient: HashMap<String, (Fault, usize)>,
    delay: Duration,
    received: Vec<Received>,
    in_flight: HashMap<String, usize>,
    max_in_flight: HashMap<String, usize>,
}

pub struct FaultyApi {
    pub url: String,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    /// The listener and the task that accepts on it, while listening.
    listening: Mutex<Option<(Arc<TcpListener>, JoinHandle<()>)>>,
    /// While not listening: a socket bound to the port and not listening, so connections
    /// are refused and the port goes to no one else (a closed port could).
    reserved: Mutex<Option<TcpSocket>>,
}

/// A server object with the fields the exporter reads.
pub fn server(id: &str, state: &str) -> Value {
    json!({"id": id, "name": format!("srv-{id}"), "state": state, "volumes": {}, "tags": [],
           "commercial_type": "DEV1-S", "creation_date": "2024-01-02T03:04:05.000000+00:00"})
}

impl FaultyApi {
    pub async fn start() -> FaultyApi {
        let listener = port_socket(SocketAddr::from(([127, 0, 0, 1], 0)))
            .listen(128)
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let api = FaultyApi {
            url: format!("http://{addr}"),
            addr,
            state: Arc::new(Mutex::new(State::default())),
            listening: Mutex::new(None),
            reserved: Mutex::new(None),
        };
        api.accept_on(listener);
        api
    }

    fn accept_on(&self, listener: TcpListener) {
        let listener = Arc::new(listener);
        let accept = tokio::spawn(accept_loop(listener.clone(), self.state.clone()));
        *self.listening.lock().unwrap() = Some((listener, accept));
    }

    pub fn set_servers(&self, zone: &str, servers: Vec<Value>) {
        self.state
            .lock()
            .unwrap()
            .servers
            .insert(zone.to_owned(), servers);
    }

    /// Every request of `zone` gets `fault` until [`FaultyApi::heal`].
    pub fn set_fault(&self, zone: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .insert(zone.to_owned(), fault);
    }

    /// The next `times` requests of `zone` get `fault`, the ones after are answered well.
    pub fn fail_next(&self, zone: &str, fault: Fault, times: usize) {
        self.state
            .lock()
            .unwrap()
            .transient
            .insert(zone.to_owned(), (fault, times));
    }

    pub fn heal(&self, zone: &str) {
        let mut state = self.state.lock().unwrap();
        state.faults.remove(zone);
        state.transient.remove(zone);
    }

    /// Every answer waits this long first.
    pub fn set_delay(&self, delay: Duration) {
        self.state.lock().unwrap().delay = delay;
    }

    pub fn received(&self, zone: &str) -> Vec<Received> {
        let state = self.state.lock().unwrap();
        state
            .received
            .iter()
            .filter(|r| r.zone == zone)
            .cloned()
            .collect()
    }

    pub fn all_received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The most requests of `zone` ever answered at the same time.
    pub fn max_in_flight(&self, zone: &str) -> usize {
        let state = self.state.lock().unwrap();
        state.max_in_flight.get(zone).copied().unwrap_or(0)
    }

    /// Stops listening, at once: connections are refused until [`FaultyApi::listen_again`].
    /// The port stays this API's meanwhile.
    pub fn stop_listening(&self) {
        let Some((listener, accept)) = self.listening.lock().unwrap().take() else {
            return;
        };
        // Another socket on the port first (both allow SO_REUSEPORT), never listening.
        *self.reserved.lock().unwrap() = Some(port_socket(self.addr));
        // The listener stops listening now, not when the aborted task is next polled:
        // `shutdown` of a listening socket refuses what waits in its backlog, and what comes.
        // SAFETY: shutdown of a descriptor that `listener` keeps open.
        let done = unsafe { libc::shutdown(listener.as_raw_fd(), libc::SHUT_RD) };
        assert_eq!(done, 0, "shutdown: {}", std::io::Error::last_os_error());
        accept.abort();
    }

    /// Listens again on the same port.
    pub async fn listen_again(&self) {
        let reserved = self.reserved.lock().unwrap().take();
        if let Some(socket) = reserved {
            self.accept_on(socket.listen(128).unwrap());
        }
    }
}

impl Drop for FaultyApi {
    fn drop(&mut self) {
        if let Some((_, accept)) = self.listening.lock().unwrap().take() {
            accept.abort();
        }
    }
}

/// A loopback TCP socket bound to `addr` that lets a second one bind the same port.
fn port_socket(addr: SocketAddr) -> TcpSocket {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseport(true).unwrap();
    socket.bind(addr).unwrap();
    socket
}

async fn accept_loop(listener: Arc<TcpListener>, state: Arc<Mutex<State>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(answer(stream, state.clone()));
    }
}

/// `/instance/v1/zones/{zone}/servers?page=N` or `/block/v1/zones/{zone}/volumes?page=N`.
fn parse_target(target: &str) -> (String, String, usize) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let zone = path
        .split('/')
        .skip_while(|part| *part != "zones")
        .nth(1)
        .unwrap_or("")
        .to_owned();
    let page = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    (zone, path.to_owned(), page)
}

async fn answer(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let target = text.split(' ').nth(1).unwrap_or("/").to_owned();
    let (zone, path, page) = parse_target(&target);
    if let Some(body) = reference_body(&path) {
        let _ = stream.write_all(&json_response(body, Some(0))).await;
        return;
    }
    let (fault, servers, delay) = {
        let mut state = state.lock().unwrap();
        state.received.push(Received {
            zone: zone.clone(),
            path: path.clone(),
            page,
            at: Instant::now(),
        });
        let in_flight = state.in_flight.entry(zone.clone()).or_default();
        *in_flight += 1;
        let now = *in_flight;
        let max = state.max_in_flight.entry(zone.clone()).or_default();
        *max = (*max).max(now);
        let mut fault = state.faults.get(&zone).cloned();
        if let Some((transient, left)) = state.transient.get_mut(&zone) {
            if *left > 0 {
                *left -= 1;
                fault = Some(transient.clone());
            }
        }
        let servers = state.servers.get(&zone).cloned().unwrap_or_default();
        (fault, servers, state.delay)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let _ = respond(&mut stream, page, fault, servers).await;
    *state.lock().unwrap().in_flight.entry(zone).or_default() -= 1;
}

/// What the zones hold beside their servers, and the reference data: empty here, and
/// neither faulty, delayed nor recorded, since this API is about the servers lists.
fn reference_body(path: &str) -> Option<&'static str> {
    let lists: [(&str, &str); 9] = [
        ("/products/servers", r#"{"servers": {}}"#),
        ("/account/v3/projects", r#"{"total_count":0,"projects":[]}"#),
        ("/volumes", r#"{"total_count":0,"volumes":[]}"#),
        ("/ips", r#"{"ips": []}"#),
        ("/snapshots", r#"{"total_count":0,"snapshots":[]}"#),
        ("/fips", r#"{"total_count":0,"flexible_ips":[]}"#),
        ("/offers", r#"{"total_count":0,"offers":[]}"#),
        ("/volume-types", r#"{"total_count":0,"volume_types":[]}"#),
        ("/consumptions", r#"{"total_count":0,"consumptions":[]}"#),
    ];
    lists
        .iter()
        .find(|(end, _)| path.ends_with(end))
        .map(|(_, body)| *body)
}

fn head(status: u16, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn json_response(body: &str, total: Option<u64>) -> Vec<u8> {
    let mut headers = vec![
        ("Content-Type", "application/json".to_owned()),
        ("Content-Length", body.len().to_string()),
    ];
    if let Some(total) = total {
        headers.push(("X-Total-Count", total.to_string()));
    }
    let mut out = head(200, &headers);
    out.extend_from_slice(body.as_bytes());
    out
}

fn page_of(servers: &[Value], page: usize) -> Vec<Value> {
    servers
        .iter()
        .skip((page.max(1) - 1) * 100)
        .take(100)
        .cloned()
        .collect()
}

async fn respond(
    stream: &mut TcpStream,
    page: usize,
    fault: Option<Fault>,
    servers: Vec<Value>,
) -> std::io::Result<()> {
    let total = servers.len() as u64;
    let Some(fault) = fault else {
        let body = json!({ "servers": page_of(&servers, page) }).to_string();
        return stream.write_all(&json_response(&body, Some(total))).await;
    };
    match fault {
        Fault::Status {
            status,
            content_type,
            body,
            retry_after,
        } => {
            let mut headers = vec![("Content-Length", body.len().to_string())];
            if let Some(content_type) = content_type {
                headers.push(("Content-Type", content_type.to_owned()));
            }
            if let Some(retry_after) = retry_after {
                headers.push(("Retry-After", retry_after.to_owned()));
            }
            let mut out = head(status, &headers);
            out.extend_from_slice(body.as_bytes());
            stream.write_all(&out).await
        }
        Fault::Body { content_type, body } => {
            let mut out = head(
                200,
                &[
                    ("Content-Type", content_type.to_owned()),
                    ("Content-Length", body.len().to_string()),
                ],
            );
            out.extend_from_slice(body.as_bytes());
            stream.write_all(&out).await
        }
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Fault::ResetMidBody => {
            let body = json!({ "servers": page_of(&servers, page) }).to_string();
            let mut out = head(
                200,
                &[
                    ("Content-Type", "application/json".to_owned()),
                    ("Content-Length", (body.len() + 10_000).to_string()),
                ],
            );
            out.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
            stream.write_all(&out).await?;
            stream.flush().await?;
            // Give the client time to read the part sent, then reset rather than close.
            tokio::time::sleep(Duration::from_millis(50)).await;
            stream.set_zero_linger()?;
            Ok(())
        }
        Fault::TruncatedJson => {
            let body = json!({ "servers": page_of(&servers, page) }).to_string();
            let cut = &body[..body.len() / 2];
            stream.write_all(&json_response(cut, Some(total))).await
        }
        Fault::Oversized { bytes, chunked } => {
            let filler = format!(
                "{{\"servers\": [], \"padding\": \"{}\"}}",
                "x".repeat(bytes)
            );
            if chunked {
                let mut out = head(
                    200,
                    &[
                        ("Content-Type", "application/json".to_owned()),
                        ("Transfer-Encoding", "chunked".to_owned()),
                    ],
                );
                for chunk in filler.as_bytes().chunks(8192) {
                    out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    out.extend_from_slice(chunk);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"0\r\n\r\n");
                stream.write_all(&out).await
            } else {
                stream.write_all(&json_response(&filler, None)).await
            }
        }
        Fault::TotalCount(lie) => {
            let body = json!({ "servers": page_of(&servers, page) }).to_string();
            stream.write_all(&json_response(&body, Some(lie))).await
        }
        Fault::EndlessPages => {
            let servers: Vec<Value> = (0..100)
                .map(|i| server(&format!("endless-{page}-{i}"), "running"))
                .collect();
            let body = json!({ "servers": servers }).to_string();
            stream
                .write_all(&json_response(&body, Some(1_000_000_000)))
                .await
        }
    }
}
