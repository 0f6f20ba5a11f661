#!/usr/bin/env bash
# Runs the GM benchmark and scikit-learn on the same data, one after the other.
set -euo pipefail
# The benchmark programs are not part of the default build: build them (only what changed).
cmake --build "$(cd "$(dirname "$0")/.." && pwd)/${SPECRES_BUILD_DIR:-build}" --target benchmarks > /dev/null
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
folder=${1:-/tmp/specres-bench-gmm}
repeats=${2:-3}
"$build/benchmarks/bench_gmm" "$folder" "$repeats"
/usr/bin/python3 "$here/sklearn_gmm.py" "$folder" "$repeats"
