#include "data/MnfTransform.h"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

namespace specres {

Result<MnfTransform> MnfTransform::fit(const Matrix& spectra, const Matrix& neighbourDifferences,
                                       double ridgeFraction) {
    const Eigen::Index n = spectra.cols();
    if (n == 0 || spectra.rows() < 2) return fail("MNF: need at least two spectra");
    if (neighbourDifferences.cols() != n) {
        return fail("MNF: the neighbour differences have " +
                    std::to_string(neighbourDifferences.cols()) + " channels, the spectra " +
                    std::to_string(n));
    }
    if (neighbourDifferences.rows() < 2) return fail("MNF: need neighbour differences");
    if (!spectra.allFinite() || !neighbourDifferences.allFinite()) {
        return fail("MNF: the input holds NaN or infinite values");
    }

    MnfTransform mnf;
    mnf.mean_ = spectra.colwise().mean().transpose();
    const Matrix centred = spectra.rowwise() - mnf.mean_.transpose();
    const Matrix covariance = (centred.transpose() * centred) / double(spectra.rows() - 1);
    // E[d dᵀ] = 2 Σ_N for the difference d of two pixels with the same signal.
    Matrix noise = (neighbourDifferences.transpose() * neighbourDifferences) /
                   (2.0 * double(neighbourDifferences.rows()));

    const double meanDiagonal = noise.diagonal().mean();
    if (!(meanDiagonal > 0)) return fail("MNF: the noise estimate is zero (identical neighbours)");
    noise.diagonal().array() += ridgeFraction * meanDiagonal;
    Eigen::LLT<Matrix> noiseFactor(noise);
    if (noiseFactor.info() != Eigen::Success) {
        return fail(
            "MNF: the noise covariance is not positive definite even after "
            "regularisation");
    }
    mnf.noiseCholesky_ = noiseFactor.matrixL();

    // Whitened covariance W = L⁻¹ Σ L⁻ᵀ by two triangular solves.
    const auto L = mnf.noiseCholesky_.triangularView<Eigen::Lower>();
    const Matrix half = L.solve(covariance);                        // L⁻¹ Σ
    const Matrix whitened = L.solve(half.transpose()).transpose();  // L⁻¹ Σ L⁻ᵀ
    Eigen::SelfAdjointEigenSolver<Matrix> eigen(0.5 * (whitened + whitened.transpose()));
    if (eigen.info() != Eigen::Success) return fail("MNF: eigen-decomposition failed");
    // Eigen returns ascending eigenvalues; MNF orders components by decreasing signal.
    mnf.eigenvalues_ = eigen.eigenvalues().reverse();
    mnf.eigenvectors_ = eigen.eigenvectors().rowwise().reverse();
    mnf.completeFromParts();
    return mnf;
}

Result<MnfTransform> MnfTransform::fromParts(const Vector& mean, const Matrix& noiseCholesky,
                                             const Matrix& eigenvectors,
                                             const Vector& eigenvalues) {
    const Eigen::Index n = mean.size();
    if (noiseCholesky.rows() != n || noiseCholesky.cols() != n || eigenvectors.rows() != n ||
        eigenvectors.cols() != n || eigenvalues.size() != n) {
        return fail("MNF: stored parts have inconsistent sizes");
    }
    if ((noiseCholesky.diagonal().array() <= 0).any()) {
        return fail("MNF: stored noise Cholesky factor has a non-positive diagonal");
    }
    MnfTransform mnf;
    mnf.mean_ = mean;
    mnf.noiseCholesky_ = noiseCholesky.triangularView<Eigen::Lower>();
    mnf.eigenvectors_ = eigenvectors;
    mnf.eigenvalues_ = eigenvalues;
    mnf.completeFromParts();
    return mnf;
}

void MnfTransform::completeFromParts() {
    // A = Vᵀ L⁻¹, i.e. Aᵀ = L⁻ᵀ V: one triangular solve, no explicit inverse.
    forward_ =
        noiseCholesky_.transpose().triangularView<Eigen::Upper>().solve(eigenvectors_).transpose();
    inverse_ = noiseCholesky_.triangularView<Eigen::Lower>() * eigenvectors_;
    logAbsDetJacobian_ = -noiseCholesky_.diagonal().array().log().sum();
}

MnfTransform::Matrix MnfTransform::forward(const Matrix& spectra) const {
    return (spectra.rowwise() - mean_.transpose()) * forward_.transpose();
}

MnfTransform::Matrix MnfTransform::inverse(const Matrix& components) const {
    return (components * inverse_.transpose()).rowwise() + mean_.transpose();
}

}  // namespace specres
