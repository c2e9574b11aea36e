"""Turns the results of scripts/bench (one JSON object per line) into docs/benchmarks.md."""
import contextlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timezone

results_file, reps, seconds, connections, threads, java_home, scale, phases = sys.argv[1:9]
scale = int(scale)
phases = phases.split(",")
rows = [json.loads(line) for line in open(results_file) if line.strip()]
by = defaultdict(dict)
cpu = defaultdict(dict)  # name -> rep -> {thread group: microseconds of CPU per request}
store = defaultdict(dict)  # "store-this" / "store-twin" -> threads -> rep -> result
for row in rows:
    if row["name"].startswith("store-"):
        store[row["name"]].setdefault(row["result"]["threads"], {})[row["rep"]] = row["result"]
        continue
    by[row["name"]][row["rep"]] = row["result"]
    if row.get("ticks_after"):
        per_tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
        cpu[row["name"]][row["rep"]] = {
            group: (ticks - row["ticks_before"].get(group, 0)) * per_tick_us / row["result"]["requests"]
            for group, ticks in row["ticks_after"].items()}


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

def params_sentence():
    chars = int(os.environ.get("BENCH_PARAMS_CHARS", "0") or 0)
    if chars > 0:
        return f" Every instance carries params of {chars:,} characters of JSON (`--params-chars={chars}`)."
    return " The instances have no params."


def control_section():
    ratios = [by["patch"][r]["rps"] / by["baseline"][r]["rps"] for r in reps_done]
    print("## Control plane: PATCH status against the cheapest authenticated endpoint")
    print()
    print("`PATCH .../instances/{id}/status` alternates pause and resume over 2 × 3,000 queued instances, so every"
          " request is a real, durable transition (read, decide by the table, compare-and-set, history row, commit"
          " before the answer). The baseline is `GET /user/tokens/verify`: authentication, routing and JSON, no store."
          f" Each server is first warmed up with {os.environ.get('BENCH_WARMUP_SECONDS', '20')} s of each request type, the two"
          " servers of a repetition in alternating order, and every measured run follows"
          f" {os.environ.get('BENCH_REWARM_SECONDS', '4')} s of the same requests on the same server."
          + params_sentence())
    print()
    print("| | requests/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|")
    rows_shown = [("baseline", "GET /user/tokens/verify (baseline)"), ("patch", "PATCH status (pause / resume)")]
    twin_jar = os.environ.get("BENCH_TWIN_JAR", "")
    if by.get("patch-metrics-off"):
        rows_shown.append(("patch-metrics-off", "PATCH status, twin server with `--metrics off`"))
    if by.get("patch-twin"):
        rows_shown.append(("patch-twin", f"PATCH status, twin server running `{os.path.basename(twin_jar)}`"))
    for name, label in rows_shown:
        runs = [by[name][r] for r in reps_done]
        print(f"| {label} | {spread([x['rps'] for x in runs])} | {spread([x['p50_ms'] for x in runs], '{:.2f}')}"
              f" | {spread([x['p99_ms'] for x in runs], '{:.2f}')} | {sum(x['non2xx'] for x in runs)} |")
    print()
    print(f"Throughput ratio PATCH / baseline, per repetition: {spread(ratios, '{:.2f}')}."
          " Target (issue 20): at least 0.5, and PATCH p99 under 20 ms.")
    print()
    if by.get("patch-metrics-off"):
        metric_ratios = [by["patch"][r]["rps"] / by["patch-metrics-off"][r]["rps"] for r in reps_done]
        print("What metrics cost: PATCH throughput with metrics on (the default) / with `--metrics off`, on twin"
              f" servers measured in the same repetition, alternating order: {spread(metric_ratios, '{:.3f}')}."
              " Target (issue 16): within 5 %, i.e. at least 0.95.")
        print()
    if by.get("patch-twin"):
        twin_ratios = [by["patch"][r]["rps"] / by["patch-twin"][r]["rps"] for r in reps_done]
        print(f"This build against the twin's (`{twin_jar}`): PATCH throughput on this build / on the twin, on"
              " servers measured in the same repetition, alternating order:"
              f" {spread(twin_ratios, '{:.3f}')}.")
        print()
    cpu_table()
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


