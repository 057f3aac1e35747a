#!/bin/bash
# Before/after of the small training steps (seed, mlp groups of the benchmark driver) alternated
# with PyTorch 1.13 in one sitting: two rounds of {threads 1, 2} x {before, after, PyTorch}.
#
# usage (from the repository root, after ./mvnw -o -q -pl bench -am install -DskipTests):
#   BEFORE=/path/before.jar AFTER=/path/after.jar M2=~/.m2/repository \
#     backends/simd/benchmarks/2026-12-06/small-steps/measure.sh > out.txt
# where each jar is a build of heed-backend-simd (the before one was made with
#   git archive e94e1bb backends/simd/src/main | tar -x -C /tmp/base and javac/jar of its sources
#   against heed-core; the after one is the installed heed-backend-simd jar).
# PyTorch: /usr/bin/python3 with Debian's torch 1.13, the reference scripts in ../shared/bench.
set -uo pipefail
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
R=${M2:-$HOME/.m2/repository}
V=0.1.0-SNAPSHOT
REF=${REF:-../shared/bench/reference}
bench() { # jar threads
  local MP=bench/target/classes:$1
  for m in core backend-cpu optimizers pretrained; do MP=$MP:$R/dev/heed/heed-$m/$V/heed-$m-$V.jar; done
  for j in core/jackson-databind/2.23.0/jackson-databind-2.23.0 core/jackson-core/2.23.0/jackson-core-2.23.0 \
    core/jackson-annotations/2.23/jackson-annotations-2.23; do MP=$MP:$R/com/fasterxml/jackson/$j.jar; done
  MP=$MP:$R/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar:$R/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar
  MP=$MP:$R/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar
  "$JAVA_HOME/bin/java" -Xmx4g -p "$MP" \
    --add-modules jdk.incubator.vector,dev.heed.backend.simd,dev.heed.backend.cpu,dev.heed.optimizers \
    -m dev.heed.bench/dev.heed.bench.Main --backend simd --threads "$2" --only seed,mlp 2>&1 |
    grep "sgd\|seed_mlp_step"
}
for round in 1 2; do
  for t in 1 2; do
    for v in before after; do
      echo "### $v threads=$t round=$round $(date -u +%H:%M:%S) load=$(cut -d' ' -f1-3 /proc/loadavg)"
      if [ $v = before ]; then bench "$BEFORE" $t; else bench "$AFTER" $t; fi
    done
    echo "### torch threads=$t $(date -u +%H:%M:%S) load=$(cut -d' ' -f1-3 /proc/loadavg)"
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 $REF/bench_torch.py \
      --attempts 1 --quiet-wait 0 --threads $t --only mlp 2>&1 | grep "mlp_fwdbwd"
    [ $t = 1 ] && /usr/bin/python3 $REF/bench_seed.py 2>&1 | grep "seed_mlp_step"
  done
done
echo "### end $(date -u +%H:%M:%S) load=$(cut -d' ' -f1-3 /proc/loadavg)"
