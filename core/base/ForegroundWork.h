#pragma once

#include <chrono>

namespace specres {

/// Lowers the calling thread's scheduling priority (on Linux, nice + 10) for long background
/// work, and makes it step aside for foreground work (below) at its checkpoints: a GUI thread
/// and a pixel inspector at normal priority then take a core as soon as they need one, instead
/// of sharing it evenly with the workers training a whole table (a click took 31 ms at the 95th
/// percentile beside them). Nothing else changes: alone, the workers still have every core.
/// The priority is best effort: a refusal is ignored.
void yieldToInteractiveThreads();

/// While one lives, a person is waiting on an answer (a click's predictions and the repaint
/// that shows them): the first thread that yielded to interactive threads to reach a
/// checkpoint (stepAsideForForeground) pauses there until every ForegroundWork has ended. One
/// paused thread frees the core the answer needs; the others go on (pausing both of two workers
/// cost training twice as much, for no shorter click). A lower priority alone is not enough on
/// two cores: the workers still fill the caches and the memory bus the answer needs, and a click
/// beside two training workers took 22.6 ms at the 95th percentile against 13 ms idle.
///
/// Training never starves: a pause lasts at most `limit` from the moment the foreground work
/// began, and a thread that has just paused runs at least 60 ms before it pauses anew (so
/// rapid clicking takes at most about half of the workers' time).
class ForegroundWork {
public:
    explicit ForegroundWork(std::chrono::milliseconds limit = std::chrono::milliseconds(60));
    ~ForegroundWork();
    ForegroundWork(const ForegroundWork&) = delete;
    ForegroundWork& operator=(const ForegroundWork&) = delete;
};

/// A checkpoint for background work, between steps that take well under a millisecond to a few
/// milliseconds (a training batch, an EM iteration, a few spectra scored): pauses while
/// foreground work is waiting, if this thread yielded to interactive threads and no other such
/// thread is paused already; otherwise (the
/// CLI, the GUI thread, the inspector) it returns at once. Costs one relaxed atomic load when
/// nothing is waiting.
void stepAsideForForeground();

/// Whether any ForegroundWork is alive now (for tests: a click's wait must end).
bool foregroundWorkOpen();

/// How long threads have paused for foreground work since the process began (all threads
/// together), and how many pauses: for benchmarks that report what the pauses cost training.
struct ForegroundPauses {
    double seconds = 0.0;
    long count = 0;
};
ForegroundPauses foregroundPauses();

}  // namespace specres
