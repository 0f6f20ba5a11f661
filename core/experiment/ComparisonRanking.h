#pragma once

#include <optional>
#include <string>

#include "experiment/Comparison.h"

namespace specres {

enum class RankedMetric { Rmse, Nll };

/// "rmse" or "nll", as t-test rows name them.
const char* metricKey(RankedMetric metric);

/// How a comparison reads, the one rule for every table and choice: within each covariance
/// block, the best run per metric (lowest RMSE; lowest NLL among the runs that define one); a
/// star on a run whose difference to that best is not significant (two-sided paired t-test,
/// p ≥ 0.05); and the best run overall — lowest test NLL, or lowest RMSE when no run defines
/// an NLL — which is the model the desktop app puts in use after training.
///
/// Holds a reference to the result: keep the result alive while using the ranking.
class ComparisonRanking {
public:
    static constexpr double kSignificance = 0.05;

    explicit ComparisonRanking(const ComparisonResult& result);

    /// The value a run has for a metric (none: the run defines no NLL).
    static std::optional<double> value(const MethodRun& run, RankedMetric metric);

    /// Best of the run's covariance block for this metric (null when no run there has a value).
    const MethodRun* bestInBlock(CovarianceType covariance, RankedMetric metric) const;

    struct Standing {
        bool hasValue = false;
        bool isBest = false;
        /// The paired t-test against the best of the block (null for the best itself, or when
        /// no test was run).
        const TTestRow* testAgainstBest = nullptr;
        const MethodRun* best = nullptr;
        /// Not significantly different from the best: the star of the paper's table.
        bool tiedWithBest() const;
    };
    Standing standing(const MethodRun& run, RankedMetric metric) const;

    /// The best run of the whole comparison (null when it has no runs).
    const MethodRun* bestOverall() const;

    /// The t-test between two runs (either order), if one was run.
    const TTestRow* test(RankedMetric metric, const std::string& a, const std::string& b) const;

private:
    const ComparisonResult& result_;
};

}  // namespace specres
