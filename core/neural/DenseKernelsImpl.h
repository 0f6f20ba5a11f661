// The dense-layer kernels, included once per instruction set by DenseKernelsGeneric.cpp,
// DenseKernelsAvx2.cpp and DenseKernelsAvx512.cpp, each inside its own namespace
// (SPECRES_KERNEL_NAMESPACE) and built with its own flags. Nothing here may include a header that
// defines inline or template functions: two copies of one built for different instruction sets
// would meet at link time and the linker could keep the AVX2 one for every caller.
//
// Vectors are GCC's vector extensions, SPECRES_KERNEL_WIDTH floats wide: one register of the
// instruction set the file is built for. They are loaded and stored through memcpy, so no alignment
// is assumed.
//
// Only the forward pass's dot products depend on the width: each output's sum is split over the
// lanes of a vector, and the lanes and the last columns (dotTail) are added at the end.
// Everything else (δ·W, δᵀx, Adam, ReLU, dropout) computes each element on its own, in an order
// no width changes. So the AVX-512 build leaves this forward pass out (SPECRES_KERNEL_FORWARD 0)
// and has its own, which keeps AVX2's 8 lanes per output (two outputs to a register) and the same
// dotTail, and hands the samples past its last pair of four to AVX2's code: the two builds give
// the same bits.

#include "neural/DenseKernels.h"

// Helpers pass vectors by value, inline only: the ABI note GCC gives for that does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace specres {
namespace SPECRES_KERNEL_NAMESPACE {

#ifndef SPECRES_KERNEL_FORWARD
#define SPECRES_KERNEL_FORWARD 1
#endif

constexpr std::int64_t kWidth = SPECRES_KERNEL_WIDTH;
typedef float Vec __attribute__((vector_size(kWidth * sizeof(float))));

inline Vec load(const float* p) {
    Vec v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float* p, Vec v) { __builtin_memcpy(p, &v, sizeof v); }

// a·b + c rounded once where the build has FMA, as its vector loops compute it, so that an
// element's value does not depend on whether a vector or the scalar tail computed it, nor on what
// GCC made of the tail (before, it vectorised the δ·W tail so that some of its products were
// rounded on their own). Outside the forward pass, then, every element is the same sum in the same
// order whatever the vector width: the AVX2 and AVX-512 builds give the same bits.
inline float fusedMultiplyAdd(float a, float b, float c) {
#ifdef __FMA__
    return __builtin_fmaf(a, b, c);
#else
    return c + a * b;
#endif
}

// a·b rounded on its own, before it is added to anything (an FMA build would fuse it otherwise).
inline float roundedProduct(float a, float b) {
    float p = a * b;
#ifdef __FMA__
    __asm__("" : "+x"(p));
#endif
    return p;
}

// A dot product's last columns, after its vector part `s`, as GCC compiled them in the AVX2
// build before they were written out: their products four at a time in a vector, each rounded
// and added in turn, and the last one to three fused. Written out, every build that must give the
// AVX2 build's bits computes them so, whatever GCC makes of the loop.
inline float dotTail(const float* w, const float* x, std::int64_t count, float s) {
    const std::int64_t grouped = count - count % 4;
    std::int64_t k = 0;
    for (; k < grouped; ++k) s += roundedProduct(w[k], x[k]);
    for (; k < count; ++k) s = fusedMultiplyAdd(w[k], x[k], s);
    return s;
}

// torch.optim.Adam's w −= s·m / (√v / r + ε) with s the step size and r = √(1 − β₂ᵗ), written
// as w −= (s·r)·m / (√v + ε·r): the same value with one division instead of two (the divider
// is what an Adam pass waits on once its operands are in cache).
struct AdamStep {
    float beta1, beta2, oneMinusBeta1, oneMinusBeta2, scaledStep, scaledEpsilon, weightDecay;
    explicit AdamStep(const AdamConstants& c)
        : beta1(c.beta1),
          beta2(c.beta2),
          oneMinusBeta1(1.0f - c.beta1),
          oneMinusBeta2(1.0f - c.beta2),
          scaledStep(c.stepSize * c.secondCorrection),
          scaledEpsilon(c.epsilon * c.secondCorrection),
          weightDecay(c.weightDecay) {}
};

inline void adamOne(const AdamStep& c, float gradient, float& w, float& m, float& v) {
    const float g = gradient + c.weightDecay * w;
    m = c.beta1 * m + c.oneMinusBeta1 * g;
    v = c.beta2 * v + c.oneMinusBeta2 * g * g;
    w -= c.scaledStep * m / (__builtin_sqrtf(v) + c.scaledEpsilon);
}

inline void adamStream(const AdamConstants& constants, const float* __restrict gradient,
                       float* __restrict weight, float* __restrict first, float* __restrict second,
                       std::int64_t count) {
    const AdamStep c(constants);
    for (std::int64_t i = 0; i < count; ++i)
        adamOne(c, gradient[i], weight[i], first[i], second[i]);
}

void adamUpdate(const AdamConstants& c, const float* gradient, float* weight, float* first,
                float* second, std::int64_t count) {
    adamStream(c, gradient, weight, first, second, count);
}

#if SPECRES_KERNEL_FORWARD
// The lanes added pairwise, halves first: a fixed order (every output's value depends on it
// alone), in log₂ width vector steps rather than width − 1 dependent scalar adds.
inline float sum(Vec v) {
    float lanes[kWidth];
    __builtin_memcpy(lanes, &v, sizeof v);
    for (int w = kWidth / 2; w >= 1; w /= 2) {
        for (int i = 0; i < w; ++i) lanes[i] += lanes[i + w];
    }
    return lanes[0];
}

// R rows of W against T samples: R × T accumulators over the shared dimension.
template <int R, int T>
inline void forwardTile(const float* input, std::int64_t cols, const float* weight, float* sums) {
    Vec acc[R][T] = {};
    const std::int64_t vectorCols = cols - cols % kWidth;
    for (std::int64_t k = 0; k < vectorCols; k += kWidth) {
        Vec x[T];
        for (int t = 0; t < T; ++t) x[t] = load(input + t * cols + k);
        for (int r = 0; r < R; ++r) {
            const Vec w = load(weight + r * cols + k);
            for (int t = 0; t < T; ++t) acc[r][t] += w * x[t];
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int t = 0; t < T; ++t) {
            float s = sum(acc[r][t]);
            sums[r * T + t] = dotTail(weight + r * cols + vectorCols, input + t * cols + vectorCols,
                                      cols - vectorCols, s);
        }
    }
}

template <int R>
inline void forwardRows(const float* input, std::int64_t batch, const float* weight,
                        const float* bias, std::int64_t rows, std::int64_t cols, std::int64_t j,
                        float* out) {
    constexpr int T = 4;  // 3 rows × 4 samples: 12 accumulators, the fastest tile measured
    float sums[R * T];
    std::int64_t b = 0;
    for (; b + T <= batch; b += T) {
        forwardTile<R, T>(input + b * cols, cols, weight + j * cols, sums);
        for (int r = 0; r < R; ++r) {
            for (int t = 0; t < T; ++t) out[(b + t) * rows + j + r] = sums[r * T + t] + bias[j + r];
        }
    }
    for (; b < batch; ++b) {
        forwardTile<R, 1>(input + b * cols, cols, weight + j * cols, sums);
        for (int r = 0; r < R; ++r) out[b * rows + j + r] = sums[r] + bias[j + r];
    }
}

void denseForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                  std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                  float* out) {
    std::int64_t j = begin;
    for (; j + 3 <= end; j += 3) forwardRows<3>(input, batch, weight, bias, rows, cols, j, out);
    for (; j < end; ++j) forwardRows<1>(input, batch, weight, bias, rows, cols, j, out);
}
#endif

