"""PyTorch reference for the pretrained-model groups of `heed bench` (generate, bert).

Builds the same shapes as dev.heed.bench.PretrainedBench in plain PyTorch, with the module code of
pretrained/src/test/fixtures/make_fixtures.py (Hugging Face transformers' modeling code, layer for
layer), random FLOAT32 weights N(0, 0.02), and times:

  gpt2_generate  GPT-2 small (12 layers, 768 wide, 12 heads, vocab 50257, tied head)
  llama_generate Llama of similar size (12 layers, 768 wide, 12 heads, 4 KV heads, FF 2048,
                 vocab 32000, untied head)
      greedy generation at batch 1: a 16-token prompt run once, then 64 tokens one at a time with
      a KV cache written as heed's KvCache is (one preallocated [B, Hkv, capacity, d] key and value
      tensor per layer, written in place, read as a view of the filled length; no step re-runs the
      prefix), the head on the last position only, arg-max on the host
  bert_forward   BERT base (12 layers, 768 wide, 12 heads, FF 3072), one sequence of 128 tokens

Each is warmed up, then timed as whole calls (3 rounds, median, min, max), printing one line per
measurement in the bench format with the prefix `ref torch`.

usage (PyTorch 2.13.0+cpu, Python 3.11):
    python3 bench/scripts/bench_pretrained_torch.py [--threads 1,2] [--only generate,bert]
"""

import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PROMPT, NEW, ROUNDS = 16, 64, 3


def loadavg():
    with open("/proc/loadavg") as f:
        return ",".join(f.read().split()[:3])


class Cache:
    """One preallocated key and value tensor [B, Hkv, capacity, d] per layer."""

    def __init__(self, layers, b, hkv, cap, d):
        self.k = [torch.zeros(b, hkv, cap, d) for _ in range(layers)]
        self.v = [torch.zeros(b, hkv, cap, d) for _ in range(layers)]
        self.length = 0

    def append(self, i, k, v):
        s, t = self.length, k.shape[2]
        self.k[i][:, :, s:s + t].copy_(k)
        self.v[i][:, :, s:s + t].copy_(v)
        return self.k[i][:, :, :s + t], self.v[i][:, :, :s + t]


def causal_mask(t, start, dtype):
    """[t, start + t]: query i (at position start + i) sees keys up to start + i."""
    q = torch.arange(start, start + t)[:, None]
    k = torch.arange(start + t)[None, :]
    return k <= q


# ------------------------------------------------------------------ GPT-2 (make_fixtures.py)
class Conv1D(nn.Module):
    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return x @ self.weight + self.bias


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.heads = c["n_head"]
        self.c_attn = Conv1D(3 * e, e)
        self.c_proj = Conv1D(e, e)

    def forward(self, x, cache, i):
        b, t, e = x.shape
        d = e // self.heads
        start = cache.length
        q, k, v = self.c_attn(x).split(e, dim=2)
        q, k, v = (y.view(b, t, self.heads, d).permute(0, 2, 1, 3) for y in (q, k, v))
        k, v = cache.append(i, k, v)
        w = q @ k.transpose(-1, -2) / torch.full([], v.size(-1) ** 0.5, dtype=x.dtype)
        w = torch.where(causal_mask(t, start, w.dtype), w,
                        torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype))
        a = (w.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, t, e)
        return self.c_proj(a)


class GPT2MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.c_fc = Conv1D(c["n_inner"], e)
        self.c_proj = Conv1D(e, c["n_inner"])

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class GPT2Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["n_embd"]
        self.ln_1 = nn.LayerNorm(e, eps=c["layer_norm_epsilon"])
        self.attn = GPT2Attention(c)
        self.ln_2 = nn.LayerNorm(e, eps=c["layer_norm_epsilon"])
        self.mlp = GPT2MLP(c)

    def forward(self, x, cache, i):
        x = x + self.attn(self.ln_1(x), cache, i)
        return x + self.mlp(self.ln_2(x))


