#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "identify/BandDepth.h"
#include "identify/LibraryResampling.h"
#include "identify/MineralMatcher.h"

namespace specres {

/// Everything identification needs for one pair of sensors, built once per library and
/// scene: the library on the high-resolution channels (in a matcher), on the low-resolution
/// bands (for the spectral-angle baseline on the input), and the band-depth features that fall
/// within the channels.
struct MineralToolkit {
    std::string source;  ///< the library's file, folder or "demo"
    MineralMatcher matcher;
    ResampledLibrary lowLibrary;
    std::vector<BandDepth> bandDepths;
    /// Why some features were left out (outside the channels), and the library's warnings.
    std::vector<std::string> notes;
};

/// Resamples `library` to both sensors and prepares the features; fails (naming the library)
/// where it does not cover the channels.
Result<std::shared_ptr<const MineralToolkit>> buildMineralToolkit(
    const SpectralLibrary& library, const ChannelSet& high, const ChannelSet& low,
    const MatchOptions& options = {},
    const std::vector<AbsorptionWindow>& windows = defaultAbsorptionWindows());

}  // namespace specres
