#pragma once

#include <memory>
#include <string>

#include "ArgumentParser.h"
#include "TerminalProgress.h"
#include "data/RasterPair.h"
#include "experiment/ExperimentRunner.h"

namespace specres::cli {

/// What train and compare hand to the experiment runner: the open pair and the request
/// (configuration, methods, split). The split is read here when given; the runner draws one
/// otherwise.
struct ExperimentInputs {
    std::unique_ptr<RasterPair> pair;
    ExperimentRequest request;
    std::string highPath;
    std::string lowPath;
    PairOptions pairOptions;
    bool checkPair = true;  ///< false with --no-pair-check
};

void addExperimentOptions(ArgumentParser& parser);
/// Opens the pair and reads --config and --split (warnings on stderr); methods are the caller's.
Result<ExperimentInputs> experimentInputsFrom(const ArgumentParser& parser);

/// The pair check before a split is drawn or a model trained, for the experiment runner: a
/// warning on stderr, with its reasons and the command for the full report, when the pair is
/// not plainly usable (a shift, a warp, disagreeing pixels). A pair the check cannot read (not
/// ASTER's bands) is noted and used all the same.
/// `progress`'s bar line is ended before the warning is written.
PairCheckRequest pairCheckBeforeTraining(const std::string& highPath, const std::string& lowPath,
                                         const PairOptions& options, TerminalProgress& progress);

}  // namespace specres::cli
