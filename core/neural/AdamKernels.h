#pragma once

// Internal to the neural-model library: the optimiser's inner loops on plain arrays, compiled
// apart from LibTorch's headers so that they can be built for vectorisation (see CMakeLists).
#include <cstdint>

namespace specres {

struct AdamConstants {
    float beta1, beta2, epsilon;
    float stepSize;          ///< learning rate / (1 − β₁ᵗ)
    float secondCorrection;  ///< √(1 − β₂ᵗ)
    float weightDecay;
};

/// The Adam update of `count` elements, as torch.optim.Adam computes it.
void adamUpdate(const AdamConstants& c, const float* gradient, float* weight, float* firstMoment,
                float* secondMoment, std::int64_t count);

/// Adam over rows [begin, end) of a dense layer whose weight gradient is δᵀh (δ: batch × rows,
/// h: batch × cols, both row-major) and bias gradient Σ_b δ: the gradient is formed a block of
/// rows at a time in a buffer that stays in cache, never as a whole rows × cols array.
void lowRankAdamUpdate(const AdamConstants& c, const float* delta, const float* input,
                       std::int64_t batch, std::int64_t rows, std::int64_t cols, std::int64_t begin,
                       std::int64_t end, float* weight, float* weightFirst, float* weightSecond,
                       float* bias, float* biasFirst, float* biasSecond);

}  // namespace specres
