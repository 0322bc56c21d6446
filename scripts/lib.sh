# Helpers of the scripts in this folder: `source "$(dirname "$0")/lib.sh"` after `set -euo
# pipefail`. Every wait is bounded and ends, when it runs out, with one line saying what was
# waited for.

# Where cargo puts what it builds, as cargo itself reads it.
target_dir="${CARGO_TARGET_DIR:-target}"

# One line on standard error, named after the script, then exit 1.
die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# The release binary, built if needed; fails at once when cargo put it somewhere else.
release_binary() {
  cargo build --release --locked --quiet --bin scaleway_exporter >&2 || die "cargo build --release failed"
  local exe="$target_dir/release/scaleway_exporter"
  [ -x "$exe" ] || die "no $exe after cargo build --release (CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-unset})"
  echo "$exe"
}

# logged_address LOG MARKER SECONDS PID
# Prints the address (HOST:PORT) of the first line of LOG that has MARKER and an
# `address=HOST:PORT` field: the line in which a process that bound port 0 says which port it
# got (the exporter's "exporter starting", the simulator's "simulator listening", the
# Prometheus toolkit's "Listening on"). Fails once PID has exited or SECONDS have passed.
logged_address() {
  local log=$1 marker=$2 seconds=$3 pid=$4 address
  local deadline=$((SECONDS + seconds))
  while :; do
    address=$(grep -F -- "$marker" "$log" 2>/dev/null | grep -oE '(^| )address=[^ ]+' | head -n 1 |
      sed 's/^ *address=//; s/"//g' || true)
    if [ -n "$address" ]; then
      echo "$address"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "$log: the process exited before it said \"$marker\": $(tail -n 1 "$log" 2>/dev/null)"
    [ $SECONDS -lt $deadline ] || die "$log: no \"$marker\" line with an address after ${seconds}s"
    sleep 0.2
  done
}

# wait_http URL SECONDS: until URL answers 2xx.
wait_http() {
  local url=$1 seconds=$2
  local deadline=$((SECONDS + seconds))
  until curl -fs --max-time 10 -o /dev/null "$url"; do
    [ $SECONDS -lt $deadline ] || die "$url did not answer 2xx within ${seconds}s"
    sleep 0.2
  done
}

# A loopback port free now, for a program that cannot bind port 0 and say which port it got
# (nginx): it may be taken before the program binds it, so the caller checks what answers.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# scratch
# Makes the work folder $work and the list $pids of the processes a script starts (append
# each one's pid); at exit, kills each of them and removes $work, unless KEEP=1, which keeps
# it and says where.
scratch() {
  work=$(mktemp -d)
  pids=()
  trap end_scratch EXIT
}

end_scratch() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
