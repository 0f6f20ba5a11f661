#pragma once

#include <Eigen/Core>

#include "base/Result.h"

namespace specres {

class DeterministicRandom;

/// The law of a prediction's covariance scale w: y = μ + √w G z (G Gᵀ = Σ, z standard normal),
/// so that p(y) = Σ_k π_k N(y; μ, s_k Σ) and d² = (y − μ)ᵀ Σ⁻¹ (y − μ) is distributed as
/// w χ²_n. One atom w = s is the Gaussian with Σ scaled by s (s = 1: the model as trained).
/// Several atoms make an elliptical law — a Gaussian scale mixture — whose d² can follow what
/// held-out spectra show (most spectra closer than χ²_n says, a tail far beyond it) while every
/// joint probability stays in closed form: the mixture's density, the law of d² or of any
/// residual d² with fewer degrees of freedom (a fit of p parameters leaves w χ²_{n−p}), and
/// draws (w first, then the Gaussian).
class ScaleMixture {
public:
    /// w = 1: the model as trained.
    ScaleMixture();
    /// w = scale: Σ scaled by one factor.
    explicit ScaleMixture(double scale);
    /// Fails unless there are as many scales as weights (at least one), all finite and
    /// positive, and the weights sum to 1 within 1e-6 (they are then renormalised).
    static Result<ScaleMixture> create(const Eigen::VectorXd& scales,
                                       const Eigen::VectorXd& weights);

    const Eigen::VectorXd& scales() const { return scales_; }
    const Eigen::VectorXd& weights() const { return weights_; }
    Eigen::Index size() const { return scales_.size(); }
    bool isSingle() const { return scales_.size() == 1; }
    bool isIdentity() const { return isSingle() && scales_[0] == 1.0; }
    /// E w: the law's covariance is E w · Σ.
    double meanScale() const { return meanScale_; }

    /// log p(y) from d² and log det Σ (of the unscaled Σ) over n channels.
    double logDensity(double squaredDistance, double logDeterminant, double n) const;
    /// P(w χ²_dof ≤ value), its upper tail (a p-value, accurate where it is tiny) and its
    /// quantile (by bisection on the CDF, relative accuracy 1e-10).
    double cdf(double value, double dof) const;
    double survival(double value, double dof) const;
    double quantile(double probability, double dof) const;
    /// One draw of w (consumes one uniform number; none for a single atom).
    double draw(DeterministicRandom& random) const;

private:
    /// Σ_k π_k of the regularised lower (or upper) incomplete Γ at value / s_k.
    double weightedGamma(double value, double dof, bool upper) const;

    Eigen::VectorXd scales_;
    Eigen::VectorXd weights_;
    double meanScale_ = 1.0;
};

}  // namespace specres
