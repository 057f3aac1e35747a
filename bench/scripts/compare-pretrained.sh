#!/bin/bash
# Measures the pretrained-model groups (generate, bert; and generate_bf16, the same generations with
# the layer matrices resident in BFLOAT16, on simd) of Heed (simd on 1 and 2 threads, cpu on 1)
# and of the PyTorch reference (bench_pretrained_torch.py) in one session, PyTorch first, plus a
# rough memory bandwidth (membw.py); the raw lines go to OUTDIR/{torch,heed-simd,heed-cpu,membw}.txt.
#
# usage: bench/scripts/compare-pretrained.sh OUTDIR [SKIP_CPU]   (from the repository root)
# needs: Temurin 25, python3 with PyTorch 2.13.0+cpu, and a built tree (see heed-bench-pretrained.sh)
set -euo pipefail
OUT=$1
mkdir -p "$OUT"
load() { echo "# $(date -u +%H:%M:%S) loadavg $(cut -d' ' -f1-3 /proc/loadavg) $*" >> "$OUT/load.txt"; }
load membw
python3 bench/scripts/membw.py >> "$OUT/membw.txt" 2>&1
load torch
python3 bench/scripts/bench_pretrained_torch.py --threads 1,2 --only generate,bert >> "$OUT/torch.txt" 2>&1
load heed simd
bench/scripts/heed-bench-pretrained.sh simd 1,2 generate,generate_bf16,bert >> "$OUT/heed-simd.txt" 2>&1
if [ -z "${2:-}" ]; then
  load heed cpu
  bench/scripts/heed-bench-pretrained.sh cpu 1 generate,bert >> "$OUT/heed-cpu.txt" 2>&1
fi
load done
