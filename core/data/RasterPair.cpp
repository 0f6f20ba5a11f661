#include "data/RasterPair.h"
#include "io/EmitProduct.h"

#include <filesystem>

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <sstream>

namespace specres {

const char* toString(Resampling resampling) {
    switch (resampling) {
        case Resampling::Nearest:
            return "nearest";
        case Resampling::Bilinear:
            return "bilinear";
        case Resampling::Cubic:
            return "cubic";
        case Resampling::Average:
            return "average";
    }
    return "nearest";
}

Result<Resampling> parseResampling(const std::string& name) {
    for (Resampling r :
         {Resampling::Nearest, Resampling::Bilinear, Resampling::Cubic, Resampling::Average}) {
        if (name == toString(r)) return r;
    }
    return fail("unknown resampling '" + name + "' (choose nearest, bilinear, cubic or average)");
}

namespace {

bool sameGrid(const RasterGrid& a, const RasterGrid& b) {
    if (a.width != b.width || a.height != b.height) return false;
    const double tolerance = 1e-6 * std::max(std::abs(a.geoTransform[1]), 1e-12);
    for (int i = 0; i < 6; ++i) {
        if (std::abs(a.geoTransform[i] - b.geoTransform[i]) > tolerance) return false;
    }
    if (a.crsWkt.empty() || b.crsWkt.empty()) return true;
    OGRSpatialReference sa(a.crsWkt.c_str());
    OGRSpatialReference sb(b.crsWkt.c_str());
    return sa.IsSame(&sb);
}

struct Extent {
    double minX, minY, maxX, maxY;
};

Extent extentOf(const RasterGrid& grid) {
    const auto& g = grid.geoTransform;
    double xs[4], ys[4];
    const double cols[4] = {0, double(grid.width), 0, double(grid.width)};
    const double rows[4] = {0, 0, double(grid.height), double(grid.height)};
    for (int i = 0; i < 4; ++i) {
        xs[i] = g[0] + cols[i] * g[1] + rows[i] * g[2];
        ys[i] = g[3] + cols[i] * g[4] + rows[i] * g[5];
    }
    return {*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4),
            *std::max_element(xs, xs + 4), *std::max_element(ys, ys + 4)};
}

// Extent of `source` expressed in the CRS of `target` (corner points only: fine for the
// overlap test, which only has to tell "overlapping" from "elsewhere on Earth").
Extent extentIn(const RasterGrid& source, const RasterGrid& target) {
    Extent e = extentOf(source);
    if (source.crsWkt.empty() || target.crsWkt.empty()) return e;
    OGRSpatialReference from(source.crsWkt.c_str());
    OGRSpatialReference to(target.crsWkt.c_str());
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (from.IsSame(&to)) return e;
    std::unique_ptr<OGRCoordinateTransformation> transform(
        OGRCreateCoordinateTransformation(&from, &to));
    if (!transform) return e;
    double xs[4] = {e.minX, e.maxX, e.minX, e.maxX};
    double ys[4] = {e.minY, e.minY, e.maxY, e.maxY};
    if (!transform->Transform(4, xs, ys)) return e;
    return {*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4),
            *std::max_element(xs, xs + 4), *std::max_element(ys, ys + 4)};
}

std::string numberText(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}

