#!/usr/bin/python3
"""Pixels per second of specres.Model.predict on N spectra from Python, beside
`specres-cli predict` on a scene of the same N pixels (one run each, same model, same machine).

Usage: PYTHONPATH=build/python benchmarks/python_predict.py MODEL WORKDIR [SIDE]
Writes a SIDE × SIDE demo scene (default 1000: a million pixels) into WORKDIR if missing.
"""

import os
import subprocess
import sys
import time

import numpy as np

import specres


def main():
    model_path, work = sys.argv[1], sys.argv[2]
    side = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    cli = os.environ.get("SPECRES_CLI", "build/app/cli/specres-cli")
    scene = os.path.join(work, f"demo{side}")
    if not os.path.exists(os.path.join(scene, "demo_aster.tif")):
        specres.demo(scene, size=(side, side), seed=1, factor=1)
    low = os.path.join(scene, "demo_aster.tif")
    model = specres.Model(model_path)
    x = specres.read_raster(low).data.reshape(-1, 5)
    n = x.shape[0]

    start = time.perf_counter()
    mean, sigma = model.predict(x)
    python_seconds = time.perf_counter() - start

    start = time.perf_counter()
    subprocess.run([cli, "predict", "--model", model_path, "--low", low,
                    "--out", os.path.join(work, "bench")], check=True, capture_output=True)
    cli_seconds = time.perf_counter() - start

    print(f"{model.label}, {n:,} spectra, {os.cpu_count()} cores, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}")
    print(f"python  predict: {python_seconds:7.1f} s  {n / python_seconds:10,.0f} pixels/s")
    print(f"specres-cli predict (maps written): {cli_seconds:7.1f} s  "
          f"{n / cli_seconds:10,.0f} pixels/s")
    print(f"python / cli pixels per second: {cli_seconds / python_seconds:.2f}")
    assert np.isfinite(mean).all() and np.isfinite(sigma).all()


if __name__ == "__main__":
    main()
