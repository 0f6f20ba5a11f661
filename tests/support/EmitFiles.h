#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// Writes NetCDF4 files with the layout of EMIT L2A granules through GDAL's multidimensional
// writer, so tests can place a known pattern, gaps and flags exactly where they want them.
namespace specres::test {

struct EmitSpec {
    int swathWidth = 6;   ///< crosstrack
    int swathHeight = 5;  ///< downtrack
    int channels = 4;
    std::string variable = "reflectance";
    /// value(row, column, channel) of the swath cube
    std::function<float(int, int, int)> value = [](int r, int c, int b) {
        return 0.01f * float(b + 1) + 0.1f * float(c) / 8.0f + 0.3f * float(r) / 8.0f;
    };
    float fill = -9999.0f;
    bool bandParameters = true;
    std::vector<double> wavelengthsNm;  ///< default: 2000, 2100, … nm
    std::vector<double> fwhmNm;         ///< default: 8.5 nm each
    std::vector<int> good;              ///< default: all 1
    /// Map grid and lookup: empty glt = no location group.
    int gridWidth = 0;
    int gridHeight = 0;
    std::vector<std::int32_t> gltX;  ///< 1-based crosstrack per map cell, 0 = none
    std::vector<std::int32_t> gltY;
    std::vector<double> geoTransform{-116.5, 0.0005, 0.0, 32.9, 0.0, -0.0005};
    std::string title = "EMIT L2A Estimated Surface Reflectance 60 m V001";
    /// Storage: chunk rows (0 = contiguous) and deflate, for realistic-size granules.
    int chunkRows = 0;
    bool deflate = false;
    /// Rows written per call, so writing a large granule needs little memory.
    int rowsPerWrite = 64;
};

/// Writes the granule; false with the reason in *error on failure.
bool writeEmitGranule(const std::string& path, const EmitSpec& spec, std::string* error = nullptr);

}  // namespace specres::test
