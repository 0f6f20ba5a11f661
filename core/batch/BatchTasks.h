#pragma once

#include <string>
#include <vector>

#include "batch/BatchPlan.h"

namespace specres {

/// Where a task of a batch stands. Done is read from the tile's own manifest (complete, its
/// inputs unchanged); the rest from small records under RUN/tasks that `batch run` keeps.
enum class TaskState { Done, Running, Failed, Missing };
const char* toString(TaskState state);

struct TaskStatus {
    int task = 0;
    TaskState state = TaskState::Missing;
    std::string detail;       ///< why it failed, where it runs, what made a tile stale
    double seconds = 0;       ///< for a done task: how long it ran (0 when not recorded)
    double peakMiB = 0;       ///< for a done task: its peak resident memory
    std::int64_t pixels = 0;  ///< for a done task: pixels predicted
};

/// "task 3 (scene cuprite-a, tile 3/4)".
std::string describeTask(const BatchPlan& plan, int task);

/// Records that task K has started here (process id, host, Slurm job when there is one), that it
/// finished (with its time, peak memory and pixels), or that it failed (with the reason).
Status recordTaskStarted(const BatchPlan& plan, int task);
Status recordTaskFinished(const BatchPlan& plan, int task, double seconds, double peakMiB,
                          std::int64_t pixels);
Status recordTaskFailed(const BatchPlan& plan, int task, const std::string& reason);

/// The state of every task. A task recorded as running on this host whose process is gone was
/// killed (or crashed) and counts as failed; one recorded on another host counts as failed when
/// squeue says its Slurm job has ended (or no longer knows it), and is taken at its word when
/// there is no squeue to ask.
/// Checksums of the inputs are computed once per file.
std::vector<TaskStatus> batchStatus(const BatchPlan& plan);

/// The state of one task (the same rules).
TaskStatus taskStatus(const BatchPlan& plan, int task);

/// The pixels task K recorded when it last finished (0 without a record); reads no input.
std::int64_t recordedPixels(const BatchPlan& plan, int task);

/// Peak resident memory of this process so far, in MiB.
double peakResidentMiB();

}  // namespace specres
