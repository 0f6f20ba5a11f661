#pragma once

#include <string>
#include <vector>

#include "base/Result.h"
#include "maps/ScenePrediction.h"

namespace specres {

/// Tile K of N (1-based) of a scene: the K-th of N row blocks, rows ⌊(K−1)·H/N⌋ to ⌊K·H/N⌋ − 1,
/// so the same K/N always covers the same rows and the N tiles cover the scene once.
struct SceneTile {
    int index = 1;
    int count = 1;
    SceneRows rows(int sceneHeight) const;
    /// PREFIX.tile-K-of-N, K and N zero-padded alike, so tiles sort in order.
    std::string prefix(const std::string& scenePrefix) const;
};

/// "K/N"; K may be given apart (`index`, e.g. from SLURM_ARRAY_TASK_ID), replacing the K of
/// "K/N" or completing a bare "N". Errors say which part is wrong.
Result<SceneTile> parseSceneTile(const std::string& text, const std::string& index = {});

/// One input of a tile's run and its checksum.
struct TileInput {
    std::string role;  ///< "model", "low", "high", "sigma"
    std::string path;
    std::string checksum;
    bool operator==(const TileInput& other) const {
        return role == other.role && path == other.path && checksum == other.checksum;
    }
};

/// What a finished tile's manifest (PREFIX.tile-K-of-N.json) records: written last, atomically,
/// so a tile with a manifest is complete and one without is not.
struct TileManifest {
    SceneTile tile;
    int sceneWidth = 0;
    int sceneHeight = 0;
    SceneRows rows;
    std::vector<TileInput> inputs;
    std::vector<std::string> outputs;
    /// Each output's checksum, in the order of `outputs` (filled by writeTileManifest; empty
    /// for manifests written before checksums were recorded).
    std::vector<std::string> outputChecksums;
    std::string software;
};

/// The inputs with their checksums (FNV-1a of every byte), in the order given.
Result<std::vector<TileInput>> checksumInputs(
    const std::vector<std::pair<std::string, std::string>>& roleAndPath);

/// Outputs are written as absolute paths with their checksums (computed here: the manifest is
/// written last, after every map is closed), empty ones (maps not made) left out; an empty
/// `software` is this program's name and version.
Status writeTileManifest(const std::string& path, const TileManifest& manifest);
/// A complete manifest; an error names the file when it is damaged or not complete, or when
/// it contradicts itself (a tile number beyond the count, rows that are not its tile's rows).
Result<TileManifest> readTileManifest(const std::string& path);

/// Whether the tile at `path` is complete for these inputs: its manifest exists, names the same
/// tile, the same inputs with the same checksums, and every output it lists exists. `why`
/// says what is missing or stale otherwise.
bool tileIsComplete(const std::string& path, const SceneTile& tile,
                    const std::vector<TileInput>& inputs, std::string* why = nullptr);

}  // namespace specres
