#include "neural/DenseKernels.h"

#include <algorithm>

namespace specres {

// The three builds of DenseKernelsImpl.h (the AVX-512 one with its own forward pass).
#define SPECRES_KERNEL_DECLARATIONS                                                                \
    void adamUpdate(const AdamConstants& c, const float* gradient, float* weight,                  \
                    float* firstMoment, float* secondMoment, std::int64_t count);                  \
    void denseForward(const float* input, std::int64_t batch, const float* weight,                 \
                      const float* bias, std::int64_t rows, std::int64_t cols, std::int64_t begin, \
                      std::int64_t end, float* out);                                               \
    void denseBackwardAdam(const AdamConstants& c, const float* delta, const float* input,         \
                           std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,   \
                           std::int64_t end, float* inputGradient);                                \
    void reluDropoutForward(const float* pre, const float* keep, float* post, std::int64_t count); \
    void reluDropoutBackward(const float* pre, const float* keep, float* gradient,                 \
                             std::int64_t count);
namespace generic {
SPECRES_KERNEL_DECLARATIONS
}
namespace avx2 {
SPECRES_KERNEL_DECLARATIONS
}
namespace avx512 {
SPECRES_KERNEL_DECLARATIONS
}
#undef SPECRES_KERNEL_DECLARATIONS

KernelIsa bestKernelIsa() {
#if defined(__x86_64__) || defined(__i386__)
    static const KernelIsa best = [] {
        // libgcc's checks include the operating system's support for the registers (XCR0).
        const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
            return KernelIsa::Avx512;
        return avx2 ? KernelIsa::Avx2 : KernelIsa::Generic;
    }();
    return best;
#else
    return KernelIsa::Generic;
#endif
}

const char* kernelIsaName(KernelIsa isa) {
    switch (isa == KernelIsa::Automatic ? bestKernelIsa() : isa) {
        case KernelIsa::Avx512:
            return "AVX-512";
        case KernelIsa::Avx2:
            return "AVX2+FMA";
        default:
            return "generic";
    }
}

namespace {
// The build a request runs: Automatic is the widest this CPU has, and a request for a wider one
// than it has falls back to that rather than faulting.
KernelIsa resolve(KernelIsa isa) {
    const KernelIsa best = bestKernelIsa();
    if (isa == KernelIsa::Automatic) return best;
    return int(isa) <= int(best) ? isa : best;
}

// The call goes to the function of that name in the build `isa` resolves to.
#define SPECRES_DISPATCH(isa, function, ...)       \
    switch (resolve(isa)) {                        \
        case KernelIsa::Avx512:                    \
            return avx512::function(__VA_ARGS__);  \
        case KernelIsa::Avx2:                      \
            return avx2::function(__VA_ARGS__);    \
        default:                                   \
            return generic::function(__VA_ARGS__); \
    }
}  // namespace

void adamUpdate(const AdamConstants& c, const float* gradient, float* weight, float* firstMoment,
                float* secondMoment, std::int64_t count, KernelIsa isa) {
    SPECRES_DISPATCH(isa, adamUpdate, c, gradient, weight, firstMoment, secondMoment, count)
}

void invariantDense(const float* input, std::int64_t batch, const float* weight, const float* bias,
                    std::int64_t rows, std::int64_t cols, float* out, KernelIsa isa) {
    // Blocks of W's rows (~128 KB, in L2) against blocks of samples (~64 KB): each pass of
    // denseForward then reads both from cache. The blocks only decide which outputs are computed
    // when, never how (see denseForward's tiles: one accumulator per output), so they change no
    // bit.
    const std::int64_t bytesPerRow = std::max<std::int64_t>(1, cols) * std::int64_t(sizeof(float));
    const std::int64_t rowBlock = std::max<std::int64_t>(3, (128 << 10) / bytesPerRow / 3 * 3);
    const std::int64_t sampleBlock = std::max<std::int64_t>(4, (64 << 10) / bytesPerRow / 4 * 4);
    for (std::int64_t j = 0; j < rows; j += rowBlock) {
        const std::int64_t end = std::min(rows, j + rowBlock);
        for (std::int64_t b = 0; b < batch; b += sampleBlock) {
            const std::int64_t count = std::min(sampleBlock, batch - b);
            denseForward(input + b * cols, count, weight, bias, rows, cols, j, end, out + b * rows,
                         isa);
        }
    }
}

void denseForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                  std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                  float* out, KernelIsa isa) {
    SPECRES_DISPATCH(isa, denseForward, input, batch, weight, bias, rows, cols, begin, end, out)
}

void denseBackwardAdam(const AdamConstants& c, const float* delta, const float* input,
                       std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,
                       std::int64_t end, float* inputGradient, KernelIsa isa) {
    SPECRES_DISPATCH(isa, denseBackwardAdam, c, delta, input, batch, layer, begin, end,
                     inputGradient)
}

void reluDropoutForward(const float* pre, const float* keep, float* post, std::int64_t count,
                        KernelIsa isa) {
    SPECRES_DISPATCH(isa, reluDropoutForward, pre, keep, post, count)
}

void reluDropoutBackward(const float* pre, const float* keep, float* gradient, std::int64_t count,
                         KernelIsa isa) {
    SPECRES_DISPATCH(isa, reluDropoutBackward, pre, keep, gradient, count)
}

#undef SPECRES_DISPATCH

}  // namespace specres
