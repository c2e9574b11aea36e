#!/usr/bin/env python3
"""Where the time of a CPU profile went, from async-profiler's collapsed stacks (scripts/profile).

    python3 bench/profile-summary.py FILE [--under FRAME] [--top N] [--per N --interval 1ms]

Each line of FILE is a stack, outermost frame first, frames separated by ';', then its sample count.
Prints the share of the samples by kind of thread (virtual-thread carriers, other Java threads, the
JVM's own native threads), the frames with the most samples of their own, and the frames on most
stacks (inclusive). With --under FRAME, only the stacks through FRAME count, and only the part of
each stack from FRAME inwards. With --per N (e.g. the number of requests answered while profiling)
and the profile's sampling interval, each line also gives the CPU time per unit, in microseconds.
"""
import argparse
import collections
import sys

# outermost frames of each kind of thread, as async-profiler names them
KINDS = {
    "java/util/concurrent/ForkJoinWorkerThread.run": "virtual-thread carriers (requests, runs)",
    "java/lang/Thread.run": "platform Java threads (writer, dispatcher, selectors, ...)",
    "start_thread": "the JVM's native threads (JIT, GC)",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--under", help="only stacks through this frame, from it inwards")
    parser.add_argument("--top", type=int, default=30, help="how many frames to list (30)")
    parser.add_argument("--per", type=float, help="also give CPU time per this many units")
    parser.add_argument("--interval", default="1ms", help="the profile's sampling interval (1ms)")
    args = parser.parse_args()
    units = {"ns": 0.001, "us": 1, "ms": 1000}
    number = args.interval.rstrip("nums")
    unit = args.interval[len(number):] or "ns"
    if not number.isdigit() or unit not in units:
        sys.exit(f"--interval takes e.g. 1ms or 500us, not {args.interval}")
    sample_us = int(number) * units[unit]

    kinds = collections.Counter()
    own = collections.Counter()
    inclusive = collections.Counter()
    total = selected = 0
    with open(args.file) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            count = int(count)
            frames = stack.split(";")
            total += count
            kinds[KINDS.get(frames[0], "other")] += count
            if args.under:
                if args.under not in frames:
                    continue
                frames = frames[frames.index(args.under):]
            selected += count
            own[frames[-1]] += count
            for frame in set(frames):
                inclusive[frame] += count

    if total == 0:
        sys.exit(f"{args.file} holds no samples")

    def share(count, of):
        text = f"{100 * count / of:5.1f} %"
        return text + (f" {count * sample_us / args.per:8.1f} us" if args.per else "")

    print(f"{total} samples")
    for kind, count in kinds.most_common():
        print(f"  {share(count, total)}  {kind}")
    if args.under:
        if selected == 0:
            sys.exit(f"no stack runs through {args.under}")
        print(f"\nthrough {args.under}: {share(selected, total)} of all samples")
    print("\nframes with the most samples of their own (% of the selected samples):")
    for frame, count in own.most_common(args.top):
        print(f"  {share(count, selected)}  {frame}")
    print("\nframes on the most stacks (inclusive):")
    for frame, count in inclusive.most_common(args.top):
        print(f"  {share(count, selected)}  {frame}")


if __name__ == "__main__":
    main()
