#!/usr/bin/env bash
# A batch of two demo scenes × 4 tiles, submitted to a real single-node Slurm cluster started
# here: the generated submit.sbatch runs every tile as an array task and queues the merge; the
# mosaics must equal a single-process predict of each scene. Then a second run loses a tile to
# kill -9 in the middle of writing it: no file is left under a final name, `batch status`
# reports that task alone as failed, and the sbatch line it prints — resubmitting only that
# task — completes the run and its merge.
#
# slurm_batch.sh CLI COMPARE MODEL WORK
set -euo pipefail
CLI=$1 COMPARE=$2 MODEL=$3 WORK=$4
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cluster.sh"

[ -f "$MODEL" ] || { echo "no model at $MODEL (the test cli_train_dcgm makes it)" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"
trap stop_cluster EXIT
start_cluster "$WORK/cluster"
echo "cluster up: $(sinfo -h -o '%N %c CPUs %m MB %T')"

# Scene a is small, with its measured high-resolution raster (maps on its grid, NLL and RMSE
# too); scene b is larger, so that a tile takes long enough to be killed half-way.
"$CLI" demo --out "$WORK/a" --size 96x64 --seed 5 > /dev/null
"$CLI" demo --out "$WORK/b" --size 384x384 --seed 6 > /dev/null
cat > "$WORK/scenes.csv" <<CSV
name,low,high
scene-a,a/demo_aster.tif,a/demo_avirisng.tif
scene-b,b/demo_aster.tif,
CSV

check_mosaics() {  # RUN
    local run=$1
    for product in mean sigma uncertainty nll rmse; do
        "$COMPARE" "$run/scenes/scene-a/scene-a_$product.vrt" "$WORK/single-a_$product.tif" 1e-6
    done
    for product in mean sigma uncertainty; do
        "$COMPARE" "$run/scenes/scene-b/scene-b_$product.vrt" "$WORK/single-b_$product.tif" 1e-6
    done
    [ ! -e "$run/scenes/scene-b/scene-b_nll.vrt" ]
}

"$CLI" predict --model "$MODEL" --low "$WORK/a/demo_aster.tif" --high "$WORK/a/demo_avirisng.tif" \
    --out "$WORK/single-a" > /dev/null 2>&1
"$CLI" predict --model "$MODEL" --low "$WORK/b/demo_aster.tif" --out "$WORK/single-b" > /dev/null 2>&1

# 1. The whole run, as a user submits it.
"$CLI" batch plan --model "$MODEL" --scenes "$WORK/scenes.csv" --tiles-per-scene 4 \
    --out "$WORK/run1" --cpus-per-task 1 --throttle 2
grep -q -- '--array=1-8%2' "$WORK/run1/submit.sbatch"
grep -q -- '--mem=[0-9]*M' "$WORK/run1/submit.sbatch"
(cd "$WORK" && sbatch "$WORK/run1/submit.sbatch")
wait_for_jobs 600
"$CLI" batch status "$WORK/run1" | tee "$WORK/status1.txt"
grep -q 'done *8 *tasks 1-8' "$WORK/status1.txt"
grep -q 'every task is done' "$WORK/status1.txt"
ls "$WORK"/run1/logs/merge.job-*.log > /dev/null
grep -q 'scene scene-b: merged 4 tiles' "$WORK"/run1/logs/merge.job-*.log
check_mosaics "$WORK/run1"
echo "run 1: 8 array tasks and the merge job; mosaics equal the single-process maps"

# 2. A tile killed mid-write, and a resubmission of that task alone.
"$CLI" batch plan --model "$MODEL" --scenes "$WORK/scenes.csv" --tiles-per-scene 4 \
    --out "$WORK/run2" --cpus-per-task 1 --throttle 2 > /dev/null
for task in 1 2 3 4 5 6 8; do
    "$CLI" batch run "$WORK/run2" --task "$task" > /dev/null 2>&1
done
OMP_NUM_THREADS=1 "$CLI" batch run "$WORK/run2" --task 7 > "$WORK/task7.log" 2>&1 &
victim=$!
scene_b="$WORK/run2/scenes/scene-b"
for _ in $(seq 1 2000); do
    if ls -a "$scene_b" | grep -q 'tile-3-of-4.*\.part$'; then break; fi
    sleep 0.01
done
ls -a "$scene_b" | grep -q 'tile-3-of-4.*\.part$' || { echo "task 7 never started writing" >&2; exit 1; }
kill -9 "$victim"
wait "$victim" || true
if ls -a "$scene_b" | grep -v '\.part$' | grep -q 'tile-3-of-4'; then
    echo "a killed tile left a file under a final name:" >&2
    ls "$scene_b" >&2
    exit 1
fi
"$CLI" batch status "$WORK/run2" | tee "$WORK/status2.txt"
grep -q 'done *7' "$WORK/status2.txt"
grep -q 'failed *1 *tasks 7' "$WORK/status2.txt"
grep -q 'task 7 (scene scene-b, tile 3/4): stopped before it finished' "$WORK/status2.txt"
# The same task as a compute node would have left it: recorded on another host by a Slurm job
# that has since ended (run 1's job). status asks squeue, and counts it failed.
sed -i 's/"host": "[^"]*"/"host": "another-node"/; s/"slurm_job": "[^"]*"/"slurm_job": "1"/' \
    "$WORK/run2/tasks/task-7.running"
"$CLI" batch status "$WORK/run2" > "$WORK/status-remote.txt"
grep -q 'failed *1 *tasks 7' "$WORK/status-remote.txt"
grep -Eq 'task 7 .*Slurm job 1 on another-node (ended|is no longer known)' "$WORK/status-remote.txt"
# A task whose record says it still runs (here, this very shell) is not started twice.
sed -i "s/\"host\": \"[^\"]*\"/\"host\": \"$(hostname)\"/; s/\"pid\": [0-9]*/\"pid\": $$/" \
    "$WORK/run2/tasks/task-7.running"
if "$CLI" batch run "$WORK/run2" --task 7 2> "$WORK/twice.txt"; then
    echo "a running task was started twice" >&2
    exit 1
fi
grep -q 'is already running' "$WORK/twice.txt"
sed -i 's/"pid": [0-9]*/"pid": 999999/' "$WORK/run2/tasks/task-7.running"
resubmit=$(grep -A1 'resubmit the failed and missing' "$WORK/status2.txt" | tail -1)
echo "resubmitting: $resubmit"
[[ "$resubmit" == *"sbatch --array=7%2 $WORK/run2/submit.sbatch" ]]
(cd "$WORK" && eval "$resubmit")
wait_for_jobs 600
"$CLI" batch status "$WORK/run2" | tee "$WORK/status3.txt"
grep -q 'done *8 *tasks 1-8' "$WORK/status3.txt"
grep -q 'scene scene-b: merged 4 tiles' "$WORK"/run2/logs/merge.job-*.log
check_mosaics "$WORK/run2"
echo "run 2: the killed tile left no file; resubmitting task 7 alone completed the run"
