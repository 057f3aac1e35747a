"""Rough memory bandwidth, STREAM-like: read (sum) and copy of 1 GiB float32 arrays (larger than
the last-level cache), best of 5, with PyTorch on 1 and 2 threads. One line per measurement:

    membw op=read threads=1 gb_per_s=…      (bytes read per second)
    membw op=copy threads=1 gb_per_s=…      (bytes read + written per second)

usage (PyTorch 2.13.0+cpu): python3 bench/scripts/membw.py
"""

import time

import torch

N = 256 * 1024 * 1024  # 1 GiB of float32

a = torch.ones(N)
b = torch.empty(N)
with open("/proc/loadavg") as f:
    load = ",".join(f.read().split()[:3])
for threads in (1, 2):
    torch.set_num_threads(threads)
    for op in ("read", "copy"):
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            if op == "read":
                a.sum()
            else:
                b.copy_(a)
            best = min(best, time.perf_counter() - t0)
        moved = 4 * N * (1 if op == "read" else 2)
        print(f"membw op={op} threads={threads} gb_per_s={moved / best / 1e9:.1f} "
              f"bytes={4 * N} loadavg={load}", flush=True)
