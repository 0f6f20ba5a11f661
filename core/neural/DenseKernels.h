#pragma once

// Internal to the neural-model library: the inner loops of a dense layer's training step on
// plain row-major float arrays, with no LibTorch header, built three times (for any x86-64, for
// AVX2 + FMA and for AVX-512) and chosen at run time, so one portable binary runs at the
// machine's width. The AVX2 and AVX-512 builds give the same bits (DenseKernelsImpl.h says why).
#include <cstdint>

namespace specres {

struct AdamConstants {
    float beta1, beta2, epsilon;
    float stepSize;          ///< learning rate / (1 − β₁ᵗ)
    float secondCorrection;  ///< √(1 − β₂ᵗ)
    float weightDecay;
};

/// The moments of one dense layer y = x Wᵀ + b (W: rows × cols) and where its update goes.
struct DenseLayerState {
    float* weight;
    float* weightFirst;
    float* weightSecond;
    float* bias;
    float* biasFirst;
    float* biasSecond;
    std::int64_t rows;
    std::int64_t cols;
};

/// Which instruction set the kernels use. Automatic picks the widest this CPU runs.
enum class KernelIsa { Automatic, Generic, Avx2, Avx512 };

/// The instruction set Automatic resolves to on this machine.
KernelIsa bestKernelIsa();
const char* kernelIsaName(KernelIsa isa);

/// The Adam update of `count` elements, as torch.optim.Adam computes it.
void adamUpdate(const AdamConstants& c, const float* gradient, float* weight, float* firstMoment,
                float* secondMoment, std::int64_t count, KernelIsa isa = KernelIsa::Automatic);

/// out (batch × rows) = input (batch × cols) · Wᵀ + b for output columns [begin, end). One pass
/// over W's rows with every sample at once: no packed copy of W (a BLAS packs all of W on each
/// call, which costs more than the products at the DCGM's batch sizes).
void denseForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                  std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                  float* out, KernelIsa isa = KernelIsa::Automatic);

/// out (batch × rows) = input · Wᵀ + b for a batch of any size, blocked so that W and the inputs
/// stay in cache. Every output is one dot product over the whole shared dimension, in one fixed
/// order, so its value depends on its own input row and W alone: not on the batch size, on where
/// the row sits in the batch, on the blocking or on what runs on other threads. Inference (scene
/// maps, scoring, a clicked pixel) goes through here so that a pixel's prediction is the same bits
/// in a tile, a whole scene or a batch task; a BLAS's GEMM gives no such promise (its kernels
/// handle a block's edge rows differently, and their choice depends on the shapes and threads).
void invariantDense(const float* input, std::int64_t batch, const float* weight, const float* bias,
                    std::int64_t rows, std::int64_t cols, float* out,
                    KernelIsa isa = KernelIsa::Automatic);

/// The backward pass and Adam step of a dense layer fused into one pass over rows [begin, end)
/// of W and its moments, given δ = ∂loss/∂y (batch × rows):
///  - when inputGradient is not null, adds δ·W (with W before this step's update) to it
///    (batch × cols, the caller zeroes it);
///  - updates W and b by Adam with the gradients δᵀx and Σ_b δ, formed a block of rows at a
///    time in cache, never as a rows × cols array.
void denseBackwardAdam(const AdamConstants& c, const float* delta, const float* input,
                       std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,
                       std::int64_t end, float* inputGradient,
                       KernelIsa isa = KernelIsa::Automatic);

/// post = max(pre, 0) · keep (keep: a dropout mask, or null for none) over `count` elements,
/// without a branch per element (a ReLU's signs are random: branches mispredicted half the time).
void reluDropoutForward(const float* pre, const float* keep, float* post, std::int64_t count,
                        KernelIsa isa = KernelIsa::Automatic);
/// Back through the same: gradient = (pre > 0 ? gradient : 0) · keep, in place.
void reluDropoutBackward(const float* pre, const float* keep, float* gradient, std::int64_t count,
                         KernelIsa isa = KernelIsa::Automatic);

}  // namespace specres
