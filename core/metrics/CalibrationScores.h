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
/// χ²_n under the model (w χ²_n under a scale law), so the joint curve is the share with d² ≤
/// that law's α-quantile. The miscalibration area is the mean |observed − nominal| over the
/// levels.
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
    /// Per test spectrum, one-Gaussian models only (else empty): d² under Σ as trained, its
    /// p-value P(D² ≥ d²) under the law the scores use, and log det Σ as trained.
    Eigen::VectorXd spectrumSquaredDistance;
    Eigen::VectorXd spectrumJointPValue;
    Eigen::VectorXd spectrumLogDeterminant;
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
    /// Empirical quantiles of d² (under Σ as trained) over the test spectra at
    /// qqProbabilities(), and the same quantiles of the law the scores use (w χ²_n; χ²_n as
    /// trained): the Q–Q plot. Empty where there is no joint curve.
    Eigen::VectorXd squaredDistanceQuantiles;
    Eigen::VectorXd squaredDistanceIdeal;
    double meanSigma = 0.0;           ///< sharpness: mean predictive σ over test values
    double meanLogDeterminant = 0.0;  ///< sharpness of the joint: mean log det Σ
    int channels = 0;
    double seconds = 0.0;  ///< time taken to compute these scores
};

struct CalibrationOptions {
    int energyDraws = 100;
    std::uint64_t seed = 7001;
    /// Keep the mixture CRPS's pair terms from spectrum to spectrum where the components do not
    /// move with x: the same bits, fewer error functions. false computes every term again (the
    /// cross-check of the tests).
    bool reusePairTerms = true;
};

/// Scores `model` (with its scale law) on test spectra x (normalised low-resolution)
/// and y (normalised reflectance). Each spectrum's whole predictive distribution is used.
Result<CalibrationScores> scoreCalibration(const ReflectanceModel& model, const Eigen::MatrixXd& x,
                                           const Eigen::MatrixXd& y,
                                           const CalibrationOptions& options = {});

/// The same scores under each of `laws` of the covariance scale (the model's own law ignored),
/// from one prediction per spectrum and the same random draws for every law (so raw and
/// recalibrated scores differ by the law alone). Joint coverage counts d² below the law's
/// quantile (w χ²_n); marginal PITs and CRPS use each channel's scale mixture of Gaussians.
Result<std::vector<CalibrationScores>> scoreCalibrationUnderLaws(
    const ReflectanceModel& model, const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
    const std::vector<ScaleMixture>& laws, const CalibrationOptions& options = {});

/// The range a covariance scale may take (fitted or read from a model file): σ scaled by its
/// square root stays representable in the single-precision maps.
constexpr double kMinCovarianceScale = 1e-6;
constexpr double kMaxCovarianceScale = 1e6;

/// What a recalibration may fit: one scale s (Σ → sΣ), or the law of a scale w (a Gaussian
/// scale mixture, see ScaleMixture).
enum class ScaleLawKind { Single, Mixture };

struct CovarianceScaleFit {
    ScaleMixture law;
    double rawNll = 0.0;           ///< validation NLL as trained
    double singleScaleNll = 0.0;   ///< with the best single scale
    double recalibratedNll = 0.0;  ///< under `law`
    int spectra = 0;
    std::string how;       ///< "closed form", "1-D search" or "scale mixture (NPMLE, …)"
    double seconds = 0.0;  ///< time the fit took (the validation predictions included)
};

/// Fits the law of Σ's scale by maximum likelihood on (x, y) (the validation split) under
/// `model` (whose own law is ignored), with the validation NLL before and after.
/// One scale: for one Gaussian in closed form, s = mean(d²)/n; for a mixture by a 1-D search
/// over log s. A scale mixture (one-Gaussian models; a mixture model gets one scale): the
/// nonparametric maximum-likelihood law of w on a grid of log-spaced scales (step 0.1 in
/// log s, spanning every validation spectrum's d²/n with a margin), fitted by EM — a concave
/// problem whose optimum is a discrete law with few atoms (Kiefer & Wolfowitz 1956); atoms
/// below 1e-3 are dropped and EM run on the rest. It nests the single scale; should it not beat
/// it on the validation NLL, the single scale is kept.
Result<CovarianceScaleFit> fitCovarianceScale(const ReflectanceModel& model,
                                              const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                              ScaleLawKind kind = ScaleLawKind::Single);

/// The NPMLE of the law of w from squared distances d²_i (each w χ²_n): the EM step above,
/// exposed for tests. `spectra` d² values; the grid spans them.
ScaleMixture fitScaleMixture(const Eigen::VectorXd& squaredDistances, double n);

}  // namespace specres
