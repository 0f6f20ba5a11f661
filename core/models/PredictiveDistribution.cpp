#include "models/PredictiveDistribution.h"

#include <cmath>
#include <limits>

#include <Eigen/LU>

#include "base/DeterministicRandom.h"
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

void PredictiveDistribution::scaleCovariances(double s) {
    const double root = std::sqrt(s);
    for (Eigen::MatrixXd& c : covariances) c *= s;
    for (Eigen::MatrixXd& g : covarianceFactors) g *= root;
    for (Eigen::MatrixXd& f : precisionFactors) f /= root;
}

namespace {

bool isLowerTriangular(const Eigen::MatrixXd& m) {
    return m.rows() == m.cols() &&
           m.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().isZero(0.0);
}

}  // namespace

PredictiveDistribution::ComponentDistances PredictiveDistribution::componentDistances(
    const Eigen::VectorXd& y) const {
    const Eigen::Index k = Eigen::Index(means.size());
    ComponentDistances out{Eigen::VectorXd(k), Eigen::VectorXd(k)};
    for (Eigen::Index c = 0; c < k; ++c) {
        const Eigen::VectorXd r = y - means[c];
        if (std::size_t(c) < precisionFactors.size() && isLowerTriangular(precisionFactors[c])) {
            const Eigen::MatrixXd& f = precisionFactors[c];
            out.squaredDistance[c] =
                (f.triangularView<Eigen::Lower>().transpose() * r).squaredNorm();
            out.logDeterminant[c] = -2.0 * f.diagonal().array().abs().log().sum();
        } else if (std::size_t(c) < covarianceFactors.size() &&
                   isLowerTriangular(covarianceFactors[c])) {
            const Eigen::MatrixXd& g = covarianceFactors[c];
            out.squaredDistance[c] = g.triangularView<Eigen::Lower>().solve(r).squaredNorm();
            out.logDeterminant[c] = 2.0 * g.diagonal().array().abs().log().sum();
        } else {
            const Eigen::LLT<Eigen::MatrixXd> llt(covariances[c]);
            if (llt.info() != Eigen::Success) {
                out.squaredDistance[c] = std::numeric_limits<double>::infinity();
                out.logDeterminant[c] = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            const Eigen::MatrixXd l = llt.matrixL();
            out.squaredDistance[c] = l.triangularView<Eigen::Lower>().solve(r).squaredNorm();
            out.logDeterminant[c] = 2.0 * l.diagonal().array().log().sum();
        }
    }
    return out;
}

Eigen::MatrixXd PredictiveDistribution::sample(int count, DeterministicRandom& random,
                                               std::vector<int>* components) const {
    const Eigen::Index n = means.empty() ? point.size() : means.front().size();
    Eigen::MatrixXd draws(count, n);
    if (means.empty()) return Eigen::MatrixXd();
    std::vector<Eigen::MatrixXd> factors(means.size());  // G_k with G Gᵀ = Σ_k, made on demand
    auto factor = [&](std::size_t k) -> const Eigen::MatrixXd& {
        if (factors[k].size()) return factors[k];
        if (k < covarianceFactors.size()) {
            factors[k] = covarianceFactors[k];
        } else if (k < precisionFactors.size()) {
            // v = F⁻ᵀ z has covariance F⁻ᵀ F⁻¹ = (F Fᵀ)⁻¹ = Σ; kept as the matrix F⁻ᵀ.
            const Eigen::MatrixXd& f = precisionFactors[k];
            const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
            factors[k] =
                isLowerTriangular(f)
                    ? Eigen::MatrixXd(f.triangularView<Eigen::Lower>().transpose().solve(identity))
                    : Eigen::MatrixXd(f.transpose().partialPivLu().solve(identity));
        } else {
            factors[k] = covariances[k].llt().matrixL();
        }
        return factors[k];
    };
    Eigen::VectorXd cumulative(weights.size());
    double sum = 0.0;
    for (Eigen::Index k = 0; k < weights.size(); ++k) cumulative[k] = (sum += weights[k]);
    Eigen::VectorXd z(n);
    for (int i = 0; i < count; ++i) {
        std::size_t k = 0;
        if (means.size() > 1) {
            const double u = random.uniform() * sum;
            while (k + 1 < means.size() && cumulative[Eigen::Index(k)] <= u) ++k;
        }
        for (Eigen::Index j = 0; j < n; ++j) z[j] = random.normal();
        draws.row(i) = (means[k] + factor(k) * z).transpose();
        if (components) components->push_back(int(k));
    }
    return draws;
}

}  // namespace specres
