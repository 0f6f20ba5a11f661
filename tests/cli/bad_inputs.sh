#!/bin/sh
# A hostile user's table: bad files, bad values and bad paths given to specres-cli and to the
# desktop program's headless mode. Every row must fail cleanly (exit 1–127, no crash, no hang)
# with a message that matches its pattern — which names the input at fault.
# Usage: bad_inputs.sh CLI GUI DEMO_FOLDER WORK_FOLDER
set -u
cli=$1
gui=$2
demo=$3
work=$4
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
high=$demo/demo_avirisng.tif
low=$demo/demo_aster.tif
pair="--high $high --low $low"

# ---- the bad inputs themselves ----
mkdir folder
: > empty.json
printf '{"width": 3' > broken.json
printf '[1, 2, 3]' > array.json
printf 'plain text, not a raster\n' > text.tif
printf '{"width":60,"height":40,"train":[1,2],"validation":[3],"test":[]}' > no_test.json
printf '{"width":60,"height":40,"train":[1.5,2],"validation":[3],"test":[4]}' > fractional.json
printf '{"width":60,"height":40,"train":[1,2],"validation":[3],"test":[99999]}' > outside.json
printf '{"width":60,"height":40,"train":[1,1],"validation":[3],"test":[4]}' > twice.json
printf '{"width":7,"height":40,"train":[1,2],"validation":[3],"test":[4]}' > other_grid.json
printf '{"width":"60","height":40,"train":[1,2],"validation":[3],"test":[4]}' > text_width.json
printf '{"width":60,"height":40,"train":[1,2,3,4,5,6],"validation":[7],"test":[8]}' > six.json
printf '{"preset":"turbo"}' > preset.json
printf '{"datset":{}}' > top_typo.json
printf '{"methods":{"DCGM":{"learnign_rate":0.01}}}' > method_typo.json
printf '{"methods":{"DCGM":{"epochs":10}}}' > epochs_key.json
printf '{"methods":{"DCGM":{"max_epochs":2.5}}}' > fractional_epochs.json
printf '{"methods":{"DCGM":{"dropout":1.5}}}' > dropout.json
printf '{"methods":{"DCGM":{"hidden_layers":[100000000]}}}' > huge.json
printf '{"methods":{"DCGM":{"hidden_layers":[1000000, 1000000]}}}' > huge2.json
printf '{"methods":{"DCGM":{"hidden_layers":[]}}}' > no_layers.json
printf '{"methods":{"DCGN":{}}}' > method_name.json
printf '{"methods":{"GM":{"components":0}}}' > components.json
printf '{"methods":{"VE":{"latent_dimension":"16"}}}' > latent_text.json
printf '{"dataset":{"samples":2}}' > samples.json
printf '{"dataset":{"train_fraction":0.8,"validation_fraction":0.3}}' > fractions.json
printf '{"preprocessing":{"mnf":"yes"}}' > mnf_text.json
printf '{"methods":{"DCGM":{"fine_tune":"mean"}}}' > fine_tune.json
printf '{"methods":{"VE":{"dropout_search":"sometimes"}}}' > dropout_search.json
printf '{"methods":{"DCGM":{"dropout_grid":[0.1,1]}}}' > dropout_grid.json
printf '{"calibration":{"recalibrate":"sometimes"}}' > recalibrate.json
printf '{"calibration":{"recalbrate":true}}' > recalibrate_typo.json
printf '{"calibration":{"law":"student"}}' > law.json
printf 'wavelength_nm\n' > no_rows.csv
printf 'band,colour\n1,red\n' > no_wavelength_column.csv
printf 'SPECRESM' > short.specres
head -c 4000 /dev/urandom > random.specres
printf '{"format":"specres-project","version":99}' > newer.specresproj
printf '{"format":"something-else"}' > other.specresproj
# A one-band low-resolution raster on the demo's 60 × 40 grid, written as ENVI by hand.
head -c 9600 /dev/zero | tr '\0' '\076' > one_band.img
printf 'ENVI\nsamples = 60\nlines = 40\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\nwavelength units = Nanometers\nwavelength = { 2165 }\n' > one_band.hdr

