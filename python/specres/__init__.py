"""SpecRes for Python: high-resolution spectra predicted from low-resolution ones, with their
full covariance, by the same core as the SpecRes app and ``specres-cli``.

>>> import specres
>>> model = specres.Model("first-run.specres")
>>> mean, sigma = model.predict(x)            # x: (N, 5) ASTER-band reflectance
>>> mean, sigma, cov = model.predict(x, covariance=True)

Values are in normalised reflectance (each spectrum min-max scaled to [0, 1]), as in the scene
maps. Long calls (predict, read_raster, identify, train, compare) release the GIL, report to a
``progress(fraction, stage)`` callback (return False to cancel) and stop on Ctrl-C. Failures are
``specres.Error`` with the file and field named; bad arrays are ``ValueError``/``TypeError``.
See docs/python.md.
"""

from ._core import (  # noqa: F401
    Cancelled,
    Error,
    Library,
    Model,
    __version__,
    compare,
    demo,
    identify,
    read_raster,
    train,
)

__all__ = [
    "Cancelled",
    "Error",
    "Library",
    "Model",
    "compare",
    "demo",
    "identify",
    "read_raster",
    "train",
]
