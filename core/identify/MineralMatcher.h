#pragma once

#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "base/Result.h"
#include "identify/FitCalibration.h"
#include "identify/LibraryResampling.h"
#include "models/PredictiveDistribution.h"

namespace specres {

struct MatchOptions {
    /// Prior probability of each library spectrum (normalised on use); empty: uniform.
    std::vector<double> priors;
    /// The library never holds the exact spectrum of a pixel (grain size, mixing, the library's
    /// own sample), so the best fit's χ² usually exceeds its n − 2 degrees of freedom. With
    /// `dispersion`, Σ is inflated for the posterior by φ = max(1, χ²_best / (n − 2)) — the
    /// Birge ratio of weighted least squares — so the posterior does not claim certainty the
    /// residuals deny. The p-values always use the unscaled Σ.
    bool dispersion = true;
    /// Also fit every two-mineral linear mixture (non-negative gains); the posterior then
    /// weighs single minerals and pairs (Schwarz evidence, half the prior on each kind) and
    /// answers which mineral dominates the pixel.
    bool pairs = true;
};

/// How well one library spectrum ℓ explains the prediction: the best a·ℓ + b (a ≥ 0) under
/// the predictive density.
struct MineralFit {
    double gain = 0.0;
    double offset = 0.0;
    /// (μ − aℓ − b)ᵀ Σ⁻¹ (μ − aℓ − b) at the fit; for a mixture prediction, the
    /// responsibility-weighted sum over components.
    double chiSquared = 0.0;
    double logDensity = 0.0;  ///< best log p(a·ℓ + b)
    /// P(χ² ≥ chiSquared) under the law of the right mineral's fit: learned from labelled pure
    /// pixels where the model carries a LibraryFitCalibration for this library, else the
    /// model's law of d² on n − 2 degrees of freedom. Small says "this is not ℓ".
    double pValue = 0.0;
    /// Probability that this is the pixel's mineral — with pairs, its dominant mineral — given
    /// that the library holds it.
    double posterior = 0.0;
    double angle = 0.0;  ///< spectral angle between μ and ℓ (radians), both min–max scaled
};

/// The best two-mineral mixture a₁ℓ₁ + a₂ℓ₂ + b (a₁, a₂ > 0).
struct MineralPair {
    int first = -1;
    int second = -1;
    double fraction = 0.0;       ///< a₁ / (a₁ + a₂): the first mineral's share of the mixture
    double fractionSigma = 0.0;  ///< its standard deviation (delta method, dispersion included)
    double firstGain = 0.0, secondGain = 0.0, offset = 0.0;
    double chiSquared = 0.0;
    /// P(χ²_{n−3} ≥ chiSquared) under the model's law, or the learned law of a fit where the
    /// identification is calibrated (which a pair of right minerals meets with room to spare).
    double pValue = 0.0;
    /// P(χ²_1 ≥ χ²_best single − χ²_pair): small when the second mineral is really needed.
    double improvementPValue = 1.0;
};

struct Identification {
    std::vector<MineralFit> fits;  ///< in library order
    std::vector<int> ranking;      ///< library indices, most probable first
    double dispersion = 1.0;       ///< φ applied to the posterior
    int degreesOfFreedom = 0;      ///< n − 2
    /// Whether the fits' p-values and the posterior came from a LibraryFitCalibration, and
    /// from how many labelled pure pixels its law was learned.
    bool calibrated = false;
    std::int64_t calibrationPixels = 0;
    std::optional<MineralPair> pair;
    bool pairsTried = false;  ///< whether two-mineral mixtures were fitted
    /// The p-value of "some library mineral (or pair) fits": calibrated, the conformal one of
    /// leastChiSquared() against the law learned at pure pixels; otherwise the largest of the
    /// fits' own p-values.
    double anyFitPValue = 1.0;

    int best() const { return ranking.empty() ? -1 : ranking.front(); }
    /// The least χ² of the single fits and, where pairs were tried, the best pair's.
    double leastChiSquared() const;
    /// "No library mineral fits" at level α: anyFitPValue < α.
    bool noMineralFits(double alpha) const { return anyFitPValue < alpha; }
    int runnerUp() const { return ranking.size() > 1 ? ranking[1] : -1; }
};

/// Ranks library minerals by how plausible each is under a predicted N(μ, Σ) (or a mixture of
/// them): a generalised least-squares fit of a·ℓ + b weighted by Σ⁻¹, through each component's
/// whitening W (WᵀW = Σ⁻¹; for the DCGM W = Cᵀ from its precision factor, never an inverse).
/// All fits of one pixel come from one small Gram matrix of the whitened [ℓ₁ … ℓ_L, 1, μ].
/// For a mixture the best (a, b) of the mixture density is found by EM from every component's
/// own fit.
class MineralMatcher {
public:
    static Result<MineralMatcher> create(ResampledLibrary library, MatchOptions options = {});

    const ResampledLibrary& library() const { return library_; }
    const MatchOptions& options() const { return options_; }

    /// Fails for a prediction without a density (VE) or of another channel count. With a
    /// calibration learned for this library on these channels, the single fits' p-values are
    /// its conformal ones and the posterior is tempered by it; one learned for another library
    /// is not used (Identification::calibrated says which).
    Result<Identification> identify(const PredictiveDistribution& prediction,
                                    const LibraryFitCalibration* calibration = nullptr) const;

    /// a·ℓ + b of a fit, on the channels: what the chart draws.
    Eigen::VectorXd fittedSpectrum(int index, const MineralFit& fit) const;

private:
    MineralMatcher() = default;
    ResampledLibrary library_;
    MatchOptions options_;
    Eigen::VectorXd logPriors_;
};

/// Spectral angles (radians) between `spectrum` and every column of `library`, each min–max
/// scaled first (the offset- and gain-free comparison of SAM in the models' own units). NaN
/// where a spectrum is flat.
Eigen::VectorXd spectralAngles(const Eigen::VectorXd& spectrum, const Eigen::MatrixXd& library);

}  // namespace specres
