#!/bin/bash
# Measures Heed (heed bench) and the PyTorch reference (bench_torch.py, bench_seed.py) on the same
# workloads in one session, one workload group at a time (PyTorch first, then Heed), and prints the
# ratio table of backends/simd/README.md.
#
# usage: bench/scripts/compare-with-torch.sh [OUTDIR] [BACKEND] [djl]  (from the repository root)
#        ONLY=conv bench/scripts/compare-with-torch.sh /tmp/cmp simd djl   (some groups only)
# With `djl` as third argument PyTorch 2.7.1 through DJL (bench/djl/run.sh) runs each group too,
# after Debian's PyTorch and before Heed, and the table gains its column.
# Groups (ONLY, space- or comma-separated; default all): matmul mlp mha_small mha encoder seed conv.
# The conv group (conv2d_fwd, conv2d_fwdbwd, cnn_fwdbwd_adam) takes about 2 of the ~9 minutes of
# all groups on 2 cores; its Debian PyTorch reference is vision/scripts/bench_conv_torch.py, as the
# reference folder has no convolution script. (seq2seq: bench/scripts/heed-bench-seq2seq.sh.)
# needs: Temurin 25, Debian's python3-torch with python3-threadpoolctl and libopenblas0-openmp
#        (the reference README's install list), and the modules installed:
#        ./mvnw -o -q -pl bench -am install -DskipTests
set -euo pipefail
OUT=${1:-/tmp/heed-vs-torch-$(date -u +%Y%m%dT%H%M%S)}
BACKEND=${2:-simd}
DJL=${3:-}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
REF=${REF:-../shared/bench/reference}
# heed bench from the installed modules (bench/scripts/heed-bench-pretrained.sh runs any group)
heed() { bench/scripts/heed-bench-pretrained.sh "$BACKEND" "$1" "$2"; }
# the OpenMP OpenBLAS, as the reference README asks for 2 threads; one attempt, no waiting for a
# quiet machine (the load is recorded instead)
TORCH=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
  /usr/bin/python3 "$REF/bench_torch.py" --attempts 1 --quiet-wait 0)
mkdir -p "$OUT"
load() { echo "# $(date -u +%H:%M:%S) $(sed 's/ [0-9]*\/.*//' /proc/loadavg) $*" >> "$OUT/load.txt"; }
ONLY=" ${ONLY:-matmul mlp mha_small mha encoder seed conv} "
ONLY=${ONLY//,/ }
wanted() { [[ $ONLY == *" $1 "* ]]; }
for g in matmul mlp mha_small mha encoder; do
  wanted $g || continue
  load "$g"
  "${TORCH[@]}" --threads 1,2 --only $g >> "$OUT/torch.txt" 2>&1
  if [[ $DJL == djl ]]; then bench/djl/run.sh 1,2 $g >> "$OUT/djl.txt" 2>/dev/null; fi
  heed 1,2 $g >> "$OUT/heed.txt" 2>&1
done
if wanted seed; then
  load seed
  /usr/bin/python3 "$REF/bench_seed.py" >> "$OUT/torch.txt" 2>&1
  if [[ $DJL == djl ]]; then bench/djl/run.sh 1 seed >> "$OUT/djl.txt" 2>/dev/null; fi
  heed 1 seed >> "$OUT/heed.txt" 2>&1
fi
if wanted conv; then
  load conv
  env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
    /usr/bin/python3 vision/scripts/bench_conv_torch.py --threads 1,2 >> "$OUT/torch.txt" 2>&1
  if [[ $DJL == djl ]]; then bench/djl/run.sh 1,2 conv >> "$OUT/djl.txt" 2>/dev/null; fi
  heed 1,2 conv >> "$OUT/heed.txt" 2>&1
fi
load done
# the FMA peak of this machine, for the table's share-of-peak column (AVX-512 where the CPU has it)
PEAKBIN=$(mktemp)
if grep -q avx512f /proc/cpuinfo; then
  gcc -O2 -mavx512f -mfma -pthread bench/scripts/peak-avx512.c -o "$PEAKBIN"
else
  gcc -O2 -mavx2 -mfma -pthread "$REF/peak.c" -o "$PEAKBIN"
fi
"$PEAKBIN" 1 5 > "$OUT/peak.txt"
"$PEAKBIN" 2 5 >> "$OUT/peak.txt"
rm -f "$PEAKBIN"
PEAK=$(/usr/bin/python3 - "$OUT/peak.txt" <<'PY'
import re, statistics, sys
g = {}
for line in open(sys.argv[1]):
    m = re.search(r"threads=(\d+) .*gflops=([0-9.]+)", line)
    if m:
        g.setdefault(int(m.group(1)), []).append(float(m.group(2)))
print(",".join("%.1f" % statistics.median(g[t]) for t in sorted(g)))
PY
)
cat "$OUT/load.txt"
echo "# FMA peak GFLOP/s (1,2 threads): $PEAK"
/usr/bin/python3 bench/scripts/compare.py "$OUT/torch.txt" "$OUT/heed.txt" \
  ${DJL:+"$OUT/djl.txt"} --peak "$PEAK"
