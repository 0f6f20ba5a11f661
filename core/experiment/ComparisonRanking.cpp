#include "experiment/ComparisonRanking.h"

namespace specres {

const char* metricKey(RankedMetric metric) { return metric == RankedMetric::Rmse ? "rmse" : "nll"; }

ComparisonRanking::ComparisonRanking(const ComparisonResult& result) : result_(result) {}

std::optional<double> ComparisonRanking::value(const MethodRun& run, RankedMetric metric) {
    if (metric == RankedMetric::Rmse) return run.evaluation.rmse;
    return run.evaluation.nll;
}

const MethodRun* ComparisonRanking::bestInBlock(CovarianceType covariance,
                                                RankedMetric metric) const {
    const MethodRun* best = nullptr;
    for (const MethodRun& run : result_.runs) {
        if (run.spec.covariance != covariance) continue;
        const auto v = value(run, metric);
        if (v && (!best || *v < *value(*best, metric))) best = &run;
    }
    return best;
}

bool ComparisonRanking::Standing::tiedWithBest() const {
    return testAgainstBest && !(testAgainstBest->result.p < kSignificance);
}

ComparisonRanking::Standing ComparisonRanking::standing(const MethodRun& run,
                                                        RankedMetric metric) const {
    Standing out;
    out.hasValue = value(run, metric).has_value();
    if (!out.hasValue) return out;
    out.best = bestInBlock(run.spec.covariance, metric);
    out.isBest = out.best == &run;
    if (out.best && !out.isBest) {
        out.testAgainstBest = test(metric, run.spec.label(), out.best->spec.label());
    }
    return out;
}

const MethodRun* ComparisonRanking::bestOverall() const {
    const MethodRun* best = nullptr;
    for (const MethodRun& run : result_.runs) {
        if (!best) {
            best = &run;
        } else if (run.evaluation.nll && best->evaluation.nll) {
            if (*run.evaluation.nll < *best->evaluation.nll) best = &run;
        } else if (run.evaluation.nll && !best->evaluation.nll) {
            best = &run;
        } else if (!run.evaluation.nll && !best->evaluation.nll &&
                   run.evaluation.rmse < best->evaluation.rmse) {
            best = &run;
        }
    }
    return best;
}

const TTestRow* ComparisonRanking::test(RankedMetric metric, const std::string& a,
                                        const std::string& b) const {
    const std::string key = metricKey(metric);
    for (const TTestRow& t : result_.ttests) {
        if (t.metric == key && ((t.a == a && t.b == b) || (t.a == b && t.b == a))) return &t;
    }
    return nullptr;
}

}  // namespace specres
