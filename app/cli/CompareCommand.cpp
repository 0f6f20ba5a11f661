#include <filesystem>
#include <iostream>

#include "ArgumentParser.h"
#include "Commands.h"
#include "ExperimentArguments.h"
#include "paircheck/PairCheckReport.h"
#include "TerminalProgress.h"
#include "experiment/ResultsWriter.h"
#include "io/InputFile.h"

namespace specres::cli {

int runCompare(int argc, char** argv) {
    ArgumentParser parser(
        "specres-cli compare --high H --low L --out DIR [options]",
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
        std::cerr << "specres-cli compare: --methods/--covariances: " << specs.error() << "\n";
        return 2;
    }
    auto inputs = experimentInputsFrom(parser);
    if (!inputs) {
        std::cerr << "specres-cli compare: " << inputs.error() << "\n";
        return 1;
    }
    inputs->request.methods = *specs;
    // The results folder is made (or checked) before the run, so that no run is lost to it.
    const std::string folder = parser.value("out");
    std::error_code created;
    std::filesystem::create_directories(folder, created);
    if (created || !std::filesystem::is_directory(folder, created)) {
        std::cerr << "specres-cli compare: --out " << folder << ": cannot create the folder"
                  << (created ? ": " + created.message() : std::string(": a file is in the way"))
                  << "\n";
        return 1;
    }
    if (auto ok = checkOutputFile((std::filesystem::path(folder) / "results.json").string(),
                                  "the results");
        !ok) {
        std::cerr << "specres-cli compare: --out: " << ok.error() << "\n";
        return 1;
    }
    TerminalProgress progress;
    if (inputs->checkPair) {
        inputs->request.pairCheck = pairCheckBeforeTraining(inputs->highPath, inputs->lowPath,
                                                             inputs->pairOptions, progress);
    }
    auto outcome = runExperiment(*inputs->pair, inputs->request, &progress.feedback());
    progress.finish();
    if (!outcome) {
        std::cerr << "specres-cli compare: " << outcome.error() << "\n";
        return 1;
    }
    // The split goes beside the results, given or drawn, so the folder is self-contained; it
    // is written with them, after the run, so that a cancelled run leaves an earlier one whole.
    const std::string splitPath = (std::filesystem::path(folder) / "split.json").string();
    std::error_code same;
    if (inputs->request.splitPath.empty() ||
        !std::filesystem::equivalent(inputs->request.splitPath, splitPath, same)) {
        if (auto saved = savePixelSplit(outcome->split, splitPath); !saved) {
            std::cerr << "specres-cli compare: " << saved.error() << "\n";
            return 1;
        }
    }
    RunRecord run{inputs->request.config.toJson(), parser.value("high"), parser.value("low"),
                  splitPath, outcome->split,
                  outcome->pairCheck ? pairCheckToJson(*outcome->pairCheck) : nlohmann::json()};
    if (auto written = writeComparison(folder, outcome->comparison, run); !written) {
        std::cerr << "specres-cli compare: " << written.error() << "\n";
        return 1;
    }
    std::cout << comparisonTable(outcome->comparison, false) << "\nresults: " << folder << "\n";
    return 0;
}

}  // namespace specres::cli
