#!/usr/bin/env bash
# The whole comparison table (5 methods × 3 covariances, the default 10,000 spectra), timed:
# `specres-cli compare` against the Python reference (reference_table.py: scikit-learn and
# PyTorch) on the same split, for the demo scene and, when ../shared/data is present, the
# Jasper Ridge pair. Prints the wall time of each and a per-method breakdown.
# Usage: run_table_benchmark.sh [OUT] [demo|jasper|both]   (needs python3-sklearn, python3-torch)
set -euo pipefail
# The benchmark programs are not part of the default build: build them (only what changed).
cmake --build "$(cd "$(dirname "$0")/.." && pwd)/${SPECRES_BUILD_DIR:-build}" --target benchmarks > /dev/null
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
out=${1:-/tmp/specres-bench-table}
which=${2:-both}
cli="$build/app/cli/specres-cli"
mkdir -p "$out"
datasets=()
if [ "$which" != jasper ]; then
    "$cli" demo --out "$out/demo-scene" > /dev/null
    datasets+=("demo $out/demo-scene/demo_avirisng.tif $out/demo-scene/demo_aster.tif")
fi
jasper="$here/../../shared/data/jasper_ridge_pair"
if [ "$which" != demo ]; then
    if [ -f "$jasper/aviris_jasper.img" ]; then
        datasets+=("jasper $jasper/aviris_jasper.img $jasper/aster_sim_jasper.tif")
    else
        echo "($jasper is absent: the Jasper Ridge table is skipped)"
    fi
fi
now() { date +%s.%N; }
for entry in "${datasets[@]}"; do
    read -r name high low <<< "$entry"
    dir="$out/$name"
    mkdir -p "$dir"
    echo "== $name: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before"
    "$cli" dataset --high "$high" --low "$low" --out "$dir/split.json" > /dev/null
    "$build/benchmarks/export_prepared" "$high" "$low" "$dir/split.json" "$dir/spectra"
    start=$(now)
    "$cli" compare --high "$high" --low "$low" --split "$dir/split.json" --out "$dir/specres" \
        > "$dir/specres.log" 2>&1
    specres=$(/usr/bin/python3 -c "print($(now) - $start)")
    start=$(now)
    /usr/bin/python3 "$here/reference_table.py" "$dir/spectra" > "$dir/reference.txt"
    reference=$(/usr/bin/python3 -c "print($(now) - $start)")
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/python3 - "$dir" "$specres" "$reference" <<'PY'
import json, sys
folder, specres, reference = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
runs = json.load(open(f"{folder}/specres/results.json"))["results"]
ours = {}
for r in runs:
    ours[r["method"]] = ours.get(r["method"], 0) + r["fit_seconds"] + r["scoring_seconds"]
theirs = {}
for line in open(f"{folder}/reference.txt"):
    if line.startswith("method "):
        _, method, seconds = line.split()
        theirs[method] = float(seconds)
print(open(f"{folder}/specres/table.md").read().split("\n\n")[0])
print()
print("| method (3 covariances) | SpecRes: fit + scoring, s | reference, s | ratio |")
print("|---|---:|---:|---:|")
for method in ("G", "GM", "UGM", "VE", "DCGM"):
    print(f"| {method} | {ours[method]:.1f} | {theirs[method]:.1f} | {theirs[method] / ours[method]:.1f}× |")
print(f"| **whole table, wall** | **{specres:.0f}** | **{reference:.0f}** | **{reference / specres:.1f}×** |")
print("\nSpecRes runs the LibTorch methods and the mixtures side by side, so its per-method "
      "seconds add up to more than its wall time.")
PY
done
