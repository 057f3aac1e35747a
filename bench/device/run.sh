#!/bin/bash
# The GPU-machine measurements of issue 23 (items 3 and 4) as one prepared run of about six
# minutes: the 16-core host's FMA peak, sgemm and the encoder step at 4, 8 and 16 threads against
# PyTorch's CPU build there, and the opencl backend on the GPU (matmul, per-call host cost, the
# attention and encoder passes, eager and replayed) against PyTorch CUDA FP32 (cuBLAS, TF32 off,
# and the encoder step as a CUDA graph). Raw lines go to $OUT, one file per source, and the ratio
# tables to $OUT/tables.md.
#
# usage, from the repository root on the device machine, after bench/device/prepare.sh here:
#   device run: bench/device/run.sh   with carry [".device"] and timeout_s 600
# Locally (to check the script): OUT=/tmp/dev THREADS=1,2 GPU=cpu bench/device/run.sh
# THREADS (default 4,8,16) are the CPU thread counts, SIZES the matmul sizes (1024,2048 on the
# CPU; the GPU adds 4096), GPU=cpu runs the PyTorch GPU script on the CPU, QUICK=1 shortens rounds.
set -uo pipefail
OUT=${OUT:-/tmp/heed-device}
THREADS=${THREADS:-4,8,16}
GPU=${GPU:-cuda}
D=$PWD/.device
mkdir -p "$OUT"
log() { echo "# $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg) $*" | tee -a "$OUT/load.txt"; }
if [[ ! -f $D/jre.tgz ]]; then
  echo "no .device/jre.tgz: run bench/device/prepare.sh here and carry .device" >&2
  exit 2
fi
ROUNDS=(--rounds 5 --round-s 0.2 --warmup-s 1)
PYROUNDS=(--rounds 5 --round-s 0.2 --warmup-s 1 --attempts 1 --quiet-wait 0)
if [[ ${QUICK:-} == 1 ]]; then
  ROUNDS=(--rounds 2 --round-s 0.05 --warmup-s 0.2)
  PYROUNDS=(--rounds 2 --round-s 0.05 --warmup-s 0.2 --attempts 1 --quiet-wait 0)
fi
tar xzf "$D/jre.tgz" -C /tmp
JAVA=/tmp/jre/bin/java
MP=$(ls "$D"/lib/*.jar | tr '\n' ':')
heed() {
  local limit=$1
  shift
  timeout "$limit" "$JAVA" -Xmx24g --enable-native-access=dev.heed.backend.opencl -p "$MP" \
    --add-modules jdk.incubator.vector,dev.heed.backend.simd,dev.heed.backend.cpu,dev.heed.backend.opencl,dev.heed.optimizers \
    -m dev.heed.bench/dev.heed.bench.Main "${ROUNDS[@]}" "$@" 2>&1 | grep -v '^WARNING: Using incubator'
}

# the machine
{
  nproc
  grep -m1 'model name' /proc/cpuinfo
  grep -o -m1 'avx512f' /proc/cpuinfo || echo "no avx512f"
  nvidia-smi -L 2>&1
  python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.is_available())' 2>&1
  "$JAVA" -version 2>&1 | head -1
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# OpenCL: the ICD loader carried here, the driver's ICD (libnvidia-opencl) wherever it is mounted
NV=$(find /usr/local/nvidia /usr/lib /usr/lib64 /usr/lib/x86_64-linux-gnu -maxdepth 3 \
  -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
mkdir -p /tmp/icd
if [[ -n $NV ]]; then echo "$NV" > /tmp/icd/nvidia.icd; fi
if [[ -d /etc/OpenCL/vendors ]]; then cp /etc/OpenCL/vendors/*.icd /tmp/icd/ 2>/dev/null; fi
export OCL_ICD_VENDORS=/tmp/icd
export LD_LIBRARY_PATH=$D/ocl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
echo "# OpenCL vendors: $(cat /tmp/icd/*.icd 2>/dev/null | tr '\n' ' ')" | tee -a "$OUT/machine.txt"

# the GPU first (item 4): PyTorch CUDA, then Heed's opencl backend
log torch-cuda
timeout 150 python3 "$D/ref/bench_torch_cuda.py" --device "$GPU" --sizes ${SIZES:-1024,2048},4096 \
  "${PYROUNDS[@]}" > "$OUT/torch-cuda.txt" 2>&1
log heed-opencl
# the products last, in their own run, so that a slow one cannot take the other groups' time
heed 150 --backend opencl --threads 1 --only ops,mha,encoder > "$OUT/heed-opencl.txt"
heed 120 --backend opencl --threads 1 --only matmul --sizes ${SIZES:-1024,2048},4096 \
  >> "$OUT/heed-opencl.txt"

# the host's cores (item 3): the FMA peak, PyTorch's CPU build, Heed's simd backend
log peak
PEAK=$D/peak-avx2
grep -q avx512f /proc/cpuinfo && PEAK=$D/peak-avx512
for t in 1 ${THREADS//,/ }; do timeout 20 "$PEAK" "$t" 2 >> "$OUT/peak.txt"; done
log torch-cpu
timeout 150 python3 "$D/ref/bench_torch.py" --threads "$THREADS" --only matmul,encoder \
  --sizes ${SIZES:-1024,2048} "${PYROUNDS[@]}" > "$OUT/torch-cpu.txt" 2>&1
log heed-simd
heed 200 --backend simd --threads "$THREADS" --only matmul,encoder --sizes ${SIZES:-1024,2048} \
  > "$OUT/heed-simd.txt"
log done

# the tables
PEAKS=$(python3 - "$OUT/peak.txt" <<'PY'
import re, statistics, sys
g = {}
for line in open(sys.argv[1]):
    m = re.search(r"threads=(\d+) .*gflops=([0-9.]+)", line)
    if m:
        g.setdefault(int(m.group(1)), []).append(float(m.group(2)))
print(",".join("%d:%.1f" % (t, statistics.median(g[t])) for t in sorted(g)))
PY
)
{
  echo "## GPU: Heed opencl against PyTorch CUDA FP32"
  echo
  python3 bench/scripts/compare.py "$OUT/torch-cuda.txt" "$OUT/heed-opencl.txt" \
    --ref "PyTorch $(python3 -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null) CUDA"
  echo
  echo "## CPU: Heed simd against PyTorch's CPU build, FMA peak $PEAKS GFLOP/s"
  echo
  python3 bench/scripts/compare.py "$OUT/torch-cpu.txt" "$OUT/heed-simd.txt" --peak "$PEAKS" \
    --ref "PyTorch $(python3 -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null)"
} > "$OUT/tables.md" 2>&1
cat "$OUT/tables.md"
