#include "GaussianMixtureFit.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>

#include "GaussianDensity.h"
#include "KMeans.h"

namespace specres {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Per-component log N(x_i; μ_k, Σ_k) + log π_k for all rows, written into column k.
// Full covariances go through their Cholesky factor; diagonal ones through the expansion
// Σ_d (x_d − μ_d)² / σ²_d = x²·(1/σ²) − 2 x·(μ/σ²) + μ²·(1/σ²), one matrix product for all k.
Status weightedLogDensities(const MatrixXd& data, const JointMixture& mixture, MatrixXd& out) {
    const Index n = data.rows();
    const int k = mixture.components();
    const int d = mixture.dimension();
    out.resize(n, k);
    if (mixture.type != CovarianceType::Full) {
        MatrixXd precision(d, k);  // 1/σ² per dimension and component
        VectorXd constant(k);
        for (int c = 0; c < k; ++c) {
            const VectorXd variance = mixture.covariances[c].diagonal();
            if ((variance.array() <= 0).any()) {
                return fail("mixture component " + std::to_string(c + 1) +
                            " has a non-positive variance");
            }
            precision.col(c) = variance.cwiseInverse();
            const VectorXd mu = mixture.means.row(c).transpose();
            constant[c] = -0.5 * (mu.array().square() * precision.col(c).array()).sum() -
                          0.5 * variance.array().log().sum() - 0.5 * d * kLogTwoPi +
                          std::log(mixture.weights[c]);
        }
        const MatrixXd meanTimesPrecision =
            (mixture.means.transpose().array() * precision.array()).matrix();
        out = -0.5 * data.array().square().matrix() * precision + data * meanTimesPrecision;
        out.rowwise() += constant.transpose();
        return Status::success();
    }
    std::string problem;
#pragma omp parallel for schedule(dynamic)
    for (int c = 0; c < k; ++c) {
        auto g = CholeskyGaussian::create(mixture.means.row(c).transpose(), mixture.covariances[c],
                                          "mixture component " + std::to_string(c + 1));
        if (!g) {
#pragma omp critical
            problem = g.error();
            continue;
        }
        out.col(c) = g->logDensities(data).array() + std::log(mixture.weights[c]);
    }
    if (!problem.empty()) return fail(problem);
    return Status::success();
}

// E-step: responsibilities (in place of the log-densities) and the mean log-likelihood.
double responsibilities(MatrixXd& logDensities) {
    double total = 0;
    for (Index i = 0; i < logDensities.rows(); ++i) {
        auto row = logDensities.row(i);
        const double highest = row.maxCoeff();
        const double normaliser = highest + std::log((row.array() - highest).exp().sum());
        row = (row.array() - normaliser).exp();
        total += normaliser;
    }
    return total / double(logDensities.rows());
}

// M-step from responsibilities. A component whose total responsibility is negligible keeps its
// previous mean and covariance.
void maximise(const MatrixXd& data, const MatrixXd& resp, double regularisation,
              JointMixture& mixture) {
    const Index n = data.rows();
    const int k = mixture.components();
    const int d = mixture.dimension();
    const VectorXd counts = resp.colwise().sum().transpose();
    const double tiny = 10 * std::numeric_limits<double>::epsilon();
    for (int c = 0; c < k; ++c) mixture.weights[c] = (counts[c] + tiny) / (double(n) + k * tiny);
    mixture.weights /= mixture.weights.sum();

    if (mixture.type != CovarianceType::Full) {
        const MatrixXd weightedSums = resp.transpose() * data;  // K × D
        for (int c = 0; c < k; ++c) {
            if (counts[c] < 1e-8) continue;
            const Eigen::RowVectorXd mu = weightedSums.row(c) / counts[c];
            // Centred before squaring: E[x²] − μ² would cancel badly for large means.
            Eigen::RowVectorXd variance =
                resp.col(c).transpose() * (data.rowwise() - mu).array().square().matrix() / counts[c];
            variance.array() += regularisation;
            if (mixture.type == CovarianceType::Spherical) variance.setConstant(variance.mean());
            mixture.means.row(c) = mu;
            mixture.covariances[c] = variance.transpose().asDiagonal();
        }
        return;
    }
#pragma omp parallel for schedule(dynamic)
    for (int c = 0; c < k; ++c) {
        if (counts[c] < 1e-8) continue;
        const Eigen::RowVectorXd mu = (resp.col(c).transpose() * data) / counts[c];
        // Σ = Wᵀ W / n_c with W = √r ∘ (X − μ): a symmetric rank update, half a full product.
        const MatrixXd weighted =
            (data.rowwise() - mu).array().colwise() * resp.col(c).array().sqrt();
        MatrixXd covariance = MatrixXd::Zero(d, d);
        covariance.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose(), 1.0 / counts[c]);
        covariance = covariance.selfadjointView<Eigen::Lower>();
        covariance.diagonal().array() += regularisation;
        mixture.means.row(c) = mu;
        mixture.covariances[c] = std::move(covariance);
    }
}

