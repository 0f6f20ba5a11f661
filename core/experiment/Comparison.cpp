#include "Comparison.h"

#include "ModelRegistry.h"

namespace specres {

Result<std::unique_ptr<ConditionalModel>> trainMethod(const MethodSpec& spec,
                                                      const PreparedData& data,
                                                      const ExperimentConfig& config,
                                                      Feedback* feedback) {
    auto model = createModel(spec.method, spec.covariance, config.methodConfig(spec.method));
    if (!model) return fail(model.error());
    if (auto ok = (*model)->fit(data.train, data.validation, feedback); !ok) {
        return fail(spec.label() + ": " + ok.error());
    }
    return model;
}

Result<ComparisonResult> runComparison(const PreparedData& data,
                                       const std::vector<MethodSpec>& methods,
                                       const ExperimentConfig& config, Feedback* feedback,
                                       const MethodDoneCallback& onMethodDone) {
    ComparisonResult result;
    for (std::size_t i = 0; i < methods.size(); ++i) {
        const MethodSpec& spec = methods[i];
        const double n = double(methods.size());
        Feedback methodFeedback(feedback, i / n, (i + 1) / n, spec.label() + ": ");
        methodFeedback.setProgress(0.0, "training");
        auto model = trainMethod(spec, data, config, &methodFeedback);
        if (!model) return fail(model.error());
        auto evaluation = evaluateInReflectance(**model, data);
        if (!evaluation) return fail(spec.label() + ": " + evaluation.error());
        std::shared_ptr<ConditionalModel> fitted = std::move(*model);
        result.runs.push_back(MethodRun{spec, std::move(*evaluation), fitted->fitSummary()});
        result.models.push_back(fitted);
        if (onMethodDone) {
            if (auto ok = onMethodDone(result.runs.back(), fitted); !ok) return fail(ok.error());
        }
    }
    for (std::size_t i = 0; i < result.runs.size(); ++i) {
        for (std::size_t j = i + 1; j < result.runs.size(); ++j) {
            const MethodRun& a = result.runs[i];
            const MethodRun& b = result.runs[j];
            if (a.spec.covariance != b.spec.covariance) continue;
            if (auto t = pairedTTest(a.evaluation.spectrumRmse, b.evaluation.spectrumRmse)) {
                result.ttests.push_back({"rmse", a.spec.label(), b.spec.label(), *t});
            }
            if (a.evaluation.nll && b.evaluation.nll) {
                if (auto t = pairedTTest(a.evaluation.spectrumNll, b.evaluation.spectrumNll)) {
                    result.ttests.push_back({"nll", a.spec.label(), b.spec.label(), *t});
                }
            }
        }
    }
    if (feedback) feedback->setProgress(1.0, "comparison finished");
    return result;
}

}  // namespace specres
