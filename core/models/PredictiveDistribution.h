#pragma once

#include <Eigen/Core>
#include <vector>

namespace specres {

/// What a conditional model says about the high-resolution spectrum y given one low-resolution
/// spectrum x: a Gaussian mixture (one component for unimodal methods) and the method's point
/// prediction. Methods without a density (VE) leave the components empty.
struct PredictiveDistribution {
    Eigen::VectorXd weights;                   ///< mixture weights, summing to 1
    std::vector<Eigen::VectorXd> means;        ///< component means
    std::vector<Eigen::MatrixXd> covariances;  ///< component covariances
    /// Lower-triangular factors C of the component precisions, Σ⁻¹ = C Cᵀ, where the method
    /// predicts the precision itself (DCGM); empty otherwise. Views that need Σ⁻¹ use these
    /// rather than invert Σ again.
    std::vector<Eigen::MatrixXd> precisionFactors;
    Eigen::VectorXd point;  ///< the point prediction

    bool hasDensity() const { return !means.empty(); }
    /// Mean of the mixture.
    Eigen::VectorXd mean() const;
    /// Covariance of the mixture: Σ_k w_k (Σ_k + (μ_k − μ)(μ_k − μ)ᵀ).
    Eigen::MatrixXd covariance() const;
    /// log p(y | x), by log-sum-exp over components with Cholesky factors.
    double logDensity(const Eigen::VectorXd& y) const;
};

/// Predictions for many spectra at once, as the metrics need them. Row i belongs to input i.
struct BatchPrediction {
    Eigen::MatrixXd point;       ///< point predictions
    Eigen::MatrixXd mean;        ///< predictive means (mixture mean)
    Eigen::MatrixXd stddev;      ///< predictive marginal standard deviations
    Eigen::VectorXd logDensity;  ///< log p(y_i | x_i); empty when the method has no density
    /// log det Σ(x_i) and trace Σ(x_i), when the method computed them on the way (else empty).
    Eigen::VectorXd logDeterminant;
    Eigen::VectorXd trace;
};

}  // namespace specres
