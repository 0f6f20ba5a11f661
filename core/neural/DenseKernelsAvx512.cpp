// The dense-layer kernels for CPUs with AVX-512 (F and VL) and FMA, 16 lanes wide: all but the
// forward pass, for which such a CPU runs the AVX2 build's, so that it gives the same bits as a
// machine with AVX2 alone (DenseKernelsImpl.h says why). Called only where the CPU reports all
// three.
#define SPECRES_KERNEL_NAMESPACE avx512
#define SPECRES_KERNEL_WIDTH 16
#define SPECRES_KERNEL_FORWARD 0
#include "neural/DenseKernelsImpl.h"
