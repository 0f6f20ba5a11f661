// The experiment runner, the ranking of a comparison and the reflectance-space model: the seams
// that the CLI, the GUI and the writers share.
// LibTorch first: Qt's `slots` keyword macro must not reach its headers.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "TestRasters.h"
#include "experiment/ComparisonRanking.h"
#include "experiment/ExperimentRunner.h"
#include "results/ResultsWriter.h"
#include "models/GaussianDensity.h"
#include "neural/ModelRegistry.h"
#include "scene/DemoScene.h"

using namespace specres;
using nlohmann::json;

namespace {

MethodRun run(const std::string& method, CovarianceType covariance, double rmse,
              std::optional<double> nll) {
    MethodRun r;
    r.spec = {method, covariance};
    r.evaluation.rmse = rmse;
    r.evaluation.nll = nll;
    return r;
}

TTestRow tTest(const std::string& metric, const std::string& a, const std::string& b, double p) {
    TTestRow row;
    row.metric = metric;
    row.a = a;
    row.b = b;
    row.result.p = p;
    return row;
}

ExperimentConfig smallConfig() {
    ExperimentConfig config;
    config.dataset.sampleCount = 600;
    config.methods = json{
        {"DCGM", {{"hidden_layers", {16}}, {"dropout", 0.1}, {"max_epochs", 3}, {"patience", 2}}},
        {"GM", {{"components", 2}, {"restarts", 1}}}};
    return config;
}

}  // namespace

class ExperimentRunnerTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<RasterPair> pair_;