def cpu_table():
    """The server's CPU per answered request by thread group (from /proc, over the whole wrk run)."""
    if not all(cpu[name] for name in ("baseline", "patch")):
        return
    groups = set()
    for name in ("baseline", "patch"):
        for per_rep in cpu[name].values():
            groups |= {g for g, us in per_rep.items() if us >= 1}
    def median(name, group):
        return statistics.median(cpu[name][r].get(group, 0) for r in sorted(cpu[name]))
    print("Server CPU per answered request, by thread (µs, median over the repetitions; from /proc over each whole"
          " run; thread names with digits as N: `ForkJoinPool-N-` are the virtual-thread carriers that run the"
          " HTTP requests, `stepflow-writer` the single SQLite writer, `http-N` Jetty's acceptor and selector"
          " threads (`HTTP-Dispatcher` in runs before Jetty: the JDK server's accept/select loop),"
          " `CN CompilerThre` the JIT):")
    print()
    names = ["baseline", "patch"] + (["patch-twin"] if cpu.get("patch-twin") else [])
    print("| thread | baseline | PATCH |" + (" PATCH on the twin |" if len(names) == 3 else ""))
    print("|---|---|---|" + ("---|" if len(names) == 3 else ""))
    for group in sorted(groups, key=lambda g: -median("patch", g)):
        print(f"| `{group}` | " + " | ".join(f"{median(name, group):,.0f}" for name in names) + " |")
    total = {name: statistics.median(sum(cpu[name][r].values()) for r in sorted(cpu[name])) for name in names}
    print("| all | " + " | ".join(f"{total[name]:,.0f}" for name in names) + " |")
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


ENGINE_CASES = (
    ("sqlite-normal", "Stepflow, SQLite, durability normal"),
    ("sqlite-full", "Stepflow, SQLite, durability full"),
    ("postgres-1-node", "Stepflow, PostgreSQL, 1 node"),
    ("postgres-n-nodes", "Stepflow, PostgreSQL, {nodes} nodes"),
    ("dbos-postgres", "DBOS Transact {version}, same PostgreSQL"),
    ("sqlite-normal-twin", "Stepflow, SQLite, durability normal, twin build `{twin}`"),
    ("postgres-1-node-twin", "Stepflow, PostgreSQL, 1 node, twin build `{twin}`"),
)


def warm_up(setup):
    """The engine cases' warm-up in words; runs before 2026-12-05 warmed up by count alone."""
    seconds = setup.get("warmup_seconds", 0)
    if not seconds:
        return f"by completing {setup['warmup']:,} instances"
    return (f"with waves of {setup['warmup']:,} instances, each run to completion, until at least {seconds} s have"
            " passed (the same time for every case: a fresh server's JIT compiles for about 13 s of load, longer"
            " than a count of instances lasts on the fast cases)")


