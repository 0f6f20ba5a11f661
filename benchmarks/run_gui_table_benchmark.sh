#!/usr/bin/env bash
# The Train tab's "Select all: the paper's full table" (bench_gui_table, under Xvfb, clicking a
# pixel every 250 ms while it trains) against `specres-cli compare` with the same defaults on
# the same pair, one after the other on the same machine.
# Usage: run_gui_table_benchmark.sh [OUT]   (needs xvfb-run)
set -euo pipefail
cmake --build "$(cd "$(dirname "$0")/.." && pwd)/${SPECRES_BUILD_DIR:-build}" --target benchmarks > /dev/null
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
out=${1:-/tmp/specres-bench-gui-table}
cli="$build/app/cli/specres-cli"
mkdir -p "$out"
"$cli" demo --out "$out/scene" > /dev/null
high="$out/scene/demo_avirisng.tif" low="$out/scene/demo_aster.tif"
# A model to inspect with while the table trains.
"$cli" train --high "$high" --low "$low" --method G --covariance full --out "$out/g.specres" > /dev/null
echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/benchmarks/bench_gui_table" "$high" "$low" "$out/g.specres"
echo "load average between: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$cli" compare --high "$high" --low "$low" --out "$out/cli" > "$out/cli.log" 2>&1
echo "CLI compare: $(/usr/bin/python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
