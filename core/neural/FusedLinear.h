#pragma once

// Internal to the neural-model library.
#include "neural/TorchSupport.h"

namespace specres {

class FusedAdam;

/// Where a dense layer trained by fusedLinear() finds its optimiser: set by
/// FusedAdam::addFusedLayer, read by the layer's backward pass.
struct FusedLayerHook {
    FusedAdam* optimiser = nullptr;
    std::size_t weight = 0;  ///< indices among the optimiser's parameters
    std::size_t bias = 0;
    long updatedAtStep = -1;  ///< the last step whose update this layer has made
};

/// y = input · weightᵀ + bias for a large dense layer trained by Adam, with the update done
/// inside backward: one pass over W computes the input's gradient δ·W (with W as it was), forms
/// the weight gradient δᵀx a block of rows at a time in cache and applies Adam to those rows
/// (see DenseKernels). The weight and bias gradients are never formed, so they stay undefined.
/// For the DCGM's C2 decoder (n(n−1)/2 ≈ 3,600 × 256 ≈ 0.9 M weights) this replaces three
/// BLAS calls that each packed all of W, a gradient array written and read back, and a separate
/// optimiser pass. The layer may be used once per step (a second use throws); the hook and its
/// optimiser must outlive the backward pass.
torch::Tensor fusedLinear(const torch::Tensor& input, const torch::Tensor& weight,
                          const torch::Tensor& bias, FusedLayerHook* hook);

}  // namespace specres
