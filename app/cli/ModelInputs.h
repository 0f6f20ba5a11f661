#pragma once

#include <memory>

#include "ArgumentParser.h"
#include "data/RasterPair.h"
#include "experiment/TrainedModel.h"

namespace specres::cli {

/// Options of the commands that apply a trained model to a scene (predict, identify): --model,
/// --low, --high and how to read them.
void addModelInputOptions(ArgumentParser& parser);

/// A trained model and the rasters it will read, checked against each other: the low raster
/// alone, or the pair on the high raster's grid when --high is given.
struct ModelInputs {
    TrainedModel trained;
    std::unique_ptr<RasterPair> pair;
    std::unique_ptr<SpectralRaster> lowOnly;
    const SpectralRaster& low() const { return pair ? pair->low() : *lowOnly; }
    const SpectralRaster* high() const { return pair ? &pair->high() : nullptr; }
};

/// Loads the model and opens the rasters within its wavelength window. On failure the message
/// is ready to print and `exitCode` says 2 (bad usage) or 1 (bad input).
Result<ModelInputs> openModelInputs(const ArgumentParser& parser, int& exitCode);

}  // namespace specres::cli
