#!/usr/bin/env bash
# Peak memory of the exporter under many clients of its pages, against the same exporter
# under as many scrapers of /metrics: the "no client can sink the process" figure of
# docs/performance.md.
#
#   scripts/bench-pages.sh [SERVERS] [CLIENTS] [SECONDS]    (default: 10000 64 30)
#
# One simulator with SERVERS servers in one zone. For each load, a fresh exporter (its peak
# RSS, VmHWM, is a high-water mark of the process) polls it every 10 s, so polls and their
# encodings happen during the run; once it has polled, wrk runs CLIENTS connections for
# SECONDS against one path. The loads take turns, ROUNDS times (default 2), and the summary
# compares the highest peak of each load with the highest of /metrics alone:
#
#   /metrics                   the reference: the exposition, encoded once per poll
#   /inventory.json            the fleet as JSON, plain (8 MB at 10,000 servers)
#   /inventory.json gzip       the same, Accept-Encoding: gzip
#   /                          the landing page, plain
#   /inventory.json?zone=...   a filtered view, built per request (bounded)
#
# Prints, per run, the peak RSS after the first poll and at the end, requests/s and failed
# requests (errors and non-2xx: a filtered view past its bound is a 503); then the summary,
# and process_cpu_seconds_total as exported beside what /proc says. BINARY overrides the
# binary (default: the release build, built into CARGO_TARGET_DIR, default target). Needs wrk
# and curl. Loopback only, on ports the processes pick themselves; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
servers=${1:-10000}
clients=${2:-64}
seconds=${3:-30}
rounds=${ROUNDS:-2}
command -v wrk >/dev/null || die "needs wrk (Debian package wrk)"
bin=${BINARY:-$(release_binary)}
[ -x "$bin" ] || die "no $bin"
export SCW_SECRET_KEY="bench-$RANDOM-key"
scratch

"$bin" simulate --listen-address 127.0.0.1:0 --zones fr-par-1 \
  --servers-per-zone "$servers" --log.level info 2>"$work/simulator.log" &
pids+=($!)
api=$(logged_address "$work/simulator.log" "simulator listening" 300 "${pids[0]}")

kib() { awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status"; }
mb() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }
cpu_seconds() { awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / tck }' "/proc/$1/stat"; }

echo "binary: $bin"
echo "machine: $(nproc) cores, $(uname -r); $servers servers in one zone, polled every 10 s"
echo "wrk: 2 threads, $clients connections, ${seconds}s per load, $rounds rounds"
echo
printf '%-30s %12s %9s %10s %8s\n' load "RSS poll MB" "peak MB" "req/s" failed
declare -A highest
run() { # label path [header]
  local label=$1 path=$2 header=${3:-} exporter out rps failed after_poll peak
  local log="$work/exporter-${#pids[@]}.log"
  "$bin" --scaleway.api-url "http://$api" --scaleway.zone fr-par-1 \
    --poll.interval 10s --poll.timeout 10s --scaleway.rate-limit 1000 \
    --web.listen-address 127.0.0.1:0 --log.level info 2>"$log" &
  exporter=$!
  pids+=($exporter)
  local address
  address=$(logged_address "$log" "exporter starting" 60 "$exporter")
  wait_http "http://$address/readyz" 300
  after_poll=$(kib "$exporter" VmHWM)
  if [ -n "$header" ]; then
    out=$(wrk -t2 -c"$clients" -d"${seconds}s" --timeout 60s -H "$header" "http://$address$path") ||
      die "wrk failed against $label"
  else
    out=$(wrk -t2 -c"$clients" -d"${seconds}s" --timeout 60s "http://$address$path") ||
      die "wrk failed against $label"
  fi
  kill -0 "$exporter" 2>/dev/null || die "the exporter under $label exited: $(tail -n 2 "$log")"
  peak=$(kib "$exporter" VmHWM)
  rps=$(awk '/Requests\/sec:/ { print $2 }' <<<"$out")
  failed=$(awk '/Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
                /Non-2xx or 3xx responses:/ { n += $5 } END { print n + 0 }' <<<"$out")
  printf '%-30s %12s %9s %10s %8s\n' "$label" "$(mb "$after_poll")" "$(mb "$peak")" "$rps" "$failed"
  if [ "${highest[$label]:-0}" -lt "$peak" ]; then highest[$label]=$peak; fi
  if [ "$path" = /metrics ]; then
    cpu_line="process_cpu_seconds_total $(curl -fs --max-time 60 "http://$address/metrics" |
      awk '$1 == "process_cpu_seconds_total" { print $2 }') as of the last poll; /proc: $(cpu_seconds "$exporter") s now"
  fi
  kill "$exporter"
  wait "$exporter" 2>/dev/null || true
}

labels=("/metrics" "/inventory.json" "/inventory.json gzip" "/" "/inventory.json?zone=fr-par-1")
for round in $(seq 1 "$rounds"); do
  run "/metrics" /metrics
  run "/inventory.json" /inventory.json
  run "/inventory.json gzip" /inventory.json "Accept-Encoding: gzip"
  run "/" /
  run "/inventory.json?zone=fr-par-1" "/inventory.json?zone=fr-par-1"
done
echo
echo "highest peak of $rounds runs, against /metrics alone:"
for label in "${labels[@]}"; do
  printf '%-30s %9s MB  x %s\n' "$label" "$(mb "${highest[$label]}")" \
    "$(awk -v a="${highest[$label]}" -v b="${highest[/metrics]}" 'BEGIN { printf "%.2f", a / b }')"
done
echo
echo "${cpu_line:-}"
