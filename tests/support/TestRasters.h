#pragma once

#include <QTemporaryDir>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Writes small rasters with exactly the metadata a test wants, so each wavelength source and
// each kind of damage can be produced on purpose.
#include "data/RasterPair.h"

namespace specres::test {

struct RasterSpec {
    int width = 4;
    int height = 3;
    int bands = 3;
    std::string driver = "GTiff";
    int gdalType = 6;  // GDT_Float32
    /// value(band0, column, row)
    std::function<double(int, int, int)> value = [](int b, int c, int r) {
        return 0.1 + 0.01 * b + 0.001 * c + 0.0001 * r;
    };
    std::optional<double> nodata;
    std::optional<double> scale;
    std::optional<double> offset;
    /// per band (0-based) default-domain metadata items
    std::vector<std::map<std::string, std::string>> bandMetadata;
    /// per band IMAGERY-domain items
    std::vector<std::map<std::string, std::string>> bandImagery;
    std::map<std::string, std::string> datasetMetadata;
    bool georeferenced = false;
    double originX = 500000, originY = 4000000, pixelSize = 10;
    int epsg = 32611;
};

/// Writes the raster; returns false (and QFAIL-able message) on failure.
bool writeRaster(const std::string& path, const RasterSpec& spec, std::string* error = nullptr);

/// Band metadata with `wavelength` values in the given unit name.
std::vector<std::map<std::string, std::string>> wavelengthMetadata(
    const std::vector<double>& values, const std::string& units);

/// Writes an ENVI BSQ float32 file (raw + .hdr) by hand; extraHeader lines are appended.
bool writeEnvi(const std::string& dataPath, int width, int height, int bands,
               const std::function<float(int, int, int)>& value, const std::string& extraHeader);

/// A demo pair of width × height pixels written into `folder` (and its paths), opened; the
/// error in words otherwise.
struct DemoPair {
    std::string highPath;
    std::string lowPath;
    std::unique_ptr<RasterPair> pair;
};
Result<DemoPair> writeDemoPair(const std::string& folder, int width, int height);

std::string sharedDataDir();
bool haveSharedData();

}  // namespace specres::test
