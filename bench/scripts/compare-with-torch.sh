#!/bin/bash
# Measures Heed (heed bench) and the PyTorch reference (bench_torch.py, bench_seed.py) on the same
# workloads in one session, one workload group at a time (PyTorch first, then Heed), and prints the
# ratio table of backends/simd/README.md.
#
# usage: bench/scripts/compare-with-torch.sh [OUTDIR] [BACKEND] [djl]  (from the repository root)
# With `djl` as third argument PyTorch 2.7.1 through DJL (bench/djl/run.sh) runs each group too,
# after Debian's PyTorch and before Heed, and the table gains its column.
# needs: Temurin 25, Debian's python3-torch with python3-threadpoolctl and libopenblas0-openmp
#        (the reference README's install list), and a built tree:
#        ./mvnw -o -q -pl bench -am install -DskipTests
set -euo pipefail
OUT=${1:-/tmp/heed-vs-torch-$(date -u +%Y%m%dT%H%M%S)}
BACKEND=${2:-simd}
DJL=${3:-}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
REF=${REF:-../shared/bench/reference}
R=~/.m2/repository
MP=core/target/classes:backends/simd/target/classes:backends/cpu/target/classes
MP=$MP:optimizers/target/classes:bench/target/classes
MP=$MP:$R/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar
MP=$MP:$R/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar
MP=$MP:$R/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar
HEED=("$JAVA_HOME/bin/java" -p "$MP"
  --add-modules jdk.incubator.vector,dev.heed.backend.simd,dev.heed.backend.cpu,dev.heed.optimizers
  -m dev.heed.bench/dev.heed.bench.Main --backend "$BACKEND")
# the OpenMP OpenBLAS, as the reference README asks for 2 threads; one attempt, no waiting for a
# quiet machine (the load is recorded instead)
TORCH=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
  /usr/bin/python3 "$REF/bench_torch.py" --attempts 1 --quiet-wait 0)
mkdir -p "$OUT"
load() { echo "# $(date -u +%H:%M:%S) $(sed 's/ [0-9]*\/.*//' /proc/loadavg) $*" >> "$OUT/load.txt"; }
for g in matmul mlp mha_small mha encoder; do
  load "$g"
  "${TORCH[@]}" --threads 1,2 --only $g >> "$OUT/torch.txt" 2>&1
  if [[ $DJL == djl ]]; then bench/djl/run.sh 1,2 $g >> "$OUT/djl.txt" 2>/dev/null; fi
  "${HEED[@]}" --threads 1,2 --only $g >> "$OUT/heed.txt" 2>&1
done
load seed
/usr/bin/python3 "$REF/bench_seed.py" >> "$OUT/torch.txt" 2>&1
if [[ $DJL == djl ]]; then bench/djl/run.sh 1 seed >> "$OUT/djl.txt" 2>/dev/null; fi
"${HEED[@]}" --threads 1 --only seed >> "$OUT/heed.txt" 2>&1
load done
cat "$OUT/load.txt"
/usr/bin/python3 bench/scripts/compare.py "$OUT/torch.txt" "$OUT/heed.txt" \
  ${DJL:+"$OUT/djl.txt"}
