#include <algorithm>
#include <iostream>

#include "ArgumentParser.h"
#include "Commands.h"
#include "ModelInputs.h"
#include "TerminalProgress.h"
#include "experiment/ScenePrediction.h"
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
    if (int status = handleParse(parser, "predict", argc, argv, 2); status >= 0) return status;

    if (auto ok = checkOutputFile(parser.value("out") + "_mean.tif", "the predicted maps"); !ok) {
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
    auto files = predictScene(inputs->trained.reflectance, highGrid, low, high, sigma,
                              parser.value("out"), &progress.feedback());
    progress.finish();
    if (!files) {
        std::cerr << "specres-cli predict: " << files.error() << "\n";
        return 1;
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
