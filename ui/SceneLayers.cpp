#include "SceneLayers.h"

#include <gdal_priv.h>

#include <QObject>
#include <cmath>
#include <limits>
#include <memory>

#include "ColourMaps.h"
#include "data/PercentileStretch.h"
#include "io/GdalSupport.h"

namespace specres::ui {

Result<SceneLayerImage> readSceneLayer(const SceneRun& run, SceneLayer layer, int band) {
    const char* product = layer == SceneLayer::Mean          ? "_mean.vrt"
                          : layer == SceneLayer::Sigma       ? "_sigma.vrt"
                          : layer == SceneLayer::LogDetSigma ? "_uncertainty.vrt"
                                                             : "_nll.vrt";  // NLL, anomaly
    const std::string path = run.prefix.toStdString() + product;
    GdalErrorCapture capture;
    std::unique_ptr<GDALDataset> map(GDALDataset::Open(
        path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!map) return fail(path + ": cannot read the map: " + capture.errors());
    const int layerBand = layer == SceneLayer::Mean || layer == SceneLayer::Sigma ? band + 1
                          : layer == SceneLayer::Anomaly                          ? 2
                                                                                  : 1;
    if (layerBand < 1 || layerBand > map->GetRasterCount())
        return fail(path + ": has no band " + std::to_string(layerBand));
    const int width = map->GetRasterXSize(), height = map->GetRasterYSize();
    const double reduce = std::max(1.0, double(std::max(width, height)) / 2048.0);
    const int w = std::max(1, int(width / reduce)), h = std::max(1, int(height / reduce));
    std::vector<float> values(std::size_t(w) * h);
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_NearestNeighbour;
    if (map->GetRasterBand(layerBand)->RasterIO(GF_Read, 0, 0, width, height, values.data(), w, h,
                                                GDT_Float32, 0, 0, &extra) != CE_None)
        return fail(path + ": reading failed: " + capture.errors());
    // p-values span orders of magnitude; −log₁₀ p makes the anomalies the bright end.
    if (layer == SceneLayer::Anomaly)
        for (float& v : values) v = std::isfinite(v) ? float(-std::log10(std::max(v, 1e-30f))) : v;
    // A map of one value (σ of a joint Gaussian, whose Σ does not depend on x) is drawn in one
    // colour and said to be constant, not stretched over a range it does not have.
    float lowest = std::numeric_limits<float>::infinity(), highest = -lowest;
    for (float v : values) {
        if (!std::isfinite(v)) continue;
        lowest = std::min(lowest, v);
        highest = std::max(highest, v);
    }
    const bool constant = lowest <= highest && double(highest) - double(lowest) <=
                                                   1e-6 * std::max(1.0, std::abs(double(highest)));
    const Stretch stretch = constant ? Stretch{lowest, lowest} : percentileStretch(values);
    SceneLayerImage out;
    out.layer = layer;
    out.band = band;
    out.low = stretch.low;
    out.high = stretch.high;
    out.image = QImage(w, h, QImage::Format_ARGB32);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(out.image.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const float v = values[std::size_t(y) * w + x];
            line[x] = !std::isfinite(v) ? qRgba(0, 0, 0, 0)
                      : constant        ? viridis(0.5).rgba()
                                        : viridis(stretch.apply(v)).rgba();
        }
    }
    const QString at = band >= 0 && band < run.wavelengthsUm.size()
                           ? QStringLiteral(" at %1 µm").arg(run.wavelengthsUm[band], 0, 'f', 4)
                           : QString();
    switch (layer) {
        case SceneLayer::Mean:
            out.title = QObject::tr("Predicted mean%1 (normalised reflectance)").arg(at);
            break;
        case SceneLayer::Sigma:
            out.title = QObject::tr("Predicted σ%1 (normalised reflectance)").arg(at);
            break;
        case SceneLayer::LogDetSigma:
            out.title = QObject::tr("log det Σ (nats): the spread over all channels together");
            break;
        case SceneLayer::Nll:
            out.title = QObject::tr("NLL of the measured spectrum (nats)");
            break;
        case SceneLayer::Anomaly:
            out.title = QObject::tr("−log₁₀ p of the measured spectrum's d² (bright: anomalous)");
            break;
    }
    if (constant) {
        out.title += QObject::tr(" — the same at every pixel");
        if (layer == SceneLayer::Sigma || layer == SceneLayer::LogDetSigma)
            out.title += QObject::tr(": this model's Σ does not depend on the input");
    }
    return out;
}

QString layerName(SceneLayer layer) {
    switch (layer) {
        case SceneLayer::Mean:
            return QObject::tr("Mean");
        case SceneLayer::Sigma:
            return QObject::tr("σ");
        case SceneLayer::LogDetSigma:
            return QObject::tr("log det Σ");
        case SceneLayer::Anomaly:
            return QObject::tr("Anomaly (d² p-value)");
        default:
            return QObject::tr("NLL of the measured");
    }
}

}  // namespace specres::ui