# ENVI files whose headers do not fit their data (5 bands of 60 × 40 float32 = 48,000 bytes).
envi_header() {  # NAME SAMPLES INTERLEAVE WAVELENGTHS
    printf 'ENVI\nsamples = %s\nlines = 40\nbands = 5\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = %s\nbyte order = 0\nwavelength units = Nanometers\nwavelength = { %s }\n' "$2" "$3" "$4" > "$1.hdr"
}
bands5="2165, 2205, 2260, 2330, 2395"
head -c 48000 /dev/zero | tr '\0' '\076' > plausible.bin
head -c 48000 /dev/urandom > garbage.img; envi_header garbage 60 bsq "$bands5"
cat plausible.bin plausible.bin > double.img; envi_header double 60 bsq "$bands5"
head -c 20000 plausible.bin > short.img; envi_header short 60 bsq "$bands5"
cp plausible.bin xyz.img; envi_header xyz 60 xyz "$bands5"
cp plausible.bin huge_samples.img; envi_header huge_samples 1000000000 bsq "$bands5"
cp plausible.bin same_wavelength.img; envi_header same_wavelength 60 bsq "2200, 2200, 2200, 2200, 2200"
cp plausible.bin junk_header.img; printf 'garbage\001\002\n' > junk_header.hdr
# Files that start like NetCDF4/HDF5, classic NetCDF and HDF4 (EMIT and ASTER) and are junk after.
{ printf '\211HDF\r\n\032\n'; head -c 3000 /dev/urandom; } > fake_emit.nc
{ printf 'CDF\001'; head -c 3000 /dev/urandom; } > fake_classic.nc
{ printf '\016\003\023\001'; head -c 3000 /dev/urandom; } > fake_aster.hdf
printf '{"format": "specres-tile", "status": "complete", "tile": "one"' > broken.tile-1-of-1.json
printf '{"format": "specres-tile", "status": "complete", "tile": "one"}' > typed.tile-1-of-1.json

failures=0
rows=0
run_row() {  # COMMAND...: counts the row, keeps its stderr and exit status
    rows=$((rows + 1))
    stderr=$(timeout 120 "$@" 2>&1 >/dev/null)
    status=$?
}

# The message check both row kinds end with: stderr must match the pattern.
# Usage: message_matches NAME PATTERN WHAT OK_LABEL
message_matches() {
    if ! printf '%s\n' "$stderr" | grep -Eq -- "$2"; then
        echo "FAIL $1: $3 '$2':"
        printf '%s\n' "$stderr" | tail -n 3
        failures=$((failures + 1))
    else
        echo "ok   $1 ($4): $(printf '%s' "$stderr" | grep -Ev '%|^$' | tail -n 1 | cut -c 1-160)"
    fi
}

expect() {
    name=$1
    pattern=$2
    shift 2
    run_row "$@"
    if [ "$status" -eq 0 ]; then
        echo "FAIL $name: expected a failure, but it succeeded"
        failures=$((failures + 1))
    elif [ "$status" -ge 124 ]; then
        echo "FAIL $name: crashed or hung (exit $status): $(printf '%s' "$stderr" | tail -c 300)"
        failures=$((failures + 1))
    else
        message_matches "$name" "$pattern" "the message does not match" "exit $status"
    fi
}

# A row whose input is usable but suspicious: it must succeed and say so on stderr.
warns() {
    name=$1
    pattern=$2
    shift 2
    run_row "$@"
    if [ "$status" -ne 0 ]; then
        echo "FAIL $name: expected to succeed with a warning, exit $status: $(printf '%s' "$stderr" | tail -c 300)"
        failures=$((failures + 1))
    else
        message_matches "$name" "$pattern" "no warning matching" "warned"
    fi
}

