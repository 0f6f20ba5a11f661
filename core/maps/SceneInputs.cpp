#include "maps/SceneInputs.h"

#include <algorithm>

namespace specres {

std::vector<std::pair<std::string, std::string>> SceneInputs::files(
    const SceneInputPaths& paths) const {
    std::vector<std::pair<std::string, std::string>> roles = {{"model", paths.model},
                                                              {"low", paths.low}};
    if (high()) roles.push_back({"high", paths.high});
    if (highSigma()) roles.push_back({"sigma", highSigma()->path()});
    return roles;
}

Result<SceneInputs> openSceneInputs(const SceneInputPaths& paths) {
    auto trained = loadTrainedModel(paths.model);
    if (!trained) return fail(trained.error());
    SceneInputs inputs{std::move(*trained), nullptr, nullptr};
    const std::vector<double>& lowGrid = inputs.trained.context.lowWavelengthsUm;
    const std::vector<double>& highGrid = inputs.trained.context.highWavelengthsUm;
    const double windowMin = std::min(*std::min_element(lowGrid.begin(), lowGrid.end()),
                                      *std::min_element(highGrid.begin(), highGrid.end())) -
                             0.0005;
    const double windowMax = std::max(*std::max_element(lowGrid.begin(), lowGrid.end()),
                                      *std::max_element(highGrid.begin(), highGrid.end())) +
                             0.0005;
    PairOptions options;
    options.windowMinUm = windowMin;
    options.windowMaxUm = windowMax;
    options.low.wavelengthCsvPath = paths.lowWavelengths;
    options.high.wavelengthCsvPath = paths.highWavelengths;
    options.low.reflectanceScale = options.high.reflectanceScale = paths.reflectanceScale;
    options.resampling = paths.resampling;
    if (!paths.high.empty()) {
        auto opened = RasterPair::open(paths.high, paths.low, options);
        if (!opened) return fail(opened.error());
        inputs.pair = std::make_unique<RasterPair>(std::move(*opened));
    } else {
        auto opened = SpectralRaster::open(paths.low, options.low);
        if (opened) opened = opened->withinWindow(windowMin, windowMax);
        if (!opened) return fail(opened.error());
        inputs.lowOnly = std::make_unique<SpectralRaster>(std::move(*opened));
    }
    const SpectralRaster* high = inputs.high();
    if (auto ok = inputs.trained.context.checkMatches(
            inputs.low().wavelengthsUm(), high ? high->wavelengthsUm() : highGrid, paths.model);
        !ok) {
        return fail(ok.error());
    }
    return inputs;
}

std::vector<std::string> SceneInputs::warnings() const {
    if (pair) return pair->warnings();
    return lowOnly ? lowOnly->warnings() : std::vector<std::string>();
}

}  // namespace specres
