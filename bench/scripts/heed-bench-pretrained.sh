#!/bin/bash
# Runs any group of the benchmark driver (generate and bert need the pretrained models; conv needs
# heed-vision's layers and heed-activations' ReLU, both on the module path here) from a build tree.
#
# usage: bench/scripts/heed-bench-pretrained.sh BACKEND THREADS GROUPS   (from the repository root)
#        e.g. bench/scripts/heed-bench-pretrained.sh simd 1,2 generate,bert
# needs: Temurin 25 and a built tree: ./mvnw -o -q -pl bench -am install -DskipTests
#        (M2 names the Maven repository that holds the installed modules; default ~/.m2/repository;
#        JAVA_OPTS adds JVM options, e.g. a flight recording)
set -euo pipefail
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
R=${M2:-$HOME/.m2/repository}
V=0.1.0-SNAPSHOT
MP=bench/target/classes
for m in core backend-simd backend-cpu optimizers pretrained vision activations; do
  MP=$MP:$R/dev/heed/heed-$m/$V/heed-$m-$V.jar
done
for j in core/jackson-databind/2.23.0/jackson-databind-2.23.0 \
  core/jackson-core/2.23.0/jackson-core-2.23.0 core/jackson-annotations/2.23/jackson-annotations-2.23; do
  MP=$MP:$R/com/fasterxml/jackson/$j.jar
done
MP=$MP:$R/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar
MP=$MP:$R/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar
MP=$MP:$R/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar
exec "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -Xmx4g -p "$MP" \
  --add-modules jdk.incubator.vector,dev.heed.backend.simd,dev.heed.backend.cpu,dev.heed.optimizers,dev.heed.vision,dev.heed.activations \
  -m dev.heed.bench/dev.heed.bench.Main --backend "$1" --threads "$2" --only "$3"