def engine_section():
    setup = by["engine-setup"][0]
    cases = [(key, label) for key, label in ENGINE_CASES if by.get(f"engine:{key}")]
    runs = {key: {r: v for r, v in by[f"engine:{key}"].items() if v["failure"] is None} for key, _ in ENGINE_CASES}
    version = next((v["version"] for v in runs["dbos-postgres"].values()), "n/a")
    twin = os.path.basename(os.environ.get("BENCH_TWIN_JAR", ""))
    labels = {key: label.format(nodes=setup["nodes"], version=version, twin=twin) for key, label in ENGINE_CASES}
    rounds = sorted({r for key, _ in cases for r in by[f"engine:{key}"]})
    print("## Engine: completed 3-step instances per second, Stepflow and DBOS Transact on the same PostgreSQL")
    print()
    print(f"Measured {now} with `{command}` ({len(rounds)} rounds).")
    print()
    print(f"Every round runs the {len(cases)} cases one after the other in rotated order (round 1: A B C ..., round 2:"
          f" B C ... A, ...), each on a fresh data folder or database with fresh processes. Each case first warms up, in the same"
          f" processes, {warm_up(setup)}, then {setup['instances']:,} are timed."
          f" Stepflow: `Scripted` instances of 3 no-op steps (`{{\"steps\":[{{\"do\":\"a\"}},...]}}`), POSTed to"
          f" `.../instances/batch` in batches of 100 by {setup['clients']} client threads (spread over the nodes), timed"
          f" from the first batch to the poll (every 20 ms of the workflow's counts, GET workflow) that finds them all"
          f" complete; servers"
          f" `java {setup['server_jvm']} -jar target/stepflow.jar serve` with creation rate limits off."
          f" DBOS Transact: a workflow calling `runStep` three times with no-op functions (each step checkpointed in"
          f" DBOS's step table before the next one starts), started with `startWorkflow` from {setup['clients']}"
          f" threads in its own JVM (`java {setup['server_jvm']}`, bench/dbos), timed from the first start to the last"
          " `getResult`. `startWorkflow` without a queue is DBOS's fastest way to run many workflows in one process"
          " (the workflow is recorded, then runs at once on a virtual thread; a queue adds polling), so the"
          " comparison gives DBOS its best case; its connection pool is its default.")
    print()
    print(f"PostgreSQL {setup['pg_version']}: one private server of the machine's installation on 127.0.0.1, shared"
          f" by every PostgreSQL case, with fsync={setup['fsync']}, synchronous_commit={setup['synchronous_commit']}"
          f" (wal_sync_method={setup['wal_sync_method']}), read from the server: both engines acknowledge a change"
          " only after its commit is flushed to disk. SQLite: durability normal commits batches in WAL mode without"
          " an fsync per batch (kill -9 safe); full fsyncs every batch (power-loss safe).")
    print()
    print("| case | completed instances/s, median (min–max) | rounds |")
    print("|---|---|---|")
    for key, _ in cases:
        values = [v["per_second"] for v in runs[key].values()]
        print(f"| {labels[key]} | {spread(values) if values else 'n/a'} | {len(values)} |")
    print()

    def ratios(a, b):
        return [runs[a][r]["per_second"] / runs[b][r]["per_second"] for r in rounds if r in runs[a] and r in runs[b]]

    for a, b in (("postgres-1-node", "dbos-postgres"), ("postgres-n-nodes", "dbos-postgres"),
                 ("sqlite-normal", "dbos-postgres"), ("postgres-n-nodes", "postgres-1-node"),
                 ("sqlite-full", "sqlite-normal"), ("sqlite-normal", "sqlite-normal-twin"),
                 ("postgres-1-node", "postgres-1-node-twin"), ("postgres-1-node-twin", "dbos-postgres")):
        values = ratios(a, b)
        if values:
            print(f"- {labels[a]} / {labels[b]}, within each round: {spread(values, '{:.2f}')}.")
    print("- Target (issue 20): Stepflow at least 2x DBOS on the same database with the same durability. What bounds"
          " Stepflow on PostgreSQL, with JFR and pg_stat_statements evidence:"
          " `bench/results/engine-postgres-profile-*.md`; its wait events and WAL by record type, and the SQLite"
          " writer's profile: `bench/results/engine-2026-12-04-long-rounds-lists-and-wal.md`.")
    print()
    print("PostgreSQL's work per completed instance (warm-up included), from the server's statistics"
          " (`pg_stat_database`, `pg_stat_wal`) before and after each case, medians over the rounds:")
    print()
    print("| case | commits | rows written | rows read | WAL records | WAL flushes | WAL bytes |")
    print("|---|---|---|---|---|---|---|")
    for key in ("postgres-1-node", "postgres-n-nodes", "dbos-postgres", "postgres-1-node-twin"):
        stats = [v["postgres_per_instance"] for v in runs[key].values() if "postgres_per_instance" in v]
        if stats:
            cells = [f"{statistics.median(x[c] for x in stats):,.1f}" for c in
                     ("commits", "rows_written", "rows_read", "wal_records", "wal_syncs", "wal_bytes")]
            print(f"| {labels[key]} | {' | '.join(cells)} |")
    print()
    print("| round | position | case | seconds | instances/s | load average before |")
    print("|---|---|---|---|---|---|")
    for r in rounds:
        for key, _ in sorted(cases, key=lambda c: by[f"engine:{c[0]}"].get(r, {}).get("position", 0)):
            v = by[f"engine:{key}"].get(r)
            if v is None:
                continue
            if v["failure"] is not None:
                print(f"| {r} | {v['position']} | {labels[key]} | failed: {v['failure']} | | {v['load']} |")
            else:
                print(f"| {r} | {v['position']} | {labels[key]} | {v['seconds']:.1f} | {v['per_second']:,.0f} | {v['load']} |")
    print()


