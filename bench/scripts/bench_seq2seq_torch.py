"""PyTorch reference for the seq2seq group of `heed bench` (dev.heed.bench.Seq2SeqBench).

The encoder-decoder transformer of integration-tests' DateTransductionTest in plain PyTorch:
vocabulary 15, width 32, 4 heads, feed-forward 64, 2 encoder and 2 decoder layers
(nn.TransformerEncoder / nn.TransformerDecoder, the stacks nn.Transformer is made of, post-norm,
ReLU, dropout 0, without nn.Transformer's extra final layer norms, which Heed's model does not
have), embeddings scaled by sqrt(32), learned positions up to 12, a linear head; PyTorch's own
random initial weights. It times:

  seq2seq_greedy      batch 1, a source of 10 tokens, 12 tokens generated greedily; the encoder
                      once, then the decoder over the whole prefix at every step, as Heed's
                      EncoderDecoder.greedy does (no KV cache); arg-max on the host
  seq2seq_beam1/4     beam search of width 1 and 4 (length penalty 0.6), written as Heed's
                      EncoderDecoder.beam (the decoder over the width's prefixes as one batch,
                      log-softmax of the last position, candidates sorted on the host)
  seq2seq_greedy_full as seq2seq_greedy, but each step calls the whole model (encoder included)
                      on (source, prefix): the loop of code that treats nn.Transformer as one
                      forward function
  seq2seq_fwdbwd_adam the training step at batch 32 (sources of 8-10 tokens padded to 10 and
                      masked, 11 decoder tokens): forward, cross-entropy, backward, Adam (lr 3e-3)

PyTorch's nn.Transformer / nn.TransformerDecoder has no incremental decoding: no KV cache and no
generate method; its decoder takes the whole target (with a causal tgt_mask) on every call, so the
usual loop (the PyTorch translation tutorial's greedy_decode) re-runs the prefix exactly as here.
No stop token is ever produced (stop = -1), so every call makes all 12 tokens.

Timing as benchutil.py's measure_once (warm-up >= 3 calls and --warmup-s, then --rounds rounds of
about --round-s each; median, min, max per call), one line per measurement with prefix `ref torch`.

usage (PyTorch 2.13.0+cpu, Python 3.11):
    python3 bench/scripts/bench_seq2seq_torch.py [--threads 1,2]
"""

import argparse
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, D, H, FF, LAYERS, S, T, NEW, BATCH = 15, 32, 4, 64, 2, 10, 11, 12, 32
START, PAD = 12, 14
PARAMS = "V=15 D=32 H=4 FF=64 L=2+2 S=10"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg") as f:
        return ",".join(f.read().split()[:3])


def sys_busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6]


def self_ticks():
    t = os.times()
    return (t.user + t.system) * CLK_TCK


def measure(fn, a):
    t0 = time.perf_counter()
    n = 0
    while True:
        fn()
        n += 1
        if n >= 3 and time.perf_counter() - t0 >= a.warmup_s:
            break
    per = (time.perf_counter() - t0) / n
    iters = max(1, int(a.round_s / per))
    times = []
    c0 = time.process_time()
    b0, s0 = sys_busy_ticks(), self_ticks()
    w0 = time.perf_counter()
    for _ in range(a.rounds):
        s = time.perf_counter()
        for _ in range(iters):
            fn()
        times.append((time.perf_counter() - s) / iters)
    wall = time.perf_counter() - w0
    util = (time.process_time() - c0) / wall
    foreign = max(0.0, ((sys_busy_ticks() - b0) - (self_ticks() - s0)) / CLK_TCK / wall)
    return statistics.median(times), min(times), max(times), iters, util, foreign


