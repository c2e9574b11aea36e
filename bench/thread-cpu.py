#!/usr/bin/env python3
"""CPU time by thread of one running JVM, read from /proc (JFR does not see time in native code or
in the JIT's own threads): waits for a process whose command line contains PATTERN, samples its
threads every half second until it exits, and writes the totals by thread name (digits folded to N)
to OUT. Threads that end before the process are counted at their last sample.

    python3 bench/thread-cpu.py "stepflow.jar serve" /tmp/threads.txt &   # then start the benchmark
"""
import collections
import glob
import os
import re
import sys
import time


def find(pattern):
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            command = open(path, "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if pattern in command and "java" in command and "thread-cpu" not in command:
            return path.split("/")[2]
    return None


def main(pattern, out, wait_seconds=600):
    deadline = time.time() + wait_seconds
    pid = None
    while pid is None and time.time() < deadline:
        pid = find(pattern)
        time.sleep(0.2)
    if pid is None:
        sys.exit(f"no java process with '{pattern}' within {wait_seconds} s")
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    seen = {}
    while os.path.exists(f"/proc/{pid}"):
        for task in glob.glob(f"/proc/{pid}/task/*"):
            try:
                stat = open(task + "/stat").read()
                name = open(task + "/comm").read().strip()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            seen[task] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
        time.sleep(0.5)
    totals = collections.Counter()
    for name, ticks in seen.values():
        totals[re.sub(r"\d+", "N", name)] += ticks
    all_ticks = sum(totals.values()) or 1
    with open(out, "w") as o:
        for name, ticks in totals.most_common(20):
            o.write(f"{name}\t{ticks / ticks_per_second:.2f} s\t{100 * ticks / all_ticks:.0f} %\n")
        o.write(f"all threads\t{all_ticks / ticks_per_second:.2f} s\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
