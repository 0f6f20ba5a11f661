#pragma once

#include "CommandStatus.h"

namespace specres::cli {

/// Each command parses argv[2..] itself and returns how it ended (exit status 0 success,
/// 1 failure, 2 bad usage, with the failure's message, which `main` writes to stderr after the
/// command's name); results go to stdout.
CommandStatus runInfo(int argc, char** argv);
CommandStatus runDemo(int argc, char** argv);
CommandStatus runDataset(int argc, char** argv);
CommandStatus runTrain(int argc, char** argv);
CommandStatus runCompare(int argc, char** argv);
CommandStatus runPredict(int argc, char** argv);
CommandStatus runIdentify(int argc, char** argv);
CommandStatus runCalibrateFits(int argc, char** argv);
CommandStatus runLibrary(int argc, char** argv);
CommandStatus runSimulate(int argc, char** argv);
CommandStatus runPairCheck(int argc, char** argv);
CommandStatus runMerge(int argc, char** argv);
CommandStatus runBatchCommand(int argc, char** argv);

/// Prints a parser error or help; returns the exit status to use, or -1 to go on.
class ArgumentParser;
int handleParse(ArgumentParser& parser, const char* command, int argc, char** argv, int first);

}  // namespace specres::cli
