#include "base/ForegroundWork.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace specres {

namespace {
using Clock = std::chrono::steady_clock;

std::int64_t ticks(Clock::time_point t) { return t.time_since_epoch().count(); }

thread_local bool background = false;
thread_local Clock::time_point resumedAt{};  // when this thread's last pause ended

std::mutex gateMutex;
std::condition_variable gateOpened;
int open = 0;  // ForegroundWork objects alive
int pausedNow = 0;  // threads waiting in stepAsideForForeground: at most one
// The latest moment any open ForegroundWork lets background threads wait until; 0 when none is
// open. Read without the lock on the checkpoint's fast path.
std::atomic<std::int64_t> waitUntil{0};
std::atomic<std::int64_t> pausedTicks{0};
std::atomic<long> pauseCount{0};
}  // namespace

void yieldToInteractiveThreads() {
    background = true;
#ifdef __linux__
    // setpriority with a thread id applies to that thread alone on Linux.
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10);
#endif
}

ForegroundWork::ForegroundWork(std::chrono::milliseconds limit) {
    const std::lock_guard<std::mutex> lock(gateMutex);
    ++open;
    const std::int64_t until = ticks(Clock::now() + limit);
    waitUntil.store(std::max(waitUntil.load(std::memory_order_relaxed), until),
                    std::memory_order_relaxed);
}

ForegroundWork::~ForegroundWork() {
    {
        const std::lock_guard<std::mutex> lock(gateMutex);
        if (--open == 0) waitUntil.store(0, std::memory_order_relaxed);
    }
    gateOpened.notify_all();
}

void stepAsideForForeground() {
    if (!background || waitUntil.load(std::memory_order_relaxed) == 0) return;
    const Clock::time_point now = Clock::now();
    // After a pause, run at least as long as it could have lasted before pausing again.
    if (now - resumedAt < std::chrono::milliseconds(60)) return;
    std::unique_lock<std::mutex> lock(gateMutex);
    const std::int64_t until = waitUntil.load(std::memory_order_relaxed);
    if (open == 0 || ticks(now) >= until) return;
    // One paused thread frees the core the answer needs; the others go on training.
    if (pausedNow >= 1) return;
    ++pausedNow;
    gateOpened.wait_until(lock, Clock::time_point(Clock::duration(until)),
                          [] { return open == 0; });
    --pausedNow;
    resumedAt = Clock::now();
    pausedTicks.fetch_add(ticks(resumedAt) - ticks(now), std::memory_order_relaxed);
    pauseCount.fetch_add(1, std::memory_order_relaxed);
}

bool foregroundWorkOpen() {
    const std::lock_guard<std::mutex> lock(gateMutex);
    return open > 0;
}

ForegroundPauses foregroundPauses() {
    return {
        std::chrono::duration<double>(Clock::duration(pausedTicks.load(std::memory_order_relaxed)))
            .count(),
        pauseCount.load(std::memory_order_relaxed)};
}

}  // namespace specres
