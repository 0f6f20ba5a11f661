#include "base/ProcessMemory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace specres {

void keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
    constexpr int kMegabyte = 1 << 20;
    // The largest threshold glibc accepts on 64-bit systems; setting any of the three also
    // stops glibc's own adjustment of the thresholds.
    mallopt(M_MMAP_THRESHOLD, 32 * kMegabyte);
    mallopt(M_TRIM_THRESHOLD, 512 * kMegabyte);
    mallopt(M_TOP_PAD, 64 * kMegabyte);
#endif
}

}  // namespace specres
