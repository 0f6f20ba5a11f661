#include "identify/MineralToolkit.h"

namespace specres {

Result<std::shared_ptr<const MineralToolkit>> buildMineralToolkit(
    const SpectralLibrary& library, const ChannelSet& high, const ChannelSet& low,
    const MatchOptions& options, const std::vector<AbsorptionWindow>& windows) {
    auto highLibrary = resampleLibrary(library, high, "the high-resolution channels");
    if (!highLibrary) return fail(highLibrary.error());
    auto lowLibrary = resampleLibrary(library, low, "the low-resolution bands");
    if (!lowLibrary) return fail(lowLibrary.error());
    std::vector<std::string> notes = library.warnings;
    notes.insert(notes.end(), highLibrary->warnings.begin(), highLibrary->warnings.end());
    auto matcher = MineralMatcher::create(std::move(*highLibrary), options);
    if (!matcher) return fail(library.source + ": " + matcher.error());
    auto toolkit = std::make_shared<MineralToolkit>(MineralToolkit{
        library.source, std::move(*matcher), std::move(*lowLibrary), {}, std::move(notes)});
    for (const AbsorptionWindow& w : windows) {
        auto feature = BandDepth::create(w, high.centreUm);
        if (feature)
            toolkit->bandDepths.push_back(*feature);
        else
            toolkit->notes.push_back("band depth left out: " + feature.error());
    }
    return std::shared_ptr<const MineralToolkit>(std::move(toolkit));
}

}  // namespace specres
