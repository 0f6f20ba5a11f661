#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "ExperimentArguments.h"
#include "TerminalProgress.h"
#include "io/InputFile.h"

namespace specres::cli {

CommandStatus runTrain(int argc, char** argv) {
    ArgumentParser parser(
        "train --high H --low L --method M --covariance C --out MODEL [options]",
        "Trains one method on a raster pair and saves it as a model file (with its "
        "wavelength grids, preprocessing, configuration and test metrics).");
    addExperimentOptions(parser);
    parser.addRequired("method", "M", "G, GM, UGM, VE or DCGM (any case)");
    parser.addOption("covariance", "C", "spherical, diagonal or full", "full");
    parser.addRequired("out", "MODEL", "model file to write");
    if (int status = handleParse(parser, "train", argc, argv, 2); status >= 0) return status;
    auto spec = parseMethodSpec(parser.value("method"), parser.value("covariance"));
    if (!spec) {
        return failure(2) << "--method/--covariance: " << spec.error();
    }
    // Before any work: a model that cannot be written must not cost a training run.
    if (auto ok = checkOutputFile(parser.value("out"), "the model file"); !ok) {
        return failure(1) << "--out: " << ok.error();
    }
    auto inputs = experimentInputsFrom(parser);
    if (!inputs) {
        return failure(1) << inputs.error();
    }
    inputs->request.methods = {*spec};

    TerminalProgress progress;
    if (inputs->checkPair) {
        inputs->request.pairCheck = pairCheckBeforeTraining(inputs->highPath, inputs->lowPath,
                                                             inputs->pairOptions, progress);
    }
    progress.feedback().setEpochCallback([&progress](const EpochReport& r) {
        progress.setDetail("epoch " + std::to_string(r.epoch) + "  train " +
                           std::to_string(r.trainLoss).substr(0, 8) + "  validation " +
                           std::to_string(r.validationLoss).substr(0, 8));
    });
    const std::string out = parser.value("out");
    auto save = [&out](const MethodRun&, TrainedModel& model) {
        return saveTrainedModel(model, out);
    };
    auto outcome = runExperiment(*inputs->pair, inputs->request, &progress.feedback(), save);
    progress.finish();
    if (!outcome) {
        return failure(1) << outcome.error();
    }
    const MethodRun& run = outcome->comparison.runs.front();
    const MethodEvaluation& evaluation = run.evaluation;
    std::cout << spec->label() << ": " << run.fit.note << " in " << run.fit.seconds << " s\n"
              << "test RMSE " << evaluation.rmse << ", test NLL "
              << (evaluation.nll ? std::to_string(*evaluation.nll) : std::string("undefined"))
              << " nats, "
              << "±1σ coverage " << evaluation.coverage1Sigma << " (" << evaluation.testCount
              << " test spectra)\n";
    const ModelContext& context = outcome->comparison.models.front().context;
    if (context.recalibration) {
        const CovarianceScaleFit& fit = *context.recalibration;
        std::cout << "recalibration: " << fit.how << ", E w " << fit.law.meanScale()
                  << "; validation NLL " << fit.rawNll << " as trained, " << fit.singleScaleNll
                  << " with one scale, " << fit.recalibratedNll << " under the law; fitted in "
                  << fit.seconds << " s\n"
                  << "joint miscalibration area " << evaluation.calibration.jointMiscalibrationArea
                  << ", marginal " << evaluation.calibration.miscalibrationArea << "\n";
    }
    std::cout << "model: " << out << "\n";
    return 0;
}

}  // namespace specres::cli
