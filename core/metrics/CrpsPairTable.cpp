#include "metrics/CrpsPairTable.h"

#include <cmath>
#include <limits>

#include "metrics/ProbabilisticScores.h"

namespace specres {

void CrpsPairTable::reset(Eigen::Index components, Eigen::Index atoms, Eigen::Index channels,
                          bool enabled) {
    components_ = components;
    atoms_ = atoms;
    const Eigen::Index size = components * atoms;
    usable_ = enabled && size > 0 && size * size * channels <= kMaxTerms;
    means_.resize(0, 0);
    sigmas_.resize(0, 0);
    terms_.clear();
    if (!usable_) return;
    const double unset = std::numeric_limits<double>::quiet_NaN();
    means_ = Eigen::MatrixXd::Constant(size, channels, unset);
    sigmas_ = Eigen::MatrixXd::Constant(size, channels, unset);
    terms_.assign(std::size_t(size * size * channels), unset);
}

bool CrpsPairTable::holds(const std::vector<Eigen::Index>& flat, const Eigen::VectorXd& means,
                          const Eigen::VectorXd& sigmas, Eigen::Index j) {
    if (!usable_) return false;
    for (std::size_t a = 0; a < flat.size(); ++a) {
        const Eigen::Index i = Eigen::Index(a);
        double& mean = means_(flat[a], j);
        double& sigma = sigmas_(flat[a], j);
        if (std::isnan(mean)) {
            mean = means[i];
            sigma = sigmas[i];
        } else if (mean != means[i] || sigma != sigmas[i]) {
            usable_ = false;
            terms_ = {};
            return false;
        }
    }
    return true;
}

double CrpsPairTable::term(Eigen::Index p, Eigen::Index q, Eigen::Index j) {
    const Eigen::Index size = components_ * atoms_;
    double& value = terms_[std::size_t((j * size + q) * size + p)];
    if (std::isnan(value))
        value = crpsPairMoment(means_(p, j), sigmas_(p, j), means_(q, j), sigmas_(q, j));
    return value;
}

}  // namespace specres
