"""Table of the seq2seq group: Heed against PyTorch from the raw lines of one folder.

Reads every heed-*.txt and torch-*.txt under DIR (the output of heed-bench-seq2seq.sh and
bench_seq2seq_torch.py, one pair per run), takes per workload and thread count the median over the
runs of each line's median (ms), and prints a Markdown table: Heed ms, PyTorch ms at the same
thread count, PyTorch's best over its thread counts, and the ratios PyTorch ms / Heed ms (above 1:
Heed faster).

usage: python3 bench/scripts/summarize_seq2seq.py bench/benchmarks/2026-12-06-seq2seq
"""

import glob
import re
import statistics
import sys
from collections import defaultdict


def read(pattern):
    out = defaultdict(list)
    for path in sorted(glob.glob(pattern)):
        for line in open(path):
            m = re.match(r"(?:heed|ref torch) (seq2seq_\w+) .* threads=(\d+) ms=([\d.e+-]+)", line)
            if m:
                out[(m.group(1), int(m.group(2)))].append(float(m.group(3)))
    return {k: statistics.median(v) for k, v in out.items()}, {k: len(v) for k, v in out.items()}


def main():
    d = sys.argv[1]
    heed, runs = read(d + "/heed-*.txt")
    torch, _ = read(d + "/torch-*.txt")
    print("| workload | threads | runs | Heed ms | PyTorch ms | PyTorch/Heed | PyTorch best ms"
          " | PyTorch best/Heed |")
    print("|---|---|---|---|---|---|---|---|")
    for (name, t), h in sorted(heed.items()):
        p = torch.get((name, t))
        # the _cached lines have no PyTorch counterpart of their own name
        best = min((v for (n, _), v in torch.items() if n == name), default=None)
        print("| %s | %d | %d | %.3g | %s | %s | %s | %s |" % (
            name, t, runs[(name, t)], h, "%.3g" % p if p else "-",
            "%.2fx" % (p / h) if p else "-", "%.3g" % best if best else "-",
            "%.2fx" % (best / h) if best else "-"))
    for (name, t), p in sorted(torch.items()):
        if (name, t) not in heed:
            print("| %s (PyTorch only) | %d | | | %.3g | | | |" % (name, t, p))


if __name__ == "__main__":
    main()
