"""Styles for the layers the algorithms add to the project: a colour ramp with its legend for
continuous maps (σ, NLL, probabilities), the mineral maps' own colour table with the minerals'
names, the predicted mean as a multiband layer whose bands are named by wavelength.

A post-processor runs on QGIS's main thread once the layer is in the project; QGIS holds it by
a plain pointer, so every one made is kept alive here."""

from osgeo import gdal
from qgis.core import (
    QgsColorRampShader,
    QgsContrastEnhancement,
    QgsPalettedRasterRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterBandStats,
    QgsRasterShader,
    QgsSingleBandGrayRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsStyle,
)
from qgis.PyQt.QtGui import QColor

_KEEP = []


class _Styler(QgsProcessingLayerPostProcessorInterface):
    def __init__(self, apply):
        super().__init__()
        self._apply = apply

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if layer is not None and layer.isValid():
            self._apply(layer)
            layer.triggerRepaint()


def nearest_band(layer, target_um):
    """The 1-based band whose wavelength (band metadata, as specres-cli writes it) is nearest."""
    dataset = gdal.Open(layer.source())
    centres = [float(dataset.GetRasterBand(b).GetMetadataItem("wavelength") or "inf")
               for b in range(1, dataset.RasterCount + 1)]
    return 1 + min(range(len(centres)), key=lambda i: abs(centres[i] - target_um))


def ramp(ramp_name, band=1, target_um=None):
    """A continuous colour ramp (QGIS's named ramp) over the band's range, in 5 classes; with
    target_um, on the channel nearest that wavelength (2.2 µm: the Al-OH feature)."""
    def apply(layer):
        nonlocal band
        if target_um is not None:
            band = nearest_band(layer, target_um)
        provider = layer.dataProvider()
        stats = provider.bandStatistics(band, QgsRasterBandStats.Min | QgsRasterBandStats.Max)
        low, high = stats.minimumValue, stats.maximumValue
        if not (high > low):
            high = low + 1.0
        shader_function = QgsColorRampShader(low, high)
        shader_function.setSourceColorRamp(QgsStyle.defaultStyle().colorRamp(ramp_name))
        shader_function.setColorRampType(QgsColorRampShader.Interpolated)
        shader_function.setClassificationMode(QgsColorRampShader.EqualInterval)
        shader_function.classifyColorRamp(5, band)
        shader = QgsRasterShader(low, high)
        shader.setRasterShaderFunction(shader_function)
        layer.setRenderer(QgsSingleBandPseudoColorRenderer(provider, band, shader))
    return apply


def categories():
    """The mineral map's colour table and category names (written by specres-cli identify)."""
    def apply(layer):
        dataset = gdal.Open(layer.source())
        band = dataset.GetRasterBand(1)
        table = band.GetColorTable()
        names = category_names(band)
        classes = []
        for code, name in enumerate(names):
            if not name:
                continue
            colour = QColor(*table.GetColorEntry(code)[:3]) if table else QColor.fromHsv(
                (code * 47) % 360, 180, 220)
            classes.append(QgsPalettedRasterRenderer.Class(code, colour, name))
        layer.setRenderer(QgsPalettedRasterRenderer(layer.dataProvider(), 1, classes))
    return apply


def category_names(band):
    """The band's category names. GDAL 3.6's GeoTIFF driver reads them from the .aux.xml only
    once something else has loaded that file (the colour table does), so ask for that first."""
    band.GetColorTable()
    return band.GetCategoryNames() or []


def multiband(target_um=2.2):
    """The mean map: all channels kept (bands named by wavelength, from the file), drawn as the
    grey channel nearest `target_um` (2.2 µm: the Al-OH feature) stretched to its range."""
    def apply(layer):
        band = nearest_band(layer, target_um)
        provider = layer.dataProvider()
        renderer = QgsSingleBandGrayRenderer(provider, band)
        stats = provider.bandStatistics(band, QgsRasterBandStats.Min | QgsRasterBandStats.Max)
        stretch = QgsContrastEnhancement(provider.dataType(band))
        stretch.setContrastEnhancementAlgorithm(QgsContrastEnhancement.StretchToMinimumMaximum)
        stretch.setMinimumValue(stats.minimumValue)
        stretch.setMaximumValue(stats.maximumValue)
        renderer.setContrastEnhancement(stretch)
        layer.setRenderer(renderer)
    return apply


def add_layer(context, path, name, style, output_name):
    """Loads `path` into the project when the algorithm completes, styled by `style`."""
    from qgis.core import QgsProcessingContext
    details = QgsProcessingContext.LayerDetails(name, context.project(), output_name)
    styler = _Styler(style)
    _KEEP.append(styler)
    details.setPostProcessor(styler)
    context.addLayerToLoadOnCompletion(path, details)
