#include "neural/AdamKernels.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace specres {

namespace {
inline void updateOne(const AdamConstants& c, float gradient, float& w, float& m, float& v) {
    const float g = gradient + c.weightDecay * w;
    m = c.beta1 * m + (1.0f - c.beta1) * g;
    v = c.beta2 * v + (1.0f - c.beta2) * g * g;
    w -= c.stepSize * m / (std::sqrt(v) / c.secondCorrection + c.epsilon);
}
}  // namespace

void adamUpdate(const AdamConstants& c, const float* gradient, float* weight, float* firstMoment,
                float* secondMoment, std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i) {
        updateOne(c, gradient[i], weight[i], firstMoment[i], secondMoment[i]);
    }
}

void lowRankAdamUpdate(const AdamConstants& c, const float* delta, const float* input,
                       std::int64_t batch, std::int64_t rows, std::int64_t cols, std::int64_t begin,
                       std::int64_t end, float* weight, float* weightFirst, float* weightSecond,
                       float* bias, float* biasFirst, float* biasSecond) {
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMatrix> deltas(delta, batch, rows);
    const Eigen::Map<const RowMatrix> inputs(input, batch, cols);
    constexpr std::int64_t kBlock = 64;  // 64 × 256 floats: 64 KiB, in L2
    RowMatrix gradient(std::min(kBlock, end - begin), cols);
    for (std::int64_t block = begin; block < end; block += kBlock) {
        const std::int64_t count = std::min(kBlock, end - block);
        auto rowsGradient = gradient.topRows(count);
        rowsGradient.noalias() = deltas.middleCols(block, count).transpose() * inputs;
        const std::int64_t offset = block * cols;
        adamUpdate(c, rowsGradient.data(), weight + offset, weightFirst + offset,
                   weightSecond + offset, count * cols);
        for (std::int64_t i = block; i < block + count; ++i) {
            updateOne(c, deltas.col(i).sum(), bias[i], biasFirst[i], biasSecond[i]);
        }
    }
}

}  // namespace specres
