#!/usr/bin/env python3
"""Table of two builds' `heed bench` lines from bench/scripts/before-after.sh.

usage: before_after.py OLD_LINES NEW_LINES

Pairs the lines by bench, parameters and threads; prints, per workload, each build's medians over
its rounds (every round's value too) and the speed ratio new/old (old time divided by new time, so
> 1 means the new build is faster).
"""
import re
import sys
from statistics import median

LINE = re.compile(r"^heed (\S+) (.*?) threads=(\d+) (ms|us|s)=([0-9.e+-]+)")


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if m:
                bench, params, threads, unit, value = m.groups()
                scale = {"s": 1e3, "ms": 1.0, "us": 1e-3}[unit]
                out.setdefault((bench, params.strip(), int(threads)), []).append(float(value) * scale)
    return out


def fmt(ms):
    return "%.3g ms" % ms if ms >= 1 else "%.3g µs" % (ms * 1e3)


def main():
    old, new = read(sys.argv[1]), read(sys.argv[2])
    print("| workload | threads | before (rounds) | after (rounds) | after/before speed |")
    print("| --- | --- | --- | --- | --- |")
    for key in old:
        if key not in new:
            continue
        bench, params, threads = key
        a, b = median(old[key]), median(new[key])
        print("| %s %s | %d | %s (%s) | %s (%s) | %.2f× |" % (
            bench, params, threads, fmt(a), " / ".join(fmt(v) for v in old[key]), fmt(b),
            " / ".join(fmt(v) for v in new[key]), a / b))


if __name__ == "__main__":
    main()
