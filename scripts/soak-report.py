#!/usr/bin/env python3
"""The figures and the verdict of scripts/soak.sh, read from its work folder: the simulator's
and the exporter's logs, the checker's scrapes (checks.jsonl), the RSS samples (rss.txt) and
wrk's outputs. Prints them as Markdown tables; exits 1 when a criterion fails.

    soak-report.py WORK STARTED MINUTES INTERVAL [TIMEOUT [CHECK_EVERY]]
"""
import json
import re
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone

FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')
TS = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z")


def logfmt(line):
    fields = {}
    for key, value in FIELD.findall(line):
        if value.startswith('"'):
            value = json.loads(value)
        fields[key] = value
    return fields


def unix(ts):
    whole, fraction = TS.fullmatch(ts).groups()
    seconds = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return seconds.timestamp() + (float("0." + fraction) if fraction else 0.0)


def lines(path):
    with open(path, errors="replace") as f:
        return [line.rstrip("\n") for line in f]


def pairs_of(fields):
    zones = fields.get("zone") or fields.get("zones") or ""
    return [f'{fields.get("product")}/{zone}' for zone in zones.split(",") if zone]


def held(simulator_log):
    """How many servers the simulator holds in a pair of each product (churn moves servers
    between states, it neither creates nor deletes them)."""
    for line in simulator_log:
        fields = logfmt(line)
        if fields.get("message") == "simulator listening":
            return {
                "instance": int(fields["servers_per_zone"]),
                "elastic-metal": int(fields["elastic_metal_servers_per_zone"]),
                "apple-silicon": int(fields["apple_silicon_servers_per_zone"]),
                "dedibox": int(fields["dedibox_servers_per_zone"]),
            }
    return {}


def faults(simulator_log):
    """The simulator's pairs, and every fault with its start and (when it ended) its end."""
    expected, started, done = set(), {}, []
    for line in simulator_log:
        fields = logfmt(line)
        message = fields.get("message", "")
        if message.startswith("simulator chaos on"):
            expected = set(fields["pairs"].split(","))
        elif message in ("simulator fault started", "simulator fault ended"):
            pair = f'{fields["product"]}/{fields["zone"]}'
            if message.endswith("started"):
                started[pair] = {"pair": pair, "fault": fields["fault"], "start": unix(fields["ts"])}
            elif pair in started:
                fault = started.pop(pair)
                fault["end"] = unix(fields["ts"])
                done.append(fault)
    return expected, done + list(started.values())


def failures(exporter_log):
    """Every failed poll the exporter logged: (when, pair, error)."""
    out = []
    for line in exporter_log:
        if "zone poll failed" not in line:
            continue
        fields = logfmt(line)
        for pair in pairs_of(fields):
            out.append((unix(fields["ts"]), pair, fields.get("error", "")))
    return out


def recoveries(all_faults, checks, interval, check_every):
    """Per ended fault: seconds from its end to the pair's next successful poll, or None."""
    last_check = checks[-1]["at"] if checks else 0.0
    for fault in all_faults:
        if "end" not in fault:
            fault["verdict"] = "still on at the end"
            continue
        after = [c["last_success"].get(fault["pair"], 0.0) for c in checks if c["at"] >= fault["end"]]
        good = [t for t in after if t >= fault["end"]]
        if good:
            fault["recovery"] = min(good) - fault["end"]
            fault["verdict"] = "ok" if fault["recovery"] <= 2 * interval else "slow"
        elif fault["end"] > last_check - 2 * interval - check_every:
            fault["verdict"] = "not judged (ended near the end)"
        else:
            fault["verdict"] = "never"


def attribute(all_faults, failed, timeout):
    """Which failed polls a fault explains (its pair, from its start to the end of the last
    poll that could have met it); the rest are unexplained."""
    unexplained = []
    for at, pair, error in failed:
        owner = next(
            (f for f in all_faults if f["pair"] == pair and f["start"] <= at <= f.get("end", 1e18) + timeout + 2),
            None,
        )
        if owner is None:
            unexplained.append((at, pair, error))
        elif "error" not in owner:
            owner["error"] = error
    return unexplained


def rss(samples, minutes):
    """Median VmRSS (MB) of the baseline minute and of the last minute, and the samples."""
    rows = [tuple(map(float, l.split())) for l in samples if len(l.split()) == 3]
    length = minutes * 60
    mark = 300 if minutes >= 15 else length / 3
    base = [r for t, r, _ in rows if max(0, mark - 60) <= t <= mark]
    last = [r for t, r, _ in rows if t >= length - 60]
    median = lambda v: statistics.median(v) / 1024 if v else float("nan")
    return median(base), median(last), mark, rows


def phantoms(checks, counts, all_faults):
    """Checker scrapes in which a pair published more servers than the simulator holds, and
    the most published, with the fault whose pair it was."""
    seen, most = 0, (0, "", "")
    for check in checks:
        for pair, published in check.get("servers", {}).items():
            if published > counts.get(pair.split("/")[0], published):
                seen += 1
                before = [f for f in all_faults if f["pair"] == pair and f["start"] <= check["at"]]
                fault = max(before, key=lambda f: f["start"])["fault"] if before else ""
                most = max(most, (published, pair, fault))
    return seen, most


def minutes_of(samples):
    """VmRSS (MB) at each whole minute."""
    out, next_minute = [], 0
    for t, r, _ in samples:
        if t >= next_minute * 60:
            out.append(f"{r / 1024:.1f}")
            next_minute += 1
    return " ".join(out)


