#include <algorithm>
#include <iostream>

#include "ArgumentParser.h"
#include "Commands.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "experiment/ScenePrediction.h"
#include "experiment/TrainedModel.h"
#include "io/InputFile.h"

namespace specres::cli {

int runPredict(int argc, char** argv) {
    ArgumentParser parser(
        "specres-cli predict --model MODEL --low L [--high H] --out PREFIX [options]",
        "Predicts the high-resolution spectrum of every pixel of a low-resolution scene and writes "
        "GeoTIFFs: PREFIX_mean.tif, PREFIX_sigma.tif, PREFIX_uncertainty.tif (log det Σ, trace Σ) "
        "and, with the measured high-resolution raster, PREFIX_nll.tif and PREFIX_rmse.tif.");
    parser.addRequired("model", "MODEL", "model file written by 'specres-cli train'");
    parser.addRequired("low", "FILE", "low-resolution raster to predict from");
    parser.addOption("high", "FILE", "measured high-resolution raster (adds NLL and RMSE maps)");
    parser.addRequired("out", "PREFIX", "output path prefix");
    parser.addOption("low-wavelengths", "CSV", "wavelength table overriding the low raster's");
    parser.addOption("high-wavelengths", "CSV", "wavelength table overriding the high raster's");
    parser.addOption("reflectance-scale", "auto|1|10000", "how stored values map to reflectance",
                     "auto");
    parser.addOption("resampling", "METHOD", "nearest, bilinear, cubic or average (with --high)",
                     "nearest");
    if (int status = handleParse(parser, "predict", argc, argv, 2); status >= 0) return status;

    const std::string modelPath = parser.value("model");
    if (auto ok = checkOutputFile(parser.value("out") + "_mean.tif", "the predicted maps"); !ok) {
        std::cerr << "specres-cli predict: --out: " << ok.error() << "\n";
        return 1;
    }
    auto trained = loadTrainedModel(modelPath);
    if (!trained) {
        std::cerr << "specres-cli predict: " << trained.error() << "\n";
        return 1;
    }
    const std::vector<double>& lowGrid = trained->context.lowWavelengthsUm;
    const std::vector<double>& highGrid = trained->context.highWavelengthsUm;
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    auto resampling = parseResampling(parser.value("resampling"));
    if (!scale || !resampling) {
        std::cerr << "specres-cli predict: " << (!scale ? scale.error() : resampling.error())
                  << "\n";
        return 2;
    }
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

    std::unique_ptr<RasterPair> pair;
    std::unique_ptr<SpectralRaster> lowOnly;
    if (parser.has("high")) {
        auto opened = RasterPair::open(parser.value("high"), parser.value("low"), options);
        if (!opened) {
            std::cerr << "specres-cli predict: " << opened.error() << "\n";
            return 1;
        }
        pair = std::make_unique<RasterPair>(std::move(*opened));
    } else {
        auto opened = SpectralRaster::open(parser.value("low"), options.low);
        if (opened) opened = opened->withinWindow(windowMin, windowMax);
        if (!opened) {
            std::cerr << "specres-cli predict: " << opened.error() << "\n";
            return 1;
        }
        lowOnly = std::make_unique<SpectralRaster>(std::move(*opened));
    }
    const SpectralRaster& low = pair ? pair->low() : *lowOnly;
    const SpectralRaster* high = pair ? &pair->high() : nullptr;
    if (auto ok = trained->context.checkMatches(low.wavelengthsUm(),
                                                high ? high->wavelengthsUm() : highGrid, modelPath);
        !ok) {
        std::cerr << "specres-cli predict: " << ok.error() << "\n";
        return 1;
    }
    TerminalProgress progress;
    auto files = predictScene(trained->reflectance, highGrid, low, high, parser.value("out"),
                              &progress.feedback());
    progress.finish();
    if (!files) {
        std::cerr << "specres-cli predict: " << files.error() << "\n";
        return 1;
    }
    std::cout << "predicted " << files->predictedPixels << " pixels (" << files->skippedPixels
              << " without a usable input, written as NaN)\n"
              << "mean:        " << files->mean << "\nsigma:       " << files->sigma
              << "\nuncertainty: " << files->uncertainty << "\n";
    if (high)
        std::cout << "nll:         " << files->nll << "\nrmse:        " << files->rmse << "\n";
    return 0;
}

}  // namespace specres::cli
