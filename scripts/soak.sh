#!/usr/bin/env bash
# The soak with faults of docs/reliability.md: the exporter polls the simulator for MINUTES
# while, at every poll, a random fault holds a random (product, zone) (`simulate
# --chaos-interval`, every kind the simulator knows), 16 scrapers read /metrics (gzip) and 4
# read /inventory.json without pause, and a checker scrapes every few seconds. At the end it
# prints the figures and exits 1 when a criterion fails:
#   - no panic: neither the panic hook's "internal error (a panic" nor "panicked at" in the
#     exporter's log (nor "panicked at" in the simulator's);
#   - no absent series: every checker scrape answers 200 with a scaleway_exporter_poll_success
#     series for every (product, zone) the simulator holds;
#   - no growth: RSS over the last minute within 10% of RSS over the fifth minute (the median
#     of the samples of each; for runs under 15 minutes, the minute before a third of the run);
#   - recovery: the pair of every fault that ended has a successful poll within two poll
#     intervals of the end (its scaleway_exporter_last_success_timestamp_seconds, read by the
#     checker); a fault ending less than two intervals and a checker period before the end is
#     not judged.
#
#   scripts/soak.sh [MINUTES]         (default 30; MINUTES=2 scripts/soak.sh for a short run)
#
# Environment: MINUTES, POLL_INTERVAL (seconds, default 15: the chaos interval too),
# POLL_TIMEOUT (seconds, default 10), PHASE (how far into each fault the polls fall, as a
# fraction of the interval: 0.25 by default, so that a poll's deadline comes before its fault
# ends and every fault is met whole by one poll; 0.5 ends hangs and endless pages in the
# middle of a poll), SEED (default 1), CHECK_EVERY (seconds, default 2),
# KEEP=1 to keep the work folder (logs, samples), INSTALL=1 to apt-get install wrk,
# CARGO_TARGET_DIR (default target). All traffic is on loopback; the simulator and the
# exporter bind port 0 and say in their logs which port they got. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

minutes=${1:-${MINUTES:-30}}
interval=${POLL_INTERVAL:-15}
timeout=${POLL_TIMEOUT:-10}
phase=${PHASE:-0.25}
seed=${SEED:-1}
check_every=${CHECK_EVERY:-2}
[[ $minutes =~ ^[0-9]+$ && $minutes -ge 1 ]] || die "MINUTES must be a whole number of minutes, at least 1: $minutes"
if ! command -v wrk >/dev/null; then
  [ "${INSTALL:-0}" = 1 ] || die "missing: wrk (a Debian package; run with INSTALL=1 to install it)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

exe=$(release_binary)
scratch

# A realistic account: 380 servers in 14 (product, zone) pairs, every product in every zone
# it serves among these, and one server changing state every 5 s.
zones=fr-par-1,fr-par-2,fr-par-3,nl-ams-1,pl-waw-2
key=50a4c0de-0000-4000-8000-0000000050a4
SCW_SECRET_KEY=$key "$exe" simulate --listen-address 127.0.0.1:0 --zones "$zones" \
  --servers-per-zone 60 --elastic-metal-servers-per-zone 10 --apple-silicon-servers-per-zone 5 \
  --dedibox-servers-per-zone 10 --churn-interval 5s --chaos-interval "${interval}s" \
  --seed "$seed" --log.level info 2>"$work/simulator.log" &
sim_pid=$!; pids+=($sim_pid)
api=$(logged_address "$work/simulator.log" "simulator listening" 120 $sim_pid)

# The exporter starts PHASE of an interval after the chaos ticker, so that each poll falls
# inside one fault rather than on a change of fault.
sleep "$(python3 -c "print($interval * $phase)")"
SCW_SECRET_KEY=$key "$exe" --scaleway.api-url "http://$api" --scaleway.zone "$zones" \
  --poll.interval "${interval}s" --poll.timeout "${timeout}s" \
  --web.listen-address 127.0.0.1:0 --log.level info 2>"$work/exporter.log" &