// Warps `source` onto the grid of `target` as a virtual (lazy) dataset.
Result<SpectralRaster> warpOnto(const SpectralRaster& source, const SpectralRaster& target,
                                Resampling resampling) {
    const RasterGrid& grid = target.grid();
    const Extent onTarget = extentIn(source.grid(), grid);
    const Extent targetExtent = extentOf(grid);
    if (onTarget.maxX <= targetExtent.minX || onTarget.minX >= targetExtent.maxX ||
        onTarget.maxY <= targetExtent.minY || onTarget.minY >= targetExtent.maxY) {
        return fail(source.path() + " and " + target.path() +
                    ": the two rasters do not overlap on the ground");
    }
    std::vector<std::string> args = {
        "-of", "VRT", "-ot", "Float64", "-r", toString(resampling), "-dstnodata", "nan"};
    if (!grid.crsWkt.empty()) {
        args.insert(args.end(), {"-t_srs", grid.crsWkt});
        if (source.grid().crsWkt.empty()) args.insert(args.end(), {"-s_srs", grid.crsWkt});
    }
    // A rotated target grid cannot be expressed with -te/-ts; GDAL's warper needs north-up.
    const auto& g = grid.geoTransform;
    if (g[2] != 0.0 || g[4] != 0.0) {
        return fail(target.path() + ": rotated grids are not supported for pairing");
    }
    args.insert(args.end(), {"-te", numberText(targetExtent.minX), numberText(targetExtent.minY),
                             numberText(targetExtent.maxX), numberText(targetExtent.maxY), "-ts",
                             std::to_string(grid.width), std::to_string(grid.height)});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    GdalErrorCapture capture;
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv.data(), nullptr);
    if (!options) return fail(source.path() + ": cannot set up the warper: " + capture.errors());
    GDALDatasetH sourceHandle = GDALDataset::ToHandle(source.dataset());
    int usageError = 0;
    GDALDatasetH warped = GDALWarp("", nullptr, 1, &sourceHandle, options, &usageError);
    GDALWarpAppOptionsFree(options);
    if (!warped) {
        return fail(source.path() + ": cannot put it on the grid of " + target.path() + ": " +
                    capture.errors());
    }
    // The warped VRT reads from the source dataset: the source must outlive it.
    SharedDataset warpedDataset(GDALDataset::FromHandle(warped),
                                [keepSource = source.sharedDataset()](GDALDataset* d) {
                                    GDALClose(GDALDataset::ToHandle(d));
                                });
    return SpectralRaster::resampledFrom(source, warpedDataset,
                                         source.path() + " (warped onto the grid of " +
                                             target.path() + ", " + toString(resampling) + ")");
}

}  // namespace

std::vector<std::string> RasterPair::warnings() const {
    std::vector<std::string> out = high_.warnings();
    out.insert(out.end(), low_.warnings().begin(), low_.warnings().end());
    out.insert(out.end(), pairWarnings_.begin(), pairWarnings_.end());
    return out;
}

// What makes a pair useless or suspicious, whatever its alignment.
Result<RasterPair> checkedPair(RasterPair pair, const std::string& highPath,
                               const std::string& lowPath) {
    const int lowBands = pair.low().bandCount();
    const int highBands = pair.high().bandCount();
    if (lowBands < 2) {
        return fail(lowPath +
                    ": a low-resolution raster needs at least 2 bands in the window "
                    "(min–max scaling leaves nothing of 1 band); it has " +
                    std::to_string(lowBands));
    }
    if (highBands < 2) {
        return fail(highPath +
                    ": a high-resolution raster needs at least 2 bands in the window; "
                    "it has " +
                    std::to_string(highBands));
    }
    std::error_code error;
    if (std::filesystem::equivalent(highPath, lowPath, error)) {
        pair.pairWarnings_.push_back(
            highPath +
            " is given as both the high- and the low-resolution raster: a model "
            "trained on it learns the identity, and its scores mean nothing");
    } else if (highBands < lowBands) {
        pair.pairWarnings_.push_back("the high-resolution raster " + highPath +
                                     " has fewer bands (" + std::to_string(highBands) +
                                     ") than the low-resolution " + lowPath + " (" +
                                     std::to_string(lowBands) + "): are --high and --low swapped?");
    }
    return pair;
}

Result<RasterPair> RasterPair::open(const std::string& highPath, const std::string& lowPath,
                                    const PairOptions& options) {
    auto pair = openAligned(highPath, lowPath, options);
    if (pair) pair->attachUncertainty(highPath, options);
    return pair;
}