# ---- files that are not what they should be ----
expect model-folder "folder: is a folder, not a SpecRes model" $cli predict --model folder --low "$low" --out p
expect model-missing "absent.specres: no such file" $cli predict --model absent.specres --low "$low" --out p
expect model-empty "empty.json: not a SpecRes model" $cli predict --model empty.json --low "$low" --out p
expect model-short "short.specres: not a SpecRes model" $cli predict --model short.specres --low "$low" --out p
expect model-random "random.specres: not a SpecRes model" $cli predict --model random.specres --low "$low" --out p
expect model-text "text.tif: not a SpecRes model" $cli predict --model text.tif --low "$low" --out p
expect config-folder "folder: is a folder, not a configuration" $cli train $pair --config folder --method G --out m.specres
expect config-missing "absent.json: no such file" $cli train $pair --config absent.json --method G --out m.specres
expect config-empty "empty.json: not valid JSON" $cli train $pair --config empty.json --method G --out m.specres
expect config-broken "broken.json: not valid JSON" $cli train $pair --config broken.json --method G --out m.specres
expect config-array "array.json: the configuration must be a JSON object" $cli train $pair --config array.json --method G --out m.specres
expect split-folder "folder: is a folder, not a split file" $cli train $pair --split folder --method G --out m.specres
expect split-missing "absent.json: no such file" $cli compare $pair --split absent.json --out c
expect split-broken "broken.json: not valid JSON" $cli compare $pair --split broken.json --out c
expect wavelengths-folder "folder: is a folder, not a wavelength table" $cli info "$high" --wavelengths folder
expect wavelengths-empty "no_rows.csv" $cli info "$high" --wavelengths no_rows.csv
expect wavelengths-columns "no_wavelength_column.csv" $cli info "$high" --wavelengths no_wavelength_column.csv
expect raster-folder "folder: is a folder, not a raster" $cli info folder
expect raster-missing "absent.tif: no such file" $cli info absent.tif
expect raster-text "text.tif: not a raster" $cli info text.tif
expect raster-fake-netcdf4 "fake_emit.nc: not a raster GDAL can read: it starts like a NetCDF/HDF5 file" $cli info fake_emit.nc
expect raster-fake-netcdf "fake_classic.nc: not a raster GDAL can read" $cli info fake_classic.nc
expect raster-fake-hdf4 "fake_aster.hdf: not a raster GDAL can read: it starts like an HDF4 file" $cli info fake_aster.hdf
expect simulate-missing "absent.nc: no such file" $cli simulate --high absent.nc --sensor aster --out s.tif
expect simulate-onto-input "is the input raster" $cli simulate --high "$high" --sensor aster --out "$high"
expect simulate-out-folder-missing "absent/s.tif: cannot create the file" $cli simulate --high "$high" --sensor aster --out absent/s.tif
expect merge-broken-manifest "broken.tile-1-of-1.json: not valid JSON" $cli merge broken
expect merge-wrong-field "typed.tile-1-of-1.json: damaged" $cli merge typed
mkdir -p badrun && printf '{"format": "specres-batch", "model": "m.specres", "tiles_per_scene": 0}' > badrun/batch.json
mkdir -p typedrun && printf '{"format": "specres-batch", "model": 3}' > typedrun/batch.json
mkdir -p brokenrun && printf '{"format": "specres-b' > brokenrun/batch.json
printf 'name,low\nbad name,%s\n' "$low" > spaced.csv
printf 'name,low\na,%s\na,%s\n' "$low" "$low" > twice.csv
printf 'scene,raster\na,%s\n' "$low" > header.csv
printf 'name,low\na,%s\n' "$low" > one_scene.csv
expect batch-scenes-folder "folder: is a folder, not a scenes table" $cli batch plan --model m.specres --scenes folder --tiles-per-scene 2 --out r1
expect batch-scenes-missing "absent.csv: no such file" $cli batch plan --model m.specres --scenes absent.csv --tiles-per-scene 2 --out r1
expect batch-scenes-header "header.csv, line 1: the header must be" $cli batch plan --model m.specres --scenes header.csv --tiles-per-scene 2 --out r1
expect batch-scenes-name "spaced.csv, line 2: name 'bad name' must be letters" $cli batch plan --model m.specres --scenes spaced.csv --tiles-per-scene 2 --out r1
expect batch-scenes-twice "twice.csv, line 3: name 'a' is used twice" $cli batch plan --model m.specres --scenes twice.csv --tiles-per-scene 2 --out r1
expect batch-model-folder "folder: is a folder, not a SpecRes model" $cli batch plan --model folder --scenes one_scene.csv --tiles-per-scene 2 --out r1
expect batch-zero-tiles "--tiles-per-scene" $cli batch plan --model m.specres --scenes header.csv --tiles-per-scene 0 --out r1
expect batch-not-a-run "folder: not a batch folder .no batch.json" $cli batch status folder
expect batch-run-missing "absent: not a batch folder .no such folder" $cli batch run absent --all
expect batch-plan-zero-tiles "badrun/batch.json: .tiles_per_scene. must be at least 1" $cli batch status badrun
expect batch-plan-typed "typedrun/batch.json" $cli batch run typedrun --task 1
expect batch-plan-broken "brokenrun/batch.json: not valid JSON" $cli batch merge brokenrun
expect batch-run-both "give --task K or --all" $cli batch run badrun
expect identify-tile-truth "--truth scores a whole map" $cli identify --model m.specres --low "$low" --library demo --out i --tile 1/2 --truth "$low"
expect simulate-grid-word "--grid: choose auto, high or low" $cli simulate --high "$high" --sensor aster --out s.tif --grid fine
expect pair-high-missing "absent.tif: no such file" $cli dataset --high absent.tif --low "$low" --out s.json
expect pair-low-folder "folder: is a folder, not a raster" $cli dataset --high "$high" --low folder --out s.json
expect pair-one-band "one_band.img: a low-resolution raster needs at least 2 bands" $cli dataset --high "$high" --low one_band.img --out s.json

# ---- ENVI headers that do not describe their data ----
expect envi-garbage "garbage.img: (values up to .* are no reflectance|band [0-9]+ .* holds)" $cli dataset --high "$high" --low garbage.img --samples 40 --out s.json
expect envi-double "double.img: the file has 96000 bytes, but its header describes 48000" $cli info double.img
expect envi-short "short.img: the file is truncated" $cli info short.img
expect envi-interleave "xyz.hdr: .interleave = xyz. is not an ENVI interleave" $cli info xyz.img
expect envi-samples "huge_samples.hdr: .samples = 1000000000. is not a plausible size" $cli info huge_samples.img
expect envi-same-wavelength "same_wavelength.img: all 5 bands are at 2.2 µm" $cli info same_wavelength.img
expect envi-junk-header "junk_header.hdr: not an ENVI header" $cli info junk_header.img

