#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "experiment/ExperimentConfig.h"
#include "experiment/TrainedModel.h"
#include "metrics/Evaluation.h"
#include "metrics/PairedTTest.h"
#include "models/MixtureFitCache.h"
#include "neural/DiagonalTrainingCache.h"

namespace specres {

struct MethodSpec {
    std::string method;
    CovarianceType covariance;
    std::string label() const { return method + "/" + toString(covariance); }
};

/// One trained and evaluated method.
struct MethodRun {
    MethodSpec spec;
    MethodEvaluation evaluation;
    FitSummary fit;
};

struct TTestRow {
    std::string metric;  ///< "rmse", "nll", "crps" or "energy_score"
    std::string a;
    std::string b;
    TTestResult result;
};

struct ComparisonResult {
    std::vector<MethodRun> runs;
    std::vector<TTestRow> ttests;
    /// The fitted models, parallel to runs (empty when read back from a file).
    std::vector<TrainedModel> models;
};

/// Called on the worker's thread as soon as one method is trained and evaluated, so that a
/// caller can keep (autosave) it before the next one starts; a failure stops the comparison.
using MethodDoneCallback = std::function<Status(const MethodRun& run, TrainedModel& model)>;

/// What the methods of one comparison fit once and share: the joint mixtures of GM and UGM,
/// and the diagonal training of DCGM/diagonal that DCGM/full pre-trains with. Either may be
/// null (nothing shared).
struct SharedTraining {
    std::shared_ptr<MixtureFitCache> mixtures;
    std::shared_ptr<DiagonalTrainingCache> diagonals;
    static SharedTraining create() {
        return {std::make_shared<MixtureFitCache>(), std::make_shared<DiagonalTrainingCache>()};
    }
};

/// Creates and fits one method on prepared data with the configuration's options. Any
/// exception from the model's library (LibTorch included) comes back as a failure naming the
/// method: none leaves the calling thread. Mixture methods fit through `shared.mixtures` and
/// DCGMs train through `shared.diagonals` when given.
Result<std::unique_ptr<ConditionalModel>> trainMethod(const MethodSpec& spec,
                                                      const PreparedData& data,
                                                      const ExperimentConfig& config,
                                                      Feedback* feedback,
                                                      const SharedTraining& shared = {});

/// A model whose held-out scores are not finite is not a model: runComparison stops before it is
/// handed on (and saved).
Status checkScoresFinite(const MethodEvaluation& evaluation, const std::string& label);

/// Two-sided paired t-tests on the per-spectrum RMSE, NLL, CRPS and energy score of every two
/// runs with the same covariance type (NLL only where both define it).
std::vector<TTestRow> pairedTests(const std::vector<MethodRun>& runs);

/// Trains and evaluates every method on the same prepared split, then runs the paired t-tests.
/// With two or more cores the methods run side by side, one per core (each on its share of
/// the cores), longest first; every method still computes exactly what it computes alone, and
/// onMethodDone sees them in the order given, on the calling thread. Progress covers the whole
/// run (the sum of the methods' shares), each stage and epoch named by its method's label; a
/// failing method stops the others, with its name in the message. `splitPath` is recorded in
/// every model's context.
Result<ComparisonResult> runComparison(const PreparedData& data,
                                       const std::vector<MethodSpec>& methods,
                                       const ExperimentConfig& config, Feedback* feedback = nullptr,
                                       const MethodDoneCallback& onMethodDone = {},
                                       const std::string& splitPath = {});

}  // namespace specres
