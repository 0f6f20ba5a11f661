#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/Result.h"
#include "io/GeoTiffOutputs.h"
#include "io/SpectralRaster.h"
#include "maps/SceneRows.h"

class GDALDataset;

namespace specres {

/// How a map is laid out on disk: in strips of exactly the rows worked on at a time (each strip
/// of work is one contiguous write: spectra of 85–99 interleaved bands), or in compressed
/// 256 × 256 tiles (small maps of codes and scores, read back by viewers at any zoom).
enum class MapLayout { Strips, CompressedTiles };

/// One map of a scene run: Float32 bands (NaN where there is no value), or one Byte band of
/// categories (0 where there is none) with a colour table and a name per code.
struct MapSpec {
    std::string path;
    std::vector<std::string> bandDescriptions;  ///< one per band
    MapLayout layout = MapLayout::Strips;
    bool categorical = false;
    std::vector<std::array<int, 3>> colours;  ///< categorical: RGB per code, 0 the no-data code
    std::vector<std::string> categoryNames;   ///< categorical: name per code
};

/// The maps one scene run writes over some rows of a grid: created together under temporary
/// names (GeoTiffOutputs), georeferenced at their first row, tagged with the run's metadata and
/// SPECRES_ROWS ("first,count" of the whole scene); filled a strip at a time through buffers the
/// work writes into; committed together or not at all.
class SceneMaps {
public:
    /// `rows` as resolveSceneRows gives them; `metadata` (name, value) goes on every map.
    SceneMaps(const SpectralRaster& grid, SceneRows rows,
              std::vector<std::pair<std::string, std::string>> metadata);

    /// An input of the run, which no map may replace.
    void protect(const std::string& path, const std::string& role) { files_.protect(path, role); }
    /// Creates a map; its index addresses it below.
    Result<int> add(const MapSpec& spec);

    int width() const { return width_; }
    SceneRows rows() const { return rows_; }
    int bands(int map) const { return maps_[std::size_t(map)].bands; }
    /// For band metadata beyond the description (wavelengths).
    GDALDataset& dataset(int map) { return *maps_[std::size_t(map)].dataset; }

    /// Buffers of the current strip, pixel-interleaved (pixel p, band b at p · bands + b), set
    /// to no data by beginStrip.
    float* values(int map) { return maps_[std::size_t(map)].values.data(); }
    std::uint8_t* codes(int map) { return maps_[std::size_t(map)].codes.data(); }

    void beginStrip(int rows);
    /// Writes the buffers at `row` (counted from rows().first).
    Status writeStrip(int row, int rows);
    Status commit() { return files_.commit(); }

private:
    struct Map {
        std::string path;
        GDALDataset* dataset = nullptr;
        int bands = 0;
        bool categorical = false;
        std::vector<float> values;
        std::vector<std::uint8_t> codes;
    };
    GeoTiffOutputs files_;
    RasterGrid grid_;
    int width_ = 0;
    SceneRows rows_;
    std::vector<std::pair<std::string, std::string>> metadata_;
    std::vector<Map> maps_;
};

}  // namespace specres
