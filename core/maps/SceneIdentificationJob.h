#pragma once

#include <string>
#include <utility>
#include <vector>

#include "maps/SceneIdentification.h"
#include "maps/SceneTileRun.h"

namespace specres {

/// Scene identification (identifyScene's maps and legend) as a tiled job. What decides the maps:
/// `files` (role, path: the model, the rasters, the library and its tables), checksummed once
/// here, and `settings` (the matcher's options in words). Everything passed must outlive the job;
/// `made`, when given, receives each made tile's result (counts, files) for reporting.
Result<SceneTileJob> identificationJob(
    const ReflectanceModel& model, const MineralMatcher& matcher, const SpectralRaster& low,
    const SceneIdentificationOptions& options,
    const std::vector<std::pair<std::string, std::string>>& files, const std::string& settings,
    SceneIdentification* made = nullptr);

}  // namespace specres
