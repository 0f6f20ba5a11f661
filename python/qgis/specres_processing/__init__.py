"""SpecRes's QGIS Processing provider (a plugin with hasProcessingProvider=yes)."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import SpecResPlugin
    return SpecResPlugin(iface)
