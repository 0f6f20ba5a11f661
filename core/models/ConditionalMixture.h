#pragma once

#include <Eigen/Core>
#include <vector>

#include "base/Result.h"
#include "models/GaussianDensity.h"
#include "models/JointMixture.h"
#include "models/PredictiveDistribution.h"

namespace specres {

/// A joint mixture over [x, y] conditioned on x (Bishop, PRML §2.3.1 and §9): each component
/// k gives the Gaussian
///   y | x, k ~ N(μ_y + B_k (x − μ_x), S_k),  B_k = Σ_yx Σ_xx⁻¹,  S_k = Σ_yy − B_k Σ_xy,
/// (B_k by a Cholesky solve, S_k the Schur complement), with weights by Bayes' theorem,
///   w_k(x) ∝ π_k N(x; μ_x,k, Σ_xx,k).
/// S_k does not depend on x, so its Cholesky factor is computed once.
class ConditionalMixture {
public:
    static Result<ConditionalMixture> create(const JointMixture& joint);

    int components() const { return static_cast<int>(logPriors_.size()); }
    int inputDimension() const { return inputDimension_; }
    int outputDimension() const { return outputDimension_; }

    /// Normalised log-weights log w_k(x) for every row of x (N × K).
    Eigen::MatrixXd logWeights(const Eigen::MatrixXd& x) const;
    /// Conditional means of component k for every row of x (N × n).
    Eigen::MatrixXd componentMeans(int component, const Eigen::MatrixXd& x) const;
    const Eigen::MatrixXd& conditionalCovariance(int component) const {
        return covariance_[component];
    }
    const CholeskyGaussian& conditionalGaussian(int component) const {
        return conditional_[component];
    }

    /// The full conditional mixture for one x.
    PredictiveDistribution predict(const Eigen::VectorXd& x) const;

    /// Batched: mixture mean and marginal standard deviation, the mean of the most probable
    /// component, and log p(y_i | x_i) when y is given.
    struct Batch {
        Eigen::MatrixXd mixtureMean;
        Eigen::MatrixXd mostProbableMean;
        Eigen::MatrixXd stddev;
        Eigen::VectorXd logDensity;
    };
    Batch evaluate(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y) const;

private:
    int inputDimension_ = 0;
    int outputDimension_ = 0;
    Eigen::VectorXd logPriors_;
    std::vector<CholeskyGaussian> inputMarginal_;  // N(x; μ_x, Σ_xx) per component
    std::vector<Eigen::MatrixXd> regression_;      // B_k
    std::vector<Eigen::VectorXd> outputMean_;      // μ_y per component
    std::vector<Eigen::MatrixXd> covariance_;      // S_k
    std::vector<CholeskyGaussian> conditional_;    // Cholesky of S_k (mean unused)
};

}  // namespace specres