void RasterPair::attachUncertainty(const std::string& highPath, const PairOptions& options) {
    // Only on the high raster's own grid: averaged onto the low grid, σ would need averaging too.
    if (!high_.product() || high_.description() != high_.path()) return;
    const auto path = emitUncertaintyPathFor(highPath);
    if (!path) return;
    auto refuse = [&](const std::string& why) {
        pairWarnings_.push_back(*path + " lies beside " + highPath + " but " + why +
                                ": the measured spectra's σ is not used");
    };
    auto sigma = SpectralRaster::open(*path, options.high);
    if (!sigma) return refuse("cannot be opened (" + sigma.error() + ")");
    auto window = sigma->withinWindow(options.windowMinUm, options.windowMaxUm);
    if (!window) return refuse("has no channels in the window");
    if (window->width() != high_.width() || window->height() != high_.height()) {
        return refuse("is on another grid");
    }
    if (window->wavelengthsUm() != high_.wavelengthsUm()) return refuse("has other channels");
    highUncertainty_ = std::move(*window);
    alignment_ += "; measurement σ from " + std::filesystem::path(*path).filename().string();
}

Result<RasterPair> RasterPair::openAligned(const std::string& highPath, const std::string& lowPath,
                                           const PairOptions& options) {
    auto highFull = SpectralRaster::open(highPath, options.high);
    if (!highFull) return fail(highFull.error());
    auto lowFull = SpectralRaster::open(lowPath, options.low);
    if (!lowFull) return fail(lowFull.error());
    if (options.lowShiftPx != std::array<double, 2>{0.0, 0.0}) {
        lowFull = lowFull->withGridShifted(-options.lowShiftPx[0], -options.lowShiftPx[1]);
        if (!lowFull) return fail(lowFull.error());
    }
    auto high = highFull->withinWindow(options.windowMinUm, options.windowMaxUm);
    if (!high) return fail(high.error());
    auto low = lowFull->withinWindow(options.windowMinUm, options.windowMaxUm);
    if (!low) return fail(low.error());

    const RasterGrid& hg = high->grid();
    const RasterGrid& lg = low->grid();
    const bool sameSize = hg.width == lg.width && hg.height == lg.height;
    std::ostringstream sizes;
    sizes << highPath << " is " << hg.width << " × " << hg.height << " pixels and " << lowPath
          << " is " << lg.width << " × " << lg.height;

    if (!hg.georeferenced || !lg.georeferenced) {
        if (!sameSize) {
            return fail("cannot pair the rasters: " + sizes.str() +
                        ", and without georeferencing in both there is no way to line them up. "
                        "Georeference both, or resample one to the other's pixel grid");
        }
        const std::string why = (!hg.georeferenced && !lg.georeferenced)
                                    ? "pixel-aligned (same size, no georeferencing)"
                                    : "pixel-aligned (same size; only one is georeferenced)";
        return checkedPair(RasterPair(std::move(*high), std::move(*low), why), highPath, lowPath);
    }
    if (sameGrid(hg, lg)) {
        return checkedPair(
            RasterPair(std::move(*high), std::move(*low), "pixel-aligned (identical grids)"),
            highPath, lowPath);
    }
    if (options.grid == PairGrid::High) {
        auto warped = warpOnto(*low, *high, options.resampling);
        if (!warped) return fail(warped.error());
        return checkedPair(RasterPair(std::move(*high), std::move(*warped),
                                      std::string("low-resolution raster warped onto the "
                                                  "high-resolution grid (") +
                                          toString(options.resampling) + ")"),
                           highPath, lowPath);
    }
    auto aggregated = warpOnto(*high, *low, Resampling::Average);
    if (!aggregated) return fail(aggregated.error());
    return checkedPair(RasterPair(std::move(*aggregated), std::move(*low),
                                  "high-resolution raster averaged onto the low-resolution grid"),
                       highPath, lowPath);
}

}  // namespace specres
