#include <cmath>
#include <iostream>

#include "ArgumentParser.h"
#include "Commands.h"
#include "Comparison.h"
#include "ExperimentArguments.h"
#include "ModelContext.h"
#include "ModelRegistry.h"
#include "TerminalProgress.h"

namespace specres::cli {

int runTrain(int argc, char** argv) {
    ArgumentParser parser(
        "specres-cli train --high H --low L --method M --covariance C --out MODEL [options]",
        "Trains one method on a raster pair and saves it as a model file (with its "
        "wavelength grids, preprocessing, configuration and test metrics).");
    addExperimentOptions(parser);
    parser.addRequired("method", "M", "G, GM, UGM, VE or DCGM");
    parser.addOption("covariance", "C", "spherical, diagonal or full", "full");
    parser.addRequired("out", "MODEL", "model file to write");
    if (int status = handleParse(parser, "train", argc, argv, 2); status >= 0) return status;
    auto covariance = parseCovarianceType(parser.value("covariance"));
    if (!covariance) {
        std::cerr << "specres-cli train: --covariance: " << covariance.error() << "\n";
        return 2;
    }
    const MethodSpec spec{parser.value("method"), *covariance};
    if (!createModel(spec.method, spec.covariance)) {
        std::cerr << "specres-cli train: --method: "
                  << createModel(spec.method, spec.covariance).error() << "\n";
        return 2;
    }

    TerminalProgress progress;
    progress.feedback().setEpochCallback([&progress](const EpochReport& r) {
        progress.setDetail("epoch " + std::to_string(r.epoch) + "  train " +
                           std::to_string(r.trainLoss).substr(0, 8) + "  validation " +
                           std::to_string(r.validationLoss).substr(0, 8));
    });
    auto inputs = experimentInputsFrom(parser, progress.feedback());
    if (!inputs) {
        progress.finish();
        std::cerr << "specres-cli train: " << inputs.error() << "\n";
        return 1;
    }
    auto data = prepareData(*inputs->pair, inputs->split, inputs->config.preprocessing,
                            &progress.feedback());
    if (!data) {
        progress.finish();
        std::cerr << "specres-cli train: " << data.error() << "\n";
        return 1;
    }
    auto model = trainMethod(spec, *data, inputs->config, &progress.feedback());
    progress.finish();
    if (!model) {
        std::cerr << "specres-cli train: " << model.error() << "\n";
        return 1;
    }
    auto evaluation = evaluateInReflectance(**model, *data);
    if (!evaluation) {
        std::cerr << "specres-cli train: " << evaluation.error() << "\n";
        return 1;
    }
    const auto context = makeModelContext(*data, inputs->config, *evaluation, inputs->splitPath);
    if (auto saved = saveModel(**model, parser.value("out"), context); !saved) {
        std::cerr << "specres-cli train: " << saved.error() << "\n";
        return 1;
    }
    std::cout << spec.label() << ": " << (*model)->fitSummary().note << " in "
              << (*model)->fitSummary().seconds << " s\n"
              << "test RMSE " << evaluation->rmse << ", test NLL "
              << (evaluation->nll ? std::to_string(*evaluation->nll) : std::string("undefined"))
              << " nats, "
              << "±1σ coverage " << evaluation->coverage1Sigma << " (" << evaluation->testCount
              << " test spectra)\n"
              << "model: " << parser.value("out") << "\n";
    return 0;
}

}  // namespace specres::cli
