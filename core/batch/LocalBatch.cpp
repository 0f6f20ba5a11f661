#include "batch/LocalBatch.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>

extern char** environ;

namespace specres {

namespace fs = std::filesystem;

namespace {
// Ctrl-C reaches the running tasks themselves (one process group), which stop and record it;
// here it only stops new tasks from starting, so that this process can report and exit
// cleanly rather than die under its children.
volatile std::sig_atomic_t interrupted = 0;
void onInterrupt(int) { interrupted = 1; }
}  // namespace

std::string currentExecutable() {
    std::error_code error;
    const auto path = fs::read_symlink("/proc/self/exe", error);
    return error ? std::string() : path.string();
}

std::vector<LocalTaskResult> runTasksLocally(
    const BatchPlan& plan, const std::vector<int>& tasks, int jobs, int threadsPerTask,
    const std::string& executable, const std::function<void(const LocalTaskResult&)>& onFinished) {
    using Clock = std::chrono::steady_clock;
    struct Running {
        int task;
        Clock::time_point started;
        std::string log;
    };
    std::error_code error;
    fs::create_directories(plan.logDirectory(), error);
    // The children's environment: ours, with their share of the cores.
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
        if (std::strncmp(*e, "OMP_NUM_THREADS=", 16) != 0) environment.emplace_back(*e);
    }
    environment.push_back("OMP_NUM_THREADS=" + std::to_string(std::max(1, threadsPerTask)));
    std::vector<char*> envp;
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);

    std::vector<LocalTaskResult> results;
    std::map<pid_t, Running> running;
    interrupted = 0;
    struct sigaction handler {
    }, previous{};
    handler.sa_handler = onInterrupt;
    sigemptyset(&handler.sa_mask);
    sigaction(SIGINT, &handler, &previous);
    std::size_t next = 0;
    auto finish = [&](LocalTaskResult result) {
        if (onFinished) onFinished(result);
        results.push_back(std::move(result));
    };
    while ((!interrupted && next < tasks.size()) || !running.empty()) {
        while (!interrupted && next < tasks.size() && int(running.size()) < std::max(1, jobs)) {
            const int task = tasks[next++];
            const std::string log =
                plan.logDirectory() + "/task-" + std::to_string(task) + ".local.log";
            std::vector<std::string> args = {executable,        "batch",  "run",
                                             plan.runDirectory, "--task", std::to_string(task)};
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            posix_spawn_file_actions_t actions;
            posix_spawn_file_actions_init(&actions);
            posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                             0644);
            posix_spawn_file_actions_adddup2(&actions, 1, 2);
            pid_t pid = 0;
            const int spawned =
                posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), envp.data());
            posix_spawn_file_actions_destroy(&actions);
            if (spawned != 0) {
                finish({task, 127, 0, 0, log});
                continue;
            }
            running[pid] = {task, Clock::now(), log};
        }
        int status = 0;
        rusage usage{};
        const pid_t pid = wait4(-1, &status, 0, &usage);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;  // no children left to wait for
        }
        auto found = running.find(pid);
        if (found == running.end()) continue;
        LocalTaskResult result;
        result.task = found->second.task;
        result.log = found->second.log;
        result.seconds =
            std::chrono::duration<double>(Clock::now() - found->second.started).count();
        result.peakMiB = double(usage.ru_maxrss) / 1024.0;
        result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        running.erase(found);
        finish(std::move(result));
    }
    sigaction(SIGINT, &previous, nullptr);
    return results;
}

}  // namespace specres
