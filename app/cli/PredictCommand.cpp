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
#include "experiment/TilePrediction.h"
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
    const SpectralRaster* sigma = inputs->highSigma();
    TerminalProgress progress;
    Result<ScenePredictionFiles> files = fail("");
    if (tile) {
        auto paths = sceneInputPathsFrom(parser);
        auto outcome =
            predictSceneTile(*inputs, *paths, parser.value("out"), *tile, &progress.feedback());
        progress.finish();
        if (!outcome) {
            std::cerr << "specres-cli predict: " << outcome.error() << "\n";
            return 1;
        }
        if (outcome->alreadyComplete) {
            std::cout << "tile " << tile->index << "/" << tile->count << " is complete ("
                      << outcome->manifest << "); nothing to do\n";
            return 0;
        }
        if (!outcome->redoReason.empty())
            std::cerr << "redid the tile: " << outcome->redoReason << "\n";
        std::cout << "tile " << tile->index << "/" << tile->count << ": rows "
                  << outcome->rows.first << "–" << outcome->rows.first + outcome->rows.count - 1
                  << "; manifest " << outcome->manifest << "\n";
        files = outcome->files;
    } else {
        files = predictScene(inputs->trained.reflectance, inputs->trained.context.highWavelengthsUm,
                             low, high, sigma, prefix, &progress.feedback());
        progress.finish();
        if (!files) {
            std::cerr << "specres-cli predict: " << files.error() << "\n";
            return 1;
        }
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