def wrk(path):
    text = open(path, errors="replace").read()
    found = lambda pattern: re.search(pattern, text)
    requests = found(r"(\d+) requests in")
    rps = found(r"Requests/sec:\s+([\d.]+)")
    p99 = found(r"\s99%\s+(\S+)")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    non2xx = found(r"Non-2xx or 3xx responses: (\d+)")
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p99": p99.group(1) if p99 else "n/a",
        "failed": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()


def by_kind(all_faults):
    kinds = defaultdict(list)
    for fault in all_faults:
        kinds[fault["fault"]].append(fault)
    rows = []
    for kind, group in sorted(kinds.items()):
        times = [f["recovery"] for f in group if "recovery" in f]
        error = next((f["error"] for f in group if "error" in f), "(no poll failed)")
        rows.append((
            kind,
            len(group),
            sum("error" in f for f in group),
            f"{max(times):.1f}" if times else "-",
            f"{statistics.median(times):.1f}" if times else "-",
            error[:110].replace("|", "/"),
        ))
    return rows


def main():
    work, started, minutes, interval = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 10.0
    check_every = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
    exporter_log, simulator_log = lines(f"{work}/exporter.log"), lines(f"{work}/simulator.log")
    checks = [json.loads(l) for l in lines(f"{work}/checks.jsonl") if l.strip()]
    expected, all_faults = faults(simulator_log)
    failed = failures(exporter_log)
    recoveries(all_faults, checks, interval, check_every)
    unexplained = attribute(all_faults, failed, timeout)

    panics = [l for l in exporter_log if "internal error (a panic" in l or "panicked at" in l]
    sim_panics = [l for l in simulator_log if "panicked at" in l]
    bad_scrapes = [c for c in checks if c["status"] != 200]
    absent = [(c["at"], sorted(expected - set(c["success"]))) for c in checks if c["status"] == 200]
    absent = [(at, missing) for at, missing in absent if missing]
    zero = sum(1 for c in checks for v in c["success"].values() if v == 0)
    base, last, mark, samples = rss(lines(f"{work}/rss.txt"), minutes)
    growth = last / base - 1 if base == base and base > 0 else float("nan")
    hwm = next((int(l.split()[1]) / 1024 for l in lines(f"{work}/status-at-end.txt") if l.startswith("VmHWM")), float("nan"))
    judged = [f for f in all_faults if "recovery" in f or f["verdict"] in ("slow", "never")]
    late = [f for f in judged if f["verdict"] != "ok"]
    metrics, inventory = wrk(f"{work}/wrk-metrics.txt"), wrk(f"{work}/wrk-inventory.txt")

    print(f"\n{len(expected)} (product, zone) pairs; {len(all_faults)} faults; {len(checks)} checker scrapes; "
          f"{len(failed)} failed polls logged, {len(unexplained)} of them outside any fault of their pair\n")
    table(["fault", "started", "failed a poll", "max recovery s", "median recovery s", "the exporter's error (first)"],
          by_kind(all_faults))
    table(["scrapers", "requests", "per second", "p99", "failed"], [
        ("16 on /metrics (gzip)", metrics["requests"], f'{metrics["rps"]:.0f}', metrics["p99"], metrics["failed"]),
        ("4 on /inventory.json", inventory["requests"], f'{inventory["rps"]:.0f}', inventory["p99"], inventory["failed"]),
    ])
    recovery_times = [f["recovery"] for f in judged if "recovery" in f]
    criteria = [
        ("panics in the exporter's log (and the simulator's)", f"{len(panics)} ({len(sim_panics)})", not panics and not sim_panics),
        ("checker scrapes not 200", f"{len(bad_scrapes)} of {len(checks)}", not bad_scrapes and checks),
        ("checker scrapes with a poll_success series absent", f"{len(absent)} of {len(checks)} ({zero} series at 0 seen)", not absent),
        (f"RSS, last minute against the minute to {mark / 60:.0f} min",
         f"{base:.1f} MB -> {last:.1f} MB ({growth:+.1%}); peak {hwm:.1f} MB; {len(samples)} samples", abs(growth) <= 0.10),
        ("faults whose pair was not back to success within two polls",
         f"{len(late)} of {len(judged)} judged; recovery max {max(recovery_times, default=0):.1f} s, "
         f"median {statistics.median(recovery_times) if recovery_times else 0:.1f} s", judged and not late),
        ("scrapes of the 20 scrapers that failed", metrics["failed"] + inventory["failed"],
         metrics["failed"] + inventory["failed"] == 0 and metrics["requests"] > 0),
    ]
    table(["criterion", "measured", "verdict"], [(c, m, "pass" if ok else "FAIL") for c, m, ok in criteria])
    print(f"RSS at each minute (MB): {minutes_of(samples)}")
    if any("servers" in c for c in checks):
        seen, (most, pair, fault) = phantoms(checks, held(simulator_log), all_faults)
        print(f"checker scrapes in which a pair published more servers than the simulator holds: {seen}"
              + (f"; the most: {most} in {pair} (its last fault: {fault})" if seen else ""))
    for line in panics[:5] + sim_panics[:5]:
        print("panic:", line)
    for at, missing in absent[:5]:
        print(f"absent at +{at - started:.0f}s: {', '.join(missing)}")
    for f in late[:10]:
        print(f'not back within two polls: {f["pair"]} {f["fault"]} ended at +{f["end"] - started:.0f}s: {f["verdict"]}'
              + (f' ({f["recovery"]:.1f} s)' if "recovery" in f else ""))
    for at, pair, error in unexplained[:10]:
        print(f"failed outside any fault of its pair: +{at - started:.0f}s {pair}: {error[:160]}")
    sys.exit(0 if all(ok for _, _, ok in criteria) else 1)


if __name__ == "__main__":
    main()
