#include "models/GaussianDensity.h"

#include <cmath>
#include <limits>

namespace specres {

double logSumExp(const Eigen::Ref<const Eigen::VectorXd>& values) {
    const double highest = values.maxCoeff();
    if (!std::isfinite(highest)) return highest;
    return highest + std::log((values.array() - highest).exp().sum());
}

Result<CholeskyGaussian> CholeskyGaussian::create(const Eigen::VectorXd& mean,
                                                  const Eigen::MatrixXd& covariance,
                                                  const std::string& what, double jitter) {
    if (covariance.rows() != mean.size() || covariance.cols() != mean.size()) {
        return fail(what + ": covariance and mean sizes differ");
    }
    if (!mean.allFinite() || !covariance.allFinite()) {
        return fail(what + ": the mean or covariance holds NaN or infinite values");
    }
    Eigen::MatrixXd sigma = covariance;
    if (jitter > 0) sigma.diagonal().array() += jitter * sigma.diagonal().mean();
    Eigen::LLT<Eigen::MatrixXd> llt(sigma);
    if (llt.info() != Eigen::Success) {
        return fail(what +
                    ": the covariance is not positive definite (singular data? increase "
                    "the covariance regularisation)");
    }
    CholeskyGaussian g;
    g.mean_ = mean;
    g.factor_ = llt.matrixL();
    g.logDeterminant_ = 2.0 * g.factor_.diagonal().array().log().sum();
    return g;
}

Eigen::MatrixXd CholeskyGaussian::covariance() const { return factor_ * factor_.transpose(); }

double CholeskyGaussian::logDensity(const Eigen::VectorXd& y) const {
    const Eigen::VectorXd z = factor_.triangularView<Eigen::Lower>().solve(y - mean_);
    return -0.5 * z.squaredNorm() - 0.5 * logDeterminant_ - 0.5 * dimension() * kLogTwoPi;
}

Eigen::VectorXd CholeskyGaussian::logDensities(const Eigen::MatrixXd& points) const {
    Eigen::MatrixXd centred = (points.rowwise() - mean_.transpose()).transpose();
    factor_.triangularView<Eigen::Lower>().solveInPlace(centred);
    return (-0.5 * centred.colwise().squaredNorm().array() - 0.5 * logDeterminant_ -
            0.5 * dimension() * kLogTwoPi)
        .matrix()
        .transpose();
}

}  // namespace specres
