#!/usr/bin/env python3
"""Ratios of Heed to PyTorch from one session's output of `heed bench` and the references.

usage: compare.py TORCH_OUTPUT HEED_OUTPUT [DJL_TORCH_OUTPUT] [--peak GFLOPS_1,GFLOPS_2]
                  [--ref LABEL]

Reads lines 'ref torch <bench> <params> threads=N <unit>=V ...' (bench_torch.py, bench_seed.py;
'median_ms=V' from vision/scripts/bench_conv_torch.py),
'heed <bench> <params> threads=N <unit>=V ... [gflops=G]' (heed bench) and, when a third file is
given, 'ref djl-torch ...' (PyTorch 2.7.1 through DJL, bench/djl/run.sh); pairs them by bench,
params and threads, and prints a Markdown table: the medians, and the speed ratio Heed/reference
(reference time divided by Heed time, so > 1 means Heed is faster; for matmul this is the GFLOP/s
ratio). A workload that `heed bench` also measured replayed (its `<bench>_replay` line: captured
once, replayed without per-operation cost, as the trainer and Predictor run it by default) gets a
second Heed column and its own ratios. With --peak (the machine's FMA peak in GFLOP/s on 1 and on
2 threads, from bench/scripts/peak-avx512.c or the reference peak.c; or THREADS:GFLOPS pairs such
as 4:950,16:3800), the Heed columns say which share of the peak the faster of the two reached, for
workloads whose line has gflops=. --ref names the first reference's column (default PyTorch 1.13;
the device script passes e.g. "PyTorch 2.11 CUDA").
"""
import re
import sys

# the time field is `<unit>=` (heed bench, the reference scripts, DJL) or `median_<unit>=`
# (vision/scripts/bench_conv_torch.py)
LINE = re.compile(r"^(ref \S+|heed) (\S+) (.*?) threads=(\d+) (?:median_)?(ms|us|s)=([0-9.e+-]+)")
GFLOPS = re.compile(r" gflops=([0-9.e+-]+)")


def read(path):
    out, rates = {}, {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if m and m.group(2) != "info":
                _, bench, params, threads, unit, value = m.groups()
                scale = {"s": 1e3, "ms": 1.0, "us": 1e-3}[unit]
                key = (bench, params.strip(), int(threads))
                out[key] = float(value) * scale
                g = GFLOPS.search(line)
                if g:
                    rates[key] = float(g.group(1))
    return out, rates


def fmt(ms):
    return "%.3g ms" % ms if ms >= 1 else ("%.0f µs" % (ms * 1e3) if ms >= 0.01
                                           else "%.2f µs" % (ms * 1e3))


def ratio(ref, key, value):
    return "%.2f×" % (ref[key] / value) if value is not None and key in ref else "–"


def options(argv):
    """The file arguments, the peak per thread count and the first reference's label."""
    args, peak, label = [], {}, "PyTorch 1.13"
    i = 0
    while i < len(argv):
        a = argv[i]
        name, _, value = a.partition("=")
        if name in ("--peak", "--ref"):
            if not value:
                i += 1
                value = argv[i]
            if name == "--ref":
                label = value
            else:
                # GFLOP/s on 1, 2, ... threads, or THREADS:GFLOPS pairs (4:950,8:1900)
                for n, g in enumerate(value.split(","), 1):
                    t, _, rate = g.rpartition(":")
                    peak[int(t) if t else n] = float(rate)
        else:
            args.append(a)
        i += 1
    return args, peak, label


def main():
    args, peak, label = options(sys.argv[1:])
    (torch, _), (heed, rates) = read(args[0]), read(args[1])
    djl = read(args[2])[0] if len(args) > 2 else {}
    short = label.split()[-1] if label.startswith("PyTorch ") else label
    print("| benchmark | threads | %s | PyTorch 2.7.1 (DJL) | Heed eager | Heed replayed "
          "| eager/%s | replayed/%s | eager/2.7.1 | replayed/2.7.1 |" % (label, short, short)
          + (" Heed % of peak |" if peak else ""))
    print("| --- " * (10 + (1 if peak else 0)) + "|")
    for key in sorted(heed, key=lambda k: (k[2], k[0], k[1])):
        b, p, t = key
        if b.endswith("_replay") or not (key in torch or key in djl):
            continue
        rkey = (b + "_replay", p, t)
        replayed = heed.get(rkey)
        row = [
            "%s %s" % (b, p), str(t),
            fmt(torch[key]) if key in torch else "–",
            fmt(djl[key]) if key in djl else "–",
            fmt(heed[key]),
            fmt(replayed) if replayed is not None else "–",
            ratio(torch, key, heed[key]), ratio(torch, key, replayed),
            ratio(djl, key, heed[key]), ratio(djl, key, replayed),
        ]
        if peak:
            best = max(rates.get(key, 0), rates.get(rkey, 0))
            row.append("%.0f %%" % (100 * best / peak[t]) if best and t in peak else "–")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
