#!/usr/bin/env python3
"""Ratios of Heed to PyTorch from one session's output of `heed bench` and the references.

usage: compare.py TORCH_OUTPUT HEED_OUTPUT [DJL_TORCH_OUTPUT]

Reads lines 'ref torch <bench> <params> threads=N <unit>=V ...' (bench_torch.py, bench_seed.py),
'heed <bench> <params> threads=N <unit>=V ...' (heed bench) and, when a third file is given,
'ref djl-torch ...' (PyTorch 2.7.1 through DJL, bench/djl/run.sh); pairs them by bench, params and
threads, and prints a Markdown table: the medians, and the speed ratio Heed/reference (reference
time divided by Heed time, so > 1 means Heed is faster; for matmul this is the GFLOP/s ratio).
"""
import re
import sys

LINE = re.compile(r"^(ref \S+|heed) (\S+) (.*?) threads=(\d+) (ms|us|s)=([0-9.e+-]+)")


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if m and m.group(2) != "info":
                _, bench, params, threads, unit, value = m.groups()
                scale = {"s": 1e3, "ms": 1.0, "us": 1e-3}[unit]
                out[(bench, params.strip(), int(threads))] = float(value) * scale
    return out


def fmt(ms):
    return "%.3g ms" % ms if ms >= 1 else "%.0f µs" % (ms * 1e3)


def main():
    torch, heed = read(sys.argv[1]), read(sys.argv[2])
    djl = read(sys.argv[3]) if len(sys.argv) > 3 else None
    if djl is None:
        print("| benchmark | threads | PyTorch | Heed | Heed/PyTorch speed |")
        print("| --- | --- | --- | --- | --- |")
    else:
        print("| benchmark | threads | PyTorch | PyTorch 2.7.1 (DJL) | Heed "
              "| Heed/PyTorch speed | Heed/PyTorch 2.7.1 speed |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted(heed, key=lambda k: (k[2], k[0], k[1])):
        if key in torch or (djl is not None and key in djl):
            b, p, t = key
            ref = fmt(torch[key]) if key in torch else "–"
            ratio = "%.2f×" % (torch[key] / heed[key]) if key in torch else "–"
            if djl is None:
                print("| %s %s | %d | %s | %s | %s |" % (b, p, t, ref, fmt(heed[key]), ratio))
            else:
                dref = fmt(djl[key]) if key in djl else "–"
                dratio = "%.2f×" % (djl[key] / heed[key]) if key in djl else "–"
                print("| %s %s | %d | %s | %s | %s | %s | %s |" % (
                    b, p, t, ref, dref, fmt(heed[key]), ratio, dratio))
    for b, p in sorted({(k[0], k[1]) for k in heed}):
        if (b, p, 1) in heed and (b, p, 2) in heed:
            print("| %s %s 1→2 thread speed-up | | %s | %.2f× | |" % (
                b, p,
                "%.2f×" % (torch[(b, p, 1)] / torch[(b, p, 2)])
                if (b, p, 1) in torch and (b, p, 2) in torch else "–",
                heed[(b, p, 1)] / heed[(b, p, 2)]))


if __name__ == "__main__":
    main()
