#include "experiment/ExperimentRunner.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <sstream>

#include "base/Text.h"
#include "data/PairDataset.h"
#include "neural/ModelRegistry.h"

namespace specres {

namespace {

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) items.push_back(item);
    }
    return items;
}

Result<ExperimentOutcome> runUnguarded(const RasterPair& pair, const ExperimentRequest& request,
                                       Feedback* feedback, const MethodDoneCallback& onMethodDone) {
    if (request.methods.empty()) return fail("choose at least one method to train");
    // Rough shares of the time: drawing a split scans the scene (the pair check rides on it);
    // a check on its own reads the high raster; preparing reads the spectra.
    const bool drawSplit = !request.split.has_value();
    const double splitEnd = drawSplit ? 0.09 : (request.pairCheck ? 0.05 : 0.0);
    const double prepareEnd = splitEnd + 0.04;
    ExperimentOutcome outcome;
    if (drawSplit) {
        Feedback stage(feedback, 0.0, splitEnd, "drawing the split: ");
        auto drawn = drawCheckedSplit(pair, request.config.dataset, request.pairCheck, &stage,
                                      nullptr, &outcome.pairCheck);
        if (!drawn) return fail(drawn.error());
        outcome.split = std::move(*drawn);
    } else {
        const std::string where = request.splitPath.empty() ? "the split" : request.splitPath;
        if (auto ok = checkSplitFitsPair(*request.split, pair, where); !ok) return fail(ok.error());
        outcome.split = *request.split;
        if (request.pairCheck) {
            Feedback stage(feedback, 0.0, splitEnd, "checking the pair: ");
            if (auto check = preparePairCheck(*request.pairCheck)) {
                if (auto ok = finishPairCheck(*check, *request.pairCheck, &stage, &outcome.pairCheck);
                    !ok)
                    return fail(ok.error());
            }
        }
    }
    if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
    Feedback prepareStage(feedback, splitEnd, prepareEnd, "reading spectra: ");
    auto data = prepareData(pair, outcome.split, request.config.preprocessing, &prepareStage);
    if (!data) return fail(data.error());
    Feedback trainStage(feedback, prepareEnd, 1.0);
    MethodDoneCallback done = onMethodDone;
    if (request.fitCalibration) {
        done = [&](const MethodRun& run, TrainedModel& model) -> Status {
            if (model.reflectance.hasDensity()) {
                const FitCalibrationRequest& c = *request.fitCalibration;
                auto learned = learnFitCalibration(model.reflectance, *c.toolkit, pair,
                                                   outcome.split.validation, c.labels, c.options);
                if (learned) {
                    model.context.fitCalibration = *learned;
                    model.reflectance.setFitCalibration(
                        std::make_shared<const LibraryFitCalibration>(*learned));
                } else {
                    outcome.warnings.push_back(model.label() +
                                               ": fit p-values not calibrated: " + learned.error());
                }
            }
            return onMethodDone ? onMethodDone(run, model) : Status::success();
        };
    }
    auto comparison =
        runComparison(*data, request.methods, request.config, &trainStage, done, request.splitPath);
    if (!comparison) return fail(comparison.error());
    outcome.comparison = std::move(*comparison);
    if (feedback) feedback->setProgress(1.0, "finished");
    return outcome;
}

}  // namespace

std::optional<PairCheck> preparePairCheck(const PairCheckRequest& request) {
    auto prepared = PairCheck::prepare(request.highPath, request.lowPath, request.options);
    if (prepared) return std::move(*prepared);
    if (request.onChecked) request.onChecked(fail(prepared.error()));
    return std::nullopt;
}

Status finishPairCheck(PairCheck& check, const PairCheckRequest& request, Feedback* feedback,
                       std::optional<PairCheckResult>* result) {
    auto checked = check.finish(feedback);
    if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
    if (request.onChecked) request.onChecked(checked);
    if (checked && result) *result = std::move(*checked);
    return Status::success();
}

Result<PixelSplit> drawCheckedSplit(const RasterPair& pair, const DatasetOptions& options,
                                    const std::optional<PairCheckRequest>& request,
                                    Feedback* feedback, PixelSurvey* survey,
                                    std::optional<PairCheckResult>* result) {
    std::optional<PairCheck> check = request ? preparePairCheck(*request) : std::nullopt;
    // Riding on the survey, the check is a small share of the time; reading for itself, not.
    const bool rides = check && check->sharesHighRaster(pair);
    const double surveyEnd = !check ? 1.0 : rides ? 0.9 : 0.6;
    Feedback surveying(feedback, 0.0, surveyEnd);
    auto split = buildPixelSplit(pair, options, &surveying, survey, rides ? &*check : nullptr);
    if (!split || !check) return split;
    Feedback checking(feedback, surveyEnd, 1.0, "checking the pair: ");
    if (auto ok = finishPairCheck(*check, *request, &checking, result); !ok) return fail(ok.error());
    return split;
}

Result<ExperimentOutcome> runExperiment(const RasterPair& pair, const ExperimentRequest& request,
                                        Feedback* feedback,
                                        const MethodDoneCallback& onMethodDone) {
    try {
        return runUnguarded(pair, request, feedback, onMethodDone);
    } catch (const std::exception& error) {
        // The last line of defence: models catch their own library's errors, but nothing a
        // worker thread runs may end the program.
        return fail("the experiment stopped on an internal error: " + firstLine(error.what()));
    }
}

Status checkSplitFitsPair(const PixelSplit& split, const RasterPair& pair,
                          const std::string& where) {
    if (split.train.size() < 2 || split.validation.empty() || split.test.empty()) {
        return fail(where + ": the split has " + std::to_string(split.train.size()) +
                    " training, " + std::to_string(split.validation.size()) + " validation and " +
                    std::to_string(split.test.size()) +
                    " test pixels; a run needs at least 2, 1 and 1");
    }
    if (split.width == pair.width() && split.height == pair.height()) return Status::success();
    return fail(where + ": the split is for a " + std::to_string(split.width) + " × " +
                std::to_string(split.height) + " grid, the pair is " +
                std::to_string(pair.width()) + " × " + std::to_string(pair.height()));
}

Result<MethodSpec> parseMethodSpec(const std::string& method, const std::string& covariance) {
    std::string canonical;
    for (const std::string& name : methodNames()) {
        if (lowerCase(name) == lowerCase(method)) canonical = name;
    }
    if (canonical.empty()) {
        return fail("unknown method '" + method + "' (choose G, GM, UGM, VE or DCGM)");
    }
    auto type = parseCovarianceType(lowerCase(covariance));
    if (!type) return fail(type.error());
    return MethodSpec{canonical, *type};
}

Result<std::vector<MethodSpec>> parseMethodGrid(const std::string& methods,
                                                const std::string& covariances) {
    std::vector<MethodSpec> specs;
    for (const std::string& covariance : splitList(covariances)) {
        for (const std::string& method : splitList(methods)) {
            auto spec = parseMethodSpec(method, covariance);
            if (!spec) return fail(spec.error());
            specs.push_back(*spec);
        }
    }
    if (specs.empty()) return fail("no methods to compare");
    return specs;
}

}  // namespace specres