class GPT2LMHeadModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
        self.wpe = nn.Embedding(c["n_positions"], c["n_embd"])
        self.h = nn.ModuleList([GPT2Block(c) for _ in range(c["n_layer"])])
        self.ln_f = nn.LayerNorm(c["n_embd"], eps=c["layer_norm_epsilon"])

    def new_cache(self, cap):
        c = self.c
        return Cache(c["n_layer"], 1, c["n_head"], cap, c["n_embd"] // c["n_head"])

    def hidden(self, ids, cache):
        s = cache.length
        x = self.wte(ids) + self.wpe(torch.arange(s, s + ids.shape[1]).unsqueeze(0))
        for i, blk in enumerate(self.h):
            x = blk(x, cache, i)
        cache.length += ids.shape[1]
        return self.ln_f(x)

    def logits(self, h):
        return F.linear(h, self.wte.weight)  # the head tied to wte


# ------------------------------------------------------------------ Llama (make_fixtures.py)
def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


class LlamaRMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


class LlamaAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv = c["num_key_value_heads"]
        self.d = h // self.heads
        self.q_proj = nn.Linear(h, self.heads * self.d, bias=False)
        self.k_proj = nn.Linear(h, self.kv * self.d, bias=False)
        self.v_proj = nn.Linear(h, self.kv * self.d, bias=False)
        self.o_proj = nn.Linear(self.heads * self.d, h, bias=False)

    def forward(self, x, cos, sin, cache, i):
        b, t, _ = x.shape
        start = cache.length
        q = self.q_proj(x).view(b, t, self.heads, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv, self.d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = cache.append(i, k, v)
        n = k.shape[2]
        rep = self.heads // self.kv
        k = k[:, :, None].expand(b, self.kv, rep, n, self.d).reshape(b, self.heads, n, self.d)
        v = v[:, :, None].expand(b, self.kv, rep, n, self.d).reshape(b, self.heads, n, self.d)
        w = q @ k.transpose(2, 3) * self.d ** -0.5
        w = w.masked_fill(~causal_mask(t, start, w.dtype), torch.finfo(w.dtype).min)
        a = (w.softmax(-1) @ v).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(a)


class LlamaMLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(h, i, bias=False)
        self.up_proj = nn.Linear(h, i, bias=False)
        self.down_proj = nn.Linear(i, h, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = LlamaAttention(c)
        self.mlp = LlamaMLP(c)
        self.input_layernorm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.post_attention_layernorm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, x, cos, sin, cache, i):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache, i)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList([LlamaDecoderLayer(c) for _ in range(c["num_hidden_layers"])])
        self.norm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        d = c["hidden_size"] // c["num_attention_heads"]
        self.inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))

    def new_cache(self, cap):
        c = self.c
        d = c["hidden_size"] // c["num_attention_heads"]
        return Cache(c["num_hidden_layers"], 1, c["num_key_value_heads"], cap, d)

    def hidden(self, ids, cache):
        x = self.embed_tokens(ids)
        s = cache.length
        pos = torch.arange(s, s + ids.shape[1], dtype=x.dtype)
        freqs = pos[:, None] * self.inv[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        for i, l in enumerate(self.layers):
            x = l(x, cos, sin, cache, i)
        cache.length += ids.shape[1]
        return self.norm(x)

    def logits(self, h):
        return self.lm_head(h)


# ------------------------------------------------------------------ BERT (make_fixtures.py)
class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)

    def forward(self, x, ext_mask):
        b, t, h = x.shape
        d = h // self.heads

        def split(y):
            return y.view(b, t, self.heads, d).permute(0, 2, 1, 3)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + ext_mask
        probs = scores.softmax(-1)
        return (probs @ v).permute(0, 2, 1, 3).reshape(b, t, h)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i, eps = c["hidden_size"], c["intermediate_size"], c["layer_norm_eps"]
        self.attn = BertSelfAttention(c)
        self.attn_out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=eps)
        self.inter = nn.Linear(h, i)
        self.out = nn.Linear(i, h)
        self.ln2 = nn.LayerNorm(h, eps=eps)

    def forward(self, x, m):
        a = self.ln1(self.attn_out(self.attn(x, m)) + x)
        return self.ln2(self.out(F.gelu(self.inter(a))) + a)


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word = nn.Embedding(c["vocab_size"], h)
        self.pos = nn.Embedding(c["max_position_embeddings"], h)
        self.types = nn.Embedding(c["type_vocab_size"], h)
        self.ln = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])
        self.pooler = nn.Linear(h, h)

    def forward(self, ids):
        t = ids.shape[1]
        e = self.word(ids) + self.types(torch.zeros_like(ids)) + self.pos(torch.arange(t)[None])
        x = self.ln(e)
        mask = torch.ones_like(ids)
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for l in self.layer:
            x = l(x, ext)
        return x, torch.tanh(self.pooler(x[:, 0]))


# ------------------------------------------------------------------ timing
def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.02 * torch.randn(p.shape, generator=g))


def generate(model, prompt, steps):
    """Mirrors dev.heed.pretrained.Generation.generate (greedy); returns (tokens, s to 1st)."""
    cache = model.new_cache(len(prompt) + steps)
    nxt, out, t0, first = prompt, [], time.perf_counter(), None
    while len(out) < steps:
        h = model.hidden(torch.tensor([nxt]), cache)
        logits = model.logits(h[0, -1]).double()
        tok = int(torch.argmax(logits))
        out.append(tok)
        if first is None:
            first = time.perf_counter() - t0
        nxt = [tok]
    return out, first


