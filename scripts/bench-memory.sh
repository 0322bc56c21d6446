#!/usr/bin/env bash
# Peak memory of two exporter binaries side by side, in one run, under the load of
# docs/performance.md#memory-under-load: one zone of N servers polled every 5 s (every 60 s
# from 100,000 servers on), 16 clients scraping /metrics with gzip for at least three polls,
# then 4 clients scraping it plain.
#
#   BEFORE=/path/to/old/scaleway_exporter scripts/bench-memory.sh [N ...]
#
# N defaults to 10000 50000 100000. AFTER defaults to this tree's release binary (built if
# needed); BEFORE defaults to AFTER (one binary measured). DURATION overrides the gzip
# load's length (default: three poll intervals, at least 20 s). Needs Debian's wrk. Every
# process binds a loopback port 0 and says in its log which one it got; every wait is
# bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000 100000)
command -v wrk >/dev/null || die "missing: wrk (Debian package)"
after=${AFTER:-$(release_binary)}
before=${BEFORE:-$after}
scratch
# Shaped as a Scaleway secret key (a UUID): the exporter refuses any other.
key=3e3c0de0-0000-4000-8000-000000003e3c

# wrk's requests/s and failed requests (errors + non-2xx) against URL with CONNECTIONS for
# DURATION, gzip or not.
load() { # url connections duration gzip(0|1)
  local header=()
  [ "$4" = 1 ] && header=(-H 'Accept-Encoding: gzip')
  wrk -t2 -c"$2" -d"$3" --timeout 120s "${header[@]}" "$1" | python3 -c '
import re, sys
out = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(f"{rps:.1f} {errors + (int(non2xx.group(1)) if non2xx else 0)}")'
}

# One binary against the simulator at SIM: prints its row of the table.
measure() { # label binary servers sim interval
  local label=$1 exe=$2 n=$3 sim=$4 interval=$5 dir="$work/$1-$3"
  mkdir -p "$dir"
  SCW_SECRET_KEY=$key SCW_API_URL="http://$sim" SCW_EXPORTER_ZONES=fr-par-1 \
    SCW_EXPORTER_PRODUCTS=instance SCW_EXPORTER_POLL_INTERVAL="${interval}s" \
    SCW_EXPORTER_POLL_TIMEOUT="${interval}s" SCW_EXPORTER_RATE_LIMIT=1000 \
    SCW_EXPORTER_LISTEN_ADDRESS=127.0.0.1:0 SCW_EXPORTER_LOG_LEVEL=info \
    "$exe" 2>"$dir/exporter.log" &
  local pid=$!
  pids+=($pid)
  local exp
  exp=$(logged_address "$dir/exporter.log" "exporter starting" 60 $pid)
  wait_http "http://$exp/readyz" 600
  curl -fs --max-time 300 "http://$exp/metrics" >"$dir/metrics"
  curl -fs --max-time 300 -H 'Accept-Encoding: gzip' "http://$exp/metrics" >"$dir/metrics.gz"
  local duration=${DURATION:-$((interval * 3 > 20 ? interval * 3 : 20))s}
  read -r gzip_rps gzip_failed < <(load "http://$exp/metrics" 16 "$duration" 1)
  read -r plain_rps plain_failed < <(load "http://$exp/metrics" 4 10s 0)
  local hwm rss poll
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  poll=$(curl -fs --max-time 300 "http://$exp/metrics" |
    awk '/^scaleway_exporter_poll_duration_seconds\{/ {print $2}' | head -n 1)
  local raw_bytes gz_bytes
  raw_bytes=$(stat -c %s "$dir/metrics")
  gz_bytes=$(stat -c %s "$dir/metrics.gz")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  python3 - "$label" "$n" "$interval" "$raw_bytes" "$gz_bytes" "$hwm" "$rss" "$gzip_rps" \
    "$plain_rps" "$poll" "$((gzip_failed + plain_failed))" <<'PY'
import sys
label, n, interval, raw, gz, hwm, rss, grps, prps, poll, failed = sys.argv[1:]
raw_mb, gz_mb = int(raw) / 1e6, int(gz) / 1e6
# /proc gives kB (KiB); every figure here is in MB (10^6 bytes), as the bodies' sizes.
peak_mb, rss_mb = int(hwm) * 1024 / 1e6, int(rss) * 1024 / 1e6
print(f"| {n} | {label} | {interval} s | {raw_mb:.1f} | {gz_mb:.2f} | {peak_mb:.1f} | "
      f"{peak_mb / raw_mb:.2f} | {rss_mb:.1f} | {float(grps):.1f} | {float(prps):.2f} | "
      f"{float(poll):.2f} | {failed} |")
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "before: $before"
echo "after:  $after"
echo
rows=()
for n in "${sizes[@]}"; do
  interval=5
  [ "$n" -lt 100000 ] || interval=60
  SCW_SECRET_KEY=$key SCW_EXPORTER_LOG_LEVEL=info "$after" simulate --zones fr-par-1 \
    --servers-per-zone "$n" --listen-address 127.0.0.1:0 2>"$work/sim-$n.log" &
  sim_pid=$!
  pids+=($sim_pid)
  sim=$(logged_address "$work/sim-$n.log" "simulator listening" 600 $sim_pid)
  rows+=("$(measure before "$before" "$n" "$sim" "$interval")")
  rows+=("$(measure after "$after" "$n" "$sim" "$interval")")
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
done
echo "| servers | binary | poll every | body MB | gzip MB | peak RSS MB | peak / body | RSS at end MB | gzip scrapes/s (16) | plain scrapes/s (4) | poll s | failed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
