#include "neural/DenseTrunk.h"

#include <algorithm>
#include <cstring>

#include "neural/FusedAdam.h"

namespace specres {

void backwardWithAdam(const AdamConstants& c, FusedAdam& optimiser, const torch::nn::Linear& layer,
                      const float* delta, const float* input, std::int64_t batch,
                      float* inputGradient, KernelIsa isa) {
    denseBackwardAdam(c, delta, input, batch, optimiser.denseLayer(layer->weight, layer->bias), 0,
                      layer->weight.size(0), inputGradient, isa);
}

void stackLayers(const torch::nn::Sequential& stack, std::vector<torch::nn::Linear>& layers,
                 std::vector<OwnDropoutImpl*>& dropout) {
    for (const auto& module : stack->children()) {
        if (auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(module)) {
            layers.emplace_back(linear);
            dropout.push_back(nullptr);
        } else if (auto* own = module->as<OwnDropoutImpl>(); own && !dropout.empty()) {
            dropout.back() = own;
        }
    }
}

DenseTrunk::DenseTrunk(std::vector<torch::nn::Linear> layers, std::vector<OwnDropoutImpl*> dropout,
                       KernelIsa isa)
    : layers_(std::move(layers)),
      dropout_(std::move(dropout)),
      isa_(isa),
      pre_(layers_.size()),
      post_(layers_.size()),
      keep_(layers_.size()) {
    dropout_.resize(layers_.size(), nullptr);
}

std::int64_t DenseTrunk::inputWidth() const {
    return layers_.empty() ? 0 : layers_.front()->weight.size(1);
}

std::int64_t DenseTrunk::outputWidth() const {
    return layers_.empty() ? 0 : layers_.back()->weight.size(0);
}

const float* DenseTrunk::forward(const float* x, std::int64_t batch) {
    x_ = x;
    batch_ = batch;
    const float* input = x;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        const torch::nn::Linear& layer = layers_[l];
        const std::int64_t rows = layer->weight.size(0), size = batch * rows;
        pre_[l].resize(size);
        post_[l].resize(size);
        denseForward(input, batch, layer->weight.data_ptr<float>(), layer->bias.data_ptr<float>(),
                     rows, layer->weight.size(1), 0, rows, pre_[l].data(), isa_);
        const float* keep = nullptr;
        if (OwnDropoutImpl* dropout = dropout_[l]; dropout && dropout->probability > 0.0) {
            keep_[l].resize(size);
            dropout->drawMask(keep_[l].data(), size);
            keep = keep_[l].data();
        } else {
            keep_[l].clear();
        }
        reluDropoutForward(pre_[l].data(), keep, post_[l].data(), size, isa_);
        input = post_[l].data();
    }
    return input;
}

void DenseTrunk::backward(const AdamConstants& c, FusedAdam& optimiser,
                          std::vector<float>& gradient, float* inputGradient) {
    if (layers_.empty()) {
        if (inputGradient) std::copy(gradient.begin(), gradient.end(), inputGradient);
        return;
    }
    for (std::size_t l = layers_.size(); l-- > 0;) {
        const torch::nn::Linear& layer = layers_[l];
        const std::int64_t size = batch_ * layer->weight.size(0);
        // Back through dropout (× its mask) and the ReLU (where its input was positive).
        reluDropoutBackward(pre_[l].data(), keep_[l].empty() ? nullptr : keep_[l].data(),
                            gradient.data(), size, isa_);
        const std::int64_t below = batch_ * layer->weight.size(1);
        float* into = nullptr;
        if (l > 0) {
            assignZeros(below_, below);
            into = below_.data();
        } else if (inputGradient) {
            std::memset(inputGradient, 0, std::size_t(below) * sizeof(float));
            into = inputGradient;
        }
        backwardWithAdam(c, optimiser, layer, gradient.data(), l > 0 ? post_[l - 1].data() : x_,
                         batch_, into, isa_);
        if (l > 0) gradient.swap(below_);
    }
}

}  // namespace specres
