"""`import specres` against the CLI, the app and closed forms: the module must give the same
numbers as the other routes to the core, and numbers that obey the laws they claim."""

import csv
import math
import os
import subprocess
import threading

import numpy as np
import pytest
from osgeo import gdal
from scipy import stats

import specres
from conftest import category_names, APP, run_cli

# Pixels (column, row) spread over the 60 × 40 demo, corners included.
PIXELS = [(0, 0), (59, 39), (13, 7), (31, 22), (45, 3), (7, 35), (52, 28), (20, 19)]


def band_stack(path):
    ds = gdal.Open(str(path))
    return np.stack([ds.GetRasterBand(b + 1).ReadAsArray() for b in range(ds.RasterCount)], -1)


def low_at(demo, pixels):
    low = specres.read_raster(str(demo.low))
    return np.array([low.data[r, c] for c, r in pixels]), low


def high_at(demo, pixels):
    high = specres.read_raster(str(demo.high), spectral_window=(2.0, 2.5))
    return np.array([high.data[r, c] for c, r in pixels])


def test_model_describes_itself(demo):
    m = specres.Model(str(demo.dcgm))
    assert m.label == "DCGM/full" and m.method == "DCGM" and m.covariance == "full"
    assert m.low_wavelengths.shape == (5,) and m.high_wavelengths.shape == (99,)
    assert np.all(np.diff(m.high_wavelengths) > 0)
    law = m.calibration
    assert math.isclose(sum(law["weights"]), 1.0, rel_tol=1e-9)
    assert math.isclose(law["mean_scale"], float(np.dot(law["scales"], law["weights"])),
                        rel_tol=1e-9)
    assert m.training["split"]["train"] == 300
    assert "DCGM/full" in repr(m)


def test_predictions_equal_the_cli_scene_maps_to_the_last_bit(demo, tmp_path):
    prefix = tmp_path / "scene"
    run_cli("predict", "--model", demo.dcgm, *demo.pair, "--out", prefix)
    mean_map = band_stack(f"{prefix}_mean.tif")
    sigma_map = band_stack(f"{prefix}_sigma.tif")
    nll_map = band_stack(f"{prefix}_nll.tif")
    low = specres.read_raster(str(demo.low))
    high = specres.read_raster(str(demo.high), spectral_window=(2.0, 2.5))
    m = specres.Model(str(demo.dcgm))
    # Every pixel of the scene at once, and the chosen pixels alone: the same bits.
    x_all = low.data.reshape(-1, 5)
    mean, sigma = m.predict(x_all)
    np.testing.assert_array_equal(mean.astype(np.float32).reshape(mean_map.shape), mean_map)
    np.testing.assert_array_equal(sigma.astype(np.float32).reshape(sigma_map.shape), sigma_map)
    x = np.array([low.data[r, c] for c, r in PIXELS])
    few_mean, _ = m.predict(x)
    np.testing.assert_array_equal(few_mean, mean.reshape(40, 60, 99)[[r for _, r in PIXELS],
                                                                      [c for c, _ in PIXELS]])
    # Scores of the measured spectra: the NLL map's band 1 and the anomaly map's band 2.
    y = np.array([high.data[r, c] for c, r in PIXELS])
    scores = m.score(x, y)
    for i, (c, r) in enumerate(PIXELS):
        assert np.float32(scores["nll"][i]) == nll_map[r, c, 0]
        assert np.float32(scores["d2_pvalue"][i]) == nll_map[r, c, 1]


