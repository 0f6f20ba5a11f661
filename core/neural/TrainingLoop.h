#pragma once

// Internal to the neural-model library: mini-batch Adam with early stopping, shared by the
// DCGM and the VE.
#include <chrono>
#include <functional>
#include <string>
#include <utility>

#include "base/Feedback.h"
#include "base/Result.h"
#include "models/ConditionalModel.h"
#include "neural/FusedLinear.h"
#include "neural/TorchSupport.h"

namespace specres {

struct TrainingSettings {
    int batchSize = 32;
    int maxEpochs = 400;
    int patience = 20;
    double learningRate = 1e-3;
    double weightDecay = 0.0;
};

/// A mini-batch's loss (what the optimiser minimises, averaged over the batch) and the point
/// predictions, for the RMSE shown beside it.
struct BatchOutput {
    torch::Tensor loss;
    torch::Tensor prediction;
};

class FusedAdam;

/// What a training step written out by hand reports (see TrainingLoop::setManualStep).
struct ManualStepResult {
    double loss = 0.0;          ///< the batch's mean loss
    double squaredError = 0.0;  ///< Σ (y − prediction)² over the batch, for the RMSE beside it
};
/// Trains on one batch and updates the weights through the optimiser.
using ManualStep =
    std::function<ManualStepResult(const torch::Tensor& x, const torch::Tensor& y, FusedAdam&)>;

struct PhaseResult {
    double bestValidationLoss = 0.0;
    int epochs = 0;
    int bestEpoch = 0;  ///< the epoch (of this phase) whose weights were kept
    bool stoppedEarly = false;
    bool gaveUp = false;  ///< stopped by the give-up rule (see setGiveUp)
};

/// A validation pass written out by the model: the mean loss over the validation spectra and
/// Σ (y − prediction)² (see TrainingLoop::setValidation).
using ValidationPass =
    std::function<std::pair<double, double>(const torch::Tensor& x, const torch::Tensor& y)>;

/// Asked after every epoch with the phase's epoch count and its best validation loss so far;
/// true ends the phase as hopeless (a candidate in a search that cannot win).
using GiveUpRule = std::function<bool(int epoch, double bestValidationLoss)>;

/// Trains `module` on (x, y) until the validation loss has not improved for `patience` epochs
/// (or maxEpochs), then restores the weights of the best epoch. `trainable` is what Adam
/// updates. The loss of a batch comes from `batchLoss(x, y)`; validation runs with the module
/// in eval mode and without gradients. Stops within one batch of a cancel; a non-finite loss
/// is an error that names the epoch.
class TrainingLoop {
public:
    TrainingLoop(TrainingSettings settings, std::uint64_t seed, Feedback* feedback)
        : settings_(settings),
          seed_(seed),
          feedback_(feedback),
          start_(std::chrono::steady_clock::now()) {}

    Result<PhaseResult> run(
        torch::nn::Module& module, std::vector<torch::Tensor> trainable, const torch::Tensor& x,
        const torch::Tensor& y, const torch::Tensor& validationX, const torch::Tensor& validationY,
        const std::function<BatchOutput(const torch::Tensor&, const torch::Tensor&)>& batchLoss,
        const std::string& phase, double progressFrom, double progressTo);

    /// A layer trained through fusedLinear() with this hook: run() connects the hook to its
    /// optimiser when the layer is among the trainable parameters (FusedAdam::addFusedLayer),
    /// and disconnects it when it returns.
    struct FusedLayer {
        torch::Tensor weight;
        torch::Tensor bias;
        FusedLayerHook* hook;
    };
    void setFusedLayers(std::vector<FusedLayer> layers) { fused_ = std::move(layers); }
    /// Applies to the following run() calls until replaced (an empty rule never gives up).
    void setGiveUp(GiveUpRule rule) { giveUp_ = std::move(rule); }
    /// For the following run() calls until replaced: training batches go through `step`
    /// instead of batchLoss, autograd and the optimiser's step (validation goes through
    /// batchLoss unless setValidation says otherwise). Empty: autograd.
    void setManualStep(ManualStep step) { manualStep_ = std::move(step); }
    /// For the following run() calls until replaced: the validation loss comes from `pass`
    /// (called with the module in eval mode, without gradients) instead of batchLoss. Empty:
    /// batchLoss.
    void setValidation(ValidationPass pass) { validation_ = std::move(pass); }

    int totalEpochs() const { return epochs_; }
    /// Counts epochs trained elsewhere as this loop's own (a phase taken from a cache): later
    /// phases then draw the batch orders they would have drawn after training them here.
    void countEarlierEpochs(int epochs) { epochs_ += epochs; }
    double seconds() const;
    /// How the whole fit went (every phase run so far), for the model's FitSummary.
    FitSummary summary(nlohmann::json details) const;

private:
    using BatchLoss = std::function<BatchOutput(const torch::Tensor&, const torch::Tensor&)>;
    ManualStepResult trainBatch(FusedAdam& optimiser, const torch::Tensor& bx,
                                const torch::Tensor& by, const BatchLoss& batchLoss);

    TrainingSettings settings_;
    std::uint64_t seed_;
    Feedback* feedback_;
    std::chrono::steady_clock::time_point start_;
    int epochs_ = 0;
    std::vector<FusedLayer> fused_;
    GiveUpRule giveUp_;
    ManualStep manualStep_;
    ValidationPass validation_;
};

}  // namespace specres
