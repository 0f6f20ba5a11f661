#pragma once

// Internal to the neural-model library: LibTorch types appear here, never in public headers.
#include <torch/torch.h>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "Result.h"

namespace specres {

/// Uses every core for LibTorch's intra-op work (Debian's build starts with one thread).
void ensureTorchThreads();

torch::Tensor toTensor(const Eigen::MatrixXd& matrix);
Eigen::MatrixXd toMatrix(const torch::Tensor& tensor);

/// All parameters of a module as JSON (name → {shape, data}); float values are stored
/// exactly (every float is a double).
nlohmann::json parametersToJson(torch::nn::Module& module);
/// Loads parameters saved by parametersToJson into a module of the same architecture; names
/// and shapes must match exactly.
Status parametersFromJson(torch::nn::Module& module, const nlohmann::json& document,
                          const std::string& what);

/// Deep copies of a module's parameters (for "restore the best weights").
std::vector<torch::Tensor> snapshot(torch::nn::Module& module);
void restore(torch::nn::Module& module, const std::vector<torch::Tensor>& saved);

}  // namespace specres
