//! How long a refused basic-auth check takes for a known user with a wrong password and for
//! an unknown user, at bcrypt cost 10: the two should not be told apart.
//!
//! `cargo run --release --example auth_timing [ROUNDS]`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use scaleway_exporter::web::BasicAuth;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(30);
    let hash = bcrypt::hash("correct horse", 10).unwrap();
    let auth = BasicAuth::new(
        &BTreeMap::from([("prometheus".to_owned(), hash)]),
        &mut Vec::new(),
    );
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    // Interleaved, each password new, so that neither the cache nor drift favours one side.
    for round in 0..rounds {
        let password = format!("guess-{round}");
        let started = Instant::now();
        assert!(!auth.check("prometheus", &password).await);
        known.push(started.elapsed());
        let started = Instant::now();
        assert!(!auth.check(&format!("user-{round}"), &password).await);
        unknown.push(started.elapsed());
    }
    let (known, unknown) = (median(known), median(unknown));
    println!("rounds                         {rounds}");
    println!("known user, wrong password     median {known:?}");
    println!("unknown user                   median {unknown:?}");
    println!(
        "difference                     {:.1}%",
        (unknown.as_secs_f64() - known.as_secs_f64()).abs() / known.as_secs_f64() * 100.0
    );
}
