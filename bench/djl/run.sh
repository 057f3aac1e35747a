#!/usr/bin/env bash
# PyTorch 2.7.1 (CPU build: MKL, oneDNN) through DJL, offline: the `heed bench` workloads, one JVM
# per thread count, lines prefixed `ref djl-torch` on standard out.
#
# usage: bench/djl/run.sh [THREADS] [GROUPS] [SIZES]      (from the repository root)
#        bench/djl/run.sh 1,2 matmul,mlp,mha_small,mha,encoder,seed,conv 256,512,1024,2048
# The first run builds bench/djl (fetches DJL and the 250 MB PyTorch native jar from Maven Central
# once); DJL unpacks the native library to ~/.djl.ai on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
THREADS=${1:-1,2}
GROUPS_=${2:-matmul,mlp,mha_small,mha,encoder,seed,conv}
SIZES=${3:-256,512,1024,2048}
. ../../.mvn/jdk.sh
heed_find_jdk
jar=target/heed-bench-djl-1.0.0-SNAPSHOT.jar
if [[ ! -s ${jar} || -n $(find src pom.xml -newer "${jar}" -print -quit) ]]; then
  ../../mvnw -B -ntp -q package >&2
fi
export PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu DJL_OFFLINE=true
for t in ${THREADS//,/ }; do
  "${JAVA_HOME}/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.pytorch.num_threads="${t}" \
    -Dai.djl.pytorch.num_interop_threads=1 \
    -cp "target/lib/*:${jar}" dev.heed.bench.djl.TorchBench --only "${GROUPS_}" --sizes "${SIZES}"
done
