//! Test helpers: the simulator and the exporter on port-0 listeners, scrapes over real HTTP,
//! and a small reader of the exposition text for assertions. `child_log` reads the address
//! of a child process that bound port 0 itself from its log.
#![allow(dead_code)] // each test binary uses a part of this module

pub mod child_log;
pub mod faulty_api;
pub mod files;
pub mod hostile_api;
pub mod markdown;
pub mod monitoring;
pub mod pki;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use scaleway_exporter::config::ExporterConfigBuilder;
use scaleway_exporter::exporter::{serve_router, Exporter};
use scaleway_exporter::poller::Poller;
use scaleway_exporter::product::Product;
use scaleway_exporter::Shutdown;
use scaleway_exporter::{ExporterConfig, SecretKey, TokenSource};
use scaleway_simulator::{Mix, Simulator, SimulatorConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// A fake Scaleway API on a loopback port; it stops when dropped.
pub struct TestApi {
    pub simulator: Simulator,
    pub url: String,
    _stop: watch::Sender<bool>,
}

pub async fn start_simulator(config: SimulatorConfig) -> TestApi {
    serve_simulator(Simulator::new(config)).await
}

/// Serves `simulator` (one built with [`Simulator::new_at`], say) on a loopback port.
pub async fn serve_simulator(simulator: Simulator) -> TestApi {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, shutdown) = Shutdown::new();
    tokio::spawn(simulator.clone().serve(listener, shutdown.wait()));
    TestApi {
        simulator,
        url,
        _stop: stop,
    }
}

impl TestApi {
    /// Sends a server action (`poweroff`, `poweron`...) through the API, as a user of the
    /// Scaleway console or CLI would, and asserts the API accepted it.
    pub async fn act(&self, zone: &str, id: &str, action: &str) {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/instance/v1/zones/{zone}/servers/{id}/action",
                self.url
            ))
            .header("X-Auth-Token", self.simulator.token())
            .header("Content-Type", "application/json")
            .body(serde_json::json!({ "action": action }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            202,
            "{action} {id}: {}",
            response.text().await.unwrap()
        );
    }

    /// Moves the simulator's clock one transition on: every action sent so far, and every
    /// server generated starting or stopping, has reached its target state.
    pub fn finish_transitions(&self) {
        self.simulator
            .advance_clock(self.simulator.config().transition);
    }
}

/// How long the simulator's `starting`, `stopping` and `terminating` last in tests: longer
/// than any test runs, so no server ever settles by the wall clock, however loaded the
/// machine. A test ends the transitions in flight with [`TestApi::finish_transitions`].
pub const TRANSITION: Duration = Duration::from_secs(3600);

/// The API secret key of every test that needs one: shaped as a Scaleway secret key (a
/// UUID), since the exporter refuses any other at start.
pub const TEST_KEY: &str = "7e57c0de-5ec2-4e7a-8b1e-000000000001";

/// A key of the right shape that the simulator does not accept.
pub const WRONG_KEY: &str = "7e57c0de-5ec2-4e7a-8b1e-00000000bad0";

pub fn simulator_config(zones: &[&str], servers_per_zone: usize) -> SimulatorConfig {
    SimulatorConfig {
        zones: zones.iter().map(|z| (*z).to_owned()).collect(),
        servers_per_zone,
        seed: 7,
        token: TEST_KEY.to_owned(),
        transition: TRANSITION,
        products: Default::default(),
        mix: Mix::Varied,
    }
}

/// The configuration of a test's exporter: the Instances of `zones` of the API at `api_url`,
/// polled only when the test says (an hour's interval), through the same checks as the
/// command line. A test of other products names them with `.products(...)`.
pub fn exporter_config(api_url: &str, zones: &[&str], token: &str) -> ExporterConfig {
    exporter_config_builder(api_url, zones, token)
        .build()
        .expect("a valid test configuration")
}

/// [`exporter_config`] before its checks, for a test that changes a setting.
pub fn exporter_config_builder(
    api_url: &str,
    zones: &[&str],
    token: &str,
) -> ExporterConfigBuilder {
    exporter_config_with_token(
        api_url,
        zones,
        TokenSource::fixed(SecretKey::new(token, "test").unwrap()),
    )
}

/// [`exporter_config_builder`] with the key from `token` (a key file, say).
pub fn exporter_config_with_token(
    api_url: &str,
    zones: &[&str],
    token: TokenSource,
) -> ExporterConfigBuilder {
    ExporterConfig::builder(api_url, token)
        .zones(zones.iter().copied())
        .products([Product::Instance])
        .poll_interval(Duration::from_secs(3600))
        .poll_timeout(Duration::from_secs(5))
        .listen_address("127.0.0.1:0")
}

/// An exporter serving on a loopback port, with no schedule: the test calls
/// `poller.poll_once()` when it wants a poll. It stops when dropped.
pub struct TestExporter {
    pub url: String,
    pub poller: Arc<Poller>,
    _stop: watch::Sender<bool>,
}

pub async fn start_exporter(config: &ExporterConfig) -> TestExporter {
    let exporter = Exporter::new(config).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, shutdown) = Shutdown::new();
    tokio::spawn(serve_router(listener, exporter.router, shutdown.wait()));
    TestExporter {
        url,
        poller: exporter.poller,
        _stop: stop,
    }
}

impl TestExporter {
    pub async fn scrape(&self) -> Exposition {
        Exposition::parse(&get_text(&format!("{}/metrics", self.url)).await)
    }
}

