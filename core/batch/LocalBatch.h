#pragma once

#include <functional>
#include <string>
#include <vector>

#include "batch/BatchPlan.h"

namespace specres {

/// How one task run as a child process ended.
struct LocalTaskResult {
    int task = 0;
    int exitCode = 0;  ///< the child's exit status, or 128 + signal when a signal ended it
    double seconds = 0;
    double peakMiB = 0;  ///< the child's peak resident memory (from wait4's rusage)
    std::string log;     ///< its output: RUN/logs/task-K.local.log
};

/// Runs `tasks` of a batch on this machine the way a cluster would, without one: each task is a
/// child process (`executable batch run RUN --task K`), at most `jobs` at a time, each with
/// OMP_NUM_THREADS = `threadsPerTask`, its output in its log. Children that a signal ends count
/// as failed; the tasks already done stay done, so a second call resumes. `onFinished` is called
/// as each ends. Ctrl-C stops new tasks from starting (the running ones get it themselves and
/// stop); the tasks not started are simply not in the results. Only for processes that start no
/// other children of their own to wait on.
std::vector<LocalTaskResult> runTasksLocally(
    const BatchPlan& plan, const std::vector<int>& tasks, int jobs, int threadsPerTask,
    const std::string& executable,
    const std::function<void(const LocalTaskResult&)>& onFinished = {});

/// The running program's own path (/proc/self/exe), to start copies of it.
std::string currentExecutable();

}  // namespace specres
