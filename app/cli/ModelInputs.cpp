#include "ModelInputs.h"

#include <algorithm>

#include "PairArguments.h"

namespace specres::cli {

void addModelInputOptions(ArgumentParser& parser) {
    parser.addRequired("model", "MODEL", "model file written by 'specres-cli train'");
    parser.addRequired("low", "FILE", "low-resolution raster to predict from");
    parser.addOption("high", "FILE", "measured high-resolution raster (maps on its grid)");
    parser.addOption("low-wavelengths", "CSV", "wavelength table overriding the low raster's");
    parser.addOption("high-wavelengths", "CSV", "wavelength table overriding the high raster's");
    parser.addOption("reflectance-scale", "auto|1|10000", "how stored values map to reflectance",
                     "auto");
    parser.addOption("resampling", "METHOD", "nearest, bilinear, cubic or average (with --high)",
                     "nearest");
}

Result<ModelInputs> openModelInputs(const ArgumentParser& parser, int& exitCode) {
    exitCode = 2;
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    if (!scale) return fail(scale.error());
    auto resampling = parseResampling(parser.value("resampling"));
    if (!resampling) return fail(resampling.error());
    exitCode = 1;
    const std::string modelPath = parser.value("model");
    auto trained = loadTrainedModel(modelPath);
    if (!trained) return fail(trained.error());
    ModelInputs inputs{std::move(*trained), nullptr, nullptr};
    const std::vector<double>& lowGrid = inputs.trained.context.lowWavelengthsUm;
    const std::vector<double>& highGrid = inputs.trained.context.highWavelengthsUm;
    // The window that holds the model's channels, with half a nanometre to spare.
    const double windowMin = std::min(*std::min_element(lowGrid.begin(), lowGrid.end()),
                                      *std::min_element(highGrid.begin(), highGrid.end())) -
                             0.0005;
    const double windowMax = std::max(*std::max_element(lowGrid.begin(), lowGrid.end()),
                                      *std::max_element(highGrid.begin(), highGrid.end())) +
                             0.0005;
    PairOptions options;
    options.windowMinUm = windowMin;
    options.windowMaxUm = windowMax;
    options.low.wavelengthCsvPath = parser.value("low-wavelengths");
    options.high.wavelengthCsvPath = parser.value("high-wavelengths");
    options.low.reflectanceScale = options.high.reflectanceScale = *scale;
    options.resampling = *resampling;
    if (parser.has("high")) {
        auto opened = RasterPair::open(parser.value("high"), parser.value("low"), options);
        if (!opened) return fail(opened.error());
        inputs.pair = std::make_unique<RasterPair>(std::move(*opened));
    } else {
        auto opened = SpectralRaster::open(parser.value("low"), options.low);
        if (opened) opened = opened->withinWindow(windowMin, windowMax);
        if (!opened) return fail(opened.error());
        inputs.lowOnly = std::make_unique<SpectralRaster>(std::move(*opened));
    }
    const SpectralRaster* high = inputs.high();
    if (auto ok = inputs.trained.context.checkMatches(
            inputs.low().wavelengthsUm(), high ? high->wavelengthsUm() : highGrid, modelPath);
        !ok) {
        return fail(ok.error());
    }
    return inputs;
}

}  // namespace specres::cli
