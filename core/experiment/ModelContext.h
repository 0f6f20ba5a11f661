#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/MnfTransform.h"
#include "experiment/ExperimentConfig.h"
#include "identify/FitCalibration.h"
#include "metrics/Evaluation.h"

namespace specres {

/// What a model file keeps beside the weights so that it can predict on new data: the two
/// wavelength grids, the preprocessing (min–max per spectrum always; the MNF transform if the
/// model learnt MNF components), the training configuration, the split's sizes and the
/// held-out metrics. JSON only at the file boundary; fromJson validates every field.
struct ModelContext {
    std::vector<double> lowWavelengthsUm;
    std::vector<double> highWavelengthsUm;
    /// The high-resolution channels' FWHM where the training raster gave them (empty, or NaN
    /// entries, where not): how library spectra are resampled to these channels.
    std::vector<double> highFwhmUm;
    std::optional<MnfTransform> mnf;
    ExperimentConfig config;
    std::string splitFile;  ///< the split file trained on ("" when drawn in the run)
    std::size_t trainCount = 0;
    std::size_t validationCount = 0;
    std::size_t testCount = 0;
    double testRmse = 0.0;
    std::optional<double> testNll;
    /// Post-hoc recalibration fitted on the validation split (absent: none; scale 1).
    std::optional<CovarianceScaleFit> recalibration;
    ScaleMixture scaleLaw() const { return recalibration ? recalibration->law : ScaleMixture(); }
    /// The law of a library's fits learned from labelled pixels (absent: p-values under the
    /// law of d²); see `specres-cli calibrate-fits`.
    std::optional<LibraryFitCalibration> fitCalibration;

    static ModelContext fromData(const PreparedData& data, const ExperimentConfig& config,
                                 const MethodEvaluation& testMetrics, const std::string& splitPath);
    nlohmann::json toJson() const;
    /// Reads and checks a stored context; the message names the model file and the field.
    static Result<ModelContext> fromJson(const nlohmann::json& document,
                                         const std::string& modelPath);

    /// Checks the wavelength grids against the data a model is asked to predict on (channel
    /// count and every centre within 0.5 nm); the message names the model file and the first
    /// mismatch.
    Status checkMatches(const std::vector<double>& lowWavelengthsUm,
                        const std::vector<double>& highWavelengthsUm,
                        const std::string& modelPath) const;
};

/// A scale law as the files hold it: {"scales": […], "weights": […]} (model files' recalibration,
/// results' rows).
nlohmann::json scaleLawToJson(const ScaleMixture& law);

}  // namespace specres
