#!/usr/bin/env bash
# calibrate-fits on the demo: the law of fits learned from the demo's mineral and purity maps
# is stored in a new model file (the old one untouched), the held-out check is printed, and
# identify's p-value map changes with it; bad labels are refused with the file named.
# calibrate_fits.sh CLI MODEL DEMO_DIR WORK
set -euo pipefail
CLI=$1 MODEL=$2 DEMO=$3 WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK"
pair=(--high "$DEMO/demo_avirisng.tif" --low "$DEMO/demo_aster.tif")
"$CLI" dataset "${pair[@]}" --samples 2000 --seed 5 --out "$WORK/split.json" > /dev/null
args=("${pair[@]}" --split "$WORK/split.json" --library demo --truth "$DEMO/demo_minerals.tif")
before=$(sha256sum < "$MODEL")
"$CLI" calibrate-fits --model "$MODEL" "${args[@]}" --abundance "$DEMO/demo_purity.tif" \
    --min-abundance 0.6 --out "$WORK/calibrated.specres" > "$WORK/learn.txt" 2>&1
[ "$before" = "$(sha256sum < "$MODEL")" ]
grep -q 'learned the law of a fit of 8 library spectra (demo) from [0-9]* validation pixels at abundance ≥ 0.60' "$WORK/learn.txt"
grep -q 'KS distance of the right mineral' "$WORK/learn.txt"
grep -q '| mineral removed from the library |' "$WORK/learn.txt"
for m in "$MODEL" "$WORK/calibrated.specres"; do
    "$CLI" identify --model "$m" --low "$DEMO/demo_aster.tif" --library demo \
        --out "$WORK/$(basename "$m" .specres)" > "$WORK/$(basename "$m" .specres).txt" 2>&1
done
grep -q "fit p-values: under the model's law of d² (not calibrated" \
    "$WORK/$(basename "$MODEL" .specres).txt"
grep -q 'fit p-values: the law learned from [0-9]* labelled pure pixels' "$WORK/calibrated.txt"
if cmp -s "$WORK/$(basename "$MODEL" .specres)_pvalue.tif" "$WORK/calibrated_pvalue.tif"; then
    echo "the calibrated model's p-values equal the uncalibrated ones" >&2
    exit 1
fi
expect() {  # expect MESSAGE ARGS…: fails below 128 and says MESSAGE
    local message=$1 status=0
    shift
    "$CLI" calibrate-fits --model "$MODEL" "$@" --out "$WORK/never.specres" 2> "$WORK/err.txt" \
        > /dev/null || status=$?
    if [ "$status" -eq 0 ] || [ "$status" -ge 128 ] || ! grep -qF -- "$message" "$WORK/err.txt"; then
        echo "expected '$message', got status $status:" >&2
        cat "$WORK/err.txt" >&2
        exit 1
    fi
    [ ! -e "$WORK/never.specres" ]
}
expect "demo_minerals_aster.tif: the abundance raster is" "${args[@]}" \
    --abundance "$DEMO/demo_minerals_aster.tif"
expect "--truth: $WORK/none.tif: no such file" "${pair[@]}" --split "$WORK/split.json" \
    --library demo --truth "$WORK/none.tif"
expect "--min-abundance: expected a number in [0, 1]" "${args[@]}" \
    --abundance "$DEMO/demo_purity.tif" --min-abundance 2
expect "are needed to learn the law of a fit" "${args[@]}" --abundance "$DEMO/demo_purity.tif" \
    --min-abundance 1
expect "--high: the measured raster is needed" --low "$DEMO/demo_aster.tif" \
    --split "$WORK/split.json" --library demo --truth "$DEMO/demo_minerals.tif"
echo "calibrate-fits: learned, stored, used by identify; bad labels refused"
