"""The QGIS Processing provider run headless through QGIS's own processing framework
(processing.run in a QgsApplication without a display), on the demo; every algorithm's
outputs must equal specres-cli's for the same inputs."""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal

from conftest import category_names, run_cli

sys.path.insert(0, "/usr/share/qgis/python/plugins")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python" / "qgis"))

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
)


@pytest.fixture(scope="module")
def qgis():
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing
    Processing.initialize()
    from specres_processing.provider import SpecResProvider
    provider = SpecResProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    import processing
    yield processing
    QgsApplication.processingRegistry().removeProvider(provider)


def rasters_equal(a, b):
    """Same size, georeference, band descriptions and metadata values, and the same bits."""
    da, db = gdal.Open(str(a)), gdal.Open(str(b))
    assert (da.RasterXSize, da.RasterYSize, da.RasterCount) == \
        (db.RasterXSize, db.RasterYSize, db.RasterCount)
    assert da.GetGeoTransform() == db.GetGeoTransform()
    assert da.GetProjection() == db.GetProjection()
    for i in range(1, da.RasterCount + 1):
        ba, bb = da.GetRasterBand(i), db.GetRasterBand(i)
        assert ba.GetDescription() == bb.GetDescription()
        assert ba.GetMetadataItem("wavelength") == bb.GetMetadataItem("wavelength")
        assert category_names(ba) == category_names(bb)
        np.testing.assert_array_equal(ba.ReadAsArray(), bb.ReadAsArray())


def test_the_provider_lists_every_algorithm(qgis):
    ids = {a.id() for a in QgsApplication.processingRegistry().providerById(
        "specres").algorithms()}
    assert ids == {f"specres:{n}" for n in ("predictscene", "identifyminerals", "simulateaster",
                                            "maketrainingpair", "train", "compare",
                                            "planbatch")}


def test_predict_scene_equals_the_cli_and_styles_its_layers(qgis, demo, tmp_path):
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = qgis.run("specres:predictscene", {
        "MODEL": str(demo.dcgm), "LOW": str(demo.low), "HIGH": str(demo.high),
        "NAME": "scene", "OUTPUT_FOLDER": str(tmp_path / "qgis")},
        context=context, feedback=QgsProcessingFeedback())
    (tmp_path / "cli").mkdir()
    run_cli("predict", "--model", demo.dcgm, *demo.pair, "--out", tmp_path / "cli" / "scene")
    for kind in ("mean", "sigma", "uncertainty", "nll", "rmse"):
        assert result[kind.upper()] == str(tmp_path / "qgis" / f"scene_{kind}.tif")
        rasters_equal(result[kind.upper()], tmp_path / "cli" / f"scene_{kind}.tif")
    # The layers QGIS adds on completion, with their styles.
    from processing.gui.Postprocessing import handleAlgorithmResults
    from qgis.core import QgsProcessingAlgRunnerTask  # noqa: F401  (the GUI's own route)
    alg = QgsApplication.processingRegistry().algorithmById("specres:predictscene")
    assert handleAlgorithmResults(alg, context, QgsProcessingFeedback(), False, result)
    layers = {layer.name(): layer for layer in QgsProject.instance().mapLayers().values()}
    sigma = layers["scene sigma"]
    assert sigma.renderer().type() == "singlebandpseudocolor"
    items = sigma.renderer().legendSymbologyItems()
    assert len(items) == 5
    # σ drawn at the channel nearest 2.2 µm (the Al-OH feature), not the first one.
    assert "2.20002 µm sigma" in sigma.bandName(sigma.renderer().band())
    assert layers["scene mean"].renderer().type() == "singlebandgray"
    assert layers["scene mean"].bandName(1).endswith("2.00000 µm mean") or \
        "µm mean" in layers["scene mean"].bandName(1)
    assert layers["scene nll"].renderer().type() == "singlebandpseudocolor"
    QgsProject.instance().removeAllMapLayers()


def test_identify_minerals_equals_the_cli(qgis, demo, tmp_path):
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result = qgis.run("specres:identifyminerals", {
        "MODEL": str(demo.dcgm), "LOW": str(demo.low), "LIBRARY": "demo", "PAIRS": True,
        "NAME": "m", "OUTPUT_FOLDER": str(tmp_path / "qgis")}, context=context)
    (tmp_path / "cli").mkdir()
    run_cli("identify", "--model", demo.dcgm, "--low", demo.low, "--library", "demo",
            "--pairs", "yes", "--out", tmp_path / "cli" / "m")
    for key, suffix in (("MINERAL", "mineral"), ("RUNNER_UP", "runner_up"),
                        ("PROBABILITY", "probability"), ("PVALUE", "pvalue")):
        rasters_equal(result[key], tmp_path / "cli" / f"m_{suffix}.tif")
    from processing.gui.Postprocessing import handleAlgorithmResults
    alg = QgsApplication.processingRegistry().algorithmById("specres:identifyminerals")
    handleAlgorithmResults(alg, context, QgsProcessingFeedback(), False, result)
    layer = next(layer for layer in QgsProject.instance().mapLayers().values()
                 if layer.name() == "m mineral")
    assert layer.renderer().type() == "paletted"
    labels = {c.label for c in layer.renderer().classes()}
    mineral = gdal.Open(result["MINERAL"])
    names = set(n for n in category_names(mineral.GetRasterBand(1)) if n)
    assert labels == names and "Alunite" in " ".join(labels)
    QgsProject.instance().removeAllMapLayers()


