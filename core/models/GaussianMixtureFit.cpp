#include "models/GaussianMixtureFit.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>

#include "base/BlasThreads.h"
#include "data/KMeans.h"
#include "models/GaussianDensity.h"

namespace specres {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Samples per block in the full-covariance E- and M-steps: 512 × 90 doubles fit in L2 cache.
constexpr Index kBlock = 512;

// The training data in the forms the E- and M-steps read, computed once per fit: samples as
// columns, and for the diagonal M-step the data centred on their overall mean and its squares.
struct FitData {
    FitData(const MatrixXd& samples, CovarianceType type)
        : data(samples), transposed(samples.transpose()), centre(samples.colwise().mean()) {
        if (type != CovarianceType::Full) {
            centred = data.rowwise() - centre;
            centredSquares = centred.array().square().matrix();
        }
    }
    const MatrixXd& data;
    const MatrixXd transposed;
    const Eigen::RowVectorXd centre;
    MatrixXd centred;         // x − x̄ (diagonal and spherical fits only)
    MatrixXd centredSquares;  // (x − x̄)²
};

// Per-component log N(x_i; μ_k, Σ_k) + log π_k for all rows, written into column k.
// Full covariances go through their Cholesky factor; diagonal ones through the expansion
// Σ_d (x_d − μ_d)² / σ²_d = x²·(1/σ²) − 2 x·(μ/σ²) + μ²·(1/σ²), two matrix products for all k,
// with x and μ taken about the data's overall mean, so that the expansion cancels less.
Status weightedLogDensities(const FitData& fit, const JointMixture& mixture, MatrixXd& out) {
    const MatrixXd& dataTransposed = fit.transposed;
    const Index n = fit.data.rows();
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
            const VectorXd mu = (mixture.means.row(c) - fit.centre).transpose();
            constant[c] = -0.5 * (mu.array().square() * precision.col(c).array()).sum() -
                          0.5 * variance.array().log().sum() - 0.5 * d * kLogTwoPi +
                          std::log(mixture.weights[c]);
        }
        const MatrixXd meanTimesPrecision =
            ((mixture.means.rowwise() - fit.centre).transpose().array() * precision.array())
                .matrix();
        out.noalias() = fit.centredSquares * (-0.5 * precision);
        out.noalias() += fit.centred * meanTimesPrecision;
        out.rowwise() += constant.transpose();
        return Status::success();
    }
    std::string problem;
#pragma omp parallel for schedule(dynamic)
    for (int c = 0; c < k; ++c) {
        Eigen::LLT<MatrixXd> llt(mixture.covariances[c]);
        if (llt.info() != Eigen::Success) {
#pragma omp critical
            problem = "mixture component " + std::to_string(c + 1) +
                      ": the covariance is not positive definite (increase the regularisation)";
            continue;
        }
        const double logDeterminant = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
        const double constant =
            std::log(mixture.weights[c]) - 0.5 * logDeterminant - 0.5 * d * kLogTwoPi;
        // Samples are columns of the transposed data. They go through in cache-sized blocks —
        // centre, solve, square — so each is read from memory once, not four times.
        MatrixXd block(d, kBlock);
        for (Index start = 0; start < n; start += kBlock) {
            const Index count = std::min<Index>(kBlock, n - start);
            auto centred = block.leftCols(count);
            centred = dataTransposed.middleCols(start, count).colwise() -
                      mixture.means.row(c).transpose();
            llt.matrixL().solveInPlace(centred);
            out.col(c).segment(start, count) =
                (-0.5 * centred.colwise().squaredNorm().array()).transpose() + constant;
        }
    }
    if (!problem.empty()) return fail(problem);
    return Status::success();
}

constexpr double kNegligibleLog = -700.0;

// E-step: responsibilities (in place of the log-densities) and the mean log-likelihood, by
// log-sum-exp over each row. The row maxima and sums run column by column (the matrix is
// column-major), so that they vectorise; each row's terms are still added in column order.
double responsibilities(MatrixXd& logDensities) {
    const Index k = logDensities.cols();
    VectorXd highest = logDensities.col(0);
    for (Index c = 1; c < k; ++c) highest = highest.cwiseMax(logDensities.col(c));
    logDensities.colwise() -= highest;
    // Terms below e^−700 (≈ 10⁻³⁰⁴) cannot change a row sum of at least 1, but their exponentials
    // are subnormal, and subnormal arithmetic here and in the M-step's products is many times
    // slower: they are set to 0.
    logDensities = (logDensities.array() < kNegligibleLog)
                       .select(0.0, logDensities.array().max(kNegligibleLog).exp());
    VectorXd sums = logDensities.col(0);
    for (Index c = 1; c < k; ++c) sums += logDensities.col(c);
    logDensities.array().colwise() /= sums.array();
    return (highest.array() + sums.array().log()).mean();
}

// A diagonal component's variance from its moments about the overall mean c,
// E[(x − c)²] − (μ − c)², loses digits in proportion to (μ − c)² / σ². Up to this ratio the
// loss stays below 10⁶ ulp (about 2·10⁻¹⁰ relative); beyond it that dimension is summed again,
// centred on the component's mean. (On the demo about one dimension in 50 needs it: channels
// that per-spectrum min–max scaling pins near 0 or 1.)
constexpr double kMomentCancellationLimit = 1e6;

