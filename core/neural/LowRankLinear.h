#pragma once

// Internal to the neural-model library.
#include "neural/TorchSupport.h"

namespace specres {

/// What backward leaves for a dense layer whose weight gradient is never formed: the weight
/// gradient of y = h Wᵀ + b is δᵀ h, of rank B (the batch size) for an m × k matrix, so the
/// optimiser can rebuild each row of it inside its own pass over the weights (see FusedAdam).
/// For the DCGM's C2 decoder (m = n(n−1)/2 ≈ 3,600, k = 256) that saves writing and reading
/// back ~0.9 M gradient values every step, which dominated small-batch epochs.
struct LowRankGradient {
    torch::Tensor outputGradient;  ///< δ: B × m (rows of several backward calls stacked)
    torch::Tensor input;           ///< h: B × k
    bool empty() const { return !outputGradient.defined(); }
    void clear() {
        outputGradient = torch::Tensor();
        input = torch::Tensor();
    }
};

/// y = input · weightᵀ + bias, whose backward returns the input's gradient as usual but hands
/// (δ, input) to `sink` instead of the weight and bias gradients (which stay undefined).
/// `sink` must outlive the backward pass.
torch::Tensor lowRankLinear(const torch::Tensor& input, const torch::Tensor& weight,
                            const torch::Tensor& bias, LowRankGradient* sink);

}  // namespace specres
