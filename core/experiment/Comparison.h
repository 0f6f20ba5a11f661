#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "Evaluation.h"
#include "ExperimentConfig.h"
#include "PairedTTest.h"
#include "PreparedData.h"

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
    std::string metric;  ///< "rmse" or "nll"
    std::string a;
    std::string b;
    TTestResult result;
};

struct ComparisonResult {
    std::vector<MethodRun> runs;
    std::vector<TTestRow> ttests;
    /// The fitted models, parallel to runs (empty when read back from a file).
    std::vector<std::shared_ptr<ConditionalModel>> models;
};

/// Called on the worker's thread as soon as one method is trained and evaluated, so that a
/// caller can keep (autosave) it before the next one starts; a failure stops the comparison.
using MethodDoneCallback =
    std::function<Status(const MethodRun& run, const std::shared_ptr<ConditionalModel>& model)>;

/// Creates and fits one method on prepared data with the configuration's options.
Result<std::unique_ptr<ConditionalModel>> trainMethod(const MethodSpec& spec,
                                                      const PreparedData& data,
                                                      const ExperimentConfig& config,
                                                      Feedback* feedback);

/// Trains and evaluates every method on the same split, then runs two-sided paired t-tests on
/// the per-spectrum RMSE and NLL of every two methods with the same covariance type (NLL only
/// where both define it). Progress covers the whole run; a failing method stops it with its
/// name in the message.
Result<ComparisonResult> runComparison(const PreparedData& data,
                                       const std::vector<MethodSpec>& methods,
                                       const ExperimentConfig& config,
                                       Feedback* feedback = nullptr,
                                       const MethodDoneCallback& onMethodDone = {});

}  // namespace specres
