#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ExperimentArguments.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "data/PairDataset.h"
#include "experiment/ExperimentRunner.h"

namespace specres::cli {

CommandStatus runDataset(int argc, char** argv) {
    ArgumentParser parser(
        "dataset --high H --low L --out split.json [options]",
        "Finds the usable pixel pairs, draws a class-balanced random sample and splits it into "
        "train / validation / test. The split is JSON with row-major pixel indices "
        "(row * width + col) on the pair's grid.");
    addPairOptions(parser);
    parser.addRequired("out", "FILE", "split file to write (JSON)");
    parser.addOption("samples", "N", "number of spectra to draw", "10000");
    parser.addOption("seed", "S", "random seed", "42");
    parser.addOption("classes", "K", "k-means classes for balanced sampling", "10");
    parser.addOption("class-map", "FILE", "class raster on the pair's grid (instead of k-means)");
    parser.addOption("exclude", "MASK",
                     "leave out the pixels this raster marks with 1 (pair-check's flags.tif)");
    parser.addOption("train-fraction", "F", "share of the sample for training", "0.5");
    parser.addOption("validation-fraction", "F", "share for validation (the rest is test)", "0.25");
    parser.addFlag("no-pair-check",
                   "do not check the pair's co-registration and radiometry while surveying it");
    if (int status = handleParse(parser, "dataset", argc, argv, 2); status >= 0) return status;

    auto pairOptions = pairOptionsFrom(parser);
    auto samples = parseInteger(parser.value("samples"), "--samples", 3, 100000000);
    auto seed = parseInteger(parser.value("seed"), "--seed", 0, 2147483647);
    auto classes = parseInteger(parser.value("classes"), "--classes", 1, 1000);
    auto train = parseNumber(parser.value("train-fraction"), "--train-fraction");
    auto validation = parseNumber(parser.value("validation-fraction"), "--validation-fraction");
    for (const std::string* error : {&pairOptions.error(), &samples.error(), &seed.error(),
                                     &classes.error(), &train.error(), &validation.error()}) {
        if (!error->empty()) {
            return failure(2) << *error;
        }
    }
    DatasetOptions options;
    options.sampleCount = *samples;
    options.seed = static_cast<std::uint64_t>(*seed);
    options.clusterCount = *classes;
    options.classMapPath = parser.value("class-map");
    options.excludeMaskPath = parser.value("exclude");
    options.trainFraction = *train;
    options.validationFraction = *validation;

    auto pair = RasterPair::open(parser.value("high"), parser.value("low"), *pairOptions);
    if (!pair) {
        return failure(1) << pair.error();
    }
    for (const auto& warning : pair->warnings()) std::cerr << "warning: " << warning << "\n";
    std::cerr << "pair: " << pair->width() << " × " << pair->height() << " pixels, "
              << pair->high().bandCount() << " high-resolution and " << pair->low().bandCount()
              << " low-resolution channels; " << pair->alignment() << "\n";

    TerminalProgress progress;
    // The pair check takes the high raster's rows from the survey's pass, so that it costs
    // little more than reading the low raster.
    std::optional<PairCheckRequest> check;
    if (!parser.has("no-pair-check")) {
        check = pairCheckBeforeTraining(parser.value("high"), parser.value("low"), *pairOptions,
                                        progress);
    }
    PixelSurvey survey;
    std::optional<PairCheckResult> checked;
    auto split = drawCheckedSplit(*pair, options, check, &progress.feedback(), &survey, &checked);
    if (!split) {
        progress.finish();
        return failure(1) << split.error();
    }
    progress.finish();
    if (checked)
        std::cerr << "pair check: " << toString(checked->verdict) << " (" << checked->seconds
                  << " s)\n";
    if (split->size() < static_cast<std::size_t>(options.sampleCount)) {
        std::cerr << "warning: only " << split->size() << " usable pixels, fewer than the "
                  << options.sampleCount << " asked for; all of them are used\n";
    }
    if (auto saved = savePixelSplit(*split, parser.value("out")); !saved) {
        return failure(1) << saved.error();
    }
    std::cout << "usable pixels: " << survey.usablePixels.size() << " of " << survey.totalPixels
              << " (flat: " << survey.flatRejected << ", masked high: " << survey.highMasked.total()
              << ", masked low: " << survey.lowMasked.total();
    if (!options.excludeMaskPath.empty()) std::cout << ", excluded by the mask: " << survey.maskExcluded;
    std::cout << ")\n";
    std::cout << "classes: " << survey.classCount << " (pixels per class:";
    for (auto size : survey.classSizes()) std::cout << " " << size;
    std::cout << ")\n";
    std::cout << "split: " << split->train.size() << " train, " << split->validation.size()
              << " validation, " << split->test.size() << " test -> " << parser.value("out")
              << "\n";
    return 0;
}

}  // namespace specres::cli
