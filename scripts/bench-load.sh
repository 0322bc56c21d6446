#!/usr/bin/env bash
# Load benchmark: 256 concurrent scrapers of /metrics for 30 seconds while the simulator
# changes a server's state every 100 ms and the exporter polls it every second. Prints the
# figures; fails if a single request failed or a body was not one whole poll.
#
#   scripts/bench-load.sh [SCRAPERS] [SECONDS] [SERVERS_PER_ZONE]
#
# Loopback only, on ports the simulator and the exporter pick themselves. Builds in release
# mode first (into CARGO_TARGET_DIR, default target). Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
scrapers="${1:-256}"
seconds="${2:-30}"
servers="${3:-200}"
zones="fr-par-1,nl-ams-1,pl-waw-1"

bin=$(release_binary)
cargo build --release --locked --quiet --example load || die "cargo build --example load failed"
load="$target_dir/release/examples/load"
[ -x "$load" ] || die "no $load after cargo build --release --example load"
# Shaped as a Scaleway secret key (a UUID): the exporter refuses any other.
export SCW_SECRET_KEY="be7c4000-0000-4000-8000-$(printf %012x "$RANDOM")"
work=$(mktemp -d)

# Info level: the start lines name the ports they got.
"$bin" simulate --listen-address 127.0.0.1:0 --zones "$zones" \
  --servers-per-zone "$servers" --churn-interval 100ms --log.level info 2>"$work/simulator.log" &
simulator=$!
trap 'kill "$simulator" "${exporter:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
api=$(logged_address "$work/simulator.log" "simulator listening" 60 "$simulator")
"$bin" --scaleway.api-url "http://$api" --scaleway.zone "$zones" \
  --poll.interval 1s --poll.timeout 1s --scaleway.rate-limit 100 \
  --web.listen-address 127.0.0.1:0 --log.level info 2>"$work/exporter.log" &
exporter=$!
address=$(logged_address "$work/exporter.log" "exporter starting" 60 "$exporter")
wait_http "http://$address/readyz" 60

echo "fleet               $servers servers in each of $zones, one state change every 100 ms"
cpu_seconds() { awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / tck }' "/proc/$1/stat"; }
echo "exporter            polls every 1 s; rss $(ps -o rss= -p "$exporter") KiB, cpu $(cpu_seconds "$exporter") s before"
"$load" "http://$address/metrics" "$scrapers" "$seconds"
echo "exporter            rss $(ps -o rss= -p "$exporter") KiB, cpu $(cpu_seconds "$exporter") s after"
