#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// Train / validation / test pixels of a scene, as row-major pixel indices (row * width + col)
/// on the pair's (high-resolution) grid.
///
/// JSON form: {"width": W, "height": H, "train": [...], "validation": [...], "test": [...]}.
struct PixelSplit {
    int width = 0;
    int height = 0;
    std::vector<std::int64_t> train;
    std::vector<std::int64_t> validation;
    std::vector<std::int64_t> test;

    std::size_t size() const { return train.size() + validation.size() + test.size(); }
    bool operator==(const PixelSplit& other) const;
};

/// Checks that indices lie on the grid and that no pixel appears twice (within or across sets);
/// `where` names the file in messages.
Status validate(const PixelSplit& split, const std::string& where);

std::string toJson(const PixelSplit& split);
Result<PixelSplit> pixelSplitFromJson(const std::string& json, const std::string& where);

/// Writes atomically.
Status savePixelSplit(const PixelSplit& split, const std::string& path);
Result<PixelSplit> loadPixelSplit(const std::string& path);

}  // namespace specres
