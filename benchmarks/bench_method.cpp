// Benchmark: one row of the comparison table as `compare` runs it (fit, the scale law fitted on
// the validation split, evaluation with the calibration scores), on one thread as each of the
// table's workers has, with the time of each stage: where a method's seconds go.
// Usage: bench_method HIGH LOW SPLIT METHOD COVARIANCE [THREADS]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "base/BlasThreads.h"
#include "base/ProcessMemory.h"
#include "data/PixelSplit.h"
#include "data/RasterPair.h"
#include "experiment/Comparison.h"
#include "experiment/PreparedData.h"
#include "experiment/TrainedModel.h"
#include "metrics/CalibrationScores.h"
#include "metrics/Evaluation.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

namespace {
double since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
    specres::keepFreedMemoryForReuse();  // as the CLI and the GUI do
    if (argc < 6) {
        std::fprintf(stderr, "usage: bench_method HIGH LOW SPLIT METHOD COVARIANCE [THREADS]\n");
        return 2;
    }
    const int threads = argc > 6 ? std::atoi(argv[6]) : 1;
    setThreadBudget(threads);
    setBlasThreads(threads);
    auto pair = RasterPair::open(argv[1], argv[2]);
    auto split = pair ? loadPixelSplit(argv[3]) : Result<PixelSplit>(fail(pair.error()));
    auto data = split ? prepareData(*pair, *split, PreprocessingOptions{})
                      : Result<PreparedData>(fail(split.error()));
    auto covariance = parseCovarianceType(argv[5]);
    if (!data || !covariance) {
        std::fprintf(stderr, "%s\n", !data ? data.error().c_str() : covariance.error().c_str());
        return 1;
    }
    const MethodSpec spec{argv[4], *covariance};
    const ExperimentConfig config;

    auto start = Clock::now();
    auto model = trainMethod(spec, *data, config, nullptr, SharedTraining::create());
    const double fit = since(start);
    if (!model) {
        std::fprintf(stderr, "%s\n", model.error().c_str());
        return 1;
    }
    std::shared_ptr<const ConditionalModel> fitted = std::move(*model);
    ModelContext context = ModelContext::fromData(*data, config, MethodEvaluation{}, argv[3]);
    start = Clock::now();
    if (fitted->hasDensity()) {
        auto scale = fitCovarianceScale(ReflectanceModel(fitted, data->mnf), data->validation.x,
                                        data->validationReflectance, ScaleLawKind::Mixture);
        if (!scale) {
            std::fprintf(stderr, "%s\n", scale.error().c_str());
            return 1;
        }
        context.recalibration = *scale;
    }
    const double law = since(start);
    TrainedModel trained = makeTrainedModel(std::move(fitted), std::move(context));
    start = Clock::now();
    auto evaluation = evaluateInReflectance(trained.reflectance, *data);
    const double evaluate = since(start);
    if (!evaluation) {
        std::fprintf(stderr, "%s\n", evaluation.error().c_str());
        return 1;
    }
    const double scoring = evaluation->calibration.seconds +
                           (evaluation->raw ? evaluation->raw->calibration.seconds : 0.0);
    std::printf("%s on %d thread(s): fit %.2f s, scale law %.2f s, evaluation %.2f s "
                "(of which calibration scores %.2f s); RMSE %.6f, NLL %.6f, CRPS %.8f\n",
                spec.label().c_str(), threads, fit, law, evaluate, scoring, evaluation->rmse,
                evaluation->nll.value_or(0.0), evaluation->calibration.crps);
    return 0;
}
