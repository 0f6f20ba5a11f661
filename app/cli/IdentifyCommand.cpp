#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ModelInputs.h"
#include "TerminalProgress.h"
#include "base/Text.h"
#include "maps/IdentificationAccuracy.h"
#include "maps/SceneIdentificationJob.h"
#include "identify/MineralToolkit.h"
#include "identify/SpectralLibrary.h"
#include "io/AtomicFile.h"
#include "io/InputFile.h"

namespace specres::cli {

namespace {

// name,prior rows (a header optional): the user's prior over the library.
Result<std::vector<double>> readPriors(const std::string& path,
                                       const std::vector<std::string>& names) {
    auto text = readInputFile(path, "a prior table (CSV: name,prior)", 1 << 20);
    if (!text) return fail(text.error());
    std::vector<double> priors(names.size(), -1.0);
    std::vector<int> givenOnLine(names.size(), 0);
    std::istringstream in(*text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#' || lowerCase(t).rfind("name,", 0) == 0) continue;
        const auto comma = t.rfind(',');
        double value = 0;
        if (comma == std::string::npos || !isNumber(trim(t.substr(comma + 1)), value) ||
            !std::isfinite(value) || value < 0) {
            return fail(path + ", line " + std::to_string(number) +
                        ": expected name,prior with a non-negative prior");
        }
        const std::string name = trim(t.substr(0, comma));
        bool found = false;
        for (std::size_t j = 0; j < names.size(); ++j) {
            if (lowerCase(names[j]) != lowerCase(name)) continue;
            if (givenOnLine[j] > 0) {
                return fail(path + ", line " + std::to_string(number) + ": \"" + name +
                            "\" is listed twice (first on line " + std::to_string(givenOnLine[j]) +
                            ")");
            }
            priors[j] = value, givenOnLine[j] = number, found = true;
        }
        if (!found)
            return fail(path + ", line " + std::to_string(number) + ": \"" + name +
                        "\" is not in the library");
    }
    for (std::size_t j = 0; j < names.size(); ++j) {
        if (priors[j] < 0)
            return fail(path + ": no prior for \"" + names[j] +
                        "\" (every library spectrum needs one)");
    }
    double total = 0.0;
    for (double p : priors) total += p;
    if (total <= 0) {
        return fail(path + ": every prior is 0; give at least one mineral a positive prior");
    }
    if (std::abs(total - 1.0) > 1e-6) {
        std::cerr << "note: " << path << ": the priors add up to " << total
                  << ", not 1; they are used as relative weights (each divided by " << total
                  << ")\n";
    }
    return priors;
}

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

// The library on the pair's channels, with the user's priors and band-depth features; errors
// name the option.
Result<std::shared_ptr<const MineralToolkit>> mineralToolkitFrom(const ArgumentParser& parser,
                                                                 const SceneInputs& inputs,
                                                                 bool dispersion, bool pairs) {
    auto library = readSpectralLibrary(parser.value("library"));
    if (!library) {
        return fail("--library: " + library.error());
    }
    // Channel widths: the measured raster's, else those the model was trained with, else the
    // channel spacing.
    const ModelContext& context = inputs.trained.context;
    ChannelSet high{context.highWavelengthsUm, context.highFwhmUm};
    if (inputs.high()) high.fwhmUm = inputs.high()->fwhmUm();
    const ChannelSet low{inputs.low().wavelengthsUm(), inputs.low().fwhmUm()};
    MatchOptions match;
    match.dispersion = dispersion;
    match.pairs = pairs;
    if (parser.has("priors")) {
        auto priors = readPriors(parser.value("priors"), library->names());
        if (!priors) {
            return fail("--priors: " + priors.error());
        }
        match.priors = *priors;
    }
    std::vector<AbsorptionWindow> windows = defaultAbsorptionWindows();
    if (parser.has("features")) {
        auto read = readAbsorptionWindows(parser.value("features"));
        if (!read) {
            return fail("--features: " + read.error());
        }
        windows = *read;
        for (const AbsorptionWindow& w : windows) {
            if (auto ok = BandDepth::create(w, high.centreUm); !ok) {
                return fail("--features: " + parser.value("features") + ": " + ok.error());
            }
        }
    }
    auto toolkit = buildMineralToolkit(*library, high, low, match, windows);
    if (!toolkit) return fail("--library: " + toolkit.error());
    return *toolkit;
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
Result<std::optional<SceneIdentification>> identifyTile(const ArgumentParser& parser,
                                                        const SceneInputs& inputs,
                                                        const MineralMatcher& matcher,
                                                        const SceneIdentificationOptions& options,
                                                        const SceneTile& tile,
                                                        TerminalProgress& progress) {
    // A tile records what it was made from, settings included; the same tile of the same
    // inputs is not redone.
    auto files = inputs.files(*sceneInputPathsFrom(parser));
    std::error_code error;
    for (const char* option : {"library", "priors", "features"}) {
        if (parser.has(option) && std::filesystem::is_regular_file(parser.value(option), error))
            files.push_back({option, parser.value(option)});
    }
    // The settings as the matcher holds them (already checked), not parsed again.
    auto yesNo = [](bool on) { return std::string(on ? "yes" : "no"); };
    const std::string settings = "library=" + parser.value("library") +
                                 " dispersion=" + yesNo(matcher.options().dispersion) +
                                 " pairs=" + yesNo(matcher.options().pairs) +
                                 " band-depths=" + (options.bandDepths.empty() ? "no" : "yes");
    SceneIdentification made;
    auto job = identificationJob(inputs.trained.reflectance, matcher, inputs.low(), options, files,
                                 settings, &made);
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
    auto toolkit = mineralToolkitFrom(parser, *inputs, dispersion == "yes", pairs == "yes");
    if (!toolkit) return failure(1) << toolkit.error();
    for (const std::string& note : (*toolkit)->notes) std::cerr << "note: " << note << "\n";
    const MineralMatcher& matcher = (*toolkit)->matcher;
    SceneIdentificationOptions options;
    options.lowLibrary = &(*toolkit)->lowLibrary;
    options.keepLabels = parser.has("truth");
    if (parser.has("band-depths") || parser.has("features"))
        options.bandDepths = (*toolkit)->bandDepths;
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
        auto made = identifyTile(parser, *inputs, matcher, options, *tile, progress);
        if (!made) return failure(1) << made.error();
        if (!*made) return 0;  // complete already
        result = std::move(**made);
    } else {
        result = identifyScene(model, matcher, inputs->low(), prefix, options,
                               &progress.feedback());
        progress.finish();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!result) {
        return failure(1) << result.error();
    }
    printIdentification(*result, matcher, seconds);
    if (reference) {
        if (auto ok = reportAccuracy(*result, matcher, *reference, prefix); !ok)
            return failure(1) << ok.error();
    }
    return 0;
}

}  // namespace specres::cli
