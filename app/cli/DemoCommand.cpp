#include <iostream>

#include "ArgumentParser.h"
#include "Commands.h"
#include "TerminalProgress.h"
#include "scene/DemoScene.h"

namespace specres::cli {

int runDemo(int argc, char** argv) {
    ArgumentParser parser(
        "specres-cli demo --out DIR [options]",
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
            std::cerr << "specres-cli demo: " << *error << "\n";
            return 2;
        }
    }
    options.width = size->first;
    options.height = size->second;
    options.seed = static_cast<std::uint64_t>(*seed);
    options.lowResolutionFactor = *factor;
    options.libraryFolder = parser.value("library");
    auto scene = DemoScene::create(options);
    if (!scene) {
        std::cerr << "specres-cli demo: " << scene.error() << "\n";
        return 1;
    }
    TerminalProgress progress;
    auto paths = scene->write(parser.value("out"), &progress.feedback());
    progress.finish();
    if (!paths) {
        std::cerr << "specres-cli demo: " << paths.error() << "\n";
        return 1;
    }
    std::cout << "high resolution: " << paths->high << "\n"
              << "low resolution:  " << paths->low << "\n"
              << "mineral map:     " << paths->minerals << "\n"
              << "on ASTER grid:   " << paths->lowMinerals << "\n";
    return 0;
}

}  // namespace specres::cli
