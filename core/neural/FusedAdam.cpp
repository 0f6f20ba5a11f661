#include "neural/FusedAdam.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "neural/DenseKernels.h"

namespace specres {

FusedAdam::FusedAdam(std::vector<torch::Tensor> parameters, double learningRate, double weightDecay,
                     double beta1, double beta2, double epsilon)
    : parameters_(std::move(parameters)),
      learningRate_(learningRate),
      weightDecay_(weightDecay),
      beta1_(beta1),
      beta2_(beta2),
      epsilon_(epsilon) {
    for (const auto& p : parameters_) {
        firstMoment_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        secondMoment_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    }
}

std::size_t FusedAdam::find(const torch::Tensor& parameter) const {
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        if (parameters_[k].unsafeGetTensorImpl() == parameter.unsafeGetTensorImpl()) return k;
    }
    return parameters_.size();
}

AdamConstants FusedAdam::beginManualStep() { return constants(++steps_); }

DenseLayerState FusedAdam::denseLayer(const torch::Tensor& weight, const torch::Tensor& bias) {
    const std::size_t w = find(weight), b = find(bias);
    TORCH_CHECK(w < parameters_.size() && b < parameters_.size() && weight.dim() == 2 &&
                    weight.is_contiguous() && bias.numel() == weight.size(0),
                "a dense layer trained by hand is not among the optimiser's parameters");
    return DenseLayerState{parameters_[w].data_ptr<float>(),
                           firstMoment_[w].data_ptr<float>(),
                           secondMoment_[w].data_ptr<float>(),
                           parameters_[b].data_ptr<float>(),
                           firstMoment_[b].data_ptr<float>(),
                           secondMoment_[b].data_ptr<float>(),
                           weight.size(0),
                           weight.size(1)};
}

bool FusedAdam::addFusedLayer(const torch::Tensor& weight, const torch::Tensor& bias,
                              FusedLayerHook* hook) {
    const std::size_t w = find(weight), b = find(bias);
    if (w == parameters_.size() || b == parameters_.size() || weight.dim() != 2 ||
        !weight.is_contiguous() || bias.numel() != weight.size(0)) {
        return false;
    }
    *hook = FusedLayerHook{this, w, b, -1};
    return true;
}

AdamConstants FusedAdam::constants(long step) const {
    return AdamConstants{float(beta1_),
                         float(beta2_),
                         float(epsilon_),
                         float(learningRate_ / (1.0 - std::pow(beta1_, double(step)))),
                         float(std::sqrt(1.0 - std::pow(beta2_, double(step)))),
                         float(weightDecay_)};
}

void FusedAdam::zeroGrad() {
    for (auto& p : parameters_) p.mutable_grad() = torch::Tensor();
}

void FusedAdam::updateInBackward(FusedLayerHook& hook, const torch::Tensor& delta,
                                 const torch::Tensor& input, torch::Tensor& inputGradient) {
    const long step = steps_ + 1;  // the step that step() will complete
    TORCH_CHECK(hook.updatedAtStep != step,
                "a fused layer was used twice in one training step; its update would be applied "
                "twice");
    hook.updatedAtStep = step;
    const AdamConstants c = constants(step);
    torch::Tensor& weight = parameters_[hook.weight];
    torch::Tensor& bias = parameters_[hook.bias];
    const DenseLayerState layer{weight.data_ptr<float>(),
                                firstMoment_[hook.weight].data_ptr<float>(),
                                secondMoment_[hook.weight].data_ptr<float>(),
                                bias.data_ptr<float>(),
                                firstMoment_[hook.bias].data_ptr<float>(),
                                secondMoment_[hook.bias].data_ptr<float>(),
                                weight.size(0),
                                weight.size(1)};
    const int64_t batch = delta.size(0);
    const float* d = delta.data_ptr<float>();
    const float* x = input.data_ptr<float>();
    // δ·W is summed over W's rows. The rows are cut into fixed blocks, each adding its share into
    // its own copy, and the copies are added in block order: the sum is then the same bits at any
    // thread count (blocks handed to threads would make it depend on how many there are).
    constexpr int64_t kRowBlock = 256;
    const int64_t blocks = (layer.rows + kRowBlock - 1) / kRowBlock;
    torch::Tensor partial;
    if (inputGradient.defined() && blocks > 1) {
        partial = torch::zeros({blocks, batch, layer.cols}, input.options());
    }
    at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
        for (int64_t block = first; block < last; ++block) {
            float* into = nullptr;
            if (partial.defined()) {
                into = partial.data_ptr<float>() + block * batch * layer.cols;
            } else if (inputGradient.defined()) {
                into = inputGradient.data_ptr<float>();
            }
            const int64_t begin = block * kRowBlock;
            denseBackwardAdam(c, d, x, batch, layer, begin, std::min(layer.rows, begin + kRowBlock),
                              into);
        }
    });
    if (partial.defined()) {
        float* sum = inputGradient.data_ptr<float>();
        const float* p = partial.data_ptr<float>();
        const int64_t size = batch * layer.cols;
        for (int64_t block = 0; block < blocks; ++block) {
            for (int64_t i = 0; i < size; ++i) sum[i] += p[block * size + i];
        }
    }
}

void FusedAdam::step() {
    ++steps_;
    const AdamConstants c = constants(steps_);
    torch::NoGradGuard noGrad;
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        torch::Tensor& p = parameters_[k];
        if (!p.grad().defined()) continue;
        const torch::Tensor grad = p.grad().contiguous();
        float* data = p.data_ptr<float>();
        const float* g = grad.data_ptr<float>();
        float* m = firstMoment_[k].data_ptr<float>();
        float* v = secondMoment_[k].data_ptr<float>();
        at::parallel_for(0, p.numel(), 32768, [&](int64_t begin, int64_t end) {
            adamUpdate(c, g + begin, data + begin, m + begin, v + begin, end - begin);
        });
    }
}

}  // namespace specres
