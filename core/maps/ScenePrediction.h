#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "data/MnfTransform.h"
#include "io/SpectralRaster.h"
#include "maps/SceneRows.h"
#include "models/ReflectanceModel.h"

namespace specres {

/// The GeoTIFFs of a whole-scene prediction (empty paths for maps not made).
struct ScenePredictionFiles {
    std::string mean;         ///< predicted spectrum, one band per high-resolution channel
    std::string sigma;        ///< predictive standard deviation per channel
    std::string uncertainty;  ///< band 1: log det Σ, band 2: trace Σ (cross-channel uncertainty)
    /// When the measured spectra are given: band 1 −log p(y | x) per pixel; band 2 the d²
    /// p-value P(D² ≥ d²) under the model's law (one-Gaussian models; NaN for a mixture), an
    /// anomaly map: small where the measured spectrum is far from what the model expected.
    /// The p-value is of Σ alone, without the measured spectra's σ.
    std::string nll;
    std::string rmse;  ///< RMSE of the prediction per pixel, likewise
    std::int64_t predictedPixels = 0;
    std::int64_t skippedPixels = 0;        ///< invalid or flat input (written as NaN)
    bool nllWithMeasurementNoise = false;  ///< the NLL map used the measured spectra's σ
};

/// Predicts every pixel of `low` (already on the output grid) and writes the maps next to
/// `prefix` (PREFIX_mean.tif, PREFIX_sigma.tif, PREFIX_uncertainty.tif, and with `high`
/// PREFIX_nll.tif and PREFIX_rmse.tif), with the grid's georeferencing and the model's
/// wavelengths as band metadata. Values are in normalised reflectance (per-spectrum min–max, as
/// the model was trained); pixels without a usable input are NaN.
///
/// Works strip by strip (runSceneStrips), so memory does not grow with the scene; the files
/// appear complete or not at all (temporary names until the end; a cancel or error removes them).
///
/// With `highSigma` (the measured spectra's per-channel σ on the high grid, EMIT's RFLUNCERT),
/// the NLL map scores each measured spectrum under N(μ, Σ + diag(σ²)), σ in the same normalised
/// units, since a measurement is the true spectrum plus its noise. That needs each pixel's full
/// covariance, so it costs one factorisation per pixel more.
///
/// With `rows`, only those rows are predicted and the maps cover only them (their
/// georeference moved to the first row; SPECRES_ROWS records "first,count" of the whole scene).
Result<ScenePredictionFiles> predictScene(const ReflectanceModel& model,
                                          const std::vector<double>& highWavelengthsUm,
                                          const SpectralRaster& low, const SpectralRaster* high,
                                          const SpectralRaster* highSigma,
                                          const std::string& prefix, Feedback* feedback = nullptr,
                                          SceneRows rows = {});

}  // namespace specres
