#pragma once

#include <Eigen/Core>
#include <optional>
#include <vector>

#include "ConditionalModel.h"
#include "MnfTransform.h"
#include "RasterPair.h"

namespace specres {

/// Everything the inspection view shows for one pixel, in normalised reflectance.
struct PixelInspection {
    int column = 0;
    int row = 0;
    int neighbourhood = 1;   ///< side of the averaged block (1: the pixel alone)
    int averagedPixels = 1;  ///< valid low-resolution spectra in the block
    std::vector<double> lowWavelengthsUm;
    Eigen::VectorXd low;  ///< the model's input (min–max normalised)
    std::vector<double> highWavelengthsUm;
    Eigen::VectorXd measured;  ///< the measured high-resolution spectrum, NaN where missing
    bool hasPrediction = false;
    Eigen::VectorXd mean;        ///< predicted spectrum (the method's point prediction)
    Eigen::VectorXd stddev;      ///< predictive σ per channel (NaN without a density)
    Eigen::MatrixXd covariance;  ///< predictive Σ (empty without a density)
};

/// Reads one pixel of a pair and, when a model is given, predicts its high-resolution
/// spectrum (back through the MNF when the model works in MNF space). The measured spectrum is
/// normalised over its valid channels, so gaps (nodata, bad bands) stay gaps. Fails with a
/// message when the low-resolution input is missing or flat.
///
/// With neighbourhood 3 or 5, the reflectance of the block centred on the pixel (clipped at the
/// scene's edges) is averaged per channel over the pixels that have it, before normalising:
/// the spectrum of a small area, with less noise than one pixel.
Result<PixelInspection> inspectPixel(const RasterPair& pair, int column, int row,
                                     const ConditionalModel* model,
                                     const std::optional<MnfTransform>& mnf,
                                     int neighbourhood = 1);

/// Correlation matrix of a covariance (NaN where a variance is zero).
Eigen::MatrixXd correlationFromCovariance(const Eigen::MatrixXd& covariance);

}  // namespace specres