@pytest.mark.parametrize("algorithm,grid", [("simulateaster", "auto"),
                                            ("maketrainingpair", "high")])
def test_simulation_equals_the_cli(qgis, demo, tmp_path, algorithm, grid):
    key = "OUTPUT" if algorithm == "simulateaster" else "LOW_OUTPUT"
    out = tmp_path / "qgis.tif"
    qgis.run(f"specres:{algorithm}", {"HIGH": str(demo.high), "GRID": ["auto", "high",
                                                                        "low"].index(grid),
                                      key: str(out)})
    run_cli("simulate", "--high", demo.high, "--sensor", "aster", "--grid", grid,
            "--out", tmp_path / "cli.tif")
    rasters_equal(out, tmp_path / "cli.tif")


def test_train_and_compare_equal_the_cli(qgis, demo, tmp_path):
    import specres
    qgis.run("specres:train", {"HIGH": str(demo.high), "LOW": str(demo.low),
                               "CONFIG": str(demo.config), "SPLIT": str(demo.split),
                               "METHOD": 1, "COVARIANCE": 0, "OUTPUT": str(tmp_path / "g.specres")})
    x = specres.read_raster(str(demo.low)).data.reshape(-1, 5)
    for a, b in zip(specres.Model(str(tmp_path / "g.specres")).predict(x),
                    specres.Model(str(demo.g)).predict(x)):
        np.testing.assert_array_equal(a, b)
    result = qgis.run("specres:compare", {
        "HIGH": str(demo.high), "LOW": str(demo.low), "CONFIG": str(demo.config),
        "SPLIT": str(demo.split), "METHODS": [1, 3], "COVARIANCES": [0, 1],
        "OUTPUT": str(tmp_path / "qgis")})
    run_cli("compare", *demo.pair, "--config", demo.config, "--split", demo.split,
            "--methods", "G,UGM", "--covariances", "diagonal,full", "--out", tmp_path / "cli")
    ours = json.loads((tmp_path / "qgis" / "results.json").read_text())["results"]
    theirs = json.loads((tmp_path / "cli" / "results.json").read_text())["results"]
    strip = lambda rows: [{k: v for k, v in r.items() if "seconds" not in k} for r in rows]  # noqa
    assert strip(ours) == strip(theirs)
    assert result["TABLE"].endswith("results.csv") and Path(result["TABLE"]).exists()


