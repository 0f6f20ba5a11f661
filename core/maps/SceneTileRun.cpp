#include "maps/SceneTileRun.h"

#include <filesystem>

namespace specres {

namespace fs = std::filesystem;

Result<TileOutcome> runSceneTile(const SceneTileJob& job, const std::string& scenePrefix,
                                 const SceneTile& tile, Feedback* feedback) {
    TileOutcome outcome;
    const std::string prefix = tile.prefix(scenePrefix);
    outcome.manifest = prefix + ".json";
    outcome.rows = tile.rows(job.sceneHeight);
    std::error_code error;
    if (fs::exists(outcome.manifest, error) &&
        tileIsComplete(outcome.manifest, tile, job.inputs, &outcome.redoReason)) {
        outcome.alreadyComplete = true;
        return outcome;
    }
    auto maps = job.make(prefix, outcome.rows, feedback);
    if (!maps) return fail(maps.error());
    outcome.maps = std::move(*maps);
    TileManifest manifest;
    manifest.tile = tile;
    manifest.sceneWidth = job.sceneWidth;
    manifest.sceneHeight = job.sceneHeight;
    manifest.rows = outcome.rows;
    manifest.inputs = job.inputs;
    manifest.outputs = outcome.maps.files;
    if (auto written = writeTileManifest(outcome.manifest, manifest); !written)
        return fail(written.error());
    return outcome;
}

Result<SceneTilesRun> runSceneTiles(const SceneTileJob& job, int tiles,
                                    const std::string& scenePrefix, Feedback* feedback,
                                    const std::function<void(int, int)>& onTile) {
    if (tiles < 1) return fail(scenePrefix + ": a scene run needs at least one tile");
    SceneTilesRun run;
    run.tiles = tiles;
    for (int k = 1; k <= tiles; ++k) {
        Feedback tileFeedback(feedback, double(k - 1) / tiles, double(k) / tiles,
                              "tile " + std::to_string(k) + "/" + std::to_string(tiles) + ": ");
        auto outcome = runSceneTile(job, scenePrefix, SceneTile{k, tiles}, &tileFeedback);
        if (!outcome) return fail(outcome.error());
        if (outcome->alreadyComplete) ++run.resumedTiles;
        if (onTile) onTile(k, tiles);
    }
    auto merged = mergeTiles(scenePrefix, false);
    if (!merged) return fail(merged.error());
    run.merged = std::move(*merged);
    return run;
}

}  // namespace specres
