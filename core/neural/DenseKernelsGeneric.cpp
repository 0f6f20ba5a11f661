// The dense-layer kernels for any x86-64 (SSE2: 4 floats a register) or other CPU.
#define SPECRES_KERNEL_NAMESPACE generic
#define SPECRES_KERNEL_WIDTH 4
#include "neural/DenseKernelsImpl.h"
