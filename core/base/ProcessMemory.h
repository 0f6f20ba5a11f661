#pragma once

namespace specres {

/// Lets the C library keep memory the process freed, for its next allocations, instead of
/// handing it back to the system at once. Training allocates and frees the same large
/// temporaries at every step and every validation pass (LibTorch's tensors: a full DCGM's
/// validation pass alone holds ~150 MB); glibc returned the top of its heap to the system after
/// each, and every next step faulted the pages in again. On the demo that was 1.2 million page
/// faults and 9 s of system time in one DCGM/full row (fit 79 s); kept, 85,000 and 0.9 s (fit
/// 67 s), for 9 % more peak memory. Freed memory is returned once more than 512 MB of it sits
/// at the top of the heap; tensors up to 32 MB come from the heap, larger ones are mapped.
/// For entry points that train (the CLI, the GUI, benchmarks). Nothing is computed differently.
/// Best effort: a C library without these controls (not glibc) is left as it is.
void keepFreedMemoryForReuse();

}  // namespace specres
