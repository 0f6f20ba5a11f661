#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// "pixel (column C, row R)" for a row-major index on a grid `width` pixels wide: how messages
/// about labelled pixels name them.
std::string pixelName(std::int64_t pixel, int width);

/// A reference map of named classes (a truth map) on an identification's grid.
struct ReferenceMap {
    std::string path;
    std::map<int, std::string> classes;  ///< code → name
    std::vector<std::int32_t> codes;     ///< row-major
};

/// Reads band 1 of a reference map of exactly width × height pixels whose classes are named
/// (GDAL category names, or CLASS_<code> metadata as the demo writes); errors name the file
/// and say what is wrong (size, no names).
Result<ReferenceMap> readReferenceMap(const std::string& path, int width, int height);

/// What is known of the pixels a fit calibration learns from: the dominant mineral of every
/// pixel (a reference map whose classes are named) and, optionally, its abundance (a one-band
/// raster on the same grid, values in [0, 1]; empty: unknown, every labelled pixel counts).
struct PixelLabels {
    ReferenceMap classes;
    std::vector<float> abundance;
    std::string abundancePath;
};

/// Reads band 1 of an abundance raster of exactly width × height pixels; nodata, NaN or values
/// outside [0, 1] are refused with the file and the first such pixel named.
Result<std::vector<float>> readAbundanceRaster(const std::string& path, int width, int height);

}  // namespace specres