# ---- splits that cannot be trained on ----
expect split-no-test "no_test.json: the split has 2 training, 1 validation and 0 test" $cli train $pair --split no_test.json --method G --out m.specres
expect split-no-test-compare "no_test.json: the split has 2 training" $cli compare $pair --split no_test.json --methods G --covariances diagonal --out c
expect split-fractional "fractional.json: .train. must list whole pixel indices .found 1.5" $cli train $pair --split fractional.json --method G --out m.specres
expect split-outside "outside.json: test pixel index 99999 is outside the 60 × 40 grid" $cli train $pair --split outside.json --method G --out m.specres
expect split-twice "twice.json: pixel index 1 appears more than once" $cli train $pair --split twice.json --method G --out m.specres
expect split-other-grid "other_grid.json: the split is for a 7 × 40 grid" $cli train $pair --split other_grid.json --method G --out m.specres
expect split-text-width "text_width.json: .width. must be a whole number" $cli train $pair --split text_width.json --method G --out m.specres
expect too-few-for-g "G/full: needs at least 105 training spectra" $cli train $pair --split six.json --method G --covariance full --out m.specres
expect samples-three "3 spectra split 0.5 / 0.25 give 2 training, 1 validation and 0 test" $cli dataset $pair --samples 3 --out s.json
expect samples-two "--samples: 2 is outside 3" $cli dataset $pair --samples 2 --out s.json

# ---- configurations with wrong settings ----
expect preset "preset.json: .preset. must be one of default paper .found .turbo" $cli train $pair --config preset.json --method G --out m.specres
expect top-typo "top_typo.json: unknown setting .datset. .did you mean .dataset" $cli train $pair --config top_typo.json --method G --out m.specres
expect method-typo "method_typo.json: methods: DCGM: unknown setting .learnign_rate. .did you mean .learning_rate" $cli train $pair --config method_typo.json --method G --out m.specres
expect method-epochs "epochs_key.json: methods: DCGM: unknown setting .epochs. .did you mean .max_epochs" $cli compare $pair --config epochs_key.json --out c
expect fractional-epochs "fractional_epochs.json: methods: DCGM: .max_epochs. must be a whole number from 1 to 1000000 .found 2.5" $cli train $pair --config fractional_epochs.json --method DCGM --out m.specres
expect dropout "dropout.json: methods: DCGM: .dropout. must be a number ≥ 0 and < 1 .found 1.5" $cli train $pair --config dropout.json --method DCGM --out m.specres
expect no-layers "no_layers.json: methods: DCGM: .hidden_layers. must be a non-empty list" $cli train $pair --config no_layers.json --method DCGM --out m.specres
expect method-name "method_name.json: methods: unknown method .DCGN. .did you mean .DCGM" $cli train $pair --config method_name.json --method G --out m.specres
expect components "components.json: methods: GM: .components. must be a whole number from 1" $cli train $pair --config components.json --method GM --out m.specres
expect latent-text "latent_text.json: methods: VE: .latent_dimension. must be a whole number" $cli train $pair --config latent_text.json --method VE --out m.specres
expect samples-config "samples.json: dataset: .samples. must be a whole number from 3" $cli train $pair --config samples.json --method G --out m.specres
expect fractions "fractions.json: dataset: train_fraction . validation_fraction must be below 1" $cli train $pair --config fractions.json --method G --out m.specres
expect mnf-text "mnf_text.json: preprocessing: .mnf. must be true or false" $cli train $pair --config mnf_text.json --method G --out m.specres
expect fine-tune-mode "fine_tune.json: methods: DCGM: .fine_tune. must be one of all covariance .found .mean" $cli train $pair --config fine_tune.json --method DCGM --out m.specres
expect dropout-search-rule "dropout_search.json: methods: VE: .dropout_search. must be one of until_worse exhaustive .found .sometimes" $cli train $pair --config dropout_search.json --method VE --out m.specres
expect dropout-grid "dropout_grid.json: methods: DCGM: .dropout_grid. must be a list of numbers from 0 up to .not including. 1" $cli train $pair --config dropout_grid.json --method DCGM --out m.specres
expect recalibrate-text "recalibrate.json: calibration: .recalibrate. must be true or false" $cli train $pair --config recalibrate.json --method G --out m.specres
expect recalibrate-typo "recalibrate_typo.json: calibration: unknown setting .recalbrate. .did you mean .recalibrate" $cli compare $pair --config recalibrate_typo.json --out c
expect fine-tune-flag "--fine-tune: choose covariance or all .not 'some'" $cli compare $pair --fine-tune some --out c
expect recalibrate-flag "--recalibrate: choose yes or no .not 'maybe'" $cli train $pair --method G --recalibrate maybe --out m.specres
expect scale-law-config "law.json: calibration: .law. must be one of" $cli train $pair --config law.json --method G --out m.specres
expect scale-law-flag "--scale-law: choose scale-mixture or scale .not 't'" $cli train $pair --method G --scale-law t --out m.specres
expect huge-layer "huge.json: methods: DCGM: .hidden_layers. must be a non-empty list of whole numbers from 1 to" $cli train $pair --config huge.json --method DCGM --samples 200 --out m.specres
expect huge-network "DCGM .hidden_layers .1000000, 1000000.+ the network has [0-9]+ parameters and needs about" $cli train $pair --config huge2.json --method DCGM --samples 200 --out m.specres

