#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/RasterPair.h"
#include "experiment/TrainedModel.h"

namespace specres {

/// Where a scene prediction reads from: the model, the low-resolution raster and, optionally,
/// the measured high-resolution one whose grid the maps then take.
struct SceneInputPaths {
    std::string model;
    std::string low;
    std::string high;  ///< "" for the low raster alone
    std::string lowWavelengths;
    std::string highWavelengths;
    ReflectanceScale reflectanceScale = ReflectanceScale::Auto;
    Resampling resampling = Resampling::Nearest;
};

/// A trained model and the rasters it will read, checked against each other: the low raster
/// alone, or the pair on the high raster's grid.
struct SceneInputs {
    TrainedModel trained;
    std::unique_ptr<RasterPair> pair;
    std::unique_ptr<SpectralRaster> lowOnly;
    const SpectralRaster& low() const { return pair ? pair->low() : *lowOnly; }
    const SpectralRaster* high() const { return pair ? &pair->high() : nullptr; }
    /// The measured spectra's σ (EMIT's RFLUNCERT) when the high raster has one.
    const SpectralRaster* highSigma() const { return pair ? pair->highUncertainty() : nullptr; }
    /// Every file the maps depend on, by role ("model", "low", "high", "sigma"), for checksums.
    std::vector<std::pair<std::string, std::string>> files(const SceneInputPaths& paths) const;
    /// What the user should be told about the inputs (the rasters' and the pair's warnings: a
    /// damaged RFLUNCERT file beside an EMIT granule, units guessed, …).
    std::vector<std::string> warnings() const;
};

/// Loads the model and opens the rasters within its wavelength window (half a nanometre to
/// spare); every message names the file that is wrong.
Result<SceneInputs> openSceneInputs(const SceneInputPaths& paths);

}  // namespace specres
