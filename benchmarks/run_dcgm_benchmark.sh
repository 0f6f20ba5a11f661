#!/usr/bin/env bash
# Runs the DCGM benchmark and the PyTorch-for-Python version on the same data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
folder=${1:-/tmp/specres-bench-dcgm}
epochs=${2:-3}
"$build/benchmarks/bench_dcgm" "$folder" "$epochs"
/usr/bin/python3 "$here/pytorch_dcgm.py" "$folder" "$epochs"
