#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "io/SpectralRaster.h"
#include "maps/SceneMaps.h"

namespace specres {

/// What a scene run reads, all on one grid: the low-resolution input and, optionally, the
/// measured high-resolution spectra (a pixel is then usable only where both are valid) and
/// their σ (EMIT's RFLUNCERT, on the measured raster's grid and channels).
struct SceneSources {
    const SpectralRaster* low = nullptr;
    const SpectralRaster* high = nullptr;
    const SpectralRaster* highSigma = nullptr;
};

/// One strip of a scene, read and prepared as every model expects it.
struct SceneStrip {
    int row = 0;  ///< its first row, counted from the run's first row (SceneMaps::rows().first)
    int rows = 0;
    int width = 0;
    std::int64_t pixels() const { return std::int64_t(width) * rows; }
    /// The strip's pixels (row-major within it) with a valid input, in order; the rows of
    /// x, y, sigma and accepted follow them.
    std::vector<std::int64_t> usable;
    /// Inputs scaled per spectrum to [0, 1] (min–max, as the models were trained); a flat one
    /// cannot be scaled and is set to 0.5 so that batches stay whole (not accepted).
    Eigen::MatrixXd x;
    Eigen::MatrixXd y;      ///< the measured spectra, scaled likewise (with a high raster)
    Eigen::MatrixXd sigma;  ///< their σ divided by the spectrum's max − min (with highSigma)
    std::vector<std::uint8_t> accepted;  ///< 1 where x (and y) could be scaled
};

/// A map's work on one strip: fill the maps' buffers for strip.usable; `feedback` spans the
/// strip (its progress [0, 1] maps onto the strip's share, and it is cancelled with the run).
using StripWork = std::function<Status(const SceneStrip& strip, Feedback& feedback)>;

/// The one loop under every scene map: for each strip of sceneStripRows rows of maps.rows(),
/// read the sources, keep the usable pixels, scale them, let `work` fill the buffers, write them;
/// progress under `stage`; a cancel between strips or inside the work stops it with
/// kCancelledMessage. It does not commit: the caller may write more files first.
Status runSceneStrips(const SceneSources& sources, SceneMaps& maps, const std::string& stage,
                      Feedback* feedback, const StripWork& work);

}  // namespace specres
