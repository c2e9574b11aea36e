"""Turns the results of scripts/bench (one JSON object per line) into docs/benchmarks.md."""
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timezone

results_file, reps, seconds, connections, threads, java_home, scale = sys.argv[1:8]
scale = int(scale)
rows = [json.loads(line) for line in open(results_file) if line.strip()]
by = defaultdict(dict)
for row in rows:
    by[row["name"]][row["rep"]] = row["result"]


def spread(values, fmt="{:,.0f}"):
    values = sorted(values)
    return f"{fmt.format(statistics.median(values))} ({fmt.format(values[0])}–{fmt.format(values[-1])})"


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def java_version():
    out = subprocess.run([os.path.join(java_home, "bin", "java"), "-version"], capture_output=True, text=True)
    return out.stderr.splitlines()[0]


mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
load = open("/proc/loadavg").read().split()[:3]
reps_done = sorted(by["patch"].keys())

def control_section():
    ratios = [by["patch"][r]["rps"] / by["baseline"][r]["rps"] for r in reps_done]
    print("## Control plane: PATCH status against the cheapest authenticated endpoint")
    print()
    print("`PATCH .../instances/{id}/status` alternates pause and resume over 2 × 3,000 queued instances, so every"
          " request is a real, durable transition (read, decide by the table, compare-and-set, history row, commit"
          " before the answer). The baseline is `GET /user/tokens/verify`: authentication, routing and JSON, no store.")
    print()
    print("| | requests/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|")
    for name, label in (("baseline", "GET /user/tokens/verify (baseline)"), ("patch", "PATCH status (pause / resume)")):
        runs = [by[name][r] for r in reps_done]
        print(f"| {label} | {spread([x['rps'] for x in runs])} | {spread([x['p50_ms'] for x in runs], '{:.2f}')}"
              f" | {spread([x['p99_ms'] for x in runs], '{:.2f}')} | {sum(x['non2xx'] for x in runs)} |")
    print()
    print(f"Throughput ratio PATCH / baseline, per repetition: {spread(ratios, '{:.2f}')}."
          " Target (issue 7): at least 0.5, and PATCH p99 under 20 ms.")
    print()
    print("The non-2xx of the PATCH runs are 409s for resuming an instance that was never paused: wrk builds the"
          " first request of a thread without sending it, so the first pause of each thread's walk is lost and"
          " its resume is refused (`BENCH_DEBUG=1 scripts/bench` prints the refusals; the instance's history has"
          " no such pause). At most one per wrk thread and run.")
    print()
    print("## Start-up")
    print()
    print("From starting the JVM (`java -jar`) to the first answered authenticated request, on a fresh data folder"
          " (which includes creating the database and the dev token):"
          f" {spread([by['startup'][r]['ms'] for r in sorted(by['startup'])], '{:,.0f}')} ms.")
    print()


def scale_section():
    print("## Scale: 1,000 against %s stored instances" % f"{scale:,}")
    print()
    print("Two servers run at once, one per size, each filled through the API (`POST .../instances/batch`). Every"
          " round sends the same requests to both, in alternating order: GET of a random instance, PATCH status"
          " (pause / resume over 6,000 further instances), and one page of a filtered list"
          " (`status=queued&direction=desc&per_page=50`, which also counts the matches for `result_info`).")
    print()
    print("| request | size | requests/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|---|")
    for kind in ("get", "patch", "list"):
        for size in (1000, scale):
            runs = list(by[f"{kind}@{size}"].values())
            print(f"| {kind} | {size:,} | {spread([x['rps'] for x in runs])} | {spread([x['p50_ms'] for x in runs], '{:.2f}')}"
                  f" | {spread([x['p99_ms'] for x in runs], '{:.2f}')} | {sum(x['non2xx'] for x in runs)} |")
    print()
    for kind in ("get", "patch", "list"):
        small = statistics.median(x["p99_ms"] for x in by[f"{kind}@1000"].values())
        big = statistics.median(x["p99_ms"] for x in by[f"{kind}@{scale}"].values())
        small50 = statistics.median(x["p50_ms"] for x in by[f"{kind}@1000"].values())
        big50 = statistics.median(x["p50_ms"] for x in by[f"{kind}@{scale}"].values())
        print(f"- {kind}: p50 {big50 / small50:.2f}x, p99 {big / small:.2f}x of the 1,000-instance values (target: within 2x).")
    load = by[f"load@{scale}"][0]
    print(f"- Loading {scale:,} instances took {load['ms'] / 1000:.0f} s ({scale / load['ms'] * 1000:,.0f} instances/s);"
          f" the database is {load['bytes'] / 2**20:,.0f} MiB ({load['bytes'] / scale:,.0f} bytes per instance).")
    print()


print("# Benchmarks")
print()
print(f"Generated by `scripts/bench --reps={reps} --seconds={seconds} --connections={connections} --threads={threads}`"
      f" on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.")
print()
print(f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), {mem_gib:.0f} GiB RAM, {platform.system()} {platform.release()};"
      f" load average at the end {' '.join(load)} (other work shares this machine: read ratios, not absolutes).")
print(f"- JDK: {java_version()}; server: `java -jar target/stepflow.jar serve` with its defaults (SQLite, durability"
      " normal), authentication on (every request carries the dev token), instances held queued"
      " (`--max-running 0`), creation rate limits off for the setup.")
print(f"- Load: wrk 4.1, {threads} threads, {connections} connections, {seconds} s per measured run after a 3 s warm-up,"
      " on the same machine. Each repetition is a fresh server; the baseline and the measured run alternate order.")
print("- Every value: median over the repetitions, with min–max.")
print()
if reps_done:
    control_section()
if f"get@{scale}" in by:
    scale_section()
print("## Engine")
print()
print("The engine benchmark (instances completed per second, 100,000 sleeping instances) is `scripts/bench-engine`;"
      " its latest results are in `bench/results/`.")
