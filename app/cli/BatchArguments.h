#pragma once

#include <string>

#include "ArgumentParser.h"
#include "CommandStatus.h"

namespace specres::cli {

/// The cores of this machine (at least 1).
int coresHere();

/// `batch SUB RUN [options]`: RUN is argv[3]. False, with the exit code set, when it is missing
/// (help printed) or help was asked for.
bool takeRunFolder(ArgumentParser& parser, const char* sub, int argc, char** argv, std::string& run,
                   int& exitCode);

/// `batch run RUN (--task K | --all [--jobs J])`.
CommandStatus runBatchRun(int argc, char** argv);

}  // namespace specres::cli
