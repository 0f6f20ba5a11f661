#include "ModelInputs.h"

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

Result<SceneInputPaths> sceneInputPathsFrom(const ArgumentParser& parser) {
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    if (!scale) return fail(scale.error());
    auto resampling = parseResampling(parser.value("resampling"));
    if (!resampling) return fail(resampling.error());
    SceneInputPaths paths;
    paths.model = parser.value("model");
    paths.low = parser.value("low");
    paths.high = parser.has("high") ? parser.value("high") : std::string();
    paths.lowWavelengths = parser.value("low-wavelengths");
    paths.highWavelengths = parser.value("high-wavelengths");
    paths.reflectanceScale = *scale;
    paths.resampling = *resampling;
    return paths;
}

Result<SceneInputs> openModelInputs(const ArgumentParser& parser, int& exitCode) {
    exitCode = 2;
    auto paths = sceneInputPathsFrom(parser);
    if (!paths) return fail(paths.error());
    exitCode = 1;
    return openSceneInputs(*paths);
}

}  // namespace specres::cli
