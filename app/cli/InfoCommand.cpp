#include <cmath>
#include <cstdio>
#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "io/GeoTiffOutputs.h"
#include "io/SpectralRaster.h"

namespace specres::cli {

namespace {
// Above this many pixels, info estimates the valid ones from a sample of rows.
constexpr std::int64_t kExactCountPixels = 4000000;
// About this many pixels, in whole rows spread over the raster, make the estimate.
constexpr std::int64_t kSampledPixels = 500000;
}  // namespace

CommandStatus runInfo(int argc, char** argv) {
    ArgumentParser parser("info FILE [options]",
                          "Describes a spectral raster: size, bands and their wavelengths in µm, "
                          "CRS, nodata and the number of valid pixels.");
    parser.addOption("window", "MIN,MAX", "count bands and valid pixels in this window (µm)",
                     "2.0,2.5");
    parser.addOption("wavelengths", "CSV", "wavelength table overriding the file's");
    parser.addFlag("exact", "count every valid pixel of a large raster instead of estimating");
    parser.addFlag("swath", "for EMIT: keep the swath geometry instead of orthorectifying");
    parser.addOption("reflectance-scale", "auto|1|10000", "how stored values map to reflectance",
                     "auto");
    if (argc < 3 || std::string(argv[2]).rfind("--", 0) == 0) {
        if (argc >= 3 && (std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h")) {
            std::cout << parser.help();
            return 0;
        }
        std::cerr << kProgram << " info: missing FILE\n\n" << parser.help();
        return 2;
    }
    const std::string path = argv[2];
    if (int status = handleParse(parser, "info", argc, argv, 3); status >= 0) return status;

    RasterOpenOptions options;
    options.wavelengthCsvPath = parser.value("wavelengths");
    options.swathGeometry = parser.has("swath");
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    if (!scale) {
        return failure(2) << scale.error();
    }
    options.reflectanceScale = *scale;
    auto window = parseRange(parser.value("window"), "--window");
    if (!window) {
        return failure(2) << window.error();
    }

    auto raster = SpectralRaster::open(path, options);
    if (!raster) {
        return failure(1) << raster.error();
    }
    const RasterGrid& grid = raster->grid();
    std::printf("File:        %s\n", path.c_str());
    std::printf("Format:      %s\n", raster->driverName().c_str());
    if (const auto& product = raster->product()) {
        std::printf("Product:     %s\n", product->product.c_str());
        std::printf("Granule:     %s\n", product->granule.c_str());
        if (!product->acquired.empty()) std::printf("Acquired:    %s\n", product->acquired.c_str());
        std::printf("Channels:    %d kept, %d dropped as flagged unusable by the product\n",
                    product->channelsKept, product->channelsDropped);
        std::printf("Geometry:    %s\n", product->geometry.c_str());
        for (const auto& note : product->notes) std::printf("Note:        %s\n", note.c_str());
    }
    std::printf("Size:        %d × %d pixels, %zu bands\n", grid.width, grid.height,
                raster->allBands().size());
    std::printf("CRS:         %s\n", describeCrs(grid.crsWkt).c_str());
    if (grid.georeferenced) {
        std::printf("Origin:      %.3f, %.3f; pixel %.3f × %.3f\n", grid.geoTransform[0],
                    grid.geoTransform[3], grid.geoTransform[1], std::abs(grid.geoTransform[5]));
    } else {
        std::printf("Georeferencing: none (pixel coordinates only)\n");
    }
    std::printf("Wavelengths: from the %s\n", toString(raster->wavelengthSource()));
    std::printf("Reflectance: stored values × %g\n", raster->reflectanceMultiplier());
    std::printf("Bands (µm):\n");
    for (const SpectralBand& band : raster->allBands()) {
        std::printf("  %4d  %.5f", band.gdalIndex, band.wavelengthUm);
        if (std::isfinite(band.fwhmUm)) std::printf("  FWHM %.5f", band.fwhmUm);
        if (band.nodata) std::printf("  nodata %g", *band.nodata);
        if (!band.good) std::printf("  [bad band]");
        std::printf("\n");
    }
    auto inWindow = raster->withinWindow(window->first, window->second);
    if (!inWindow) {
        std::printf("Window %.3f–%.3f µm: no bands\n", window->first, window->second);
    } else {
        std::printf("Window %.3f–%.3f µm: %d good bands\n", window->first, window->second,
                    inWindow->bandCount());
        // Counting every pixel of a large scene takes minutes: estimate unless asked to count.
        const std::int64_t pixels = std::int64_t(grid.width) * grid.height;
        const bool estimate = !parser.has("exact") && pixels > kExactCountPixels;
        const int sampleRows = int(std::max<std::int64_t>(1, kSampledPixels / grid.width));
        TerminalProgress progress;
        // The values are checked as predict checks them: a damaged file is named here too.
        auto count = estimate ? inWindow->estimateValid(sampleRows, &progress.feedback(), true)
                              : inWindow->countValid(&progress.feedback(), true);
        progress.finish();
        if (!count) {
            return failure(1) << count.error();
        }
        std::printf(
            "Valid pixels: %s%lld of %lld (masked: %lld nodata, %lld NaN/Inf, %lld all-zero)%s\n",
            estimate ? "about " : "", static_cast<long long>(count->valid),
            static_cast<long long>(std::int64_t(grid.width) * grid.height),
            static_cast<long long>(count->masked.nodata),
            static_cast<long long>(count->masked.nonFinite),
            static_cast<long long>(count->masked.allZero),
            estimate ? (" — estimated from " + std::to_string(std::min(sampleRows, grid.height)) +
                        " rows; --exact counts every pixel")
                           .c_str()
                     : "");
    }
    // Maps written by predict carry their run: a set whose files do not belong together is told.
    for (const auto& problem : runMismatches(path)) std::cerr << "warning: " << problem << "\n";
    for (const auto& warning : raster->warnings()) std::cerr << "warning: " << warning << "\n";
    return 0;
}

}  // namespace specres::cli
