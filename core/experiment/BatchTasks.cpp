#include "experiment/BatchTasks.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "base/Checksum.h"
#include "io/AtomicFile.h"
#include "io/JsonFields.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

std::string hostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "unknown";
    return name;
}

std::string recordPath(const BatchPlan& plan, int task, const char* kind) {
    return plan.taskDirectory() + "/task-" + std::to_string(task) + "." + kind;
}

std::string nowText() {
    const std::time_t now = std::time(nullptr);
    char text[32] = {};
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return text;
}

Status writeRecord(const BatchPlan& plan, int task, const char* kind, nlohmann::json json) {
    std::error_code error;
    fs::create_directories(plan.taskDirectory(), error);
    if (error) return fail(plan.taskDirectory() + ": cannot create (" + error.message() + ")");
    json["task"] = task;
    json["host"] = hostName();
    json["time"] = nowText();
    return writeTextAtomically(recordPath(plan, task, kind), json.dump(2) + "\n");
}

void removeRecord(const BatchPlan& plan, int task, const char* kind) {
    std::error_code error;
    fs::remove(recordPath(plan, task, kind), error);
}

/// A record's JSON, or null when it is absent or unreadable (a record being replaced).
nlohmann::json readRecord(const BatchPlan& plan, int task, const char* kind) {
    const std::string path = recordPath(plan, task, kind);
    std::error_code error;
    if (!fs::exists(path, error)) return nullptr;
    auto json = readJsonFile(path, "a task record", 1 << 20);
    return json && json->is_object() ? *json : nlohmann::json();
}

bool processIsAlive(long pid) { return pid > 0 && (kill(pid_t(pid), 0) == 0 || errno == EPERM); }

/// Checksums of files, each computed once.
class ChecksumCache {
public:
    std::string of(const std::string& path) {
        auto found = sums_.find(path);
        if (found != sums_.end()) return found->second;
        auto sum = fileChecksum(path);
        return sums_[path] = sum ? *sum : std::string("unreadable");
    }

private:
    std::map<std::string, std::string> sums_;
};

TaskStatus statusOf(const BatchPlan& plan, int task, ChecksumCache& sums) {
    TaskStatus status;
    status.task = task;
    const BatchScene& scene = plan.sceneOf(task);
    const SceneTile tile = plan.tileOf(task);
    const std::string manifest = tile.prefix(plan.scenePrefix(scene)) + ".json";
    std::error_code error;
    std::string stale;
    if (fs::exists(manifest, error)) {
        auto m = readTileManifest(manifest);
        if (!m) {
            stale = m.error();
        } else {
            // The tile counts when its manifest is for the plan's model and rasters, each
            // unchanged since, and its maps are all there.
            std::map<std::string, std::string> expected = {{"model", plan.model},
                                                           {"low", scene.low}};
            if (!scene.high.empty()) expected["high"] = scene.high;
            for (const auto& input : m->inputs) {
                auto role = expected.find(input.role);
                if (role != expected.end() && role->second != input.path) {
                    stale = "its " + input.role + " was " + input.path + ", the plan says " +
                            role->second;
                    break;
                }
                if (sums.of(input.path) != input.checksum) {
                    stale = "the " + input.role + " " + input.path + " changed since";
                    break;
                }
            }
            for (const auto& file : m->outputs) {
                if (stale.empty() && !fs::exists(file, error)) stale = file + " is missing";
            }
            if (stale.empty() && (m->tile.index != tile.index || m->tile.count != tile.count))
                stale = "its manifest is another tile's";
            if (stale.empty()) {
                status.state = TaskState::Done;
                const auto done = readRecord(plan, task, "done");
                if (done.is_object()) {
                    status.seconds = done.value("seconds", 0.0);
                    status.peakMiB = done.value("peak_mib", 0.0);
                    status.pixels = done.value("pixels", std::int64_t(0));
                }
                return status;
            }
        }
    }
    const auto running = readRecord(plan, task, "running");
    if (running.is_object()) {
        const std::string host = running.value("host", "");
        const long pid = running.value("pid", 0L);
        const std::string job = running.value("slurm_job", "");
        const std::string since = running.value("time", "");
        if (host == hostName() && !processIsAlive(pid)) {
            status.state = TaskState::Failed;
            status.detail = "stopped before it finished: process " + std::to_string(pid) +
                            " (started " + since + ") is gone — killed, or out of memory or time";
        } else {
            status.state = TaskState::Running;
            status.detail = "process " + std::to_string(pid) + " on " + host + " since " + since +
                            (job.empty() ? std::string() : ", Slurm job " + job);
        }
        return status;
    }
    const auto failed = readRecord(plan, task, "failed");
    if (failed.is_object()) {
        status.state = TaskState::Failed;
        status.detail = failed.value("reason", std::string("failed"));
        return status;
    }
    status.state = TaskState::Missing;
    if (!stale.empty()) status.detail = "stale tile: " + stale;
    return status;
}

}  // namespace

const char* toString(TaskState state) {
    switch (state) {
        case TaskState::Done:
            return "done";
        case TaskState::Running:
            return "running";
        case TaskState::Failed:
            return "failed";
        default:
            return "missing";
    }
}

std::string describeTask(const BatchPlan& plan, int task) {
    const SceneTile tile = plan.tileOf(task);
    return "task " + std::to_string(task) + " (scene " + plan.sceneOf(task).name + ", tile " +
           std::to_string(tile.index) + "/" + std::to_string(tile.count) + ")";
}

Status recordTaskStarted(const BatchPlan& plan, int task) {
    nlohmann::json json;
    json["pid"] = long(getpid());
    const char* job = std::getenv("SLURM_JOB_ID");
    json["slurm_job"] = job ? job : "";
    removeRecord(plan, task, "failed");
    removeRecord(plan, task, "done");
    return writeRecord(plan, task, "running", json);
}

Status recordTaskFinished(const BatchPlan& plan, int task, double seconds, double peakMiB,
                          std::int64_t pixels) {
    nlohmann::json json;
    json["seconds"] = seconds;
    json["peak_mib"] = peakMiB;
    json["pixels"] = pixels;
    auto written = writeRecord(plan, task, "done", json);
    removeRecord(plan, task, "running");
    return written;
}

Status recordTaskFailed(const BatchPlan& plan, int task, const std::string& reason) {
    nlohmann::json json;
    json["reason"] = reason;
    auto written = writeRecord(plan, task, "failed", json);
    removeRecord(plan, task, "running");
    return written;
}

std::vector<TaskStatus> batchStatus(const BatchPlan& plan) {
    ChecksumCache sums;
    std::vector<TaskStatus> out;
    for (int task = 1; task <= plan.taskCount(); ++task) out.push_back(statusOf(plan, task, sums));
    return out;
}

TaskStatus taskStatus(const BatchPlan& plan, int task) {
    ChecksumCache sums;
    return statusOf(plan, task, sums);
}

double peakResidentMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

}  // namespace specres
