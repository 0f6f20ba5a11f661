#include "neural/DiagonalNetworkStep.h"

#include <algorithm>
#include <cmath>

#include "neural/FusedAdam.h"

namespace specres {

namespace {

// As LibTorch computes them in float: softplus with β = 1 and threshold 20, and its derivative.
float stepSoftplus(float v) { return v > 20.0f ? v : std::log1p(std::exp(v)); }
float softplusSlope(float v) {
    if (v > 20.0f) return 1.0f;
    const float z = std::exp(v);
    return z / (z + 1.0f);
}
float stepSigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

std::int64_t layerWidth(const torch::nn::Linear& layer) { return layer->weight.size(0); }

// out (batch × rows) = input · Wᵀ + b over all of the layer's rows.
void denseAll(const float* input, std::int64_t batch, const torch::nn::Linear& layer,
              std::vector<float>& out, KernelIsa isa) {
    const std::int64_t rows = layerWidth(layer);
    out.resize(batch * rows);
    denseForward(input, batch, layer->weight.data_ptr<float>(), layer->bias.data_ptr<float>(), rows,
                 layer->weight.size(1), 0, rows, out.data(), isa);
}

}  // namespace

DiagonalNetworkStep::DiagonalNetworkStep(DiagonalNetworkParts parts, KernelIsa isa)
    : parts_(std::move(parts)), isa_(isa), trunk_(parts_.hidden, parts_.dropout, isa) {}

// The loss of the batch and its derivatives with respect to the heads' outputs (before their
// activations), averaged over the batch as the mean loss is.
ManualStepResult DiagonalNetworkStep::lossAndHeadDeltas(const float* y, std::int64_t batch) {
    const std::int64_t n = layerWidth(parts_.mean), m = layerWidth(parts_.diagonal);
    meanDelta_.resize(batch * n);
    diagonalDelta_.resize(batch * m);
    const float perSample = 1.0f / float(batch);
    ManualStepResult out;
    for (std::int64_t b = 0; b < batch; ++b) {
        double squares = 0.0, logDeterminant = 0.0, spread = 0.0;
        for (std::int64_t j = 0; j < n; ++j) {
            const float pre = meanPre_[b * n + j];
            const float mu = parts_.sigmoidMean ? stepSigmoid(pre) : pre;
            const float c = stepSoftplus(diagonalPre_[b * m + (m == 1 ? 0 : j)]) + parts_.floor;
            const float r = y[b * n + j] - mu;
            const float u = c * r;
            squares += double(u) * u;
            out.squaredError += double(r) * r;
            // ∂/∂μ_j of ½ (c r_j)² is −c² r_j.
            float delta = -c * u * perSample;
            if (parts_.sigmoidMean) delta *= mu * (1.0f - mu);
            meanDelta_[b * n + j] = delta;
            if (m == 1) {
                spread += double(u) * r;
            } else {
                logDeterminant += std::log(c);
                // ∂/∂c_j of ½ (c_j r_j)² − log c_j.
                diagonalDelta_[b * m + j] =
                    (u * r - 1.0f / c) * perSample * softplusSlope(diagonalPre_[b * m + j]);
            }
        }
        if (m == 1) {
            const float c = stepSoftplus(diagonalPre_[b]) + parts_.floor;
            logDeterminant = double(n) * std::log(c);
            diagonalDelta_[b] =
                float((spread - double(n) / c) * perSample) * softplusSlope(diagonalPre_[b]);
        }
        out.loss += 0.5 * squares - logDeterminant + 0.5 * double(n) * std::log(2.0 * M_PI);
    }
    out.loss /= double(batch);
    return out;
}

ManualStepResult DiagonalNetworkStep::operator()(const torch::Tensor& x, const torch::Tensor& y,
                                                 FusedAdam& optimiser) {
    const std::int64_t batch = x.size(0);
    const float* xs = x.data_ptr<float>();
    const float* features = parts_.hidden.empty() ? xs : trunk_.forward(xs, batch);
    denseAll(features, batch, parts_.mean, meanPre_, isa_);
    denseAll(features, batch, parts_.diagonal, diagonalPre_, isa_);
    const ManualStepResult result = lossAndHeadDeltas(y.data_ptr<float>(), batch);
    if (!std::isfinite(result.loss)) return result;  // the loop stops; nothing is updated
    const torch::NoGradGuard noGrad;
    const AdamConstants c = optimiser.beginManualStep();
    // ∂loss/∂features = δμ·W_μ + δC·W_C, each head's W as it was before this step's update.
    assignZeros(gradient_, batch * parts_.mean->weight.size(1));
    float* into = parts_.hidden.empty() ? nullptr : gradient_.data();
    backwardWithAdam(c, optimiser, parts_.mean, meanDelta_.data(), features, batch, into, isa_);
    backwardWithAdam(c, optimiser, parts_.diagonal, diagonalDelta_.data(), features, batch, into,
                     isa_);
    if (into) trunk_.backward(c, optimiser, gradient_, nullptr);
    return result;
}

}  // namespace specres