exporter_pid=$!; pids+=($exporter_pid)
started=$(date +%s.%N)
base="http://$(logged_address "$work/exporter.log" "exporter starting" 60 $exporter_pid)"
wait_http "$base/readyz" 120
end=$(python3 -c "print($started + $minutes * 60)")
seconds_left=$(python3 -c "import time; print(max(1, int($end - time.time())))")

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "soak: ${minutes} min, poll interval ${interval}s (a new fault each, polls $phase of an interval into it), poll timeout ${timeout}s, seed $seed, 16 + 4 scrapers, a check every ${check_every}s"

# The scrapers: as fast as they are answered, for the whole run.
wrk -t2 -c16 -d"${seconds_left}s" --timeout 60s --latency -H 'Accept-Encoding: gzip' "$base/metrics" \
  >"$work/wrk-metrics.txt" 2>&1 &
pids+=($!); wrk_metrics=$!
wrk -t1 -c4 -d"${seconds_left}s" --timeout 60s --latency "$base/inventory.json" \
  >"$work/wrk-inventory.txt" 2>&1 &
pids+=($!); wrk_inventory=$!

# RSS every 5 s: seconds since the exporter started, VmRSS and VmHWM in kB.
(
  while kill -0 "$exporter_pid" 2>/dev/null; do
    now=$(date +%s.%N)
    awk -v t="$(python3 -c "print(round($now - $started, 1))")" \
      '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {print t, r, h}' "/proc/$exporter_pid/status"
    sleep 5
  done
) >"$work/rss.txt" 2>/dev/null &
pids+=($!)

# The checker: one plain scrape every CHECK_EVERY seconds until the end, one JSON line each.
python3 - "$base/metrics" "$end" "$check_every" >"$work/checks.jsonl" <<'PY' &
import json, re, sys, time, urllib.request
url, end, every = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
series = re.compile(r'^(scaleway_exporter_poll_success|scaleway_exporter_last_success_timestamp_seconds)\{([^}]*)\} (\S+)', re.M)
info = re.compile(r'^scaleway_(|elastic_metal_|apple_silicon_|dedibox_)server_info\{[^}]*zone="([^"]*)"', re.M)
label = re.compile(r'(\w+)="([^"]*)"')
while time.time() < end:
    at = time.time()
    record = {"at": at, "status": 0, "success": {}, "last_success": {}, "servers": {}}
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            record["status"] = response.status
            text = response.read().decode()
        for name, labels, value in series.findall(text):
            l = dict(label.findall(labels))
            key = f'{l.get("product")}/{l.get("zone")}'
            field = "success" if name.endswith("poll_success") else "last_success"
            record[field][key] = float(value)
        for prefix, zone in info.findall(text):
            key = f'{(prefix.rstrip("_") or "instance").replace("_", "-")}/{zone}'
            record["servers"][key] = record["servers"].get(key, 0) + 1
    except Exception as e:
        record["error"] = str(e)
    print(json.dumps(record), flush=True)
    time.sleep(max(0.0, every - (time.time() - at)))
PY
checker=$!; pids+=($checker)

wait "$checker" "$wrk_metrics" "$wrk_inventory" || true
sleep 1
cp "/proc/$exporter_pid/status" "$work/status-at-end.txt" 2>/dev/null || true
curl -fs --max-time 30 -o "$work/metrics-at-end.txt" "$base/metrics" || true
kill -0 "$exporter_pid" 2>/dev/null || die "the exporter exited during the soak: $(tail -n 3 "$work/exporter.log")"
kill "$exporter_pid" "$sim_pid" 2>/dev/null || true
wait "$exporter_pid" "$sim_pid" 2>/dev/null || true

python3 scripts/soak-report.py "$work" "$started" "$minutes" "$interval" "$timeout" "$check_every"
