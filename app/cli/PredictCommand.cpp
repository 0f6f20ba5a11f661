#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "ArgumentParser.h"
#include "Commands.h"
#include "ModelInputs.h"
#include "TerminalProgress.h"
#include "experiment/ScenePrediction.h"
#include "experiment/SceneTile.h"
#include "io/InputFile.h"

namespace specres::cli {

int runPredict(int argc, char** argv) {
    ArgumentParser parser(
        "specres-cli predict --model MODEL --low L [--high H] --out PREFIX [options]",
        "Predicts the high-resolution spectrum of every pixel of a low-resolution scene and writes "
        "GeoTIFFs: PREFIX_mean.tif, PREFIX_sigma.tif, PREFIX_uncertainty.tif (log det Σ, trace Σ) "
        "and, with the measured high-resolution raster, PREFIX_nll.tif and PREFIX_rmse.tif.");
    addModelInputOptions(parser);
    parser.addRequired("out", "PREFIX", "output path prefix");
    parser.addOption("tile", "K/N",
                     "predict only row block K of N, into PREFIX.tile-K-of-N_*.tif with a "
                     "manifest PREFIX.tile-K-of-N.json; a complete tile of unchanged inputs is "
                     "not redone");
    parser.addOption("tile-index", "K|env",
                     "the tile number K apart from --tile; env reads SLURM_ARRAY_TASK_ID");
    if (int status = handleParse(parser, "predict", argc, argv, 2); status >= 0) return status;

    std::optional<SceneTile> tile;
    if (parser.has("tile") || parser.has("tile-index")) {
        std::string index = parser.value("tile-index");
        if (index == "env") {
            const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
            if (!task) {
                std::cerr << "specres-cli predict: --tile-index env: SLURM_ARRAY_TASK_ID is not "
                             "set (not running as a Slurm array task?)\n";
                return 2;
            }
            index = task;
        }
        auto parsed = parseSceneTile(parser.value("tile"), index);
        if (!parsed) {
            std::cerr << "specres-cli predict: " << parsed.error() << "\n";
            return 2;
        }
        tile = *parsed;
    }
    const std::string prefix = tile ? tile->prefix(parser.value("out")) : parser.value("out");
    if (auto ok = checkOutputFile(prefix + "_mean.tif", "the predicted maps"); !ok) {
        std::cerr << "specres-cli predict: --out: " << ok.error() << "\n";
        return 1;
    }
    int exitCode = 1;
    auto inputs = openModelInputs(parser, exitCode);
    if (!inputs) {
        std::cerr << "specres-cli predict: " << inputs.error() << "\n";
        return exitCode;
    }
    const SpectralRaster& low = inputs->low();
    const SpectralRaster* high = inputs->high();
    const std::vector<double>& highGrid = inputs->trained.context.highWavelengthsUm;
    TerminalProgress progress;
    const SpectralRaster* sigma = inputs->pair ? inputs->pair->highUncertainty() : nullptr;
    // A tile records what it was made from; the same tile of the same inputs is not redone.
    std::vector<TileInput> tileInputs;
    const std::string manifest = prefix + ".json";
    if (tile) {
        std::vector<std::pair<std::string, std::string>> roles = {{"model", parser.value("model")},
                                                                  {"low", parser.value("low")}};
        if (high) roles.push_back({"high", parser.value("high")});
        if (sigma) roles.push_back({"sigma", sigma->path()});
        auto sums = checksumInputs(roles);
        if (!sums) {
            std::cerr << "specres-cli predict: " << sums.error() << "\n";
            return 1;
        }
        tileInputs = *sums;
        std::string why;
        if (tileIsComplete(manifest, *tile, tileInputs, &why)) {
            std::cout << "tile " << tile->index << "/" << tile->count << " is complete ("
                      << manifest << "); nothing to do\n";
            return 0;
        }
        if (std::filesystem::exists(manifest)) std::cerr << "redoing the tile: " << why << "\n";
    }
    const SceneRows rows = tile ? tile->rows(low.height()) : SceneRows{};
    auto files = predictScene(inputs->trained.reflectance, highGrid, low, high, sigma, prefix,
                              &progress.feedback(), rows);
    progress.finish();
    if (!files) {
        std::cerr << "specres-cli predict: " << files.error() << "\n";
        return 1;
    }
    if (tile) {
        TileManifest m;
        m.tile = *tile;
        m.sceneWidth = low.width();
        m.sceneHeight = low.height();
        m.rows = rows;
        m.inputs = tileInputs;
        for (const std::string* f :
             {&files->mean, &files->sigma, &files->uncertainty, &files->nll, &files->rmse}) {
            if (!f->empty()) m.outputs.push_back(std::filesystem::absolute(*f).string());
        }
        m.software = std::string("specres-cli ") + SPECRES_VERSION;
        if (auto written = writeTileManifest(manifest, m); !written) {
            std::cerr << "specres-cli predict: " << written.error() << "\n";
            return 1;
        }
        std::cout << "tile " << tile->index << "/" << tile->count << ": rows " << rows.first << "–"
                  << rows.first + rows.count - 1 << "; manifest " << manifest << "\n";
    }
    std::cout << "predicted " << files->predictedPixels << " pixels (" << files->skippedPixels
              << " without a usable input, written as NaN)\n"
              << "mean:        " << files->mean << "\nsigma:       " << files->sigma
              << "\nuncertainty: " << files->uncertainty << "\n";
    if (high) {
        std::cout << "nll:         " << files->nll
                  << (files->nllWithMeasurementNoise
                          ? " (under N(μ, Σ + diag(σ²)), σ from " + sigma->path() + ")"
                          : std::string())
                  << "\nrmse:        " << files->rmse << "\n";
    }
    return 0;
}

}  // namespace specres::cli
