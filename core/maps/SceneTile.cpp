#include "maps/SceneTile.h"

#include <filesystem>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/Checksum.h"
#include "io/AtomicFile.h"
#include "io/JsonFields.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

Result<int> positive(const std::string& text, const std::string& what) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < 1 || value > 1000000) {
        return fail(what + " must be a whole number from 1 (not '" + text + "')");
    }
    return int(value);
}

}  // namespace

SceneRows SceneTile::rows(int sceneHeight) const {
    const auto begin = std::int64_t(index - 1) * sceneHeight / count;
    const auto end = std::int64_t(index) * sceneHeight / count;
    return SceneRows{int(begin), int(end - begin)};
}

std::string SceneTile::prefix(const std::string& scenePrefix) const {
    const int digits = int(std::to_string(count).size());
    std::ostringstream out;
    out << scenePrefix << ".tile-" << std::setw(digits) << std::setfill('0') << index << "-of-"
        << count;
    return out.str();
}

Result<SceneTile> parseSceneTile(const std::string& text, const std::string& index) {
    const auto slash = text.find('/');
    const std::string kText = slash == std::string::npos ? std::string() : text.substr(0, slash);
    const std::string nText = slash == std::string::npos ? text : text.substr(slash + 1);
    auto n = positive(nText, "--tile: the number of tiles");
    if (!n) return fail(n.error());
    const std::string chosen = index.empty() ? kText : index;
    if (chosen.empty()) return fail("--tile: give K/N (tile K of N), or N with --tile-index");
    auto k = positive(chosen, "--tile: the tile number");
    if (!k) return fail(k.error());
    if (*k > *n) {
        return fail("--tile: tile " + std::to_string(*k) + " of " + std::to_string(*n) +
                    " does not exist (tiles are numbered 1 to " + std::to_string(*n) + ")");
    }
    return SceneTile{*k, *n};
}

Result<std::vector<TileInput>> checksumInputs(
    const std::vector<std::pair<std::string, std::string>>& roleAndPath) {
    std::vector<TileInput> out;
    for (const auto& [role, path] : roleAndPath) {
        auto sum = fileChecksum(path);
        if (!sum) return fail(sum.error());
        out.push_back({role, fs::absolute(path).lexically_normal().string(), *sum});
    }
    return out;
}

Status writeTileManifest(const std::string& path, const TileManifest& m) {
    nlohmann::json json;
    json["format"] = "specres-tile";
    json["version"] = 1;
    json["status"] = "complete";
    json["tile"] = m.tile.index;
    json["tiles"] = m.tile.count;
    json["scene"] = {{"width", m.sceneWidth}, {"height", m.sceneHeight}};
    json["rows"] = {{"first", m.rows.first}, {"count", m.rows.count}};
    json["inputs"] = nlohmann::json::array();
    for (const auto& input : m.inputs) {
        json["inputs"].push_back(
            {{"role", input.role}, {"path", input.path}, {"checksum", input.checksum}});
    }
    json["outputs"] = nlohmann::json::array();
    for (const auto& output : m.outputs) {
        if (output.empty()) continue;
        auto sum = fileChecksum(output);
        if (!sum) return fail(sum.error());
        json["outputs"].push_back({{"path", fs::absolute(output).string()}, {"checksum", *sum}});
    }
    json["software"] =
        m.software.empty() ? std::string("specres-cli ") + SPECRES_VERSION : m.software;
    return writeTextAtomically(path, json.dump(2) + "\n");
}

Result<TileManifest> readTileManifest(const std::string& path) {
    auto json = readJsonFile(path, "a tile manifest", 1 << 20);
    if (!json) return fail(json.error());
    try {
        if (json->value("format", "") != "specres-tile" || json->value("status", "") != "complete")
            return fail(path + ": not a complete SpecRes tile manifest");
        TileManifest m;
        m.tile = {json->at("tile").get<int>(), json->at("tiles").get<int>()};
        m.sceneWidth = json->at("scene").at("width").get<int>();
        m.sceneHeight = json->at("scene").at("height").get<int>();
        m.rows = {json->at("rows").at("first").get<int>(), json->at("rows").at("count").get<int>()};
        for (const auto& input : json->at("inputs")) {
            m.inputs.push_back({input.at("role").get<std::string>(),
                                input.at("path").get<std::string>(),
                                input.at("checksum").get<std::string>()});
        }
        // Version 1 listed the outputs' paths alone; later ones with their checksums.
        for (const auto& output : json->at("outputs")) {
            if (output.is_string()) {
                m.outputs.push_back(output.get<std::string>());
                continue;
            }
            m.outputs.push_back(output.at("path").get<std::string>());
            m.outputChecksums.push_back(output.at("checksum").get<std::string>());
        }
        if (!m.outputChecksums.empty() && m.outputChecksums.size() != m.outputs.size())
            return fail(path + ": damaged (some outputs have no checksum)");
        m.software = json->value("software", "");
        if (m.tile.count < 1 || m.tile.index < 1 || m.tile.index > m.tile.count)
            return fail(path + ": damaged (tile " + std::to_string(m.tile.index) + " of " +
                        std::to_string(m.tile.count) + " does not exist)");
        if (m.sceneWidth < 1 || m.sceneHeight < 1)
            return fail(path + ": damaged (the scene size " + std::to_string(m.sceneWidth) + " × " +
                        std::to_string(m.sceneHeight) + " is not a raster's)");
        const SceneRows expected = m.tile.rows(m.sceneHeight);
        if (m.rows.first != expected.first || m.rows.count != expected.count) {
            return fail(path + ": damaged (rows " + std::to_string(m.rows.first) + "+" +
                        std::to_string(m.rows.count) + ", but tile " +
                        std::to_string(m.tile.index) + " of " + std::to_string(m.tile.count) +
                        " of a " + std::to_string(m.sceneHeight) + "-row scene is rows " +
                        std::to_string(expected.first) + "+" + std::to_string(expected.count) +
                        ")");
        }
        return m;
    } catch (const nlohmann::json::exception& e) {
        return fail(path + ": damaged (" + e.what() + ")");
    }
}

bool tileIsComplete(const std::string& path, const SceneTile& tile,
                    const std::vector<TileInput>& inputs, std::string* why) {
    auto say = [why](const std::string& text) {
        if (why) *why = text;
        return false;
    };
    std::error_code error;
    if (!fs::exists(path, error)) return say(path + " does not exist");
    auto m = readTileManifest(path);
    if (!m) return say(m.error());
    if (m->tile.index != tile.index || m->tile.count != tile.count)
        return say(path + ": another tile's manifest");
    if (m->inputs.size() != inputs.size()) return say(path + ": made from other inputs");
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (m->inputs[i].role != inputs[i].role || m->inputs[i].checksum != inputs[i].checksum) {
            return say(path + ": the " + inputs[i].role + " " + inputs[i].path +
                       " has changed since the tile was made");
        }
    }
    for (const auto& file : m->outputs) {
        if (!fs::exists(file, error)) return say(path + ": its output " + file + " is missing");
    }
    return true;
}

}  // namespace specres
