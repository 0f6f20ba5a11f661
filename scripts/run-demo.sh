#!/usr/bin/env bash
# Set-up command 1: install what is missing, build, and open SpecRes on the built-in demo scene.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "error: no display. Run this from a desktop session, or under a virtual display:" >&2
    echo "       xvfb-run -a ./scripts/run-demo.sh" >&2
    exit 1
fi
exec "./${SPECRES_BUILD_DIR:-build}/app/gui/specres" --demo "$@"
