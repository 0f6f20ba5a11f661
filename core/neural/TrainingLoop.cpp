#include "neural/TrainingLoop.h"

#include <cmath>

#include "base/BlasThreads.h"
#include "neural/FusedAdam.h"
#include "neural/TorchSupport.h"

namespace specres {

double TrainingLoop::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

namespace {

// The mean validation loss and the summed squared error of the prediction, 4,096 spectra at a
// time, without gradients.
std::pair<double, double> validationPass(
    const std::function<BatchOutput(const torch::Tensor&, const torch::Tensor&)>& batchLoss,
    const torch::Tensor& validationX, const torch::Tensor& validationY) {
    torch::NoGradGuard noGrad;
    double loss = 0.0;
    double squared = 0.0;
    const int64_t m = validationX.size(0);
    for (int64_t start = 0; start < m; start += 4096) {
        const auto end = std::min(m, start + 4096);
        const torch::Tensor vx = validationX.slice(0, start, end);
        const torch::Tensor vy = validationY.slice(0, start, end);
        BatchOutput out = batchLoss(vx, vy);
        loss += out.loss.item<double>() * double(end - start);
        squared += (out.prediction - vy).pow(2).sum().item<double>();
    }
    return {loss / double(std::max<int64_t>(1, m)), squared};
}

}  // namespace

ManualStepResult TrainingLoop::trainBatch(FusedAdam& optimiser, const torch::Tensor& bx,
                                          const torch::Tensor& by, const BatchLoss& batchLoss) {
    if (manualStep_) return manualStep_(bx, by, optimiser);
    optimiser.zeroGrad();
    BatchOutput out = batchLoss(bx, by);
    ManualStepResult result;
    result.loss = out.loss.item<double>();
    if (!std::isfinite(result.loss)) return result;  // run() stops before any update
    out.loss.backward();
    optimiser.step();
    result.squaredError = (out.prediction.detach() - by).pow(2).sum().item<double>();
    return result;
}

Result<PhaseResult> TrainingLoop::run(
    torch::nn::Module& module, std::vector<torch::Tensor> trainable, const torch::Tensor& x,
    const torch::Tensor& y, const torch::Tensor& validationX, const torch::Tensor& validationY,
    const std::function<BatchOutput(const torch::Tensor&, const torch::Tensor&)>& batchLoss,
    const std::string& phase, double progressFrom, double progressTo) {
    // LibTorch parallelises across cores itself; BLAS threads on top would oversubscribe them
    // (measured: a 2-thread step took twice as long as a 1-thread one).
    const SingleThreadedBlas blas;
    const TrainingThreads threads;
    FusedAdam optimiser(std::move(trainable), settings_.learningRate, settings_.weightDecay);
    struct Disconnect {
        const std::vector<FusedLayer>& layers;
        ~Disconnect() {
            for (const FusedLayer& layer : layers) *layer.hook = FusedLayerHook{};
        }
    } disconnect{fused_};
    for (const FusedLayer& layer : fused_) {
        optimiser.addFusedLayer(layer.weight, layer.bias, layer.hook);
    }
    auto generator = at::detail::createCPUGenerator(seed_ + 1000003ULL * (epochs_ + 1));
    const int64_t n = x.size(0);
    const int64_t batch = std::max<int64_t>(1, settings_.batchSize);
    PhaseResult result;
    result.bestValidationLoss = std::numeric_limits<double>::infinity();
    std::vector<torch::Tensor> best = snapshot(module);
    int sinceBest = 0;

    for (int epoch = 1; epoch <= settings_.maxEpochs; ++epoch) {
        module.train();
        const torch::Tensor order = torch::randperm(n, generator, torch::kLong);
        double lossSum = 0.0;
        double squaredErrorSum = 0.0;
        for (int64_t start = 0; start < n; start += batch) {
            if (feedback_ && feedback_->isCancelled()) return fail(kCancelledMessage);
            const torch::Tensor index = order.slice(0, start, std::min(n, start + batch));
            const torch::Tensor bx = x.index_select(0, index);
            const torch::Tensor by = y.index_select(0, index);
            const ManualStepResult trained = trainBatch(optimiser, bx, by, batchLoss);
            const double value = trained.loss;
            if (!std::isfinite(value)) {
                return fail(phase + ": the loss became " + std::to_string(value) + " in epoch " +
                            std::to_string(epoch) +
                            " (training diverged: lower the learning rate or check the data)");
            }
            lossSum += value * double(index.size(0));
            squaredErrorSum += trained.squaredError;
        }
        ++epochs_;
        ++result.epochs;

        module.eval();
        std::pair<double, double> validated;
        if (validation_) {
            const torch::NoGradGuard noGrad;
            validated = validation_(validationX, validationY);
        } else {
            validated = validationPass(batchLoss, validationX, validationY);
        }
        const auto [validationLoss, validationSquared] = validated;
        if (!std::isfinite(validationLoss)) {
            return fail(phase + ": the validation loss became non-finite in epoch " +
                        std::to_string(epoch));
        }
        if (feedback_) {
            EpochReport report;
            report.epoch = epochs_;
            report.phase = phase;
            report.trainLoss = lossSum / double(n);
            report.validationLoss = validationLoss;
            report.trainRmse = std::sqrt(squaredErrorSum / double(y.numel()));
            report.validationRmse =
                std::sqrt(validationSquared / double(std::max<int64_t>(1, validationY.numel())));
            report.seconds = seconds();
            feedback_->reportEpoch(report);
            feedback_->setProgress(
                progressFrom + (progressTo - progressFrom) * epoch / settings_.maxEpochs,
                phase + ", epoch " + std::to_string(epochs_));
        }
        const bool improved =
            !std::isfinite(result.bestValidationLoss) ||
            validationLoss < result.bestValidationLoss - 1e-6 * std::abs(result.bestValidationLoss);
        if (improved) {
            result.bestValidationLoss = validationLoss;
            result.bestEpoch = result.epochs;
            best = snapshot(module);
            sinceBest = 0;
        } else if (++sinceBest >= settings_.patience) {
            result.stoppedEarly = true;
            break;
        }
        if (giveUp_ && giveUp_(result.epochs, result.bestValidationLoss)) {
            result.gaveUp = result.stoppedEarly = true;
            break;
        }
    }
    restore(module, best);
    module.eval();
    return result;
}

FitSummary TrainingLoop::summary(nlohmann::json details) const {
    FitSummary out;
    out.converged = true;
    out.iterations = epochs_;
    out.seconds = seconds();
    out.note = std::to_string(epochs_) + " epochs, best weights restored";
    out.details = std::move(details);
    return out;
}

}  // namespace specres
