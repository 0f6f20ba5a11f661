#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "TerminalProgress.h"
#include "scene/DemoScene.h"

namespace specres::cli {

CommandStatus runDemo(int argc, char** argv) {
    ArgumentParser parser(
        "demo --out DIR [options]",
        "Writes the synthetic Cuprite-like demo scene: an AVIRIS-NG-like "
        "GeoTIFF, an ASTER-like GeoTIFF (bands 5-9) and the true mineral map, on both grids.");
    parser.addRequired("out", "DIR", "output folder (created if missing)");
    parser.addOption("size", "WxH", "high-resolution size in pixels", "256x256");
    parser.addOption("seed", "S", "random seed; the same seed gives the same scene", "1");
    parser.addOption("factor", "F", "ASTER pixel size in AVIRIS-NG pixels", "2");
    parser.addOption("library", "DIR",
                     "folder of <Mineral>_rfl.txt library spectra to use instead of the "
                     "built-in mineral models");
    if (int status = handleParse(parser, "demo", argc, argv, 2); status >= 0) return status;

    DemoSceneOptions options;
    auto size = parseSize(parser.value("size"), "--size");
    auto seed = parseInteger(parser.value("seed"), "--seed", 0, 2147483647);
    auto factor = parseInteger(parser.value("factor"), "--factor", 1, 16);
    for (const std::string* error : {&size.error(), &seed.error(), &factor.error()}) {
        if (!error->empty()) {
            return failure(2) << *error;
        }
    }
    options.width = size->first;
    options.height = size->second;
    options.seed = static_cast<std::uint64_t>(*seed);
    options.lowResolutionFactor = *factor;
    options.libraryFolder = parser.value("library");
    auto scene = DemoScene::create(options);
    if (!scene) {
        return failure(1) << scene.error();
    }
    TerminalProgress progress;
    auto paths = scene->write(parser.value("out"), &progress.feedback());
    progress.finish();
    if (!paths) {
        return failure(1) << paths.error();
    }
    std::cout << "high resolution: " << paths->high << "\n"
              << "low resolution:  " << paths->low << "\n"
              << "mineral map:     " << paths->minerals << "\n"
              << "on ASTER grid:   " << paths->lowMinerals << "\n"
              << "purity:          " << paths->purity << "\n";
    return 0;
}

}  // namespace specres::cli