// inputGradient[b0 .. b0+T−1, k .. k+C·kWidth−1] += δ[·, j0 .. j1−1] · W[j0 .. j1−1, same columns]:
// T × C accumulators that run the whole block of rows, the usual GEMM register tile.
template <int T, int C>
inline void inputGradientTile(const float* delta, std::int64_t rows, const float* weight,
                              std::int64_t cols, std::int64_t j0, std::int64_t j1, std::int64_t b0,
                              std::int64_t k, float* inputGradient) {
    Vec acc[T][C];
    for (int t = 0; t < T; ++t) {
        for (int c = 0; c < C; ++c)
            acc[t][c] = load(inputGradient + (b0 + t) * cols + k + c * kWidth);
    }
    for (std::int64_t j = j0; j < j1; ++j) {
        Vec w[C];
        for (int c = 0; c < C; ++c) w[c] = load(weight + j * cols + k + c * kWidth);
        for (int t = 0; t < T; ++t) {
            const float d = delta[(b0 + t) * rows + j];
            for (int c = 0; c < C; ++c) acc[t][c] += d * w[c];
        }
    }
    for (int t = 0; t < T; ++t) {
        for (int c = 0; c < C; ++c)
            store(inputGradient + (b0 + t) * cols + k + c * kWidth, acc[t][c]);
    }
}

template <int C>
inline void inputGradientColumns(const float* delta, std::int64_t batch, const float* weight,
                                 std::int64_t rows, std::int64_t cols, std::int64_t j0,
                                 std::int64_t j1, std::int64_t k, float* inputGradient) {
    std::int64_t b = 0;
    for (; b + 6 <= batch; b += 6) {
        inputGradientTile<6, C>(delta, rows, weight, cols, j0, j1, b, k, inputGradient);
    }
    for (; b < batch; ++b) {
        inputGradientTile<1, C>(delta, rows, weight, cols, j0, j1, b, k, inputGradient);
    }
}

