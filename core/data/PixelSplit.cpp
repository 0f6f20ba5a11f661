#include "data/PixelSplit.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_set>

#include "io/AtomicFile.h"
#include "io/InputFile.h"

namespace specres {

using nlohmann::json;

bool PixelSplit::operator==(const PixelSplit& other) const {
    return width == other.width && height == other.height && train == other.train &&
           validation == other.validation && test == other.test;
}

Status validate(const PixelSplit& split, const std::string& where) {
    if (split.width <= 0 || split.height <= 0) {
        return fail(where + ": the split needs a positive width and height");
    }
    const std::int64_t pixels = std::int64_t(split.width) * split.height;
    std::unordered_set<std::int64_t> seen;
    seen.reserve(split.size());
    const std::pair<const char*, const std::vector<std::int64_t>*> sets[] = {
        {"train", &split.train}, {"validation", &split.validation}, {"test", &split.test}};
    for (const auto& [name, indices] : sets) {
        for (std::int64_t index : *indices) {
            if (index < 0 || index >= pixels) {
                return fail(where + ": " + name + " pixel index " + std::to_string(index) +
                            " is outside the " + std::to_string(split.width) + " × " +
                            std::to_string(split.height) + " grid");
            }
            if (!seen.insert(index).second) {
                return fail(where + ": pixel index " + std::to_string(index) +
                            " appears more than once");
            }
        }
    }
    if (split.train.empty()) return fail(where + ": the split has no training pixels");
    return Status::success();
}

std::string toJson(const PixelSplit& split) {
    json document = {{"width", split.width},
                     {"height", split.height},
                     {"train", split.train},
                     {"validation", split.validation},
                     {"test", split.test}};
    return document.dump() + "\n";
}

Result<PixelSplit> pixelSplitFromJson(const std::string& text, const std::string& where) {
    json document;
    try {
        document = json::parse(text);
    } catch (const json::exception& e) {
        return fail(where + ": not valid JSON (" + e.what() + ")");
    }
    PixelSplit split;
    try {
        if (!document.is_object()) return fail(where + ": expected a JSON object");
        for (const char* key : {"width", "height", "train", "validation", "test"}) {
            if (!document.contains(key)) return fail(where + ": missing \"" + key + "\"");
        }
        for (const char* key : {"width", "height"}) {
            const json& value = document.at(key);
            if (!value.is_number_integer() || value.get<long long>() <= 0 ||
                value.get<long long>() > 100000000) {
                return fail(where + ": \"" + key + "\" must be a whole number of pixels (found " +
                            value.dump() + ")");
            }
        }
        split.width = document.at("width").get<int>();
        split.height = document.at("height").get<int>();
        for (auto [key, target] :
             {std::pair{"train", &split.train}, std::pair{"validation", &split.validation},
              std::pair{"test", &split.test}}) {
            const json& list = document.at(key);
            if (!list.is_array())
                return fail(where + ": \"" + key + "\" must be a list of pixel indices");
            target->reserve(list.size());
            for (const json& index : list) {
                // A fractional index would otherwise be truncated to another pixel.
                if (!index.is_number_integer()) {
                    return fail(where + ": \"" + key + "\" must list whole pixel indices (found " +
                                index.dump() + ")");
                }
                target->push_back(index.get<std::int64_t>());
            }
        }
    } catch (const json::exception& e) {
        return fail(where + ": wrong value type (" + e.what() + ")");
    }
    if (auto ok = validate(split, where); !ok) return fail(ok.error());
    return split;
}

Status savePixelSplit(const PixelSplit& split, const std::string& path) {
    if (auto ok = validate(split, path); !ok) return ok;
    return writeTextAtomically(path, toJson(split));
}

Result<PixelSplit> loadPixelSplit(const std::string& path) {
    auto text = readInputFile(path, "a split file (JSON)");
    if (!text) return fail(text.error());
    return pixelSplitFromJson(*text, path);
}

}  // namespace specres
