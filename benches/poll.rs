//! What one poll costs, against the floor of reading the same bytes with serde_json.
//!
//! `cargo bench --bench poll -- 1000 10000 50000` starts `scaleway_exporter simulate` with
//! one zone of N servers, fetches its pages once, then measures in this process:
//!
//! - the floor: serde_json parsing the page bodies into `serde_json::Value`, and into
//!   `IgnoredAny` (validation only, nothing kept);
//! - the exporter's own steps: parsing into its model, rebuilding the snapshot, encoding
//!   the exposition, gzipping it;
//! - one full `poll_once` (HTTP, every page, Block volumes, rebuild, encode, gzip), as CPU
//!   time of this process (getrusage), the simulator being another process.
//!
//! Every figure is the median of several runs; ratios are taken within the one run.

use scaleway_exporter::product::Product;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scaleway_exporter::api::model::{BlockVolumesPage, ServersPage};
use scaleway_exporter::exporter::Exporter;
use scaleway_exporter::inventory::{servers_from_api, Snapshot};
use scaleway_exporter::metrics::{self, OwnMetrics};
use scaleway_exporter::{ExporterConfig, SecretKey, TokenSource};

/// Shaped as a Scaleway secret key (a UUID): the exporter refuses any other.
const TOKEN: &str = "be7c4000-0000-4000-8000-00000000be7c";
const RUNS: usize = 7;

#[allow(dead_code)] // the bench uses a part of it
#[path = "../tests/common/child_log.rs"]
mod child_log;

use child_log::{logged_address, ChildLog, KillOnDrop};

/// `scaleway_exporter simulate` on a port it picks itself and names in its start line (a
/// port picked here and handed over could be taken by another process first).
fn start_simulator(runtime: &tokio::runtime::Runtime, servers: usize) -> (KillOnDrop, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scaleway_exporter"))
        .args([
            "simulate",
            "--zones",
            "fr-par-1",
            "--listen-address",
            "127.0.0.1:0",
        ])
        .args(["--servers-per-zone", &servers.to_string()])
        .env("SCW_SECRET_KEY", TOKEN)
        .env("SCW_EXPORTER_LOG_LEVEL", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the simulator starts");
    let mut log = ChildLog::read(child.stderr.take().unwrap());
    let simulator = KillOnDrop(child);
    // A fleet of 50,000 servers takes a while to build.
    let line = runtime.block_on(log.wait_for("simulator listening", Duration::from_secs(120)));
    let address = logged_address(&line).expect("the start line names the address");
    (simulator, format!("http://{address}"))
}

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the struct we give it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// Median wall time of `f` over RUNS runs, in seconds.
fn time<T>(mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

async fn fetch_pages(url: &str, path: &str, size_param: &str) -> Vec<bytes::Bytes> {
    let client = reqwest::Client::new();
    let mut pages = Vec::new();
    for page in 1.. {
        let body = client
            .get(format!("{url}{path}?page={page}&{size_param}=100"))
            .header("X-Auth-Token", TOKEN)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let count =
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()[if path.contains("block") {
                "volumes"
            } else {
                "servers"
            }]
            .as_array()
            .unwrap()
            .len();
        pages.push(body);
        if count < 100 {
            break;
        }
    }
    pages
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "| servers | JSON MB | Value parse ms | IgnoredAny ms | model parse ms | rebuild ms | encode ms | gzip ms | poll CPU ms | poll wall ms | poll CPU / Value parse | poll CPU / IgnoredAny | body MB | gzip MB | series |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for servers in sizes {
        let (_simulator, url) = start_simulator(&runtime, servers);
        let (server_pages, block_pages) = runtime.block_on(async {
            (
                fetch_pages(&url, "/instance/v1/zones/fr-par-1/servers", "per_page").await,
                fetch_pages(&url, "/block/v1/zones/fr-par-1/volumes", "page_size").await,
            )
        });
        let all_pages: Vec<&bytes::Bytes> = server_pages.iter().chain(&block_pages).collect();
        let json_bytes: usize = all_pages.iter().map(|p| p.len()).sum();

        let value_parse = time(|| {
            for page in &all_pages {
                std::hint::black_box(serde_json::from_slice::<serde_json::Value>(page).unwrap());
            }
        });
        let ignored_parse = time(|| {
            for page in &all_pages {
                serde_json::from_slice::<serde::de::IgnoredAny>(page).unwrap();
            }
        });
        let parse_model = || {
            let servers: Vec<_> = server_pages
                .iter()
                .flat_map(|p| serde_json::from_slice::<ServersPage>(p).unwrap().servers)
                .collect();
            let volumes: Vec<_> = block_pages
                .iter()
                .flat_map(|p| serde_json::from_slice::<BlockVolumesPage>(p).unwrap().items)
                .collect();
            (servers, volumes)
        };
        let model_parse = time(parse_model);
        let (listing, volumes) = parse_model();
        let rebuild = median(
            (0..RUNS)
                .map(|_| {
                    let listing = listing.clone();
                    let start = Instant::now();
                    std::hint::black_box(servers_from_api(listing, &volumes));
                    start.elapsed().as_secs_f64()
                })
                .collect(),
        );
        let snapshot = Snapshot::default().with_poll(
            Product::Instance,
            "fr-par-1",
            Ok(servers_from_api(listing.clone(), &volumes).into()),
            std::time::SystemTime::now(),
            Duration::ZERO,
        );
        let own = OwnMetrics::new();
        let encode = time(|| metrics::render(&snapshot, &own));
        let (text, series) = metrics::render(&snapshot, &own);
        let gzip = time(|| metrics::exposition(&snapshot, &own, None)) - encode;
        let exposition = metrics::exposition(&snapshot, &own, None);

        let config = ExporterConfig::builder(
            url.clone(),
            TokenSource::fixed(SecretKey::new(TOKEN, "bench").unwrap()),
        )
        .zones(["fr-par-1"])
        .poll_interval(Duration::from_secs(3600))
        .poll_timeout(Duration::from_secs(120))
        .listen_address("127.0.0.1:0")
        // The bench measures what a poll costs, not the client-side pacing of requests.
        .rate_limit(1e6)
        .build()
        .unwrap();
        let exporter = runtime.block_on(async { Exporter::new(&config).unwrap() });
        let mut cpu = Vec::new();
        let mut wall = Vec::new();
        for _ in 0..RUNS {
            let (start_cpu, start) = (cpu_seconds(), Instant::now());
            let published = runtime.block_on(exporter.poller.poll_once());
            assert!(published
                .snapshot
                .zone(Product::Instance, "fr-par-1")
                .unwrap()
                .last_poll_succeeded());
            assert_eq!(published.snapshot.server_count(), servers);
            cpu.push(cpu_seconds() - start_cpu);
            wall.push(start.elapsed().as_secs_f64());
        }
        let (poll_cpu, poll_wall) = (median(cpu), median(wall));
        let ms = |s: f64| format!("{:.1}", s * 1e3);
        println!(
            "| {servers} | {:.1} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.1} | {:.2} | {series} |",
            json_bytes as f64 / 1e6,
            ms(value_parse),
            ms(ignored_parse),
            ms(model_parse),
            ms(rebuild),
            ms(encode),
            ms(gzip),
            ms(poll_cpu),
            ms(poll_wall),
            poll_cpu / value_parse,
            poll_cpu / ignored_parse,
            text.len() as f64 / 1e6,
            exposition.gzip.len() as f64 / 1e6,
        );
    }
}