# ---- arguments and names ----
expect method-unknown "unknown method 'SVM'" $cli train $pair --method SVM --out m.specres
expect covariance-unknown "unknown covariance type 'round'" $cli train $pair --method G --covariance round --out m.specres
expect methods-list "unknown method 'KNN'" $cli compare $pair --methods G,KNN --out c
expect seed-text "--seed: 'many' is not a whole number" $cli dataset $pair --seed many --out s.json
expect samples-huge "--samples: 99999999999 is not a whole number|--samples: 99999999999 is outside" $cli dataset $pair --samples 99999999999 --out s.json

# ---- outputs that cannot be written (refused before any work) ----
expect train-out-folder "folder: is a folder; give a file name for the model file" $cli train $pair --method G --out folder
expect train-out-no-parent "absent/m.specres: the folder absent does not exist" $cli train $pair --method G --out absent/m.specres
expect compare-out-file "text.tif: cannot create the folder" $cli compare $pair --methods G --covariances diagonal --out text.tif
expect compare-out-under-file "text.tif/sub: cannot create the folder" $cli compare $pair --methods G --covariances diagonal --out text.tif/sub
expect compare-out-proc "/proc/specres: cannot create the folder" $cli compare $pair --methods G --covariances diagonal --out /proc/specres
expect predict-out-folder "absent/p_mean.tif: the folder absent does not exist" $cli predict --model short.specres --low "$low" --out absent/p
expect dataset-out-folder "folder: is a folder; give a file name to write" $cli dataset $pair --samples 40 --out folder

# ---- the desktop program, headless ----
export QT_QPA_PLATFORM=offscreen
expect gui-model-folder "folder: is a folder, not a SpecRes model" $gui --pair "$high,$low" --model folder --pixel 1,1 --export-spectrum x.svg
expect gui-pixel-overflow "--pixel 99999999999,1: COL and ROW must be whole numbers" $gui --pair "$high,$low" --pixel 99999999999,1 --export-spectrum x.svg
expect gui-pixel-wrap "--pixel 4294967297,1: COL and ROW must be whole numbers" $gui --pair "$high,$low" --pixel 4294967297,1 --export-spectrum x.svg
expect gui-pixel-outside "pixel .500, 1. is outside the raster .60 × 40." $gui --pair "$high,$low" --pixel 500,1 --export-spectrum x.svg
expect gui-pixel-text "--pixel a,b: COL and ROW must be whole numbers" $gui --pair "$high,$low" --pixel a,b --export-spectrum x.svg
expect gui-samples "--samples 7: choose 10 or 30" $gui --pair "$high,$low" --pixel 1,1 --samples 7 --export-spectrum x.svg
expect gui-export-without-pixel "--export-spectrum, --export-covariance and --export-data need --pixel" $gui --pair "$high,$low" --export-spectrum x.svg
expect gui-figure-size-text "--figure-size wide: expected WIDTHxHEIGHT in millimetres" $gui --pair "$high,$low" --pixel 1,1 --export-spectrum x.svg --figure-size wide
expect gui-dpi-text "--dpi many: expected a whole number" $gui --pair "$high,$low" --pixel 1,1 --export-spectrum x.png --dpi many
expect gui-pair-one-file "--pair needs two files, HIGH,LOW" $gui --pair "$high" --pixel 1,1 --export-spectrum x.svg
printf '{"results": [' > truncated_results.json
printf '{"results": [], "ttests": []}' > empty_results.json
expect gui-calibration-missing "absent_results.json" $gui --comparison absent_results.json --export-calibration x.pdf
expect gui-calibration-alone "--comparison and --export-calibration go together" $gui --comparison empty_results.json
expect gui-calibration-truncated "truncated_results.json: not valid JSON" $gui --comparison truncated_results.json --export-calibration x.pdf
expect gui-calibration-folder "folder" $gui --comparison folder --export-calibration x.pdf
expect gui-calibration-methods "--methods VE/full: none of these is in empty_results.json" $gui --comparison empty_results.json --methods VE/full --export-calibration x.pdf
expect gui-calibration-format "x.bmp: choose a .png, .svg or .pdf file name" $gui --comparison empty_results.json --export-calibration x.bmp
expect gui-project-newer "newer.specresproj: the project was written by a newer SpecRes" $gui --project newer.specresproj --pixel 1,1 --export-spectrum x.svg
expect gui-project-other "other.specresproj: not a SpecRes project" $gui --project other.specresproj --pixel 1,1 --export-spectrum x.svg
expect gui-project-folder "folder: is a folder, not a SpecRes project" $gui --project folder --pixel 1,1 --export-spectrum x.svg
expect gui-figure-huge "x.png: the figure needs 10–2000 mm on each side" $gui --pair "$high,$low" --pixel 1,1 --export-spectrum x.png --figure-size 100000x100000
expect gui-png-too-large "x.png: a PNG of [0-9]+ × [0-9]+ pixels is too large" $gui --pair "$high,$low" --pixel 1,1 --export-spectrum x.png --figure-size 1500x1500 --dpi 2400
expect gui-pair-missing "absent.tif: no such file" $gui --pair "absent.tif,$low" --pixel 1,1 --export-spectrum x.svg

