#include "neural/FusedAdam.h"

#include "neural/AdamKernels.h"

#include <ATen/Parallel.h>

#include <cmath>

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

bool FusedAdam::addLowRankLayer(const torch::Tensor& weight, const torch::Tensor& bias,
                                LowRankGradient* gradient) {
    auto find = [this](const torch::Tensor& t) {
        for (std::size_t k = 0; k < parameters_.size(); ++k) {
            if (parameters_[k].unsafeGetTensorImpl() == t.unsafeGetTensorImpl()) return k;
        }
        return parameters_.size();
    };
    const std::size_t w = find(weight), b = find(bias);
    if (w == parameters_.size() || b == parameters_.size() || weight.dim() != 2) return false;
    lowRank_.push_back({w, b, gradient});
    return true;
}

void FusedAdam::zeroGrad() {
    for (auto& p : parameters_) p.mutable_grad() = torch::Tensor();
    for (const LowRankLayer& layer : lowRank_) layer.gradient->clear();
}

void FusedAdam::stepLowRank(const LowRankLayer& layer, float lr, float root) {
    LowRankGradient& gradient = *layer.gradient;
    if (gradient.empty()) return;
    const AdamConstants c{float(beta1_), float(beta2_),      float(epsilon_), lr,
                          root,          float(weightDecay_)};
    const torch::Tensor delta = gradient.outputGradient.contiguous();
    const torch::Tensor input = gradient.input.contiguous();
    const int64_t batch = delta.size(0), rows = delta.size(1), cols = input.size(1);
    const float* d = delta.data_ptr<float>();
    const float* h = input.data_ptr<float>();
    torch::Tensor& weight = parameters_[layer.weight];
    torch::Tensor& bias = parameters_[layer.bias];
    float* w = weight.data_ptr<float>();
    float* mw = firstMoment_[layer.weight].data_ptr<float>();
    float* vw = secondMoment_[layer.weight].data_ptr<float>();
    float* bw = bias.data_ptr<float>();
    float* mb = firstMoment_[layer.bias].data_ptr<float>();
    float* vb = secondMoment_[layer.bias].data_ptr<float>();
    // Blocks of rows in parallel: one pass over W, m and v, and no m × k gradient array.
    at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) {
        lowRankAdamUpdate(c, d, h, batch, rows, cols, begin, end, w, mw, vw, bw, mb, vb);
    });
    gradient.clear();
}

void FusedAdam::step() {
    ++steps_;
    const double stepSize = learningRate_ / (1.0 - std::pow(beta1_, double(steps_)));
    const double secondCorrection = std::sqrt(1.0 - std::pow(beta2_, double(steps_)));
    const float b1 = float(beta1_), b2 = float(beta2_), eps = float(epsilon_);
    const float lr = float(stepSize), root = float(secondCorrection), decay = float(weightDecay_);
    torch::NoGradGuard noGrad;
    for (std::size_t k = 0; k < parameters_.size(); ++k) {
        torch::Tensor& p = parameters_[k];
        if (!p.grad().defined()) continue;
        const torch::Tensor grad = p.grad().contiguous();
        float* data = p.data_ptr<float>();
        const float* g = grad.data_ptr<float>();
        float* m = firstMoment_[k].data_ptr<float>();
        float* v = secondMoment_[k].data_ptr<float>();
        const AdamConstants c{b1, b2, eps, lr, root, decay};
        at::parallel_for(0, p.numel(), 32768, [&](int64_t begin, int64_t end) {
            adamUpdate(c, g + begin, data + begin, m + begin, v + begin, end - begin);
        });
    }
    for (const LowRankLayer& layer : lowRank_) stepLowRank(layer, lr, root);
}

}  // namespace specres
