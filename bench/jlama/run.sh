#!/usr/bin/env bash
# Jlama 0.8.4 (pure Java, Vector API) generating with the Llama shape of `heed bench`'s
# llama_generate: one JVM per thread count and weight type, lines prefixed `ref jlama`.
#
# usage: bench/jlama/run.sh [THREADS] [WEIGHTS] [DIR]      (from the repository root)
#        bench/jlama/run.sh 1,2 F32,BF16 /tmp/heed-jlama-llama
# The model directories (random weights, about 400 MB in F32) are written on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
THREADS=${1:-1,2}
WEIGHTS=${2:-F32,BF16}
DIR=${3:-/tmp/heed-jlama-llama}
. ../../.mvn/jdk.sh
heed_find_jdk
jar=target/heed-bench-jlama-1.0.0-SNAPSHOT.jar
if [[ ! -s ${jar} || -n $(find src pom.xml -newer "${jar}" -print -quit) ]]; then
  ../../mvnw -B -ntp -q package >&2
fi
for w in ${WEIGHTS//,/ }; do
  for t in ${THREADS//,/ }; do
    "${JAVA_HOME}/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -cp "target/lib/*:${jar}" dev.heed.bench.jlama.JlamaBench "${DIR}-${w}" "${t}" "${w}" \
      2> >(grep -v -e '^WARNING' >&2)
  done
done
