#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "batch/BatchPlan.h"
#include "batch/BatchPlanner.h"
#include "batch/BatchTasks.h"
#include "batch/LocalBatch.h"
#include "maps/TileMerge.h"
#include "maps/ScenePredictionJob.h"
#include "io/AtomicFile.h"

namespace specres::cli {

namespace fs = std::filesystem;

namespace {

const char* kBatchUsage =
    "Usage: specres-cli batch SUBCOMMAND …\n"
    "\n"
    "Predicts many scenes, each cut into row tiles, as independent tasks: on a Slurm cluster as\n"
    "one job array, or here, resumable.\n"
    "\n"
    "  plan --model M --scenes CSV --tiles-per-scene T --out RUN   plan a run; write "
    "RUN/submit.sbatch\n"
    "  run RUN --task K         run task K (what each Slurm array task does)\n"
    "  run RUN --all [--jobs J] run every task not yet done, J at a time, here\n"
    "  status RUN               done / running / failed / missing, and the line that resubmits\n"
    "  merge RUN [--cog]        merge each scene's tiles into one raster per map\n"
    "\n"
    "Run 'specres-cli batch SUBCOMMAND --help' for its options.\n";

int coresHere() { return int(std::max(1u, std::thread::hardware_concurrency())); }

/// `batch SUB RUN [options]`: RUN is argv[3].
bool takeRunFolder(ArgumentParser& parser, const char* sub, int argc, char** argv, std::string& run,
                   int& exitCode) {
    if (argc < 4 || std::string(argv[3]).rfind("--", 0) == 0) {
        if (argc >= 4 && (std::string(argv[3]) == "--help" || std::string(argv[3]) == "-h")) {
            std::cout << parser.help();
            exitCode = 0;
        } else {
            std::cerr << kProgram << " batch " << sub << ": missing RUN (the batch folder)\n\n"
                      << parser.help();
            exitCode = 2;
        }
        return false;
    }
    run = argv[3];
    return true;
}

CommandStatus planCommand(int argc, char** argv) {
    ArgumentParser parser(
        "batch plan --model M --scenes CSV --tiles-per-scene T --out RUN [options]",
        "Plans a batch: one task per (scene, tile), listed in RUN/batch.json, and a Slurm job "
        "array RUN/submit.sbatch (with its merge job RUN/merge.sbatch) whose memory and time "
        "come from a probe prediction of the first scene measured here. The scenes table has a "
        "header 'name,low[,high]' and one scene per line (paths relative to the table).");
    parser.addRequired("model", "MODEL", "model file written by 'specres-cli train'");
    parser.addRequired("scenes", "CSV", "scenes table: name,low[,high]");
    parser.addRequired("tiles-per-scene", "T", "row tiles per scene (tasks = scenes × T)");
    parser.addRequired("out", "RUN", "new folder for the run");
    parser.addOption("cpus-per-task", "C", "CPUs each task asks for (the cores it will use)",
                     std::to_string(coresHere()));
    parser.addOption("throttle", "N", "at most N tasks at once on the cluster (0: no limit)", "0");
    parser.addOption("partition", "P", "Slurm partition (default: the cluster's)");
    parser.addOption("reflectance-scale", "auto|1|10000", "how stored values map to reflectance",
                     "auto");
    parser.addOption("resampling", "METHOD", "nearest, bilinear, cubic or average (with high)",
                     "nearest");
    if (int status = handleParse(parser, "batch plan", argc, argv, 3); status >= 0) return status;
    auto tiles = parseInteger(parser.value("tiles-per-scene"), "--tiles-per-scene", 1, 100000);
    auto cpus = parseInteger(parser.value("cpus-per-task"), "--cpus-per-task", 1, 1024);
    auto throttle = parseInteger(parser.value("throttle"), "--throttle", 0, 1000000);
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    auto resampling = parseResampling(parser.value("resampling"));
    for (const std::string* e :
         {&tiles.error(), &cpus.error(), &throttle.error(), &scale.error(), &resampling.error()}) {
        if (!e->empty()) {
            return failure(2, "plan") << *e;
        }
    }
    auto scenes = readSceneTable(parser.value("scenes"));
    if (!scenes) {
        return failure(1, "plan") << scenes.error();
    }
    BatchRequest request;
    request.runDirectory = parser.value("out");
    request.model = parser.value("model");
    request.scenes = *scenes;
    request.tilesPerScene = *tiles;
    request.reflectanceScale = *scale;
    request.resampling = *resampling;
    request.cpusPerTask = *cpus;
    request.throttle = *throttle;
    request.partition = parser.value("partition");
    request.executable = currentExecutable();
    auto planned = specres::planBatch(request);
    if (!planned) {
        return failure(1, "plan") << planned.error();
    }
    const BatchPlan& plan = *planned;
    const BatchResources& r = plan.resources;
    std::cout << "planned " << plan.taskCount() << " tasks (" << plan.scenes.size() << " scenes × "
              << plan.tilesPerScene << " tiles) in " << plan.runDirectory << "\n"
              << "probe: " << r.probeRows << " rows of scene '" << plan.scenes[0].name << "', "
              << std::fixed << std::setprecision(0) << r.probePixelsPerSecond << " pixels/s, peak "
              << r.probePeakMiB << " MiB\n"
              << "each task asks for " << r.cpusPerTask << " CPUs, " << r.memoryMiB << " MiB, "
              << r.timeLimitMinutes << " minutes\n"
              << "on a Slurm cluster:  sbatch " << plan.submitScript() << "\n"
              << "here:                " << kProgram << " batch run " << plan.runDirectory
              << " --all --jobs " << std::max(1, coresHere() / r.cpusPerTask) << "\n";
    return 0;
}

CommandStatus runOneTask(const BatchPlan& plan, int task) {
    const BatchScene& scene = plan.sceneOf(task);
    const SceneTile tile = plan.tileOf(task);
    const std::string what = describeTask(plan, task);
    const TaskStatus before = taskStatus(plan, task);
    if (before.state == TaskState::Done) {
        std::cout << what << " is done; nothing to do\n";
        return 0;
    }
    // Two processes writing the same tile would each remove the other's files at the end.
    if (before.state == TaskState::Running) {
        return failure(1, "run") << what << " is already running (" << before.detail
                  << "); not starting it twice";
    }
    if (auto ok = recordTaskStarted(plan, task); !ok) {
        return failure(1, "run") << ok.error();
    }
    std::cout << what << ": started\n" << std::flush;
    const auto started = std::chrono::steady_clock::now();
    const SceneInputPaths paths = plan.inputPaths(scene);
    auto inputs = openSceneInputs(paths);
    Result<TileOutcome> outcome = fail("");
    if (!inputs) {
        outcome = fail(inputs.error());
    } else {
        auto job = predictionJob(*inputs, paths);
        TerminalProgress progress;
        outcome = job ? runSceneTile(*job, plan.scenePrefix(scene), tile, &progress.feedback())
                      : Result<TileOutcome>(fail(job.error()));
        progress.finish();
    }
    if (!outcome) {
        recordTaskFailed(plan, task, outcome.error());
        return failure(1, "run") << what << ": " << outcome.error();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double peak = peakResidentMiB();
    const std::int64_t pixels = outcome->maps.mappedPixels + outcome->maps.skippedPixels;
    if (auto ok = recordTaskFinished(plan, task, seconds, peak, pixels); !ok) {
        return failure(1, "run") << ok.error();
    }
    std::cout << what << ": done, rows " << outcome->rows.first << "–"
              << outcome->rows.first + outcome->rows.count - 1 << ", " << pixels << " pixels in "
              << std::fixed << std::setprecision(1) << seconds << " s (" << std::setprecision(0)
              << double(pixels) / std::max(seconds, 1e-3) << " pixels/s), peak " << peak
              << " MiB\n";
    return 0;
}

CommandStatus runCommand(int argc, char** argv) {
    ArgumentParser parser("batch run RUN (--task K | --all [--jobs J])",
                          "Runs one task of a planned batch (what each Slurm array task does), "
                          "or every task not yet done here, J at a time, each in its own process "
                          "with its share of the cores. A finished tile is not redone, so a run "
                          "that was stopped picks up where it was.");
    parser.addOption("task", "K", "the task to run (1 to the number of tasks)");
    parser.addFlag("all", "run every task not yet done");
    parser.addOption("jobs", "J", "tasks at once with --all", "1");
    std::string run;
    int exitCode = 0;
    if (!takeRunFolder(parser, "run", argc, argv, run, exitCode)) return exitCode;
    if (int status = handleParse(parser, "batch run", argc, argv, 4); status >= 0) return status;
    if (parser.has("task") == parser.has("all")) {
        return failure(2, "run") << "give --task K or --all";
    }
    auto plan = readBatchPlan(run);
    if (!plan) {
        return failure(1, "run") << plan.error();
    }
    if (parser.has("task")) {
        auto task = parseTaskNumber(*plan, parser.value("task"));
        if (!task) {
            return failure(2, "run") << task.error();
        }
        return runOneTask(*plan, *task);
    }
    auto jobs = parseInteger(parser.value("jobs"), "--jobs", 1, 1024);
    if (!jobs) {
        return failure(2, "run") << jobs.error();
    }
    std::vector<int> todo;
    for (const auto& s : batchStatus(*plan)) {
        if (s.state == TaskState::Running) {
            return failure(1, "run") << describeTask(*plan, s.task) << " is running ("
                      << s.detail << "); not starting it twice";
        }
        if (s.state != TaskState::Done) todo.push_back(s.task);
    }
    if (todo.empty()) {
        std::cout << "every task is done; nothing to run\n";
        return 0;
    }
    const int threads = std::max(1, coresHere() / *jobs);
    std::cout << todo.size() << " of " << plan->taskCount() << " tasks to run, " << *jobs
              << " at a time, " << threads << " thread(s) each\n"
              << std::flush;
    const auto started = std::chrono::steady_clock::now();
    int failures = 0;
    double worstPeak = 0;
    const auto results = runTasksLocally(
        *plan, todo, *jobs, threads, currentExecutable(), [&](const LocalTaskResult& r) {
            worstPeak = std::max(worstPeak, r.peakMiB);
            if (r.exitCode != 0) ++failures;
            std::cout << describeTask(*plan, r.task) << ": "
                      << (r.exitCode == 0 ? "done"
                                          : "FAILED (exit " + std::to_string(r.exitCode) +
                                                "; see " + r.log + ")")
                      << std::fixed << std::setprecision(1) << ", " << r.seconds << " s, peak "
                      << std::setprecision(0) << r.peakMiB << " MiB\n"
                      << std::flush;
        });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::int64_t pixels = 0;
    // From the tasks' own records: a second status would checksum every input again.
    for (const auto& r : results) {
        if (r.exitCode == 0) pixels += recordedPixels(*plan, r.task);
    }
    std::cout << std::fixed << std::setprecision(1) << "ran " << results.size() << " tasks in "
              << seconds << " s: " << std::setprecision(0)
              << double(pixels) / std::max(seconds, 1e-3) << " pixels/s; peak memory per task "
              << worstPeak << " MiB\n";
    const std::size_t notStarted = todo.size() - results.size();
    if (notStarted) std::cerr << "interrupted: " << notStarted << " task(s) not started\n";
    if (failures || notStarted) {
        std::cerr << failures << " task(s) failed; '" << kProgram << " batch status " << run
                  << "' lists them, and the same command resumes\n";
        return 1;
    }
    return 0;
}

CommandStatus statusCommand(int argc, char** argv) {
    ArgumentParser parser("batch status RUN",
                          "Reports each task of a batch as done, running, failed or missing, "
                          "and prints the sbatch line that resubmits only the failed and missing "
                          "ones.");
    std::string run;
    int exitCode = 0;
    if (!takeRunFolder(parser, "status", argc, argv, run, exitCode)) return exitCode;
    if (int status = handleParse(parser, "batch status", argc, argv, 4); status >= 0) return status;
    auto plan = readBatchPlan(run);
    if (!plan) {
        return failure(1, "status") << plan.error();
    }
    const auto statuses = batchStatus(*plan);
    std::map<TaskState, std::vector<int>> byState;
    for (const auto& s : statuses) byState[s.state].push_back(s.task);
    std::cout << plan->runDirectory << ": " << plan->taskCount() << " tasks ("
              << plan->scenes.size() << " scenes × " << plan->tilesPerScene << " tiles)\n";
    for (TaskState state :
         {TaskState::Done, TaskState::Running, TaskState::Failed, TaskState::Missing}) {
        const auto& tasks = byState[state];
        std::cout << "  " << std::left << std::setw(8) << toString(state) << std::right
                  << std::setw(5) << tasks.size();
        if (!tasks.empty()) std::cout << "   tasks " << arrayRanges(tasks);
        std::cout << "\n";
    }
    double peak = 0;
    for (const auto& s : statuses) {
        if (s.state == TaskState::Done) peak = std::max(peak, s.peakMiB);
        if (s.state != TaskState::Done && !s.detail.empty())
            std::cout << "  " << describeTask(*plan, s.task) << ": " << s.detail << "\n";
    }
    if (peak > 0)
        std::cout << "  peak memory of a done task: " << std::fixed << std::setprecision(0) << peak
                  << " MiB (asked for " << plan->resources.memoryMiB << ")\n";
    std::vector<int> redo = byState[TaskState::Failed];
    redo.insert(redo.end(), byState[TaskState::Missing].begin(), byState[TaskState::Missing].end());
    if (redo.empty()) {
        if (byState[TaskState::Running].empty())
            std::cout << "every task is done; merge with: " << kProgram << " batch merge "
                      << plan->runDirectory << "\n";
    } else {
        std::string array = arrayRanges(redo);
        if (plan->resources.throttle > 0) array += "%" + std::to_string(plan->resources.throttle);
        std::cout << "resubmit the failed and missing tasks with:\n  sbatch --array=" << array
                  << " " << plan->submitScript() << "\n"
                  << "or run them here with:\n  " << kProgram << " batch run " << plan->runDirectory
                  << " --all\n";
    }
    return 0;
}

CommandStatus mergeCommand(int argc, char** argv) {
    ArgumentParser parser("batch merge RUN [--cog]",
                          "Merges the tiles of every scene of a batch into one raster per map "
                          "(RUN/scenes/NAME/NAME_mean.vrt, …). A scene with a tile missing or "
                          "stale is not merged; the command names it and exits 1.");
    parser.addFlag("cog", "write Cloud-Optimised GeoTIFFs instead of VRTs");
    std::string run;
    int exitCode = 0;
    if (!takeRunFolder(parser, "merge", argc, argv, run, exitCode)) return exitCode;
    if (int status = handleParse(parser, "batch merge", argc, argv, 4); status >= 0) return status;
    auto plan = readBatchPlan(run);
    if (!plan) {
        return failure(1, "merge") << plan.error();
    }
    int failures = 0;
    for (const auto& scene : plan->scenes) {
        auto merged = mergeTiles(plan->scenePrefix(scene), parser.has("cog"));
        if (!merged) {
            std::cerr << kProgram << " batch merge: scene '" << scene.name << "': " << merged.error()
                      << "\n";
            ++failures;
            continue;
        }
        std::cout << "scene " << scene.name << ": merged " << merged->tiles << " tiles:\n";
        for (const auto& product : merged->products) std::cout << "  " << product << "\n";
    }
    if (failures) {
        std::cerr << failures << " of " << plan->scenes.size()
                  << " scenes not merged; '" << kProgram << " batch status " << run
                  << "' says which tasks to run again\n";
        return 1;
    }
    return 0;
}

}  // namespace

CommandStatus runBatchCommand(int argc, char** argv) {
    const std::string sub = argc >= 3 ? argv[2] : "";
    if (sub == "plan") return planCommand(argc, argv);
    if (sub == "run") return runCommand(argc, argv);
    if (sub == "status") return statusCommand(argc, argv);
    if (sub == "merge") return mergeCommand(argc, argv);
    if (sub == "--help" || sub == "-h") {
        std::cout << kBatchUsage;
        return 0;
    }
    std::cerr << kProgram
              << (sub.empty() ? std::string(" batch: missing SUBCOMMAND")
                              : " batch: unknown subcommand '" + sub + "'")
              << "\n\n"
              << kBatchUsage;
    return 2;
}

}  // namespace specres::cli
