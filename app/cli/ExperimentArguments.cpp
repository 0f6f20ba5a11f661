#include "ExperimentArguments.h"

#include <iostream>

#include "CommandStatus.h"
#include "PairArguments.h"
#include "data/PairDataset.h"
#include "paircheck/PairCheck.h"

namespace specres::cli {

using nlohmann::json;

void addExperimentOptions(ArgumentParser& parser) {
    addPairOptions(parser);
    parser.addOption("split", "FILE", "use this split (JSON) instead of drawing one");
    parser.addOption("config", "FILE",
                     "experiment configuration (JSON; presets \"default\" and \"paper\")");
    parser.addOption("samples", "N",
                     "spectra to draw when no split is given (overrides the configuration)");
    parser.addOption("seed", "S",
                     "seed of the split when none is given (overrides the configuration)");
    parser.addFlag("mnf", "let the models learn MNF components (metrics stay in reflectance)");
    parser.addOption("fine-tune", "MODE",
                     "full DCGM after diagonal pre-training: covariance (train only the C1/C2 "
                     "decoders; the default) or all (every weight, the paper's)");
    parser.addOption("recalibrate", "yes|no",
                     "fit the law of each model's covariance scale on the validation split "
                     "(default: yes, or no with the paper preset)");
    parser.addOption("exclude", "MASK",
                     "leave out of the split the pixels this raster marks with 1 (pair-check's "
                     "flags.tif)");
    parser.addFlag("no-pair-check",
                   "do not check the pair's co-registration and radiometry before training");
    parser.addOption("scale-law", "scale-mixture|scale",
                     "what recalibration fits: a scale mixture, so that d² and every joint "
                     "probability hold (the default), or one factor on Σ");
}

Result<ExperimentInputs> experimentInputsFrom(const ArgumentParser& parser) {
    ExperimentInputs inputs;
    if (parser.has("config")) {
        auto config = loadExperimentConfig(parser.value("config"));
        if (!config) return fail(config.error());
        inputs.request.config = *config;
    }
    if (parser.has("samples")) {
        auto n = parseInteger(parser.value("samples"), "--samples", 3, 100000000);
        if (!n) return fail(n.error());
        inputs.request.config.dataset.sampleCount = *n;
    }
    if (parser.has("seed")) {
        auto seed = parseInteger(parser.value("seed"), "--seed", 0, 2147483647);
        if (!seed) return fail(seed.error());
        inputs.request.config.dataset.seed = static_cast<std::uint64_t>(*seed);
    }
    if (parser.has("mnf")) inputs.request.config.preprocessing.mnf = true;
    if (parser.has("fine-tune")) {
        const std::string mode = parser.value("fine-tune");
        if (mode != "all" && mode != "covariance")
            return fail("--fine-tune: choose covariance or all (not '" + mode + "')");
        json& dcgm = inputs.request.config.methods["DCGM"];
        if (!dcgm.is_object()) dcgm = json::object();
        dcgm["fine_tune"] = mode;
    }
    if (parser.has("recalibrate")) {
        const std::string answer = parser.value("recalibrate");
        if (answer != "yes" && answer != "no")
            return fail("--recalibrate: choose yes or no (not '" + answer + "')");
        inputs.request.config.recalibrate = answer == "yes";
    }
    if (parser.has("scale-law")) {
        const std::string law = parser.value("scale-law");
        if (law != "scale-mixture" && law != "scale")
            return fail("--scale-law: choose scale-mixture or scale (not '" + law + "')");
        inputs.request.config.scaleLaw = law;
    }
    auto options = pairOptionsFrom(parser);
    if (!options) return fail(options.error());
    // The pair check's corrections go into the configuration, so that run.json and the model
    // file record them; a configuration's own apply where the command line says nothing.
    DatasetOptions& dataset = inputs.request.config.dataset;
    if (parser.has("low-shift")) {
        dataset.lowShiftPx = options->lowShiftPx;
    } else {
        options->lowShiftPx = dataset.lowShiftPx;
    }
    if (parser.has("exclude")) dataset.excludeMaskPath = parser.value("exclude");
    auto pair = RasterPair::open(parser.value("high"), parser.value("low"), *options);
    if (!pair) return fail(pair.error());
    for (const auto& warning : pair->warnings()) std::cerr << "warning: " << warning << "\n";
    inputs.pair = std::make_unique<RasterPair>(std::move(*pair));
    inputs.highPath = parser.value("high");
    inputs.lowPath = parser.value("low");
    inputs.pairOptions = *options;
    inputs.checkPair = !parser.has("no-pair-check");
    if (parser.has("split")) {
        inputs.request.splitPath = parser.value("split");
        auto split = loadPixelSplit(inputs.request.splitPath);
        if (!split) return fail(split.error());
        if (auto ok = checkSplitFitsPair(*split, *inputs.pair, inputs.request.splitPath); !ok) {
            return fail(ok.error());
        }
        inputs.request.split = std::move(*split);
    }
    return inputs;
}

PairCheckRequest pairCheckBeforeTraining(const std::string& highPath, const std::string& lowPath,
                                         const PairOptions& options, TerminalProgress& progress) {
    PairCheckRequest request;
    request.highPath = highPath;
    request.lowPath = lowPath;
    request.options.pair = options;
    request.onChecked = [highPath, lowPath, &progress](const Result<PairCheckResult>& result) {
        if (!result || result->verdict != PairVerdict::Usable) progress.finish();
        if (!result) {
            std::cerr << "note: the pair was not checked (" << result.error() << ")\n";
            return;
        }
        if (result->verdict == PairVerdict::Usable) return;
        std::cerr << "warning: pair check: " << toString(result->verdict) << ":\n";
        for (const auto& reason : result->reasons) std::cerr << "warning:   " << reason << "\n";
        std::cerr << "warning: the report: " << kProgram << " pair-check --high " << highPath
                  << " --low " << lowPath << " --out DIR (--no-pair-check skips this)\n";
    };
    return request;
}

}  // namespace specres::cli
