#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <optional>
#include <string>

#include "base/Result.h"

namespace specres {

constexpr double kLogTwoPi = 1.8378770664093454835606594728112;

/// log Σ exp(values), without overflow.
double logSumExp(const Eigen::Ref<const Eigen::VectorXd>& values);

/// A Gaussian held by the Cholesky factor of its covariance, Σ = L Lᵀ, so that densities need
/// triangular solves only (no inverse, no determinant):
///   log N(y; μ, Σ) = −½ ‖L⁻¹ (y − μ)‖² − Σ log L_ii − (n/2) log 2π.
class CholeskyGaussian {
public:
    /// Fails (with `what` in the message) if Σ is not positive definite. A ridge of
    /// `jitter` × mean(diag Σ) is added first when jitter > 0.
    static Result<CholeskyGaussian> create(const Eigen::VectorXd& mean,
                                           const Eigen::MatrixXd& covariance,
                                           const std::string& what, double jitter = 0.0);

    int dimension() const { return static_cast<int>(mean_.size()); }
    const Eigen::VectorXd& mean() const { return mean_; }
    const Eigen::MatrixXd& choleskyFactor() const { return factor_; }
    Eigen::MatrixXd covariance() const;
    double logDeterminant() const { return logDeterminant_; }

    double logDensity(const Eigen::VectorXd& y) const;
    /// log-density of every row of `points`.
    Eigen::VectorXd logDensities(const Eigen::MatrixXd& points) const;

private:
    Eigen::VectorXd mean_;
    Eigen::MatrixXd factor_;  // lower triangular
    double logDeterminant_ = 0.0;
};

}  // namespace specres
