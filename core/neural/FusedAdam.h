#pragma once

// Internal to the neural-model library.
#include <vector>

#include "neural/LowRankLinear.h"
#include "neural/TorchSupport.h"

namespace specres {

/// Adam (Kingma & Ba 2015) with the same update as torch.optim.Adam, fused into one pass over
/// each parameter. LibTorch 1.13's C++ Adam makes about ten passes and allocates temporaries per
/// step; the DCGM's C2 decoder alone holds ~0.9 M weights, so at small batch sizes the optimiser
/// step dominated an epoch. Gradients are released after each step ("set to none"), so
/// backward writes them afresh instead of zero-filling and accumulating.
class FusedAdam {
public:
    FusedAdam(std::vector<torch::Tensor> parameters, double learningRate, double weightDecay = 0.0,
              double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);

    /// A dense layer trained through lowRankLinear(): its weight gradient δᵀh is formed row by
    /// row inside the Adam pass and its bias gradient is Σ_b δ. Ignored (false) when the weight
    /// is not among this optimiser's parameters (a frozen layer).
    bool addLowRankLayer(const torch::Tensor& weight, const torch::Tensor& bias,
                         LowRankGradient* gradient);

    void zeroGrad();
    void step();

private:
    struct LowRankLayer {
        std::size_t weight;
        std::size_t bias;
        LowRankGradient* gradient;
    };
    void stepLowRank(const LowRankLayer& layer, float lr, float root);
    std::vector<LowRankLayer> lowRank_;
    std::vector<torch::Tensor> parameters_;
    std::vector<torch::Tensor> firstMoment_;
    std::vector<torch::Tensor> secondMoment_;
    double learningRate_, weightDecay_, beta1_, beta2_, epsilon_;
    long steps_ = 0;
};

}  // namespace specres