def line(name, params, threads, r, extra):
    med, lo, hi, iters, util, foreign = r
    return ("ref torch %s %s threads=%d ms=%.4g ms_min=%.4g ms_max=%.4g iters=%d cpu_util=%.2f"
            " foreign_cores=%.2f steal_cores=0.00 attempt=1%s" % (
                name, params, threads, med * 1e3, lo * 1e3, hi * 1e3, iters, util, foreign,
                extra))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(V, D)
        self.src_pos = nn.Parameter(torch.randn(12, D))
        self.tgt_emb = nn.Embedding(V, D)
        self.tgt_pos = nn.Parameter(torch.randn(12, D))
        enc = nn.TransformerEncoderLayer(D, H, FF, 0.0, batch_first=True)
        dec = nn.TransformerDecoderLayer(D, H, FF, 0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, LAYERS, enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(dec, LAYERS)
        self.head = nn.Linear(D, V)

    def encode(self, src, pad):
        x = self.src_emb(src) * math.sqrt(D) + self.src_pos[: src.shape[1]]
        return self.encoder(x, src_key_padding_mask=pad)

    def decode(self, tgt, memory, pad):
        t = tgt.shape[1]
        y = self.tgt_emb(tgt) * math.sqrt(D) + self.tgt_pos[:t]
        causal = nn.Transformer.generate_square_subsequent_mask(t)
        y = self.decoder(y, memory, tgt_mask=causal, tgt_is_causal=True,
                         memory_key_padding_mask=pad)
        return self.head(y)

    def forward(self, src, tgt, pad):
        return self.decode(tgt, self.encode(src, pad), pad)


def greedy(model, src, pad, full=False):
    with torch.no_grad():
        memory = None if full else model.encode(src, pad)
        tokens = [START]
        for t in range(1, NEW + 1):
            prefix = torch.tensor([tokens])
            logits = model(src, prefix, pad) if full else model.decode(prefix, memory, pad)
            tokens.append(int(logits[0, t - 1].argmax()))
        return tokens[1:]


def beam(model, src, pad, width, alpha=0.6, stop=-1):
    with torch.no_grad():
        memory = model.encode(src, pad).repeat_interleave(width, 0)
        mask = pad.repeat_interleave(width, 0)
        live, finished = [([START], 0.0)], []
        for t in range(1, NEW + 1):
            rows = [live[min(k, len(live) - 1)][0] for k in range(width)]
            logits = model.decode(torch.tensor(rows), memory, mask)
            logp = F.log_softmax(logits[:, t - 1], 1).tolist()
            cands = []
            for k, (toks, lp) in enumerate(live):
                for v in range(V):
                    cands.append((toks + [v], lp + logp[k][v]))
            cands.sort(key=lambda c: -c[1])
            nxt = []
            for c in cands:
                if len(nxt) == width:
                    break
                (finished if c[0][t] == stop else nxt).append(c)
            live = [] if len(finished) >= width or t == NEW else nxt
            if t == NEW:
                finished += nxt
            if not live:
                break
        best = max(finished, key=lambda c: c[1] / (len(c[0]) - 1) ** alpha)
        return best[0][1:]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--round-s", dest="round_s", type=float, default=0.25)
    p.add_argument("--warmup-s", dest="warmup_s", type=float, default=2.0)
    a = p.parse_args()
    print("ref torch info version=%s loadavg=%s" % (torch.__version__, loadavg()), flush=True)
    for threads in [int(x) for x in a.threads.split(",")]:
        torch.set_num_threads(threads)
        torch.manual_seed(11)
        model = Model().eval()
        src = torch.tensor([[2, 3, 10, 1, 1, 10, 1, 9, 9, 4]])
        pad = torch.zeros(1, S, dtype=torch.bool)
        gen = [("seq2seq_greedy", lambda: greedy(model, src, pad), 1),
               ("seq2seq_beam1", lambda: beam(model, src, pad, 1), 1),
               ("seq2seq_beam4", lambda: beam(model, src, pad, 4), 4),
               ("seq2seq_greedy_full", lambda: greedy(model, src, pad, True), 1)]
        for name, fn, rows in gen:
            assert len(fn()) == NEW
            r = measure(fn, a)
            print(line(name, PARAMS + " B=1 new=%d" % NEW, threads, r,
                       " tokens_per_s=%.1f decoder_positions=%d loadavg=%s" % (
                           NEW / r[0], rows * NEW * (NEW + 1) // 2, loadavg())), flush=True)
        g = torch.Generator().manual_seed(7)
        lengths = torch.randint(8, S + 1, (BATCH,), generator=g)
        src_b = torch.randint(0, 12, (BATCH, S), generator=g)
        pad_b = torch.arange(S)[None, :] >= lengths[:, None]
        src_b[pad_b] = PAD
        labels = torch.randint(0, 14, (BATCH, T), generator=g)
        inp = torch.cat([torch.full((BATCH, 1), START), labels[:, :-1]], 1)
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)

        def step():
            logits = model(src_b, inp, pad_b)
            loss = F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()

        r = measure(step, a)
        print(line("seq2seq_fwdbwd_adam", PARAMS + " B=%d T=%d" % (BATCH, T), threads, r,
                   " tokens_per_s=%.0f loadavg=%s" % (BATCH * T / r[0], loadavg())), flush=True)


if __name__ == "__main__":
    main()
