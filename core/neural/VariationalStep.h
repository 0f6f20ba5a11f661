#pragma once

// Internal to the neural-model library.
#include <vector>

#include "models/CovarianceType.h"
#include "neural/DenseTrunk.h"
#include "neural/TrainingLoop.h"

namespace specres {

/// The VE's layers: an encoder trunk, the latent mean and scale heads, a decoder trunk and the
/// output layer (sigmoid or identity). The scale head gives log-variances (one, or one per
/// latent dimension), or for a full latent covariance the log-variances and then the strictly
/// lower entries of the factor L, row by row.
struct VariationalParts {
    std::vector<torch::nn::Linear> encoder;
    std::vector<OwnDropoutImpl*> encoderDropout;
    torch::nn::Linear latentMean{nullptr};
    torch::nn::Linear latentScale{nullptr};
    std::vector<torch::nn::Linear> decoder;
    std::vector<OwnDropoutImpl*> decoderDropout;
    torch::nn::Linear output{nullptr};
    CovarianceType type = CovarianceType::Diagonal;
    bool sigmoidOutput = true;
    float klWeight = 1e-3f;
    at::Generator* noise = nullptr;  ///< ε of the reparameterised samples
};

/// One training step of the VE written out over DenseKernels (see DiagonalNetworkStep): the
/// encoder, a reparameterised sample z = μ + L ε with ε drawn from the network's own noise
/// generator as its sample() draws it, the decoder, the loss ‖ŷ − y‖² + w·KL(q(z|x) ‖ N(0, I))
/// averaged over the batch, and backward with Adam. Agrees with autograd and Adam to float
/// rounding (test_fused_adam).
class VariationalStep {
public:
    explicit VariationalStep(VariationalParts parts, KernelIsa isa = KernelIsa::Automatic);
    ManualStepResult operator()(const torch::Tensor& x, const torch::Tensor& y,
                                FusedAdam& optimiser);

private:
    void sample(std::int64_t batch);
    ManualStepResult reconstructionDeltas(const float* y, std::int64_t batch);
    void latentDeltas(std::int64_t batch);

    VariationalParts parts_;
    KernelIsa isa_;
    DenseTrunk encoder_, decoder_;
    std::int64_t latent_;
    std::vector<float> meanPre_, scalePre_, noise_, z_, kl_, outputPre_, prediction_;
    std::vector<float> outputDelta_, decoderGradient_, zGradient_, meanDelta_, scaleDelta_,
        encoderGradient_;
};

}  // namespace specres