private slots:
    void initTestCase() {
        auto demo = test::writeDemoPair(dir_.filePath("demo").toStdString(), 48, 40);
        QVERIFY2(demo, demo.error().c_str());
        pair_ = std::move(demo->pair);
    }

    void rankingMarksBestAndTies() {
        ComparisonResult result;
        result.runs = {run("G", CovarianceType::Full, 0.030, -10.0),
                       run("VE", CovarianceType::Full, 0.020, std::nullopt),
                       run("DCGM", CovarianceType::Full, 0.021, -30.0),
                       run("G", CovarianceType::Diagonal, 0.050, -5.0),
                       run("DCGM", CovarianceType::Diagonal, 0.040, -4.0)};
        result.ttests = {tTest("rmse", "VE/full", "DCGM/full", 0.40),
                         tTest("rmse", "G/full", "VE/full", 0.001),
                         tTest("nll", "DCGM/full", "G/full", 0.01),
                         tTest("rmse", "G/diagonal", "DCGM/diagonal", 0.2)};
        const ComparisonRanking ranking(result);
        const auto& runs = result.runs;
        QCOMPARE(ranking.bestInBlock(CovarianceType::Full, RankedMetric::Rmse), &runs[1]);
        QCOMPARE(ranking.bestInBlock(CovarianceType::Full, RankedMetric::Nll), &runs[2]);
        QCOMPARE(ranking.bestInBlock(CovarianceType::Diagonal, RankedMetric::Nll), &runs[3]);
        QVERIFY(!ranking.bestInBlock(CovarianceType::Spherical, RankedMetric::Rmse));
        // DCGM/full's RMSE is not significantly worse than VE's (p = 0.40): a star.
        QVERIFY(ranking.standing(runs[2], RankedMetric::Rmse).tiedWithBest());
        QVERIFY(!ranking.standing(runs[0], RankedMetric::Rmse).tiedWithBest());
        QVERIFY(ranking.standing(runs[1], RankedMetric::Rmse).isBest);
        QVERIFY(!ranking.standing(runs[1], RankedMetric::Nll).hasValue);
        QVERIFY(ranking.standing(runs[4], RankedMetric::Rmse).isBest);
        QVERIFY(ranking.standing(runs[3], RankedMetric::Rmse).tiedWithBest());
        // The model put in use: the lowest NLL wins over a lower RMSE without a density.
        QCOMPARE(ranking.bestOverall(), &runs[2]);
        // Without any NLL, the lowest RMSE.
        ComparisonResult pointOnly;
        pointOnly.runs = {run("VE", CovarianceType::Full, 0.05, std::nullopt),
                          run("VE", CovarianceType::Diagonal, 0.04, std::nullopt)};
        QCOMPARE(ComparisonRanking(pointOnly).bestOverall(), &pointOnly.runs[1]);
        QVERIFY(!ComparisonRanking(ComparisonResult{}).bestOverall());

        // The paper's table reads the same ranking: bold on the bests, a star on the ties.
        const std::string table = comparisonTable(result, false);
        QVERIFY2(table.find("**0.0200**") != std::string::npos, table.c_str());
        QVERIFY2(table.find("0.0210*") != std::string::npos, table.c_str());
        QVERIFY2(table.find("**-30**") != std::string::npos, table.c_str());
        QVERIFY2(table.find("0.0300 |") != std::string::npos, table.c_str());  // no star
        QVERIFY2(table.find("0.0500*") != std::string::npos, table.c_str());
    }

    void runnerDrawsTheSplitAndNamesEveryReport() {
        ExperimentRequest request;
        request.config = smallConfig();
        request.methods = {{"G", CovarianceType::Full}, {"DCGM", CovarianceType::Diagonal}};
        std::vector<std::string> stages;
        std::vector<std::string> epochMethods;
        Feedback feedback([&](double, const std::string& stage) { stages.push_back(stage); });
        feedback.setEpochCallback(
            [&](const EpochReport& report) { epochMethods.push_back(report.method); });
        std::vector<std::string> saved;
        auto outcome = runExperiment(*pair_, request, &feedback,
                                     [&](const MethodRun& run, TrainedModel& model) -> Status {
                                         saved.push_back(model.label());
                                         if (model.label() != run.spec.label())
                                             return fail("the model is not the run's");
                                         return Status::success();
                                     });
        QVERIFY2(outcome, outcome.error().c_str());
        QCOMPARE(int(outcome->split.train.size()), 300);
        QCOMPARE(saved, (std::vector<std::string>{"G/full", "DCGM/diagonal"}));
        QVERIFY(!epochMethods.empty());
        for (const std::string& method : epochMethods)
            QCOMPARE(method, std::string("DCGM/diagonal"));
        bool sawG = false, sawDcgm = false;
        for (const std::string& stage : stages) {
            sawG = sawG || stage.rfind("G/full: ", 0) == 0;
            sawDcgm = sawDcgm || stage.rfind("DCGM/diagonal: ", 0) == 0;
        }
        QVERIFY(sawG && sawDcgm);
        // The fitted models carry their context; the runner's split came from the seed.
        const TrainedModel& g = outcome->comparison.models.front();
        QCOMPARE(g.context.trainCount, outcome->split.train.size());
        QCOMPARE(g.context.testRmse, outcome->comparison.runs.front().evaluation.rmse);

        // The same request with the split given: the same numbers (the runner is deterministic).
        ExperimentRequest again = request;
        again.split = outcome->split;
        auto second = runExperiment(*pair_, again);
        QVERIFY2(second, second.error().c_str());
        for (std::size_t i = 0; i < request.methods.size(); ++i) {
            QCOMPARE(second->comparison.runs[i].evaluation.rmse,
                     outcome->comparison.runs[i].evaluation.rmse);
            QCOMPARE(*second->comparison.runs[i].evaluation.nll,
                     *outcome->comparison.runs[i].evaluation.nll);
        }
        // A split for another grid is refused with the file's name.
        ExperimentRequest wrong = request;
        wrong.split = outcome->split;
        wrong.split->width = 7;
        wrong.splitPath = "other.json";
        auto refused = runExperiment(*pair_, wrong);
        QVERIFY(!refused);
        QVERIFY2(refused.error().find("other.json") != std::string::npos, refused.error().c_str());
    }

    void torchErrorDuringTrainingIsReportedNotThrown() {
        ExperimentRequest request;
        request.config = smallConfig();
        request.methods = {{"DCGM", CovarianceType::Full}};
        Feedback feedback;
        // A genuine LibTorch error raised inside the training loop (on the first epoch report).
        feedback.setEpochCallback([](const EpochReport&) {
            (void)torch::zeros({2, 3}).matmul(torch::zeros({2, 3}));
        });
        Result<ExperimentOutcome> outcome = fail("not run");
        bool escaped = false;
        try {
            outcome = runExperiment(*pair_, request, &feedback);
        } catch (...) {
            escaped = true;
        }
        QVERIFY(!escaped);
        QVERIFY(!outcome);
        QVERIFY2(outcome.error().find("DCGM/full") != std::string::npos, outcome.error().c_str());
        QVERIFY2(outcome.error().find("training failed") != std::string::npos,
                 outcome.error().c_str());
    }

    void modelsWithNonFiniteScoresAreNotKept() {
        MethodEvaluation evaluation;
        evaluation.rmse = 0.02;
        evaluation.nll = -40.0;
        QVERIFY(checkScoresFinite(evaluation, "G/full"));
        evaluation.nll = std::numeric_limits<double>::infinity();
        const Status infinite = checkScoresFinite(evaluation, "G/full");
        QVERIFY(!infinite);
        QVERIFY2(
            infinite.error().find("G/full: the test scores are not finite") != std::string::npos,
            infinite.error().c_str());
        evaluation.nll.reset();
        evaluation.rmse = std::nan("");
        QVERIFY(!checkScoresFinite(evaluation, "VE/full"));
    }

    void methodNamesAreCaseInsensitive() {
        auto spec = parseMethodSpec("dcgm", "Full");
        QVERIFY2(spec, spec.error().c_str());
        QCOMPARE(spec->label(), std::string("DCGM/full"));
        auto grid = parseMethodGrid("g, ugm", "diagonal,FULL");
        QVERIFY2(grid, grid.error().c_str());
        QCOMPARE(grid->size(), std::size_t(4));
        QCOMPARE((*grid)[1].label(), std::string("UGM/diagonal"));
        QCOMPARE((*grid)[2].label(), std::string("G/full"));
        QVERIFY(!parseMethodSpec("DCGN", "full"));
        QVERIFY(!parseMethodGrid("", "full"));
    }

    void reflectanceModelMatchesTheHandTransform() {
        // A joint Gaussian fitted in MNF space, predicted two ways: through ReflectanceModel,
        // and by transforming its MNF-space Gaussian back by hand.
        DatasetOptions options;
        options.sampleCount = 600;
        auto split = buildPixelSplit(*pair_, options);
        QVERIFY(split);
        auto data = prepareData(*pair_, *split, PreprocessingOptions{true});
        QVERIFY2(data, data.error().c_str());
        auto created = createModel("G", CovarianceType::Full);
        QVERIFY((*created)->fit(data->train, data->validation, nullptr));
        std::shared_ptr<const ConditionalModel> g = std::move(*created);
        const ReflectanceModel model(g, data->mnf);
        const Eigen::VectorXd x = data->test.x.row(3).transpose();
        auto predicted = model.predict(x);
        QVERIFY2(predicted, predicted.error().c_str());
        const PredictiveDistribution t = g->predict(x);
        const Eigen::MatrixXd& b = data->mnf->inverseMatrix();
        const Eigen::VectorXd mean = data->mnf->inverse(t.mean().transpose()).row(0).transpose();
        const Eigen::MatrixXd covariance = b * t.covariance() * b.transpose();
        QVERIFY((predicted->mean - mean).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((predicted->covariance - covariance).cwiseAbs().maxCoeff() <
                1e-12 * covariance.cwiseAbs().maxCoeff());
        // The batch route's log-density (with the Jacobian) equals the density of the
        // back-transformed Gaussian at the measured spectrum.
        const Eigen::MatrixXd y = data->testReflectance.topRows(4);
        auto batch = model.predictBatch(data->test.x.topRows(4), &y, true);
        QVERIFY2(batch, batch.error().c_str());
        auto direct = CholeskyGaussian::create(mean, covariance, "test");
        QVERIFY(direct);
        QVERIFY(std::abs(batch->logDensity[3] - direct->logDensity(y.row(3).transpose())) <
                1e-8 * std::abs(batch->logDensity[3]));
        QVERIFY(std::abs(batch->logDeterminant[3] - direct->logDeterminant()) < 1e-8);
        QVERIFY(std::abs(batch->trace[3] - covariance.trace()) < 1e-12);
        // The precision comes with the prediction (here by a Cholesky solve of Σ).
        const Eigen::MatrixXd identity = predicted->precision() * predicted->covariance;
        QVERIFY((identity - Eigen::MatrixXd::Identity(identity.rows(), identity.cols()))
                    .cwiseAbs()
                    .maxCoeff() < 1e-6);
        // A wrong input is a failure with the model's name, not an exception.
        auto wrong = model.predict(Eigen::VectorXd::Zero(3));
        QVERIFY(!wrong);
        QVERIFY2(wrong.error().find("G/full") != std::string::npos, wrong.error().c_str());
    }

    void dcgmPrecisionFactorIsPassedThrough() {
        // The DCGM predicts the precision's factor C: Σ⁻¹ = C Cᵀ must invert Σ.
        ExperimentRequest request;
        request.config = smallConfig();
        request.methods = {{"DCGM", CovarianceType::Full}};
        auto outcome = runExperiment(*pair_, request);
        QVERIFY2(outcome, outcome.error().c_str());
        const ReflectanceModel& model = outcome->comparison.models.front().reflectance;
        auto p = model.predict(Eigen::VectorXd::LinSpaced(5, 0.0, 1.0));
        QVERIFY2(p, p.error().c_str());
        QVERIFY(p->precisionFactor.size() > 0);
        QVERIFY(p->precisionFactor.isLowerTriangular());
        const Eigen::MatrixXd product = p->precision() * p->covariance;
        QVERIFY((product - Eigen::MatrixXd::Identity(product.rows(), product.cols()))
                    .cwiseAbs()
                    .maxCoeff() < 1e-6);
    }
};

QTEST_GUILESS_MAIN(ExperimentRunnerTest)
#include "test_experiment_runner.moc"
