#include "maps/ScenePrediction.h"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/Text.h"
#include "maps/SceneStrips.h"

namespace specres {

using Eigen::Index;

namespace {

enum PredictionMap { kMean, kSigma, kUncertainty, kNll, kRmse };

ScenePredictionFiles namedFiles(const std::string& prefix, bool measured) {
    ScenePredictionFiles files;
    files.mean = prefix + "_mean.tif";
    files.sigma = prefix + "_sigma.tif";
    files.uncertainty = prefix + "_uncertainty.tif";
    if (measured) {
        files.nll = prefix + "_nll.tif";
        files.rmse = prefix + "_rmse.tif";
    }
    return files;
}

/// The maps in PredictionMap order.
std::vector<MapSpec> predictionMaps(const ScenePredictionFiles& files,
                                    const std::vector<double>& wavelengthsUm) {
    MapSpec mean{files.mean, {}}, sigma{files.sigma, {}};
    for (double w : wavelengthsUm) {
        mean.bandDescriptions.push_back(formatFixed(w, 5) + " µm mean");
        sigma.bandDescriptions.push_back(formatFixed(w, 5) + " µm sigma");
    }
    std::vector<MapSpec> maps = {mean, sigma,
                                 {files.uncertainty, {"log det Sigma", "trace Sigma"}}};
    if (!files.nll.empty()) {
        maps.push_back({files.nll,
                        {"negative log-likelihood (nats)",
                         "d2 p-value under the model's law (anomaly map)"}});
        maps.push_back({files.rmse, {"RMSE (normalised reflectance)"}});
    }
    return maps;
}

/// The wavelength of each band, as GDAL-aware readers (QGIS, ENVI, rasterio) look for it.
void tagWavelengths(GDALDataset& map, const std::vector<double>& wavelengthsUm) {
    for (std::size_t b = 0; b < wavelengthsUm.size(); ++b) {
        GDALRasterBand* band = map.GetRasterBand(int(b) + 1);
        const std::string w = formatFixed(wavelengthsUm[b], 5);
        band->SetMetadataItem("wavelength", w.c_str());
        band->SetMetadataItem("wavelength_units", "Micrometers");
        band->SetMetadataItem("CENTRAL_WAVELENGTH_UM", w.c_str(), "IMAGERY");
    }
}

/// −log p of each accepted measured spectrum under N(μ, Σ + diag(σ²)): each pixel's Σ
/// predicted one by one (the model may not be re-entrant), factorised in parallel, 64 at a time.
Result<std::vector<double>> nllWithMeasurementNoise(const ReflectanceModel& model,
                                                    const SceneStrip& strip, Feedback& feedback) {
    const std::size_t count = strip.usable.size();
    std::vector<double> nll(count, std::numeric_limits<double>::quiet_NaN());
    constexpr std::size_t kChunk = 64;
    std::vector<PredictiveDistribution> chunk;
    for (std::size_t start = 0; start < count; start += kChunk) {
        if (feedback.isCancelled()) return fail(kCancelledMessage);
        const std::size_t end = std::min(count, start + kChunk);
        chunk.assign(end - start, PredictiveDistribution{});
        for (std::size_t i = start; i < end; ++i) {
            if (!strip.accepted[i] || !strip.sigma.row(Index(i)).allFinite()) continue;
            auto single = model.predict(strip.x.row(Index(i)).transpose());
            if (!single) return fail(single.error());
            chunk[i - start] = std::move(single->distribution);
            chunk[i - start].addMeasurementNoise(
                strip.sigma.row(Index(i)).array().square().matrix().transpose());
        }
#pragma omp parallel for schedule(dynamic, 4)
        for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(end - start); ++k) {
            const std::size_t i = start + std::size_t(k);
            if (chunk[std::size_t(k)].hasDensity())
                nll[i] = -chunk[std::size_t(k)].logDensity(strip.y.row(Index(i)).transpose());
        }
    }
    return nll;
}

Status predictStrip(const ReflectanceModel& model, const SceneStrip& strip, SceneMaps& maps,
                    ScenePredictionFiles& files, Feedback& feedback) {
    const std::int64_t accepted = std::count(strip.accepted.begin(), strip.accepted.end(), 1);
    files.skippedPixels += strip.pixels() - accepted;
    files.predictedPixels += accepted;
    if (strip.usable.empty()) return {};
    const bool measured = !files.nll.empty();
    auto predicted = model.predictBatch(strip.x, measured ? &strip.y : nullptr, true);
    if (!predicted) return fail(predicted.error());
    const BatchPrediction& prediction = *predicted;
    const bool scored = measured && prediction.logDensity.size();
    std::vector<double> nll(strip.usable.size(), std::numeric_limits<double>::quiet_NaN());
    if (scored && files.nllWithMeasurementNoise) {
        auto noisy = nllWithMeasurementNoise(model, strip, feedback);
        if (!noisy) return fail(noisy.error());
        nll = std::move(*noisy);
    } else if (scored) {
        for (std::size_t i = 0; i < nll.size(); ++i) nll[i] = -prediction.logDensity[Index(i)];
    }
    const int n = model.outputDimension();
    for (std::size_t u = 0; u < strip.usable.size(); ++u) {
        if (!strip.accepted[u]) continue;
        const auto i = Index(u);
        const std::size_t p = std::size_t(strip.usable[u]);
        for (int b = 0; b < n; ++b) {
            maps.values(kMean)[p * n + b] = float(prediction.point(i, b));
            maps.values(kSigma)[p * n + b] = float(prediction.stddev(i, b));
        }
        maps.values(kUncertainty)[p * 2] = float(prediction.logDeterminant[i]);
        maps.values(kUncertainty)[p * 2 + 1] = float(prediction.trace[i]);
        if (!measured) continue;
        if (scored) maps.values(kNll)[p * 2] = float(nll[u]);
        if (prediction.jointPValue.size())
            maps.values(kNll)[p * 2 + 1] = float(prediction.jointPValue[i]);
        maps.values(kRmse)[p] =
            float(std::sqrt((prediction.point.row(i) - strip.y.row(i)).squaredNorm() / n));
    }
    return {};
}

}  // namespace

