#include "base/BlasThreads.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <omp.h>

#include <dlfcn.h>

#include <mutex>

namespace specres {

namespace {
using SetThreads = void (*)(int);
using GetThreads = int (*)();

SetThreads setter() {
    static const auto function =
        reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    return function;
}
GetThreads getter() {
    static const auto function =
        reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return function;
}
}  // namespace

namespace {
std::mutex scopeMutex;
int openScopes = 0;  // SingleThreadedBlas objects alive, on any thread
int restoreTo = 0;   // the thread count before the first of them began
}  // namespace

SingleThreadedBlas::SingleThreadedBlas() {
    if (!setter() || !getter()) return;
    const std::lock_guard<std::mutex> lock(scopeMutex);
    if (openScopes++ == 0) {
        restoreTo = getter()();
        setter()(1);
    }
}

SingleThreadedBlas::~SingleThreadedBlas() {
    if (!setter() || !getter()) return;
    const std::lock_guard<std::mutex> lock(scopeMutex);
    if (--openScopes == 0 && restoreTo > 0) setter()(restoreTo);
}

int blasThreads() { return getter() ? getter()() : 0; }

void setBlasThreads(int threads) {
    if (setter() && threads > 0) setter()(threads);
}

void keepParallelRegionsOnThisThread() { omp_set_num_threads(1); }

namespace {
thread_local int budget = 0;
}

void setThreadBudget(int threads) {
    budget = threads > 0 ? threads : 0;
    if (budget > 0) omp_set_num_threads(budget);
}

int threadBudget() { return budget; }

void yieldToInteractiveThreads() {
#ifdef __linux__
    // setpriority with a thread id applies to that thread alone on Linux.
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10);
#endif
}

}  // namespace specres