Result<JointMixture> fitOnce(const MatrixXd& data, int inputDimension,
                             const MixtureFitOptions& options, std::uint64_t seed,
                             const ProgressRange& progress, MixtureFitReport& report) {
    KMeansOptions kmeansOptions;
    kmeansOptions.clusters = options.components;
    kmeansOptions.seed = seed;
    auto start = kMeans(data, kmeansOptions);
    if (!start) return fail(start.error());
    const int k = static_cast<int>(start->centroids.rows());

    JointMixture mixture;
    mixture.type = options.type;
    mixture.inputDimension = inputDimension;
    mixture.weights = VectorXd::Constant(k, 1.0 / k);
    mixture.means = start->centroids;
    // Start each component at the overall covariance, then one M-step from the hard k-means
    // assignment gives each its own.
    const Eigen::RowVectorXd overallMean = data.colwise().mean();
    const MatrixXd centred = data.rowwise() - overallMean;
    MatrixXd overall = centred.transpose() * centred / double(data.rows());
    overall.diagonal().array() += options.regularisation;
    if (options.type != CovarianceType::Full) {
        VectorXd variance = overall.diagonal();
        if (options.type == CovarianceType::Spherical) variance.setConstant(variance.mean());
        overall = variance.asDiagonal();
    }
    mixture.covariances.assign(k, overall);
    MatrixXd resp = MatrixXd::Zero(data.rows(), k);
    for (Index i = 0; i < data.rows(); ++i) resp(i, start->labels[i]) = 1.0;
    maximise(data, resp, options.regularisation, mixture);

    report = MixtureFitReport{};
    double previous = -std::numeric_limits<double>::infinity();
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        if (progress.cancelled()) return fail(kCancelledMessage);
        if (auto ok = weightedLogDensities(data, mixture, resp); !ok) return fail(ok.error());
        const double logLikelihood = responsibilities(resp);
        if (!std::isfinite(logLikelihood)) {
            return fail("EM diverged: the log-likelihood is not finite (iteration " +
                        std::to_string(iteration) + ")");
        }
        report.history.push_back(logLikelihood);
        report.iterations = iteration;
        report.trainLogLikelihood = logLikelihood;
        if (std::abs(logLikelihood - previous) < options.tolerance) {
            report.converged = true;
            break;
        }
        previous = logLikelihood;
        maximise(data, resp, options.regularisation, mixture);
        progress.set(double(iteration) / options.maxIterations,
                     "EM iteration " + std::to_string(iteration));
    }
    return mixture;
}

}  // namespace

Result<JointMixture> fitGaussianMixture(const MatrixXd& data, int inputDimension,
                                        const MixtureFitOptions& options,
                                        const MatrixXd* validation, Feedback* feedback,
                                        MixtureFitReport* report) {
    if (data.rows() < 2) return fail("Gaussian mixture: need at least two samples");
    if (!data.allFinite()) return fail("Gaussian mixture: the data hold NaN or infinite values");
    if (options.components < 1) return fail("Gaussian mixture: need at least one component");
    if (options.regularisation < 0) return fail("Gaussian mixture: negative regularisation");
    const int restarts = std::max(1, options.restarts);
    const ProgressRange progress(feedback, 0.0, 1.0);

    std::optional<JointMixture> best;
    MixtureFitReport bestReport;
    double bestScore = -std::numeric_limits<double>::infinity();
    std::string lastError;
    for (int r = 0; r < restarts; ++r) {
        MixtureFitReport runReport;
        auto fitted = fitOnce(data, inputDimension, options, options.seed + 7919ULL * r,
                              progress.sub(double(r) / restarts, double(r + 1) / restarts),
                              runReport);
        if (!fitted) {
            if (fitted.error() == kCancelledMessage) return fitted;
            lastError = fitted.error();
            continue;
        }
        runReport.chosenRestart = r;
        runReport.validationLogLikelihood = std::numeric_limits<double>::quiet_NaN();
        double score = runReport.trainLogLikelihood;
        if (validation && validation->rows() > 0) {
            auto heldOut = fitted->meanLogLikelihood(*validation);
            if (!heldOut) {
                lastError = heldOut.error();
                continue;
            }
            runReport.validationLogLikelihood = *heldOut;
            score = *heldOut;
        }
        if (!best || score > bestScore) {
            bestScore = score;
            best = std::move(*fitted);
            bestReport = runReport;
        }
    }
    if (!best) return fail("Gaussian mixture: every restart failed: " + lastError);
    if (report) *report = bestReport;
    return std::move(*best);
}

}  // namespace specres