Result<ScenePredictionFiles> predictScene(const ReflectanceModel& model,
                                          const std::vector<double>& highWavelengthsUm,
                                          const SpectralRaster& low, const SpectralRaster* high,
                                          const SpectralRaster* highSigma,
                                          const std::string& prefix, Feedback* feedback,
                                          SceneRows rows) {
    auto resolved = resolveSceneRows(low.path(), low.height(), rows);
    if (!resolved) return fail(resolved.error());
    if (low.bandCount() != model.inputDimension()) {
        return fail(low.path() + ": " + std::to_string(low.bandCount()) +
                    " channels, the model expects " + std::to_string(model.inputDimension()));
    }
    if (high && (high->width() != low.width() || high->height() != low.height() ||
                 high->bandCount() != model.outputDimension())) {
        return fail(high->path() + ": does not match the prediction grid or the model's channels");
    }
    SceneMaps maps(low, *resolved,
                   {{"SPECRES_MODEL", model.label()},
                    {"SPECRES_UNITS", "normalised reflectance (per-spectrum min-max)"}});
    maps.protect(low.path(), "the low-resolution raster");
    if (high) maps.protect(high->path(), "the high-resolution raster");
    if (highSigma) maps.protect(highSigma->path(), "the measured spectra's σ");
    ScenePredictionFiles files = namedFiles(prefix, high != nullptr);
    files.nllWithMeasurementNoise = high && highSigma;
    for (const MapSpec& spec : predictionMaps(files, highWavelengthsUm)) {
        if (auto made = maps.add(spec); !made) return fail(made.error());
    }
    for (int map : {kMean, kSigma}) tagWavelengths(maps.dataset(map), highWavelengthsUm);
    const SceneSources sources{&low, high, high ? highSigma : nullptr};
    auto work = [&](const SceneStrip& strip, Feedback& stripFeedback) {
        return predictStrip(model, strip, maps, files, stripFeedback);
    };
    if (auto ran = runSceneStrips(sources, maps, "predicting the scene", feedback, work); !ran)
        return fail(ran.error());
    if (auto committed = maps.commit(); !committed) return fail(committed.error());
    return files;
}

}  // namespace specres
