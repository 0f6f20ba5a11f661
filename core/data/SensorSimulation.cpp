#include "data/SensorSimulation.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "base/Text.h"
#include "io/GeoTiffOutputs.h"
#include "io/SpectralRaster.h"

namespace specres {

namespace {

constexpr float kNodata = -9999.0f;
constexpr double kNegligibleWeight = 1e-9;

double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The raster's pixel size in metres, or 0 when it is not georeferenced in a metric CRS.
double pixelSizeMetres(const RasterGrid& grid) {
    if (!grid.georeferenced || grid.crsWkt.empty()) return 0.0;
    OGRSpatialReference srs(grid.crsWkt.c_str());
    if (!srs.IsProjected()) return 0.0;
    const double toMetres = srs.GetLinearUnits();
    return std::abs(grid.geoTransform[1]) * toMetres;
}

// The side of the block of high pixels averaged into one simulated pixel.
Result<int> blockFactorFor(const std::string& path, const RasterGrid& grid,
                           const SimulationOptions& options) {
    if (options.grid == SimulationGrid::High) return 1;
    const double pixelM = pixelSizeMetres(grid);
    if (pixelM > 0 && pixelM < options.groundSamplingM)
        return std::max(1, int(std::lround(options.groundSamplingM / pixelM)));
    if (options.grid != SimulationGrid::Low) return 1;
    std::ostringstream message;
    message << path << ": cannot aggregate to " << options.groundSamplingM << " m: "
            << (pixelM > 0 ? "its pixels are already " + formatFixed(pixelM, 1) + " m"
                           : std::string("it is not georeferenced in metres"))
            << " (use the high grid)";
    return fail(message.str());
}

void describeSimulation(GDALDataset& out, const std::string& sourcePath,
                        const SimulationOptions& options) {
    out.SetMetadataItem("SPECRES_SIMULATED_FROM", sourcePath.c_str());
    out.SetMetadataItem("SPECRES_SENSOR", options.sensorName.c_str());
    out.SetMetadataItem("SPECRES_RESPONSE",
                        "boxcar band passes; high channels as Gaussians of their FWHM");
    for (int k = 0; k < int(options.bands.size()); ++k) {
        const BandPass& pass = options.bands[std::size_t(k)];
        GDALRasterBand* band = out.GetRasterBand(k + 1);
        band->SetNoDataValue(kNodata);
        band->SetDescription(("band " + std::to_string(pass.band)).c_str());
        band->SetMetadataItem("wavelength", formatFixed(pass.centreUm(), 5).c_str());
        band->SetMetadataItem("wavelength_units", "Micrometers");
        band->SetMetadataItem("fwhm", formatFixed(pass.widthUm(), 5).c_str());
        band->SetMetadataItem("CENTRAL_WAVELENGTH_UM", formatFixed(pass.centreUm(), 5).c_str(),
                              "IMAGERY");
        band->SetMetadataItem("FWHM_UM", formatFixed(pass.widthUm(), 5).c_str(), "IMAGERY");
    }
}

// The factor × factor blocks of one strip's band values averaged into band-sequential rows; a
// block with any invalid pixel is nodata.
void averageBlocks(const PixelBlock& block, const Eigen::MatrixXd& convolved, int factor,
                   int outRows, SimulationSummary& summary, std::vector<float>& lowStrip) {
    const int bandCount = int(convolved.cols());
    const int width = block.width;
    lowStrip.assign(std::size_t(summary.width) * outRows * bandCount, kNodata);
    for (int r = 0; r < outRows; ++r) {
        for (int c = 0; c < summary.width; ++c) {
            bool valid = true;
            Eigen::VectorXd sum = Eigen::VectorXd::Zero(bandCount);
            for (int dy = 0; dy < factor && valid; ++dy) {
                for (int dx = 0; dx < factor; ++dx) {
                    const std::size_t p =
                        std::size_t(r * factor + dy) * width + std::size_t(c * factor + dx);
                    if (!block.valid[p]) {
                        valid = false;
                        break;
                    }
                    sum += convolved.row(Eigen::Index(p)).transpose();
                }
            }
            if (!valid) {
                ++summary.nodataPixels;
                continue;
            }
            ++summary.validPixels;
            sum /= double(factor) * factor;
            for (int k = 0; k < bandCount; ++k) {
                lowStrip[(std::size_t(k) * outRows + r) * summary.width + c] = float(sum(k));
            }
        }
    }
}

}  // namespace

Result<Eigen::MatrixXd> bandPassWeights(const std::vector<BandPass>& bands,
                                        const std::vector<double>& centresUm,
                                        const std::vector<double>& fwhmUm) {
    const int n = int(centresUm.size());
    if (n == 0) return fail("no channels to simulate from");
    std::vector<int> order(std::size_t(n), 0);
    for (int j = 0; j < n; ++j) order[std::size_t(j)] = j;
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return centresUm[std::size_t(a)] < centresUm[std::size_t(b)]; });
    // Boxcar half-widths from the neighbours' spacing, for channels without a FWHM.
    std::vector<double> spacing(std::size_t(n), 0.0);
    for (int i = 0; i < n; ++i) {
        const double c = centresUm[std::size_t(order[std::size_t(i)])];
        const double left = i > 0 ? c - centresUm[std::size_t(order[std::size_t(i - 1)])] : 0.0;
        const double right =
            i + 1 < n ? centresUm[std::size_t(order[std::size_t(i + 1)])] - c : 0.0;
        spacing[std::size_t(order[std::size_t(i)])] =
            left > 0 && right > 0 ? 0.5 * (left + right) : std::max(left, right);
    }
    Eigen::MatrixXd weights = Eigen::MatrixXd::Zero(Eigen::Index(bands.size()), n);
    for (std::size_t k = 0; k < bands.size(); ++k) {
        const BandPass& pass = bands[k];
        double lowest = 1e9, highest = -1e9;
        for (int j = 0; j < n; ++j) {
            const double c = centresUm[std::size_t(j)];
            const double f = fwhmUm.size() == centresUm.size() &&
                                     std::isfinite(fwhmUm[std::size_t(j)]) &&
                                     fwhmUm[std::size_t(j)] > 0
                                 ? fwhmUm[std::size_t(j)]
                                 : 0.0;
            double w = 0.0;
            double reach = 0.0;
            if (f > 0) {
                const double sigma = f / (2.0 * std::sqrt(2.0 * std::log(2.0)));
                w = normalCdf((pass.upperUm - c) / sigma) - normalCdf((pass.lowerUm - c) / sigma);
                reach = 0.5 * f;
            } else {
                const double h = 0.5 * spacing[std::size_t(j)];
                if (h <= 0) continue;
                const double overlap =
                    std::min(c + h, pass.upperUm) - std::max(c - h, pass.lowerUm);
                w = std::max(0.0, overlap) / (2.0 * h);
                reach = h;
            }
            if (w > kNegligibleWeight) weights(Eigen::Index(k), j) = w;
            lowest = std::min(lowest, c - reach);
            highest = std::max(highest, c + reach);
        }
        const double total = weights.row(Eigen::Index(k)).sum();
        if (total <= 0 || lowest > pass.lowerUm || highest < pass.upperUm) {
            std::ostringstream message;
            message << "the channels do not cover band " << pass.band << " (" << pass.lowerUm << "–"
                    << pass.upperUm << " µm): the good channels span " << lowest << "–" << highest
                    << " µm";
            return fail(message.str());
        }
        weights.row(Eigen::Index(k)) /= total;
    }
    return weights;
}

