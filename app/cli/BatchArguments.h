#pragma once

#include <optional>
#include <string>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "maps/SceneIdentificationSetup.h"

namespace specres::cli {

/// The cores of this machine (at least 1).
int coresHere();

/// `batch SUB RUN [options]`: RUN is argv[3]. False, with the exit code set, when it is missing
/// (help printed) or help was asked for.
bool takeRunFolder(ArgumentParser& parser, const char* sub, int argc, char** argv, std::string& run,
                   int& exitCode);

/// `batch plan`'s options for mineral maps: --identify LIBRARY, --priors, --features,
/// --band-depths, --pairs, --dispersion (as `identify` takes them).
void addIdentificationPlanOptions(ArgumentParser& parser);
/// The identification the options ask for; nothing without --identify.
Result<std::optional<IdentificationSettings>> identificationPlanFrom(const ArgumentParser& parser);

/// `batch run RUN (--task K | --all [--jobs J])`.
CommandStatus runBatchRun(int argc, char** argv);

}  // namespace specres::cli
