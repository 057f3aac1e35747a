#!/usr/bin/env python3
"""PyTorch on a CUDA GPU, FP32, for the GPU targets of the opencl backend (issue 23, item 4).

Prints lines in the reference format ('ref torch-cuda <bench> <params> threads=1 <unit>=V ...',
see benchutil.fmt) for the workloads `heed bench --backend opencl` measures under the same names:
  matmul n=N                FP32 product through cuBLAS, TF32 off (what "cuBLAS FP32" means)
  mha_fwd_infer, mha_fwdbwd nn.MultiheadAttention B=8 T=128 D=256 H=4, as bench_torch.py
  encoder_fwdbwd_adam       nn.TransformerEncoderLayer B=8 T=128 D=256 H=4 FF=1024, Adam step
  encoder_fwd_infer         the same layer, forward without autograd
  encoder_fwdbwd_adam_graph the training step captured once as a CUDA graph and replayed (Adam
                            with capturable=True), PyTorch's counterpart of a replayed Heed step
Every timed call ends with torch.cuda.synchronize(), as `heed bench` waits for its backend.

usage: python3 bench_torch_cuda.py [--sizes 1024,2048,4096] [--only matmul,mha,encoder]
       [--device cuda] (--device cpu runs the same code on the CPU, to check the script)
needs: benchutil.py of the reference benchmarks beside this script or on PYTHONPATH
       (bench/device/prepare.sh copies it).
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import add_args, fmt, measure  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

PREFIX = "ref torch-cuda"


def report(name, params, res, flops=None, unit="ms", extra=""):
    print(fmt(PREFIX, name, params, 1, res, flops, unit, extra), flush=True)


def synced(dev, fn):
    if dev.type != "cuda":
        return fn

    def call():
        fn()
        torch.cuda.synchronize(dev)
    return call


def bench_matmul(dev, a):
    for n in a.sizes:
        x = torch.randn(n, n, device=dev)
        y = torch.randn(n, n, device=dev)
        out = torch.empty(n, n, device=dev)
        res = measure(synced(dev, lambda: torch.mm(x, y, out=out)), a)
        report("matmul", "n=%d" % n, res, flops=2.0 * n ** 3)


def mha_flops_fwd(B, T, D):
    return 8.0 * B * T * D * D + 4.0 * B * T * T * D


def bench_mha(dev, a):
    B, T, D, H = 8, 128, 256, 4
    torch.manual_seed(0)
    mha = nn.MultiheadAttention(D, H, batch_first=True).to(dev)
    x = torch.randn(B, T, D, device=dev)
    params = "B=%d T=%d D=%d H=%d" % (B, T, D, H)
    ff = mha_flops_fwd(B, T, D)
    mha.eval()

    def fwd_infer():
        with torch.no_grad():
            mha(x, x, x, need_weights=False)
    report("mha_fwd_infer", params, measure(synced(dev, fwd_infer), a), flops=ff)
    mha.train()
    xg = x.clone().requires_grad_(True)

    def fwd_bwd():
        for p in mha.parameters():
            p.grad = None
        xg.grad = None
        out, _ = mha(xg, xg, xg, need_weights=False)
        out.sum().backward()
    report("mha_fwdbwd", params, measure(synced(dev, fwd_bwd), a), flops=3 * ff,
           extra=" flops_model=3xfwd")


def bench_encoder(dev, a):
    B, T, D, H, FF = 8, 128, 256, 4, 1024
    params = "B=%d T=%d D=%d H=%d FF=%d" % (B, T, D, H, FF)
    ff = mha_flops_fwd(B, T, D) + 4.0 * B * T * D * FF

    def layer_and_adam(capturable):
        torch.manual_seed(0)
        layer = nn.TransformerEncoderLayer(d_model=D, nhead=H, dim_feedforward=FF, dropout=0.0,
                                           batch_first=True).to(dev)
        kw = {"capturable": True} if capturable else {}
        return layer, torch.optim.Adam(layer.parameters(), lr=1e-3, **kw)

    x = torch.randn(B, T, D, device=dev)
    layer, opt = layer_and_adam(False)
    layer.train()

    def step():
        opt.zero_grad(set_to_none=True)
        layer(x).sum().backward()
        opt.step()
    res = measure(synced(dev, step), a)
    report("encoder_fwdbwd_adam", params, res, flops=3 * ff,
           extra=" tokens_per_s=%.0f flops_model=3xfwd" % (B * T / res[0]))
    layer.eval()

    def fwd_infer():
        with torch.no_grad():
            layer(x)
    res = measure(synced(dev, fwd_infer), a)
    report("encoder_fwd_infer", params, res, flops=ff,
           extra=" tokens_per_s=%.0f" % (B * T / res[0]))

    if dev.type != "cuda":
        print("%s info encoder_fwdbwd_adam_graph not measured: CUDA graphs need a GPU" % PREFIX,
              flush=True)
        return
    # the whole step as one CUDA graph (torch.cuda.graphs' whole-network recipe): warm up on a
    # side stream, capture once with the gradients kept (zero_grad(set_to_none=False)), replay
    layer, opt = layer_and_adam(True)
    layer.train()
    static_x = x.clone()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            opt.zero_grad(set_to_none=False)
            layer(static_x).sum().backward()
            opt.step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    opt.zero_grad(set_to_none=False)
    with torch.cuda.graph(graph):
        layer(static_x).sum().backward()
        opt.step()
    res = measure(synced(dev, graph.replay), a)
    report("encoder_fwdbwd_adam_graph", params, res, flops=3 * ff,
           extra=" tokens_per_s=%.0f flops_model=3xfwd" % (B * T / res[0]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--only", default="matmul,mha,encoder")
    p.add_argument("--sizes", default="1024,2048,4096")
    p.add_argument("--device", default="cuda")
    add_args(p, rounds=7, round_s=0.2, warmup_s=1.0)
    a = p.parse_args()
    a.sizes = [int(s) for s in a.sizes.split(",")]
    dev = torch.device(a.device)
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            print("%s info no CUDA device: nothing measured" % PREFIX, flush=True)
            return 1
        # FP32 products: TF32 tensor cores off, so cuBLAS computes what an FP32 kernel computes
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        desc = "%s sms=%d" % (torch.cuda.get_device_name(dev),
                              torch.cuda.get_device_properties(dev).multi_processor_count)
    else:
        desc = "cpu threads=%d" % torch.get_num_threads()
    print("%s info version=%s device=\"%s\" tf32=off" % (PREFIX, torch.__version__, desc),
          flush=True)
    only = set(a.only.split(","))
    if "matmul" in only:
        bench_matmul(dev, a)
    if "mha" in only:
        bench_mha(dev, a)
    if "encoder" in only:
        bench_encoder(dev, a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
