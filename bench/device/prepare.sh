#!/bin/bash
# Packs what bench/device/run.sh needs on a lent GPU machine into .device/ (ignored by git, passed
# with the device tool's `carry: [".device"]`): the GPU machine has PyTorch but no JDK, no OpenCL
# ICD loader and no copy of ../shared, and the working tree that travels is limited to 64 MiB.
#
#   .device/jre.tgz   a jlink'ed Java 25 runtime (java.base, the Vector API, logging, management)
#   .device/lib/      the installed Heed modules that heed bench runs, and their libraries
#   .device/ocl/      libOpenCL.so.1, the ICD loader (the NVIDIA driver brings the ICD itself)
#   .device/ref/      the reference scripts (bench_torch.py, benchutil.py), bench_torch_cuda.py
#   .device/peak-*    the FMA-peak probes, built here (AVX-512 and AVX2)
#
# usage: bench/device/prepare.sh   (from the repository root, after ./mvnw -o install -DskipTests)
set -euo pipefail
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
R=${M2:-$HOME/.m2/repository}
REF=${REF:-../shared/bench/reference}
V=0.1.0-SNAPSHOT
D=.device
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf "$D"
mkdir -p "$D/lib" "$D/ocl" "$D/ref"
"$JAVA_HOME/bin/jlink" --add-modules \
  java.base,java.logging,jdk.incubator.vector,java.management,jdk.management,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$D/jre" 2>/dev/null
tar czf "$D/jre.tgz" -C "$D" jre
rm -rf "$D/jre"
for m in core backend-simd backend-cpu backend-opencl optimizers pretrained bench; do
  cp "$R/dev/heed/heed-$m/$V/heed-$m-$V.jar" "$D/lib/"
done
for j in core/jackson-databind/2.23.0/jackson-databind-2.23.0 \
  core/jackson-core/2.23.0/jackson-core-2.23.0 core/jackson-annotations/2.23/jackson-annotations-2.23; do
  cp "$R/com/fasterxml/jackson/$j.jar" "$D/lib/"
done
cp "$R/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar" \
  "$R/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar" \
  "$R/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar" "$D/lib/"
cp -L /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 "$D/ocl/libOpenCL.so.1"
cp "$REF/bench_torch.py" "$REF/benchutil.py" bench/scripts/bench_torch_cuda.py "$D/ref/"
gcc -O2 -mavx512f -mfma -pthread bench/scripts/peak-avx512.c -o "$D/peak-avx512"
gcc -O2 -mavx2 -mfma -pthread "$REF/peak.c" -o "$D/peak-avx2"
du -sh "$D"
