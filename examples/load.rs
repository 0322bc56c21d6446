//! Load generator of `scripts/bench-load.sh`: N concurrent scrapers of one `/metrics` URL for a
//! while; prints figures. Every response is checked to be a complete exposition taken from
//! one snapshot:
//!
//! - status 200, and the body ends with a complete last line;
//! - every server has seven `scaleway_server_state` series and exactly one of them at 1
//!   (two polls mixed would show a server twice or in two states);
//! - two responses with the same request counters (the same poll) are the same bytes.
//!
//! Usage: `load URL CONCURRENCY SECONDS`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    inconsistent: u64,
    bytes: u64,
    latencies_us: Vec<u64>,
    /// Request counters of a poll -> hash of the body served for it.
    generations: HashMap<String, u64>,
    first_failure: Option<String>,
}

fn check(body: &str) -> Result<String, String> {
    if !body.ends_with('\n') {
        return Err("the body does not end with a newline".into());
    }
    let mut states: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut generation = String::new();
    for line in body.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap_or("");
        if value.parse::<f64>().is_err() {
            return Err(format!("a line without a value: {line:?}"));
        }
        if line.starts_with("scaleway_server_state{") {
            let id = line
                .split("server_id=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .ok_or("a state series without server_id")?;
            let entry = states.entry(id).or_default();
            entry.0 += 1;
            if value == "1" {
                entry.1 += 1;
            }
        } else if line.starts_with("scaleway_exporter_api_requests_total{") {
            generation.push_str(line);
            generation.push('\n');
        }
    }
    if states.is_empty() {
        return Err("no server in the exposition".into());
    }
    if let Some((id, counts)) = states.iter().find(|(_, c)| **c != (7, 1)) {
        return Err(format!(
            "server {id}: {} state series, {} at 1",
            counts.0, counts.1
        ));
    }
    Ok(generation)
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, concurrency, seconds) = match args.as_slice() {
        [_, url, concurrency, seconds] => (
            url.clone(),
            concurrency.parse::<usize>().expect("CONCURRENCY"),
            seconds.parse::<u64>().expect("SECONDS"),
        ),
        _ => {
            eprintln!("usage: load URL CONCURRENCY SECONDS");
            std::process::exit(2);
        }
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut scrapers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, tally) = (client.clone(), url.clone(), tally.clone());
        scrapers.push(tokio::spawn(async move {
            while Instant::now() < until {
                let sent = Instant::now();
                let outcome = match client.get(&url).send().await {
                    Ok(response) if response.status() == 200 => {
                        response.text().await.map_err(|e| format!("body: {e}"))
                    }
                    Ok(response) => Err(format!("status {}", response.status())),
                    Err(e) => Err(format!("request: {e}")),
                };
                let latency = sent.elapsed().as_micros() as u64;
                let checked = outcome.map(|body| (check(&body), hash(&body), body.len()));
                let mut tally = tally.lock().unwrap();
                tally.latencies_us.push(latency);
                match checked {
                    Err(error) => {
                        tally.failed += 1;
                        tally.first_failure.get_or_insert(error);
                    }
                    Ok((Err(error), _, _)) => {
                        tally.inconsistent += 1;
                        tally.first_failure.get_or_insert(error);
                    }
                    Ok((Ok(generation), body_hash, len)) => {
                        tally.ok += 1;
                        tally.bytes += len as u64;
                        let seen = *tally.generations.entry(generation).or_insert(body_hash);
                        if seen != body_hash {
                            tally.inconsistent += 1;
                            tally
                                .first_failure
                                .get_or_insert("two bodies for the same poll".into());
                        }
                    }
                }
            }
        }));
    }
    for scraper in scrapers {
        scraper.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut tally = tally.lock().unwrap();
    tally.latencies_us.sort_unstable();
    let percentile = |p: f64| {
        let lat = &tally.latencies_us;
        if lat.is_empty() {
            return 0.0;
        }
        lat[((lat.len() - 1) as f64 * p) as usize] as f64 / 1000.0
    };
    let total = tally.ok + tally.failed + tally.inconsistent;
    println!("scrapers            {concurrency}");
    println!("duration            {elapsed:.1} s");
    println!("requests            {total}");
    println!("  complete, one poll {}", tally.ok);
    println!("  failed            {}", tally.failed);
    println!("  inconsistent      {}", tally.inconsistent);
    println!(
        "throughput          {:.0} req/s, {:.1} MiB/s",
        total as f64 / elapsed,
        tally.bytes as f64 / elapsed / 1048576.0
    );
    println!(
        "latency ms          p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        percentile(0.5),
        percentile(0.9),
        percentile(0.99),
        percentile(1.0)
    );
    println!("polls seen          {}", tally.generations.len());
    if let Some(failure) = &tally.first_failure {
        println!("first problem       {failure}");
    }
    if tally.failed + tally.inconsistent > 0 {
        std::process::exit(1);
    }
}