def footprint_section():
    runs = [v for v in by["footprint"].values() if v["failure"] is None]
    failed = [v["failure"] for v in by["footprint"].values() if v["failure"] is not None]
    print("## Footprint: sleeping instances")
    print()
    print(f"Measured {now} with `{command}`.")
    print()
    if not runs:
        print(f"Failed: {'; '.join(failed)}")
        print()
        return
    n = runs[0]["sleepers"]
    print(f"One server (`java -jar target/stepflow.jar serve`, SQLite, durability normal, default heap) measured idle"
          f" and again holding {n:,} instances that each sleep an hour (`step.sleep`), created through the API;"
          " heap used after a full GC (`jcmd GC.run`, `GC.heap_info`), Java threads listed by `jcmd Thread.print`"
          " (virtual threads are not listed), OS threads and resident memory from /proc.")
    print()
    print(f"| | idle | {n:,} sleeping |")
    print("|---|---|---|")
    print(f"| heap used after full GC, MiB | {spread([v['idle_heap_kb'] / 1024 for v in runs], '{:,.1f}')}"
          f" | {spread([v['heap_kb'] / 1024 for v in runs], '{:,.1f}')} |")
    print(f"| Java threads | {spread([v['idle_java_threads'] for v in runs])} | {spread([v['java_threads'] for v in runs])} |")
    print(f"| OS threads | {spread([v['idle_os_threads'] for v in runs])} | {spread([v['os_threads'] for v in runs])} |")
    print(f"| resident memory, MiB | | {spread([v['rss_kb'] / 1024 for v in runs], '{:,.0f}')} |")
    print()
    print(f"All {n:,} were waiting {spread([v['waiting_seconds'] for v in runs], '{:.1f}')} s after the first was"
          " submitted. Target (issue 7): no thread per waiting instance, heap under 1 GiB.")
    print()


