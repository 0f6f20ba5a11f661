#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "maps/SceneRows.h"
#include "identify/BandDepth.h"
#include "identify/MineralMatcher.h"
#include "io/SpectralRaster.h"
#include "models/ReflectanceModel.h"

namespace specres {

struct SceneIdentificationOptions {
    /// Band depths to map (depth, σ through the full Σ, σ of the independent-channel formula
    /// per feature); none when empty.
    std::vector<BandDepth> bandDepths;
    /// The library on the low-resolution bands: adds the spectral-angle baseline on the input.
    const ResampledLibrary* lowLibrary = nullptr;
    /// Keep every pixel's labels in memory (for evaluation against a reference map).
    bool keepLabels = false;
};

/// The outputs of a whole-scene identification (empty paths for maps not made).
struct SceneIdentification {
    std::string mineral;      ///< Byte: most probable library mineral (1-based; 0 no data)
    std::string runnerUp;     ///< Byte: the second most probable
    std::string probability;  ///< Float32: posterior of the first, of the runner-up
    std::string pValue;       ///< Float32: goodness-of-fit p-value of the first
    std::string angle;        ///< Byte: smallest spectral angle on μ (the SAM baseline)
    std::string inputAngle;   ///< Byte: smallest spectral angle on the low-resolution input
    std::string bandDepth;    ///< Float32: depth, σ, independent σ per feature
    /// With the matcher's pairs: Byte maps of the best pair's dominant and other mineral, and
    /// Float32 (the dominant one's fraction, its σ, the p-value of the pair's improvement
    /// over the best single mineral).
    std::string pair, pairOther, pairFraction;
    std::string legend;  ///< CSV: code, name, colour, pixel counts
    std::int64_t identifiedPixels = 0;
    std::int64_t skippedPixels = 0;
    std::vector<std::int64_t> counts;  ///< pixels per mineral (most probable)
    /// With keepLabels, row-major over the scene: 1-based codes (0 no data) and the posterior.
    std::vector<std::uint8_t> likelihoodLabels, meanAngleLabels, inputAngleLabels;
    /// With pairs: the dominant mineral of the best pair where it improves significantly on
    /// the best single one (p < 0.01), else the best single one.
    std::vector<std::uint8_t> pairLabels;
    std::vector<float> posterior;
};

/// The colour of mineral code c (1-based; 0 is black, for no data): the demo scene's palette,
/// then a fixed sequence of distinct hues.
void mineralColour(int code, int& red, int& green, int& blue);

/// Identifies every pixel of `low` (already on the output grid) against the matcher's library:
/// predict in chunks (factored, see ReflectanceModel::predictFactored), match each pixel under
/// its predicted density, write the maps as GeoTIFFs with the grid's georeferencing and a
/// categorical colour table with the minerals' names, plus PREFIX_legend.csv. Bounded memory
/// (runSceneStrips; predictions factored 1,024 at a time); progress and cancel through feedback;
/// the files appear together or not at all. With `rows`, only those rows (a tile: maps georeferenced at their first row,
/// SPECRES_ROWS on each, the legend counting the tile's pixels; keepLabels covers the tile).
Result<SceneIdentification> identifyScene(const ReflectanceModel& model,
                                          const MineralMatcher& matcher, const SpectralRaster& low,
                                          const std::string& prefix,
                                          const SceneIdentificationOptions& options = {},
                                          Feedback* feedback = nullptr, SceneRows rows = {});

}  // namespace specres
