#pragma once

#include <Eigen/Core>
#include <vector>

namespace specres {

/// The mixture CRPS's pair terms A(μ_a − μ_b, σ_a² + σ_b²) (crpsPairMoment) for every pair of
/// entries of one channel, kept from spectrum to spectrum. An entry is a (component, atom) of a
/// mixture under a scale law, numbered component · atoms + atom.
///
/// Where a method's components do not move with x (GM with spherical or diagonal covariances:
/// within a component x and y are independent, so only the weights depend on x), the terms are
/// the same numbers for every spectrum, and their O(K²) error functions per channel were most of
/// GM's scoring. Before a term is read, holds() compares each entry's mean and σ with those the
/// table was filled from: a method whose components move with x loses the table at its second
/// spectrum, and its caller computes every term as before. A term read from the table is the
/// number crpsPairMoment gives for the same entries, so the scores keep their bits.
class CrpsPairTable {
public:
    /// Empties the table for mixtures of `components` × `atoms` entries over `channels`; a table
    /// that would exceed kMaxTerms (16 MB), or `enabled` false, is never used.
    void reset(Eigen::Index components, Eigen::Index atoms, Eigen::Index channels, bool enabled);
    /// Whether the table was last reset for this shape.
    bool fits(Eigen::Index components, Eigen::Index atoms) const {
        return components == components_ && atoms == atoms_;
    }
    /// Whether channel j's entries `flat` hold these means and σ (element a of each belongs to
    /// entry flat[a]); entries seen for the first time take them. The first difference drops
    /// the table for good.
    bool holds(const std::vector<Eigen::Index>& flat, const Eigen::VectorXd& means,
               const Eigen::VectorXd& sigmas, Eigen::Index j);
    /// The pair term of entries p < q of channel j, computed the first time it is asked for.
    /// Only after holds() was true for both.
    double term(Eigen::Index p, Eigen::Index q, Eigen::Index j);
    /// Whether the table is still in use (false once a mean or σ moved).
    bool usable() const { return usable_; }

    static constexpr Eigen::Index kMaxTerms = Eigen::Index(1) << 21;

private:
    Eigen::Index components_ = -1, atoms_ = -1;
    bool usable_ = false;
    Eigen::MatrixXd means_, sigmas_;  // entry × channel; NaN where not seen yet
    std::vector<double> terms_;       // channel × entry q × entry p; NaN where not computed
};

}  // namespace specres
