// The dense-layer kernels for CPUs with AVX2 and FMA (built with -mavx2 -mfma; called only
// where the CPU reports both).
#define SPECRES_KERNEL_NAMESPACE avx2
#define SPECRES_KERNEL_WIDTH 8
#include "neural/DenseKernelsImpl.h"