@pytest.mark.skipif(not APP, reason="the desktop app was not built")
def test_covariance_equals_the_apps_pixel_csv(demo, tmp_path):
    column, row = 31, 22
    out = tmp_path / "pixel.csv"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([APP, "--pair", f"{demo.high},{demo.low}", "--model", str(demo.dcgm),
                           "--pixel", f"{column},{row}", "--export-data", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "pixel_covariance.csv") as f:
        rows = list(csv.reader(f))
    app_cov = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    x, _ = low_at(demo, [(column, row)])
    _, _, cov = specres.Model(str(demo.dcgm)).predict(x[0], covariance=True)
    # The app writes 10 significant digits: the module's Σ printed the same way is the same text.
    assert cov.shape == app_cov.shape == (99, 99)
    for i in range(99):
        assert [f"{v:.10g}" for v in cov[i]] == [r for r in rows[i + 1][1:]]
    np.testing.assert_allclose(cov, app_cov, rtol=1e-9, atol=0)


def test_covariance_sigma_and_precision_factor_agree(demo):
    x, _ = low_at(demo, PIXELS)
    m = specres.Model(str(demo.dcgm))
    mean, sigma, cov, factor = m.predict(x, covariance=True, precision_factor=True)
    assert cov.shape == (len(PIXELS), 99, 99)
    np.testing.assert_allclose(sigma, np.sqrt(np.diagonal(cov, axis1=1, axis2=2)), rtol=1e-12)
    for i in range(len(PIXELS)):
        np.testing.assert_allclose(cov[i], cov[i].T, rtol=0, atol=1e-15)
        # Σ⁻¹ = F Fᵀ, so F Fᵀ Σ = I.
        identity = factor[i] @ factor[i].T @ cov[i]
        np.testing.assert_allclose(identity, np.eye(99), atol=1e-6)


def test_scores_match_the_scale_mixture_by_a_second_route(demo):
    """NLL, d² and its p-value recomputed with numpy/scipy from Σ and the stored law."""
    for path in (demo.dcgm, demo.g):
        m = specres.Model(str(path))
        x, _ = low_at(demo, PIXELS)
        y = high_at(demo, PIXELS)
        mean, _, cov = m.predict(x, covariance=True)
        scales = np.array(m.calibration["scales"])
        weights = np.array(m.calibration["weights"])
        raw = cov / m.calibration["mean_scale"]  # Σ as trained (predict gives E[w] Σ)
        s = m.score(x, y)
        ys = (y - y.min(1, keepdims=True)) / np.ptp(y, 1, keepdims=True)
        for i in range(len(PIXELS)):
            r = ys[i] - mean[i]
            d2 = r @ np.linalg.solve(raw[i], r)
            assert s["d2"][i] == pytest.approx(d2, rel=1e-7)
            logdet = np.linalg.slogdet(raw[i])[1]
            n = len(r)
            logp = [math.log(w) - 0.5 * (n * math.log(2 * math.pi * k) + logdet + d2 / k)
                    for k, w in zip(scales, weights)]
            assert s["nll"][i] == pytest.approx(-np.logaddexp.reduce(logp), rel=1e-7)
            p = sum(w * stats.chi2.sf(d2 / k, n) for k, w in zip(scales, weights))
            assert s["d2_pvalue"][i] == pytest.approx(p, rel=1e-6, abs=1e-12)
            assert s["log_det"][i] == pytest.approx(logdet, rel=1e-9)
        assert np.all(s["crps"] > 0) and np.all(s["energy_score"] > 0)


def test_samples_follow_the_predictive_law_and_are_reproducible(demo):
    m = specres.Model(str(demo.g))
    x, _ = low_at(demo, PIXELS[:3])
    mean, _, cov = m.predict(x, covariance=True)
    draws = m.sample(x, 20000, seed=5)
    assert draws.shape == (3, 20000, 99)
    for i in range(3):
        sd = np.sqrt(np.diag(cov[i]))
        # The mean of 20,000 draws is within 5 standard errors of μ in every channel.
        assert np.all(np.abs(draws[i].mean(0) - mean[i]) < 5 * sd / math.sqrt(20000))
        np.testing.assert_allclose(np.cov(draws[i].T), cov[i], atol=0.06 * sd.max() ** 2)
    np.testing.assert_array_equal(m.sample(x, 4, seed=5), m.sample(x, 4, seed=5))
    assert not np.array_equal(m.sample(x, 4, seed=5), m.sample(x, 4, seed=6))
    # A row's draws depend on the seed and the row, not on the rows beside it.
    np.testing.assert_array_equal(m.sample(x[:1], 4, seed=5)[0], m.sample(x, 4, seed=5)[0])


def test_read_raster_gives_the_scene_with_its_grid(demo):
    low = specres.read_raster(str(demo.low))
    assert low.data.shape == (40, 60, 5) and low.valid.all()
    assert low.driver == "GTiff" and low.geotransform is not None and "PROJCS" in low.crs or \
        "PROJCRS" in low.crs
    part = specres.read_raster(str(demo.low), window=(10, 5, 20, 8))
    np.testing.assert_array_equal(part.data, low.data[5:13, 10:30])
    gt = low.geotransform
    assert part.geotransform[0] == pytest.approx(gt[0] + 10 * gt[1])
    assert part.geotransform[3] == pytest.approx(gt[3] + 5 * gt[5])
    high = specres.read_raster(str(demo.high), spectral_window=(2.0, 2.5))
    assert specres.read_raster(str(demo.high)).data.shape[2] > high.data.shape[2]
    np.testing.assert_allclose(high.wavelengths, specres.Model(str(demo.dcgm)).high_wavelengths,
                               atol=5e-4)


def test_identify_agrees_with_the_cli_mineral_maps(demo, tmp_path):
    prefix = tmp_path / "minerals"
    run_cli("identify", "--model", demo.dcgm, "--low", demo.low, "--library", "demo",
            "--out", prefix)
    mineral = gdal.Open(f"{prefix}_mineral.tif")  # (a band must not outlive its dataset)
    names = category_names(mineral.GetRasterBand(1))
    best_map = mineral.ReadAsArray()
    probability = gdal.Open(f"{prefix}_probability.tif").ReadAsArray()
    library = specres.Library("demo")
    assert len(library) == len(library.names) >= 7
    x, _ = low_at(demo, PIXELS)
    found = specres.identify(specres.Model(str(demo.dcgm)), x, library)
    assert len(found) == len(PIXELS)
    for (c, r), f in zip(PIXELS, found):
        posteriors = [k["posterior"] for k in f["minerals"]]
        assert posteriors == sorted(posteriors, reverse=True)
        assert sum(posteriors) == pytest.approx(1.0, abs=1e-9)
        assert all(0 <= k["p_value"] <= 1 for k in f["minerals"])
        assert f["best"] == names[best_map[r, c]]
        assert posteriors[0] == pytest.approx(probability[0, r, c], abs=1e-6)
        assert posteriors[1] == pytest.approx(probability[1, r, c], abs=1e-6)


def test_train_equals_the_cli_and_reports_progress(demo, tmp_path):
    seen = []
    out = tmp_path / "g.specres"
    summary = specres.train(str(demo.high), str(demo.low), "G", "full", out=str(out),
                            config=str(demo.config), split=str(demo.split),
                            progress=lambda f, stage: seen.append(f))
    assert out.exists() and summary["label"] == "G/full"
    assert seen and all(0 <= f <= 1 for f in seen) and seen == sorted(seen)
    x, _ = low_at(demo, PIXELS)
    ours = specres.Model(str(out)).predict(x, covariance=True)
    cli = specres.Model(str(demo.g)).predict(x, covariance=True)
    for a, b in zip(ours, cli):
        np.testing.assert_array_equal(a, b)
    assert summary["test_rmse"] == specres.Model(str(demo.g)).training["test_metrics"]["rmse"]


def test_a_callback_that_returns_false_cancels_and_writes_nothing(demo, tmp_path):
    out = tmp_path / "never.specres"
    with pytest.raises(specres.Cancelled):
        specres.train(str(demo.high), str(demo.low), "DCGM", "full", out=str(out),
                      config=str(demo.config), split=str(demo.split),
                      progress=lambda f, stage: f < 0.3)
    assert not out.exists()


def test_a_callback_that_raises_cancels_with_its_exception(demo, tmp_path):
    def boom(fraction, stage):
        raise LookupError("stop here")
    with pytest.raises(LookupError, match="stop here"):
        specres.compare(str(demo.high), str(demo.low), "G", "full", split=str(demo.split),
                        progress=boom)


def test_ctrl_c_cancels_a_long_call(demo, tmp_path):
    out = tmp_path / "interrupted.specres"
    timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), __import__("signal").SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        specres.train(str(demo.high), str(demo.low), "DCGM", "full", out=str(out),
                      split=str(demo.split))
    timer.join()
    assert not out.exists()


