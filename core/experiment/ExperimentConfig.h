#pragma once

#include <nlohmann/json.hpp>
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
/// The "paper" preset holds the published settings (DCGM dropout 0.7 and batches of 4, K = 30,
/// VE batches of 4); "default" keeps SpecRes's faster defaults (DCGM batches of 32). Values in
/// "methods" override the preset. Unknown keys are errors, so a typo cannot pass silently.
struct ExperimentConfig {
    std::string preset = "default";
    DatasetOptions dataset;
    PreprocessingOptions preprocessing;
    nlohmann::json methods = nlohmann::json::object();

    /// The options handed to createModel() for one method: preset, then overrides; with MNF
    /// the neural models' output activation becomes the identity (components are unbounded).
    nlohmann::json methodConfig(const std::string& method) const;
    nlohmann::json toJson() const;
};

Result<ExperimentConfig> experimentConfigFromJson(const nlohmann::json& document,
                                                  const std::string& where);
Result<ExperimentConfig> loadExperimentConfig(const std::string& path);

}  // namespace specres
