#pragma once

namespace specres {

/// Makes OpenBLAS single-threaded while it lives, and restores the previous thread count.
///
/// Work that is already parallel across its own threads (EM over mixture components) must not
/// have each BLAS call spawn threads too: on two cores that oversubscription made the fit 45 %
/// slower. OpenBLAS is reached through the generic libblas.so.3, so its thread controls are
/// looked up at run time; with another BLAS this does nothing. The setting is process-wide.
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

private:
    int previous_ = 0;
};

}  // namespace specres
