#pragma once

// Proper scores and calibration of one predictive distribution, as pure functions: the pieces
// that CalibrationScores adds up over a test set.
#include <Eigen/Core>
#include <cmath>

namespace specres {

/// 1/√(2π) = φ(0).
inline constexpr double kInverseSqrtTwoPi = 0.39894228040143267794;

double standardNormalCdf(double z);
double standardNormalPdf(double z);

/// CRPS of N(μ, σ²) for the value y, in closed form (Gneiting & Raftery 2007):
///   σ [ z (2Φ(z) − 1) + 2φ(z) − 1/√π ],  z = (y − μ)/σ.
/// σ = 0 gives |y − μ| (a point forecast's CRPS is its absolute error).
double gaussianCrps(double y, double mean, double sigma);

/// CRPS of a one-dimensional Gaussian mixture, in closed form (Grimit et al. 2006):
///   Σ_i w_i A(y − μ_i, σ_i²) − ½ Σ_ij w_i w_j A(μ_i − μ_j, σ_i² + σ_j²),
///   A(m, v) = m (2Φ(m/√v) − 1) + 2√v φ(m/√v).
double mixtureCrps(double y, const Eigen::VectorXd& weights, const Eigen::VectorXd& means,
                   const Eigen::VectorXd& sigmas);

/// A(m, v) = E|Z| for Z ~ N(m, v): the term of the mixture CRPS.
double crpsAbsoluteMoment(double m, double variance);
/// The pair term of mixtureCrps for components i < j, A(μ_i − μ_j, σ_i² + σ_j²), exactly as
/// mixtureCrps computes it.
inline double crpsPairMoment(double meanI, double sigmaI, double meanJ, double sigmaJ) {
    return crpsAbsoluteMoment(meanI - meanJ, sigmaI * sigmaI + sigmaJ * sigmaJ);
}

/// mixtureCrps with the pair terms of i < j from `pairMoment(i, j)`, which must return
/// crpsPairMoment of those components: the same sums in the same order, hence the same bits. A
/// caller whose components are the same from one value to the next (pairMoment reads a table)
/// spends O(K) error functions per value instead of O(K²).
template <class PairMoment>
double mixtureCrpsWithPairs(double y, const Eigen::VectorXd& weights, const Eigen::VectorXd& means,
                            const Eigen::VectorXd& sigmas, PairMoment&& pairMoment) {
    // A(m, v) is even in m, so the pair sum is its diagonal (A(0, v) = 2√v φ(0), no Φ) and
    // twice the pairs i < j: half the error-function calls of the full double sum.
    double first = 0.0, second = 0.0;
    for (Eigen::Index i = 0; i < weights.size(); ++i) {
        const double variance = sigmas[i] * sigmas[i];
        first += weights[i] * crpsAbsoluteMoment(y - means[i], variance);
        second += weights[i] * weights[i] * 2.0 * std::sqrt(2.0 * variance) * kInverseSqrtTwoPi;
        double pairs = 0.0;
        for (Eigen::Index j = i + 1; j < weights.size(); ++j)
            pairs += weights[j] * pairMoment(i, j);
        second += 2.0 * weights[i] * pairs;
    }
    return first - 0.5 * second;
}

/// The CRPS of a Gaussian scale mixture Σ_a π_a N(μ, s_a σ²) — the mixture above with one mean,
/// in O(atoms): its pair term Σ_ab π_a π_b A(0, (s_a + s_b) σ²) is 2σφ(0) times
/// `pairSum` = Σ_ab π_a π_b √(s_a + s_b), which depends on the law alone (scaleMixturePairSum).
double scaleMixtureCrps(double y, double mean, double sigma, const Eigen::VectorXd& scales,
                        const Eigen::VectorXd& weights, double pairSum);
double scaleMixturePairSum(const Eigen::VectorXd& scales, const Eigen::VectorXd& weights);

/// The mixture's CDF at y (the PIT of y): Σ w_i Φ((y − μ_i)/σ_i).
double mixtureCdf(double y, const Eigen::VectorXd& weights, const Eigen::VectorXd& means,
                  const Eigen::VectorXd& sigmas);

/// The energy score ES = E‖X − y‖ − ½ E‖X − X′‖ (Gneiting & Raftery 2007) estimated from two
/// independent halves of draws (rows): each half gives an unbiased estimate (the mean distance
/// to y, minus half the mean distance over its distinct pairs); the estimate is their mean, and
/// their difference measures the Monte Carlo error.
struct EnergyScoreEstimate {
    double value = 0.0;
    double halfDifference = 0.0;  ///< first half's estimate − second half's
};
EnergyScoreEstimate energyScore(const Eigen::MatrixXd& draws, const Eigen::VectorXd& y);

/// Quantile of the χ² distribution with `degrees` degrees of freedom (Boost.Math).
double chiSquaredQuantile(double probability, double degrees);
/// Its CDF.
double chiSquaredCdf(double value, double degrees);
/// Its upper tail, P(χ² ≥ value), accurate where it is tiny (no 1 − CDF cancellation): a
/// goodness-of-fit p-value.
double chiSquaredSurvival(double value, double degrees);

}  // namespace specres