def bench_decoder(name, params, model, vocab, weight_step_bytes, threads):
    randomize(model, 100)
    model.eval()
    g = torch.Generator().manual_seed(11)
    prompt = torch.randint(0, vocab, (PROMPT,), generator=g).tolist()
    total, first = [], []
    with torch.inference_mode():
        for r in range(-2, ROUNDS):
            t0 = time.perf_counter()
            out, f = generate(model, prompt, NEW)
            el = time.perf_counter() - t0
            assert len(out) == NEW
            if r >= 0:
                total.append(el * 1e3)
                first.append(f * 1e3)
    med = statistics.median(total)
    decode = statistics.median([(NEW - 1) * 1e3 / (t - f) for t, f in zip(total, first)])
    print(f"ref torch {name} {params} B=1 prompt={PROMPT} new={NEW} threads={threads} "
          f"ms={med:.1f} ms_min={min(total):.1f} ms_max={max(total):.1f} "
          f"tokens_per_s={NEW * 1e3 / med:.2f} prefill_ms={statistics.median(first):.1f} "
          f"decode_tokens_per_s={decode:.2f} weight_mb_per_step={weight_step_bytes / 1e6:.1f} "
          f"decode_gb_per_s={weight_step_bytes * decode / 1e9:.2f} rounds={ROUNDS} "
          f"loadavg={loadavg()}", flush=True)


def matvec(k, n, trans_b, threads):
    """x [1, k] @ W [k, n] (Conv1D) or F.linear(x, W [n, k]): one step's product, weight GB/s."""
    x = torch.randn(1, k)
    w = torch.randn(n, k) if trans_b else torch.randn(k, n)
    calls = 200
    f = (lambda: F.linear(x, w)) if trans_b else (lambda: x @ w)
    with torch.inference_mode():
        for _ in range(10 * calls):
            f()
        ms = []
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            for _ in range(calls):
                f()
            ms.append((time.perf_counter() - t0) * 1e3)
    us = statistics.median(ms) * 1e3 / calls
    print(f"ref torch matvec M=1 K={k} N={n} transB={str(trans_b).lower()} threads={threads} "
          f"us={us:.1f} us_min={min(ms) * 1e3 / calls:.1f} us_max={max(ms) * 1e3 / calls:.1f} "
          f"weight_gb_per_s={4 * k * n / (us * 1e3):.2f} gflops={2 * k * n / (us * 1e3):.2f} "
          f"rounds={ROUNDS} loadavg={loadavg()}", flush=True)


def step_bytes(model, gathered):
    return 4 * sum(p.numel() for n, p in model.named_parameters() if n not in gathered)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default="generate,bert")
    a = ap.parse_args()
    only = a.only.split(",")
    torch.manual_seed(0)
    for threads in [int(x) for x in a.threads.split(",")]:
        torch.set_num_threads(threads)
        print(f"ref torch info threads={threads} torch={torch.__version__} "
              f"loadavg={loadavg()}", flush=True)
        if "generate" in only:
            matvec(768, 3072, False, threads)
            matvec(768, 2048, True, threads)
            gc = {"vocab_size": 50257, "n_positions": 1024, "n_embd": 768, "n_layer": 12,
                  "n_head": 12, "n_inner": 3072, "layer_norm_epsilon": 1e-5}
            m = GPT2LMHeadModel(gc)
            bench_decoder("gpt2_generate", "L=12 D=768 H=12 V=50257", m, 50257,
                          step_bytes(m, {"wpe.weight"}), threads)
            del m
            lc = {"vocab_size": 32000, "hidden_size": 768, "intermediate_size": 2048,
                  "num_hidden_layers": 12, "num_attention_heads": 12, "num_key_value_heads": 4,
                  "rms_norm_eps": 1e-6, "rope_theta": 10000.0}
            m = LlamaForCausalLM(lc)
            bench_decoder("llama_generate", "L=12 D=768 H=12 KV=4 FF=2048 V=32000", m, 32000,
                          step_bytes(m, {"embed_tokens.weight"}), threads)
            del m
        if "bert" in only:
            bc = {"vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12,
                  "num_attention_heads": 12, "intermediate_size": 3072,
                  "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12}
            m = BertModel(bc)
            randomize(m, 100)
            m.eval()
            ids = torch.randint(0, 30522, (1, 128), generator=torch.Generator().manual_seed(7))
            with torch.inference_mode():
                for _ in range(3):
                    m(ids)
                ms = []
                for _ in range(ROUNDS):
                    t0 = time.perf_counter()
                    m(ids)
                    ms.append((time.perf_counter() - t0) * 1e3)
            med = statistics.median(ms)
            print(f"ref torch bert_forward B=1 T=128 L=12 D=768 H=12 FF=3072 threads={threads} "
                  f"ms={med:.1f} ms_min={min(ms):.1f} ms_max={max(ms):.1f} "
                  f"seqs_per_s={1e3 / med:.3f} tokens_per_s={128e3 / med:.0f} rounds={ROUNDS} "
                  f"loadavg={loadavg()}", flush=True)
            del m


if __name__ == "__main__":
    main()
