#include "maps/TileMerge.h"

#include <gdal_priv.h>
#include <gdal_vrt.h>
#include <vrtdataset.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "base/Checksum.h"
#include "base/Text.h"
#include "maps/SceneTile.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/InputFile.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

struct TileRecord {
    int index = 0;
    TileManifest manifest;
};

// The product's name in a tile's output: "_mean.tif" of "/d/run.tile-1-of-3_mean.tif".
std::string productSuffix(const std::string& output, const std::string& tileStem) {
    const std::string name = fs::path(output).filename().string();
    return name.rfind(tileStem, 0) == 0 ? name.substr(tileStem.size()) : name;
}

std::vector<std::string> csvLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

// A per-tile table (identify's legend): the same rows in every tile but for the "pixels"
// column, which adds up. Anything else that differs is an error, not a guess.
Result<std::string> mergeCountTables(const std::vector<std::string>& files) {
    std::vector<std::vector<std::string>> total;
    std::size_t pixels = std::string::npos;
    for (const std::string& file : files) {
        auto text = readInputFile(file, "a tile's table", 64 << 20);
        if (!text) return fail(text.error());
        const auto lines = csvLines(*text);
        if (lines.empty()) return fail(file + ": empty");
        if (total.empty()) {
            const auto header = splitCsvCells(lines[0]);
            pixels =
                std::size_t(std::find(header.begin(), header.end(), "pixels") - header.begin());
            if (pixels == header.size()) return fail(file + ": no \"pixels\" column to add up");
            for (const auto& line : lines) total.push_back(splitCsvCells(line));
            continue;
        }
        if (lines.size() != total.size())
            return fail(file + ": not the same rows as the first tile's");
        for (std::size_t r = 0; r < lines.size(); ++r) {
            const auto cells = splitCsvCells(lines[r]);
            if (cells.size() != total[r].size())
                return fail(file + ", line " + std::to_string(r + 1) +
                            ": not the first tile's columns");
            for (std::size_t c = 0; c < cells.size(); ++c) {
                if (r > 0 && c == pixels) {
                    total[r][c] = std::to_string(std::stoll(total[r][c]) + std::stoll(cells[c]));
                } else if (cells[c] != total[r][c]) {
                    return fail(file + ", line " + std::to_string(r + 1) +
                                ": differs from the first tile's (" + cells[c] + " and " +
                                total[r][c] + ")");
                }
            }
        }
    }
    std::string out;
    for (const auto& row : total) {
        for (std::size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + row[c];
        out += "\n";
    }
    return out;
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
    std::set<int> counts;  // N of every run whose tiles lie here
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (std::regex_match(name, m, pattern)) counts.insert(std::stoi(m[2]));
    }
    if (error) return fail(folder.string() + ": cannot list the folder: " + error.message());
    if (counts.empty()) {
        return fail(prefix + ": no tiles found (PREFIX.tile-K-of-N.json from predict --tile)");
    }
    if (counts.size() > 1) {
        return fail(prefix + ": tiles of runs with different N lie together (" +
                    std::to_string(*counts.begin()) + " and " + std::to_string(*counts.rbegin()) +
                    " tiles): remove the old ones");
    }
    const int count = *counts.begin();
    auto tileStem = [&](int k) { return SceneTile{k, count}.prefix(stem); };

    std::vector<std::string> problems;
    std::vector<TileRecord> tiles;
    for (int k = 1; k <= count; ++k) {
        const std::string manifest = (folder / (tileStem(k) + ".json")).string();
        if (!fs::exists(manifest, error)) {
            problems.push_back("tile " + std::to_string(k) + " of " + std::to_string(count) +
                               " is missing (no " + manifest + ")");
            continue;
        }
        auto read = readTileManifest(manifest);
        if (!read) {
            problems.push_back("tile " + std::to_string(k) + ": " + read.error());
            continue;
        }
        if (read->tile.index != k || read->tile.count != count) {
            problems.push_back("tile " + std::to_string(k) + ": " + manifest +
                               " describes tile " + std::to_string(read->tile.index) + " of " +
                               std::to_string(read->tile.count) + " (a copied manifest?)");
            continue;
        }
        tiles.push_back({k, std::move(*read)});
    }
    if (!tiles.empty()) {
        const auto& reference = tiles.front().manifest.inputs;
        for (const TileRecord& t : tiles) {
            if (t.manifest.inputs != reference) {
                problems.push_back("tile " + std::to_string(t.index) +
                                   " was made from other inputs (or another model) than tile " +
                                   std::to_string(tiles.front().index) + ": predict it again");
            }
            const TileManifest& first = tiles.front().manifest;
            if (t.manifest.sceneWidth != first.sceneWidth ||
                t.manifest.sceneHeight != first.sceneHeight) {
                problems.push_back("tile " + std::to_string(t.index) + " is of a " +
                                   std::to_string(t.manifest.sceneWidth) + " × " +
                                   std::to_string(t.manifest.sceneHeight) + " scene, tile " +
                                   std::to_string(tiles.front().index) + " of a " +
                                   std::to_string(first.sceneWidth) + " × " +
                                   std::to_string(first.sceneHeight) + " one");
            }
            for (std::size_t o = 0; o < t.manifest.outputs.size(); ++o) {
                const std::string& output = t.manifest.outputs[o];
                if (!fs::exists(output, error)) {
                    problems.push_back("tile " + std::to_string(t.index) + ": its map " + output +
                                       " is missing");
                    continue;
                }
                // An older manifest has no checksums; a table is compared cell by cell first,
                // which names the line that differs (its checksum is checked after that).
                if (o >= t.manifest.outputChecksums.size() ||
                    fs::path(output).extension() == ".csv")
                    continue;
                auto sum = fileChecksum(output);
                if (!sum || *sum != t.manifest.outputChecksums[o]) {
                    problems.push_back("tile " + std::to_string(t.index) + ": its map " + output +
                                       " is not the file its manifest describes (changed, "
                                       "truncated or replaced since the tile was made)");
                }
            }
        }
        // The inputs as they are now: a tile made before one of them changed is stale.
        for (const TileInput& input : tiles.front().manifest.inputs) {
            if (!fs::exists(input.path, error)) continue;  // moved away: nothing to compare
            auto sum = fileChecksum(input.path);
            if (sum && *sum != input.checksum) {
                problems.push_back("the " + input.role + " " + input.path +
                                   " has changed since the tiles were made: predict them again");
            }
        }
    }
    if (!problems.empty()) {
        std::string text = prefix + ": cannot merge:";
        for (const auto& p : problems) text += "\n  " + p;
        return fail(text);
    }

    const int width = tiles.front().manifest.sceneWidth;
    const int height = tiles.front().manifest.sceneHeight;
    MergeResult result;
    result.tiles = count;
    // The tiles' tables (identify's legend) are merged first, in memory: one that disagrees
    // stops the merge before any map is written.
    std::map<std::string, std::string> tables;
    for (const auto& output : tiles.front().manifest.outputs) {
        const std::string suffix = productSuffix(output, tileStem(1));
        if (fs::path(suffix).extension() != ".csv") continue;
        std::vector<std::string> files;
        for (const TileRecord& t : tiles)
            files.push_back((folder / (tileStem(t.index) + suffix)).string());
        Result<std::string> merged = fail("");
        try {
            merged = mergeCountTables(files);
        } catch (const std::exception&) {
            merged = fail(files.front() + ": a pixel count is not a number");
        }
        if (!merged) return fail(merged.error());
        for (const TileRecord& t : tiles) {
            const auto& outputs = t.manifest.outputs;
            for (std::size_t o = 0; o < t.manifest.outputChecksums.size(); ++o) {
                if (productSuffix(outputs[o], tileStem(t.index)) != suffix) continue;
                auto sum = fileChecksum(outputs[o]);
                if (!sum || *sum != t.manifest.outputChecksums[o])
                    return fail(prefix + ": cannot merge:\n  tile " + std::to_string(t.index) +
                                ": its table " + outputs[o] +
                                " is not the file its manifest describes (changed since the tile "
                                "was made)");
            }
        }
        tables[suffix] = *merged;
    }
    for (const auto& output : tiles.front().manifest.outputs) {
        const std::string suffix = productSuffix(output, tileStem(1));
        if (tables.count(suffix)) {
            const std::string finalPath = prefix + suffix;
            if (auto ok = writeTextAtomically(finalPath, tables[suffix]); !ok)
                return fail(ok.error());
            result.products.push_back(finalPath);
            continue;
        }
        // Every tile's file of this product, opened for as long as the merged file is written.
        std::vector<SharedDataset> sources;
        for (const TileRecord& t : tiles) {
            const std::string file = (folder / (tileStem(t.index) + suffix)).string();
            GdalErrorCapture capture;
            SharedDataset d =
                shareDataset(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
            if (!d) return fail(file + ": cannot open: " + capture.errors());
            const SceneRows& rows = t.manifest.rows;
            if (d->GetRasterXSize() != width || d->GetRasterYSize() != rows.count) {
                return fail(file + ": " + std::to_string(d->GetRasterXSize()) + " × " +
                            std::to_string(d->GetRasterYSize()) + " pixels, but its manifest says " +
                            std::to_string(width) + " × " + std::to_string(rows.count));
            }
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
            // Categorical maps (identify's) keep their colours and mineral names.
            if (GDALColorTable* colours = like->GetColorTable()) band->SetColorTable(colours);
            if (char** names = like->GetCategoryNames()) band->SetCategoryNames(names);
            for (const char* domain : {"", "IMAGERY"}) {
                if (char** items = like->GetMetadata(domain)) band->SetMetadata(items, domain);
            }
            for (std::size_t i = 0; i < tiles.size(); ++i) {
                const int firstRow = tiles[i].manifest.rows.first;
                const int rowCount = tiles[i].manifest.rows.count;
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
