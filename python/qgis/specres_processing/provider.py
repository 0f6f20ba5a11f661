"""The 'specres' provider: one algorithm per specres-cli command a GIS analyst needs."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS


class SpecResProvider(QgsProcessingProvider):
    def id(self):
        return "specres"

    def name(self):
        return "SpecRes"

    def longName(self):  # noqa: N802
        return "SpecRes: high-resolution spectra with uncertainty"

    def icon(self):
        path = os.path.join(os.path.dirname(__file__), "specres.svg")
        return QIcon(path) if os.path.exists(path) else super().icon()

    def loadAlgorithms(self):  # noqa: N802
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
