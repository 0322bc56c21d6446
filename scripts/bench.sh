#!/usr/bin/env bash
# The scrape benchmark of docs/performance.md: the exporter against nginx serving the same
# gzip bytes and node_exporter's textfile collector serving the same series, plus the
# exporter's peak memory and the CPU of one poll against serde_json's parse of the pages.
#
#   scripts/bench.sh [N ...]       (default: 1000 10000 50000 servers in one zone)
#
# Environment: DURATION (per wrk run, default 10s), CONNECTIONS (default 8),
# ROUNDS (A B A B alternations, default 2), INSTALL=1 to apt-get install the tools,
# CARGO_TARGET_DIR (default target). Needs Rust and Debian's nginx, wrk and
# prometheus-node-exporter. All traffic is on loopback; every process but nginx binds port 0
# and says in its log which port it got. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
rounds=${ROUNDS:-2}

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
command -v prometheus-node-exporter >/dev/null || need+=(prometheus-node-exporter)
if [ ${#need[@]} -gt 0 ]; then
  if [ "${INSTALL:-0}" = 1 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    die "missing: ${need[*]} (Debian packages; run with INSTALL=1 to install them)"
  fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

exe=$(release_binary)
scratch
chmod 755 "$work" # nginx workers run as another user when started as root

# wrk's figures: requests/s, p50 ms, p99 ms, failed requests (errors + non-2xx).
run_wrk() { # url [duration]
  local out
  out=$(wrk -t2 -c"$connections" -d"${2:-$duration}" --timeout 120s --latency -H 'Accept-Encoding: gzip' "$1")
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
failed = errors + (int(non2xx.group(1)) if non2xx else 0)
print(f"{rps:.1f} {p50:.2f} {p99:.2f} {failed}")
PY
}
ratio() { python3 -c 'import sys; a, b, d = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print(f"{a/b:.{d}f}" if b > 0 else "n/a")' "$@"; }
mean() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print(f"{sum(v)/len(v):.2f}")' "$@"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "wrk: 2 threads, $connections connections, $duration per run, $rounds alternations, Accept-Encoding: gzip"
echo
# Shaped as a Scaleway secret key (a UUID): the exporter refuses any other.
key=be7c4000-0000-4000-8000-00000000be7c
results=()
failed_total=0
for n in "${sizes[@]}"; do
  dir="$work/$n"; mkdir -p "$dir/www" "$dir/textfile"
  # Info level: the start lines name the ports; nothing else is logged at info per scrape.
  SCW_SECRET_KEY=$key SCW_EXPORTER_LOG_LEVEL=info "$exe" simulate --zones fr-par-1 \
    --servers-per-zone "$n" --listen-address 127.0.0.1:0 2>"$dir/sim.log" &
  sim_pid=$!; pids+=($sim_pid)
  sim=$(logged_address "$dir/sim.log" "simulator listening" 300 $sim_pid)
  # The rate limit is lifted: this measures scrapes and a poll's CPU, not request pacing.
  SCW_SECRET_KEY=$key SCW_API_URL="http://$sim" SCW_EXPORTER_ZONES=fr-par-1 \
    SCW_EXPORTER_POLL_INTERVAL=30s SCW_EXPORTER_POLL_TIMEOUT=30s SCW_EXPORTER_RATE_LIMIT=1000 \
    SCW_EXPORTER_LISTEN_ADDRESS=127.0.0.1:0 SCW_EXPORTER_LOG_LEVEL=info \
    "$exe" 2>"$dir/exporter.log" &
  exporter_pid=$!; pids+=($exporter_pid)
  exp=$(logged_address "$dir/exporter.log" "exporter starting" 60 $exporter_pid)
  wait_http "http://$exp/readyz" 300

  # The same bytes for nginx (gzip_static serves metrics.gz to gzip clients).
  curl -fs --max-time 120 -H 'Accept-Encoding: gzip' "http://$exp/metrics" > "$dir/www/metrics.gz"
  curl -fs --max-time 120 "http://$exp/metrics" > "$dir/www/metrics"
  # The same series for node_exporter, less the process metrics it exports itself.
  grep -v '^process_\|^# \(HELP\|TYPE\) process_' "$dir/www/metrics" > "$dir/textfile/scaleway.prom"
  series=$(grep -vc '^#' "$dir/www/metrics")
  raw_mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$dir/www/metrics\")/1e6:.1f}')")
  gz_mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$dir/www/metrics.gz\")/1e6:.2f}')")

  # nginx cannot bind port 0 and say which port it got: it gets a port that was free a moment
  # ago, and another one when that was taken meanwhile (nginx exits) or another server
  # answers there (the body is not ours). nginx must hand out the gzip file as is.
  nginx_ok=0
  for _ in 1 2 3 4 5; do
    nginx_port=$(free_port)
    nginx_url="http://127.0.0.1:$nginx_port/metrics"
    cat > "$dir/nginx.conf" <<NGINX
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  gzip_static on;
  client_body_temp_path $dir/nginx-tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $dir/www;
    location = /metrics { default_type "text/plain; version=0.0.4; charset=utf-8"; }
  }
}
NGINX
    "$nginx_bin" -c "$dir/nginx.conf" -g 'daemon off;' 2>>"$dir/nginx-error.log" &
    nginx_pid=$!
    deadline=$((SECONDS + 30))
    while kill -0 "$nginx_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      if cmp -s <(curl -fs --max-time 10 -H 'Accept-Encoding: gzip' "$nginx_url") "$dir/www/metrics.gz"; then
        nginx_ok=1
        break
      fi
      sleep 0.2
    done
    [ $nginx_ok = 0 ] || break
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  done
  [ $nginx_ok = 1 ] || die "nginx did not serve the exporter's gzip body as is in 5 tries: $(tail -n 1 "$dir/nginx-error.log" 2>/dev/null)"
  pids+=($nginx_pid)
  prometheus-node-exporter --web.listen-address=127.0.0.1:0 --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$dir/textfile" 2>"$dir/node.log" &
  node_pid=$!; pids+=($node_pid)
  node=$(logged_address "$dir/node.log" "Listening on" 30 $node_pid)
  wait_http "http://$node/metrics" 30
  exporter_url="http://$exp/metrics"; node_url="http://$node/metrics"

  declare -a e_rps=() e_p50=() e_p99=() n_rps=() n_p50=() n_p99=() x_rps=() x_p99=()
  failed=0
  for ((r = 0; r < rounds; r++)); do
    read -r rps p50 p99 f < <(run_wrk "$exporter_url"); e_rps+=("$rps"); e_p50+=("$p50"); e_p99+=("$p99"); failed=$((failed + f))
    read -r rps p50 p99 f < <(run_wrk "$nginx_url"); n_rps+=("$rps"); n_p50+=("$p50"); n_p99+=("$p99")
  done
  # node_exporter parses the whole file on every scrape: give each run time for several
  # scrapes per connection, or it completes none.
  one=$(curl -fs --max-time 300 -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip' "$node_url")
  node_duration=$(python3 -c "import re; d='$duration'; base=float(re.match(r'[\d.]+', d).group(0)) * {'s':1,'m':60}.get(d[-1], 1); print(f'{max(base, 1.5 * $connections * $one):.0f}s')")
  for ((r = 0; r < rounds; r++)); do
    read -r rps p50 p99 f < <(run_wrk "$exporter_url"); e_rps+=("$rps"); e_p99+=("$p99"); failed=$((failed + f))
    read -r rps p50 p99 f < <(run_wrk "$node_url" "$node_duration"); x_rps+=("$rps"); x_p99+=("$p99")
  done
  failed_total=$((failed_total + failed))
  rss_mb=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$exporter_pid/status")
  e=$(mean "${e_rps[@]}"); ng=$(mean "${n_rps[@]}"); nx=$(mean "${x_rps[@]}")
  results+=("| $n | $series | $raw_mb | $gz_mb | $e | $(mean "${e_p50[@]}") | $(mean "${e_p99[@]}") | $ng | $(mean "${n_p50[@]}") | $(mean "${n_p99[@]}") | $nx | $(mean "${x_p99[@]}") | $(ratio "$e" "$ng" 2) | $(ratio "$e" "$nx" 0) | $rss_mb | $failed |")
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
done

echo "| servers | series | body MB | gzip MB | exporter scrapes/s | p50 ms | p99 ms | nginx scrapes/s | p50 ms | p99 ms | node_exporter scrapes/s | p99 ms | exporter/nginx | exporter/node_exporter | exporter peak RSS MB | failed requests |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
echo
echo "One poll's CPU against serde_json's parse of the same pages (cargo bench --bench poll):"
cargo bench --quiet --bench poll -- "${sizes[@]}" 2>/dev/null | grep '^|'
if [ "$failed_total" -gt 0 ]; then
  echo "$failed_total scrapes of the exporter failed" >&2
  exit 1
fi
