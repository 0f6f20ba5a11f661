#include <iostream>
#include "ModelInputs.h"

#include <cstdlib>

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

void addTileOptions(ArgumentParser& parser, const std::string& mapsName) {
    parser.addOption("tile", "K/N",
                     "only row block K of N, into PREFIX.tile-K-of-N_*" + mapsName +
                         " with a manifest PREFIX.tile-K-of-N.json; a complete tile of "
                         "unchanged inputs is not redone; 'specres-cli merge PREFIX' joins them");
    parser.addOption("tile-index", "K|env",
                     "the tile number K apart from --tile; env reads SLURM_ARRAY_TASK_ID");
}

Result<std::optional<SceneTile>> tileFrom(const ArgumentParser& parser) {
    if (!parser.has("tile") && !parser.has("tile-index")) return std::optional<SceneTile>();
    std::string index = parser.value("tile-index");
    if (index == "env") {
        const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
        if (!task)
            return fail(
                "--tile-index env: SLURM_ARRAY_TASK_ID is not set (not running as a "
                "Slurm array task?)");
        index = task;
    }
    auto parsed = parseSceneTile(parser.value("tile"), index);
    if (!parsed) return fail(parsed.error());
    // A tile number written twice that disagrees is a typo, not a choice (a Slurm task's number
    // from `--tile-index env` does replace the K of K/N, as documented).
    const std::string tile = parser.value("tile");
    const auto slash = tile.find('/');
    if (parser.value("tile-index") != "env" && !index.empty() && slash != std::string::npos) {
        auto written = parseSceneTile(tile);
        if (written && written->index != parsed->index) {
            return fail("--tile " + tile + " and --tile-index " + index +
                        " name different tiles; give the number once");
        }
    }
    return std::optional<SceneTile>(*parsed);
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
    auto inputs = openSceneInputs(*paths);
    if (inputs) {
        for (const std::string& warning : inputs->warnings())
            std::cerr << "warning: " << warning << "\n";
    }
    return inputs;
}

}  // namespace specres::cli
