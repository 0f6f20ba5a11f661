#include "maps/SceneMaps.h"

#include <gdal_priv.h>

#include <limits>

#include "io/GdalSupport.h"

namespace specres {

namespace {
constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();
}

SceneMaps::SceneMaps(const SpectralRaster& grid, SceneRows rows,
                     std::vector<std::pair<std::string, std::string>> metadata)
    : grid_(grid.grid()), width_(grid.width()), rows_(rows), metadata_(std::move(metadata)) {
    // The maps of a row range sit where those rows are.
    grid_.geoTransform[0] += rows.first * grid_.geoTransform[2];
    grid_.geoTransform[3] += rows.first * grid_.geoTransform[5];
    metadata_.push_back(
        {"SPECRES_ROWS", std::to_string(rows.first) + "," + std::to_string(rows.count)});
}

Result<int> SceneMaps::add(const MapSpec& spec) {
    ensureGdalRegistered();
    const int bands = int(spec.bandDescriptions.size());
    std::vector<std::string> options =
        spec.layout == MapLayout::Strips
            ? std::vector<std::string>{"BLOCKYSIZE=" + std::to_string(sceneStripRows(width_)),
                                       "INTERLEAVE=PIXEL", "BIGTIFF=IF_SAFER"}
            : std::vector<std::string>{"TILED=YES",        "BLOCKXSIZE=256",
                                       "BLOCKYSIZE=256",   "INTERLEAVE=PIXEL",
                                       "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"};
    auto made = files_.create(spec.path, width_, rows_.count, bands,
                              spec.categorical ? GDT_Byte : GDT_Float32, options);
    if (!made) return fail(made.error());
    Map map{spec.path, *made, bands, spec.categorical, {}, {}};
    grid_.georeference(*map.dataset);
    for (const auto& [name, value] : metadata_)
        map.dataset->SetMetadataItem(name.c_str(), value.c_str());
    GDALColorTable colours;
    for (std::size_t c = 0; c < spec.colours.size(); ++c) {
        const GDALColorEntry entry{short(spec.colours[c][0]), short(spec.colours[c][1]),
                                   short(spec.colours[c][2]), 255};
        colours.SetColorEntry(int(c), &entry);
    }
    std::vector<const char*> names;
    for (const std::string& name : spec.categoryNames) names.push_back(name.c_str());
    names.push_back(nullptr);
    for (int b = 1; b <= bands; ++b) {
        GDALRasterBand* band = map.dataset->GetRasterBand(b);
        band->SetDescription(spec.bandDescriptions[std::size_t(b - 1)].c_str());
        if (!spec.categorical) {
            band->SetNoDataValue(kNoValue);
            continue;
        }
        band->SetNoDataValue(0);
        if (!spec.colours.empty()) band->SetColorTable(&colours);
        if (!spec.categoryNames.empty()) band->SetCategoryNames(const_cast<char**>(names.data()));
    }
    maps_.push_back(std::move(map));
    return int(maps_.size()) - 1;
}

void SceneMaps::beginStrip(int rows) {
    for (Map& map : maps_) {
        const std::size_t size = std::size_t(width_) * std::size_t(rows) * std::size_t(map.bands);
        if (map.categorical)
            map.codes.assign(size, 0);
        else
            map.values.assign(size, kNoValue);
    }
}

Status SceneMaps::writeStrip(int row, int rows) {
    for (Map& map : maps_) {
        GdalErrorCapture capture;
        const GSpacing size = map.categorical ? 1 : GSpacing(sizeof(float));
        void* data = map.categorical ? static_cast<void*>(map.codes.data())
                                     : static_cast<void*>(map.values.data());
        if (map.dataset->RasterIO(GF_Write, 0, row, width_, rows, data, width_, rows,
                                  map.categorical ? GDT_Byte : GDT_Float32, map.bands, nullptr,
                                  size * map.bands, size * map.bands * width_, size,
                                  nullptr) != CE_None) {
            return fail(map.path + ": writing failed: " + capture.errors());
        }
    }
    return {};
}

}  // namespace specres
