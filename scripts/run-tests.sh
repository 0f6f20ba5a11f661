#!/usr/bin/env bash
# Set-up command 2: install what is missing, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${SPECRES_BUILD_DIR:-build}" --output-on-failure --parallel "$(nproc)" "$@"