pub async fn get_text(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    response.text().await.unwrap()
}

/// One series of an exposition: its name, labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// The samples of an exposition, read back from the text format.
#[derive(Debug, Clone)]
pub struct Exposition {
    pub text: String,
    pub samples: Vec<Sample>,
}

impl Exposition {
    pub fn parse(text: &str) -> Exposition {
        let samples = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .map(|line| parse_sample(line).unwrap_or_else(|| panic!("unreadable line: {line}")))
            .collect();
        Exposition {
            text: text.to_owned(),
            samples,
        }
    }

    /// The samples of `name` whose labels include every pair of `with`.
    pub fn select(&self, name: &str, with: &[(&str, &str)]) -> Vec<&Sample> {
        self.samples
            .iter()
            .filter(|s| s.name == name)
            .filter(|s| {
                with.iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .collect()
    }

    /// The value of the one sample of `name` with `with`; panics when there is not exactly one.
    pub fn value(&self, name: &str, with: &[(&str, &str)]) -> f64 {
        let found = self.select(name, with);
        assert_eq!(found.len(), 1, "{name} {with:?}: {found:?}");
        found[0].value
    }

    /// The current `state` label of a server (the state series whose value is 1).
    pub fn state_of(&self, zone: &str, server_id: &str) -> Option<String> {
        let states: Vec<&Sample> = self
            .select(
                "scaleway_server_state",
                &[("zone", zone), ("server_id", server_id)],
            )
            .into_iter()
            .filter(|s| s.value == 1.0)
            .collect();
        assert!(states.len() <= 1, "more than one current state: {states:?}");
        states.first().map(|s| s.labels["state"].clone())
    }

    pub fn server_ids(&self, zone: &str) -> Vec<String> {
        self.select("scaleway_server_info", &[("zone", zone)])
            .iter()
            .map(|s| s.labels["server_id"].clone())
            .collect()
    }
}

fn parse_sample(line: &str) -> Option<Sample> {
    let (name, rest) = match line.find('{') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => {
            let (name, value) = line.split_once(' ')?;
            return Some(Sample {
                name: name.to_owned(),
                labels: BTreeMap::new(),
                value: value.trim().parse().ok()?,
            });
        }
    };
    let mut labels = BTreeMap::new();
    let mut chars = rest.char_indices().peekable();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        if c == '}' {
            end = Some(i);
            break;
        }
        if c == ',' {
            continue;
        }
        let mut key = String::from(c);
        for (_, c) in chars.by_ref() {
            if c == '=' {
                break;
            }
            key.push(c);
        }
        if chars.next()?.1 != '"' {
            return None;
        }
        let mut value = String::new();
        loop {
            let (_, c) = chars.next()?;
            match c {
                '"' => break,
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                c => value.push(c),
            }
        }
        labels.insert(key, value);
    }
    let value = rest[end? + 1..].trim().parse().ok()?;
    Some(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// The log lines written on this thread while the guard lives, as plain text at debug level
/// (or the level asked for). Tests run on tokio's current-thread runtime, so the exporter's
/// tasks log here too.
///
/// One subscriber serves the whole test binary, installed by the first capture, and writes
/// each event to the capture of the thread it happens on, if any. A subscriber per test
/// (`tracing::subscriber::set_default`) loses events when tests run in parallel in one
/// binary: each one's start and end rebuilds the callsites' cached interest while other
/// threads log, and a callsite can be left disabled for a live capture.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<std::sync::Mutex<Vec<u8>>>);

thread_local! {
    /// This thread's capture and its level, while a [`CaptureGuard`] lives.
    static CAPTURE: std::cell::RefCell<Option<(CapturedLogs, tracing::Level)>> =
        const { std::cell::RefCell::new(None) };
}

/// Ends the capture of its thread when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

/// The capture of this thread, when it takes events of `metadata`'s level.
fn capture_for(metadata: &tracing::Metadata<'_>) -> Option<CapturedLogs> {
    CAPTURE.with(|capture| {
        let capture = capture.borrow();
        let (logs, level) = capture.as_ref()?;
        (metadata.level() <= level).then(|| logs.clone())
    })
}

impl CapturedLogs {
    pub fn start() -> (CapturedLogs, CaptureGuard) {
        Self::start_at(tracing::Level::DEBUG)
    }

    pub fn start_at(level: tracing::Level) -> (CapturedLogs, CaptureGuard) {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            use tracing_subscriber::layer::SubscriberExt;
            use tracing_subscriber::Layer;
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(ThreadCapture)
                // Asked at every event: which thread captures changes from test to test.
                .with_filter(tracing_subscriber::filter::dynamic_filter_fn(
                    |metadata, _| capture_for(metadata).is_some(),
                ));
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
                .expect("no other subscriber in the tests");
        });
        let logs = CapturedLogs::default();
        CAPTURE.with(|capture| *capture.borrow_mut() = Some((logs.clone(), level)));
        (logs, CaptureGuard(()))
    }

    pub fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// Writes an event to the capture of the thread it happens on (none: nowhere).
struct ThreadCapture;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadCapture {
    type Writer = Box<dyn std::io::Write + 'a>;
    fn make_writer(&'a self) -> Self::Writer {
        Box::new(std::io::sink())
    }
    fn make_writer_for(&'a self, metadata: &tracing::Metadata<'_>) -> Self::Writer {
        match capture_for(metadata) {
            Some(logs) => Box::new(logs),
            None => Box::new(std::io::sink()),
        }
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
