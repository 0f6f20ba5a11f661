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


/// Where a run's tiles lie: PREFIX's folder, its file name, and N of its K-of-N tiles.
struct TileSet {
    std::string prefix;
    fs::path folder;
    std::string stem;
    int count = 0;
    std::vector<TileRecord> tiles;  ///< those whose manifest could be read
    std::string stemOf(int k) const { return SceneTile{k, count}.prefix(stem); }
    std::string fileOf(int k, const std::string& suffix) const {
        return (folder / (stemOf(k) + suffix)).string();
    }
};

// N of the tiles that lie beside PREFIX (one run's: tiles of two tilings together are refused).
Result<TileSet> findTiles(const std::string& prefix) {
    TileSet set;
    set.prefix = prefix;
    const fs::path base(prefix);
    set.folder = base.parent_path().empty() ? fs::path(".") : base.parent_path();
    set.stem = base.filename().string();
    const std::regex pattern(
        std::regex_replace(set.stem, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
        R"(\.tile-0*(\d+)-of-(\d+)\.json)");
    std::set<int> counts;  // N of every run whose tiles lie here
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(set.folder, error)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (std::regex_match(name, m, pattern)) counts.insert(std::stoi(m[2]));
    }
    if (error) return fail(set.folder.string() + ": cannot list the folder: " + error.message());
    if (counts.empty()) {
        return fail(prefix + ": no tiles found (PREFIX.tile-K-of-N.json from predict --tile)");
    }
    if (counts.size() > 1) {
        return fail(prefix + ": tiles of runs with different N lie together (" +
                    std::to_string(*counts.begin()) + " and " + std::to_string(*counts.rbegin()) +
                    " tiles): remove the old ones");
    }
    set.count = *counts.begin();
    return set;
}

// Reads every tile's manifest into set.tiles; what is missing or contradicts itself goes to
// `problems`.
void readManifests(TileSet& set, std::vector<std::string>& problems) {
    std::error_code error;
    for (int k = 1; k <= set.count; ++k) {
        const std::string manifest = set.fileOf(k, ".json");
        if (!fs::exists(manifest, error)) {
            problems.push_back("tile " + std::to_string(k) + " of " + std::to_string(set.count) +
                               " is missing (no " + manifest + ")");
            continue;
        }
        auto read = readTileManifest(manifest);
        if (!read) {
            problems.push_back("tile " + std::to_string(k) + ": " + read.error());
            continue;
        }
        if (read->tile.index != k || read->tile.count != set.count) {
            problems.push_back("tile " + std::to_string(k) + ": " + manifest +
                               " describes tile " + std::to_string(read->tile.index) + " of " +
                               std::to_string(read->tile.count) + " (a copied manifest?)");
            continue;
        }
        set.tiles.push_back({k, std::move(*read)});
    }
}

// A tile against the first: the same inputs and scene, every map present and unchanged.
void checkTile(const TileRecord& t, const TileRecord& first, std::vector<std::string>& problems) {
    std::error_code error;
    if (t.manifest.inputs != first.manifest.inputs) {
        problems.push_back("tile " + std::to_string(t.index) +
                           " was made from other inputs (or another model) than tile " +
                           std::to_string(first.index) + ": predict it again");
    }
    if (t.manifest.sceneWidth != first.manifest.sceneWidth ||
        t.manifest.sceneHeight != first.manifest.sceneHeight) {
        problems.push_back("tile " + std::to_string(t.index) + " is of a " +
                           std::to_string(t.manifest.sceneWidth) + " × " +
                           std::to_string(t.manifest.sceneHeight) + " scene, tile " +
                           std::to_string(first.index) + " of a " +
                           std::to_string(first.manifest.sceneWidth) + " × " +
                           std::to_string(first.manifest.sceneHeight) + " one");
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
        if (o >= t.manifest.outputChecksums.size() || fs::path(output).extension() == ".csv")
            continue;
        auto sum = fileChecksum(output);
        if (!sum || *sum != t.manifest.outputChecksums[o]) {
            problems.push_back("tile " + std::to_string(t.index) + ": its map " + output +
                               " is not the file its manifest describes (changed, "
                               "truncated or replaced since the tile was made)");
        }
    }
}

// The tiles as a whole: all there, consistent, and made from the inputs as they are now.
Status checkTiles(TileSet& set) {
    std::vector<std::string> problems;
    readManifests(set, problems);
    if (!set.tiles.empty()) {
        for (const TileRecord& t : set.tiles) checkTile(t, set.tiles.front(), problems);
        // The inputs as they are now: a tile made before one of them changed is stale.
        std::error_code error;
        for (const TileInput& input : set.tiles.front().manifest.inputs) {
            if (!fs::exists(input.path, error)) continue;  // moved away: nothing to compare
            auto sum = fileChecksum(input.path);
            if (sum && *sum != input.checksum) {
                problems.push_back("the " + input.role + " " + input.path +
                                   " has changed since the tiles were made: predict them again");
            }
        }
    }
    if (problems.empty()) return {};
    std::string text = set.prefix + ": cannot merge:";
    for (const auto& p : problems) text += "\n  " + p;
    return fail(text);
}

