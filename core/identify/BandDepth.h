#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "base/Result.h"
#include "models/PredictiveDistribution.h"

namespace specres {

/// A diagnostic absorption: its centre and the two shoulders the continuum is drawn between
/// (µm). Reflectance at each of the three is the mean over the channels within ±halfWidthUm
/// (the nearest channel when none is that close).
struct AbsorptionWindow {
    std::string name;
    double leftUm = 0.0;
    double centreUm = 0.0;
    double rightUm = 0.0;
    double halfWidthUm = 0.006;
};

/// Al-OH (~2.16–2.21 µm), Mg-OH/CO₃ (~2.30–2.35 µm) and the two NH₄ features (2.02, 2.12 µm).
const std::vector<AbsorptionWindow>& defaultAbsorptionWindows();

/// Reads windows from a CSV file with the header name,left_um,centre_um,right_um and optionally
/// half_width_um; errors name the file, line and column.
Result<std::vector<AbsorptionWindow>> readAbsorptionWindows(const std::string& path);

/// Band depth D(y) = 1 − R_c / R_cont, with R_cont the straight continuum between the
/// shoulders at the centre, on given channels. D is a smooth function of y, so its variance
/// under N(μ, Σ) is, to first order, gᵀ Σ g with g = ∇D(μ): every covariance between the
/// centre and the shoulders counts. An independent-channel formula keeps only Σ g_j² Σ_jj.
class BandDepth {
public:
    /// Fails (naming the window) where a centre or shoulder lies outside the channels, or the
    /// shoulders do not enclose the centre.
    static Result<BandDepth> create(const AbsorptionWindow& window,
                                    const std::vector<double>& channelsUm);

    const AbsorptionWindow& window() const { return window_; }
    double depth(const Eigen::VectorXd& y) const;
    Eigen::VectorXd gradient(const Eigen::VectorXd& y) const;

private:
    AbsorptionWindow window_;
    Eigen::VectorXd left_, centre_, right_;  // averaging weights over the channels
    double leftShare_ = 0.5;                 // the left shoulder's weight in the continuum
};

struct BandDepthEstimate {
    std::string name;
    double depth = 0.0;             ///< at the predictive mean
    double sigma = 0.0;             ///< first order, through the full Σ
    double independentSigma = 0.0;  ///< the same with Σ's off-diagonal entries dropped
};

/// Depth and its σ for each feature under a prediction (mixture: its mean and its total
/// covariance, Σ_k w_k (Σ_k + (μ_k − μ)(μ_k − μ)ᵀ), through each component's whitening, so a
/// factored DCGM prediction needs one triangular solve per functional).
std::vector<BandDepthEstimate> estimateBandDepths(const PredictiveDistribution& prediction,
                                                  const std::vector<BandDepth>& features);

}  // namespace specres
