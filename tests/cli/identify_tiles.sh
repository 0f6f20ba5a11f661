#!/usr/bin/env bash
# identify in tiles: three row tiles (the second run again: nothing to do), merged, equal to a
# single-process identify map by map — categorical colours and names included — and the merged
# legend's pixel counts the single run's. --truth with --tile is refused.
# identify_tiles.sh CLI COMPARE MODEL DEMO_DIR WORK
set -euo pipefail
CLI=$1 COMPARE=$2 MODEL=$3 DEMO=$4 WORK=$5
rm -rf "$WORK" && mkdir -p "$WORK"
args=(--model "$MODEL" --low "$DEMO/demo_aster.tif" --library demo --band-depths)
for k in 1 2 3; do
    "$CLI" identify "${args[@]}" --out "$WORK/id" --tile "$k/3" > /dev/null 2>&1
done
"$CLI" identify "${args[@]}" --out "$WORK/id" --tile 2/3 > "$WORK/again.txt"
grep -q 'tile 2/3 is complete .*nothing to do' "$WORK/again.txt"
"$CLI" identify "${args[@]}" --out "$WORK/single" > /dev/null 2>&1
"$CLI" merge "$WORK/id" > "$WORK/merge.txt"
grep -q 'merged 3 tiles' "$WORK/merge.txt"
for product in mineral runner_up probability pvalue angle_mean angle_input band_depth \
    pair_dominant pair_other pair_fraction; do
    "$COMPARE" "$WORK/id_$product.vrt" "$WORK/single_$product.tif"
done
cmp "$WORK/id_legend.csv" "$WORK/single_legend.csv"
# A tile's legend that disagrees with the others (a colour edited by hand) is named, not merged.
cp "$WORK/id_legend.csv" "$WORK/merged_legend.csv"
touch -d '2000-01-01' "$WORK/id_mineral.vrt"
sed -i '2s/^\([0-9]*\),\([^,]*\),[0-9]*,/\1,\2,1,/' "$WORK/id.tile-2-of-3_legend.csv"
if "$CLI" merge "$WORK/id" 2> "$WORK/legend.txt"; then
    echo "a legend that differs between tiles was merged" >&2
    exit 1
fi
grep -q 'id.tile-2-of-3_legend.csv, line 2: differs from the first tile' "$WORK/legend.txt"
cmp "$WORK/id_legend.csv" "$WORK/merged_legend.csv"  # nothing merged was touched
[ -z "$(find "$WORK/id_mineral.vrt" -newermt '2001-01-01')" ]
if "$CLI" identify "${args[@]}" --out "$WORK/x" --tile 1/3 --truth "$DEMO/demo_minerals_aster.tif" \
    2> "$WORK/truth.txt"; then
    echo "--truth with --tile was accepted" >&2
    exit 1
fi
grep -q 'merge the tiles first' "$WORK/truth.txt"
echo "identify: 3 tiles merged equal the single-process maps and legend"
