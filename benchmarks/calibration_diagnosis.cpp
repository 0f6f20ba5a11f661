// The data behind docs/calibration.md's diagnosis of joint calibration: trains G, UGM and the
// DCGM (full covariance, default preset, recalibrated with the scale law) on a split and writes,
// for every test spectrum and model, d² (Σ as trained), log det Σ / n, the d² p-value under χ²ₙ
// and under the fitted law, and the input's brightness; on a demo scene also the true
// abundances and, for the DCGM, the demo library's identification: the dominant mineral's fit
// p-value and posterior, and the best p-value with that mineral removed from the library.
// Usage: calibration_diagnosis HIGH LOW SPLIT OUT_PREFIX [DEMO_SEED]
//   → OUT_PREFIX_spectra.csv, OUT_PREFIX_laws.csv (each model's fitted law)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>

#include <Eigen/Cholesky>

#include "data/PairDataset.h"
#include "data/PixelSplit.h"
#include "data/RasterPair.h"
#include "experiment/ExperimentRunner.h"
#include "experiment/PreparedData.h"
#include "identify/MineralToolkit.h"
#include "identify/SpectralLibrary.h"
#include "metrics/CalibrationScores.h"
#include "scene/DemoScene.h"

using namespace specres;

namespace {

int failWith(const std::string& message) {
    std::fprintf(stderr, "%s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5 && argc != 6)
        return failWith("usage: calibration_diagnosis HIGH LOW SPLIT OUT_PREFIX [DEMO_SEED]");
    const std::string prefix = argv[4];
    auto pair = RasterPair::open(argv[1], argv[2]);
    if (!pair) return failWith(pair.error());
    auto split = loadPixelSplit(argv[3]);
    if (!split) return failWith(split.error());
    ExperimentRequest request;
    request.split = *split;
    request.splitPath = argv[3];
    request.methods = {
        {"G", CovarianceType::Full}, {"UGM", CovarianceType::Full}, {"DCGM", CovarianceType::Full}};
    auto outcome = runExperiment(*pair, request);
    if (!outcome) return failWith(outcome.error());
    auto data = prepareData(*pair, *split, PreprocessingOptions{});
    if (!data) return failWith(data.error());
    auto raw = readPairedSpectra(*pair, split->test);
    if (!raw) return failWith(raw.error());
    const Eigen::Index count = data->test.x.rows();
    const double n = double(data->testReflectance.cols());

    std::ofstream laws(prefix + "_laws.csv");
    laws << "model,scale,weight,validation_nll_raw,validation_nll_single,validation_nll_law\n";
    std::vector<CalibrationScores> lawScores, rawScores;
    for (const TrainedModel& m : outcome->comparison.models) {
        const ScaleMixture law = m.reflectance.scaleLaw();
        const auto& fit = *m.context.recalibration;
        for (Eigen::Index k = 0; k < law.size(); ++k)
            laws << m.reflectance.label() << ',' << law.scales()[k] << ',' << law.weights()[k]
                 << ',' << fit.rawNll << ',' << fit.singleScaleNll << ',' << fit.recalibratedNll
                 << '\n';
        auto scores = scoreCalibrationUnderLaws(m.reflectance, data->test.x, data->testReflectance,
                                                {law, ScaleMixture()});
        if (!scores) return failWith(scores.error());
        lawScores.push_back((*scores)[0]);
        rawScores.push_back((*scores)[1]);
    }

    // The demo's truth and the DCGM's identification.
    std::optional<DemoScene> scene;
    std::vector<std::shared_ptr<const MineralToolkit>> toolkits;  // [0] all, [1 + m] without m
    const SpectralLibrary library = demoSpectralLibrary();
    if (argc == 6) {
        DemoSceneOptions options;
        options.seed = std::stoull(argv[5]);
        auto made = DemoScene::create(options);
        if (!made) return failWith(made.error());
        scene = std::move(*made);
        const ChannelSet high{pair->high().wavelengthsUm(), pair->high().fwhmUm()};
        const ChannelSet low{pair->low().wavelengthsUm(), pair->low().fwhmUm()};
        for (int without = -1; without < int(library.spectra.size()); ++without) {
            SpectralLibrary subset = library;
            if (without >= 0) subset.spectra.erase(subset.spectra.begin() + without);
            auto toolkit = buildMineralToolkit(subset, high, low);
            if (!toolkit) return failWith(toolkit.error());
            toolkits.push_back(*toolkit);
        }
    }
    const TrainedModel& dcgm = outcome->comparison.models.back();

    std::ofstream out(prefix + "_spectra.csv");
    out << "pixel,column,row,model,channels,d2,log_det_per_channel,p_chi2,p_law,brightness";
    if (scene) {
        out << ",dominant,abundance,footprint_abundance,p_dominant,posterior_dominant,best,"
               "posterior_best,p_best_without_dominant,noise_share,best_raw,posterior_best_raw,"
               "p_dominant_raw,p_dominant_noise_free";
    }
    out << '\n';
    const int width = split->width;
    for (Eigen::Index i = 0; i < count; ++i) {
        const std::int64_t pixel = split->test[std::size_t(i)];
        const int column = int(pixel % width), row = int(pixel / width);
        std::string truth;
        if (scene) {
            const Eigen::MatrixXd a = scene->abundances(row);
            Eigen::Index dominant = 0;
            const double abundance = a.row(column).maxCoeff(&dominant);
            // The ASTER footprint: the factor × factor block the low pixel averages.
            const int f = scene->options().lowResolutionFactor;
            Eigen::RowVectorXd footprint = Eigen::RowVectorXd::Zero(a.cols());
            for (int r = row / f * f; r < std::min(row / f * f + f, split->height); ++r) {
                const Eigen::MatrixXd ar = scene->abundances(r);
                for (int c = column / f * f; c < std::min(column / f * f + f, width); ++c)
                    footprint += ar.row(c) / double(f * f);
            }
            auto prediction = dcgm.reflectance.predict(data->test.x.row(i).transpose());
            if (!prediction) return failWith(prediction.error());
            auto all = toolkits[0]->matcher.identify(prediction->distribution);
            auto without =
                toolkits[std::size_t(dominant) + 1]->matcher.identify(prediction->distribution);
            if (!all || !without) return failWith("identification failed");
            // The same identification as trained (no scale law), for comparison.
            ReflectanceModel asTrained = dcgm.reflectance;
            asTrained.setCovarianceScale(1.0);
            auto rawPrediction = asTrained.predict(data->test.x.row(i).transpose());
            if (!rawPrediction) return failWith(rawPrediction.error());
            auto rawAll = toolkits[0]->matcher.identify(rawPrediction->distribution);
            if (!rawAll) return failWith("identification failed");
            double bestWithout = 0.0;
            for (const MineralFit& fit : without->fits)
                bestWithout = std::max(bestWithout, fit.pValue);
            const MineralFit& d = all->fits[std::size_t(dominant)];
            // The share of the predicted Σ that is the demo's own measurement noise,
            // tr(Σ⁻¹ N) / n with N = diag(σ²), σ = noise + 1 % of the signal (DemoScene),
            // in the units min–max scaling gives this spectrum.
            const Eigen::VectorXd measured = raw->high.row(i).transpose();
            const double range = measured.maxCoeff() - measured.minCoeff();
            const Eigen::VectorXd noise =
                ((scene->options().highNoise + 0.01 * measured.array()) / range).matrix();
            const Eigen::MatrixXd precision = prediction->precision();
            const double share = (noise.array().square() * precision.diagonal().array()).sum() / n;
            // The proposed next step, tried with the demo's known noise: the library spectrum
            // scored against the noise-free predictive N(μ, E w Σ − N) (NaN where that is not
            // positive definite).
            double noiseFreeP = std::numeric_limits<double>::quiet_NaN();
            {
                Eigen::MatrixXd signal = prediction->covariance;
                signal.diagonal() -= noise.array().square().matrix();
                if (Eigen::LLT<Eigen::MatrixXd>(signal).info() == Eigen::Success) {
                    PredictiveDistribution clean;
                    clean.weights = Eigen::VectorXd::Ones(1);
                    clean.means = {prediction->mean};
                    clean.covariances = {signal};
                    clean.point = prediction->mean;
                    auto fits = toolkits[0]->matcher.identify(clean);
                    if (fits) noiseFreeP = fits->fits[std::size_t(dominant)].pValue;
                }
            }
            truth = "," + library.spectra[std::size_t(dominant)].name + "," +
                    std::to_string(abundance) + "," + std::to_string(footprint[dominant]) + "," +
                    std::to_string(d.pValue) + "," + std::to_string(d.posterior) + "," +
                    library.spectra[std::size_t(all->best())].name + "," +
                    std::to_string(all->fits[std::size_t(all->best())].posterior) + "," +
                    std::to_string(bestWithout) + "," + std::to_string(share) + "," +
                    library.spectra[std::size_t(rawAll->best())].name + "," +
                    std::to_string(rawAll->fits[std::size_t(rawAll->best())].posterior) + "," +
                    std::to_string(rawAll->fits[std::size_t(dominant)].pValue) + "," +
                    std::to_string(noiseFreeP);
        }
        const double brightness = raw->low.row(i).mean();
        for (std::size_t m = 0; m < lawScores.size(); ++m) {
            const CalibrationScores& s = lawScores[m];
            out << pixel << ',' << column << ',' << row << ','
                << outcome->comparison.models[m].reflectance.label() << ',' << n << ','
                << s.spectrumSquaredDistance[i] << ',' << s.spectrumLogDeterminant[i] / n << ','
                << rawScores[m].spectrumJointPValue[i] << ',' << s.spectrumJointPValue[i] << ','
                << brightness << truth << '\n';
        }
    }
    for (std::size_t m = 0; m < lawScores.size(); ++m) {
        std::printf("%s: joint area raw %.4f law %.4f; marginal raw %.4f law %.4f\n",
                    outcome->comparison.models[m].reflectance.label().c_str(),
                    rawScores[m].jointMiscalibrationArea, lawScores[m].jointMiscalibrationArea,
                    rawScores[m].miscalibrationArea, lawScores[m].miscalibrationArea);
    }
    return 0;
}
