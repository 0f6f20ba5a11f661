#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/Result.h"
#include "data/PairDataset.h"
#include "experiment/PreparedData.h"

namespace specres {

/// Every hyper-parameter of a run, read from a JSON file such as
///   {"preset": "paper",
///    "dataset": {"samples": 10000, "seed": 42, "classes": 10, "train_fraction": 0.5,
///                "validation_fraction": 0.25},
///    "preprocessing": {"mnf": false},
///    "methods": {"GM": {"components": 30}, "DCGM": {"dropout": 0.7, "batch_size": 4}}}
/// The "paper" preset holds the published settings (DCGM dropout 0.7, batches of 4 and
/// fine-tuning of every weight, K = 30, VE batches of 4, no recalibration); "default" keeps
/// SpecRes's own (DCGM batches of 32, dropout chosen from {0.1, 0.3, 0.5, 0.7} by validation
/// NLL, covariance-only fine-tuning; VE dropout from {0, 0.1, 0.3} by validation RMSE). Values in
/// "methods" override the preset; a "dropout" set there is used as it is (the grid is dropped
/// unless "dropout_grid" is set too). Unknown keys are errors, so a typo cannot pass silently.
struct ExperimentConfig {
    std::string preset = "default";
    DatasetOptions dataset;
    PreprocessingOptions preprocessing;
    nlohmann::json methods = nlohmann::json::object();
    /// Post-hoc recalibration of every model's covariance on the validation split ("calibration":
    /// {"recalibrate": …}); unset follows the preset: on in "default", off in "paper".
    std::optional<bool> recalibrate;
    bool recalibrates() const { return recalibrate.value_or(preset != "paper"); }
    /// What recalibration fits ("calibration": {"law": …}): "scale-mixture" (the default; the
    /// law of a covariance scale, so that d² and every joint probability hold on validation
    /// spectra) or "scale" (one factor on Σ, as before that law existed).
    std::string scaleLaw = "scale-mixture";

    /// The options handed to createModel() for one method: preset, then overrides; with MNF
    /// the neural models' output activation becomes the identity (components are unbounded).
    nlohmann::json methodConfig(const std::string& method) const;
    nlohmann::json toJson() const;
};

Result<ExperimentConfig> experimentConfigFromJson(const nlohmann::json& document,
                                                  const std::string& where);
Result<ExperimentConfig> loadExperimentConfig(const std::string& path);

}  // namespace specres
