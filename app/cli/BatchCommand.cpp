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
#include "BatchArguments.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "batch/BatchPlan.h"
#include "batch/BatchPlanner.h"
#include "batch/BatchTasks.h"
#include "batch/LocalBatch.h"
#include "io/AtomicFile.h"
#include "maps/ScenePredictionJob.h"
#include "maps/TileMerge.h"

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

CommandStatus planCommand(int argc, char** argv) {
    ArgumentParser parser(
        "batch plan --model M --scenes CSV --tiles-per-scene T --out RUN [options]",
        "Plans a batch: one task per (scene, tile), listed in RUN/batch.json, and a Slurm job "
        "array RUN/submit.sbatch (with its merge job RUN/merge.sbatch) whose memory and time "
        "come from a probe of the first scene measured here; each task predicts its tile, or with "
        "--identify maps its minerals. The scenes table has a "
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
    addIdentificationPlanOptions(parser);
    if (int status = handleParse(parser, "batch plan", argc, argv, 3); status >= 0) return status;
    auto identification = identificationPlanFrom(parser);
    if (!identification) return failure(2, "plan") << identification.error();
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
    request.identification = *identification;
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
            std::cerr << kProgram << " batch merge: scene '" << scene.name
                      << "': " << merged.error() << "\n";
            ++failures;
            continue;
        }
        std::cout << "scene " << scene.name << ": merged " << merged->tiles << " tiles:\n";
        for (const auto& product : merged->products) std::cout << "  " << product << "\n";
    }
    if (failures) {
        std::cerr << failures << " of " << plan->scenes.size() << " scenes not merged; '"
                  << kProgram << " batch status " << run << "' says which tasks to run again\n";
        return 1;
    }
    return 0;
}

}  // namespace

CommandStatus runBatchCommand(int argc, char** argv) {
    const std::string sub = argc >= 3 ? argv[2] : "";
    if (sub == "plan") return planCommand(argc, argv);
    if (sub == "run") return runBatchRun(argc, argv);
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
