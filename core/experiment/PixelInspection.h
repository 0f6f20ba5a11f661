#pragma once

#include <Eigen/Core>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/RasterPair.h"
#include "identify/MineralToolkit.h"
#include "models/ReflectanceModel.h"

namespace specres {

/// The spectra of one pixel, or of the mean of the block around it, read once for every model
/// that will predict from them. Values in normalised reflectance (per-spectrum min–max over the
/// valid channels, so gaps — nodata, bad bands — stay NaN).
struct PixelSpectra {
    int column = 0;
    int row = 0;
    int neighbourhood = 1;   ///< side of the averaged block (1: the pixel alone)
    int averagedPixels = 1;  ///< valid low-resolution spectra in the block
    std::vector<double> lowWavelengthsUm;
    Eigen::VectorXd low;  ///< the models' input (min–max normalised)
    /// Why no model can predict from `low` ("" when it can).
    std::string lowProblem;
    std::vector<double> highWavelengthsUm;
    Eigen::VectorXd measured;  ///< the measured high-resolution spectrum, NaN where missing
    /// The measurement's standard deviation per channel in the same normalised units (the
    /// pair's RFLUNCERT σ over the measured spectrum's min–max range; for a block, the σ of the
    /// block mean); empty when the pair has no uncertainty raster.
    Eigen::VectorXd measuredSigma;
};

/// Which library minerals fit one pixel's prediction, and its band depths.
struct PixelMinerals {
    std::string library;             ///< the library's source
    std::vector<std::string> names;  ///< library order
    Identification identification;
    /// a·ℓ + b of every library spectrum at its best fit (channels × library).
    Eigen::MatrixXd fitted;
    /// Spectral angle of the low-resolution input to each library spectrum on those bands.
    Eigen::VectorXd inputAngles;
    std::vector<BandDepthEstimate> bandDepths;
};

/// p-values below this say that no library mineral fits (shown as such, not as a label).
constexpr double kNoFitPValue = 0.01;

/// Everything the inspection views show for one pixel and one model (or none): the identify
/// result, in the sense of QGIS. Values in normalised reflectance.
struct PixelInspection {
    int column = 0;
    int row = 0;
    int neighbourhood = 1;
    int averagedPixels = 1;
    std::vector<double> lowWavelengthsUm;
    Eigen::VectorXd low;
    std::vector<double> highWavelengthsUm;
    Eigen::VectorXd measured;
    Eigen::VectorXd measuredSigma;  ///< as PixelSpectra::measuredSigma
    /// log p(measured | x) under the prediction, and under the prediction plus the measurement
    /// noise, N(μ, Σ + diag(σ²)) — what a measured EMIT spectrum should be scored against. NaN
    /// without a density, with gaps in the measured spectrum, or (the second) without σ.
    double measuredLogDensity = std::numeric_limits<double>::quiet_NaN();
    double measuredLogDensityWithNoise = std::numeric_limits<double>::quiet_NaN();
    std::string model;  ///< the predicting model's label ("" without a model)
    bool hasPrediction = false;
    Eigen::VectorXd mean;        ///< predicted spectrum (the method's point prediction)
    Eigen::VectorXd stddev;      ///< predictive σ per channel (NaN without a density)
    Eigen::MatrixXd covariance;  ///< predictive Σ (empty without a density)
    Eigen::MatrixXd precision;  ///< Σ⁻¹, from the predicted precision factor where there is one
    /// kInspectionSamples spectra drawn from the predictive distribution (one per row): what a
    /// full covariance means, as feasible alternatives. Seeded by the model and the pixel, so
    /// the same click always draws the same lines. Empty without a density.
    Eigen::MatrixXd samples;
    /// With a mineral toolkit and a model with a density: the identification.
    std::optional<PixelMinerals> minerals;
    std::string mineralsProblem;  ///< why there are no minerals despite a toolkit ("" if none)
};

/// Draws kept per inspection (the views show 10 or all 30).
constexpr int kInspectionSamples = 30;

/// Reads one pixel of a pair. With neighbourhood 3 or 5, the reflectance of the block centred
/// on the pixel (clipped at the scene's edges) is averaged per channel over the pixels that have
/// it, before normalising: the spectrum of a small area, with less noise than one pixel.
/// Fails outside the raster or for an even neighbourhood.
Result<PixelSpectra> readPixelSpectra(const RasterPair& pair, int column, int row,
                                      int neighbourhood = 1);

/// The inspection of spectra already read, with one model's prediction when a model is given,
/// and the minerals that fit it when a toolkit is given too (the channels must be the
/// toolkit's). Fails when the model cannot predict (no usable input, a failing model).
Result<PixelInspection> inspectSpectra(const PixelSpectra& spectra, const ReflectanceModel* model,
                                       const MineralToolkit* minerals = nullptr);

/// Both steps for one model: read, then predict.
Result<PixelInspection> inspectPixel(const RasterPair& pair, int column, int row,
                                     const ReflectanceModel* model, int neighbourhood = 1);

/// Correlation matrix of a covariance (NaN where a variance is zero).
Eigen::MatrixXd correlationFromCovariance(const Eigen::MatrixXd& covariance);

}  // namespace specres
