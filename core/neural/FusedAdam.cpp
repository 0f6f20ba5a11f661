#include "FusedAdam.h"

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

void FusedAdam::zeroGrad() {
    for (auto& p : parameters_) p.mutable_grad() = torch::Tensor();
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
        at::parallel_for(0, p.numel(), 32768, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                const float gi = g[i] + decay * data[i];
                m[i] = b1 * m[i] + (1.0f - b1) * gi;
                v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
                data[i] -= lr * m[i] / (std::sqrt(v[i]) / root + eps);
            }
        });
    }
}

}  // namespace specres
