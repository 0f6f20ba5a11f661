#!/usr/bin/env bash
# Installs the Debian 12 packages SpecRes needs to build, test and run — only those missing,
# so a second run costs a second. Uses sudo when not run as root.
set -euo pipefail

packages=(
    # toolchain (lld: a fast linker, used where present)
    build-essential cmake ninja-build ccache pkg-config lld
    # Qt 6: Widgets, Charts, SVG, Test (Charts needs Qt's OpenGL module and GL headers)
    # (libqt6svg6-dev is a virtual name on Debian 12; qt6-svg-dev provides it)
    qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev qt6-qpa-plugins
    libgl-dev libegl-dev libvulkan-dev libxkbcommon-dev fonts-dejavu-core
    # numerics and I/O (Eigen hands large products to the system BLAS; Boost.Math for the
    # Student t distribution)
    libeigen3-dev libblas-dev libboost-dev libgdal-dev nlohmann-json3-dev
    # FFTW: the pair check's phase correlation
    libfftw3-dev
    # HDF4 (the build GDAL uses): tests write ASTER-like HDF4 products with it
    libhdf4-alt-dev
    # LibTorch, and an optimised BLAS for it (Debian's libtorch calls the system BLAS)
    libtorch-dev libopenblas0-pthread
    # Python: the module (pybind11) and its tests (pytest, numpy, GDAL's bindings, matplotlib
    # for the worked example)
    python3-dev pybind11-dev python3-numpy python3-pytest python3-gdal python3-matplotlib
    # QGIS: the Processing provider's tests run its algorithms through qgis_process
    qgis python3-qgis qgis-providers xvfb xauth
    # Slurm and munge: the batch tests start a single-node cluster of their own
    slurmctld slurmd slurm-client munge
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        sudo="sudo"
    else
        echo "error: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
