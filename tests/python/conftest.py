"""Shared fixtures: a small demo scene and models trained on it by specres-cli, made once per
session in a temporary folder. CTest passes the programs' paths in the environment."""

import os
import subprocess
from pathlib import Path

import pytest

CLI = os.environ.get("SPECRES_CLI", "specres-cli")
APP = os.environ.get("SPECRES_APP", "")

FAST_CONFIG = """{"preset": "default",
 "methods": {"DCGM": {"hidden_layers": [64, 64], "dropout": 0.1, "max_epochs": 15, "patience": 5},
             "VE": {"hidden_layers": [16], "max_epochs": 3, "patience": 2, "dropout_grid": []}}}"""


def run_cli(*args, cwd=None):
    """Runs specres-cli; a failure shows its output."""
    done = subprocess.run([CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"specres-cli {' '.join(map(str, args))} failed "
                             f"({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def category_names(band):
    """GDAL 3.6's GeoTIFF driver gives a band's category names (kept in the .aux.xml) only once
    something else has loaded that file; the colour table does."""
    band.GetColorTable()
    return band.GetCategoryNames()


class Demo:
    """The demo scene, a split and three models (DCGM/full, G/full, VE/full) trained by the CLI."""

    def __init__(self, root: Path):
        self.root = root
        self.high = root / "demo" / "demo_avirisng.tif"
        self.low = root / "demo" / "demo_aster.tif"
        self.config = root / "fast.json"
        self.split = root / "split.json"
        self.dcgm = root / "dcgm_full.specres"
        self.g = root / "g_full.specres"
        self.ve = root / "ve_full.specres"
        self.pair = ["--high", self.high, "--low", self.low]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("specres")
    d = Demo(root)
    run_cli("demo", "--out", root / "demo", "--size", "60x40", "--seed", "3", "--factor", "1")
    d.config.write_text(FAST_CONFIG)
    run_cli("dataset", *d.pair, "--samples", "600", "--out", d.split)
    for method, path in (("DCGM", d.dcgm), ("G", d.g), ("VE", d.ve)):
        run_cli("train", *d.pair, "--split", d.split, "--config", d.config, "--method", method,
                "--covariance", "full", "--out", path)
    return d
