#include "neural/FusedAdam.h"

#include <ATen/Parallel.h>

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

bool FusedAdam::addFusedLayer(const torch::Tensor& weight, const torch::Tensor& bias,
                              FusedLayerHook* hook) {
    auto find = [this](const torch::Tensor& t) {
        for (std::size_t k = 0; k < parameters_.size(); ++k) {
            if (parameters_[k].unsafeGetTensorImpl() == t.unsafeGetTensorImpl()) return k;
        }
        return parameters_.size();
    };
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
    // Each chunk of rows adds its share of δ·W; with several threads each adds into its own
    // copy, summed afterwards, so no two threads write the same element.
    const int threads = at::get_num_threads();
    torch::Tensor partial;
    if (inputGradient.defined() && threads > 1) {
        partial = torch::zeros({threads, batch, layer.cols}, input.options());
    }
    at::parallel_for(0, layer.rows, 256, [&](int64_t begin, int64_t end) {
        float* into = nullptr;
        if (partial.defined()) {
            into = partial[at::get_thread_num()].data_ptr<float>();
        } else if (inputGradient.defined()) {
            into = inputGradient.data_ptr<float>();
        }
        denseBackwardAdam(c, d, x, batch, layer, begin, end, into);
    });
    if (partial.defined()) inputGradient = partial.sum(0);
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
