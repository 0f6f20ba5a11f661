#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/ConditionalModel.h"
#include "models/ModelFile.h"

namespace specres {

/// The method names, in the order of the paper's table.
const std::vector<std::string>& methodNames();

/// Creates an unfitted model of any method: G, GM, UGM, VE or DCGM. config holds the
/// method's options (see GM's MixtureFitOptions, DcgmConfig, VariationalEncoderConfig).
Result<std::unique_ptr<ConditionalModel>> createModel(const std::string& method,
                                                      CovarianceType covariance,
                                                      const nlohmann::json& config = {});

/// The LibTorch version the neural models run on (for run records).
std::string libtorchVersion();

/// Loads a model file of any method.
Result<StoredModel> loadModel(const std::string& path);

}  // namespace specres
