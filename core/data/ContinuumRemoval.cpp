#include "data/ContinuumRemoval.h"

#include <vector>

namespace specres {

Eigen::VectorXd convexHullContinuum(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
    const Eigen::Index n = x.size();
    Eigen::VectorXd hull(n);
    if (n < 3) return y;
    // Monotone chain, upper hull: drop a vertex while it lies on or below the chord.
    std::vector<Eigen::Index> vertices;
    for (Eigen::Index i = 0; i < n; ++i) {
        while (vertices.size() >= 2) {
            const Eigen::Index a = vertices[vertices.size() - 2];
            const Eigen::Index b = vertices.back();
            const double cross = (x[b] - x[a]) * (y[i] - y[a]) - (y[b] - y[a]) * (x[i] - x[a]);
            if (cross >= 0) {
                vertices.pop_back();
            } else {
                break;
            }
        }
        vertices.push_back(i);
    }
    for (std::size_t v = 0; v + 1 < vertices.size(); ++v) {
        const Eigen::Index a = vertices[v];
        const Eigen::Index b = vertices[v + 1];
        for (Eigen::Index i = a; i <= b; ++i) {
            const double t = (x[b] == x[a]) ? 0.0 : (x[i] - x[a]) / (x[b] - x[a]);
            hull[i] = y[a] + t * (y[b] - y[a]);
        }
    }
    return hull;
}

Eigen::VectorXd continuumRemoved(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
    return y.cwiseQuotient(convexHullContinuum(x, y));
}

}  // namespace specres
