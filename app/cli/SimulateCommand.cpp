#include <filesystem>
#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "data/SensorSimulation.h"
#include "io/SpectralRaster.h"

namespace specres::cli {

CommandStatus runSimulate(int argc, char** argv) {
    ArgumentParser parser(
        "simulate --high FILE --sensor aster --out LOW.tif [options]",
        "Makes a training pair from a hyperspectral raster alone: convolves it to ASTER's SWIR "
        "band passes (bands 5–9) and writes the low-resolution GeoTIFF, with wavelengths, "
        "nodata and georeference.");
    parser.addRequired("high", "FILE", "hyperspectral raster (EMIT, AVIRIS-NG, ENVI, GeoTIFF, …)");
    parser.addRequired("sensor", "NAME", "sensor to simulate: aster");
    parser.addRequired("out", "FILE", "low-resolution GeoTIFF to write");
    parser.addOption("grid", "auto|high|low",
                     "high: keep the high grid; low: average whole blocks to 30 m; auto: low when "
                     "the high pixels are smaller than 30 m and in metres",
                     "auto");
    parser.addOption("high-wavelengths", "CSV", "wavelength table overriding the raster's");
    parser.addOption("reflectance-scale", "auto|1|10000", "how stored values map to reflectance",
                     "auto");
    parser.addFlag("swath", "for EMIT: keep the swath geometry instead of orthorectifying");
    if (int status = handleParse(parser, "simulate", argc, argv, 2); status >= 0) return status;

    if (parser.value("sensor") != "aster") {
        return failure(2) << "--sensor: only aster is known (not '"
                  << parser.value("sensor") << "')";
    }
    SimulationOptions options;
    const std::string grid = parser.value("grid");
    if (grid == "auto") {
        options.grid = SimulationGrid::Auto;
    } else if (grid == "high") {
        options.grid = SimulationGrid::High;
    } else if (grid == "low") {
        options.grid = SimulationGrid::Low;
    } else {
        return failure(2) << "--grid: choose auto, high or low (not '" << grid
                  << "')";
    }
    RasterOpenOptions open;
    open.wavelengthCsvPath = parser.value("high-wavelengths");
    open.swathGeometry = parser.has("swath");
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    if (!scale) {
        return failure(2) << scale.error();
    }
    open.reflectanceScale = *scale;

    namespace fs = std::filesystem;
    const std::string out = parser.value("out");
    std::error_code error;
    if (fs::is_directory(out, error)) {
        return failure(1) << out << ": is a folder; give a file name";
    }
    if (fs::exists(out, error) && fs::equivalent(out, parser.value("high"), error)) {
        return failure(1) << out << ": is the input raster";
    }
    auto high = SpectralRaster::open(parser.value("high"), open);
    if (!high) {
        return failure(1) << high.error();
    }
    for (const auto& warning : high->warnings()) std::cerr << "warning: " << warning << "\n";
    TerminalProgress progress;
    auto summary = simulateSensor(*high, out, options, &progress.feedback());
    progress.finish();
    if (!summary) {
        return failure(1) << summary.error();
    }
    std::cout << "wrote " << out << ": " << summary->width << " × " << summary->height
              << " pixels, " << options.bands.size() << " bands (" << options.sensorName << ")";
    if (summary->blockFactor > 1) {
        std::cout << ", each the mean of " << summary->blockFactor << " × " << summary->blockFactor
                  << " high pixels";
    }
    std::cout << "; " << summary->validPixels << " valid, " << summary->nodataPixels
              << " nodata\nchannels per band:";
    for (std::size_t k = 0; k < summary->channelsUsed.size(); ++k) {
        std::cout << " " << options.bands[k].band << ":" << summary->channelsUsed[k];
    }
    std::cout << "\n";
    return 0;
}

}  // namespace specres::cli
