#pragma once

namespace specres {

/// Makes OpenBLAS single-threaded while it lives, and restores the previous thread count.
///
/// Work that is already parallel across its own threads (EM over mixture components) must not
/// have each BLAS call spawn threads too: on two cores that oversubscription made the fit 45 %
/// slower. OpenBLAS is reached through the generic libblas.so.3, so its thread controls are
/// looked up at run time; with another BLAS this does nothing. The setting is process-wide, so
/// the scopes of all threads count as one: the first to begin saves the thread count and the
/// last to end restores it (scopes saving and restoring one by one, on two threads, could
/// leave BLAS single-threaded for good).
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

/// OpenBLAS's process-wide thread count (0 where the BLAS is not OpenBLAS), and a way to set it:
/// for tests that check a result does not depend on it.
int blasThreads();
void setBlasThreads(int threads);

/// From now on, parallel regions started from the calling thread (OpenMP: LibTorch's and the
/// optimiser's) run on that thread alone; other threads keep their own setting. For short,
/// latency-bound work beside a GUI thread — one pixel's predictions — where starting a team
/// costs more than it saves, and the team's spinning takes the core the GUI thread needs.
void keepParallelRegionsOnThisThread();

/// A cap on the threads that work started from the calling thread may use (0: none), for
/// work that runs beside other work: runComparison's workers each take a share of the cores.
/// Sets this thread's OpenMP team size to `threads` and is read by training (TrainingThreads),
/// which would otherwise take every core but one.
void setThreadBudget(int threads);
int threadBudget();

/// Lowers the calling thread's scheduling priority (on Linux, nice + 10) for long background
/// work: a GUI thread and a pixel inspector at normal priority then take a core as soon as
/// they need one, instead of sharing it evenly with the workers training a whole table (a
/// click took 31 ms at the 95th percentile beside them). Nothing else changes: alone, the
/// workers still have every core. Best effort: a refusal is ignored.
void yieldToInteractiveThreads();

}  // namespace specres
