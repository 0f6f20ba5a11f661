#pragma once

#include <string>

#include "ArgumentParser.h"
#include "ExperimentConfig.h"
#include "PreparedData.h"
#include "RasterPair.h"

namespace specres::cli {

/// What train and compare share: the pair, the configuration and the split.
struct ExperimentInputs {
    std::unique_ptr<RasterPair> pair;
    ExperimentConfig config;
    PixelSplit split;
    std::string splitPath;  ///< the split file given, or "" when the split was built here
};

void addExperimentOptions(ArgumentParser& parser);
/// Opens the pair, reads --config, and reads --split or builds a split (progress on stderr).
Result<ExperimentInputs> experimentInputsFrom(const ArgumentParser& parser, Feedback& feedback);

}  // namespace specres::cli
