#pragma once

// Internal to the neural-model library.
#include <vector>

#include "neural/DenseKernels.h"
#include "neural/DenseTrunk.h"
#include "neural/TorchSupport.h"
#include "neural/TrainingLoop.h"

namespace specres {

class FusedAdam;

/// A network with a trunk of dense ReLU layers (each optionally followed by OwnDropout) and two
/// dense heads on its last features: the mean μ (sigmoid or identity) and the precision's
/// diagonal C_ii = softplus(·) + λ (one value per sample for a spherical model).
struct DiagonalNetworkParts {
    std::vector<torch::nn::Linear> hidden;
    std::vector<OwnDropoutImpl*> dropout;  ///< one per hidden layer; null where there is none
    torch::nn::Linear mean{nullptr};
    torch::nn::Linear diagonal{nullptr};
    bool sigmoidMean = true;
    float floor = 1e-3f;
};

/// One training step (forward, the Gaussian NLL ½‖C(y − μ)‖² − Σ log C_ii + (n/2) log 2π,
/// backward, Adam) of the DCGM with a diagonal or spherical precision, written out over
/// DenseKernels as the C2 decoder's step is. LibTorch's autograd spent half of each ~1 ms step
/// of these small networks dispatching ~100 operations and allocating their results; here one
/// pass per layer each way works in buffers kept between steps. The dropout masks come from
/// each OwnDropout's own generator, drawn as its forward draws them, so the random stream is
/// the one autograd training sees; values agree with autograd and Adam to float rounding
/// (test_fused_adam).
class DiagonalNetworkStep {
public:
    explicit DiagonalNetworkStep(DiagonalNetworkParts parts, KernelIsa isa = KernelIsa::Automatic);
    /// x: batch × inputs, y: batch × outputs (float, contiguous). Updates the parts' weights
    /// through `optimiser`, whose parameters must include all of them.
    ManualStepResult operator()(const torch::Tensor& x, const torch::Tensor& y,
                                FusedAdam& optimiser);

private:
    ManualStepResult lossAndHeadDeltas(const float* y, std::int64_t batch);

    DiagonalNetworkParts parts_;
    KernelIsa isa_;
    DenseTrunk trunk_;
    std::vector<float> meanPre_, diagonalPre_, meanDelta_, diagonalDelta_, gradient_;
};

}  // namespace specres
