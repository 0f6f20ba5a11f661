#pragma once

#include <string>

#include "maps/SceneInputs.h"
#include "maps/ScenePrediction.h"
#include "maps/SceneTileRun.h"

namespace specres {

/// Scene prediction (predictScene's maps) as a tiled job over `inputs`, which must outlive it.
/// Its inputs are the files the maps depend on, checksummed once here (each sum reads a whole
/// file). `made`, when given, receives the files of each tile the job makes (for reporting).
/// Used by `predict --tile`, `batch run` and the app's Predict Scene.
Result<SceneTileJob> predictionJob(const SceneInputs& inputs, const SceneInputPaths& paths,
                                   ScenePredictionFiles* made = nullptr);

/// The name of a scene run's folder: the low raster's name, the model's label, the tiling and a
/// hash of the model's checksum and the rasters' paths, so that every start of the same run finds
/// the tiles an earlier one finished.
std::string sceneRunName(const SceneInputPaths& paths, const std::string& modelLabel, int tiles,
                         const SceneTileJob& job);

}  // namespace specres
