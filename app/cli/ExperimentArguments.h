#pragma once

#include <memory>
#include <string>

#include "ArgumentParser.h"
#include "data/RasterPair.h"
#include "experiment/ExperimentRunner.h"

namespace specres::cli {

/// What train and compare hand to the experiment runner: the open pair and the request
/// (configuration, methods, split). The split is read here when given; the runner draws one
/// otherwise.
struct ExperimentInputs {
    std::unique_ptr<RasterPair> pair;
    ExperimentRequest request;
};

void addExperimentOptions(ArgumentParser& parser);
/// Opens the pair and reads --config and --split (warnings on stderr); methods are the caller's.
Result<ExperimentInputs> experimentInputsFrom(const ArgumentParser& parser);

}  // namespace specres::cli
