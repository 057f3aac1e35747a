#!/usr/bin/env python3
"""Ratios of Heed to PyTorch from one session's output of `heed bench` and bench_torch.py.

usage: compare.py TORCH_OUTPUT HEED_OUTPUT

Reads lines 'ref torch <bench> <params> threads=N <unit>=V ...' and
'heed <bench> <params> threads=N <unit>=V ...', pairs them by bench, params and threads, and
prints a Markdown table: both medians, and the speed ratio Heed/PyTorch (PyTorch time divided by
Heed time, so > 1 means Heed is faster; for matmul this is the GFLOP/s ratio).
"""
import re
import sys

LINE = re.compile(r"^(ref torch|heed) (\S+) (.*?) threads=(\d+) (ms|us|s)=([0-9.e+-]+)")


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if m:
                _, bench, params, threads, unit, value = m.groups()
                scale = {"s": 1e3, "ms": 1.0, "us": 1e-3}[unit]
                out[(bench, params.strip(), int(threads))] = float(value) * scale
    return out


def fmt(ms):
    return "%.3g ms" % ms if ms >= 1 else "%.0f µs" % (ms * 1e3)


def main():
    torch, heed = read(sys.argv[1]), read(sys.argv[2])
    print("| benchmark | threads | PyTorch | Heed | Heed/PyTorch speed |")
    print("| --- | --- | --- | --- | --- |")
    for key in sorted(heed, key=lambda k: (k[2], k[0], k[1])):
        if key in torch:
            b, p, t = key
            print("| %s %s | %d | %s | %s | %.2f× |" % (
                b, p, t, fmt(torch[key]), fmt(heed[key]), torch[key] / heed[key]))
    for b, p in sorted({(k[0], k[1]) for k in heed}):
        if (b, p, 1) in heed and (b, p, 2) in heed:
            print("| %s %s 1→2 thread speed-up | | %s | %.2f× | |" % (
                b, p,
                "%.2f×" % (torch[(b, p, 1)] / torch[(b, p, 2)])
                if (b, p, 1) in torch and (b, p, 2) in torch else "–",
                heed[(b, p, 1)] / heed[(b, p, 2)]))


if __name__ == "__main__":
    main()