// inputGradient (batch × cols) += δ[·, begin .. end−1] · W[begin .. end−1, ·], in blocks of rows
// of W small enough to stay in L2 while every sample passes over them: two vectors of columns at a
// time, then one (the VE's 16-wide latent code is one AVX-512 vector), then the last columns one
// by one.
inline void inputGradientRows(const float* delta, std::int64_t batch, const float* weight,
                              std::int64_t rows, std::int64_t cols, std::int64_t begin,
                              std::int64_t end, float* inputGradient) {
    constexpr std::int64_t kBlock = 128;
    for (std::int64_t j0 = begin; j0 < end; j0 += kBlock) {
        const std::int64_t j1 = j0 + kBlock < end ? j0 + kBlock : end;
        std::int64_t k = 0;
        for (; k + 2 * kWidth <= cols; k += 2 * kWidth) {
            inputGradientColumns<2>(delta, batch, weight, rows, cols, j0, j1, k, inputGradient);
        }
        for (; k + kWidth <= cols; k += kWidth) {
            inputGradientColumns<1>(delta, batch, weight, rows, cols, j0, j1, k, inputGradient);
        }
        const std::int64_t tail = k;
        for (std::int64_t b = 0; b < batch; ++b) {
            for (k = tail; k < cols; ++k) {
                float s = inputGradient[b * cols + k];
                for (std::int64_t j = j0; j < j1; ++j)
                    s = fusedMultiplyAdd(delta[b * rows + j], weight[j * cols + k], s);
                inputGradient[b * cols + k] = s;
            }
        }
    }
}

// Columns k .. k+C·kWidth−1 of the weight gradient of rows j .. j+R−1, δ[·, j .. j+R−1]ᵀ · x:
// C loads and R broadcasts feed C·R independent FMAs.
template <int R, int C>
inline void gradientTile(const float* delta, const float* input, std::int64_t batch,
                         std::int64_t rows, std::int64_t cols, std::int64_t j, std::int64_t k,
                         float* gradient) {
    Vec acc[R][C] = {};
    for (std::int64_t b = 0; b < batch; ++b) {
        const float* d = delta + b * rows + j;
        Vec x[C];
        for (int c = 0; c < C; ++c) x[c] = load(input + b * cols + k + c * kWidth);
        for (int r = 0; r < R; ++r) {
            for (int c = 0; c < C; ++c) acc[r][c] += d[r] * x[c];
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int c = 0; c < C; ++c) store(gradient + r * cols + k + c * kWidth, acc[r][c]);
    }
}

// The weight gradient of rows j .. j+R−1, δ[·, j .. j+R−1]ᵀ · x, into `gradient` (R × cols):
// two vectors of columns at a time, then one, then the last columns one by one, each element the
// same fused sum over the batch in the same order whichever of the three computes it.
template <int R>
inline void gradientRows(const float* delta, const float* input, std::int64_t batch,
                         std::int64_t rows, std::int64_t cols, std::int64_t j, float* gradient) {
    std::int64_t k = 0;
    for (; k + 2 * kWidth <= cols; k += 2 * kWidth) {
        gradientTile<R, 2>(delta, input, batch, rows, cols, j, k, gradient);
    }
    for (; k + kWidth <= cols; k += kWidth) {
        gradientTile<R, 1>(delta, input, batch, rows, cols, j, k, gradient);
    }
    for (; k < cols; ++k) {
        for (int r = 0; r < R; ++r) {
            float g = 0.0f;
            for (std::int64_t b = 0; b < batch; ++b)
                g = fusedMultiplyAdd(delta[b * rows + j + r], input[b * cols + k], g);
            gradient[r * cols + k] = g;
        }
    }
}

// Σ_b δ[b, j] for rows j in [begin, end), a vector of rows at a time: each the same sum over the
// batch in the same order as one row alone.
inline void biasGradients(const float* delta, std::int64_t batch, std::int64_t rows,
                          std::int64_t begin, std::int64_t end, float* gradient) {
    std::int64_t j = begin;
    for (; j + kWidth <= end; j += kWidth) {
        Vec g = {};
        for (std::int64_t b = 0; b < batch; ++b) g += load(delta + b * rows + j);
        store(gradient + (j - begin), g);
    }
    for (; j < end; ++j) {
        float g = 0.0f;
        for (std::int64_t b = 0; b < batch; ++b) g += delta[b * rows + j];
        gradient[j - begin] = g;
    }
}

