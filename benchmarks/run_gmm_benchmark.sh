#!/usr/bin/env bash
# Runs the GM benchmark and scikit-learn on the same data, one after the other.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${SPECRES_BUILD_DIR:-$here/../build}
folder=${1:-/tmp/specres-bench-gmm}
repeats=${2:-3}
"$build/benchmarks/bench_gmm" "$folder" "$repeats"
/usr/bin/python3 "$here/sklearn_gmm.py" "$folder" "$repeats"
