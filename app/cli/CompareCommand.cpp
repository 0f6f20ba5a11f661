#include <filesystem>
#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ExperimentArguments.h"
#include "paircheck/PairCheckReport.h"
#include "TerminalProgress.h"
#include "results/ResultsWriter.h"
#include "io/InputFile.h"

namespace specres::cli {

CommandStatus runCompare(int argc, char** argv) {
    ArgumentParser parser(
        "compare --high H --low L --out DIR [options]",
        "Trains and evaluates every method × covariance type on one split and writes "
        "results.json, results.csv, per_spectrum.csv, table.md, table.tex (the DCGM "
        "paper's Table 2 layout), split.json and run.json.");
    addExperimentOptions(parser);
    parser.addOption("methods", "LIST", "comma-separated methods", "G,GM,UGM,VE,DCGM");
    parser.addOption("covariances", "LIST", "comma-separated covariance types",
                     "spherical,diagonal,full");
    parser.addRequired("out", "DIR", "folder for the results (created if missing)");
    if (int status = handleParse(parser, "compare", argc, argv, 2); status >= 0) return status;

    auto specs = parseMethodGrid(parser.value("methods"), parser.value("covariances"));
    if (!specs) {
        return failure(2) << "--methods/--covariances: " << specs.error();
    }
    auto inputs = experimentInputsFrom(parser);
    if (!inputs) {
        return failure(1) << inputs.error();
    }
    inputs->request.methods = *specs;
    // The results folder is made (or checked) before the run, so that no run is lost to it.
    const std::string folder = parser.value("out");
    std::error_code created;
    std::filesystem::create_directories(folder, created);
    if (created || !std::filesystem::is_directory(folder, created)) {
        return failure(1) << "--out " << folder << ": cannot create the folder"
                  << (created ? ": " + created.message() : std::string(": a file is in the way"));
    }
    if (auto ok = checkOutputFile((std::filesystem::path(folder) / "results.json").string(),
                                  "the results");
        !ok) {
        return failure(1) << "--out: " << ok.error();
    }
    TerminalProgress progress;
    if (inputs->checkPair) {
        inputs->request.pairCheck = pairCheckBeforeTraining(inputs->highPath, inputs->lowPath,
                                                             inputs->pairOptions, progress);
    }
    auto outcome = runExperiment(*inputs->pair, inputs->request, &progress.feedback());
    progress.finish();
    if (!outcome) {
        return failure(1) << outcome.error();
    }
    // The split goes beside the results, given or drawn, so the folder is self-contained; it
    // is written with them, after the run, so that a cancelled run leaves an earlier one whole.
    const std::string splitPath = (std::filesystem::path(folder) / "split.json").string();
    std::error_code same;
    if (inputs->request.splitPath.empty() ||
        !std::filesystem::equivalent(inputs->request.splitPath, splitPath, same)) {
        if (auto saved = savePixelSplit(outcome->split, splitPath); !saved) {
            return failure(1) << saved.error();
        }
    }
    RunRecord run{inputs->request.config.toJson(), parser.value("high"), parser.value("low"),
                  splitPath, outcome->split,
                  outcome->pairCheck ? pairCheckToJson(*outcome->pairCheck) : nlohmann::json()};
    if (auto written = writeComparison(folder, outcome->comparison, run); !written) {
        return failure(1) << written.error();
    }
    std::cout << comparisonTable(outcome->comparison, false) << "\nresults: " << folder << "\n";
    return 0;
}

}  // namespace specres::cli