# ---- mineral identification: libraries, priors, features and reference maps ----
$cli train $pair --samples 400 --method G --covariance full --out g.specres > /dev/null 2>&1 || echo "FAIL: could not train the G model the identify rows use"
printf '{"methods":{"VE":{"hidden_layers":[8],"max_epochs":2,"patience":1,"dropout_grid":[]}}}' > tiny_ve.json
$cli train $pair --samples 400 --config tiny_ve.json --method VE --covariance full --out ve.specres > /dev/null 2>&1 || echo "FAIL: could not train the VE model"
mkdir -p empty_library
printf 'ENVI\nsamples = 3\nlines = 1\nbands = 1\ndata type = 4\n' > nowave.hdr
head -c 12 /dev/zero > nowave.sli
printf 'ENVI\nsamples = 3\nlines = 2\nbands = 1\ndata type = 4\nwavelength = {2.0, 2.1, 2.2}\n' > short_lib.hdr
head -c 12 /dev/zero > short_lib.sli
printf 'wavelength_um,A\n2.0,0.5\n2.1,n/a\n' > text_lib.csv
printf 'wavelength_nm,A\n400,0.5\n900,0.6\n' > visible_lib.csv
printf 'name,prior\nUnobtainium,1\n' > priors_unknown.csv
printf 'name,prior\nAlunite,1\n' > priors_one.csv
printf 'feature,left,centre,right\nx,2.1,2.2,2.3\n' > features_header.csv
printf 'name,left_um,centre_um,right_um\nfar,1.1,1.2,1.3\n' > features_far.csv
identify="$cli identify --model g.specres --low $low --out id"
expect identify-library-missing "absent_lib: no such file or folder" $identify --library absent_lib
expect identify-library-empty "empty_library: no library spectra" $identify --library empty_library
expect identify-sli-no-wavelength "nowave.hdr: the header has no .wavelength. list" $identify --library nowave.sli
expect identify-sli-truncated "short_lib.sli: truncated: 12 bytes, the header needs 24" $identify --library short_lib.sli
expect identify-csv-text "text_lib.csv, line 3, column .A.: .n/a. is not a number" $identify --library text_lib.csv
expect identify-library-no-overlap "visible_lib.csv: spectrum .A. covers 0.400–0.900 µm, which does not overlap" $identify --library visible_lib.csv
expect identify-library-random "random.specres" $identify --library random.specres
expect identify-no-density "ve.specres: VE/full has no predictive density" $identify --library demo --model ve.specres
expect identify-priors-unknown "priors_unknown.csv, line 2: .Unobtainium. is not in the library" $identify --library demo --priors priors_unknown.csv
expect identify-priors-incomplete "priors_one.csv: no prior for .Kaolinite." $identify --library demo --priors priors_one.csv
expect identify-features-header "features_header.csv, line 1: the header must be" $identify --library demo --features features_header.csv
expect identify-features-outside "features_far.csv: far: its shoulders .* reach outside the channels" $identify --library demo --features features_far.csv
expect identify-truth-grid "demo_minerals.tif: the reference map is 60 × 40 pixels, the identification 30 × 20" $identify --library demo --truth $demo/demo_minerals.tif
expect identify-truth-unnamed "demo_aster.tif: the reference map names no classes" $identify --library demo --truth $low
expect identify-truth-folder "folder: is a folder" $identify --library demo --truth folder
expect identify-pairs-word "--pairs: expected yes or no, got .maybe." $identify --library demo --pairs maybe
expect identify-out-folder "absent/id_mineral.tif: the folder absent does not exist" $cli identify --model g.specres --low $low --library demo --out absent/id
expect library-out-format "x.txt: the output must end in .sli or .csv" $cli library --library demo --out x.txt
expect library-exclude-unknown "--exclude: .Unobtainium. is not in the library" $cli library --library demo --exclude Unobtainium

