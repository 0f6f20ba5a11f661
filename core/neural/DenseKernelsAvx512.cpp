// The dense-layer kernels for CPUs with AVX-512 (F and VL) and FMA, 16 lanes wide, giving the
// same bits as the AVX2 build (DenseKernelsImpl.h says why): the shared kernels but the forward
// pass, and below, a forward pass that computes AVX2's dot products two to a register. Called
// only where the CPU reports all three.
#define SPECRES_KERNEL_NAMESPACE avx512
#define SPECRES_KERNEL_WIDTH 16
#define SPECRES_KERNEL_FORWARD 0
#include "neural/DenseKernelsImpl.h"

namespace specres {
namespace avx2 {
void denseForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                  std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                  float* out);
}
namespace avx512 {
namespace {

// The forward pass two outputs to a register: AVX2's eight lanes of one output's dot product in
// each half, so that every lane does AVX2's fused multiply-adds in AVX2's order, and the halves'
// lanes are added up as AVX2's sum() adds its vector's. The same bits, half the instructions.
typedef float Half __attribute__((vector_size(8 * sizeof(float))));
typedef float Pair __attribute__((vector_size(16 * sizeof(float))));
constexpr std::int64_t kHalf = 8;

inline Half loadHalf(const float* p) {
    Half v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
inline Pair joined(Half low, Half high) {
    return __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
// Each half's lanes added pairwise, halves first, as sum() in DenseKernelsImpl.h does it.
inline void halfSums(Pair v, float& low, float& high) {
    v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 4, 5, 6, 7, 12, 13, 14, 15, 12, 13, 14, 15);
    v += __builtin_shufflevector(v, v, 2, 3, 2, 3, 2, 3, 2, 3, 10, 11, 10, 11, 10, 11, 10, 11);
    v += __builtin_shufflevector(v, v, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9);
    low = v[0];
    high = v[8];
}

// R rows of W against P pairs of samples.
template <int R, int P>
inline void pairedTile(const float* input, std::int64_t cols, const float* weight, float* sums) {
    Pair acc[R][P] = {};
    for (std::int64_t k = 0; k + kHalf <= cols; k += kHalf) {
        Pair x[P];
        for (int p = 0; p < P; ++p) {
            x[p] = joined(loadHalf(input + 2 * p * cols + k),
                          loadHalf(input + (2 * p + 1) * cols + k));
        }
        for (int r = 0; r < R; ++r) {
            const Half w = loadHalf(weight + r * cols + k);
            const Pair both = joined(w, w);
            for (int p = 0; p < P; ++p) acc[r][p] += both * x[p];
        }
    }
    const std::int64_t vectorCols = cols - cols % kHalf;
    for (int r = 0; r < R; ++r) {
        for (int p = 0; p < P; ++p) {
            float low, high;
            halfSums(acc[r][p], low, high);
            const float* w = weight + r * cols + vectorCols;
            sums[r * 2 * P + 2 * p] =
                dotTail(w, input + 2 * p * cols + vectorCols, cols - vectorCols, low);
            sums[r * 2 * P + 2 * p + 1] =
                dotTail(w, input + (2 * p + 1) * cols + vectorCols, cols - vectorCols, high);
        }
    }
}

template <int R, int P>
inline void pairedRows(const float* input, std::int64_t batch, const float* weight,
                       const float* bias, std::int64_t rows, std::int64_t cols, std::int64_t j,
                       float* out) {
    float sums[R * 2 * P];
    for (std::int64_t b = 0; b + 2 * P <= batch; b += 2 * P) {
        pairedTile<R, P>(input + b * cols, cols, weight + j * cols, sums);
        for (int r = 0; r < R; ++r) {
            for (int t = 0; t < 2 * P; ++t)
                out[(b + t) * rows + j + r] = sums[r * 2 * P + t] + bias[j + r];
        }
    }
}

// A layer narrower than AVX2's vector (the 5 ASTER bands into the first hidden layer) has no
// vector part, only dotTail: 16 outputs of a sample at once, along a transposed copy of W's rows,
// each lane adding its products in dotTail's order, rounded or fused as it does.
void narrowForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                   std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                   float* out) {
    const std::int64_t count = end - begin, vectorRows = count - count % kWidth;
    // No std::vector here: its members built for AVX-512 could be the ones the linker keeps.
    float* transposed = new float[std::size_t(cols * vectorRows)];
    for (std::int64_t r = 0; r < vectorRows; ++r) {
        for (std::int64_t k = 0; k < cols; ++k)
            transposed[k * vectorRows + r] = weight[(begin + r) * cols + k];
    }
    const std::int64_t grouped = cols - cols % 4;
    for (std::int64_t b = 0; b < batch; ++b) {
        const float* x = input + b * cols;
        float* y = out + b * rows + begin;
        for (std::int64_t r = 0; r < vectorRows; r += kWidth) {
            Vec s = {};
            std::int64_t k = 0;
            for (; k < grouped; ++k) {
                Vec p = load(transposed + k * vectorRows + r) * x[k];
                __asm__("" : "+v"(p));  // rounded on its own, as roundedProduct
                s += p;
            }
            for (; k < cols; ++k) s += load(transposed + k * vectorRows + r) * x[k];
            store(y + r, s + load(bias + begin + r));
        }
        for (std::int64_t r = vectorRows; r < count; ++r)
            y[r] = dotTail(weight + (begin + r) * cols, x, cols, 0.0f) + bias[begin + r];
    }
    delete[] transposed;
}

}  // namespace

void denseForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                  std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                  float* out) {
    if (cols < kHalf) {
        narrowForward(input, batch, weight, bias, rows, cols, begin, end, out);
        return;
    }
    // 4 rows × 4 pairs: 16 accumulators, 4 inputs and W's row in 21 of the 32 registers; the
    // fastest tile measured at batch 32 (149 against AVX2's 66 GFLOP/s at 256 × 256).
    constexpr int kRows = 4, kPairs = 4;
    std::int64_t j = begin;
    for (; j + kRows <= end; j += kRows)
        pairedRows<kRows, kPairs>(input, batch, weight, bias, rows, cols, j, out);
    for (; j < end; ++j) pairedRows<1, kPairs>(input, batch, weight, bias, rows, cols, j, out);
    const std::int64_t paired = batch - batch % (2 * kPairs);
    if (paired < batch) {
        avx2::denseForward(input + paired * cols, batch - paired, weight, bias, rows, cols, begin,
                           end, out + paired * rows);
    }
}

}  // namespace avx512
}  // namespace specres
