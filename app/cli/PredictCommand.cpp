#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ModelInputs.h"
#include "TerminalProgress.h"
#include "maps/ScenePrediction.h"
#include "maps/SceneTile.h"
#include "maps/ScenePredictionJob.h"
#include "io/InputFile.h"

namespace specres::cli {

CommandStatus runPredict(int argc, char** argv) {
    ArgumentParser parser(
        "predict --model MODEL --low L [--high H] --out PREFIX [options]",
        "Predicts the high-resolution spectrum of every pixel of a low-resolution scene and writes "
        "GeoTIFFs: PREFIX_mean.tif, PREFIX_sigma.tif, PREFIX_uncertainty.tif (log det Σ, trace Σ) "
        "and, with the measured high-resolution raster, PREFIX_nll.tif (band 1 the NLL, band 2 "
        "the d² p-value under the model's law: an anomaly map) and PREFIX_rmse.tif.");
    addModelInputOptions(parser);
    parser.addRequired("out", "PREFIX", "output path prefix");
    addTileOptions(parser, ".tif");
    if (int status = handleParse(parser, "predict", argc, argv, 2); status >= 0) return status;

    auto chosenTile = tileFrom(parser);
    if (!chosenTile) {
        return failure(2) << chosenTile.error();
    }
    const std::optional<SceneTile> tile = *chosenTile;
    const std::string prefix = tile ? tile->prefix(parser.value("out")) : parser.value("out");
    if (auto ok = checkOutputFile(prefix + "_mean.tif", "the predicted maps"); !ok) {
        return failure(1) << "--out: " << ok.error();
    }
    int exitCode = 1;
    auto inputs = openModelInputs(parser, exitCode);
    if (!inputs) {
        return failure(exitCode) << inputs.error();
    }
    const SpectralRaster& low = inputs->low();
    const SpectralRaster* high = inputs->high();
    const SpectralRaster* sigma = inputs->highSigma();
    TerminalProgress progress;
    Result<ScenePredictionFiles> files = fail("");
    if (tile) {
        auto paths = sceneInputPathsFrom(parser);
        ScenePredictionFiles made;
        auto job = predictionJob(*inputs, *paths, &made);
        if (!job) return failure(1) << job.error();
        auto outcome = runSceneTile(*job, parser.value("out"), *tile, &progress.feedback());
        progress.finish();
        if (!outcome) {
            return failure(1) << outcome.error();
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
        files = made;
    } else {
        files = predictScene(inputs->trained.reflectance, inputs->trained.context.highWavelengthsUm,
                             low, high, sigma, prefix, &progress.feedback());
        progress.finish();
        if (!files) {
            return failure(1) << files.error();
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
