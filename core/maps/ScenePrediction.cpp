#include "maps/ScenePrediction.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include "base/Text.h"
#include "data/MinMaxScaling.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/GeoTiffOutputs.h"

namespace specres {

namespace fs = std::filesystem;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

struct OutputRaster {
    std::string finalPath;
    GDALDataset* dataset = nullptr;
    int bands = 0;
    std::vector<float> strip;  // pixel-interleaved rows of the current strip
};

}  // namespace

int sceneStripRows(int width) { return std::max(1, 16384 / std::max(1, width)); }

Result<ScenePredictionFiles> predictScene(const ReflectanceModel& model,
                                          const std::vector<double>& highWavelengthsUm,
                                          const SpectralRaster& low, const SpectralRaster* high,
                                          const SpectralRaster* highSigma,
                                          const std::string& prefix, Feedback* feedback,
                                          SceneRows rows) {
    ensureGdalRegistered();
    const int width = low.width();
    const int sceneHeight = low.height();
    const int firstRow = rows.first;
    const int height = rows.count < 0 ? sceneHeight - firstRow : rows.count;
    if (height == 0 && firstRow >= 0 && firstRow <= sceneHeight) {
        return fail(low.path() + ": no rows to predict: the scene has " +
                    std::to_string(sceneHeight) + " rows, fewer than the tiles asked for");
    }
    if (firstRow < 0 || height < 1 || firstRow + height > sceneHeight) {
        return fail(low.path() + ": rows " + std::to_string(firstRow) + "–" +
                    std::to_string(firstRow + height - 1) + " are not inside the scene's " +
                    std::to_string(sceneHeight) + " rows");
    }
    const int n = model.outputDimension();
    if (low.bandCount() != model.inputDimension()) {
        return fail(low.path() + ": " + std::to_string(low.bandCount()) +
                    " channels, the model expects " + std::to_string(model.inputDimension()));
    }
    if (high &&
        (high->width() != width || high->height() != sceneHeight || high->bandCount() != n)) {
        return fail(high->path() + ": does not match the prediction grid or the model's channels");
    }
    GeoTiffOutputs created;  // removed unless committed at the end
    created.protect(low.path(), "the low-resolution raster");
    if (high) created.protect(high->path(), "the high-resolution raster");
    if (highSigma) created.protect(highSigma->path(), "the measured spectra's σ");
    std::vector<OutputRaster> outputs;
    ScenePredictionFiles files;
    files.mean = prefix + "_mean.tif";
    files.sigma = prefix + "_sigma.tif";
    files.uncertainty = prefix + "_uncertainty.tif";
    std::vector<std::pair<std::string, int>> plan = {
        {files.mean, n}, {files.sigma, n}, {files.uncertainty, 2}};
    if (high) {
        files.nll = prefix + "_nll.tif";
        files.rmse = prefix + "_rmse.tif";
        plan.push_back({files.nll, 2});
        plan.push_back({files.rmse, 1});
    }
    // The maps of a row range sit where those rows are.
    RasterGrid grid = low.grid();
    grid.geoTransform[0] += firstRow * grid.geoTransform[2];
    grid.geoTransform[3] += firstRow * grid.geoTransform[5];
    const std::string rowsText = std::to_string(firstRow) + "," + std::to_string(height);
    const int strip = sceneStripRows(width);
    // The maps are written in GeoTIFF strips of exactly those rows, so that each strip of work
    // is one contiguous write. (256 × 256 tiles of 85–99 interleaved bands are 26 MB each; a
    // few rows at a time across a 2,000-pixel scene made GDAL's block cache evict half-written
    // tiles and read them back, 32 times over: half of the whole prediction's time.)
    const std::string rowsPerStrip = "BLOCKYSIZE=" + std::to_string(strip);
    for (const auto& [path, bands] : plan) {
        OutputRaster o;
        o.finalPath = path;
        o.bands = bands;
        auto made = created.create(path, width, height, bands, GDT_Float32,
                                   {rowsPerStrip, "INTERLEAVE=PIXEL", "BIGTIFF=IF_SAFER"});
        if (!made) return fail(made.error());
        o.dataset = *made;
        grid.georeference(*o.dataset);
        for (int b = 1; b <= bands; ++b) o.dataset->GetRasterBand(b)->SetNoDataValue(kMissing);
        o.dataset->SetMetadataItem("SPECRES_MODEL", model.label().c_str());
        o.dataset->SetMetadataItem("SPECRES_ROWS", rowsText.c_str());
        o.dataset->SetMetadataItem("SPECRES_UNITS",
                                   "normalised reflectance (per-spectrum min-max)");
        outputs.push_back(std::move(o));
    }
    for (int k : {0, 1}) {
        for (int b = 0; b < n; ++b) {
            GDALRasterBand* band = outputs[k].dataset->GetRasterBand(b + 1);
            band->SetMetadataItem("wavelength", formatFixed(highWavelengthsUm[b], 5).c_str());
            band->SetMetadataItem("wavelength_units", "Micrometers");
            band->SetMetadataItem("CENTRAL_WAVELENGTH_UM",
                                  formatFixed(highWavelengthsUm[b], 5).c_str(), "IMAGERY");
            band->SetDescription(
                (formatFixed(highWavelengthsUm[b], 5) + (k == 0 ? " µm mean" : " µm sigma"))
                    .c_str());
        }
    }
    outputs[2].dataset->GetRasterBand(1)->SetDescription("log det Sigma");
    outputs[2].dataset->GetRasterBand(2)->SetDescription("trace Sigma");
    if (high) {
        outputs[3].dataset->GetRasterBand(1)->SetDescription("negative log-likelihood (nats)");
        outputs[3].dataset->GetRasterBand(2)->SetDescription(
            "d2 p-value under the model's law (anomaly map)");
        outputs[4].dataset->GetRasterBand(1)->SetDescription("RMSE (normalised reflectance)");
    }

    const bool noisy = high && highSigma;
    files.nllWithMeasurementNoise = noisy;
    if (noisy && (highSigma->width() != high->width() || highSigma->height() != high->height() ||
                  highSigma->bandCount() != high->bandCount())) {
        return fail(highSigma->path() +
                    ": the measurement σ is not on the measured raster's grid "
                    "and channels");
    }
    for (int y0 = firstRow; y0 < firstRow + height; y0 += strip) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int rows = std::min(strip, firstRow + height - y0);
        auto lowBlock = low.read(0, y0, width, rows);
        if (!lowBlock) return fail(lowBlock.error());
        std::optional<PixelBlock> highBlock;
        if (high) {
            auto read = high->read(0, y0, width, rows);
            if (!read) return fail(read.error());
            highBlock = std::move(*read);
        }
        std::optional<PixelBlock> sigmaBlock;
        if (high && noisy) {
            auto read = highSigma->read(0, y0, width, rows);
            if (!read) return fail(read.error());
            sigmaBlock = std::move(*read);
        }
        const std::int64_t pixels = std::int64_t(width) * rows;
        std::vector<std::int64_t> usable;
        for (std::int64_t p = 0; p < pixels; ++p) {
            if (lowBlock->valid[p] && (!highBlock || highBlock->valid[p])) usable.push_back(p);
        }
        MatrixXd x(usable.size(), low.bandCount());
        MatrixXd y;
        if (high) y.resize(usable.size(), n);
        for (std::size_t i = 0; i < usable.size(); ++i) {
            x.row(i) = lowBlock->values.row(usable[i]);
            if (high) y.row(i) = highBlock->values.row(usable[i]);
        }
        // σ in the units min–max scaling gives each measured spectrum: σ / (max − min).
        MatrixXd sigma;
        if (sigmaBlock) {
            sigma.resize(Eigen::Index(usable.size()), n);
            for (std::size_t i = 0; i < usable.size(); ++i) {
                const double range =
                    y.row(Eigen::Index(i)).maxCoeff() - y.row(Eigen::Index(i)).minCoeff();
                sigma.row(Eigen::Index(i)) = sigmaBlock->values.row(usable[i]) / range;
            }
        }
        const MinMaxResult scaledX = scaleMinMaxRows(x);
        std::vector<std::uint8_t> keep = scaledX.accepted;
        if (high) {
            const MinMaxResult scaledY = scaleMinMaxRows(y);
            for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = keep[i] && scaledY.accepted[i];
        }
        // Flat spectra cannot be normalised: predict them anyway from a placeholder, then mask.
        for (std::size_t i = 0; i < keep.size(); ++i) {
            if (!keep[i]) {
                x.row(i).setConstant(0.5);
                if (high) y.row(i).setConstant(0.5);
            }
        }
        for (auto& o : outputs) o.strip.assign(std::size_t(pixels) * o.bands, kMissing);
        if (!usable.empty()) {
            auto predicted = model.predictBatch(x, high ? &y : nullptr, true);
            if (!predicted) return fail(predicted.error());
            const BatchPrediction& prediction = *predicted;
            // Scoring a measurement needs each pixel's Σ + diag(σ²) factorised: predicted one by
            // one (the model may not be re-entrant), factorised in parallel, 64 at a time.
            std::vector<double> noisyNll(usable.size(), std::numeric_limits<double>::quiet_NaN());
            if (noisy && prediction.logDensity.size()) {
                constexpr std::size_t kChunk = 64;
                std::vector<PredictiveDistribution> chunk;
                for (std::size_t start = 0; start < usable.size(); start += kChunk) {
                    if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
                    const std::size_t end = std::min(usable.size(), start + kChunk);
                    chunk.assign(end - start, PredictiveDistribution{});
                    for (std::size_t i = start; i < end; ++i) {
                        const auto row = Eigen::Index(i);
                        if (!keep[i] || !sigma.row(row).allFinite()) continue;
                        auto single = model.predict(x.row(row).transpose());
                        if (!single) return fail(single.error());
                        chunk[i - start] = std::move(single->distribution);
                        chunk[i - start].addMeasurementNoise(
                            sigma.row(row).array().square().matrix().transpose());
                    }
#pragma omp parallel for schedule(dynamic, 4)
                    for (std::ptrdiff_t k = 0; k < std::ptrdiff_t(end - start); ++k) {
                        const std::size_t i = start + std::size_t(k);
                        if (chunk[std::size_t(k)].hasDensity())
                            noisyNll[i] = -chunk[std::size_t(k)].logDensity(
                                y.row(Eigen::Index(i)).transpose());
                    }
                }
            }
            for (std::size_t i = 0; i < usable.size(); ++i) {
                if (!keep[i]) continue;
                const std::int64_t p = usable[i];
                for (int b = 0; b < n; ++b) {
                    outputs[0].strip[std::size_t(p) * n + b] = float(prediction.point(i, b));
                    outputs[1].strip[std::size_t(p) * n + b] = float(prediction.stddev(i, b));
                }
                outputs[2].strip[std::size_t(p) * 2] = float(prediction.logDeterminant[i]);
                outputs[2].strip[std::size_t(p) * 2 + 1] = float(prediction.trace[i]);
                if (high) {
                    if (noisy && prediction.logDensity.size()) {
                        outputs[3].strip[std::size_t(p) * 2] = float(noisyNll[i]);
                    } else if (prediction.logDensity.size()) {
                        outputs[3].strip[std::size_t(p) * 2] = float(-prediction.logDensity[i]);
                    }
                    if (prediction.jointPValue.size())
                        outputs[3].strip[std::size_t(p) * 2 + 1] = float(prediction.jointPValue[i]);
                    outputs[4].strip[p] =
                        float(std::sqrt((prediction.point.row(i) - y.row(i)).squaredNorm() / n));
                }
                ++files.predictedPixels;
            }
        }
        files.skippedPixels += pixels - std::int64_t(std::count(keep.begin(), keep.end(), 1));
        for (auto& o : outputs) {
            GdalErrorCapture capture;
            const GSpacing pixelSpace = GSpacing(sizeof(float)) * o.bands;
            if (o.dataset->RasterIO(GF_Write, 0, y0 - firstRow, width, rows, o.strip.data(), width,
                                    rows, GDT_Float32, o.bands, nullptr, pixelSpace,
                                    pixelSpace * width, sizeof(float), nullptr) != CE_None) {
                return fail(o.finalPath + ": writing failed: " + capture.errors());
            }
        }
        if (feedback)
            feedback->setProgress(double(y0 + rows - firstRow) / height, "predicting the scene");
    }
    if (auto committed = created.commit(); !committed) return fail(committed.error());
    return files;
}

}  // namespace specres
