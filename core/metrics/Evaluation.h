#pragma once

#include <Eigen/Core>
#include <memory>
#include <optional>
#include <string>

#include "base/Result.h"
#include "metrics/CalibrationScores.h"
#include "models/ConditionalModel.h"

namespace specres {

/// Held-out performance of one method, with the per-spectrum values that paired tests need.
struct MethodEvaluation {
    std::string method;
    CovarianceType covariance = CovarianceType::Full;
    Eigen::VectorXd spectrumRmse;  ///< RMSE of each test spectrum over its channels
    Eigen::VectorXd spectrumNll;  ///< −log p(y | x) of each test spectrum (empty without density)
    double rmse = 0.0;            ///< over all test channels: √(mean of squared errors)
    std::optional<double> nll;    ///< mean NLL per test spectrum, in nats
    double coverage1Sigma = 0.0;  ///< share of test values within mean ± 1σ (ideal 68.3 %)
    double coverage2Sigma = 0.0;  ///< within mean ± 2σ (ideal 95.4 %)
    int testCount = 0;
    /// PIT, reliability curves, CRPS, energy score and sharpness (see CalibrationScores).
    CalibrationScores calibration;
    /// The law of the covariance scale the scores were computed with (w = 1: as trained), and,
    /// when it is not that, the same scores without it: raw and recalibrated side by side.
    ScaleMixture scaleLaw;
    std::shared_ptr<const MethodEvaluation> raw;
};

/// Evaluates a fitted model on test pairs. Errors are of the point prediction; calibration uses
/// the predictive mean and marginal standard deviation of each channel.
Result<MethodEvaluation> evaluateModel(const ConditionalModel& model, const SpectraSet& test);

/// The metrics from predictions already made (predictions and truth in the same space).
MethodEvaluation summarisePredictions(const std::string& method, CovarianceType covariance,
                                      const BatchPrediction& prediction,
                                      const Eigen::MatrixXd& truth);

}  // namespace specres
