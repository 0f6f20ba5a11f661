#pragma once

#include <string>

#include "maps/SceneInputs.h"
#include "maps/SceneTile.h"

namespace specres {

/// What became of one tile.
struct TileOutcome {
    bool alreadyComplete = false;  ///< its manifest matched the inputs: nothing was redone
    std::string redoReason;        ///< why an earlier manifest did not count, when there was one
    SceneRows rows;
    std::string manifest;
    ScenePredictionFiles files;  ///< empty paths when alreadyComplete
};

/// Predicts tile `tile` of the scene into tile.prefix(scenePrefix)_*.tif and writes its
/// manifest last, so that a tile is complete exactly when its manifest is. A tile whose
/// manifest names the same inputs with the same checksums and whose outputs exist is not
/// redone. Shared by `predict --tile`, `batch run` and the GUI's scene prediction.
/// `checksums`, when given, are checksumInputs(inputs.files(paths)) computed once by a caller
/// that runs several tiles of the same inputs (each sum reads a whole file).
Result<TileOutcome> predictSceneTile(const SceneInputs& inputs, const SceneInputPaths& paths,
                                     const std::string& scenePrefix, const SceneTile& tile,
                                     Feedback* feedback = nullptr,
                                     const std::vector<TileInput>* checksums = nullptr);

}  // namespace specres
