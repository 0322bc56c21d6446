#!/usr/bin/env bash
# Peak memory of the exporter against the built-in simulator: the figures of docs/scaling.md
# and of the Kubernetes manifest's resources.
#
#   cargo build --release --locked
#   scripts/measure-memory.sh 500     # servers per zone, two zones: 1,000 servers
#   scripts/measure-memory.sh 5000    # 10,000 servers
#   METRICS_ONLY=1 scripts/measure-memory.sh 5000   # without fetching / and /inventory.json
#
# Polls every 10 s; fetches /metrics (plain and gzip), / and /inventory.json about once a
# second for DURATION seconds (45); then prints VmHWM (peak RSS) and VmRSS of the exporter.
# Loopback only, on ports the simulator and the exporter pick themselves. Every wait is
# bounded. BINARY overrides the binary (default: $CARGO_TARGET_DIR/release/scaleway_exporter,
# CARGO_TARGET_DIR defaulting to target).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
per_zone=${1:?servers per zone}
binary=${BINARY:-$target_dir/release/scaleway_exporter}
[ -x "$binary" ] || { echo "no $binary: run cargo build --release --locked first" >&2; exit 2; }
duration=${DURATION:-45}
work=$(mktemp -d)
# Shaped as a Scaleway secret key (a UUID): the exporter refuses any other.
export SCW_SECRET_KEY=3e3c0de0-0000-4000-8000-000000003e3c

# Info level: the start lines name the ports they got.
"$binary" simulate --listen-address 127.0.0.1:0 --zones fr-par-1,nl-ams-1 \
  --servers-per-zone "$per_zone" --log.level info 2>"$work/simulator.log" &
sim=$!
trap 'kill "$sim" "${exporter:-}" 2>/dev/null; rm -rf "$work"' EXIT
api=$(logged_address "$work/simulator.log" "simulator listening" 300 "$sim")
"$binary" --scaleway.api-url "http://$api" --scaleway.zone fr-par-1 \
  --scaleway.zone nl-ams-1 --poll.interval 10s --poll.timeout 10s \
  --web.listen-address 127.0.0.1:0 --log.level info 2>"$work/exporter.log" &
exporter=$!
base="http://$(logged_address "$work/exporter.log" "exporter starting" 60 "$exporter")"

memory() { grep -E '^(VmHWM|VmRSS)' "/proc/$exporter/status" | tr -s ' \t\n' ' '; }

wait_http "$base/readyz" 300
echo "after the first poll: $(memory)"
end=$((SECONDS + duration))
while [ $SECONDS -lt $end ]; do
  curl -sf --max-time 60 -o "$work/metrics.txt" "$base/metrics"
  curl -sf --max-time 60 -o "$work/metrics.gz" -H 'Accept-Encoding: gzip' "$base/metrics"
  if [ -z "${METRICS_ONLY:-}" ]; then
    curl -sf --max-time 60 -o "$work/page.html" "$base/"
    curl -sf --max-time 60 -o "$work/inventory.json" "$base/inventory.json"
  fi
  sleep 1
done
echo "servers=$((2 * per_zone)) series=$(grep -vc '^#' "$work/metrics.txt")" \
  "metrics_bytes=$(stat -c %s "$work/metrics.txt") gzip_bytes=$(stat -c %s "$work/metrics.gz")" \
  "inventory_json_bytes=$(stat -c %s "$work/inventory.json" 2>/dev/null || echo -)"
echo "after ${duration}s: $(memory)"
grep -E '^(process_cpu_seconds_total|scaleway_exporter_poll_duration_seconds)' "$work/metrics.txt"
