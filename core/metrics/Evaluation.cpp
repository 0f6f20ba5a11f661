#include "metrics/Evaluation.h"

#include <cmath>

namespace specres {

MethodEvaluation summarisePredictions(const std::string& method, CovarianceType covariance,
                                      const BatchPrediction& prediction,
                                      const Eigen::MatrixXd& truth) {
    MethodEvaluation e;
    e.method = method;
    e.covariance = covariance;
    e.testCount = static_cast<int>(truth.rows());
    const Eigen::ArrayXXd squared = (prediction.point - truth).array().square();
    e.spectrumRmse = squared.rowwise().mean().sqrt().matrix();
    e.rmse = std::sqrt(squared.mean());
    if (prediction.logDensity.size() == truth.rows()) {
        e.spectrumNll = -prediction.logDensity;
        e.nll = e.spectrumNll.mean();
    }
    if (prediction.stddev.size() == truth.size() && prediction.stddev.allFinite()) {
        const Eigen::ArrayXXd distance = (truth - prediction.mean).array().abs();
        const double values = double(truth.size());
        e.coverage1Sigma = (distance <= prediction.stddev.array()).cast<double>().sum() / values;
        e.coverage2Sigma =
            (distance <= 2.0 * prediction.stddev.array()).cast<double>().sum() / values;
    } else {
        e.coverage1Sigma = e.coverage2Sigma = std::nan("");
    }
    return e;
}

Result<MethodEvaluation> evaluateModel(const ConditionalModel& model, const SpectraSet& test) {
    if (!model.isFitted()) return fail(model.method() + ": not fitted");
    if (test.x.cols() != model.inputDimension() || test.y.cols() != model.outputDimension()) {
        return fail(model.method() + ": the test spectra have " + std::to_string(test.x.cols()) +
                    " → " + std::to_string(test.y.cols()) + " channels, the model " +
                    std::to_string(model.inputDimension()) + " → " +
                    std::to_string(model.outputDimension()));
    }
    const BatchPrediction prediction = model.predictBatch(test.x, &test.y);
    if (!prediction.point.allFinite()) return fail(model.method() + ": non-finite predictions");
    return summarisePredictions(model.method(), model.covarianceType(), prediction, test.y);
}

}  // namespace specres
