#include "models/PredictiveDistribution.h"

#include <cmath>
#include <limits>

#include "models/GaussianDensity.h"

namespace specres {

Eigen::VectorXd PredictiveDistribution::mean() const {
    if (means.empty()) return point;
    Eigen::VectorXd m = Eigen::VectorXd::Zero(means.front().size());
    for (std::size_t k = 0; k < means.size(); ++k) m += weights[k] * means[k];
    return m;
}

Eigen::MatrixXd PredictiveDistribution::covariance() const {
    const Eigen::Index n = means.empty() ? point.size() : means.front().size();
    Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n);
    if (means.empty()) return c;
    const Eigen::VectorXd m = mean();
    for (std::size_t k = 0; k < means.size(); ++k) {
        const Eigen::VectorXd d = means[k] - m;
        c += weights[k] * (covariances[k] + d * d.transpose());
    }
    return c;
}

double PredictiveDistribution::logDensity(const Eigen::VectorXd& y) const {
    if (means.empty()) return std::numeric_limits<double>::quiet_NaN();
    Eigen::VectorXd terms(means.size());
    for (std::size_t k = 0; k < means.size(); ++k) {
        auto g = CholeskyGaussian::create(means[k], covariances[k], "component");
        terms[k] =
            g ? std::log(weights[k]) + g->logDensity(y) : -std::numeric_limits<double>::infinity();
    }
    return logSumExp(terms);
}

}  // namespace specres
