#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ModelInputs.h"
#include "TerminalProgress.h"
#include "base/Text.h"
#include "data/PixelSplit.h"
#include "experiment/FitCalibrationLearning.h"
#include "io/InputFile.h"
#include "maps/SceneIdentificationSetup.h"

namespace specres::cli {

namespace {

double quantile(const std::vector<double>& sorted, double q) {
    return sorted[std::size_t(std::lround(q * double(sorted.size() - 1)))];
}

}  // namespace

CommandStatus runCalibrateFits(int argc, char** argv) {
    ArgumentParser parser(
        "calibrate-fits --model MODEL --low L --high H --split SPLIT --library DIR|FILE|demo "
        "--truth MAP [--abundance RASTER] --out MODEL",
        "Learns, for one model and one library, the law of a library fit where the mineral is "
        "right: the χ² of the dominant mineral's fit at the split's validation pixels whose "
        "mineral is known (--truth) and nearly pure (--abundance ≥ --min-abundance), and a "
        "temperature for the posterior from every labelled validation pixel. Writes the model "
        "with it to --out; identify, the app and the Python module then give split-conformal "
        "fit p-values, uniform for pure pixels of the library's minerals, and a calibrated "
        "posterior. Prints how the calibration holds on the split's test pixels.");
    addModelInputOptions(parser);
    parser.addRequired("split", "SPLIT", "the split the model was trained on (validation pixels)");
    parser.addRequired(
        "library", "DIR|FILE|demo",
        "spectral library: folder of two-column ASCII spectra, ENVI .sli, CSV, or demo");
    parser.addRequired("truth", "MAP",
                       "dominant mineral of every pixel of the pair (classes named as GDAL "
                       "categories or CLASS_<code> metadata; the demo's demo_minerals.tif)");
    parser.addOption("abundance", "RASTER",
                     "abundance of each pixel's dominant mineral in [0, 1] (the demo's "
                     "demo_purity.tif); without it every labelled pixel counts as pure");
    parser.addOption("min-abundance", "A", "the purity of the pixels the null law learns from",
                     "0.8");
    parser.addRequired("out", "MODEL", "the model file to write, with the calibration");
    if (int status = handleParse(parser, "calibrate-fits", argc, argv, 2); status >= 0)
        return status;
    if (!parser.has("high"))
        return failure(2) << "--high: the measured raster is needed (the truth is on its grid)";
    const auto minimum = parseNumber(parser.value("min-abundance"), "--min-abundance");
    if (!minimum) return failure(2) << minimum.error();
    if (!(*minimum >= 0.0 && *minimum <= 1.0))
        return failure(2) << "--min-abundance: expected a number in [0, 1], got " << *minimum;
    if (auto ok = checkOutputFile(parser.value("out"), "the calibrated model"); !ok)
        return failure(1) << "--out: " << ok.error();

    int exitCode = 1;
    auto inputs = openModelInputs(parser, exitCode);
    if (!inputs) return failure(exitCode) << inputs.error();
    const RasterPair& pair = *inputs->pair;
    auto split = loadPixelSplit(parser.value("split"));
    if (!split) return failure(1) << "--split: " << split.error();
    if (split->width != pair.width() || split->height != pair.height()) {
        return failure(1) << "--split: " << parser.value("split") << " is for a " << split->width
                          << " × " << split->height << " grid, the pair is " << pair.width()
                          << " × " << pair.height();
    }
    IdentificationSettings settings;
    settings.library = parser.value("library");
    auto setup = prepareSceneIdentification(settings, *inputs);
    if (!setup) return failure(1) << "--" << setup.error();
    PixelLabels labels;
    auto classes = readReferenceMap(parser.value("truth"), pair.width(), pair.height());
    if (!classes) return failure(1) << "--truth: " << classes.error();
    labels.classes = std::move(*classes);
    if (parser.has("abundance")) {
        labels.abundancePath = parser.value("abundance");
        auto abundance = readAbundanceRaster(labels.abundancePath, pair.width(), pair.height());
        if (!abundance) return failure(1) << "--abundance: " << abundance.error();
        labels.abundance = std::move(*abundance);
    }
    FitCalibrationOptions options;
    options.minimumAbundance = labels.abundance.empty() ? 0.0 : *minimum;
    TerminalProgress progress;
    auto learned = learnFitCalibration(inputs->trained.reflectance, *setup->toolkit, pair,
                                       split->validation, labels, options, &progress.feedback());
    progress.finish();
    if (!learned) return failure(1) << learned.error();

    TrainedModel trained = inputs->trained;
    trained.context.fitCalibration = *learned;
    if (auto ok = saveTrainedModel(trained, parser.value("out")); !ok)
        return failure(1) << ok.error();
    const std::vector<double>& null = learned->nullChiSquared;
    const int dof = learned->channels - 2;
    std::cout << "learned the law of a fit of " << learned->minerals.size() << " library spectra ("
              << learned->library << ") from " << null.size() << " validation pixels";
    if (!labels.abundance.empty())
        std::cout << " at abundance ≥ " << formatFixed(learned->minimumAbundance, 2);
    std::cout << "\n  the right mineral's χ² / (n − 2): median " << quantile(null, 0.5) / dof
              << ", 95th percentile " << quantile(null, 0.95) / dof << " (χ²ₙ₋₂ would say 1)"
              << "\n  posterior temperature " << learned->posteriorTemperature << " (from "
              << learned->posteriorPixels << " labelled pixels)"
              << "\n  " << learned->seconds << " s\nwrote " << parser.value("out") << "\n";
    // How it holds where it was not learned: the split's test pixels.
    if (!split->test.empty()) {
        auto check = checkFitCalibration(inputs->trained.reflectance, *setup->toolkit, *learned,
                                         pair, split->test, labels, &progress.feedback());
        progress.finish();
        if (!check) return failure(1) << "checking on the test pixels: " << check.error();
        std::cout << "\nOn the split's test pixels:\n\n" << formatFitCalibrationCheck(*check);
    }
    return 0;
}

}  // namespace specres::cli
