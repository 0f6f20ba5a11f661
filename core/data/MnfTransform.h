#pragma once

#include <Eigen/Core>

#include "base/Result.h"

namespace specres {

/// The minimum noise fraction (MNF) transform of Green et al. (1988): a noise-whitened principal
/// component analysis. With the noise covariance Σ_N = L Lᵀ (Cholesky) and the eigen-
/// decomposition L⁻¹ Σ L⁻ᵀ = V Λ Vᵀ of the noise-whitened data covariance (eigenvalues in
/// descending order), the forward transform is t = Vᵀ L⁻¹ (y − m) and the inverse y = m + L V t.
///
/// All components are kept, so the transform is invertible; in MNF space the noise covariance
/// is the identity and component i has signal-plus-noise variance Λ_i.
///
/// Models may work in MNF space while metrics are reported in normalised reflectance space: a
/// density in MNF space converts back with the Jacobian, log p(y) = log p(t) + log|det A| with
/// A = Vᵀ L⁻¹, and log|det A| = −Σ log L_ii (logAbsDetJacobian()).
class MnfTransform {
public:
    using Matrix = Eigen::MatrixXd;
    using Vector = Eigen::VectorXd;

    /// Fits the transform. spectra: one spectrum per row. neighbourDifferences: rows of
    /// differences between spatially adjacent spectra (y(r, c) − y(r, c+1)); with signal that
    /// varies slowly in space they estimate twice the noise covariance.
    /// A noise covariance that is not positive definite (too few differences, a band with no
    /// noise) is regularised by a ridge of `ridgeFraction` × its mean diagonal.
    static Result<MnfTransform> fit(const Matrix& spectra, const Matrix& neighbourDifferences,
                                    double ridgeFraction = 1e-8);

    /// Rebuilds a transform from stored parts (model files).
    static Result<MnfTransform> fromParts(const Vector& mean, const Matrix& noiseCholesky,
                                          const Matrix& eigenvectors, const Vector& eigenvalues);

    /// Rows of spectra → rows of MNF components.
    Matrix forward(const Matrix& spectra) const;
    /// Rows of MNF components → rows of spectra.
    Matrix inverse(const Matrix& components) const;

    /// log |det ∂t/∂y|: add it to an MNF-space log-density to get the reflectance-space one.
    double logAbsDetJacobian() const { return logAbsDetJacobian_; }

    int dimension() const { return static_cast<int>(mean_.size()); }
    const Vector& mean() const { return mean_; }
    const Matrix& noiseCholesky() const { return noiseCholesky_; }
    const Matrix& eigenvectors() const { return eigenvectors_; }
    /// Signal-plus-noise variance of each component in noise units (descending).
    const Vector& eigenvalues() const { return eigenvalues_; }
    const Matrix& forwardMatrix() const { return forward_; }
    const Matrix& inverseMatrix() const { return inverse_; }

private:
    MnfTransform() = default;
    void completeFromParts();

    Vector mean_;
    Matrix noiseCholesky_;
    Matrix eigenvectors_;
    Vector eigenvalues_;
    Matrix forward_;  // A = Vᵀ L⁻¹
    Matrix inverse_;  // A⁻¹ = L V
    double logAbsDetJacobian_ = 0.0;
};

}  // namespace specres