def latency_section():
    runs = [by["latency"][r] for r in sorted(by["latency"])]
    print("## Control latency at low load")
    print()
    print("One client, one request at a time, on a fresh server per repetition (`java -jar target/stepflow.jar serve`,"
          " SQLite, durability normal, defaults, with the `Scripted` effects log; runner"
          " src/harness/java/dev/stepflow/bench/LatencyPhase.java). Times are taken at the client; the resume and"
          " timer times end at the step's start as the effects log timestamps it (the same clock). Pause and terminate are"
          f" measured after a warm-up of {runs[0]['control_warm_up']:,} pauses, as many resumes and as many reads of other"
          " instances, once those are asleep again. The timers are measured in"
          f" {runs[0].get('timer_bursts', 2)} bursts on the same server, one after the other: the first is the first"
          " the server wakes, which includes the JIT's first pass over the wake path, and the last is the warm"
          " server's figure.")
    print()
    print("| measure | n | p50 ms | p99 ms | max ms | target (issue 20) |")
    print("|---|---|---|---|---|---|")
    rows_ = [("pause acknowledged (waiting to paused)", "pause_ms", "p50 under 2 ms"),
             ("terminate acknowledged (paused to terminated)", "terminate_ms", "p50 under 2 ms"),
             ("resume of a paused instance to its next step running", "resume_to_next_step_ms", "p50 under 10 ms"),
             (f"{runs[0]['timer_lag_ms']['n']:,} timers due at one instant: lag to the next step", "timer_lag_ms",
              "p99 under 1,000 ms")]
    bursts = runs[0].get("timer_bursts", 2)
    for burst in range(2, bursts):
        if all(f"timer_lag_burst_{burst}_ms" in r for r in runs):
            rows_.append((f"the same again, burst {burst} on the same server", f"timer_lag_burst_{burst}_ms",
                          "(warming up)"))
    if all("timer_lag_warm_ms" in r for r in runs):
        # the first wakes of a fresh server include the JIT's first pass over the wake path; the JIT
        # still compiles through the second burst, so the last burst is the warm server's figure
        what = "the same again" if bursts == 2 else f"the same again, burst {bursts}"
        rows_.append((f"{what}, on the server that woke the ones before",
                      "timer_lag_warm_ms", "p99 under 1,000 ms"))
    if all("get_ms" in r for r in runs):
        # the same client's GET of one instance: the floor the PATCH rows stand on (client, HTTP, auth)
        rows_.insert(0, ("for reference: GET of one instance, same client", "get_ms", "(none)"))
    for label, key, target in rows_:
        print(f"| {label} | {runs[0][key]['n']:,} | {spread([r[key]['p50'] for r in runs], '{:,.2f}')}"
              f" | {spread([r[key]['p99'] for r in runs], '{:,.2f}')} | {spread([r[key]['max'] for r in runs], '{:,.1f}')}"
              f" | {target} |")
    print()
    with_cache = [r for r in runs if r.get("aot_cache")]
    if with_cache:
        print("Start-up, from starting the JVM to the first answered authenticated request on a fresh data folder,"
              " as `scripts/run` starts the server (with the build's ahead-of-time cache, `scripts/aot-cache`):"
              f" {spread([r['startup_ms'] for r in with_cache], '{:,.0f}')} ms (target: under 2,000 ms); in the same"
              " rounds without the cache (`java -jar` alone):"
              f" {spread([r['startup_without_cache_ms'] for r in with_cache], '{:,.0f}')} ms. The latency"
              " measures above ran on the server started with the cache.")
    else:
        print(f"Start-up, from starting the JVM to the first answered authenticated request on a fresh data folder:"
              f" {spread([r['startup_ms'] for r in runs], '{:,.0f}')} ms (target: under 2,000 ms).")
    print()


now = datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
command = (f"scripts/bench --phases={','.join(phases)} --reps={reps}"
           + (f" --seconds={seconds} --connections={connections} --threads={threads}"
              if {"control", "scale"} & set(phases) else ""))
new_sections = {}