// M-step from responsibilities. A component whose total responsibility is negligible keeps its
// previous mean and covariance.
void maximise(const FitData& fit, const MatrixXd& resp, double regularisation,
              JointMixture& mixture) {
    const MatrixXd& data = fit.data;
    const Index n = data.rows();
    const int k = mixture.components();
    const int d = mixture.dimension();
    const VectorXd counts = resp.colwise().sum().transpose();
    const double tiny = 10 * std::numeric_limits<double>::epsilon();
    for (int c = 0; c < k; ++c) mixture.weights[c] = (counts[c] + tiny) / (double(n) + k * tiny);
    mixture.weights /= mixture.weights.sum();

    if (mixture.type != CovarianceType::Full) {
        // Both moments of every component about the overall mean in two matrix products, where
        // summing each component's centred squares cost K passes over the data per iteration.
        const MatrixXd first = resp.transpose() * fit.centred;          // K × D
        const MatrixXd second = resp.transpose() * fit.centredSquares;  // K × D
        for (int c = 0; c < k; ++c) {
            if (counts[c] < 1e-8) continue;
            const Eigen::RowVectorXd offset = first.row(c) / counts[c];  // μ − x̄
            const Eigen::RowVectorXd mu = fit.centre + offset;
            Eigen::RowVectorXd variance =
                second.row(c) / counts[c] - offset.array().square().matrix();
            for (int j = 0; j < d; ++j) {
                if (offset[j] * offset[j] > kMomentCancellationLimit * std::max(variance[j], 0.0)) {
                    variance[j] = resp.col(c).dot((data.col(j).array() - mu[j]).square().matrix()) /
                                  counts[c];
                }
            }
            variance.array() += regularisation;
            if (mixture.type == CovarianceType::Spherical) variance.setConstant(variance.mean());
            mixture.means.row(c) = mu;
            mixture.covariances[c] = variance.transpose().asDiagonal();
        }
        return;
    }
    const MatrixXd& dataTransposed = fit.transposed;
#pragma omp parallel for schedule(dynamic)
    for (int c = 0; c < k; ++c) {
        if (counts[c] < 1e-8) continue;
        const Eigen::RowVectorXd mu = (resp.col(c).transpose() * data) / counts[c];
        // Σ = Wᵀ W / n_c with W = √r ∘ (X − μ): symmetric rank updates (half a full product),
        // block by block so that W never leaves the cache.
        MatrixXd covariance = MatrixXd::Zero(d, d);
        MatrixXd weighted(d, kBlock);
        for (Index start = 0; start < n; start += kBlock) {
            const Index count = std::min<Index>(kBlock, n - start);
            auto w = weighted.leftCols(count);
            w = (dataTransposed.middleCols(start, count).colwise() - mu.transpose())
                    .array()
                    .rowwise() *
                resp.col(c).segment(start, count).transpose().array().sqrt();
            covariance.selfadjointView<Eigen::Lower>().rankUpdate(w, 1.0 / counts[c]);
        }
        covariance = covariance.selfadjointView<Eigen::Lower>();
        covariance.diagonal().array() += regularisation;
        mixture.means.row(c) = mu;
        mixture.covariances[c] = std::move(covariance);
    }
}

// The first M-step, from the hard k-means labels: each component sees only its own points, so
// this costs a K-th of a soft M-step.
void initialiseFromClusters(const MatrixXd& data, const std::vector<int>& labels,
                            double regularisation, JointMixture& mixture) {
    const int k = mixture.components();
    std::vector<std::vector<Index>> members(k);
    for (Index i = 0; i < data.rows(); ++i) members[labels[i]].push_back(i);
    for (int c = 0; c < k; ++c) {
        mixture.weights[c] = std::max<double>(members[c].size(), 1e-10) / double(data.rows());
        if (members[c].empty()) continue;
        MatrixXd own(members[c].size(), data.cols());
        for (std::size_t j = 0; j < members[c].size(); ++j) own.row(j) = data.row(members[c][j]);
        const Eigen::RowVectorXd mu = own.colwise().mean();
        own.rowwise() -= mu;
        MatrixXd covariance = own.transpose() * own / double(own.rows());
        covariance.diagonal().array() += regularisation;
        if (mixture.type != CovarianceType::Full) {
            VectorXd variance = covariance.diagonal();
            if (mixture.type == CovarianceType::Spherical) variance.setConstant(variance.mean());
            covariance = variance.asDiagonal();
        }
        mixture.means.row(c) = mu;
        mixture.covariances[c] = std::move(covariance);
    }
    mixture.weights /= mixture.weights.sum();
}

Result<JointMixture> fitOnce(const MatrixXd& data, int inputDimension,
                             const MixtureFitOptions& options, std::uint64_t seed,
                             Feedback& progress, MixtureFitReport& report) {
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
    initialiseFromClusters(data, start->labels, options.regularisation, mixture);

    const FitData fit(data, options.type);
    report = MixtureFitReport{};
    double previous = -std::numeric_limits<double>::infinity();
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        if (progress.isCancelled()) return fail(kCancelledMessage);
        if (auto ok = weightedLogDensities(fit, mixture, resp); !ok) {
            return fail(ok.error());
        }
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
        maximise(fit, resp, options.regularisation, mixture);
        progress.setProgress(double(iteration) / options.maxIterations,
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
    const SingleThreadedBlas
        blas;  // components run in parallel; each BLAS call stays on its thread

    std::optional<JointMixture> best;
    MixtureFitReport bestReport;
    double bestScore = -std::numeric_limits<double>::infinity();
    std::string lastError;
    for (int r = 0; r < restarts; ++r) {
        MixtureFitReport runReport;
        Feedback restart(feedback, double(r) / restarts, double(r + 1) / restarts);
        auto fitted =
            fitOnce(data, inputDimension, options, options.seed + 7919ULL * r, restart, runReport);
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
