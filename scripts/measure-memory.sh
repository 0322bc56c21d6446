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
# Loopback only; ports SIM_PORT (18060) and EXPORTER_PORT (18059).
set -euo pipefail
per_zone=${1:?servers per zone}
binary=${BINARY:-${CARGO_TARGET_DIR:-target}/release/scaleway_exporter}
[ -x "$binary" ] || { echo "no $binary: run cargo build --release --locked first" >&2; exit 2; }
sim_port=${SIM_PORT:-18060}
exporter_port=${EXPORTER_PORT:-18059}
duration=${DURATION:-45}
base="http://127.0.0.1:$exporter_port"
work=$(mktemp -d)
export SCW_SECRET_KEY=measure-memory-key

"$binary" simulate --listen-address "127.0.0.1:$sim_port" --zones fr-par-1,nl-ams-1 \
  --servers-per-zone "$per_zone" --log.level warn &
sim=$!
"$binary" --scaleway.api-url "http://127.0.0.1:$sim_port" --scaleway.zone fr-par-1 \
  --scaleway.zone nl-ams-1 --poll.interval 10s --poll.timeout 10s \
  --web.listen-address "127.0.0.1:$exporter_port" --log.level warn &
exporter=$!
trap 'kill $exporter $sim 2>/dev/null; rm -rf "$work"' EXIT

memory() { grep -E '^(VmHWM|VmRSS)' "/proc/$exporter/status" | tr -s ' \t\n' ' '; }

for _ in $(seq 1 300); do
  curl -sf -o /dev/null "$base/readyz" && break
  sleep 0.2
done
echo "after the first poll: $(memory)"
end=$((SECONDS + duration))
while [ $SECONDS -lt $end ]; do
  curl -sf -o "$work/metrics.txt" "$base/metrics"
  curl -sf -o "$work/metrics.gz" -H 'Accept-Encoding: gzip' "$base/metrics"
  if [ -z "${METRICS_ONLY:-}" ]; then
    curl -sf -o "$work/page.html" "$base/"
    curl -sf -o "$work/inventory.json" "$base/inventory.json"
  fi
  sleep 1
done
echo "servers=$((2 * per_zone)) series=$(grep -vc '^#' "$work/metrics.txt")" \
  "metrics_bytes=$(stat -c %s "$work/metrics.txt") gzip_bytes=$(stat -c %s "$work/metrics.gz")" \
  "inventory_json_bytes=$(stat -c %s "$work/inventory.json" 2>/dev/null || echo -)"
echo "after ${duration}s: $(memory)"
grep -E '^(process_cpu_seconds_total|scaleway_exporter_poll_duration_seconds)' "$work/metrics.txt"