// The tiles' tables (identify's legend), merged in memory by product suffix: one that
// disagrees stops the merge before any map is written.
Result<std::map<std::string, std::string>> mergeTables(const TileSet& set) {
    std::map<std::string, std::string> tables;
    for (const auto& output : set.tiles.front().manifest.outputs) {
        const std::string suffix = productSuffix(output, set.stemOf(1));
        if (fs::path(suffix).extension() != ".csv") continue;
        std::vector<std::string> files;
        for (const TileRecord& t : set.tiles) files.push_back(set.fileOf(t.index, suffix));
        Result<std::string> merged = fail("");
        try {
            merged = mergeCountTables(files);
        } catch (const std::exception&) {
            merged = fail(files.front() + ": a pixel count is not a number");
        }
        if (!merged) return fail(merged.error());
        for (const TileRecord& t : set.tiles) {
            const auto& outputs = t.manifest.outputs;
            for (std::size_t o = 0; o < t.manifest.outputChecksums.size(); ++o) {
                if (productSuffix(outputs[o], set.stemOf(t.index)) != suffix) continue;
                auto sum = fileChecksum(outputs[o]);
                if (!sum || *sum != t.manifest.outputChecksums[o])
                    return fail(set.prefix + ": cannot merge:\n  tile " +
                                std::to_string(t.index) + ": its table " + outputs[o] +
                                " is not the file its manifest describes (changed since the tile "
                                "was made)");
            }
        }
        tables[suffix] = *merged;
    }
    return tables;
}

// One product's tiles stacked into a VRT with the metadata, nodata, colours and names a
// single run writes; `sources` are the tiles' files, in the order of set.tiles.
SharedDataset stackTiles(const TileSet& set, const std::vector<SharedDataset>& sources) {
    const int width = set.tiles.front().manifest.sceneWidth;
    const int height = set.tiles.front().manifest.sceneHeight;
    GDALDataset& first = *sources.front();
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
    for (int b = 1; b <= first.GetRasterCount(); ++b) {
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
        for (std::size_t i = 0; i < set.tiles.size(); ++i) {
            const SceneRows& rows = set.tiles[i].manifest.rows;
            band->AddSimpleSource(sources[i]->GetRasterBand(b), 0, 0, width, rows.count, 0,
                                  rows.first, width, rows.count);
        }
    }
    return hold;
}

// One map product (PREFIX + suffix) from its tiles, as a VRT or a COG; the path written.
Result<std::string> mergeMap(const TileSet& set, const std::string& suffix, bool cog) {
    const int width = set.tiles.front().manifest.sceneWidth;
    // Every tile's file of this product, opened for as long as the merged file is written.
    std::vector<SharedDataset> sources;
    for (const TileRecord& t : set.tiles) {
        const std::string file = set.fileOf(t.index, suffix);
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
    SharedDataset vrt = stackTiles(set, sources);
    std::string finalPath = set.prefix + suffix;
    if (!cog) finalPath = fs::path(finalPath).replace_extension(".vrt").string();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(cog ? "COG" : "VRT");
    if (!driver) return fail(std::string("GDAL has no ") + (cog ? "COG" : "VRT") + " driver");
    const char* cogOptions[] = {"COMPRESS=DEFLATE", "PREDICTOR=YES", "BIGTIFF=IF_SAFER", nullptr};
    auto written = writeAtomically(finalPath, [&](const std::string& temporary) -> Status {
        GdalErrorCapture capture;
        GDALDataset* copy =
            driver->CreateCopy(temporary.c_str(), vrt.get(), FALSE,
                               cog ? const_cast<char**>(cogOptions) : nullptr, nullptr, nullptr);
        if (!copy) return fail(finalPath + ": cannot write: " + capture.errors());
        GDALClose(GDALDataset::ToHandle(copy));
        if (!capture.errors().empty()) return fail(finalPath + ": writing failed: " + capture.errors());
        return Status::success();
    });
    if (!written) return fail(written.error());
    return finalPath;
}

}  // namespace

Result<MergeResult> mergeTiles(const std::string& prefix, bool cog) {
    ensureGdalRegistered();
    auto set = findTiles(prefix);
    if (!set) return fail(set.error());
    if (auto ok = checkTiles(*set); !ok) return fail(ok.error());
    auto tables = mergeTables(*set);
    if (!tables) return fail(tables.error());
    MergeResult result;
    result.tiles = set->count;
    for (const auto& output : set->tiles.front().manifest.outputs) {
        const std::string suffix = productSuffix(output, set->stemOf(1));
        if (tables->count(suffix)) {
            const std::string finalPath = prefix + suffix;
            if (auto ok = writeTextAtomically(finalPath, tables->at(suffix)); !ok)
                return fail(ok.error());
            result.products.push_back(finalPath);
            continue;
        }
        auto merged = mergeMap(*set, suffix, cog);
        if (!merged) return fail(merged.error());
        result.products.push_back(*merged);
    }
    return result;
}

}  // namespace specres
