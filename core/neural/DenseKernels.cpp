#include "neural/DenseKernels.h"

namespace specres {

// The two builds of DenseKernelsImpl.h.
#define SPECRES_KERNEL_DECLARATIONS                                                                \
    void adamUpdate(const AdamConstants& c, const float* gradient, float* weight,                  \
                    float* firstMoment, float* secondMoment, std::int64_t count);                  \
    void denseForward(const float* input, std::int64_t batch, const float* weight,                 \
                      const float* bias, std::int64_t rows, std::int64_t cols, std::int64_t begin, \
                      std::int64_t end, float* out);                                               \
    void denseBackwardAdam(const AdamConstants& c, const float* delta, const float* input,         \
                           std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,   \
                           std::int64_t end, float* inputGradient);
namespace generic {
SPECRES_KERNEL_DECLARATIONS
}
namespace avx2 {
SPECRES_KERNEL_DECLARATIONS
}
#undef SPECRES_KERNEL_DECLARATIONS

KernelIsa bestKernelIsa() {
#if defined(__x86_64__) || defined(__i386__)
    static const KernelIsa best = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                                      ? KernelIsa::Avx2
                                      : KernelIsa::Generic;
    return best;
#else
    return KernelIsa::Generic;
#endif
}

const char* kernelIsaName(KernelIsa isa) {
    switch (isa == KernelIsa::Automatic ? bestKernelIsa() : isa) {
        case KernelIsa::Avx2:
            return "AVX2+FMA";
        default:
            return "generic";
    }
}

namespace {
// A request for AVX2 on a CPU without it falls back rather than faulting.
bool useAvx2(KernelIsa isa) {
    return isa != KernelIsa::Generic && bestKernelIsa() == KernelIsa::Avx2;
}
}  // namespace

void adamUpdate(const AdamConstants& c, const float* gradient, float* weight, float* firstMoment,
                float* secondMoment, std::int64_t count, KernelIsa isa) {
    (useAvx2(isa) ? avx2::adamUpdate : generic::adamUpdate)(c, gradient, weight, firstMoment,
                                                            secondMoment, count);
}

void denseForward(const float* input, std::int64_t batch, const float* weight, const float* bias,
                  std::int64_t rows, std::int64_t cols, std::int64_t begin, std::int64_t end,
                  float* out, KernelIsa isa) {
    (useAvx2(isa) ? avx2::denseForward : generic::denseForward)(input, batch, weight, bias, rows,
                                                                cols, begin, end, out);
}

void denseBackwardAdam(const AdamConstants& c, const float* delta, const float* input,
                       std::int64_t batch, const DenseLayerState& layer, std::int64_t begin,
                       std::int64_t end, float* inputGradient, KernelIsa isa) {
    (useAvx2(isa) ? avx2::denseBackwardAdam : generic::denseBackwardAdam)(
        c, delta, input, batch, layer, begin, end, inputGradient);
}

}  // namespace specres
