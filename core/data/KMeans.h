#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"

namespace specres {

struct KMeansOptions {
    int clusters = 10;
    int maxIterations = 100;
    /// Stop when an iteration lowers the total squared distance by less than this fraction.
    double tolerance = 1e-4;
    std::uint64_t seed = 1;
};

/// k-means clustering (Lloyd's algorithm with greedy k-means++ seeding, Arthur & Vassilvitskii
/// 2007).
/// Used to give spectra classes for class-balanced sampling, and to start EM for mixtures.
struct KMeansResult {
    Eigen::MatrixXd centroids;  ///< one centroid per row
    std::vector<int> labels;    ///< cluster of each input row
    int iterations = 0;
    bool converged = false;
    double inertia = 0.0;  ///< sum of squared distances to the assigned centroid
};

/// Clusters the rows of `points`. Fewer distinct points than clusters gives fewer clusters.
Result<KMeansResult> kMeans(const Eigen::MatrixXd& points, const KMeansOptions& options,
                            Feedback* feedback = nullptr);

/// Index of the nearest centroid (row of `centroids`) for each row of `points`.
std::vector<int> nearestCentroid(const Eigen::MatrixXd& points, const Eigen::MatrixXd& centroids);

}  // namespace specres
