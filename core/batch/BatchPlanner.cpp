#include "batch/BatchPlanner.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>

#include "batch/BatchTasks.h"
#include "io/AtomicFile.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

// A path as the plan keeps it: absolute, so that tasks run from anywhere ("demo" and "" stay).
std::string absolutePath(const std::string& path) {
    if (path.empty() || path == "demo") return path;
    return fs::absolute(path).lexically_normal().string();
}

// The probe: the first rows of the first scene made as a task would make them, in a folder
// removed afterwards; returns the seconds it took.
Result<double> runProbe(const BatchPlan& plan, const SceneInputs& first,
                        const std::optional<SceneIdentificationSetup>& setup, int rows,
                        Feedback* feedback) {
    std::error_code error;
    const std::string probeFolder = plan.runDirectory + "/.probe";
    fs::create_directories(probeFolder, error);
    const std::string prefix = probeFolder + "/probe";
    const auto started = std::chrono::steady_clock::now();
    Status made = Status::success();
    if (setup) {
        auto probe = identifyScene(first.trained.reflectance, setup->toolkit->matcher, first.low(),
                                   prefix, setup->options, feedback, SceneRows{0, rows});
        if (!probe) made = fail("the probe identification failed: " + probe.error());
    } else {
        auto probe = predictScene(
            first.trained.reflectance, first.trained.context.highWavelengthsUm, first.low(),
            first.high(), first.highSigma(), prefix, feedback, SceneRows{0, rows});
        if (!probe) made = fail("the probe prediction failed: " + probe.error());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fs::remove_all(probeFolder, error);
    if (!made) return fail(made.error());
    return seconds;
}

// RUN/batch.json, and the two Slurm scripts, executable.
Status writePlanFiles(const BatchPlan& plan) {
    if (auto ok = writeBatchPlan(plan); !ok) return ok;
    std::error_code error;
    for (const auto& [path, text] : {std::pair{plan.submitScript(), slurmArrayScript(plan)},
                                     std::pair{plan.mergeScript(), slurmMergeScript(plan)}}) {
        if (auto ok = writeTextAtomically(path, text); !ok) return ok;
        fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add,
                        error);
    }
    return Status::success();
}

}  // namespace

Result<BatchPlan> planBatch(const BatchRequest& request, Feedback* feedback) {
    if (request.scenes.empty()) return fail("a batch needs at least one scene");
    if (request.tilesPerScene < 1) return fail("a batch needs at least one tile per scene");
    std::error_code error;
    const std::string& run = request.runDirectory;
    if (fs::exists(run, error) && !(fs::is_directory(run, error) && fs::is_empty(run, error))) {
        return fail(run +
                    " already exists and is not an empty folder; a plan is written to a new "
                    "folder, so that no run's tiles are mixed with another's");
    }
    const bool existed = fs::exists(run, error);
    BatchPlan plan;
    plan.runDirectory = fs::absolute(run).lexically_normal().string();
    while (plan.runDirectory.size() > 1 && plan.runDirectory.back() == '/')
        plan.runDirectory.pop_back();
    plan.scenes = request.scenes;
    plan.tilesPerScene = request.tilesPerScene;
    plan.reflectanceScale = request.reflectanceScale;
    plan.resampling = request.resampling;
    plan.executable = request.executable;
    if (request.identification) {
        IdentificationSettings settings = *request.identification;
        for (std::string* path : {&settings.library, &settings.priors, &settings.features})
            *path = absolutePath(*path);
        plan.identification = settings;
    }
    plan.resources.cpusPerTask = std::max(1, request.cpusPerTask);
    plan.resources.throttle = std::max(0, request.throttle);
    plan.resources.partition = request.partition;

    for (const auto& folder : {plan.logDirectory(), plan.taskDirectory()}) {
        fs::create_directories(folder, error);
        if (error) return fail(folder + ": cannot create (" + error.message() + ")");
    }
    // A failed plan leaves nothing behind: the folder it made, or (an empty folder the user
    // made) what it put in it.
    auto abandon = [&](const std::string& message) -> Result<BatchPlan> {
        if (!existed) {
            fs::remove_all(plan.runDirectory, error);
        } else {
            for (const auto& entry : fs::directory_iterator(plan.runDirectory, error))
                fs::remove_all(entry.path(), error);
        }
        return fail(message);
    };
    if (request.unsavedModel) {
        TrainedModel copy = *request.unsavedModel;
        if (auto saved = saveTrainedModel(copy, plan.runDirectory + "/model.specres"); !saved)
            return abandon(saved.error());
        plan.model = copy.path;
    } else {
        plan.model = fs::absolute(request.model).lexically_normal().string();
    }

    // Every scene is opened against the model now; the largest tile sets the time limit.
    std::int64_t largestTile = 0;
    std::optional<SceneInputs> first;
    std::optional<SceneIdentificationSetup> firstSetup;
    for (std::size_t i = 0; i < plan.scenes.size(); ++i) {
        if (feedback && feedback->isCancelled()) return abandon(kCancelledMessage);
        const BatchScene& scene = plan.scenes[i];
        auto inputs = openSceneInputs(plan.inputPaths(scene));
        if (!inputs) return abandon("scene '" + scene.name + "': " + inputs.error());
        if (plan.identification) {
            auto setup = prepareSceneIdentification(*plan.identification, *inputs);
            if (!setup) return abandon("scene '" + scene.name + "': " + setup.error());
            if (!firstSetup) firstSetup = std::move(*setup);
        }
        const SpectralRaster& grid = inputs->high() ? *inputs->high() : inputs->low();
        const int tileRows = (grid.height() + plan.tilesPerScene - 1) / plan.tilesPerScene;
        largestTile = std::max(largestTile, std::int64_t(tileRows) * grid.width());
        if (!first) first = std::move(*inputs);
        if (feedback)
            feedback->setProgress(0.2 * double(i + 1) / plan.scenes.size(), "checking the scenes");
    }
    for (const auto& scene : plan.scenes)
        fs::create_directories(fs::path(plan.scenePrefix(scene)).parent_path(), error);

    // The probe: two strips of the first scene, made as a task would, timed and weighed.
    const int width = first->low().width();
    BatchResources& r = plan.resources;
    r.probeRows = std::min(first->low().height(), 2 * sceneStripRows(width));
    Feedback probeFeedback(feedback, 0.2, 1.0, "probe: ");
    auto seconds = runProbe(plan, *first, firstSetup, r.probeRows, &probeFeedback);
    if (!seconds) return abandon(seconds.error());
    r.probePeakMiB = peakResidentMiB();
    r.probePixelsPerSecond = double(std::int64_t(r.probeRows) * width) / std::max(*seconds, 1e-3);
    // GDAL's block cache (256 MiB in SpecRes) may fill over a whole tile where the probe used
    // little of it; a quarter more on top for what varies between scenes.
    r.memoryMiB = int(std::ceil((r.probePeakMiB + 256.0) * 1.25 / 64.0)) * 64;
    r.timeLimitMinutes =
        int(std::ceil(4.0 * double(largestTile) / r.probePixelsPerSecond / 60.0)) + 10;

    if (auto ok = writePlanFiles(plan); !ok) return abandon(ok.error());
    return plan;
}

}  // namespace specres
