#pragma once

namespace specres::cli {

/// Each command parses argv[2..] itself and returns the process exit status
/// (0 success, 1 failure, 2 bad usage); messages go to stderr, results to stdout.
int runInfo(int argc, char** argv);
int runDemo(int argc, char** argv);
int runDataset(int argc, char** argv);
int runTrain(int argc, char** argv);
int runCompare(int argc, char** argv);
int runPredict(int argc, char** argv);
int runIdentify(int argc, char** argv);
int runLibrary(int argc, char** argv);
int runSimulate(int argc, char** argv);
int runPairCheck(int argc, char** argv);
int runMerge(int argc, char** argv);
int runBatchCommand(int argc, char** argv);

/// Prints a parser error or help; returns the exit status to use, or -1 to go on.
class ArgumentParser;
int handleParse(ArgumentParser& parser, const char* command, int argc, char** argv, int first);

}  // namespace specres::cli
