#!/usr/bin/env bash
# `batch` of mineral maps: two scenes × 2 tiles planned with --identify (library, priors, band
# depths), run here, merged, each scene's maps and legend equal to a single-process identify
# with the same settings; a task's tile is the one `identify --tile` makes (so it counts as done),
# and a plan whose library does not cover a scene is refused before any task.
# batch_identify.sh CLI COMPARE MODEL DEMO_DIR WORK
set -euo pipefail
CLI=$1 COMPARE=$2 MODEL=$3 DEMO=$4 WORK=$5
rm -rf "$WORK" && mkdir -p "$WORK"
cat > "$WORK/scenes.csv" <<CSV
name,low,high
paired,$DEMO/demo_aster.tif,$DEMO/demo_avirisng.tif
alone,$DEMO/demo_aster.tif,
CSV
# The demo library's names with unequal priors (relative weights: they need not add up to 1).
"$CLI" identify --model "$MODEL" --low "$DEMO/demo_aster.tif" --library demo --out "$WORK/names" \
    --pairs no > "$WORK/names.txt" 2>&1
grep '^  [A-Za-z].*: [0-9]* pixels$' "$WORK/names.txt" | sed 's/^  \(.*\): [0-9]* pixels$/\1/' \
    | awk 'BEGIN { print "name,prior" } { print $0 "," NR }' > "$WORK/priors.csv"
[ "$(wc -l < "$WORK/priors.csv")" -ge 3 ]
settings=(--priors "$WORK/priors.csv" --band-depths --pairs yes)
"$CLI" batch plan --model "$MODEL" --scenes "$WORK/scenes.csv" --tiles-per-scene 2 \
    --out "$WORK/run" --cpus-per-task 1 --identify demo "${settings[@]}" | tee "$WORK/plan.txt"
grep -q 'planned 4 tasks (2 scenes × 2 tiles)' "$WORK/plan.txt"
grep -q '"product": "identification"' "$WORK/run/batch.json"
"$CLI" batch run "$WORK/run" --all --jobs 2 > "$WORK/run.txt"
grep -q '4 of 4 tasks to run' "$WORK/run.txt"
"$CLI" batch status "$WORK/run" | tee "$WORK/status.txt"
grep -q 'done *4 *tasks 1-4' "$WORK/status.txt"
"$CLI" batch merge "$WORK/run" > /dev/null
for scene in paired alone; do
    high=()
    [ "$scene" = paired ] && high=(--high "$DEMO/demo_avirisng.tif")
    "$CLI" identify --model "$MODEL" --low "$DEMO/demo_aster.tif" "${high[@]}" --library demo \
        "${settings[@]}" --out "$WORK/single-$scene" > /dev/null 2>&1
    for product in mineral runner_up probability pvalue angle_mean angle_input band_depth \
        pair_dominant pair_other pair_fraction; do
        "$COMPARE" "$WORK/run/scenes/$scene/${scene}_$product.vrt" \
            "$WORK/single-${scene}_$product.tif"
    done
    cmp "$WORK/run/scenes/$scene/${scene}_legend.csv" "$WORK/single-${scene}_legend.csv"
done
# The task's tile is identify's: identify --tile over the same prefix finds it complete.
"$CLI" identify --model "$MODEL" --low "$DEMO/demo_aster.tif" --library demo "${settings[@]}" \
    --out "$WORK/run/scenes/alone/alone" --tile 2/2 > "$WORK/tile.txt"
grep -q 'tile 2/2 is complete' "$WORK/tile.txt"
# A library that does not reach the scene's channels: refused at planning, nothing left behind.
printf 'wavelength,far\n0.40,0.5\n0.50,0.6\n0.60,0.7\n' > "$WORK/visible.csv"
if "$CLI" batch plan --model "$MODEL" --scenes "$WORK/scenes.csv" --tiles-per-scene 2 \
    --out "$WORK/never" --identify "$WORK/visible.csv" 2> "$WORK/refused.txt"; then
    echo "a library outside the channels was planned" >&2
    exit 1
fi
grep -q "scene 'paired': library: " "$WORK/refused.txt"
[ ! -e "$WORK/never" ]
if "$CLI" batch plan --model "$MODEL" --scenes "$WORK/scenes.csv" --tiles-per-scene 2 \
    --out "$WORK/never" --priors "$WORK/priors.csv" 2> "$WORK/orphan.txt"; then
    echo "--priors without --identify was accepted" >&2
    exit 1
fi
grep -q -- '--priors needs --identify LIBRARY' "$WORK/orphan.txt"
echo "batch identify: 4 tasks merged equal the single-process maps and legends"
