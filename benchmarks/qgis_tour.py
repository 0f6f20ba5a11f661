"""A screenshot of QGIS with SpecRes's Processing provider: run inside QGIS's GUI
(`qgis --code`), it registers the provider, runs Predict scene on the demo, shows the toolbox
filtered to SpecRes and the σ layer in its style, saves the window and quits.

    SPECRES_TOUR_MODEL=M SPECRES_TOUR_LOW=L SPECRES_TOUR_HIGH=H SPECRES_TOUR_OUT=DIR \
    SPECRES_CLI=build/app/cli/specres-cli xvfb-run -a -s "-screen 0 1600x1000x24" \
    qgis.bin --nologo --noversioncheck --profiles-path /tmp/qgis-tour --code benchmarks/qgis_tour.py
"""

import os
import sys

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit
from qgis.utils import iface

here = os.path.dirname(os.path.abspath(os.environ.get("SPECRES_TOUR_SCRIPT", "benchmarks/x")))
sys.path.insert(0, os.path.join(os.path.dirname(here), "python", "qgis"))
from specres_processing.provider import SpecResProvider  # noqa: E402

out = os.environ["SPECRES_TOUR_OUT"]
os.makedirs(out, exist_ok=True)
provider = SpecResProvider()
QgsApplication.processingRegistry().addProvider(provider)


def run():
    import processing
    processing.runAndLoadResults("specres:predictscene", {
        "MODEL": os.environ["SPECRES_TOUR_MODEL"], "LOW": os.environ["SPECRES_TOUR_LOW"],
        "HIGH": os.environ["SPECRES_TOUR_HIGH"], "NAME": "demo",
        "OUTPUT_FOLDER": os.path.join(out, "maps")})
    root = QgsProject.instance().layerTreeRoot()
    for layer in QgsProject.instance().mapLayers().values():
        root.findLayer(layer.id()).setItemVisibilityChecked(layer.name() == "demo sigma")
    sigma = QgsProject.instance().mapLayersByName("demo sigma")[0]
    iface.setActiveLayer(sigma)
    iface.mapCanvas().setExtent(sigma.extent())
    iface.mapCanvas().refresh()
    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    if toolbox:
        toolbox.setVisible(True)
        search = toolbox.findChild(QLineEdit)
        if search:
            search.setText("specres")
    QTimer.singleShot(6000, save)


def save():
    iface.mainWindow().grab().save(os.path.join(out, "qgis-provider.png"))
    QgsApplication.exit(0)


QTimer.singleShot(3000, run)
