#include "experiment/Comparison.h"

#include <cmath>
#include <exception>

#include "models/MixtureBaselines.h"
#include "neural/ModelRegistry.h"

namespace specres {

Result<std::unique_ptr<ConditionalModel>> trainMethod(const MethodSpec& spec,
                                                      const PreparedData& data,
                                                      const ExperimentConfig& config,
                                                      Feedback* feedback,
                                                      std::shared_ptr<MixtureFitCache> mixtures) {
    auto model = createModel(spec.method, spec.covariance, config.methodConfig(spec.method));
    if (!model) return fail(model.error());
    if (auto* mixture = dynamic_cast<GaussianMixtureModel*>(model->get()); mixture && mixtures) {
        mixture->shareFits(std::move(mixtures));
    }
    try {
        if (auto ok = (*model)->fit(data.train, data.validation, feedback); !ok) {
            return fail(spec.label() + ": " + ok.error());
        }
    } catch (const std::exception& error) {
        return fail(spec.label() + ": training failed: " + firstLine(error.what()));
    }
    return model;
}

Status checkScoresFinite(const MethodEvaluation& evaluation, const std::string& label) {
    const bool nllBad = evaluation.nll && !std::isfinite(*evaluation.nll);
    if (std::isfinite(evaluation.rmse) && !nllBad) return Status::success();
    return fail(label + ": the test scores are not finite (RMSE " +
                std::to_string(evaluation.rmse) +
                (evaluation.nll ? ", NLL " + std::to_string(*evaluation.nll) : std::string()) +
                "); the model is not kept");
}

std::vector<TTestRow> pairedTests(const std::vector<MethodRun>& runs) {
    std::vector<TTestRow> tests;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        for (std::size_t j = i + 1; j < runs.size(); ++j) {
            const MethodRun& a = runs[i];
            const MethodRun& b = runs[j];
            if (a.spec.covariance != b.spec.covariance) continue;
            if (auto t = pairedTTest(a.evaluation.spectrumRmse, b.evaluation.spectrumRmse)) {
                tests.push_back({"rmse", a.spec.label(), b.spec.label(), *t});
            }
            if (a.evaluation.nll && b.evaluation.nll) {
                if (auto t = pairedTTest(a.evaluation.spectrumNll, b.evaluation.spectrumNll)) {
                    tests.push_back({"nll", a.spec.label(), b.spec.label(), *t});
                }
            }
            const CalibrationScores& ca = a.evaluation.calibration;
            const CalibrationScores& cb = b.evaluation.calibration;
            if (ca.spectrumCrps.size() && ca.spectrumCrps.size() == cb.spectrumCrps.size()) {
                if (auto t = pairedTTest(ca.spectrumCrps, cb.spectrumCrps))
                    tests.push_back({"crps", a.spec.label(), b.spec.label(), *t});
                if (auto t = pairedTTest(ca.spectrumEnergy, cb.spectrumEnergy))
                    tests.push_back({"energy_score", a.spec.label(), b.spec.label(), *t});
            }
        }
    }
    return tests;
}

Result<ComparisonResult> runComparison(const PreparedData& data,
                                       const std::vector<MethodSpec>& methods,
                                       const ExperimentConfig& config, Feedback* feedback,
                                       const MethodDoneCallback& onMethodDone,
                                       const std::string& splitPath) {
    ComparisonResult result;
    const auto mixtures = std::make_shared<MixtureFitCache>();
    for (std::size_t i = 0; i < methods.size(); ++i) {
        const MethodSpec& spec = methods[i];
        const double n = double(methods.size());
        Feedback methodFeedback(feedback, i / n, (i + 1) / n, spec.label() + ": ");
        methodFeedback.setEpochMethod(spec.label());
        methodFeedback.setProgress(0.0, "training");
        auto model = trainMethod(spec, data, config, &methodFeedback, mixtures);
        if (!model) return fail(model.error());
        std::shared_ptr<const ConditionalModel> fitted = std::move(*model);
        ModelContext context = ModelContext::fromData(data, config, MethodEvaluation{}, splitPath);
        if (config.recalibrates() && fitted->hasDensity() && data.validation.size() > 0) {
            methodFeedback.setProgress(1.0, "recalibrating on the validation split");
            auto scale = fitCovarianceScale(ReflectanceModel(fitted, data.mnf), data.validation.x,
                                            data.validationReflectance);
            if (!scale) return fail(spec.label() + ": " + scale.error());
            context.recalibration = *scale;
        }
        TrainedModel trained = makeTrainedModel(std::move(fitted), std::move(context));
        auto evaluation = evaluateInReflectance(trained.reflectance, data);
        if (!evaluation) return fail(spec.label() + ": " + evaluation.error());
        if (auto ok = checkScoresFinite(*evaluation, spec.label()); !ok) return fail(ok.error());
        trained.context.testRmse = evaluation->rmse;
        trained.context.testNll = evaluation->nll;
        result.runs.push_back(
            MethodRun{spec, std::move(*evaluation), trained.model().fitSummary()});
        result.models.push_back(std::move(trained));
        if (onMethodDone) {
            if (auto ok = onMethodDone(result.runs.back(), result.models.back()); !ok) {
                return fail(ok.error());
            }
        }
    }
    result.ttests = pairedTests(result.runs);
    if (feedback) feedback->setProgress(1.0, "comparison finished");
    return result;
}

}  // namespace specres