def test_plan_batch_equals_the_cli(qgis, demo, tmp_path):
    scenes = tmp_path / "scenes.csv"
    scenes.write_text(f"name,low,high\ndemo,{demo.low},{demo.high}\n")
    qgis.run("specres:planbatch", {"MODEL": str(demo.dcgm), "SCENES": str(scenes), "TILES": 3,
                                   "CPUS": 1, "OUTPUT": str(tmp_path / "qgis")})
    run_cli("batch", "plan", "--model", demo.dcgm, "--scenes", scenes, "--tiles-per-scene", 3,
            "--cpus-per-task", 1, "--out", tmp_path / "cli")
    ours = json.loads((tmp_path / "qgis" / "batch.json").read_text())
    theirs = json.loads((tmp_path / "cli" / "batch.json").read_text())
    # The same plan, but for the probe's measured speed and what is sized from it.
    for plan in (ours, theirs):
        for measured in ("memory_mib", "probe_peak_mib", "probe_pixels_per_second",
                         "time_limit_minutes"):
            plan["resources"].pop(measured)
    assert ours == theirs and ours["tiles_per_scene"] == 3
    assert (tmp_path / "qgis" / "submit.sbatch").exists()


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps the errors QGIS reports (processing.run raises a generic message of its own)."""

    def __init__(self):
        super().__init__()
        self.errors = []

    def reportError(self, error, fatal=False):  # noqa: N802
        self.errors.append(error)
        super().reportError(error, fatal)


class CancelOnProgress(RecordingFeedback):
    """Cancels as soon as the work reports progress: the CLI is then mid-run."""

    def setProgress(self, progress):  # noqa: N802
        super().setProgress(progress)
        if progress > 0:
            self.cancel()


def test_a_cancelled_run_leaves_nothing_under_the_output_names(qgis, tmp_path):
    import specres
    big = specres.demo(str(tmp_path / "big"), size=(384, 384), seed=2)
    model = tmp_path / "g.specres"
    run_cli("train", "--high", big["high"], "--low", big["low"], "--method", "G",
            "--covariance", "full", "--samples", "600", "--out", model)
    folder = tmp_path / "out"
    feedback = CancelOnProgress()
    with pytest.raises(QgsProcessingException) as failure:
        qgis.run("specres:predictscene", {"MODEL": str(model), "LOW": big["low"],
                                          "HIGH": big["high"], "NAME": "scene",
                                          "OUTPUT_FOLDER": str(folder)},
                 feedback=feedback)
    assert "cancelled by the user" in str(failure.value)
    assert 0 < feedback.progress() < 100  # cancelled mid-run, not before or after
    assert not list(folder.glob("scene*")), list(folder.iterdir())


def bad_rows(demo, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a raster\n")
    bad_key = tmp_path / "bad_key.json"
    bad_key.write_text('{"methods": {"DCGM": {"epochs": 10}}}')
    folder = str(tmp_path / "out")
    scenes = tmp_path / "scenes.csv"
    scenes.write_text(f"name,low\ndemo,{demo.low}\n")
    return [
        ("missing model", "predictscene", {"MODEL": str(tmp_path / "none.specres"),
                                           "LOW": str(demo.low), "OUTPUT_FOLDER": folder},
         r"none\.specres"),
        ("model of another sensor", "predictscene", {"MODEL": str(demo.dcgm),
                                                     "LOW": str(demo.high),
                                                     "OUTPUT_FOLDER": folder},
         r"model expects 5|5 (bands|channels)"),
        ("low raster not a raster", "predictscene", {"MODEL": str(demo.dcgm), "LOW": str(text),
                                                     "OUTPUT_FOLDER": folder},
         r"notes\.txt|LOW"),
        ("name with a folder in it", "predictscene", {"MODEL": str(demo.dcgm),
                                                      "LOW": str(demo.low), "NAME": "a/b",
                                                      "OUTPUT_FOLDER": folder},
         r"NAME: 'a/b' must be a plain file name prefix"),
        ("unknown library", "identifyminerals", {"MODEL": str(demo.dcgm), "LOW": str(demo.low),
                                                 "LIBRARY": str(tmp_path / "nolib"),
                                                 "OUTPUT_FOLDER": folder}, r"nolib"),
        ("VE cannot identify", "identifyminerals", {"MODEL": str(demo.ve), "LOW": str(demo.low),
                                                    "OUTPUT_FOLDER": folder},
         r"VE"),
        ("train: unknown config key", "train", {"HIGH": str(demo.high), "LOW": str(demo.low),
                                                "CONFIG": str(bad_key), "METHOD": 0,
                                                "OUTPUT": str(tmp_path / "m.specres")},
         r"bad_key\.json: methods: DCGM: unknown setting .epochs."),
        ("train: unwritable model", "train", {"HIGH": str(demo.high), "LOW": str(demo.low),
                                              "METHOD": 1, "OUTPUT": "/proc/m.specres"},
         r"m\.specres"),
        ("compare: no methods", "compare", {"HIGH": str(demo.high), "LOW": str(demo.low),
                                            "METHODS": [], "OUTPUT": folder},
         r"METHODS"),
        ("simulate: not hyperspectral", "simulateaster", {"HIGH": str(demo.low),
                                                          "OUTPUT": str(tmp_path / "s.tif")},
         r"demo_aster\.tif"),
        ("measured raster of the low sensor", "predictscene", {
            "MODEL": str(demo.dcgm), "LOW": str(demo.low), "HIGH": str(demo.low),
            "OUTPUT_FOLDER": folder},
         r"the model expects 99 high-resolution channels, the data have 5"),
        ("model file is a folder", "identifyminerals", {"MODEL": str(tmp_path),
                                                        "LOW": str(demo.low),
                                                        "OUTPUT_FOLDER": folder},
         r"is a folder"),
        ("pair from a text file", "maketrainingpair", {"HIGH": str(text),
                                                       "LOW_OUTPUT": str(tmp_path / "p.tif")},
         r"notes\.txt|HIGH"),
        ("tiles out of range", "planbatch", {"MODEL": str(demo.dcgm), "SCENES": str(scenes),
                                             "TILES": 0, "OUTPUT": str(tmp_path / "run")},
         r"TILES|Row tiles"),
        ("plan: missing scenes table", "planbatch", {"MODEL": str(demo.dcgm),
                                                     "SCENES": str(tmp_path / "none.csv"),
                                                     "OUTPUT": str(tmp_path / "run")},
         r"none\.csv"),
    ]


@pytest.mark.parametrize("index", range(15))
def test_bad_input_fails_the_algorithm_with_the_cli_message(qgis, demo, tmp_path, index):
    name, algorithm, parameters, pattern = bad_rows(demo, tmp_path)[index]
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException) as failure:
        qgis.run(f"specres:{algorithm}", parameters, feedback=feedback)
    said = "\n".join([str(failure.value), *feedback.errors])
    assert re.search(pattern, said), (name, said)
