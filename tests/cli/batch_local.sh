#!/usr/bin/env bash
# `batch` without a cluster: plan two scenes × 3 tiles, run every task here two at a time,
# check the status, merge, and compare each mosaic with a single-process predict; a second
# `run --all` finds nothing to do.
# batch_local.sh CLI COMPARE MODEL DEMO_DIR WORK
set -euo pipefail
CLI=$1 COMPARE=$2 MODEL=$3 DEMO=$4 WORK=$5
rm -rf "$WORK" && mkdir -p "$WORK"
cat > "$WORK/scenes.csv" <<CSV
name,low,high
paired,$DEMO/demo_aster.tif,$DEMO/demo_avirisng.tif
alone,$DEMO/demo_aster.tif,
CSV
"$CLI" batch plan --model "$MODEL" --scenes "$WORK/scenes.csv" --tiles-per-scene 3 \
    --out "$WORK/run" --cpus-per-task 1 | tee "$WORK/plan.txt"
grep -q 'planned 6 tasks (2 scenes × 3 tiles)' "$WORK/plan.txt"
grep -q 'each task asks for 1 CPUs, [0-9]* MiB, [0-9]* minutes' "$WORK/plan.txt"
"$CLI" batch run "$WORK/run" --all --jobs 2 | tee "$WORK/run.txt"
grep -q '6 of 6 tasks to run, 2 at a time, 1 thread(s) each' "$WORK/run.txt"
grep -q 'peak memory per task [0-9]* MiB' "$WORK/run.txt"
"$CLI" batch status "$WORK/run" | tee "$WORK/status.txt"
grep -q 'done *6 *tasks 1-6' "$WORK/status.txt"
grep -q 'peak memory of a done task: [0-9]* MiB' "$WORK/status.txt"
"$CLI" batch merge "$WORK/run" > /dev/null
"$CLI" predict --model "$MODEL" --low "$DEMO/demo_aster.tif" --high "$DEMO/demo_avirisng.tif" \
    --out "$WORK/single-paired" > /dev/null 2>&1
"$CLI" predict --model "$MODEL" --low "$DEMO/demo_aster.tif" --out "$WORK/single-alone" \
    > /dev/null 2>&1
for product in mean sigma uncertainty nll rmse; do
    "$COMPARE" "$WORK/run/scenes/paired/paired_$product.vrt" "$WORK/single-paired_$product.tif"
done
for product in mean sigma uncertainty; do
    "$COMPARE" "$WORK/run/scenes/alone/alone_$product.vrt" "$WORK/single-alone_$product.tif"
done
"$CLI" batch run "$WORK/run" --all --jobs 2 > "$WORK/again.txt"
grep -q 'every task is done; nothing to run' "$WORK/again.txt"
"$CLI" batch run "$WORK/run" --task 2 > "$WORK/task2.txt"
grep -q 'task 2 (scene paired, tile 2/3) is done; nothing to do' "$WORK/task2.txt"
echo "batch: 6 tasks run here, merged mosaics equal the single-process maps"
