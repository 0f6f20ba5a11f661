#include "maps/SceneIdentificationSetup.h"

#include <filesystem>

#include "identify/PriorTable.h"
#include "identify/SpectralLibrary.h"
#include "maps/SceneIdentificationJob.h"

namespace specres {

std::string IdentificationSettings::describe() const {
    auto yesNo = [](bool on) { return std::string(on ? "yes" : "no"); };
    return "library=" + library + " dispersion=" + yesNo(dispersion) + " pairs=" + yesNo(pairs) +
           " band-depths=" + yesNo(bandDepths || !features.empty());
}

Result<SceneIdentificationSetup> prepareSceneIdentification(const IdentificationSettings& settings,
                                                            const SceneInputs& inputs) {
    SceneIdentificationSetup setup;
    auto library = readSpectralLibrary(settings.library);
    if (!library) return fail("library: " + library.error());
    const ModelContext& context = inputs.trained.context;
    ChannelSet high{context.highWavelengthsUm, context.highFwhmUm};
    if (inputs.high()) high.fwhmUm = inputs.high()->fwhmUm();
    const ChannelSet low{inputs.low().wavelengthsUm(), inputs.low().fwhmUm()};
    MatchOptions match;
    match.dispersion = settings.dispersion;
    match.pairs = settings.pairs;
    if (!settings.priors.empty()) {
        auto priors = readPriorTable(settings.priors, library->names(), setup.notes);
        if (!priors) return fail("priors: " + priors.error());
        match.priors = *priors;
    }
    std::vector<AbsorptionWindow> windows = defaultAbsorptionWindows();
    if (!settings.features.empty()) {
        auto read = readAbsorptionWindows(settings.features);
        if (!read) return fail("features: " + read.error());
        windows = *read;
        for (const AbsorptionWindow& w : windows) {
            if (auto ok = BandDepth::create(w, high.centreUm); !ok)
                return fail("features: " + settings.features + ": " + ok.error());
        }
    }
    auto toolkit = buildMineralToolkit(*library, high, low, match, windows);
    if (!toolkit) return fail("library: " + toolkit.error());
    setup.toolkit = *toolkit;
    setup.notes.insert(setup.notes.end(), setup.toolkit->notes.begin(), setup.toolkit->notes.end());
    setup.options.lowLibrary = &setup.toolkit->lowLibrary;
    if (settings.bandDepths || !settings.features.empty())
        setup.options.bandDepths = setup.toolkit->bandDepths;
    return setup;
}

Result<SceneTileJob> sceneIdentificationJob(const SceneInputs& inputs, const SceneInputPaths& paths,
                                            const IdentificationSettings& settings,
                                            const SceneIdentificationSetup& setup,
                                            SceneIdentification* made) {
    auto files = inputs.files(paths);
    std::error_code error;
    for (const auto& [role, path] :
         {std::pair{"library", settings.library}, std::pair{"priors", settings.priors},
          std::pair{"features", settings.features}}) {
        if (!path.empty() && std::filesystem::is_regular_file(path, error))
            files.push_back({role, path});
    }
    return identificationJob(inputs.trained.reflectance, setup.toolkit->matcher, inputs.low(),
                             setup.options, files, settings.describe(), made);
}

}  // namespace specres
