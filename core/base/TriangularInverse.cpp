#include "base/TriangularInverse.h"

#include <Eigen/Dense>

namespace specres {

void invertLowerTriangular(const Eigen::Ref<const Eigen::MatrixXd>& c,
                           Eigen::Ref<Eigen::MatrixXd> w) {
    const Eigen::Index n = c.rows();
    // Below this size the recursion costs more than the flops it saves.
    if (n <= 24) {
        w.setIdentity();
        c.triangularView<Eigen::Lower>().solveInPlace(w);
        return;
    }
    const Eigen::Index h = n / 2, r = n - h;
    invertLowerTriangular(c.topLeftCorner(h, h), w.topLeftCorner(h, h));
    invertLowerTriangular(c.bottomRightCorner(r, r), w.bottomRightCorner(r, r));
    w.topRightCorner(h, r).setZero();
    // Plain products (the zeros above the inverses' diagonals included): one GEMM each, into
    // place, where triangular products went through temporaries that cost more than the
    // multiply-adds they skipped at these sizes.
    thread_local Eigen::MatrixXd t;
    t.noalias() = c.bottomLeftCorner(r, h) * w.topLeftCorner(h, h);
    w.bottomLeftCorner(r, h).noalias() = -w.bottomRightCorner(r, r) * t;
}

}  // namespace specres
