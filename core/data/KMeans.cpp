#include "data/KMeans.h"

#include <cmath>
#include <limits>

#include "base/BlasThreads.h"
#include "base/DeterministicRandom.h"

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

namespace {
// Labels of the nearest centroid and the squared distance to it, for every point.
void assignNearest(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centroids,
                   std::vector<int>& labels, Eigen::VectorXd& distances) {
    labels.resize(points.rows());
    distances.resize(points.rows());
    const Eigen::Index chunk = 1024;
    const Eigen::Index chunks = (points.rows() + chunk - 1) / chunk;
#pragma omp parallel for schedule(static)
    for (Eigen::Index c = 0; c < chunks; ++c) {
        const Eigen::Index start = c * chunk;
        const Eigen::Index rows = std::min(chunk, points.rows() - start);
        const Eigen::MatrixXd d = squaredDistances(points.middleRows(start, rows), centroids);
        for (Eigen::Index r = 0; r < rows; ++r) {
            Eigen::Index best;
            distances[start + r] = d.row(r).minCoeff(&best);
            labels[start + r] = static_cast<int>(best);
        }
    }
}

// Greedy k-means++: each new centre is the best of a few candidates drawn with probability
// proportional to D(x)² — the one that lowers the total squared distance most (as in
// scikit-learn, 2 + ⌊ln k⌋ candidates). It starts EM markedly closer to a good optimum. Fewer
// than k rows when the points have fewer distinct values.
Eigen::MatrixXd seedCentroids(const Eigen::MatrixXd& points, int k, DeterministicRandom& random) {
    const Eigen::Index n = points.rows();
    const int trials = 2 + static_cast<int>(std::log(double(k)));
    const Eigen::VectorXd norms = points.rowwise().squaredNorm();
    // ‖p − c‖² = ‖p‖² − 2 p·c + ‖c‖²: matrix products, no n × d temporaries.
    auto distancesTo = [&](Eigen::Index row) -> Eigen::VectorXd {
        const Eigen::VectorXd cross = points * points.row(row).transpose();
        return (norms - 2.0 * cross).array() + norms[row];
    };
    Eigen::MatrixXd centroids(k, points.cols());
    const Eigen::Index first = random.below(n);
    centroids.row(0) = points.row(first);
    Eigen::VectorXd nearest = distancesTo(first).cwiseMax(0.0);
    int chosen = 1;
    for (; chosen < k; ++chosen) {
        const double total = nearest.sum();
        if (!(total > 0)) break;  // fewer distinct points than clusters
        // Draw the candidates, then their distances to every point in one matrix product.
        std::vector<Eigen::Index> candidates(trials);
        for (int t = 0; t < trials; ++t) {
            double target = random.uniform() * total;
            Eigen::Index pick = n - 1;
            for (Eigen::Index i = 0; i < n; ++i) {
                target -= nearest[i];
                if (target <= 0) {
                    pick = i;
                    break;
                }
            }
            candidates[t] = pick;
        }
        Eigen::MatrixXd candidatePoints(trials, points.cols());
        for (int t = 0; t < trials; ++t) candidatePoints.row(t) = points.row(candidates[t]);
        Eigen::MatrixXd distances = -2.0 * points * candidatePoints.transpose();
        distances.colwise() += norms;
        Eigen::VectorXd bestNearest;
        double bestPotential = std::numeric_limits<double>::infinity();
        Eigen::Index bestPick = 0;
        for (int t = 0; t < trials; ++t) {
            Eigen::VectorXd candidate = nearest.cwiseMin(
                (distances.col(t).array() + norms[candidates[t]]).max(0.0).matrix());
            const double potential = candidate.sum();
            if (potential < bestPotential) {
                bestPotential = potential;
                bestPick = candidates[t];
                bestNearest = std::move(candidate);
            }
        }
        centroids.row(chosen) = points.row(bestPick);
        nearest = std::move(bestNearest);
    }
    centroids.conservativeResize(chosen, Eigen::NoChange);
    return centroids;
}
}  // namespace

std::vector<int> nearestCentroid(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centroids) {
    const SingleThreadedBlas blas;
    std::vector<int> labels;
    Eigen::VectorXd distances;
    assignNearest(points, centroids, labels, distances);
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
    const SingleThreadedBlas blas;  // the assignment runs in parallel chunks

    Eigen::MatrixXd centroids = seedCentroids(points, k, random);

    KMeansResult result;
    result.labels.assign(n, -1);
    std::vector<int> labels;
    Eigen::VectorXd distances;
    double previousInertia = std::numeric_limits<double>::infinity();
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        assignNearest(points, centroids, labels, distances);
        const bool changed = labels != result.labels;
        result.labels = labels;
        result.iterations = iteration;
        const double inertia = distances.sum();
        // Stop when no point moves, or when the fit improves by less than the tolerance.
        if (!changed || (std::isfinite(previousInertia) &&
                         previousInertia - inertia <= options.tolerance * previousInertia)) {
            result.converged = true;
            break;
        }
        previousInertia = inertia;
        // New centres as one product: (one-hot labels)ᵀ × points.
        Eigen::MatrixXd membership = Eigen::MatrixXd::Zero(n, centroids.rows());
        for (Eigen::Index i = 0; i < n; ++i) membership(i, result.labels[i]) = 1.0;
        const Eigen::MatrixXd sums = membership.transpose() * points;
        const Eigen::VectorXd counts = membership.colwise().sum().transpose();
        for (Eigen::Index c = 0; c < centroids.rows(); ++c) {
            // An emptied cluster keeps its centre; it may win points back next round.
            if (counts[c] > 0) centroids.row(c) = sums.row(c) / counts[c];
        }
        if (feedback) {
            feedback->setProgress(double(iteration) / options.maxIterations, "k-means clustering");
        }
    }
    result.centroids = centroids;
    assignNearest(points, centroids, labels, distances);
    result.inertia = distances.sum();
    return result;
}

}  // namespace specres
