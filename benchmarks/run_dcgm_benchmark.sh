#!/usr/bin/env bash
# DCGM training epochs, SpecRes against PyTorch for Python on the same data, each at every
# thread count from 1 to the number of cores, compared best to best.
# Usage: run_dcgm_benchmark.sh [FOLDER] [EPOCHS] [BATCHES]   (needs python3-torch)
set -euo pipefail
# The benchmark programs are not part of the default build: build them (only what changed).
cmake --build "$(cd "$(dirname "$0")/.." && pwd)/${SPECRES_BUILD_DIR:-build}" --target benchmarks > /dev/null
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
folder=${1:-/tmp/specres-bench-dcgm}
epochs=${2:-3}
batches=${3:-4,32}
mkdir -p "$folder"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
"$build/benchmarks/bench_dcgm" "$folder" "$epochs" "$batches" | tee "$folder/specres.txt"
/usr/bin/python3 "$here/pytorch_dcgm.py" "$folder" "$epochs" "$batches" | tee "$folder/pytorch.txt"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$folder" <<'PY'
import sys
folder = sys.argv[1]
def best(path):
    out = {}
    for line in open(path):
        if line.startswith("epoch "):
            _, batch, threads, seconds = line.split()
            key = int(batch)
            if key not in out or float(seconds) < out[key][0]:
                out[key] = (float(seconds), int(threads))
    return out
ours, theirs = best(f"{folder}/specres.txt"), best(f"{folder}/pytorch.txt")
print("\n| batch | SpecRes best (threads) | PyTorch best (threads) | ratio |")
print("|---:|---:|---:|---:|")
for batch in sorted(ours):
    (s, st), (p, pt) = ours[batch], theirs[batch]
    print(f"| {batch} | {s:.2f} s ({st}) | {p:.2f} s ({pt}) | {p / s:.1f}× |")
PY
