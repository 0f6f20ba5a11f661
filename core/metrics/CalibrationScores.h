#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "base/Result.h"
#include "models/ReflectanceModel.h"

namespace specres {

/// Nominal levels of the central intervals whose coverage makes the reliability curves.
const std::vector<double>& calibrationLevels();
/// Probabilities 0.01, 0.02, …, 0.99 of the d² Q–Q plot.
const std::vector<double>& qqProbabilities();

/// How well a model's predictive distributions fit held-out spectra, beyond RMSE and NLL:
/// calibration (does a nominal 90 % interval hold 90 % of the values?), proper scores that
/// reward calibration and sharpness together (CRPS, energy score), and sharpness itself.
///
/// Marginals: every test value's PIT, F_j(y_j) under its channel's predictive CDF — Φ for a
/// Gaussian, Σ_k w_k Φ((y − μ_k)/σ_k) for a mixture (its exact marginal). A value lies in the
/// central interval of level α exactly when |PIT − ½| ≤ α/2, so the marginal reliability curve
/// is the share of PITs within α/2 of ½. Joint (one Gaussian only): d² = (y − μ)ᵀ Σ⁻¹ (y − μ) is
/// χ²_n under the model, so the joint curve is the share with d² ≤ the χ²_n α-quantile. The
/// miscalibration area is the mean |observed − nominal| over the levels.
///
/// CRPS: closed form per channel (Gaussian, or Gaussian mixture), averaged over channels. The
/// energy score of the joint prediction is estimated from `energyDraws` draws per spectrum
/// (seeded by spectrum, so reproducible); `energyScoreError` is the Monte Carlo standard error of
/// the test-set mean, from the two halves of the draws. A point forecast (VE) has CRPS equal to
/// its absolute error and energy score equal to its Euclidean error; its curves are undefined.
struct CalibrationScores {
    bool hasDensity = false;
    int energyDraws = 0;
    Eigen::VectorXd spectrumCrps;    ///< per test spectrum, mean over channels
    Eigen::VectorXd spectrumEnergy;  ///< per test spectrum
    double crps = 0.0;
    double energyScore = 0.0;
    double energyScoreError = 0.0;
    std::vector<double> marginalCoverage;  ///< at calibrationLevels(); empty without a density
    std::vector<double> jointCoverage;  ///< the χ² curve; empty for mixtures and point forecasts
    double miscalibrationArea = 0.0;    ///< NaN without a density
    double jointMiscalibrationArea = 0.0;  ///< NaN where there is no joint curve
    /// Share of PITs in each of 20 equal bins of [0, 1] (uniform: 0.05 each).
    Eigen::VectorXd pitHistogram;
    /// Kolmogorov–Smirnov distance of all PITs from the uniform distribution, sup |F_N(u) − u|.
    /// (Channels of one spectrum are correlated, so it is a distance, not a test.)
    double pitKolmogorovSmirnov = 0.0;
    /// Empirical quantiles of d² over the test spectra at qqProbabilities() (the Q–Q plot
    /// against χ²_n); empty where there is no joint curve.
    Eigen::VectorXd squaredDistanceQuantiles;
    double meanSigma = 0.0;           ///< sharpness: mean predictive σ over test values
    double meanLogDeterminant = 0.0;  ///< sharpness of the joint: mean log det Σ
    int channels = 0;
    double seconds = 0.0;  ///< time taken to compute these scores
};

struct CalibrationOptions {
    int energyDraws = 100;
    std::uint64_t seed = 7001;
};

/// Scores `model` (with its covariance scale) on test spectra x (normalised low-resolution)
/// and y (normalised reflectance). Each spectrum's whole predictive distribution is used.
Result<CalibrationScores> scoreCalibration(const ReflectanceModel& model, const Eigen::MatrixXd& x,
                                           const Eigen::MatrixXd& y,
                                           const CalibrationOptions& options = {});

/// The same scores for the model's covariances multiplied by each of `scales` (the model's own
/// scale ignored), from one prediction per spectrum and the same random draws for every scale
/// (so raw and recalibrated scores differ by the scale alone).
Result<std::vector<CalibrationScores>> scoreCalibrationAtScales(
    const ReflectanceModel& model, const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
    const std::vector<double>& scales, const CalibrationOptions& options = {});

/// The scale s of Σ → s Σ that maximises the likelihood of (x, y) under `model` (whose own
/// scale is ignored): for one Gaussian in closed form, s = mean(d²)/n; for a mixture by a
/// one-dimensional search over log s. With the validation NLL before and after.
/// The range a covariance scale may take (fitted or read from a model file): σ scaled by its
/// square root stays representable in the single-precision maps.
constexpr double kMinCovarianceScale = 1e-6;
constexpr double kMaxCovarianceScale = 1e6;

struct CovarianceScaleFit {
    double scale = 1.0;
    double rawNll = 0.0;
    double recalibratedNll = 0.0;
    int spectra = 0;
    std::string how;  ///< "closed form" or "1-D search"
};
Result<CovarianceScaleFit> fitCovarianceScale(const ReflectanceModel& model,
                                              const Eigen::MatrixXd& x, const Eigen::MatrixXd& y);

}  // namespace specres
