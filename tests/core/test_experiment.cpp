// Experiments end to end: preparation, MNF invariance, the comparison and its files.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "TestRasters.h"
#include "data/PairDataset.h"
#include "experiment/Comparison.h"
#include "experiment/ModelContext.h"
#include "experiment/PixelInspection.h"
#include "project/Project.h"
#include "results/ResultsWriter.h"
#include "neural/ModelRegistry.h"
#include "scene/DemoScene.h"

using namespace specres;
using nlohmann::json;

namespace {
// Settings that train in seconds on a 2-core machine and still learn the demo scene well.
ExperimentConfig fastConfig() {
    ExperimentConfig config;
    config.methods = json{
        {"DCGM",
         {{"hidden_layers", {128, 128}}, {"dropout", 0.1}, {"max_epochs", 60}, {"patience", 10}}},
        {"VE", {{"hidden_layers", {64, 64}}, {"max_epochs", 40}, {"patience", 8}}},
        {"GM", {{"components", 5}, {"restarts", 1}}}};
    return config;
}

const MethodRun* find(const ComparisonResult& result, const std::string& method) {
    for (const auto& run : result.runs)
        if (run.spec.method == method) return &run;
    return nullptr;
}
}  // namespace

class ExperimentTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<RasterPair> pair_;
    PixelSplit split_;

