#!/usr/bin/python3
"""PyTorch's time for `heed bench --only conv`: a 3x3 convolution, batch 32, 64 -> 64 channels,
28x28, padding 1, with bias, float32: forward under no_grad (conv2d_fwd) and forward, sum() and
backward into weight, bias and input (conv2d_fwdbwd); and one training step of the Fashion-MNIST
CNN of examples/fashion-mnist-cnn.yaml on a fixed batch of 64 random 28x28 images (normalize,
conv 1->16, batch norm + ReLU, 2x2 max pool, conv 16->32, batch norm + ReLU, 2x2 max pool, flatten,
dense 1568->128 ReLU, dense 128->10; cross-entropy against one-hot targets, backward, Adam lr
0.002: cnn_fwdbwd_adam). Prints "ref torch" lines in the format of
bench/README.md's reference scripts (median, min and max ms per call over the rounds).

Usage: python3 bench_conv_torch.py [--threads 1,2] [--rounds 9] [--round-s 0.25]
Measured with PyTorch 2.13.0+cpu.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Normalize(nn.Module):
    def forward(self, x):
        return (x - 0.2860) / 0.3530


def cnn():
    return nn.Sequential(
        Normalize(), nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10))


def rounds(fn, n, round_s):
    t0 = time.perf_counter()
    calls = 0
    while time.perf_counter() - t0 < 2.0:  # warm-up
        fn()
        calls += 1
    per = (time.perf_counter() - t0) / calls
    k = max(1, int(round_s / per))
    out = []
    for _ in range(n):
        t = time.perf_counter()
        for _ in range(k):
            fn()
        out.append((time.perf_counter() - t) / k)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--round-s", type=float, default=0.25)
    a = p.parse_args()
    torch.manual_seed(0)
    x = torch.randn(32, 64, 28, 28)
    w = (torch.randn(64, 64, 3, 3) * 0.05).requires_grad_(True)
    b = (torch.randn(64) * 0.05).requires_grad_(True)
    xg = x.clone().requires_grad_(True)
    flops = 2.0 * 32 * 64 * 64 * 9 * 28 * 28

    def fwd():
        with torch.no_grad():
            F.conv2d(x, w, b, padding=1)

    def fwdbwd():
        w.grad = b.grad = xg.grad = None
        F.conv2d(xg, w, b, padding=1).sum().backward()

    net = cnn().train()
    adam = torch.optim.Adam(net.parameters(), lr=0.002)
    cx = torch.rand(64, 28 * 28)
    cy = F.one_hot(torch.arange(64) * 7 % 10, 10).float()
    cnn_flops = 3 * 2.0 * 64 * (16 * 9 * 28 * 28 + 32 * 16 * 9 * 14 * 14 + 1568 * 128 + 128 * 10)

    def cnn_step():
        adam.zero_grad(set_to_none=True)
        F.cross_entropy(net(cx), cy).backward()
        adam.step()

    for t in [int(s) for s in a.threads.split(",")]:
        torch.set_num_threads(t)
        for name, fn, f in (("conv2d_fwd", fwd, flops), ("conv2d_fwdbwd", fwdbwd, 3 * flops)):
            r = rounds(fn, a.rounds, a.round_s)
            med = statistics.median(r)
            print("ref torch %s B=32 C=64 H=W=28 k=3 threads=%d median_ms=%.3f min_ms=%.3f"
                  " max_ms=%.3f gflops=%.2f torch=%s" % (name, t, med * 1e3, min(r) * 1e3,
                                                          max(r) * 1e3, f / med / 1e9,
                                                          torch.__version__), flush=True)
        r = rounds(cnn_step, a.rounds, a.round_s)
        med = statistics.median(r)
        print("ref torch cnn_fwdbwd_adam B=64 H=W=28 conv=16,32 dense=128,10 threads=%d"
              " median_ms=%.3f min_ms=%.3f max_ms=%.3f gflops=%.2f torch=%s"
              % (t, med * 1e3, min(r) * 1e3, max(r) * 1e3, cnn_flops / med / 1e9,
                 torch.__version__), flush=True)


if __name__ == "__main__":
    main()
