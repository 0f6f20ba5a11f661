"""Bad input through Python: every row must raise a Python exception whose message names the
file or argument and the problem — never crash the interpreter (a crash fails the whole run)."""

import numpy as np
import pytest

import specres

GOOD_X = np.array([[0.2, 0.25, 0.3, 0.28, 0.22]])


def rows(demo, tmp_path):
    garbage = tmp_path / "garbage.specres"
    garbage.write_bytes(b"\x00\x01 not a model")
    truncated = tmp_path / "truncated.specres"
    truncated.write_bytes(demo.dcgm.read_bytes()[:2000])
    text = tmp_path / "notes.txt"
    text.write_text("not a raster\n")
    bad_key = tmp_path / "bad_key.json"
    bad_key.write_text('{"methods": {"DCGM": {"epochs": 10}}}')
    m = lambda: specres.Model(str(demo.dcgm))  # noqa: E731
    nan_x = GOOD_X.copy()
    nan_x[0, 2] = np.nan
    return [
        ("missing model", lambda: specres.Model(str(tmp_path / "nothere.specres")),
         specres.Error, "nothere.specres: no such file"),
        ("model is a folder", lambda: specres.Model(str(tmp_path)),
         specres.Error, "is a (directory|folder)"),
        ("garbage model", lambda: specres.Model(str(garbage)), specres.Error, "garbage.specres"),
        ("truncated model", lambda: specres.Model(str(truncated)), specres.Error,
         "truncated.specres"),
        ("x of another sensor (4 bands)", lambda: m().predict(np.ones((3, 4))), ValueError,
         r"x: expected 5 values per spectrum .*\(3, 4\)"),
        ("x of 9 bands, one spectrum", lambda: m().predict(np.ones(9)), ValueError,
         r"x: expected 5 values per spectrum"),
        ("x 3-D", lambda: m().predict(np.ones((2, 3, 5))), ValueError, r"x: expected shape"),
        ("x of strings", lambda: m().predict(np.array([["a"] * 5])), TypeError,
         r"x: expected a float or integer array, not dtype <U1"),
        ("x complex", lambda: m().predict(np.ones((1, 5), complex)), TypeError,
         r"not dtype complex128"),
        ("x a string", lambda: m().predict("spectra.csv"), TypeError,
         r"x: expected a numpy array .* not str"),
        ("x empty", lambda: m().predict(np.zeros((0, 5))), ValueError, r"x: no spectra"),
        ("x with NaN", lambda: m().predict(nan_x), ValueError,
         r"x: row 0 holds NaN or infinite values"),
        ("x flat", lambda: m().predict(np.full((2, 5), 0.3)), ValueError, r"x: row 0 is flat"),
        ("invalid= unknown", lambda: m().predict(GOOD_X, invalid="skip"), ValueError,
         r"invalid: choose 'raise' or 'nan'"),
        ("y rows differ", lambda: m().score(np.vstack([GOOD_X, GOOD_X * 2]),
                                            np.linspace(0, 1, 99)[None, :]),
         ValueError, r"x and y: 2 and 1 spectra"),
        ("y of 50 channels", lambda: m().score(GOOD_X, np.ones((1, 50))), ValueError,
         r"y: expected 99 values"),
        ("VE has no covariance", lambda: specres.Model(str(demo.ve)).predict(GOOD_X,
                                                                          covariance=True),
         ValueError, r"VE/full has no predictive density"),
        ("G has no precision factor", lambda: specres.Model(str(demo.g)).predict(
            GOOD_X, precision_factor=True), ValueError, r"G/full does not predict a precision factor"),
        ("sample k=0", lambda: m().sample(GOOD_X, 0), ValueError, r"k: draws per spectrum"),
        ("raster missing", lambda: specres.read_raster(str(tmp_path / "no.tif")), specres.Error,
         r"no\.tif: no such file"),
        ("raster is text", lambda: specres.read_raster(str(text)), specres.Error,
         r"notes\.txt: not a raster"),
        ("raster window outside", lambda: specres.read_raster(str(demo.low), window=(50, 0, 20, 5)),
         ValueError, r"window \(50, 0, 20, 5\) is not inside its 60 × 40 pixels"),
        ("raster scale unknown", lambda: specres.read_raster(str(demo.low), scale="100"),
         ValueError, r"scale: "),
        ("library missing", lambda: specres.Library(str(tmp_path / "nolib")), specres.Error,
         r"nolib"),
        ("priors name unknown", lambda: specres.identify(m(), GOOD_X, specres.Library("demo"),
                                                         priors={"Gold": 1.0}),
         ValueError, r"priors: 'Gold' is not in the library demo"),
        ("train: unknown method", lambda: specres.train(str(demo.high), str(demo.low), "SVM",
                                                        out=str(tmp_path / "m.specres")),
         ValueError, r"unknown method 'SVM'"),
        ("train: unwritable output", lambda: specres.train(
            str(demo.high), str(demo.low), "G", out=str(tmp_path / "no" / "dir" / "m.specres")),
         specres.Error, r"out: .*m\.specres"),
        ("train: unknown config key", lambda: specres.train(
            str(demo.high), str(demo.low), "DCGM", out=str(tmp_path / "m.specres"),
            config=str(bad_key)), specres.Error,
         r"bad_key.json: methods: DCGM: unknown setting .epochs. .did you mean .max_epochs"),
        ("train: config dict of the wrong kind", lambda: specres.train(
            str(demo.high), str(demo.low), "G", out=str(tmp_path / "m.specres"),
            config={"preset": "turbo"}), specres.Error, r"preset. must be one of default paper"),
        ("train: config not JSON", lambda: specres.train(
            str(demo.high), str(demo.low), "G", out=str(tmp_path / "m.specres"),
            config={"preset": object()}), TypeError, r"config: not JSON-like"),
        ("compare: missing raster", lambda: specres.compare(str(tmp_path / "h.tif"),
                                                            str(demo.low), "G", "full"),
         specres.Error, r"h\.tif: no such file"),
    ]


def test_the_table_has_enough_rows(demo, tmp_path):
    assert len(rows(demo, tmp_path)) >= 15


@pytest.mark.parametrize("index", range(31))
def test_bad_input_is_a_named_python_error(demo, tmp_path, index):
    name, call, kind, pattern = rows(demo, tmp_path)[index]
    with pytest.raises(kind, match=pattern):
        call()
