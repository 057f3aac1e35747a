#!/bin/bash
# Measures two builds of Heed on the same workloads in one session, alternating them (old, new, old,
# new) one workload group at a time, so that the machine's drift falls on both alike, and prints a
# table of the medians and of the speed ratio new/old.
#
# usage: bench/scripts/before-after.sh OLD_TREE NEW_TREE [OUTDIR] [BACKEND]
#        OLD_TREE and NEW_TREE are checkouts built with
#        ./mvnw -o -q -pl bench -am install -DskipTests   (in each tree)
# for example, from the repository root with the old commit checked out in a worktree:
#   git worktree add /tmp/heed-old <commit> && (cd /tmp/heed-old && ./mvnw -o -q -pl bench -am install -DskipTests)
#   bench/scripts/before-after.sh /tmp/heed-old . /tmp/heed-before-after
set -euo pipefail
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
OUT=${3:-/tmp/heed-before-after-$(date -u +%Y%m%dT%H%M%S)}
BACKEND=${4:-simd}
ROUNDS=${ROUNDS:-2}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
R=~/.m2/repository
heed() {
  local tree=$1
  shift
  local mp=$tree/core/target/classes:$tree/backends/simd/target/classes
  mp=$mp:$tree/backends/cpu/target/classes:$tree/optimizers/target/classes
  mp=$mp:$tree/bench/target/classes:$R/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar
  mp=$mp:$R/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar
  mp=$mp:$R/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar
  "$JAVA_HOME/bin/java" -p "$mp" \
    --add-modules jdk.incubator.vector,dev.heed.backend.simd,dev.heed.backend.cpu,dev.heed.optimizers \
    -m dev.heed.bench/dev.heed.bench.Main --backend "$BACKEND" "$@"
}
mkdir -p "$OUT"
load() { echo "# $(date -u +%H:%M:%S) $(sed 's/ [0-9]*\/.*//' /proc/loadavg) $*" >> "$OUT/load.txt"; }
for g in matmul mlp mha_small mha encoder seed; do
  threads=1,2
  [ "$g" = seed ] && threads=1
  for round in $(seq "$ROUNDS"); do
    load "$g old $round"
    heed "$OLD" --threads $threads --only $g --sizes 256,1024 2>&1 | grep '^heed ' | sed "s/\$/ round=$round/" >> "$OUT/old.txt"
    load "$g new $round"
    heed "$NEW" --threads $threads --only $g --sizes 256,1024 2>&1 | grep '^heed ' | sed "s/\$/ round=$round/" >> "$OUT/new.txt"
  done
done
load done
cat "$OUT/load.txt"
/usr/bin/python3 "$(dirname "$0")/before_after.py" "$OUT/old.txt" "$OUT/new.txt"
