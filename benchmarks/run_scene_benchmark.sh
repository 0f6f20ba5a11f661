#!/usr/bin/env bash
# Whole-scene prediction throughput (issue #16): a 2000 × 2000 demo scene on its own grid
# (ASTER-like input at every pixel, 4 million pixels), a full-covariance DCGM (default network,
# a few epochs: the weights do not change the work), then
#   1. bench_scene_predict: the compute bound (LibTorch's sgemm rate, Eigen's triangular
#      inverse rate) against predictScene, and where the time goes; the same per-pixel work in
#      PyTorch for Python (pytorch_scene.py) at each thread count, beside SpecRes's;
#   2. one `specres-cli predict` over the scene (all cores), timed;
#   3. `batch plan` of the scene in 4 tiles and `batch run --all --jobs 2` (one core each),
#      timed, with each task's peak memory.
# Usage: benchmarks/run_scene_benchmark.sh [WORK] [SIZE]   (defaults /tmp/specres-scene, 2000x2000)
set -euo pipefail
# The benchmark programs are not part of the default build: build them (only what changed).
cmake --build "$(cd "$(dirname "$0")/.." && pwd)/${SPECRES_BUILD_DIR:-build}" --target benchmarks > /dev/null
here=$(cd "$(dirname "$0")/.." && pwd)
cli=$here/build/app/cli/specres-cli
bench=$here/build/benchmarks/bench_scene_predict
work=${1:-/tmp/specres-scene}
size=${2:-2000x2000}
mkdir -p "$work"
cd "$work"
if [ ! -f full.specres ]; then
    "$cli" demo --out small --size 256x256 --factor 1 --seed 4 > /dev/null 2>&1
    echo '{"preset": "default", "methods": {"DCGM": {"max_epochs": 3}}}' > epochs.json
    "$cli" train --high small/demo_avirisng.tif --low small/demo_aster.tif --config epochs.json \
        --method DCGM --covariance full --out full.specres > train.log 2>&1
fi
if [ ! -f "big-$size/demo_aster.tif" ]; then
    "$cli" demo --out "big-$size" --size "$size" --factor 1 --seed 7 > /dev/null 2>&1
fi
low=$work/big-$size/demo_aster.tif

echo "== compute bound and predictScene"
"$bench" full.specres "$low"

echo "== the same per-pixel work in PyTorch (reference), at each thread count"
echo "   (compare with 'model alone, in memory' above; SpecRes on one thread:"
OMP_NUM_THREADS=1 "$bench" full.specres "$low" 16 | grep 'model alone'
echo "   )"
if /usr/bin/python3 -c 'import torch' 2> /dev/null; then
    /usr/bin/python3 "$here/benchmarks/pytorch_scene.py" 65536 99
else
    echo "   (python3-torch is not installed: apt-get install python3-torch)"
fi

echo "== one process: specres-cli predict"
rm -rf single && mkdir single
start=$(date +%s.%N)
/usr/bin/time -f "peak %M KiB" "$cli" predict --model full.specres --low "$low" --out single/scene \
    2>&1 >/dev/null | grep peak
end=$(date +%s.%N)
pixels=$(( ${size%x*} * ${size#*x} ))
single=$(echo "$pixels / ($end - $start)" | bc -l)
printf "single process: %.1f s, %.0f pixels/s\n" "$(echo "$end - $start" | bc -l)" "$single"

echo "== batch: 4 tiles, 2 at a time"
rm -rf run && printf 'name,low\nscene,%s\n' "$low" > scenes.csv
"$cli" batch plan --model full.specres --scenes scenes.csv --tiles-per-scene 4 --out run \
    --cpus-per-task 1 | sed -n '2,3p'
start=$(date +%s.%N)
"$cli" batch run run --all --jobs 2
end=$(date +%s.%N)
batch=$(echo "$pixels / ($end - $start)" | bc -l)
printf "batch (wall, start to end): %.1f s, %.0f pixels/s = %.0f %% of the single process\n" \
    "$(echo "$end - $start" | bc -l)" "$batch" "$(echo "100 * $batch / $single" | bc -l)"
"$cli" batch status run | grep 'peak memory'
