#pragma once

#include <Eigen/Core>
#include <vector>

#include "models/ScaleMixture.h"

namespace specres {

class DeterministicRandom;

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
    /// Square factors G of the component covariances, Σ = G Gᵀ (the Cholesky factor where the
    /// method keeps one: G, GM), so that densities and samples need no new factorisation;
    /// empty otherwise. Lower triangular unless an MNF back-transform multiplied them.
    std::vector<Eigen::MatrixXd> covarianceFactors;
    Eigen::VectorXd point;  ///< the point prediction
    /// The law of a covariance scale shared by every component: component k is the Gaussian
    /// scale mixture Σ_a π_a N(μ_k, s_a Σ_k). `covariances` and the factors hold Σ_k itself;
    /// mean(), covariance(), logDensity() and sample() include the law, and whoever reads the
    /// components directly (d², whitening) applies it. One atom of 1 by default.
    ScaleMixture scaleLaw;

    /// A factored prediction (ConditionalModel::predictFactored) may leave `covariances` empty
    /// where every component has a precision or covariance factor: what whitening() needs.
    bool isFactoredOnly() const { return covariances.size() < means.size(); }

    bool hasDensity() const { return !means.empty(); }
    /// Mean of the mixture.
    Eigen::VectorXd mean() const;
    /// Covariance of the mixture: Σ_k w_k (E w · Σ_k + (μ_k − μ)(μ_k − μ)ᵀ).
    Eigen::MatrixXd covariance() const;
    /// log p(y | x), by log-sum-exp over components with Cholesky factors.
    double logDensity(const Eigen::VectorXd& y) const;

    /// Σ_k → s Σ_k for every component (factors scaled to match): post-hoc recalibration.
    void scaleCovariances(double s);
    /// Σ_k → Σ_k + diag(variance) for every component: the distribution of a measurement of y
    /// whose independent noise has these variances (EMIT's RFLUNCERT σ²). The stored factors
    /// no longer describe Σ_k and are dropped; needs the covariances (not factored-only). Noise
    /// is not scaled by w, so a scale law is first spelled out as components (s_a Σ_k + noise).
    void addMeasurementNoise(const Eigen::VectorXd& variance);

    /// Per component k: d²_k = (y − μ_k)ᵀ Σ_k⁻¹ (y − μ_k) and log det Σ_k (Σ_k without the
    /// scale law), from the stored
    /// factors where there are triangular ones, else by a Cholesky factorisation.
    struct ComponentDistances {
        Eigen::VectorXd squaredDistance;
        Eigen::VectorXd logDeterminant;
    };
    ComponentDistances componentDistances(const Eigen::VectorXd& y) const;

    /// Component k's whitening W, with Wᵀ W = Σ_k⁻¹: ‖W (y − μ_k)‖² is the squared Mahalanobis
    /// distance and W applied to a design matrix turns a generalised least-squares fit into an
    /// ordinary one. Built from the precision factor F where there is one (W = Fᵀ, no
    /// inversion), else from the covariance factor G (W = G⁻¹), else from a Cholesky
    /// factorisation of Σ_k.
    class Whitening {
    public:
        /// W D, column by column.
        Eigen::MatrixXd apply(const Eigen::MatrixXd& d) const;
        /// gᵀ Σ_k g for each column g of `g` (the variance of a linear functional).
        Eigen::VectorXd covarianceForm(const Eigen::MatrixXd& g) const;
        double logDeterminant() const { return logDeterminant_; }  ///< log det Σ_k
        bool valid() const { return valid_; }  ///< false where Σ_k is not positive definite

    private:
        friend struct PredictiveDistribution;
        enum class Kind { PrecisionLower, PrecisionDense, CovarianceLower, CovarianceDense };
        Kind kind_ = Kind::CovarianceLower;
        Eigen::MatrixXd factor_;
        double logDeterminant_ = 0.0;
        bool valid_ = false;
    };
    Whitening whitening(Eigen::Index component) const;

    /// `count` draws (rows) from the mixture: a component by its weight, then μ_k + √w G z (w
    /// from the scale law, drawn only where it has several atoms) with
    /// G Gᵀ = Σ_k — from the covariance factor, or from the precision factor F by solving
    /// Fᵀ v = z (Cov v = (F Fᵀ)⁻¹), never forming Σ⁻¹ or inverting twice.
    /// `components`, when given, receives the component of each draw.
    Eigen::MatrixXd sample(int count, DeterministicRandom& random,
                           std::vector<int>* components = nullptr) const;
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
    /// P(D² ≥ d²_i) for y_i under the model's law of d² (χ²_n for a Gaussian, w χ²_n under a
    /// scale law): a per-spectrum anomaly p-value. Only for one-Gaussian models, given y and
    /// the summary; else empty.
    Eigen::VectorXd jointPValue;
};

}  // namespace specres
