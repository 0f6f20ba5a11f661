#include "KMeans.h"

#include <limits>

#include "DeterministicRandom.h"

namespace specres {

namespace {
// Squared distances from every point (row) to every centroid (row) via ‖p‖² − 2 p·c + ‖c‖².
Eigen::MatrixXd squaredDistances(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centroids) {
    Eigen::MatrixXd d = -2.0 * points * centroids.transpose();
    d.colwise() += points.rowwise().squaredNorm();
    d.rowwise() += centroids.rowwise().squaredNorm().transpose();
    return d.cwiseMax(0.0);
}
}  // namespace

std::vector<int> nearestCentroid(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centroids) {
    std::vector<int> labels(points.rows(), 0);
    const Eigen::Index chunk = 4096;
    for (Eigen::Index start = 0; start < points.rows(); start += chunk) {
        const Eigen::Index rows = std::min(chunk, points.rows() - start);
        const Eigen::MatrixXd d = squaredDistances(points.middleRows(start, rows), centroids);
        for (Eigen::Index r = 0; r < rows; ++r) {
            Eigen::Index best;
            d.row(r).minCoeff(&best);
            labels[start + r] = static_cast<int>(best);
        }
    }
    return labels;
}

Result<KMeansResult> kMeans(const Eigen::MatrixXd& points, const KMeansOptions& options,
                            Feedback* feedback) {
    const Eigen::Index n = points.rows();
    if (n == 0) return fail("k-means: no points");
    if (options.clusters < 1) return fail("k-means: need at least one cluster");
    if (!points.allFinite()) return fail("k-means: the points hold NaN or infinite values");
    const int k = static_cast<int>(std::min<Eigen::Index>(options.clusters, n));
    DeterministicRandom random(options.seed);

    // k-means++: each new centre drawn with probability proportional to D(x)².
    Eigen::MatrixXd centroids(k, points.cols());
    centroids.row(0) = points.row(random.below(n));
    Eigen::VectorXd nearest = (points.rowwise() - centroids.row(0)).rowwise().squaredNorm();
    int chosen = 1;
    for (; chosen < k; ++chosen) {
        const double total = nearest.sum();
        if (!(total > 0)) break;  // fewer distinct points than clusters
        double target = random.uniform() * total;
        Eigen::Index pick = n - 1;
        for (Eigen::Index i = 0; i < n; ++i) {
            target -= nearest[i];
            if (target <= 0) {
                pick = i;
                break;
            }
        }
        centroids.row(chosen) = points.row(pick);
        nearest = nearest.cwiseMin((points.rowwise() - centroids.row(chosen)).rowwise().squaredNorm());
    }
    centroids.conservativeResize(chosen, Eigen::NoChange);

    KMeansResult result;
    result.labels.assign(n, -1);
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        std::vector<int> labels = nearestCentroid(points, centroids);
        const bool changed = labels != result.labels;
        result.labels = std::move(labels);
        result.iterations = iteration;
        if (!changed) {
            result.converged = true;
            break;
        }
        Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(centroids.rows(), points.cols());
        Eigen::VectorXd counts = Eigen::VectorXd::Zero(centroids.rows());
        for (Eigen::Index i = 0; i < n; ++i) {
            sums.row(result.labels[i]) += points.row(i);
            counts[result.labels[i]] += 1;
        }
        for (Eigen::Index c = 0; c < centroids.rows(); ++c) {
            // An emptied cluster keeps its centre; it may win points back next round.
            if (counts[c] > 0) centroids.row(c) = sums.row(c) / counts[c];
        }
        if (feedback) {
            feedback->setProgress(double(iteration) / options.maxIterations, "k-means clustering");
        }
    }
    result.centroids = centroids;
    result.inertia = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        result.inertia += (points.row(i) - centroids.row(result.labels[i])).squaredNorm();
    }
    return result;
}

}  // namespace specres
