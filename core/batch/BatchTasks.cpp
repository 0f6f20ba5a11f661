#include "batch/BatchTasks.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

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

/// For tasks recorded on other hosts: have their Slurm jobs ended? Asked of squeue once for
/// all of them (one call per task would load slurmctld with thousands), each job's state kept.
class SlurmQueue {
public:
    /// Asks about all these jobs in one squeue call.
    void ask(const std::vector<std::string>& jobs) {
        std::string list;
        for (const auto& job : jobs) {
            if (valid(job) && !known_.count(job)) list += (list.empty() ? "" : ",") + job;
        }
        if (list.empty()) return;
        auto answer = run("squeue -h -j " + list + " -o '%A %T' 2>&1");
        if (!answer) return;  // no squeue here, or an error: asked one by one later
        std::map<std::string, std::string> states;
        std::istringstream lines(*answer);
        for (std::string id, state; lines >> id >> state;) states[id] = state;
        for (const auto& job : jobs) {
            if (valid(job)) known_[job] = endedIn(states.count(job) ? states[job] : "");
        }
    }
    /// The job's state when it has ended ("" when Slurm no longer knows it); nothing while it
    /// runs, or when squeue cannot tell (the record is then taken at its word).
    std::optional<std::string> ended(const std::string& job) {
        if (!valid(job)) return {};
        auto found = known_.find(job);
        if (found != known_.end()) return found->second;
        auto answer = run("squeue -h -j " + job + " -o '%A %T' 2>&1");
        std::optional<std::string> result;
        if (answer) {
            std::istringstream line(*answer);
            std::string id, state;
            line >> id >> state;
            result = endedIn(state);
        }
        return known_[job] = result;
    }

private:
    static bool valid(const std::string& job) {
        return !job.empty() && job.find_first_not_of("0123456789") == std::string::npos;
    }
    static std::optional<std::string> endedIn(const std::string& state) {
        for (const char* alive : {"PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED",
                                  "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"}) {
            if (state == alive) return {};
        }
        return state;  // COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, … or "": it has ended
    }
    /// squeue's output; an unknown job id is an answer (no lines), any other failure is none.
    static std::optional<std::string> run(const std::string& command) {
        FILE* pipe = popen(command.c_str(), "r");
        if (!pipe) return {};
        std::string output;
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
        const int status = pclose(pipe);
        if (output.find("Invalid job id") != std::string::npos) return std::string();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
        return output;
    }
    std::map<std::string, std::optional<std::string>> known_;
};

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

TaskStatus statusOf(const BatchPlan& plan, int task, ChecksumCache& sums, SlurmQueue& queue) {
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
            if (const auto& s = plan.identification) {
                expected["settings"] = s->describe();
                for (const auto& [role, path] :
                     {std::pair{"library", s->library}, std::pair{"priors", s->priors},
                      std::pair{"features", s->features}})
                    if (!path.empty()) expected[role] = path;
            }
            for (const auto& input : m->inputs) {
                auto role = expected.find(input.role);
                if (role != expected.end() && role->second != input.path) {
                    stale = "its " + input.role + " was " + input.path + ", the plan says " +
                            role->second;
                    break;
                }
                if (input.role == "settings") continue;  // words, not a file: compared above
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
        const bool here = host == hostName();
        const std::optional<std::string> ended = here ? std::nullopt : queue.ended(job);
        if (here && !processIsAlive(pid)) {
            status.state = TaskState::Failed;
            status.detail = "stopped before it finished: process " + std::to_string(pid) +
                            " (started " + since + ") is gone — killed, or out of memory or time";
        } else if (ended) {
            status.state = TaskState::Failed;
            status.detail = "stopped before it finished: Slurm job " + job + " on " + host +
                            (ended->empty() ? std::string(" is no longer known to Slurm")
                                            : " ended " + *ended) +
                            " — see its log in " + plan.logDirectory();
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
    SlurmQueue queue;
    // The Slurm jobs of tasks recorded on other hosts, asked about in one call.
    std::vector<std::string> jobs;
    for (int task = 1; task <= plan.taskCount(); ++task) {
        const auto running = readRecord(plan, task, "running");
        if (running.is_object() && running.value("host", "") != hostName())
            jobs.push_back(running.value("slurm_job", ""));
    }
    queue.ask(jobs);
    std::vector<TaskStatus> out;
    for (int task = 1; task <= plan.taskCount(); ++task)
        out.push_back(statusOf(plan, task, sums, queue));
    return out;
}

TaskStatus taskStatus(const BatchPlan& plan, int task) {
    ChecksumCache sums;
    SlurmQueue queue;
    return statusOf(plan, task, sums, queue);
}

std::int64_t recordedPixels(const BatchPlan& plan, int task) {
    const auto done = readRecord(plan, task, "done");
    return done.is_object() ? done.value("pixels", std::int64_t(0)) : 0;
}

double peakResidentMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

}  // namespace specres
