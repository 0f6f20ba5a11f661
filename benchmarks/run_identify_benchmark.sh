#!/usr/bin/env bash
# Whole-scene mineral identification against whole-scene prediction on the same scene and
# model: wall time, pixels per second and peak memory of `specres-cli predict` and of
# `specres-cli identify` (demo library; pairs and the spectral-angle baselines on, as by
# default), one after the other.
# Usage: run_identify_benchmark.sh MODEL [SIZE] [FOLDER]   (SIZE of the demo scene, 1000x1000)
set -euo pipefail
# The benchmark programs are not part of the default build: build them (only what changed).
cmake --build "$(cd "$(dirname "$0")/.." && pwd)/${SPECRES_BUILD_DIR:-build}" --target benchmarks > /dev/null
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
cli=$build/app/cli/specres-cli
model=$1
size=${2:-1000x1000}
folder=${3:-/tmp/specres-bench-identify}
mkdir -p "$folder"
[ -s "$folder/scene-$size/demo_aster.tif" ] || "$cli" demo --size "$size" --out "$folder/scene-$size" > /dev/null 2>&1
scene=$folder/scene-$size
pixels=$(( ${size%x*} * ${size#*x} ))
run() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$folder/$name.time" "$@" > "$folder/$name.log" 2>&1
    read -r seconds kilobytes < "$folder/$name.time"
    awk -v n="$name" -v s="$seconds" -v k="$kilobytes" -v p="$pixels" \
        'BEGIN { printf "| %s | %d | %.1f | %.0f | %.0f |\n", n, p, s, p / s, k / 1024 }'
}
echo "| command | pixels | wall s | pixels/s | peak MB |"
echo "|---|---:|---:|---:|---:|"
run predict "$cli" predict --model "$model" --low "$scene/demo_aster.tif" --high "$scene/demo_avirisng.tif" --out "$folder/p"
run identify "$cli" identify --model "$model" --low "$scene/demo_aster.tif" --high "$scene/demo_avirisng.tif" --library demo --out "$folder/i"
run identify-band-depths "$cli" identify --model "$model" --low "$scene/demo_aster.tif" --high "$scene/demo_avirisng.tif" --library demo --band-depths --out "$folder/b"