Result<SimulationSummary> simulateSensor(const SpectralRaster& source, const std::string& outPath,
                                         const SimulationOptions& options, Feedback* feedback) {
    if (options.bands.empty()) return fail("no band passes to simulate");
    double lowest = 1e9, highest = 0;
    for (const auto& b : options.bands) {
        lowest = std::min(lowest, b.lowerUm);
        highest = std::max(highest, b.upperUm);
    }
    // Only channels near the band passes are read; the rest weigh nothing.
    auto high = source.withinWindow(lowest - 0.1, highest + 0.1);
    if (!high) return fail(high.error());
    auto weights = bandPassWeights(options.bands, high->wavelengthsUm(), high->fwhmUm());
    if (!weights) return fail(source.path() + ": " + weights.error());
    // A band is an average over many narrow channels: a raster with no more channels than the
    // bands it would make is a multispectral one (the low raster given as the high one?).
    if (high->bandCount() <= int(options.bands.size())) {
        std::ostringstream message;
        message << source.path() << ": " << high->bandCount() << " channel(s) within "
                << formatFixed(lowest - 0.1, 2) << "–" << formatFixed(highest + 0.1, 2)
                << " µm, no more than the " << options.bands.size()
                << " bands to simulate: this is a multispectral raster, and simulate needs a "
                   "hyperspectral one (the low-resolution raster given as --high?)";
        return fail(message.str());
    }

    SimulationSummary summary;
    for (Eigen::Index k = 0; k < weights->rows(); ++k) {
        summary.channelsUsed.push_back(int((weights->row(k).array() > 0).count()));
    }
    const RasterGrid& grid = high->grid();
    auto blockFactor = blockFactorFor(source.path(), grid, options);
    if (!blockFactor) return fail(blockFactor.error());
    const int factor = *blockFactor;
    summary.blockFactor = factor;
    summary.width = grid.width / factor;
    summary.height = grid.height / factor;
    if (summary.width < 1 || summary.height < 1) {
        return fail(source.path() + ": the raster is smaller than one " +
                    formatFixed(options.groundSamplingM, 0) + " m pixel");
    }

    const int bandCount = int(options.bands.size());
    GeoTiffOutputs outputs;
    auto created = outputs.create(outPath, summary.width, summary.height, bandCount, GDT_Float32,
                                  {"TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"});
    if (!created) return fail(created.error());
    GDALDataset* out = *created;
    if (grid.georeferenced) {
        RasterGrid lowGrid = grid;
        for (int i : {1, 2, 4, 5}) lowGrid.geoTransform[std::size_t(i)] *= factor;
        lowGrid.georeference(*out);
    }
    describeSimulation(*out, source.path(), options);

    const Eigen::MatrixXd transposed = weights->transpose();
    const int stripRows =
        std::max(factor, stripRowsFor(grid.width, high->bandCount()) / factor * factor);
    std::vector<float> lowStrip;
    for (int y = 0; y < summary.height * factor; y += stripRows) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int rows = std::min(stripRows, summary.height * factor - y);
        auto block = high->read(0, y, grid.width, rows);
        if (!block) return fail(block.error());
        if (auto check = high->checkReflectance(*block); !check) return fail(check.error());
        // Invalid pixels hold NaN; their products are discarded when blocks are averaged.
        const Eigen::MatrixXd convolved = block->values * transposed;
        const int outRows = rows / factor;
        averageBlocks(*block, convolved, factor, outRows, summary, lowStrip);
        GdalErrorCapture capture;
        if (out->RasterIO(GF_Write, 0, y / factor, summary.width, outRows, lowStrip.data(),
                          summary.width, outRows, GDT_Float32, bandCount, nullptr, 0, 0, 0,
                          nullptr) != CE_None) {
            return fail(outPath + ": writing failed: " + capture.errors());
        }
        if (feedback) {
            feedback->setProgress(double(y + rows) / (summary.height * factor),
                                  "simulating " + options.sensorName);
        }
    }
    if (auto committed = outputs.commit(); !committed) return fail(committed.error());
    return summary;
}

}  // namespace specres