# ---- outputs over inputs, and tiles whose manifests do not describe them (second round) ----
cp "$low" a_mean.tif
expect predict-onto-input "a_mean.tif: is the low-resolution raster of this run" $cli predict --model g.specres --low a_mean.tif --out a
rows=$((rows + 1))
if ! cmp -s a_mean.tif "$low"; then echo "FAIL predict-onto-input: the input was changed"; failures=$((failures + 1)); fi
cp "$low" id_mineral.tif
expect identify-onto-input "id_mineral.tif: is the low-resolution raster of this run" $cli identify --model g.specres --low id_mineral.tif --library demo --out id
tiles() {  # FOLDER [LOW]: the three tiles of a G prediction, in FOLDER
    mkdir -p "$1"
    for k in 1 2 3; do
        $cli predict --model g.specres --low "${2:-$low}" --tile $k/3 --out "$1/run" > /dev/null 2>&1 || echo "FAIL: tile $k of $1"
    done
}
tiles copied && cp copied/run.tile-1-of-3.json copied/run.tile-2-of-3.json
expect merge-copied-manifest "run.tile-2-of-3.json describes tile 1 of 3" $cli merge copied/run
tiles moved && sed -i 's/"first": 6/"first": 9/' moved/run.tile-2-of-3.json
expect merge-rows-moved "run.tile-2-of-3.json: damaged .rows 9.7, but tile 2 of 3 of a 20-row scene is rows 6.7" $cli merge moved/run
tiles cut && sed -i 's/"count": 7,/"count": 3,/' cut/run.tile-2-of-3.json
expect merge-rows-cut "run.tile-2-of-3.json: damaged .rows 6.3, but tile 2 of 3" $cli merge cut/run
tiles truncated && truncate -s 3000 truncated/run.tile-2-of-3_sigma.tif
expect merge-truncated-map "run.tile-2-of-3_sigma.tif is not the file its manifest describes" $cli merge truncated/run
cp "$low" changing_low.tif
tiles changed changing_low.tif && printf 'x' >> changing_low.tif
expect merge-input-changed "changing_low.tif has changed since the tiles were made" $cli merge changed/run
project() {  # MODEL CURRENT SPLIT OUT: a project of the demo pair with one model
    printf '{"format":"specres-project","version":1,"high":"%s","low":"%s","pair_options":{"high":{},"low":{},"window_um":[2.0,2.5],"resampling":"average","grid":"high"},"config":{},"split":%s,"models":[{"label":"G/full","path":"%s"}],"current_model":"%s","pins":[],"neighbourhood":1,"comparison":null,"view":{}}' "$high" "$low" "$3" "$1" "$2" > "$4"
}
project "$work/absent.specres" G/full null missing_model.specresproj
expect gui-project-model-missing "absent.specres: no such file" $gui --project missing_model.specresproj --pixel 1,1 --export-spectrum x.png
project "$work/random.specres" G/full null random_model.specresproj
expect gui-project-model-random "random.specres: not a SpecRes model" $gui --project random_model.specresproj --pixel 1,1 --export-spectrum x.png
project "$work/g.specres" Nothing/full null unknown_current.specresproj
expect gui-project-current-unknown "the current model .Nothing/full. is none of the project.s models" $gui --project unknown_current.specresproj --pixel 1,1 --export-spectrum x.png
project "$work/g.specres" G/full '{"width":7,"height":40,"train":[1,2],"validation":[3],"test":[4]}' other_split.specresproj
expect gui-project-split-other-grid "the saved split is for a 7 × 40 grid, the pair is 60 × 40" $gui --project other_split.specresproj --pixel 1,1 --export-spectrum x.png

