#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

#include "BatchArguments.h"
#include "Commands.h"
#include "TerminalProgress.h"
#include "batch/BatchPlan.h"
#include "batch/BatchTasks.h"
#include "batch/LocalBatch.h"
#include "maps/SceneIdentificationSetup.h"
#include "maps/ScenePredictionJob.h"

namespace specres::cli {

namespace {

// The task's tile through the engine: prediction, or identification with the plan's settings.
Result<TileOutcome> makeTile(const BatchPlan& plan, const BatchScene& scene, SceneTile tile) {
    const SceneInputPaths paths = plan.inputPaths(scene);
    auto inputs = openSceneInputs(paths);
    if (!inputs) return fail(inputs.error());
    std::optional<SceneIdentificationSetup> setup;
    Result<SceneTileJob> job = fail("");
    if (plan.identification) {
        auto prepared = prepareSceneIdentification(*plan.identification, *inputs);
        if (!prepared) return fail(prepared.error());
        setup = std::move(*prepared);
        job = sceneIdentificationJob(*inputs, paths, *plan.identification, *setup);
    } else {
        job = predictionJob(*inputs, paths);
    }
    if (!job) return fail(job.error());
    TerminalProgress progress;
    auto outcome = runSceneTile(*job, plan.scenePrefix(scene), tile, &progress.feedback());
    progress.finish();
    return outcome;
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
    const Result<TileOutcome> outcome = makeTile(plan, scene, tile);
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

}  // namespace

CommandStatus runBatchRun(int argc, char** argv) {
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
            return failure(1, "run") << describeTask(*plan, s.task) << " is running (" << s.detail
                                     << "); not starting it twice";
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

}  // namespace specres::cli