template <int R>
inline void gradientAdamRows(const AdamConstants& c, const float* delta, const float* input,
                             std::int64_t batch, const DenseLayerState& layer, std::int64_t j,
                             const float* biasGradient, float* gradient) {
    const std::int64_t cols = layer.cols;
    gradientRows<R>(delta, input, batch, layer.rows, cols, j, gradient);
    // Rows j .. j+R−1 of W are contiguous: one stream for the block.
    const std::int64_t offset = j * cols;
    adamStream(c, gradient, layer.weight + offset, layer.weightFirst + offset,
               layer.weightSecond + offset, R * cols);
    adamStream(c, biasGradient, layer.bias + j, layer.biasFirst + j, layer.biasSecond + j, R);
}

// A layer narrower than a vector (the 5 ASTER bands into the first hidden layer) has no vector of
// columns: its weight gradient is formed a vector of rows at a time instead, each element the
// same fused sum over the batch as gradientRows' last columns, then Adam runs over all its rows.
inline void narrowGradientAdam(const AdamConstants& c, const float* delta, const float* input,
                               std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,
                               std::int64_t end, const float* biasGradient) {
    const std::int64_t cols = layer.cols, rows = layer.rows;
    float* gradient = new float[(end - begin) * cols];
    std::int64_t j = begin;
    for (; j + kWidth <= end; j += kWidth) {
        Vec acc[kWidth] = {};
        for (std::int64_t b = 0; b < batch; ++b) {
            const Vec d = load(delta + b * rows + j);
            for (std::int64_t k = 0; k < cols; ++k) acc[k] += d * input[b * cols + k];
        }
        for (std::int64_t k = 0; k < cols; ++k) {
            for (std::int64_t i = 0; i < kWidth; ++i)
                gradient[(j - begin + i) * cols + k] = acc[k][i];
        }
    }
    for (; j < end; ++j) {
        for (std::int64_t k = 0; k < cols; ++k) {
            float g = 0.0f;
            for (std::int64_t b = 0; b < batch; ++b)
                g = fusedMultiplyAdd(delta[b * rows + j], input[b * cols + k], g);
            gradient[(j - begin) * cols + k] = g;
        }
    }
    const std::int64_t offset = begin * cols;
    adamStream(c, gradient, layer.weight + offset, layer.weightFirst + offset,
               layer.weightSecond + offset, (end - begin) * cols);
    adamStream(c, biasGradient, layer.bias + begin, layer.biasFirst + begin,
               layer.biasSecond + begin, end - begin);
    delete[] gradient;
}

void denseBackwardAdam(const AdamConstants& c, const float* delta, const float* input,
                       std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,
                       std::int64_t end, float* inputGradient) {
    // δ·W first, while W is still this step's (measured: the register-tiled product beats
    // riding along the Adam pass at every batch size from 4 to 32).
    if (inputGradient) {
        inputGradientRows(delta, batch, layer.weight, layer.rows, layer.cols, begin, end,
                          inputGradient);
    }
    float* biasGradient = new float[end - begin];
    biasGradients(delta, batch, layer.rows, begin, end, biasGradient);
    if (layer.cols < kWidth) {
        narrowGradientAdam(c, delta, input, batch, layer, begin, end, biasGradient);
    } else {
        constexpr int kRows = 4;
        float* gradient = new float[kRows * layer.cols];
        std::int64_t j = begin;
        for (; j + kRows <= end; j += kRows) {
            gradientAdamRows<kRows>(c, delta, input, batch, layer, j, biasGradient + (j - begin),
                                    gradient);
        }
        for (; j < end; ++j) {
            gradientAdamRows<1>(c, delta, input, batch, layer, j, biasGradient + (j - begin),
                                gradient);
        }
        delete[] gradient;
    }
    delete[] biasGradient;
}

void reluDropoutForward(const float* pre, const float* keep, float* post, std::int64_t count) {
    const Vec zero = {};
    std::int64_t i = 0;
    for (; i + kWidth <= count; i += kWidth) {
        const Vec v = load(pre + i);
        Vec out = v > zero ? v : zero;
        if (keep) out *= load(keep + i);
        store(post + i, out);
    }
    for (; i < count; ++i) {
        const float out = pre[i] > 0.0f ? pre[i] : 0.0f;
        post[i] = keep ? out * keep[i] : out;
    }
}

void reluDropoutBackward(const float* pre, const float* keep, float* gradient, std::int64_t count) {
    const Vec zero = {};
    std::int64_t i = 0;
    for (; i + kWidth <= count; i += kWidth) {
        Vec g = load(pre + i) > zero ? load(gradient + i) : zero;
        if (keep) g *= load(keep + i);
        store(gradient + i, g);
    }
    for (; i < count; ++i) {
        const float g = pre[i] > 0.0f ? gradient[i] : 0.0f;
        gradient[i] = keep ? g * keep[i] : g;
    }
}

}  // namespace SPECRES_KERNEL_NAMESPACE
}  // namespace specres
