#include <filesystem>
#include <iostream>
#include <sstream>

#include "ArgumentParser.h"
#include "Commands.h"
#include "Comparison.h"
#include "ExperimentArguments.h"
#include "ModelRegistry.h"
#include "ResultsWriter.h"
#include "TerminalProgress.h"

namespace specres::cli {

namespace {
std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        if (!item.empty()) items.push_back(item);
    }
    return items;
}
}  // namespace

int runCompare(int argc, char** argv) {
    ArgumentParser parser(
        "specres-cli compare --high H --low L --out DIR [options]",
        "Trains and evaluates every method × covariance type on one split and writes "
        "results.json, results.csv, per_spectrum.csv, table.md, table.tex (the DCGM "
        "paper's Table 2 layout) and run.json.");
    addExperimentOptions(parser);
    parser.addOption("methods", "LIST", "comma-separated methods", "G,GM,UGM,VE,DCGM");
    parser.addOption("covariances", "LIST", "comma-separated covariance types",
                     "spherical,diagonal,full");
    parser.addRequired("out", "DIR", "folder for the results (created if missing)");
    if (int status = handleParse(parser, "compare", argc, argv, 2); status >= 0) return status;

    std::vector<MethodSpec> specs;
    for (const auto& covarianceName : splitList(parser.value("covariances"))) {
        auto covariance = parseCovarianceType(covarianceName);
        if (!covariance) {
            std::cerr << "specres-cli compare: --covariances: " << covariance.error() << "\n";
            return 2;
        }
        for (const auto& method : splitList(parser.value("methods"))) {
            if (auto probe = createModel(method, *covariance); !probe) {
                std::cerr << "specres-cli compare: --methods: " << probe.error() << "\n";
                return 2;
            }
            specs.push_back({method, *covariance});
        }
    }
    if (specs.empty()) {
        std::cerr << "specres-cli compare: no methods to compare\n";
        return 2;
    }

    TerminalProgress progress;
    auto inputs = experimentInputsFrom(parser, progress.feedback());
    if (!inputs) {
        progress.finish();
        std::cerr << "specres-cli compare: " << inputs.error() << "\n";
        return 1;
    }
    // The split used goes beside the results, given or drawn, so the folder is self-contained.
    const std::string folder = parser.value("out");
    std::filesystem::create_directories(folder);
    const std::string splitPath = (std::filesystem::path(folder) / "split.json").string();
    std::error_code same;
    if (inputs->splitPath.empty() ||
        !std::filesystem::equivalent(inputs->splitPath, splitPath, same)) {
        if (auto saved = savePixelSplit(inputs->split, splitPath); !saved) {
            progress.finish();
            std::cerr << "specres-cli compare: " << saved.error() << "\n";
            return 1;
        }
    }
    auto data = prepareData(*inputs->pair, inputs->split, inputs->config.preprocessing,
                            &progress.feedback());
    if (!data) {
        progress.finish();
        std::cerr << "specres-cli compare: " << data.error() << "\n";
        return 1;
    }
    auto result = runComparison(*data, specs, inputs->config, &progress.feedback());
    progress.finish();
    if (!result) {
        std::cerr << "specres-cli compare: " << result.error() << "\n";
        return 1;
    }
    RunRecord run{inputs->config.toJson(), parser.value("high"), parser.value("low"), splitPath,
                  inputs->split};
    if (auto written = writeComparison(folder, *result, run); !written) {
        std::cerr << "specres-cli compare: " << written.error() << "\n";
        return 1;
    }
    std::cout << comparisonTable(*result, false) << "\nresults: " << folder << "\n";
    return 0;
}

}  // namespace specres::cli
