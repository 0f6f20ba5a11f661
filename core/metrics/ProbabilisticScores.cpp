#include "metrics/ProbabilisticScores.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

namespace specres {

namespace {
constexpr double kInverseSqrtPi = 0.56418958354775628695;  // 1/√π
}  // namespace

double crpsAbsoluteMoment(double m, double variance) {
    if (variance <= 0.0) return std::abs(m);
    const double s = std::sqrt(variance);
    const double z = m / s;
    return m * (2.0 * standardNormalCdf(z) - 1.0) + 2.0 * s * standardNormalPdf(z);
}

double standardNormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double standardNormalPdf(double z) { return kInverseSqrtTwoPi * std::exp(-0.5 * z * z); }

double gaussianCrps(double y, double mean, double sigma) {
    if (sigma <= 0.0) return std::abs(y - mean);
    const double z = (y - mean) / sigma;
    return sigma *
           (z * (2.0 * standardNormalCdf(z) - 1.0) + 2.0 * standardNormalPdf(z) - kInverseSqrtPi);
}

double mixtureCrps(double y, const Eigen::VectorXd& weights, const Eigen::VectorXd& means,
                   const Eigen::VectorXd& sigmas) {
    return mixtureCrpsWithPairs(y, weights, means, sigmas, [&](Eigen::Index i, Eigen::Index j) {
        return crpsPairMoment(means[i], sigmas[i], means[j], sigmas[j]);
    });
}

double scaleMixturePairSum(const Eigen::VectorXd& scales, const Eigen::VectorXd& weights) {
    double sum = 0.0;
    for (Eigen::Index a = 0; a < scales.size(); ++a)
        for (Eigen::Index b = 0; b < scales.size(); ++b)
            sum += weights[a] * weights[b] * std::sqrt(scales[a] + scales[b]);
    return sum;
}

double scaleMixtureCrps(double y, double mean, double sigma, const Eigen::VectorXd& scales,
                        const Eigen::VectorXd& weights, double pairSum) {
    double first = 0.0;
    for (Eigen::Index a = 0; a < scales.size(); ++a)
        first += weights[a] * crpsAbsoluteMoment(y - mean, scales[a] * sigma * sigma);
    return first - sigma * standardNormalPdf(0.0) * pairSum;
}

double mixtureCdf(double y, const Eigen::VectorXd& weights, const Eigen::VectorXd& means,
                  const Eigen::VectorXd& sigmas) {
    double cdf = 0.0;
    for (Eigen::Index i = 0; i < weights.size(); ++i) {
        cdf += weights[i] * (sigmas[i] > 0.0 ? standardNormalCdf((y - means[i]) / sigmas[i])
                                             : (y >= means[i] ? 1.0 : 0.0));
    }
    return cdf;
}

namespace {
// ‖a − b‖ of two contiguous draws, summed in vector lanes: the energy score's ~2,500 pair
// distances per spectrum were a chain of dependent scalar additions.
double distance(const double* a, const double* b, Eigen::Index n) {
    return (Eigen::Map<const Eigen::VectorXd>(a, n) - Eigen::Map<const Eigen::VectorXd>(b, n))
        .norm();
}

// draws: one draw per column (contiguous), as energyScore lays them out.
double halfEstimate(const Eigen::MatrixXd& draws, Eigen::Index from, Eigen::Index count,
                    const Eigen::VectorXd& y) {
    const Eigen::Index n = draws.rows();
    double toValue = 0.0, between = 0.0;
    for (Eigen::Index i = from; i < from + count; ++i) {
        toValue += distance(draws.col(i).data(), y.data(), n);
        for (Eigen::Index j = i + 1; j < from + count; ++j)
            between += distance(draws.col(i).data(), draws.col(j).data(), n);
    }
    const double pairs = 0.5 * double(count) * double(count - 1);
    return toValue / double(count) - 0.5 * (pairs > 0 ? between / pairs : 0.0);
}
}  // namespace

EnergyScoreEstimate energyScore(const Eigen::MatrixXd& draws, const Eigen::VectorXd& y) {
    // The pair sums read each draw ~50 times: contiguous draws instead of strided rows.
    const Eigen::MatrixXd columns = draws.transpose();
    const Eigen::Index half = draws.rows() / 2;
    if (half < 2) {
        const double v = halfEstimate(columns, 0, draws.rows(), y);
        return {v, 0.0};
    }
    const double a = halfEstimate(columns, 0, half, y);
    const double b = halfEstimate(columns, half, half, y);
    return {0.5 * (a + b), a - b};
}

double chiSquaredQuantile(double probability, double degrees) {
    return boost::math::quantile(boost::math::chi_squared_distribution<double>(degrees),
                                 probability);
}

double chiSquaredCdf(double value, double degrees) {
    if (!(value > 0.0)) return 0.0;
    if (!std::isfinite(value)) return 1.0;
    return boost::math::cdf(boost::math::chi_squared_distribution<double>(degrees), value);
}

double chiSquaredSurvival(double value, double degrees) {
    if (!(value > 0.0)) return 1.0;
    if (!std::isfinite(value)) return 0.0;
    return boost::math::cdf(
        boost::math::complement(boost::math::chi_squared_distribution<double>(degrees), value));
}

}  // namespace specres
