#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "models/JointMixture.h"

namespace specres {

struct MixtureFitOptions {
    int components = 30;
    CovarianceType type = CovarianceType::Full;
    int maxIterations = 100;
    /// Stop when the mean log-likelihood per sample changes by less than this (nats).
    double tolerance = 1e-3;
    /// Added to every covariance diagonal (as scikit-learn's reg_covar): keeps components
    /// positive definite when they collapse onto few points.
    double regularisation = 1e-6;
    int restarts = 3;
    std::uint64_t seed = 1;
};

struct MixtureFitReport {
    bool converged = false;
    int iterations = 0;  ///< of the chosen restart
    int chosenRestart = 0;
    double trainLogLikelihood = 0;       ///< mean per sample
    double validationLogLikelihood = 0;  ///< mean per sample (NaN without validation data)
    std::vector<double> history;         ///< mean log-likelihood after each E-step
};

/// Fits a Gaussian mixture by expectation–maximisation (Dempster, Laird & Rubin 1977), as
/// mlpack's EMFit: k-means++ then Lloyd's k-means for the start, log-sum-exp responsibilities,
/// Cholesky factors in every density, components fitted in parallel.
///
/// With several restarts (different seeds), the fit with the best validation log-likelihood
/// is kept (the training one when no validation data is given). A component that loses all its
/// points keeps its previous parameters with a negligible weight rather than becoming NaN.
/// inputDimension is recorded in the result for conditioning; it does not change the fit.
Result<JointMixture> fitGaussianMixture(const Eigen::MatrixXd& data, int inputDimension,
                                        const MixtureFitOptions& options,
                                        const Eigen::MatrixXd* validation = nullptr,
                                        Feedback* feedback = nullptr,
                                        MixtureFitReport* report = nullptr);

}  // namespace specres
