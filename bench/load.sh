#!/usr/bin/env bash
# Load benchmark: 256 concurrent scrapers of /metrics for 30 seconds while the simulator
# changes a server's state every 100 ms and the exporter polls it every second. Prints the
# figures; fails if a single request failed or a body was not one whole poll.
#
#   bench/load.sh [SCRAPERS] [SECONDS] [SERVERS_PER_ZONE]
#
# Loopback only. Builds in release mode first.
set -euo pipefail
cd "$(dirname "$0")/.."
scrapers="${1:-256}"
seconds="${2:-30}"
servers="${3:-200}"
zones="fr-par-1,nl-ams-1,pl-waw-1"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --quiet --bin scaleway_exporter --example load
bin="$target/release/scaleway_exporter"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api_port="$(free_port)"
exporter_port="$(free_port)"
export SCW_SECRET_KEY="bench-$RANDOM-key"

"$bin" simulate --listen-address "127.0.0.1:$api_port" --zones "$zones" \
  --servers-per-zone "$servers" --churn-interval 100ms --log.level warn &
simulator=$!
"$bin" --scaleway.api-url "http://127.0.0.1:$api_port" --scaleway.zone "$zones" \
  --poll.interval 1s --poll.timeout 1s --scaleway.rate-limit 100 \
  --web.listen-address "127.0.0.1:$exporter_port" --log.level warn &
exporter=$!
trap 'kill "$simulator" "$exporter" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  if curl -fs "http://127.0.0.1:$exporter_port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
echo "fleet               $servers servers in each of $zones, one state change every 100 ms"
cpu_seconds() { awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / tck }' "/proc/$1/stat"; }
echo "exporter            polls every 1 s; rss $(ps -o rss= -p "$exporter") KiB, cpu $(cpu_seconds "$exporter") s before"
"$target/release/examples/load" "http://127.0.0.1:$exporter_port/metrics" "$scrapers" "$seconds"
echo "exporter            rss $(ps -o rss= -p "$exporter") KiB, cpu $(cpu_seconds "$exporter") s after"
