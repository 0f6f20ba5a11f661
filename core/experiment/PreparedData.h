#pragma once

#include <optional>
#include <vector>

#include "base/Feedback.h"
#include "data/MnfTransform.h"
#include "data/PixelSplit.h"
#include "data/RasterPair.h"
#include "models/ConditionalModel.h"
#include "models/ReflectanceModel.h"

namespace specres {

struct PreprocessingOptions {
    /// Models learn the high-resolution spectra as MNF components (noise-whitened PCA fitted on
    /// the training pixels); every metric is still reported in normalised reflectance.
    bool mnf = false;
};

/// The spectra of a split, ready for the models: per-spectrum min–max-normalised x and y,
/// y optionally in MNF space.
struct PreparedData {
    SpectraSet train;                       ///< model space
    SpectraSet validation;                  ///< model space
    SpectraSet test;                        ///< model space
    Eigen::MatrixXd testReflectance;        ///< normalised test y, where metrics are computed
    Eigen::MatrixXd validationReflectance;  ///< normalised validation y (recalibration)
    std::optional<MnfTransform> mnf;
    std::vector<double> lowWavelengthsUm;
    std::vector<double> highWavelengthsUm;
    std::vector<double> highFwhmUm;  ///< NaN where the raster does not say
    PixelSplit split;
};

/// Reads and normalises the split's spectra; fits the MNF on the training pixels (with noise
/// from their right-hand neighbours) when asked. A pixel that is flat or invalid is an error
/// that names it.
Result<PreparedData> prepareData(const RasterPair& pair, const PixelSplit& split,
                                 const PreprocessingOptions& options, Feedback* feedback = nullptr);

/// Normalises one set of raw spectra the way prepareData does (x and y min–max per spectrum).
Status normaliseSpectra(Eigen::MatrixXd& spectra, const std::vector<std::int64_t>& pixels,
                        int width, const std::string& what);

/// Evaluates a model trained on `data` on its test spectra, in normalised reflectance space
/// (the model carries the same MNF as the data, if any).
Result<struct MethodEvaluation> evaluateInReflectance(const ReflectanceModel& model,
                                                      const PreparedData& data);

}  // namespace specres
