#pragma once

// Internal to the neural-model library.
#include <vector>

#include "neural/DenseKernels.h"
#include "neural/TorchSupport.h"

namespace specres {

class FusedAdam;

/// The dense layers of a Sequential of Linear, ReLU and OwnDropout modules (how the DCGM and the
/// VE build their stacks), each with the OwnDropout that follows it (null where none does).
void stackLayers(const torch::nn::Sequential& stack, std::vector<torch::nn::Linear>& layers,
                 std::vector<OwnDropoutImpl*>& dropout);

/// Back through one dense layer and its Adam update, from ∂loss/∂output (`delta`, batch × the
/// layer's width) and the layer's input: ∂loss/∂input is added into inputGradient (batch × the
/// layer's inputs) unless it is null.
void backwardWithAdam(const AdamConstants& c, FusedAdam& optimiser, const torch::nn::Linear& layer,
                      const float* delta, const float* input, std::int64_t batch,
                      float* inputGradient, KernelIsa isa);

/// A stack of dense ReLU layers, each optionally followed by OwnDropout, trained by a step
/// written out by hand (DiagonalNetworkStep, VariationalStep): forward in training mode and
/// backward with each layer's Adam update, over DenseKernels, in buffers kept between steps.
class DenseTrunk {
public:
    /// dropout: one per layer, null where there is none (missing entries count as null).
    DenseTrunk(std::vector<torch::nn::Linear> layers, std::vector<OwnDropoutImpl*> dropout,
               KernelIsa isa);

    /// The features of x (batch × the first layer's inputs), valid until the next forward. The
    /// dropout masks are drawn as OwnDropout's forward draws them, from the same xoshiro256+
    /// stream, so a step written out and one through autograd drop the same units.
    const float* forward(const float* x, std::int64_t batch);

    /// Given ∂loss/∂features (batch × the last layer's width) in `gradient`, which it uses as
    /// scratch, updates every layer by Adam through `optimiser` and, when inputGradient is not
    /// null, writes ∂loss/∂x there (batch × inputs; zeroed first).
    void backward(const AdamConstants& c, FusedAdam& optimiser, std::vector<float>& gradient,
                  float* inputGradient);

    std::int64_t inputWidth() const;
    std::int64_t outputWidth() const;

private:
    std::vector<torch::nn::Linear> layers_;
    std::vector<OwnDropoutImpl*> dropout_;
    KernelIsa isa_;
    const float* x_ = nullptr;
    std::int64_t batch_ = 0;
    std::vector<std::vector<float>> pre_, post_, keep_;  // per layer, batch × width
    std::vector<float> below_;
};

}  // namespace specres
