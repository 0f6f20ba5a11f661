#pragma once

#include <optional>
#include <string>
#include <vector>

#include "maps/SceneIdentificationSetup.h"
#include "maps/SceneInputs.h"
#include "maps/SceneTile.h"

namespace specres {

/// One scene of a batch: a name (its folder under RUN/scenes) and its rasters.
struct BatchScene {
    std::string name;
    std::string low;
    std::string high;  ///< "" for the low raster alone
};

/// What a cluster is asked for, per task, and how the numbers were found.
struct BatchResources {
    int cpusPerTask = 1;
    int memoryMiB = 0;
    int timeLimitMinutes = 0;
    int throttle = 0;         ///< at most this many tasks at once (--array=…%T); 0: no limit
    std::string partition;    ///< "" for the cluster's default
    double probePeakMiB = 0;  ///< peak resident memory measured over the probe
    double probePixelsPerSecond = 0;
    int probeRows = 0;
};

/// A batch run: every scene cut into the same number of row tiles, one task per (scene, tile),
/// tasks numbered 1…S·T scene by scene (Slurm's array indices). Each task makes its tile's
/// prediction maps, or with `identification` its mineral maps (as `identify --tile` would).
/// Written to RUN/batch.json by `batch plan`; every other batch command reads it from there.
struct BatchPlan {
    std::string runDirectory;  ///< absolute
    std::string model;         ///< absolute
    /// Mineral identification instead of prediction (library, priors, features: absolute
    /// paths, or "demo").
    std::optional<IdentificationSettings> identification;
    std::vector<BatchScene> scenes;  ///< absolute paths
    int tilesPerScene = 1;
    ReflectanceScale reflectanceScale = ReflectanceScale::Auto;
    Resampling resampling = Resampling::Nearest;
    BatchResources resources;
    std::string executable;  ///< the specres-cli that runs the tasks (absolute)

    int taskCount() const { return int(scenes.size()) * tilesPerScene; }
    /// Task K (1-based): its scene and its tile; K must be in 1…taskCount().
    const BatchScene& sceneOf(int task) const {
        return scenes[std::size_t((task - 1) / tilesPerScene)];
    }
    SceneTile tileOf(int task) const { return {(task - 1) % tilesPerScene + 1, tilesPerScene}; }
    /// RUN/scenes/NAME/NAME: the prefix of the scene's maps (tiles add .tile-K-of-N).
    std::string scenePrefix(const BatchScene& scene) const;
    SceneInputPaths inputPaths(const BatchScene& scene) const;
    std::string planPath() const { return runDirectory + "/batch.json"; }
    std::string submitScript() const { return runDirectory + "/submit.sbatch"; }
    std::string mergeScript() const { return runDirectory + "/merge.sbatch"; }
    std::string logDirectory() const { return runDirectory + "/logs"; }
    std::string taskDirectory() const { return runDirectory + "/tasks"; }
};

/// Reads a scenes table: a header line `name,low[,high]`, then one scene per line; paths
/// relative to the table's folder; '#' starts a comment line. Names must be unique and made of
/// letters, digits, '.', '_' and '-' (they become folder names). Every error names the table,
/// the line and the field.
Result<std::vector<BatchScene>> readSceneTable(const std::string& csvPath);

/// Parses a task number K of `plan` ("3"), with the range in the message when out of it.
Result<int> parseTaskNumber(const BatchPlan& plan, const std::string& text);

Status writeBatchPlan(const BatchPlan& plan);
/// Reads RUN/batch.json (RUN a batch folder); errors name the file and the field.
Result<BatchPlan> readBatchPlan(const std::string& runDirectory);

/// Slurm's compact form of a set of array indices: "1-3,5,7-8" (sorted, ascending).
std::string arrayRanges(std::vector<int> tasks);

/// The job-array script (one task per array index, a dependent merge submitted by the first
/// task) and the merge script, as text.
std::string slurmArrayScript(const BatchPlan& plan);
std::string slurmMergeScript(const BatchPlan& plan);

}  // namespace specres
