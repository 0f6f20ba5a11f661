#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "identify/MineralToolkit.h"
#include "maps/SceneIdentification.h"
#include "maps/SceneInputs.h"
#include "maps/SceneTileRun.h"

namespace specres {

/// How a scene's minerals are identified, as `identify` takes it and a batch plan keeps it.
struct IdentificationSettings {
    std::string library;   ///< folder, .sli, .csv, two-column ASCII, or "demo"
    std::string priors;    ///< name,prior table; "" for a uniform prior
    std::string features;  ///< band-depth features table; "" for the built-in ones
    bool dispersion = true;
    bool pairs = true;
    bool bandDepths = false;  ///< map band depths (a features table asks for them too)

    /// As a tile's manifest records them (role "settings"), so that a tile made with others is
    /// redone: "library=… dispersion=yes|no pairs=yes|no band-depths=yes|no". The priors and
    /// features are recorded as files, by checksum.
    std::string describe() const;
};

/// What identification of one scene runs with: the library on both sensors' channels (the
/// matcher, with its priors), the map options, and what the user should be told.
struct SceneIdentificationSetup {
    std::shared_ptr<const MineralToolkit> toolkit;
    SceneIdentificationOptions options;  ///< points into `toolkit`
    std::vector<std::string> notes;
};

/// Reads the library, priors and features and resamples the library to the scene's channels
/// (widths: the measured raster's, else those the model was trained with, else the spacing).
/// Errors start with the setting at fault: "library: …", "priors: …", "features: …".
Result<SceneIdentificationSetup> prepareSceneIdentification(const IdentificationSettings& settings,
                                                            const SceneInputs& inputs);

/// identificationJob for one scene: the inputs' files plus the library, priors and features
/// where they are files. `inputs` and `setup` must outlive the job.
Result<SceneTileJob> sceneIdentificationJob(const SceneInputs& inputs, const SceneInputPaths& paths,
                                            const IdentificationSettings& settings,
                                            const SceneIdentificationSetup& setup,
                                            SceneIdentification* made = nullptr);

}  // namespace specres