def test_compare_returns_the_results_table(demo):
    results = specres.compare(str(demo.high), str(demo.low), "G,UGM", "diagonal,full",
                              config=str(demo.config), split=str(demo.split))
    labels = [f"{r['method']}/{r['covariance']}" for r in results["results"]]
    assert sorted(labels) == ["G/diagonal", "G/full", "UGM/diagonal", "UGM/full"]
    g_full = next(r for r in results["results"] if r["method"] == "G" and
                  r["covariance"] == "full")
    # (side by side, the RMSE may differ from the lone run in the last bit: a sum in another order)
    assert g_full["rmse"] == pytest.approx(specres.Model(str(demo.g)).training["test_metrics"]["rmse"], rel=1e-13)


def test_demo_writes_the_scene(tmp_path):
    paths = specres.demo(str(tmp_path / "d"), size=(30, 20), seed=4)
    scene = specres.read_raster(paths["high"], spectral_window=(2.0, 2.5))
    assert scene.data.shape == (20, 30, 99)
    again = specres.read_raster(specres.demo(str(tmp_path / "e"), size=(30, 20), seed=4)["high"],
                                spectral_window=(2.0, 2.5))
    np.testing.assert_array_equal(scene.data, again.data)


SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
EMIT_CROP = os.path.join(SHARED, "emit_l2a_crop",
                         "EMIT_L2A_RFL_001_20241006T165148_2428011_003_crop.nc")


@pytest.mark.skipif(not os.path.exists(EMIT_CROP), reason="the shared EMIT crop is absent")
def test_read_raster_reads_a_real_emit_product_as_the_app_does(tmp_path):
    with pytest.raises(specres.Error, match=r"_crop\.nc: an EMIT granule .*wavelength"):
        specres.read_raster(EMIT_CROP)
    table = tmp_path / "wavelengths.csv"
    table.write_text("wavelength_nm\n2100\n2200\n2300\n")
    r = specres.read_raster(EMIT_CROP, wavelengths=str(table))
    assert r.data.shape == (32, 32, 3) and r.product and "EMIT" in r.product
    np.testing.assert_allclose(r.wavelengths, [2.1, 2.2, 2.3])
    # The same values through GDAL's multidimensional API: reflectance[row][column][band].
    cube = gdal.OpenEx(EMIT_CROP, gdal.OF_MULTIDIM_RASTER).GetRootGroup().OpenMDArray(
        "reflectance").ReadAsArray()
    np.testing.assert_array_equal(np.where(cube == -9999, np.nan, cube).astype(np.float64),
                                  r.data)
