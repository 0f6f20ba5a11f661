#pragma once

// Internal to the neural-model library.
#include <vector>

#include "neural/FusedLinear.h"
#include "neural/TorchSupport.h"

namespace specres {

struct AdamConstants;
struct DenseLayerState;

/// Adam (Kingma & Ba 2015) with the same update as torch.optim.Adam, fused into one pass over
/// each parameter. LibTorch 1.13's C++ Adam makes about ten passes and allocates temporaries per
/// step; the DCGM's C2 decoder alone holds ~0.9 M weights, so at small batch sizes the optimiser
/// step dominated an epoch. Gradients are released after each step ("set to none"), so
/// backward writes them afresh instead of zero-filling and accumulating.
///
/// A step is zeroGrad(), forward, backward, step(). Layers trained through fusedLinear() are
/// updated during backward, with this step's constants; step() updates the others.
class FusedAdam {
public:
    FusedAdam(std::vector<torch::Tensor> parameters, double learningRate, double weightDecay = 0.0,
              double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);

    /// Connects `hook` (which a fusedLinear() layer then carries) to this optimiser. False, and
    /// the hook untouched, when the weight or bias is not among this optimiser's parameters (a
    /// frozen layer: train it through an ordinary linear layer).
    bool addFusedLayer(const torch::Tensor& weight, const torch::Tensor& bias,
                       FusedLayerHook* hook);

    void zeroGrad();
    void step();

    /// For a training step written out by hand (see DiagonalNetworkStep): counts a step and
    /// returns its constants, as step() would use them.
    AdamConstants beginManualStep();
    /// The weight and bias of a dense layer among this optimiser's parameters, with their
    /// moments, for the kernels of DenseKernels. Throws when either is not among them.
    DenseLayerState denseLayer(const torch::Tensor& weight, const torch::Tensor& bias);

    /// Called by fusedLinear()'s backward: applies this step's update to the layer given the
    /// gradient δ of its output for `input`, and fills inputGradient (zeros, or undefined when
    /// not wanted) with δ·W.
    void updateInBackward(FusedLayerHook& hook, const torch::Tensor& delta,
                          const torch::Tensor& input, torch::Tensor& inputGradient);

private:
    AdamConstants constants(long step) const;
    std::size_t find(const torch::Tensor& parameter) const;
    std::vector<torch::Tensor> parameters_;
    std::vector<torch::Tensor> firstMoment_;
    std::vector<torch::Tensor> secondMoment_;
    double learningRate_, weightDecay_, beta1_, beta2_, epsilon_;
    long steps_ = 0;
};

}  // namespace specres
