#include "experiment/TileMerge.h"

#include <gdal_priv.h>
#include <gdal_vrt.h>
#include <vrtdataset.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/JsonFields.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

struct TileRecord {
    int index = 0;
    std::string manifest;
    nlohmann::json json;
};

// The product's name in a tile's output: "_mean.tif" of "/d/run.tile-1-of-3_mean.tif".
std::string productSuffix(const std::string& output, const std::string& tileStem) {
    const std::string name = fs::path(output).filename().string();
    return name.rfind(tileStem, 0) == 0 ? name.substr(tileStem.size()) : name;
}

// Items a single run writes for itself, not for its tiles.
bool perTileItem(const std::string& key) {
    return key == "SPECRES_ROWS" || key == "SPECRES_RUN" || key == "SPECRES_RUN_FILES";
}

}  // namespace

Result<MergeResult> mergeTiles(const std::string& prefix, bool cog) {
    ensureGdalRegistered();
    const fs::path base(prefix);
    const fs::path folder = base.parent_path().empty() ? fs::path(".") : base.parent_path();
    const std::string stem = base.filename().string();
    const std::regex pattern(
        std::regex_replace(stem, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
        R"(\.tile-0*(\d+)-of-(\d+)\.json)");
    std::map<int, std::set<int>> byCount;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (std::regex_match(name, m, pattern)) byCount[std::stoi(m[2])].insert(std::stoi(m[1]));
    }
    if (error) return fail(folder.string() + ": cannot list the folder: " + error.message());
    if (byCount.empty()) {
        return fail(prefix + ": no tiles found (PREFIX.tile-K-of-N.json from predict --tile)");
    }
    if (byCount.size() > 1) {
        return fail(prefix + ": tiles of runs with different N lie together (" +
                    std::to_string(byCount.begin()->first) + " and " +
                    std::to_string(byCount.rbegin()->first) + " tiles): remove the old ones");
    }
    const int count = byCount.begin()->first;
    const int digits = int(std::to_string(count).size());
    auto tileStem = [&](int k) {
        std::string number = std::to_string(k);
        number.insert(0, std::size_t(std::max(0, digits - int(number.size()))), '0');
        return stem + ".tile-" + number + "-of-" + std::to_string(count);
    };

    std::vector<std::string> problems;
    std::vector<TileRecord> tiles;
    for (int k = 1; k <= count; ++k) {
        const std::string manifest = (folder / (tileStem(k) + ".json")).string();
        if (!fs::exists(manifest, error)) {
            problems.push_back("tile " + std::to_string(k) + " of " + std::to_string(count) +
                               " is missing (no " + manifest + ")");
            continue;
        }
        auto json = readJsonFile(manifest, "a tile manifest", 1 << 20);
        if (!json || json->value("status", "") != "complete") {
            problems.push_back("tile " + std::to_string(k) + ": " + manifest +
                               (json ? " is not complete" : " is damaged (" + json.error() + ")"));
            continue;
        }
        tiles.push_back({k, manifest, *json});
    }
    if (!tiles.empty()) {
        const auto& reference = tiles.front().json;
        for (const TileRecord& t : tiles) {
            if (t.json.value("inputs", nlohmann::json()) !=
                reference.value("inputs", nlohmann::json())) {
                problems.push_back("tile " + std::to_string(t.index) +
                                   " was made from other inputs (or another model) than tile " +
                                   std::to_string(tiles.front().index) + ": predict it again");
            }
            for (const auto& output : t.json.value("outputs", nlohmann::json::array())) {
                if (!fs::exists(output.get<std::string>(), error))
                    problems.push_back("tile " + std::to_string(t.index) + ": its map " +
                                       output.get<std::string>() + " is missing");
            }
        }
    }
    if (!problems.empty()) {
        std::string text = prefix + ": cannot merge:";
        for (const auto& p : problems) text += "\n  " + p;
        return fail(text);
    }

    const int width = tiles.front().json["scene"].value("width", 0);
    const int height = tiles.front().json["scene"].value("height", 0);
    MergeResult result;
    result.tiles = count;
    for (const auto& output : tiles.front().json["outputs"]) {
        const std::string suffix = productSuffix(output.get<std::string>(), tileStem(1));
        // Every tile's file of this product, opened for as long as the merged file is written.
        std::vector<SharedDataset> sources;
        for (const TileRecord& t : tiles) {
            const std::string file = (folder / (tileStem(t.index) + suffix)).string();
            GdalErrorCapture capture;
            SharedDataset d =
                shareDataset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
            if (!d) return fail(file + ": cannot open: " + capture.errors());
            sources.push_back(d);
        }
        GDALDataset& first = *sources.front();
        const int bands = first.GetRasterCount();
        auto* vrt = static_cast<VRTDataset*>(GDALDataset::FromHandle(VRTCreate(width, height)));
        SharedDataset hold = shareDataset(vrt);
        double transform[6];
        if (first.GetGeoTransform(transform) == CE_None) vrt->SetGeoTransform(transform);
        if (const OGRSpatialReference* srs = first.GetSpatialRef()) vrt->SetSpatialRef(srs);
        for (char** item = first.GetMetadata(); item && *item; ++item) {
            char* key = nullptr;
            const char* value = CPLParseNameValue(*item, &key);
            if (key && !perTileItem(key)) vrt->SetMetadataItem(key, value);
            CPLFree(key);
        }
        for (int b = 1; b <= bands; ++b) {
            GDALRasterBand* like = first.GetRasterBand(b);
            vrt->AddBand(like->GetRasterDataType(), nullptr);
            auto* band = static_cast<VRTSourcedRasterBand*>(vrt->GetRasterBand(b));
            band->SetDescription(like->GetDescription());
            int hasNodata = 0;
            const double nodata = like->GetNoDataValue(&hasNodata);
            if (hasNodata) band->SetNoDataValue(nodata);
            for (const char* domain : {"", "IMAGERY"}) {
                if (char** items = like->GetMetadata(domain)) band->SetMetadata(items, domain);
            }
            for (std::size_t i = 0; i < tiles.size(); ++i) {
                const auto& rows = tiles[i].json["rows"];
                const int firstRow = rows.value("first", 0);
                const int rowCount = rows.value("count", 0);
                band->AddSimpleSource(sources[i]->GetRasterBand(b), 0, 0, width, rowCount, 0,
                                      firstRow, width, rowCount);
            }
        }
        std::string finalPath = prefix + suffix;
        if (!cog) finalPath = fs::path(finalPath).replace_extension(".vrt").string();
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(cog ? "COG" : "VRT");
        if (!driver) return fail(std::string("GDAL has no ") + (cog ? "COG" : "VRT") + " driver");
        const char* cogOptions[] = {"COMPRESS=DEFLATE", "PREDICTOR=YES", "BIGTIFF=IF_SAFER",
                                    nullptr};
        auto written = writeAtomically(finalPath, [&](const std::string& temporary) -> Status {
            GdalErrorCapture capture;
            GDALDataset* copy = driver->CreateCopy(temporary.c_str(), vrt, FALSE,
                                                   cog ? const_cast<char**>(cogOptions) : nullptr,
                                                   nullptr, nullptr);
            if (!copy) return fail(finalPath + ": cannot write: " + capture.errors());
            GDALClose(GDALDataset::ToHandle(copy));
            if (!capture.errors().empty())
                return fail(finalPath + ": writing failed: " + capture.errors());
            return Status::success();
        });
        if (!written) return fail(written.error());
        result.products.push_back(finalPath);
    }
    return result;
}

}  // namespace specres
