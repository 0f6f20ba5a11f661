#pragma once

#include <optional>
#include "ArgumentParser.h"

#include "maps/SceneInputs.h"
#include "maps/SceneTile.h"

namespace specres::cli {

/// Options of the commands that apply a trained model to a scene (predict, identify): --model,
/// --low, --high and how to read them.
void addModelInputOptions(ArgumentParser& parser);

/// --tile K/N and --tile-index K|env (predict and identify).
void addTileOptions(ArgumentParser& parser, const std::string& mapsName);
/// The tile asked for, or none; a failure is a usage error (exit 2), ready to print.
Result<std::optional<SceneTile>> tileFrom(const ArgumentParser& parser);

/// The paths and reading options given; a failure is a usage error (exit 2).
Result<SceneInputPaths> sceneInputPathsFrom(const ArgumentParser& parser);

/// Loads the model and opens the rasters within its wavelength window. On failure the message
/// is ready to print and `exitCode` says 2 (bad usage) or 1 (bad input).
Result<SceneInputs> openModelInputs(const ArgumentParser& parser, int& exitCode);

}  // namespace specres::cli