private slots:
    void initTestCase() {
        auto demo = test::writeDemoPair(dir_.filePath("demo").toStdString(), 80, 80);
        QVERIFY2(demo, demo.error().c_str());
        pair_ = std::move(demo->pair);
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 2400;
        auto split = buildPixelSplit(*pair_, datasetOptions);
        QVERIFY(split);
        split_ = *split;
    }

    void jointGaussianIsInvariantToTheMnf() {
        // G with full covariance is equivariant under an invertible affine map of y, so in
        // reflectance space its RMSE and NLL must not change — unless the MNF's log-Jacobian
        // is missing from the NLL.
        auto plain = prepareData(*pair_, split_, PreprocessingOptions{false});
        auto mnf = prepareData(*pair_, split_, PreprocessingOptions{true});
        QVERIFY2(plain && mnf, (plain ? mnf.error() : plain.error()).c_str());
        QVERIFY(mnf->mnf.has_value());
        QVERIFY((mnf->train.y - plain->train.y).norm() > 1.0);  // the models really see MNF space
        auto g = createModel("G", CovarianceType::Full);
        auto h = createModel("G", CovarianceType::Full);
        QVERIFY((*g)->fit(plain->train, plain->validation, nullptr));
        QVERIFY((*h)->fit(mnf->train, mnf->validation, nullptr));
        auto a = evaluateInReflectance(ReflectanceModel(std::move(*g), plain->mnf), *plain);
        auto b = evaluateInReflectance(ReflectanceModel(std::move(*h), mnf->mnf), *mnf);
        QVERIFY(a && b);
        QVERIFY2(std::abs(a->rmse - b->rmse) <= 1e-6 * a->rmse,
                 qPrintable(QString("RMSE %1 vs %2").arg(a->rmse).arg(b->rmse)));
        QVERIFY2(
            std::abs(*a->nll - *b->nll) <= 1e-6 * std::abs(*a->nll),
            qPrintable(QString("NLL %1 vs %2").arg(*a->nll, 0, 'g', 12).arg(*b->nll, 0, 'g', 12)));
        QVERIFY(std::abs(a->coverage1Sigma - b->coverage1Sigma) < 1e-9);
    }

    void dcgmBeatsTheJointGaussianOnTheDemo() {
        auto data = prepareData(*pair_, split_, PreprocessingOptions{});
        QVERIFY(data);
        const std::vector<MethodSpec> methods = {{"G", CovarianceType::Full},
                                                 {"VE", CovarianceType::Full},
                                                 {"DCGM", CovarianceType::Full}};
        std::vector<std::string> announced;
        auto result = runComparison(
            *data, methods, fastConfig(), nullptr, [&](const MethodRun& run, TrainedModel& model) {
                announced.push_back(run.spec.label());
                return model.label() == run.spec.label() ? Status::success()
                                                         : fail("another model");
            });
        QVERIFY2(result, result.error().c_str());
        QCOMPARE(announced, (std::vector<std::string>{"G/full", "VE/full", "DCGM/full"}));
        QCOMPARE(result->models.size(), std::size_t(3));
        // What a project keeps of the comparison gives back the same table.
        auto reread = comparisonFromJson(json::parse(comparisonToJson(*result).dump()), "p.json");
        QVERIFY2(reread, reread.error().c_str());
        QCOMPARE(comparisonTable(*reread, false), comparisonTable(*result, false));
        QCOMPARE(comparisonTable(*reread, true), comparisonTable(*result, true));
        QCOMPARE(comparisonCsv(*reread), comparisonCsv(*result));
        QVERIFY(!reread->runs[1].evaluation.nll.has_value());
        const MethodRun* g = find(*result, "G");
        const MethodRun* dcgm = find(*result, "DCGM");
        const MethodRun* ve = find(*result, "VE");
        QVERIFY2(
            dcgm->evaluation.rmse < g->evaluation.rmse,
            qPrintable(
                QString("RMSE DCGM %1, G %2").arg(dcgm->evaluation.rmse).arg(g->evaluation.rmse)));
        QVERIFY2(
            *dcgm->evaluation.nll < *g->evaluation.nll,
            qPrintable(
                QString("NLL DCGM %1, G %2").arg(*dcgm->evaluation.nll).arg(*g->evaluation.nll)));
        QVERIFY(!ve->evaluation.nll.has_value());
        for (const auto& run : result->runs) {
            QVERIFY(std::isfinite(run.evaluation.rmse));
            if (run.evaluation.nll) QVERIFY(std::isfinite(*run.evaluation.nll));
        }
        // t-tests: G vs DCGM on both metrics, and no NLL test involving VE.
        int nllTests = 0;
        for (const auto& t : result->ttests) {
            QVERIFY(std::isfinite(t.result.p) && t.result.p >= 0 && t.result.p <= 1);
            QCOMPARE(t.result.degreesOfFreedom, double(split_.test.size() - 1));
            if (t.metric == "nll") {
                ++nllTests;
                QVERIFY(t.a.rfind("VE", 0) != 0 && t.b.rfind("VE", 0) != 0);
            }
        }
        QCOMPARE(nllTests, 1);
        // CRPS and energy-score tests for every pair (VE included: a point forecast has both).
        int crpsTests = 0;
        for (const auto& t : result->ttests) crpsTests += t.metric == "crps";
        QCOMPARE(crpsTests, 3);

        // The default preset recalibrates every model with a density on the validation split;
        // the scale travels in the model file and predicts the same after a reload.
        for (const TrainedModel& m : result->models) {
            QCOMPARE(m.context.recalibration.has_value(), m.conditional().hasDensity());
            QVERIFY(m.reflectance.scaleLaw().scales() == m.context.scaleLaw().scales());
            QVERIFY(m.reflectance.scaleLaw().weights() == m.context.scaleLaw().weights());
        }
        TrainedModel& kept = result->models[2];
        QVERIFY(!kept.context.recalibration->law.isIdentity());
        QVERIFY(dcgm->evaluation.raw &&
                dcgm->evaluation.scaleLaw.scales() == kept.context.scaleLaw().scales());
        const std::string modelPath = dir_.filePath("recalibrated.specres").toStdString();
        QVERIFY(saveTrainedModel(kept, modelPath));
        auto loaded = loadTrainedModel(modelPath);
        QVERIFY2(loaded, loaded.error().c_str());
        QVERIFY(loaded->reflectance.scaleLaw().scales() == kept.context.scaleLaw().scales());
        QVERIFY(loaded->reflectance.scaleLaw().weights() == kept.context.scaleLaw().weights());
        const Eigen::VectorXd x0 = data->test.x.row(0).transpose();
        auto before = kept.reflectance.predict(x0);
        auto after = loaded->reflectance.predict(x0);
        QVERIFY(before && after);
        QVERIFY((before->stddev - after->stddev).cwiseAbs().maxCoeff() <
                1e-6 * before->stddev.maxCoeff());
        ReflectanceModel raw = kept.reflectance;
        raw.setCovarianceScale(1.0);
        const Eigen::VectorXd rawSigma = raw.predict(x0)->stddev;
        QVERIFY((before->stddev - std::sqrt(kept.context.scaleLaw().meanScale()) * rawSigma)
                    .cwiseAbs()
                    .maxCoeff() < 1e-9);

        const std::string folder = dir_.filePath("results").toStdString();
        RunRecord run{fastConfig().toJson(), pair_->high().path(), pair_->low().path(),
                      "split.json", split_};
        QVERIFY(writeComparison(folder, *result, run));
        std::ifstream in(folder + "/results.json");
        const json results = json::parse(in);
        QCOMPARE(results.at("results").size(), std::size_t(3));
        for (const auto& row : results.at("results")) {
            if (row.at("method") == "VE") {
                QVERIFY(row.at("nll").is_null());
            } else {
                QVERIFY(row.at("nll").is_number());
            }
            QCOMPARE(row.at("n_test").get<int>(), int(split_.test.size()));
        }
        std::ifstream table(folder + "/table.md");
        const std::string markdown((std::istreambuf_iterator<char>(table)), {});
        QVERIFY(QString::fromStdString(markdown).contains("| full | NLL |"));
        QVERIFY(QString::fromStdString(markdown).contains("**"));
        std::ifstream perSpectrum(folder + "/per_spectrum.csv");
        int lines = 0;
        for (std::string line; std::getline(perSpectrum, line);) ++lines;
        QCOMPARE(lines, int(split_.test.size()) + 1);
        std::ifstream curves(folder + "/calibration.csv");
        std::string header;
        std::getline(curves, header);
        QCOMPARE(header, std::string("method,covariance,scores,curve,x,observed,ideal"));
        int marginal = 0;
        for (std::string line; std::getline(curves, line);)
            marginal += line.find("as used,marginal_coverage") != std::string::npos;
        QCOMPARE(marginal, 2 * 11);  // G and DCGM, 11 levels; VE has no curve
        std::ifstream runFile(folder + "/run.json");
        const json runJson = json::parse(runFile);
        QCOMPARE(runJson.at("inputs").size(), std::size_t(2));
        QCOMPARE(runJson.at("inputs")[0].at("fnv1a64").get<std::string>().size(), std::size_t(16));
        QVERIFY(runJson.at("software").contains("libtorch"));
    }

    void methodsSideBySideGiveWhatEachGivesAlone() {
        // Route 1: one comparison, its methods side by side on every core (two networks
        // training at once among them). Route 2: each method alone, nothing beside it. The
        // numbers must be the same.
        auto data = prepareData(*pair_, split_, PreprocessingOptions{});
        QVERIFY(data);
        ExperimentConfig config = fastConfig();
        config.methods["DCGM"]["max_epochs"] = 15;
        config.methods["VE"]["max_epochs"] = 15;
        config.methods["DCGM"]["dropout_grid"] = {0.1, 0.3};
        config.methods["VE"]["dropout_grid"] = {0.0, 0.3};
        const std::vector<MethodSpec> methods = {
            {"GM", CovarianceType::Diagonal}, {"DCGM", CovarianceType::Diagonal},
            {"VE", CovarianceType::Full},     {"UGM", CovarianceType::Diagonal},
            {"DCGM", CovarianceType::Full},   {"G", CovarianceType::Full}};
        std::vector<double> progress;
        Feedback feedback(
            [&](double fraction, const std::string&) { progress.push_back(fraction); });
        std::vector<std::string> announced;
        auto together = runComparison(*data, methods, config, &feedback,
                                      [&](const MethodRun& run, TrainedModel&) {
                                          announced.push_back(run.spec.label());
                                          return Status::success();
                                      });
        QVERIFY2(together, together.error().c_str());
        QCOMPARE(announced, (std::vector<std::string>{"GM/diagonal", "DCGM/diagonal", "VE/full",
                                                      "UGM/diagonal", "DCGM/full", "G/full"}));
        QVERIFY(!progress.empty() && progress.back() == 1.0);
        // DCGM/full took DCGM/diagonal's training as its pre-training (alone, it trains it).
        auto sharedPhases = [](const FitSummary& fit) {
            int shared = 0;
            if (!fit.details.is_object() || !fit.details.contains("phases")) return 0;
            for (const auto& phase : fit.details.at("phases"))
                shared += phase.value("shared_with_diagonal_model", false);
            return shared;
        };
        QCOMPARE(sharedPhases(together->runs[4].fit), 2);  // the two dropout candidates
        QCOMPARE(together->runs[4].fit.details.at("dropout_search"),
                 together->runs[1].fit.details.at("dropout_search"));
        for (std::size_t i = 0; i < methods.size(); ++i) {
            auto alone = runComparison(*data, {methods[i]}, config);
            QCOMPARE(sharedPhases(alone->runs.front().fit), 0);
            QVERIFY2(alone, alone.error().c_str());
            const MethodEvaluation& a = together->runs[i].evaluation;
            const MethodEvaluation& b = alone->runs.front().evaluation;
            QVERIFY2(std::abs(a.rmse - b.rmse) <= 1e-9 * b.rmse,
                     qPrintable(QString::fromStdString(methods[i].label()) +
                                QString(": RMSE %1 vs %2").arg(a.rmse).arg(b.rmse)));
            QCOMPARE(a.nll.has_value(), b.nll.has_value());
            if (!a.nll) continue;
            QVERIFY2(std::abs(*a.nll - *b.nll) <= 1e-9 * std::abs(*b.nll),
                     qPrintable(QString::fromStdString(methods[i].label()) +
                                QString(": NLL %1 vs %2").arg(*a.nll).arg(*b.nll)));
        }
    }

    void aFailureStopsEveryWorker() {
        // The DCGM cancels through its epoch report while GM, on another worker, fits: the
        // comparison ends with the cancellation, neither hangs nor throws.
        auto data = prepareData(*pair_, split_, PreprocessingOptions{});
        QVERIFY(data);
        Feedback feedback;
        feedback.setEpochCallback([&](const EpochReport&) { feedback.cancel(); });
        ExperimentConfig config = fastConfig();
        config.methods["GM"]["restarts"] = 3;
        auto result = runComparison(*data,
                                    {{"GM", CovarianceType::Full},
                                     {"DCGM", CovarianceType::Full},
                                     {"G", CovarianceType::Full}},
                                    config, &feedback);
        QVERIFY(!result);
        QVERIFY2(result.error().find(kCancelledMessage) != std::string::npos,
                 result.error().c_str());
    }

    void dcgmBeatsTheJointGaussianOnJasperRidge() {
        if (!specres::test::haveSharedData())
            QSKIP("../shared/data is absent: the Jasper Ridge check is skipped");
        const std::string dir = specres::test::sharedDataDir() + "/jasper_ridge_pair";
        auto pair = RasterPair::open(dir + "/aviris_jasper.img", dir + "/aster_sim_jasper.tif");
        QVERIFY2(pair, pair.error().c_str());
        DatasetOptions options;
        options.sampleCount = 3000;
        auto split = buildPixelSplit(*pair, options);
        QVERIFY(split);
        auto data = prepareData(*pair, *split, PreprocessingOptions{});
        QVERIFY(data);
        auto result = runComparison(
            *data, {{"G", CovarianceType::Full}, {"DCGM", CovarianceType::Full}}, fastConfig());
        QVERIFY2(result, result.error().c_str());
        const MethodRun* g = find(*result, "G");
        const MethodRun* dcgm = find(*result, "DCGM");
        QVERIFY2(dcgm->evaluation.rmse < g->evaluation.rmse &&
                     *dcgm->evaluation.nll < *g->evaluation.nll,
                 qPrintable(QString("DCGM RMSE %1 NLL %2; G RMSE %3 NLL %4")
                                .arg(dcgm->evaluation.rmse)
                                .arg(*dcgm->evaluation.nll)
                                .arg(g->evaluation.rmse)
                                .arg(*g->evaluation.nll)));
    }

    void neighbourhoodMeanIsTheBlockAverage() {
        // Route 1: inspectPixel over a 3 × 3 block. Route 2: nine single-pixel reads averaged.
        for (auto [column, row, expected] : {std::tuple{20, 30, 9}, std::tuple{0, 0, 4}}) {
            auto block = inspectPixel(*pair_, column, row, nullptr, 3);
            QVERIFY2(block, block.error().c_str());
            QCOMPARE(block->averagedPixels, expected);
            Eigen::VectorXd sum = Eigen::VectorXd::Zero(pair_->high().bandCount());
            int count = 0;
            for (int y = row - 1; y <= row + 1; ++y) {
                for (int x = column - 1; x <= column + 1; ++x) {
                    if (x < 0 || y < 0) continue;
                    auto one = pair_->high().read(x, y, 1, 1);
                    QVERIFY(one);
                    sum += one->values.row(0).transpose();
                    ++count;
                }
            }
            const Eigen::VectorXd mean = sum / count;
            const Eigen::VectorXd normalised =
                (mean.array() - mean.minCoeff()) / (mean.maxCoeff() - mean.minCoeff());
            QVERIFY((block->measured - normalised).cwiseAbs().maxCoeff() < 1e-12);
            // And it differs from the centre pixel alone (the scene is noisy).
            auto single = inspectPixel(*pair_, column, row, nullptr, 1);
            QVERIFY((single->measured - block->measured).cwiseAbs().maxCoeff() > 1e-4);
        }
        QVERIFY(!inspectPixel(*pair_, 1, 1, nullptr, 4));
    }

    void projectRoundTrips() {
        const QString folder = dir_.filePath("project");
        QVERIFY(QDir().mkpath(folder + "/inputs"));
        Project project;
        project.title = "Cuprite test";
        project.highPath = (folder + "/inputs/high.tif").toStdString();
        project.lowPath = "/elsewhere/low.tif";
        project.pairOptions.resampling = Resampling::Bilinear;
        project.pairOptions.grid = PairGrid::Low;
        project.pairOptions.windowMinUm = 2.05;
        project.pairOptions.high.reflectanceScale = ReflectanceScale::Times10000;
        project.pairOptions.low.wavelengthCsvPath = (folder + "/inputs/aster.csv").toStdString();
        project.config = fastConfig();
        project.config.dataset.seed = 7;
        project.split = split_;
        const std::string modelPath = (folder + "/g.specres").toStdString();
        project.models = {{"G/full", modelPath}};
        project.currentModel = "G/full";
        project.pins = {{3, 4}, {50, 60}};
        project.neighbourhood = 5;
        project.view.sigma = ProjectView::Sigma::Two;
        project.view.matrix = ProjectView::Matrix::Precision;
        project.view.high = PanelView{true, 4, {10, 20, 30}};
        project.view.inspected = std::array<int, 2>{7, 8};
        ComparisonResult comparison;
        MethodRun run;
        run.spec = {"G", CovarianceType::Diagonal};
        run.evaluation.rmse = 0.125;
        run.evaluation.nll = -42.5;
        run.evaluation.testCount = 9;
        comparison.runs.push_back(run);
        project.comparison = comparison;

        const std::string path = (folder + "/session.specresproj").toStdString();
        QVERIFY(saveProject(project, path));
        std::ifstream in(path);
        const json stored = json::parse(in);
        QCOMPARE(stored.at("high").get<std::string>(), std::string("inputs/high.tif"));
        QCOMPARE(stored.at("low").get<std::string>(), std::string("/elsewhere/low.tif"));

        auto loaded = loadProject(path);
        QVERIFY2(loaded, loaded.error().c_str());
        QCOMPARE(loaded->title, project.title);
        QCOMPARE(loaded->highPath, project.highPath);
        QCOMPARE(loaded->lowPath, project.lowPath);
        QCOMPARE(loaded->pairOptions.low.wavelengthCsvPath,
                 project.pairOptions.low.wavelengthCsvPath);
        QVERIFY(loaded->pairOptions.resampling == Resampling::Bilinear);
        QVERIFY(loaded->pairOptions.grid == PairGrid::Low);
        QVERIFY(loaded->pairOptions.high.reflectanceScale == ReflectanceScale::Times10000);
        QCOMPARE(loaded->pairOptions.windowMinUm, 2.05);
        QCOMPARE(loaded->config.toJson(), project.config.toJson());
        QVERIFY(loaded->split && *loaded->split == split_);
        QCOMPARE(loaded->models.size(), std::size_t(1));
        QCOMPARE(loaded->models[0].path, modelPath);
        QCOMPARE(loaded->currentModel, project.currentModel);
        QVERIFY(loaded->pins == project.pins);
        QCOMPARE(loaded->neighbourhood, 5);
        QVERIFY(loaded->view == project.view);
        QVERIFY(loaded->comparison);
        QCOMPARE(comparisonCsv(*loaded->comparison), comparisonCsv(comparison));
        QVERIFY(!loaded->demo);

        // A demo-scene project records the scene's recipe, not only one machine's cache paths.
        Project demo = project;
        demo.demo = DemoSceneOptions{};
        demo.demo->seed = 9;
        demo.demo->width = 64;
        demo.demo->height = 48;
        demo.demo->lowResolutionFactor = 3;
        demo.demo->lowNoise = 0.01;
        demo.demo->libraryFolder = (folder + "/inputs/splib07").toStdString();
        const std::string demoPath = (folder + "/demo.specresproj").toStdString();
        QVERIFY(saveProject(demo, demoPath));
        auto demoLoaded = loadProject(demoPath);
        QVERIFY2(demoLoaded, demoLoaded.error().c_str());
        QVERIFY(demoLoaded->demo);
        QCOMPARE(demoLoaded->demo->seed, std::uint64_t(9));
        QCOMPARE(demoLoaded->demo->width, 64);
        QCOMPARE(demoLoaded->demo->height, 48);
        QCOMPARE(demoLoaded->demo->lowResolutionFactor, 3);
        QCOMPARE(demoLoaded->demo->lowNoise, 0.01);
        QCOMPARE(demoLoaded->demo->highNoise, DemoSceneOptions{}.highNoise);
        QCOMPARE(demoLoaded->demo->libraryFolder, demo.demo->libraryFolder);
        {
            std::ifstream demoIn(demoPath);
            json broken = json::parse(demoIn);
            broken["demo"]["width"] = 0;
            const std::string brokenDemo = (folder + "/bad-demo.specresproj").toStdString();
            std::ofstream(brokenDemo) << broken.dump();
            auto refused = loadProject(brokenDemo);
            QVERIFY(!refused);
            QVERIFY2(refused.error().find("demo scene") != std::string::npos,
                     refused.error().c_str());
        }

        // Gathering copies the model beside the project and points at the copy.
        {
            std::ofstream model(modelPath, std::ios::binary);
            model << "model bytes";
        }
        auto gathered = gatherProjectModels(project, path);
        QVERIFY2(gathered, gathered.error().c_str());
        QCOMPARE(project.models[0].path, (folder + "/session_models/G_full.specres").toStdString());
        std::ifstream copy(project.models[0].path);
        QCOMPARE(std::string((std::istreambuf_iterator<char>(copy)), {}),
                 std::string("model bytes"));

        // A newer format, a malformed file and a missing one are refused with their names.
        json newer = stored;
        newer["version"] = kProjectFormatVersion + 1;
        const std::string newerPath = (folder + "/newer.specresproj").toStdString();
        std::ofstream(newerPath) << newer.dump();
        auto refused = loadProject(newerPath);
        QVERIFY(!refused);
        QVERIFY(QString::fromStdString(refused.error()).contains("newer"));
        QVERIFY(QString::fromStdString(refused.error()).contains("newer.specresproj"));
        const std::string brokenPath = (folder + "/broken.specresproj").toStdString();
        std::ofstream(brokenPath) << stored.dump().substr(0, 200);
        QVERIFY(!loadProject(brokenPath));
        json wrongPins = stored;
        wrongPins["neighbourhood"] = 4;
        std::ofstream(brokenPath) << wrongPins.dump();
        QVERIFY(!loadProject(brokenPath));
        QVERIFY(!loadProject((folder + "/absent.specresproj").toStdString()));
    }

    void modelContextGuardsTheWavelengthGrid() {
        auto data = prepareData(*pair_, split_, PreprocessingOptions{true});
        QVERIFY(data);
        MethodEvaluation metrics;
        metrics.rmse = 0.01;
        const ModelContext context =
            ModelContext::fromData(*data, ExperimentConfig{}, metrics, "split.json");
        QVERIFY(context.checkMatches(data->lowWavelengthsUm, data->highWavelengthsUm, "m.specres"));
        std::vector<double> shifted = data->highWavelengthsUm;
        shifted[10] += 0.003;
        const Status moved = context.checkMatches(data->lowWavelengthsUm, shifted, "m.specres");
        QVERIFY(!moved);
        QVERIFY(QString::fromStdString(moved.error()).contains("channel 11"));
        shifted.pop_back();
        QVERIFY(!context.checkMatches(data->lowWavelengthsUm, shifted, "m.specres"));
        // Through the file boundary and back: the same grids, MNF and metrics.
        auto reread = ModelContext::fromJson(json::parse(context.toJson().dump()), "m.specres");
        QVERIFY2(reread, reread.error().c_str());
        QVERIFY(reread->mnf.has_value());
        QCOMPARE(reread->mnf->forward(data->testReflectance), data->test.y);
        QCOMPARE(reread->highWavelengthsUm, data->highWavelengthsUm);
        QCOMPARE(reread->testRmse, 0.01);
        QCOMPARE(reread->trainCount, data->split.train.size());
        QCOMPARE(reread->splitFile, std::string("split.json"));
    }

    void modelContextFieldsOfTheWrongTypeAreNamed() {
        auto data = prepareData(*pair_, split_, PreprocessingOptions{false});
        QVERIFY(data);
        const json good =
            ModelContext::fromData(*data, ExperimentConfig{}, MethodEvaluation{}, "").toJson();
        QVERIFY(ModelContext::fromJson(good, "m.specres"));
        // Each damaged field is refused with the file and the field in the message.
        const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
            {[](json& c) { c.erase("wavelengths_low_um"); }, "wavelengths_low_um"},
            {[](json& c) { c["wavelengths_high_um"] = "2.1, 2.2"; }, "wavelengths_high_um"},
            {[](json& c) { c["wavelengths_high_um"][3] = "x"; }, "wavelengths_high_um"},
            {[](json& c) { c["preprocessing"] = 3; }, "preprocessing"},
            {[](json& c) { c["preprocessing"]["mnf"] = "yes"; }, "preprocessing.mnf"},
            {[](json& c) { c["split"]["train"] = -4; }, "split.train"},
            {[](json& c) { c["split"]["file"] = 12; }, "split.file"},
            {[](json& c) { c["test_metrics"]["rmse"] = "low"; }, "test_metrics.rmse"},
            {[](json& c) { c["test_metrics"]["nll"] = json::array(); }, "test_metrics.nll"},
            {[](json& c) { c["config"]["preset"] = "turbo"; }, "turbo"},
            {[](json& c) {
                 c["recalibration"] = {{"covariance_scale", -2.0}};
             },
             "recalibration.covariance_scale"},
            {[](json& c) { c["recalibration"] = "2"; }, "\"recalibration\" must be an object"},
            // The scale law: missing, negative, NaN (null in JSON), unbalanced.
            {[](json& c) {
                 c["recalibration"] = {{"law", {{"scales", {1.0}}}}};
             },
             "recalibration.law\" must hold the arrays"},
            {[](json& c) {
                 c["recalibration"] = {{"law", {{"scales", {0.5, -1.0}}, {"weights", {0.5, 0.5}}}}};
             },
             "recalibration.law.scales[1]\" must be a positive number"},
            {[](json& c) {
                 c["recalibration"] = {
                     {"law", {{"scales", {0.5, 2.0}}, {"weights", {0.5, nullptr}}}}};
             },
             "recalibration.law.weights[1]\" must be a number in (0, 1]"},
            {[](json& c) {
                 c["recalibration"] = {{"law", {{"scales", {0.5, 2.0}}, {"weights", {0.5, 0.4}}}}};
             },
             "recalibration.law\": the weights sum to 0.9"},
            {[](json& c) {
                 c["recalibration"] = {{"law", {{"scales", {0.5, 2.0}}, {"weights", {1.0}}}}};
             },
             "as long as each other"},
            // Finite but beyond any covariance a map can hold: σ would be inf or 0 everywhere.
            {[](json& c) {
                 c["recalibration"] = {{"covariance_scale", 1e300}};
             },
             "recalibration.covariance_scale\": 1e+300 is outside"},
            {[](json& c) {
                 c["recalibration"] = {{"covariance_scale", 1e-300}};
             },
             "recalibration.covariance_scale\": 1e-300 is outside"},
            {[](json& c) {
                 c["config"]["calibration"] = {{"recalibrate", 1}};
             },
             "recalibrate"},
        };
        for (const auto& [damage, field] : cases) {
            json context = good;
            damage(context);
            auto read = ModelContext::fromJson(context, "m.specres");
            QVERIFY2(!read, field.c_str());
            QVERIFY2(read.error().find("m.specres") != std::string::npos, read.error().c_str());
            QVERIFY2(read.error().find(field) != std::string::npos, read.error().c_str());
        }
        // A file from before scale laws (one covariance_scale) loads as that Gaussian scale;
        // a law goes through the file and back as it was.
        json old = good;
        old["recalibration"] = {{"covariance_scale", 2.0}, {"how", "closed form"}};
        auto oldRead = ModelContext::fromJson(old, "old.specres");
        QVERIFY2(oldRead, oldRead.error().c_str());
        QVERIFY(oldRead->scaleLaw().isSingle());
        QCOMPARE(oldRead->scaleLaw().meanScale(), 2.0);
        ModelContext withLaw = *oldRead;
        withLaw.recalibration->law =
            *ScaleMixture::create(Eigen::Vector3d(0.3, 1.1, 4.0), Eigen::Vector3d(0.5, 0.4, 0.1));
        auto again = ModelContext::fromJson(withLaw.toJson(), "law.specres");
        QVERIFY2(again, again.error().c_str());
        QVERIFY(again->scaleLaw().scales() == withLaw.scaleLaw().scales());
        QVERIFY(again->scaleLaw().weights().isApprox(withLaw.scaleLaw().weights(), 1e-15));
    }

    void projectFieldsOfTheWrongTypeAreNamed() {
        const QString folder = dir_.filePath("typed");
        QVERIFY(QDir().mkpath(folder));
        Project project;
        project.highPath = "/data/high.tif";
        project.lowPath = "/data/low.tif";
        project.pins = {{1, 2}};
        const std::string path = (folder + "/p.specresproj").toStdString();
        QVERIFY(saveProject(project, path));
        std::ifstream in(path);
        const json stored = json::parse(in);
        const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
            {[](json& p) { p["high"] = 5; }, "\"high\" must be text"},
            {[](json& p) { p.erase("low"); }, "\"low\" is missing"},
            {[](json& p) { p["models"] = json::object(); }, "\"models\" must be a list"},
            {[](json& p) {
                 p["models"] = json::array({json{{"label", 1}}});
             },
             "models[0].label"},
            {[](json& p) { p["pins"] = json::array({json::array({1})}); }, "\"pins\""},
            {[](json& p) { p["current_model"] = false; }, "current_model"},
            {[](json& p) { p["neighbourhood"] = "three"; }, "neighbourhood"},
            {[](json& p) {
                 p["view"] = json{{"sigma", "two"}};
             },
             "view.sigma"},
            {[](json& p) {
                 p["view"] = json{{"sigma", 7}};
             },
             "view.sigma"},
            {[](json& p) {
                 p["view"] = json{{"matrix", 3}};
             },
             "view.matrix"},
            {[](json& p) {
                 p["view"] = json{{"tab", 9}};
             },
             "view.tab"},
            {[](json& p) {
                 p["view"] = json{{"high", {{"band", "red"}}}};
             },
             "view.high.band"},
            {[](json& p) {
                 p["view"] = json{{"low", {{"rgb", {1, 2}}}}};
             },
             "view.low.rgb"},
            {[](json& p) {
                 p["view"] = json{{"inspected", {-1, 2}}};
             },
             "view.inspected"},
            {[](json& p) { p["view"] = 12; }, "\"view\""},
        };
        const std::string broken = (folder + "/broken.specresproj").toStdString();
        for (const auto& [damage, field] : cases) {
            json document = stored;
            damage(document);
            std::ofstream(broken) << document.dump();
            auto read = loadProject(broken);
            QVERIFY2(!read, field.c_str());
            QVERIFY2(read.error().find("broken.specresproj") != std::string::npos,
                     read.error().c_str());
            QVERIFY2(read.error().find(field) != std::string::npos, read.error().c_str());
        }
    }

    void configurationFiles() {
        auto paper = experimentConfigFromJson(
            json{{"preset", "paper"}, {"methods", {{"DCGM", {{"dropout", 0.5}}}}}}, "c.json");
        QVERIFY(paper);
        QCOMPARE(paper->methodConfig("DCGM").at("batch_size").get<int>(), 4);
        QCOMPARE(paper->methodConfig("DCGM").at("dropout").get<double>(), 0.5);
        QCOMPARE(paper->methodConfig("GM").at("components").get<int>(), 30);
        QCOMPARE(paper->dataset.sampleCount, 10000);
        auto typo = experimentConfigFromJson(json{{"datset", {}}}, "c.json");
        QVERIFY(!typo);
        QVERIFY(QString::fromStdString(typo.error()).contains("unknown setting \"datset\""));
        QVERIFY(!experimentConfigFromJson(json{{"preset", "turbo"}}, "c.json"));
    }
};

QTEST_GUILESS_MAIN(ExperimentTest)
#include "test_experiment.moc"
