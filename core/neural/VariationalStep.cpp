#include "neural/VariationalStep.h"

#include <cmath>

#include "neural/FusedAdam.h"

namespace specres {

namespace {

void forwardAll(const float* input, std::int64_t batch, const torch::nn::Linear& layer,
                std::vector<float>& out, KernelIsa isa) {
    const std::int64_t rows = layer->weight.size(0);
    out.resize(batch * rows);
    denseForward(input, batch, layer->weight.data_ptr<float>(), layer->bias.data_ptr<float>(), rows,
                 layer->weight.size(1), 0, rows, out.data(), isa);
}

}  // namespace

VariationalStep::VariationalStep(VariationalParts parts, KernelIsa isa)
    : parts_(std::move(parts)),
      isa_(isa),
      encoder_(parts_.encoder, parts_.encoderDropout, isa),
      decoder_(parts_.decoder, parts_.decoderDropout, isa),
      latent_(parts_.latentMean->weight.size(0)) {}

// z = μ + L ε and the KL divergence of N(μ, L Lᵀ) from N(0, I), per sample.
void VariationalStep::sample(std::int64_t batch) {
    const std::int64_t d = latent_, width = parts_.latentScale->weight.size(0);
    const torch::Tensor eps = torch::randn({batch, d}, *parts_.noise, torch::kFloat32);
    noise_.assign(eps.data_ptr<float>(), eps.data_ptr<float>() + batch * d);
    z_.resize(batch * d);
    kl_.resize(batch);
    for (std::int64_t b = 0; b < batch; ++b) {
        const float* mu = meanPre_.data() + b * d;
        const float* s = scalePre_.data() + b * width;
        const float* e = noise_.data() + b * d;
        float* z = z_.data() + b * d;
        double squares = 0.0, logs = 0.0, means = 0.0;
        for (std::int64_t i = 0; i < d; ++i) {
            const float li = std::exp(0.5f * s[parts_.type == CovarianceType::Spherical ? 0 : i]);
            z[i] = mu[i] + li * e[i];
            squares += double(li) * li;
            logs += std::log(li);
            means += double(mu[i]) * mu[i];
        }
        if (parts_.type == CovarianceType::Full) {
            const float* lower = s + d;  // row i's entries start at i(i−1)/2
            for (std::int64_t i = 1; i < d; ++i) {
                for (std::int64_t j = 0; j < i; ++j) {
                    const float lij = lower[i * (i - 1) / 2 + j];
                    z[i] += lij * e[j];
                    squares += double(lij) * lij;
                }
            }
        }
        kl_[b] = float(0.5 * (squares + means - double(d)) - logs);
    }
}

// The loss and its derivative with respect to the output layer's pre-activations.
ManualStepResult VariationalStep::reconstructionDeltas(const float* y, std::int64_t batch) {
    const std::int64_t n = parts_.output->weight.size(0);
    outputDelta_.resize(batch * n);
    const float perSample = 1.0f / float(batch);
    ManualStepResult out;
    for (std::int64_t b = 0; b < batch; ++b) {
        double squares = 0.0;
        for (std::int64_t j = 0; j < n; ++j) {
            const float pre = outputPre_[b * n + j];
            const float yhat = parts_.sigmoidOutput ? 1.0f / (1.0f + std::exp(-pre)) : pre;
            const float r = yhat - y[b * n + j];
            squares += double(r) * r;
            float delta = 2.0f * r * perSample;
            if (parts_.sigmoidOutput) delta *= yhat * (1.0f - yhat);
            outputDelta_[b * n + j] = delta;
        }
        out.squaredError += squares;
        out.loss += squares + double(parts_.klWeight) * kl_[b];
    }
    out.loss /= double(batch);
    return out;
}

// From ∂loss/∂z (zGradient_) to the latent heads' pre-activations, the KL term included.
void VariationalStep::latentDeltas(std::int64_t batch) {
    const std::int64_t d = latent_, width = parts_.latentScale->weight.size(0);
    const float w = parts_.klWeight / float(batch);
    meanDelta_.resize(batch * d);
    assignZeros(scaleDelta_, batch * width);
    for (std::int64_t b = 0; b < batch; ++b) {
        const float* mu = meanPre_.data() + b * d;
        const float* s = scalePre_.data() + b * width;
        const float* e = noise_.data() + b * d;
        const float* dz = zGradient_.data() + b * d;
        float* ds = scaleDelta_.data() + b * width;
        for (std::int64_t i = 0; i < d; ++i) meanDelta_[b * d + i] = dz[i] + w * mu[i];
        // ∂/∂L_ii of z and of ½ L_ii² − log L_ii, then L_ii = exp(½ s_i).
        for (std::int64_t i = 0; i < d; ++i) {
            const std::int64_t k = parts_.type == CovarianceType::Spherical ? 0 : i;
            const float li = std::exp(0.5f * s[k]);
            ds[k] += (dz[i] * e[i] + w * (li - 1.0f / li)) * 0.5f * li;
        }
        if (parts_.type != CovarianceType::Full) continue;
        for (std::int64_t i = 1; i < d; ++i) {
            for (std::int64_t j = 0; j < i; ++j) {
                const std::int64_t k = d + i * (i - 1) / 2 + j;
                ds[k] = dz[i] * e[j] + w * s[k];
            }
        }
    }
}

ManualStepResult VariationalStep::operator()(const torch::Tensor& x, const torch::Tensor& y,
                                             FusedAdam& optimiser) {
    const std::int64_t batch = x.size(0);
    const float* xs = x.data_ptr<float>();
    const float* h = parts_.encoder.empty() ? xs : encoder_.forward(xs, batch);
    forwardAll(h, batch, parts_.latentMean, meanPre_, isa_);
    forwardAll(h, batch, parts_.latentScale, scalePre_, isa_);
    sample(batch);
    const float* g = parts_.decoder.empty() ? z_.data() : decoder_.forward(z_.data(), batch);
    forwardAll(g, batch, parts_.output, outputPre_, isa_);
    const ManualStepResult result = reconstructionDeltas(y.data_ptr<float>(), batch);
    if (!std::isfinite(result.loss)) return result;  // the loop stops; nothing is updated
    const torch::NoGradGuard noGrad;
    const AdamConstants c = optimiser.beginManualStep();
    auto update = [&](const torch::nn::Linear& layer, const std::vector<float>& delta,
                      const float* input, float* inputGradient) {
        backwardWithAdam(c, optimiser, layer, delta.data(), input, batch, inputGradient, isa_);
    };
    assignZeros(zGradient_, batch * latent_);
    if (parts_.decoder.empty()) {
        update(parts_.output, outputDelta_, g, zGradient_.data());
    } else {
        assignZeros(decoderGradient_, batch * parts_.output->weight.size(1));
        update(parts_.output, outputDelta_, g, decoderGradient_.data());
        decoder_.backward(c, optimiser, decoderGradient_, zGradient_.data());
    }
    latentDeltas(batch);
    float* into = nullptr;
    if (!parts_.encoder.empty()) {
        assignZeros(encoderGradient_, batch * parts_.latentMean->weight.size(1));
        into = encoderGradient_.data();
    }
    update(parts_.latentMean, meanDelta_, h, into);
    update(parts_.latentScale, scaleDelta_, h, into);
    if (into) encoder_.backward(c, optimiser, encoderGradient_, nullptr);
    return result;
}

}  // namespace specres