# ---- second round: accepted silently, or a message that pointed elsewhere ----
cp plausible.bin repeated.img; envi_header repeated 60 bsq "2165, 2205, 2205, 2330, 2395"
warns envi-repeated-wavelength "repeated.img: bands 2 and 3 are both at 2.205 µm" $cli info repeated.img
expect info-swath-not-emit "demo_aster.tif: the swath geometry .--swath. is an EMIT granule's" $cli info "$low" --swath
expect simulate-multispectral "demo_aster.tif: 5 channel.s. within .*no more than the 5 bands" $cli simulate --high "$low" --sensor aster --out s5.tif
printf 'wavelength_um,Alunite,alunite\n2.0,0.5,0.4\n2.5,0.6,0.5\n' > dup_lib.csv
expect library-names-twice "dup_lib.csv: two spectra are named .alunite." $identify --library dup_lib.csv
$cli library --library demo --out demo_lib.csv > /dev/null 2>&1
head -n 1 demo_lib.csv | tr -d '"\r' | tr ',' '\n' | tail -n +2 | sed 's/$/,0/' > priors_zero.csv
head -n 1 demo_lib.csv | tr -d '"\r' | tr ',' '\n' | tail -n +2 | sed 's/$/,1/' > priors_ones.csv
{ echo "name,prior"; head -n 1 demo_lib.csv | tr -d '"\r' | tr ',' '\n' | sed -n 2p | sed 's/$/,nan/'; } > priors_nan.csv
printf 'name,prior\nAlunite,0.5\nalunite,0.5\n' > priors_twice.csv
expect identify-priors-zero "priors_zero.csv: every prior is 0" $identify --library demo --priors priors_zero.csv
expect identify-priors-nan "priors_nan.csv, line 2: expected name,prior with a non-negative prior" $identify --library demo --priors priors_nan.csv
expect identify-priors-twice "priors_twice.csv, line 3: .alunite. is listed twice .first on line 2." $identify --library demo --priors priors_twice.csv
warns identify-priors-not-one "priors_ones.csv: the priors add up to [0-9]+, not 1" $identify --library demo --priors priors_ones.csv
expect predict-tile-twice "--tile 2/3 and --tile-index 1 name different tiles" $cli predict --model g.specres --low "$low" --tile 2/3 --tile-index 1 --out tc
$cli demo --out tiny --size 2x2 --factor 1 > /dev/null 2>&1
expect dataset-too-few-pixels "give 2 training, 1 validation and 0 test spectra.*draw more spectra with --samples, at least 8" $cli dataset --high tiny/demo_avirisng.tif --low tiny/demo_aster.tif --out tiny_split.json --samples 3
printf 'name,low\n\303\251t\303\251,%s\n' "$low" > accented.csv
expect batch-scenes-accented "accented.csv, line 2: name '.+' must be letters, digits, '.', '_' or '-', all ASCII" $cli batch plan --model g.specres --scenes accented.csv --tiles-per-scene 2 --out r_accent
printf '\357\273\277name,low\na,%s\n' "$low" > bom.csv
printf 'name,low\n"b","%s"\n' "$low" > quoted.csv
printf 'name,low\nc,"%s\n' "$low" > unclosed.csv
expect batch-scenes-unclosed "unclosed.csv, line 2: a quote .\". opens a field that never closes" $cli batch plan --model g.specres --scenes unclosed.csv --tiles-per-scene 2 --out r_unclosed
for table in bom quoted; do
    rows=$((rows + 1))
    if ! $cli batch plan --model g.specres --scenes $table.csv --tiles-per-scene 2 --out r_$table > $table.log 2>&1; then
        echo "FAIL batch-scenes-$table: the table was refused: $(tail -n 1 $table.log)"
        failures=$((failures + 1))
    else
        echo "ok   batch-scenes-$table (read)"
    fi
done
mkdir -p aster_set aster_five
for b in 5 6 7 8; do cp "$low" "aster_set/AST_07XT_test_B0$b.tif"; done
expect aster-band-missing "AST_07XT_test_B05.tif: an ASTER band file, but band 9's .*AST_07XT_test_B09.tif. is missing" $cli info aster_set/AST_07XT_test_B05.tif
for b in 5 6 7 8 9; do cp "$low" "aster_five/AST_07XT_test_B0$b.tif"; done
expect aster-band-five-bands "AST_07XT_test_B05.tif: has 5 bands, but an ASTER band file holds one" $cli info aster_five/AST_07XT_test_B05.tif
$cli compare $pair --samples 400 --methods G --covariances full --out cmp > /dev/null 2>&1 || echo "FAIL: could not run the comparison the calibration rows use"
sed 's/"marginal_coverage":/"marginal_coverage_removed":/' cmp/results.json > no_curves.json
sed '/"marginal_coverage": \[/{n;s/[-0-9.e]*\(,*\)$/null\1/;}' cmp/results.json > nan_curves.json
expect gui-calibration-no-curves "no_curves.json: its methods have no calibration curves" $gui --comparison no_curves.json --export-calibration x.pdf
expect gui-calibration-nan-curves "nan_curves.json: the calibration curves of G/full hold values that are not numbers" $gui --comparison nan_curves.json --export-calibration x.pdf

# The pair check and its corrections.
expect pair-check-swapped "demo_avirisng.tif: 99 bands in the window, but the sensor .ASTER SWIR bands 5–9. has 5" $cli pair-check --high "$high" --low "$high"
expect pair-check-out-is-file "--out: empty.json: cannot create the report folder" $cli pair-check $pair --out empty.json
expect low-shift-words "--low-shift: expected DX,DY" $cli pair-check $pair --low-shift east
expect low-shift-huge "--low-shift: 5000,0 is more than 1000 pixels" $cli dataset $pair --low-shift 5000,0 --out s.json
expect exclude-missing "nomask.tif: cannot open the exclusion mask" $cli dataset $pair --exclude nomask.tif --out s.json
expect exclude-wrong-size "empty.json: cannot open the exclusion mask" $cli train $pair --method G --exclude empty.json --out m.specres
printf '{"dataset": {"low_shift_px": [1, 2, 3]}}' > three_shifts.json
expect config-low-shift-three "three_shifts.json: dataset: .low_shift_px. must be two numbers" $cli train $pair --method G --config three_shifts.json --out m.specres

passed=$((rows - failures))
echo "bad inputs: $passed passed, $failures failed"
[ "$failures" -eq 0 ] && [ "$rows" -ge 60 ]
