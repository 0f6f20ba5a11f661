#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "Evaluation.h"
#include "ExperimentConfig.h"
#include "PreparedData.h"

namespace specres {

/// What a model file keeps beside the weights so that it can predict on new data: the two
/// wavelength grids, the preprocessing (min–max per spectrum; the MNF transform if used), the
/// training configuration, the split's sizes and the held-out metrics.
nlohmann::json makeModelContext(const PreparedData& data, const ExperimentConfig& config,
                                const MethodEvaluation& testMetrics, const std::string& splitPath);

/// Checks that a model's wavelength grids match the data it is asked to predict on (channel
/// count and every centre within 0.5 nm); the message names the model file and the first
/// mismatch.
Status checkModelMatchesData(const nlohmann::json& context,
                             const std::vector<double>& lowWavelengthsUm,
                             const std::vector<double>& highWavelengthsUm,
                             const std::string& modelPath);

/// The stored MNF transform, if the model was trained in MNF space.
Result<std::optional<MnfTransform>> mnfFromContext(const nlohmann::json& context,
                                                   const std::string& modelPath);

}  // namespace specres