def capture(render):
    """Runs a section renderer; keeps each "## " section it printed, with the run that measured it."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        render()
    for part in ("\n" + buffer.getvalue()).split("\n## ")[1:]:
        title, _, body = part.partition("\n")
        if not body.lstrip().startswith("Measured "):
            body = f"\nMeasured {now} with `{command}`.\n" + body
        new_sections[title] = body


def store_section():
    twin_jar = os.environ.get("BENCH_TWIN_JAR", "")
    print("## Store: one status change without HTTP")
    print()
    print("What a pause or resume costs the embedded store alone: `InstanceControl` (the path of `PATCH .../status`)"
          " on a SQLite file with durability normal, in one JVM (runner"
          " src/harness/java/dev/stepflow/bench/StatusChangeBench.java). 3,000 queued instances in 16 blocks of 187; each thread walks its own block,"
          " pausing all of them, then resuming all of them; 60,000 changes of warm-up, then 60,000 measured. With one"
          " thread every change is a write alone on the caller's thread (its own commit); with 16 the single writer"
          " commits them in batches. CPU from the JVM: the process's, and the `stepflow-writer` thread's (0 with one"
          " thread, whose writes all run on the caller's thread)." + params_sentence())
    print()
    print("| build | threads | changes/s | CPU µs per change | writer thread CPU µs per change | rounds |")
    print("|---|---|---|---|---|---|")
    sides = [("store-this", "this build")]
    if "store-twin" in store:
        sides.append(("store-twin", f"twin `{os.path.basename(twin_jar)}`"))
    for name, label in sides:
        for t in sorted(store[name]):
            runs = list(store[name][t].values())
            print(f"| {label} | {t} | {spread([r['changes_per_s'] for r in runs])}"
                  f" | {spread([r['cpu_us_per_change'] for r in runs], '{:,.1f}')}"
                  f" | {spread([r['writer_thread_cpu_us_per_change'] for r in runs], '{:,.1f}')} | {len(runs)} |")
    print()
    if "store-twin" in store:
        for t in sorted(store["store-this"]):
            reps_both = [r for r in store["store-this"][t] if r in store["store-twin"].get(t, {})]
            ratios = [store["store-this"][t][r]["changes_per_s"] / store["store-twin"][t][r]["changes_per_s"]
                      for r in reps_both]
            if ratios:
                print(f"- {t} thread{'s' if t > 1 else ''}: changes/s on this build / on the twin, within each round:"
                      f" {spread(ratios, '{:.2f}')}.")
        print()


def earlier_sections(path="docs/benchmarks.md"):
    """The sections of the earlier report, by title, each with the run that measured it."""
    if not os.path.exists(path):
        return {}
    text = open(path).read()
    measured = ""
    for line in text.splitlines():
        if line.startswith("Generated by "):
            measured = line[len("Generated by "):].rstrip(".").replace(" on ", " on ", 1)
    sections = {}
    for part in text.split("\n## ")[1:]:
        title, _, body = part.partition("\n")
        if measured and not body.lstrip().startswith("Measured "):
            body = f"\nMeasured with `{measured.split('`')[1]}` on {measured.rsplit(' on ', 1)[1]}.\n" + body
        sections[title] = body
    return sections


print("# Benchmarks")
print()
print("Written by `scripts/bench`; each section says when and with which command it was measured. A run replaces"
      " the sections of the phases it ran and keeps the others.")
print()
print(f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), {mem_gib:.0f} GiB RAM, {platform.system()} {platform.release()};"
      f" load average at the end {' '.join(load)} (other work shares this machine: read ratios, not absolutes).")
print(f"- JDK: {java_version()}. Control and scale phases: server `java -jar target/stepflow.jar serve` with its defaults (SQLite, durability"
      " normal), authentication on (every request carries the dev token), instances held queued"
      " (`--max-running 0`), creation rate limits off for the setup.")
print(f"- Control and scale load: wrk 4.1, {threads} threads, {connections} connections, {seconds} s per measured run after a warm-up"
      " (control: the seconds its section gives, of each request type on each fresh server; scale: 3 s per server),"
      " on the same machine. Each repetition is a fresh server; the baseline and the measured run alternate order.")
print("- Every value: median over the repetitions, with min–max.")
print()
if reps_done:
    capture(control_section)
if f"get@{scale}" in by:
    capture(scale_section)
if "engine-setup" in by:
    capture(engine_section)
if "footprint" in by:
    capture(footprint_section)
if "latency" in by:
    capture(latency_section)
if store:
    capture(store_section)
sections = earlier_sections()
sections.pop("Engine", None)  # the pointer to scripts/bench-engine that the engine phase replaced
sections.update(new_sections)
for title, body in sections.items():
    print(f"## {title}")
    print(body.rstrip("\n"))
    print()
