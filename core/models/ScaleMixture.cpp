#include "models/ScaleMixture.h"

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "base/DeterministicRandom.h"
#include "models/GaussianDensity.h"

namespace specres {

namespace {

// In double throughout: Boost's default evaluates in long double, 7× slower per call here, for
// digits a p-value map or a coverage count does not use.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

}  // namespace

ScaleMixture::ScaleMixture() : ScaleMixture(1.0) {}

ScaleMixture::ScaleMixture(double scale)
    : scales_(Eigen::VectorXd::Constant(1, scale)),
      weights_(Eigen::VectorXd::Ones(1)),
      meanScale_(scale) {}

Result<ScaleMixture> ScaleMixture::create(const Eigen::VectorXd& scales,
                                          const Eigen::VectorXd& weights) {
    if (scales.size() < 1 || scales.size() != weights.size())
        return fail("needs as many weights as scales, at least one");
    for (Eigen::Index k = 0; k < scales.size(); ++k) {
        if (!(std::isfinite(scales[k]) && scales[k] > 0.0))
            return fail("scale " + std::to_string(k + 1) + " is not a positive number");
        if (!(std::isfinite(weights[k]) && weights[k] > 0.0))
            return fail("weight " + std::to_string(k + 1) + " is not a positive number");
    }
    const double sum = weights.sum();
    if (std::abs(sum - 1.0) > 1e-6)
        return fail("the weights sum to " + std::to_string(sum) + ", not 1");
    ScaleMixture out;
    out.scales_ = scales;
    out.weights_ = weights / sum;
    out.meanScale_ = out.weights_.dot(out.scales_);
    return out;
}

double ScaleMixture::logDensity(double squaredDistance, double logDeterminant, double n) const {
    const double base = -0.5 * (logDeterminant + n * kLogTwoPi);
    if (isSingle()) {
        const double s = scales_[0];
        return base - 0.5 * (squaredDistance / s + n * std::log(s));
    }
    Eigen::VectorXd terms(scales_.size());
    for (Eigen::Index k = 0; k < scales_.size(); ++k) {
        terms[k] =
            std::log(weights_[k]) - 0.5 * (squaredDistance / scales_[k] + n * std::log(scales_[k]));
    }
    return base + logSumExp(terms);
}

double ScaleMixture::cdf(double value, double dof) const {
    if (!(value > 0.0)) return 0.0;
    if (!std::isfinite(value)) return 1.0;
    return weightedGamma(value, dof, false);
}

double ScaleMixture::survival(double value, double dof) const {
    if (!(value > 0.0)) return 1.0;
    if (!std::isfinite(value)) return 0.0;
    return weightedGamma(value, dof, true);
}

double ScaleMixture::weightedGamma(double value, double dof, bool upper) const {
    // P(w χ²_dof ≤ t) = Σ_k π_k P(a, t / (2 s_k)), a = dof/2; the upper tail from Q, not 1 − P.
    double sum = 0.0;
    for (Eigen::Index k = 0; k < scales_.size(); ++k) {
        const double x = 0.5 * value / scales_[k];
        sum += weights_[k] * (upper ? boost::math::gamma_q(0.5 * dof, x, DoublePolicy())
                                    : boost::math::gamma_p(0.5 * dof, x, DoublePolicy()));
    }
    return std::min(1.0, sum);
}

double ScaleMixture::quantile(double probability, double dof) const {
    if (!(probability > 0.0)) return 0.0;
    if (!(probability < 1.0)) return std::numeric_limits<double>::infinity();
    // Every atom's quantile brackets the mixture's: between the smallest and the largest.
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (Eigen::Index k = 0; k < scales_.size(); ++k) {
        const double q =
            2.0 * scales_[k] * boost::math::gamma_p_inv(0.5 * dof, probability, DoublePolicy());
        lo = std::min(lo, q), hi = std::max(hi, q);
    }
    if (isSingle()) return lo;
    for (int i = 0; i < 200 && hi - lo > 1e-10 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (cdf(mid, dof) < probability ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

double ScaleMixture::draw(DeterministicRandom& random) const {
    if (isSingle()) return scales_[0];
    const double u = random.uniform();
    double cumulative = 0.0;
    for (Eigen::Index k = 0; k + 1 < scales_.size(); ++k) {
        cumulative += weights_[k];
        if (u < cumulative) return scales_[k];
    }
    return scales_[scales_.size() - 1];
}

}  // namespace specres
