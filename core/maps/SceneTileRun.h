#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "maps/SceneRows.h"
#include "maps/SceneTile.h"
#include "maps/TileMerge.h"

namespace specres {

/// The files one tile's work wrote, and the pixels it covered.
struct TileMaps {
    std::vector<std::string> files;  ///< every output (empty names, maps not made, are skipped)
    std::int64_t mappedPixels = 0;
    std::int64_t skippedPixels = 0;  ///< without a usable input
};

/// A kind of scene map made tile by tile: what its maps depend on, and how the maps of some rows
/// are made. A new kind of map is a new job (see predictionJob, identificationJob); resuming,
/// manifests, progress and merging are the same for all.
struct SceneTileJob {
    /// What decides the maps, with checksums: the files (model, rasters, library, …) and the
    /// settings, so that a tile made from anything else is redone.
    std::vector<TileInput> inputs;
    int sceneWidth = 0;
    int sceneHeight = 0;
    /// Makes the maps of `rows` under `prefix` (PREFIX_*.tif and any tables); they appear
    /// together or not at all.
    std::function<Result<TileMaps>(const std::string& prefix, SceneRows rows, Feedback* feedback)>
        make;
};

/// What became of one tile.
struct TileOutcome {
    bool alreadyComplete = false;  ///< its manifest matched the inputs: nothing was redone
    std::string redoReason;        ///< why an earlier manifest did not count, when there was one
    SceneRows rows;
    std::string manifest;
    TileMaps maps;  ///< empty when alreadyComplete
};

/// Tile `tile` of the job into tile.prefix(scenePrefix)_*, its manifest written last, so that a
/// tile is complete exactly when its manifest is. A tile whose manifest names the same inputs
/// with the same checksums, and whose outputs exist, is not redone.
Result<TileOutcome> runSceneTile(const SceneTileJob& job, const std::string& scenePrefix,
                                 const SceneTile& tile, Feedback* feedback = nullptr);

/// A whole scene run: every tile of `tiles` in order (each as runSceneTile, so a run stopped by a
/// cancel, a crash or a closed window goes on where it was), then the tiles merged into one VRT
/// per map at scenePrefix. `onTile(done, total)` after each tile, resumed ones included.
struct SceneTilesRun {
    int tiles = 0;
    int resumedTiles = 0;  ///< found complete from an earlier start, not redone
    MergeResult merged;
};
Result<SceneTilesRun> runSceneTiles(const SceneTileJob& job, int tiles,
                                    const std::string& scenePrefix, Feedback* feedback = nullptr,
                                    const std::function<void(int done, int total)>& onTile = {});

}  // namespace specres
