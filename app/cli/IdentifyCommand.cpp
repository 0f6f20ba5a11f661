#include <chrono>
#include <iostream>
#include <optional>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ModelInputs.h"
#include "TerminalProgress.h"
#include "base/Text.h"
#include "io/AtomicFile.h"
#include "io/InputFile.h"
#include "maps/IdentificationAccuracy.h"
#include "maps/SceneIdentificationSetup.h"

namespace specres::cli {

namespace {

void declareIdentifyOptions(ArgumentParser& parser) {
    addModelInputOptions(parser);
    parser.addRequired(
        "library", "DIR|FILE|demo",
        "spectral library: folder of two-column ASCII spectra, ENVI .sli, CSV, or demo");
    parser.addRequired("out", "PREFIX", "output path prefix");
    parser.addOption("priors", "CSV", "prior probability per library spectrum (name,prior)");
    parser.addOption("dispersion", "yes|no",
                     "inflate Σ by the best fit's reduced χ² for the posterior when above 1",
                     "yes");
    parser.addOption(
        "pairs", "yes|no",
        "also fit two-mineral mixtures, so that the posterior names the dominant mineral; "
        "adds PREFIX_pair_dominant.tif, PREFIX_pair_other.tif, PREFIX_pair_fraction.tif",
        "yes");
    parser.addFlag("band-depths", "also map band depths with σ (full and independent-channel)");
    parser.addOption("features", "CSV", "band-depth features (name,left_um,centre_um,right_um)");
    parser.addOption(
        "truth", "FILE",
        "reference mineral map on the output grid: prints confusion matrices, accuracy "
        "and the posterior's reliability, and writes PREFIX_accuracy.md");
    addTileOptions(parser, ".tif and _legend.csv");
}

// The settings as given; yes/no values checked by the caller.
IdentificationSettings identificationSettingsFrom(const ArgumentParser& parser) {
    IdentificationSettings settings;
    settings.library = parser.value("library");
    if (parser.has("priors")) settings.priors = parser.value("priors");
    if (parser.has("features")) settings.features = parser.value("features");
    settings.dispersion = lowerCase(parser.value("dispersion")) == "yes";
    settings.pairs = lowerCase(parser.value("pairs")) == "yes";
    settings.bandDepths = parser.has("band-depths");
    return settings;
}

void printIdentification(const SceneIdentification& result, const MineralMatcher& matcher,
                         double seconds) {
    std::cout << "identified " << result.identifiedPixels << " pixels in " << seconds << " s ("
              << (seconds > 0 ? double(result.identifiedPixels) / seconds : 0.0) << " pixels/s; "
              << result.skippedPixels << " without a usable input)\n";
    for (std::size_t j = 0; j < result.counts.size(); ++j) {
        std::cout << "  " << matcher.library().names[j] << ": " << result.counts[j] << " pixels\n";
    }
    std::cout << "mineral:     " << result.mineral << "\nrunner-up:   " << result.runnerUp
              << "\nprobability: " << result.probability << "\np-value:     " << result.pValue
              << "\nangle (μ):   " << result.angle << "\nangle (low): " << result.inputAngle
              << "\nlegend:      " << result.legend << "\n";
    if (!result.bandDepth.empty()) std::cout << "band depth:  " << result.bandDepth << "\n";
    if (!result.pair.empty())
        std::cout << "pair:        " << result.pair << ", " << result.pairOther
                  << "\nfractions:   " << result.pairFraction << "\n";
}

// One tile of the scene through the engine (resumed when its manifest matches); nothing when it
// was complete already.
Result<std::optional<SceneIdentification>> identifyTile(
    const ArgumentParser& parser, const SceneInputs& inputs, const IdentificationSettings& settings,
    const SceneIdentificationSetup& setup, const SceneTile& tile, TerminalProgress& progress) {
    // A tile records what it was made from, settings included; the same tile of the same
    // inputs is not redone.
    SceneIdentification made;
    auto job = sceneIdentificationJob(inputs, *sceneInputPathsFrom(parser), settings, setup, &made);
    if (!job) return fail(job.error());
    auto outcome = runSceneTile(*job, parser.value("out"), tile, &progress.feedback());
    progress.finish();
    if (!outcome) return fail(outcome.error());
    if (outcome->alreadyComplete) {
        std::cout << "tile " << tile.index << "/" << tile.count << " is complete ("
                  << outcome->manifest << "); nothing to do\n";
        return std::optional<SceneIdentification>();
    }
    if (!outcome->redoReason.empty())
        std::cerr << "redid the tile: " << outcome->redoReason << "\n";
    std::cout << "tile " << tile.index << "/" << tile.count << ": rows " << outcome->rows.first
              << "–" << outcome->rows.first + outcome->rows.count - 1 << "; manifest "
              << outcome->manifest << "\n";
    return std::optional<SceneIdentification>(std::move(made));
}

// The maps against a reference: printed, and written to PREFIX_accuracy.md.
Status reportAccuracy(const SceneIdentification& result, const MineralMatcher& matcher,
                      const ReferenceMap& reference, const std::string& prefix) {
    auto accuracy = evaluateIdentification(result, matcher.library().names, reference);
    if (!accuracy) return fail("--truth: " + accuracy.error());
    const std::string text = formatIdentificationAccuracy(*accuracy);
    std::cout << "\n" << text;
    return writeTextAtomically(prefix + "_accuracy.md",
                               "# Identification against " + reference.path + "\n\n" + text);
}

}  // namespace

CommandStatus runIdentify(int argc, char** argv) {
    ArgumentParser parser(
        "identify --model MODEL --low L [--high H] --library DIR|FILE|demo --out "
        "PREFIX "
        "[options]",
        "Identifies the mineral of every pixel under the model's predicted Gaussian: the best "
        "gain-and-offset fit of each library spectrum, weighted by the predicted precision, gives "
        "posterior probabilities and a goodness-of-fit p-value under the model's law (χ² as "
        "trained, a scale mixture of χ² when recalibrated). Writes PREFIX_mineral.tif and "
        "PREFIX_runner_up.tif (categorical, with colour table and names), PREFIX_probability.tif, "
        "PREFIX_pvalue.tif, PREFIX_angle_mean.tif and PREFIX_angle_input.tif (spectral-angle "
        "baselines), optionally band-depth and two-mineral maps, and PREFIX_legend.csv.");
    declareIdentifyOptions(parser);
    if (int status = handleParse(parser, "identify", argc, argv, 2); status >= 0) return status;

    auto chosenTile = tileFrom(parser);
    if (!chosenTile) {
        return failure(2) << chosenTile.error();
    }
    const std::optional<SceneTile> tile = *chosenTile;
    if (tile && parser.has("truth")) {
        return failure(2) << "--truth scores a whole map: merge the tiles first, "
                             "then identify without --tile to score it";
    }
    const std::string prefix = tile ? tile->prefix(parser.value("out")) : parser.value("out");
    const std::string dispersion = lowerCase(parser.value("dispersion"));
    const std::string pairs = lowerCase(parser.value("pairs"));
    for (const auto& [name, value] :
         {std::pair{"dispersion", dispersion}, std::pair{"pairs", pairs}}) {
        if (value != "yes" && value != "no") {
            return failure(2) << "--" << name << ": expected yes or no, got \""
                              << parser.value(name) << "\"";
        }
    }
    if (auto ok = checkOutputFile(prefix + "_mineral.tif", "the mineral maps"); !ok) {
        return failure(1) << "--out: " << ok.error();
    }
    int exitCode = 1;
    auto inputs = openModelInputs(parser, exitCode);
    if (!inputs) {
        return failure(exitCode) << inputs.error();
    }
    const ReflectanceModel& model = inputs->trained.reflectance;
    if (!model.hasDensity()) {
        return failure(1) << inputs->trained.path << ": " << model.label()
                          << " has no predictive density to identify under; use a DCGM, G, GM "
                             "or UGM model";
    }
    const IdentificationSettings settings = identificationSettingsFrom(parser);
    auto setup = prepareSceneIdentification(settings, *inputs);
    if (!setup) return failure(1) << "--" << setup.error();
    for (const std::string& note : setup->notes) std::cerr << "note: " << note << "\n";
    const MineralMatcher& matcher = setup->toolkit->matcher;
    SceneIdentificationOptions options = setup->options;
    options.keepLabels = parser.has("truth");
    // The reference map is checked before the work, so that a wrong one costs nothing.
    std::optional<ReferenceMap> reference;
    if (parser.has("truth")) {
        auto read =
            readReferenceMap(parser.value("truth"), inputs->low().width(), inputs->low().height());
        if (!read) {
            return failure(1) << "--truth: " << read.error();
        }
        reference = std::move(*read);
    }
    TerminalProgress progress;
    const auto started = std::chrono::steady_clock::now();
    Result<SceneIdentification> result = fail("");
    if (tile) {
        auto made = identifyTile(parser, *inputs, settings, *setup, *tile, progress);
        if (!made) return failure(1) << made.error();
        if (!*made) return 0;  // complete already
        result = std::move(**made);
    } else {
        result =
            identifyScene(model, matcher, inputs->low(), prefix, options, &progress.feedback());
        progress.finish();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!result) {
        return failure(1) << result.error();
    }
    printIdentification(*result, matcher, seconds);
    // Which law the p-values and the posterior come from.
    const ResampledLibrary& library = matcher.library();
    if (const auto& learned = model.fitCalibration();
        learned && learned->matches(library.names, int(library.spectra.rows()))) {
        std::cout << "fit p-values: the law learned from " << learned->nullChiSquared.size()
                  << " labelled pure pixels; posterior tempered by T = "
                  << learned->posteriorTemperature << "\n";
    } else {
        std::cout << "fit p-values: under the model's law of d²"
                  << (learned
                          ? " (its law of fits was learned for another library: " +
                                learned->library + ")"
                          : std::string(" (not calibrated for library spectra: calibrate-fits)"))
                  << "\n";
    }
    if (reference) {
        if (auto ok = reportAccuracy(*result, matcher, *reference, prefix); !ok)
            return failure(1) << ok.error();
    }
    return 0;
}

}  // namespace specres::cli
