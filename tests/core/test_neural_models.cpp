// The DCGM and the VE: the loss against an explicit Gaussian, recovery of a known covariance,
// persistence, cancellation, and the VE's absent NLL.
#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "base/DeterministicRandom.h"
#include "metrics/Evaluation.h"
#include "models/GaussianDensity.h"
#include "neural/DeepConditionalGaussian.h"
#include "neural/ModelRegistry.h"
#include "neural/VariationalEncoder.h"

using namespace specres;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// y = A x + b + ε, ε ~ N(0, Σ*) with a dense Σ*: the DCGM's ideal answer is known exactly.
struct LinearGaussian {
    MatrixXd a;
    VectorXd b;
    MatrixXd sigma;
    SpectraSet sample(int count, DeterministicRandom& random) const {
        const MatrixXd l = sigma.llt().matrixL();
        SpectraSet s{MatrixXd(count, a.cols()), MatrixXd(count, a.rows())};
        for (int i = 0; i < count; ++i) {
            VectorXd x(a.cols()), e(a.rows());
            for (int j = 0; j < x.size(); ++j) x[j] = random.uniform(-1, 1);
            for (int j = 0; j < e.size(); ++j) e[j] = random.normal();
            s.x.row(i) = x.transpose();
            s.y.row(i) = (a * x + b + l * e).transpose();
        }
        return s;
    }
    double conditionalEntropy() const {  // ½ log det(2πe Σ*)
        return 0.5 * (sigma.rows() * (kLogTwoPi + 1.0) +
                      2.0 * MatrixXd(sigma.llt().matrixL()).diagonal().array().log().sum());
    }
};

LinearGaussian makeProblem(int inputs, int outputs, std::uint64_t seed) {
    DeterministicRandom random(seed);
    LinearGaussian p;
    p.a.resize(outputs, inputs);
    for (int i = 0; i < outputs; ++i)
        for (int j = 0; j < inputs; ++j) p.a(i, j) = random.normal() * 0.5;
    p.b = VectorXd::LinSpaced(outputs, 0.2, 0.8);
    // Smooth, strongly correlated noise, like neighbouring spectral channels.
    p.sigma.resize(outputs, outputs);
    for (int i = 0; i < outputs; ++i)
        for (int j = 0; j < outputs; ++j)
            p.sigma(i, j) =
                0.01 * (0.3 + 0.7 * std::exp(-std::abs(i - j) / 4.0)) * (1.0 + 0.02 * (i + j));
    return p;
}

DcgmConfig smallConfig() {
    DcgmConfig c;
    c.hiddenLayers = {64, 64};
    c.dropout = 0.0;
    c.meanActivation = MeanActivation::Identity;
    c.batchSize = 64;
    c.maxEpochs = 200;
    c.patience = 20;
    c.learningRate = 1e-3;
    c.seed = 3;
    return c;
}

VariationalEncoderConfig smallVeConfig(int maxEpochs) {
    VariationalEncoderConfig c;
    c.hiddenLayers = {64, 64};
    c.latentDimension = 8;
    c.outputActivation = MeanActivation::Identity;
    c.maxEpochs = maxEpochs;
    c.patience = 8;
    c.learningRate = 3e-3;
    return c;
}

MatrixXd meanPredictedCovariance(const ConditionalModel& model, const MatrixXd& x, int count) {
    MatrixXd sum = MatrixXd::Zero(model.outputDimension(), model.outputDimension());
    for (int i = 0; i < count; ++i) sum += model.predict(x.row(i).transpose()).covariances[0];
    return sum / count;
}

}  // namespace

class NeuralModelsTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    LinearGaussian problem_ = makeProblem(5, 20, 11);
    SpectraSet train_, validation_, test_;
    std::unique_ptr<DeepConditionalGaussianModel> full_;

private slots:
    void initTestCase() {
        DeterministicRandom random(12);
        train_ = problem_.sample(6000, random);
        validation_ = problem_.sample(2000, random);
        test_ = problem_.sample(2000, random);
        full_ = std::make_unique<DeepConditionalGaussianModel>(CovarianceType::Full, smallConfig());
        const Status fitted = full_->fit(train_, validation_, nullptr);
        QVERIFY2(fitted, fitted.error().c_str());
    }

    void lossEqualsTheExplicitGaussian() {
        // The NLL the network trains on (precision Cholesky, no inverse) against an Eigen
        // computation with Σ = (C Cᵀ)⁻¹ formed explicitly, its inverse and determinant.
        double explicitSum = 0.0;
        for (int i = 0; i < 20; ++i) {
            const VectorXd x = test_.x.row(i).transpose();
            const VectorXd y = test_.y.row(i).transpose();
            const auto form = full_->predictPrecision(x);
            const MatrixXd c = form.precisionFactor;
            QVERIFY(c.triangularView<Eigen::StrictlyLower>().toDenseMatrix().norm() >
                    1e-3);  // C2 is in use
            const MatrixXd sigma = (c * c.transpose()).inverse();
            const VectorXd r = y - form.mean;
            const double explicitNll = 0.5 * r.dot(sigma.inverse() * r) +
                                       0.5 * std::log(sigma.determinant()) +
                                       0.5 * y.size() * kLogTwoPi;
            explicitSum += explicitNll;
            const MatrixXd yRow = y.transpose();
            const double networkNll = -full_->predictBatch(x.transpose(), &yRow).logDensity[0];
            QVERIFY2(
                std::abs(networkNll - explicitNll) < 1e-4 * std::max(1.0, std::abs(explicitNll)),
                qPrintable(QString("network %1, explicit %2").arg(networkNll).arg(explicitNll)));
        }
        // The training loss itself (LibTorch, float32) on the same 20 spectra.
        const auto check = full_->checkLoss({test_.x.topRows(20), test_.y.topRows(20)});
        QVERIFY(check.gradientsFinite);
        QVERIFY2(
            std::abs(check.loss - explicitSum / 20) < 1e-4 * std::abs(explicitSum / 20),
            qPrintable(
                QString("training loss %1, explicit %2").arg(check.loss).arg(explicitSum / 20)));
    }

    void fullModelRecoversTheNoiseCovariance() {
        const MatrixXd predicted = meanPredictedCovariance(*full_, test_.x, 50);
        const double relative = (predicted - problem_.sigma).norm() / problem_.sigma.norm();
        QVERIFY2(relative < 0.15, qPrintable(QString("relative Frobenius error %1").arg(relative)));
        auto evaluation = evaluateModel(*full_, test_);
        QVERIFY(evaluation && evaluation->nll);
        const double entropy = problem_.conditionalEntropy();
        QVERIFY2(std::abs(*evaluation->nll - entropy) < 0.05 * std::abs(entropy),
                 qPrintable(QString("test NLL %1, true conditional entropy %2")
                                .arg(*evaluation->nll)
                                .arg(entropy)));
    }

    void diagonalModelMatchesTheDiagonalAndLosesLikelihood() {
        DeepConditionalGaussianModel diagonal(CovarianceType::Diagonal, smallConfig());
        QVERIFY(diagonal.fit(train_, validation_, nullptr));
        const MatrixXd predicted = meanPredictedCovariance(diagonal, test_.x, 50);
        QVERIFY((predicted - MatrixXd(predicted.diagonal().asDiagonal())).norm() < 1e-12);
        const VectorXd relative = (predicted.diagonal() - problem_.sigma.diagonal())
                                      .cwiseQuotient(problem_.sigma.diagonal());
        QVERIFY2(
            relative.cwiseAbs().maxCoeff() < 0.15,
            qPrintable(QString("worst variance error %1").arg(relative.cwiseAbs().maxCoeff())));
        auto diagonalEval = evaluateModel(diagonal, test_);
        auto fullEval = evaluateModel(*full_, test_);
        QVERIFY(*diagonalEval->nll > *fullEval->nll + 1.0);  // correlated noise ignored costs nats
    }

    void covarianceFineTuningLeavesTheMeanBitIdentical() {
        // full_ was fine-tuned in `covariance` mode (the default): its hidden layers and mean
        // decoder must be exactly those diagonal pre-training left, which are exactly those of
        // a diagonal model from the same seed (same initialisation, batches and loss).
        QVERIFY(full_->config().fineTuning == FineTuning::Covariance);
        DeepConditionalGaussianModel diagonal(CovarianceType::Diagonal, smallConfig());
        QVERIFY(diagonal.fit(train_, validation_, nullptr));
        auto meanPath = [](const nlohmann::json& parameters) {
            nlohmann::json kept = nlohmann::json::object();
            for (const auto& item : parameters.at("weights").items()) {
                if (item.key().rfind("trunk.", 0) == 0 || item.key().rfind("mean.", 0) == 0)
                    kept[item.key()] = item.value();
            }
            return kept;
        };
        const nlohmann::json fullMean = meanPath(full_->parameters());
        QCOMPARE(fullMean.size(), std::size_t(6));  // two hidden layers and μ, weight and bias
        QVERIFY(fullMean == meanPath(diagonal.parameters()));
        QVERIFY(full_->predictBatch(test_.x, nullptr).point ==
                diagonal.predictBatch(test_.x, nullptr).point);
        // and the covariance did move: C2 is in use and the likelihood is better.
        QVERIFY(*evaluateModel(*full_, test_)->nll < *evaluateModel(diagonal, test_)->nll - 1.0);

        // The paper's mode fine-tunes every weight: the mean moves.
        DcgmConfig all = smallConfig();
        all.fineTuning = FineTuning::All;
        DeepConditionalGaussianModel paper(CovarianceType::Full, all);
        QVERIFY(paper.fit(train_, validation_, nullptr));
        QVERIFY(meanPath(paper.parameters()) != fullMean);
        const auto phases = paper.fitSummary().details.at("phases");
        QCOMPARE(phases.back().at("phase").get<std::string>(), std::string("full fine-tuning"));
        QCOMPARE(full_->fitSummary().details.at("phases").back().at("phase").get<std::string>(),
                 std::string("covariance fine-tuning"));
    }

    void dropoutIsChosenByValidationAndStored() {
        DcgmConfig c = smallConfig();
        c.dropout = 0.7;  // replaced by the search's choice
        c.dropoutGrid = {0.5, 0.0};
        c.maxEpochs = 40;
        DeepConditionalGaussianModel model(CovarianceType::Diagonal, c);
        QVERIFY(model.fit(train_, validation_, nullptr));
        const auto search = model.fitSummary().details.at("dropout_search");
        const auto candidates = search.at("candidates");
        QCOMPARE(candidates.size(), std::size_t(2));
        QCOMPARE(candidates[0].at("dropout").get<double>(), 0.0);  // ascending order
        // The choice is the candidate with the lowest validation NLL, and the model is it.
        const double nll0 = candidates[0].at("validation_nll").get<double>();
        const double nll1 = candidates[1].at("validation_nll").get<double>();
        const double chosen = nll0 <= nll1 ? 0.0 : 0.5;
        QCOMPARE(search.at("chosen").get<double>(), chosen);
        QCOMPARE(model.config().dropout, chosen);
        // On this noise-only problem no regularisation wins, and the loser is given up once it
        // has trained as long as the winner did without catching up.
        QCOMPARE(chosen, 0.0);
        QVERIFY(candidates[1].at("epochs").get<int>() <= candidates[0].at("epochs").get<int>());
        // The stored network has the chosen architecture, so it loads and predicts the same.
        const std::string path = dir_.filePath("searched.specres").toStdString();
        QVERIFY(saveModel(model, path));
        auto loaded = loadModel(path);
        QVERIFY2(loaded, loaded.error().c_str());
        QVERIFY(loaded->model->predictBatch(test_.x, nullptr).point ==
                model.predictBatch(test_.x, nullptr).point);
    }

    void saveAndLoadGiveIdenticalPredictions() {
        const std::string path = dir_.filePath("dcgm.specres").toStdString();
        QVERIFY(saveModel(*full_, path, {{"purpose", "test"}}));
        auto loaded = loadModel(path);
        QVERIFY2(loaded, loaded.error().c_str());
        QCOMPARE(loaded->model->method(), std::string("DCGM"));
        const BatchPrediction a = full_->predictBatch(test_.x, &test_.y);
        const BatchPrediction b = loaded->model->predictBatch(test_.x, &test_.y);
        QVERIFY(a.point == b.point);
        QVERIFY(a.logDensity == b.logDensity);
        QVERIFY(a.stddev == b.stddev);
    }

    void modelFromAnotherConfigurationIsRefused() {
        const std::string path = dir_.filePath("other.specres").toStdString();
        QVERIFY(saveModel(*full_, path));
        auto document = readModelDocument(path);
        QVERIFY(document);
        (*document)["parameters"]["config"]["hidden_layers"] = std::vector<int>{32, 32};
        QVERIFY(writeModelDocument(path, *document));
        auto loaded = loadModel(path);
        QVERIFY(!loaded);
        QVERIFY2(QString::fromStdString(loaded.error()).contains("another configuration"),
                 loaded.error().c_str());
        QVERIFY(QString::fromStdString(loaded.error()).contains("other.specres"));
    }

    void cancelStopsPromptlyAndKeepsThePreviousModel() {
        const BatchPrediction before = full_->predictBatch(test_.x.topRows(10), nullptr);
        Feedback feedback;
        int epochs = 0;
        feedback.setEpochCallback([&](const EpochReport&) {
            if (++epochs == 2) feedback.cancel();
        });
        QElapsedTimer timer;
        timer.start();
        const Status status = full_->fit(train_, validation_, &feedback);
        QVERIFY(!status);
        QVERIFY(QString::fromStdString(status.error()).contains("cancelled"));
        QCOMPARE(epochs, 2);  // stopped within the next batch, not after another epoch
        QVERIFY(timer.elapsed() < 10000);
        QVERIFY(full_->predictBatch(test_.x.topRows(10), nullptr).point == before.point);
    }

    void epochsAreReported() {
        DcgmConfig c = smallConfig();
        c.maxEpochs = 3;
        DeepConditionalGaussianModel model(CovarianceType::Spherical, c);
        Feedback feedback;
        std::vector<EpochReport> reports;
        feedback.setEpochCallback([&](const EpochReport& r) { reports.push_back(r); });
        QVERIFY(model.fit(train_, validation_, &feedback));
        QCOMPARE(reports.size(), std::size_t(3));
        QVERIFY(reports[2].validationLoss < reports[0].validationLoss);
        QVERIFY(reports[2].trainRmse > 0 && std::isfinite(reports[2].validationRmse));
    }

    void divergenceIsAClearError() {
        DcgmConfig c = smallConfig();
        c.learningRate = 1e12;
        c.maxEpochs = 20;
        DeepConditionalGaussianModel model(CovarianceType::Full, c);
        const Status status = model.fit(train_, validation_, nullptr);
        QVERIFY(!status);
        QVERIFY2(QString::fromStdString(status.error()).contains("non-finite") ||
                     QString::fromStdString(status.error()).contains("diverged"),
                 status.error().c_str());
        QVERIFY(!model.isFitted());
    }

    void variationalEncoderHasNoDensity() {
        const VariationalEncoderConfig c = smallVeConfig(60);
        for (CovarianceType type : {CovarianceType::Spherical, CovarianceType::Full}) {
            VariationalEncoderModel ve(type, c);
            QVERIFY(ve.fit(train_, validation_, nullptr));
            QVERIFY(!ve.hasDensity());
            auto evaluation = evaluateModel(ve, test_);
            QVERIFY2(evaluation, evaluation.error().c_str());
            QVERIFY(!evaluation->nll.has_value());  // absent, not a made-up number
            QVERIFY(evaluation->spectrumNll.size() == 0);
            // It learns the mean map: far better than predicting the average spectrum.
            const double baseline =
                std::sqrt((test_.y.rowwise() - train_.y.colwise().mean()).array().square().mean());
            QVERIFY2(evaluation->rmse < 0.7 * baseline,
                     qPrintable(QString("VE RMSE %1 vs %2").arg(evaluation->rmse).arg(baseline)));
        }
    }

    // The default search is a line search along the ascending rates: it stops at the first rate
    // that does not beat the best so far. The chosen network is the one an exhaustive search
    // chooses when the loss has one minimum along the rates, trained the same way.
    void dropoutSearchStopsAtTheFirstRateThatLoses() {
        DcgmConfig c = smallConfig();
        c.dropoutGrid = {0.8, 0.0, 0.5};
        c.maxEpochs = 40;
        QVERIFY(c.dropoutSearchUntilWorse);
        DeepConditionalGaussianModel line(CovarianceType::Diagonal, c);
        QVERIFY(line.fit(train_, validation_, nullptr));
        const auto search = line.fitSummary().details.at("dropout_search");
        const auto candidates = search.at("candidates");
        QCOMPARE(search.at("rule").get<std::string>(), std::string("until_worse"));
        QCOMPARE(candidates.size(), std::size_t(3));
        // On this noise-only problem no regularisation wins: 0.5 loses, so 0.8 never trains.
        QCOMPARE(search.at("chosen").get<double>(), 0.0);
        QVERIFY(candidates[1].contains("epochs") && !candidates[1].contains("skipped"));
        QCOMPARE(candidates[2].at("dropout").get<double>(), 0.8);
        QVERIFY(candidates[2].at("skipped").get<bool>());
        QVERIFY(!candidates[2].contains("epochs"));

        c.dropoutSearchUntilWorse = false;
        DeepConditionalGaussianModel every(CovarianceType::Diagonal, c);
        QVERIFY(every.fit(train_, validation_, nullptr));
        const auto all = every.fitSummary().details.at("dropout_search");
        QCOMPARE(all.at("rule").get<std::string>(), std::string("exhaustive"));
        QVERIFY(!all.at("candidates")[2].contains("skipped"));
        QVERIFY(all.at("candidates")[2].at("epochs").get<int>() > 0);
        QCOMPARE(all.at("chosen").get<double>(), 0.0);
        QVERIFY(every.predictBatch(test_.x, nullptr).point ==
                line.predictBatch(test_.x, nullptr).point);

        // The rule is a setting of its own, checked where it is read.
        auto back = DcgmConfig::fromJson(c.toJson());
        QVERIFY2(back, back.error().c_str());
        QVERIFY(!back->dropoutSearchUntilWorse);
        nlohmann::json damaged = c.toJson();
        damaged["dropout_search"] = "sometimes";
        auto refused = DcgmConfig::fromJson(damaged);
        QVERIFY(!refused);
        QVERIFY2(refused.error().find("dropout_search") != std::string::npos,
                 refused.error().c_str());
        VariationalEncoderConfig ve;
        ve.dropoutSearchUntilWorse = false;
        auto veBack = VariationalEncoderConfig::fromJson(ve.toJson());
        QVERIFY2(veBack, veBack.error().c_str());
        QVERIFY(!veBack->dropoutSearchUntilWorse);
    }

    void variationalEncoderChoosesItsDropoutByValidationError() {
        VariationalEncoderConfig c = smallVeConfig(30);
        c.dropoutGrid = {0.3, 0.0};
        VariationalEncoderModel ve(CovarianceType::Full, c);
        QVERIFY(ve.fit(train_, validation_, nullptr));
        const auto search = ve.fitSummary().details.at("dropout_search");
        const auto candidates = search.at("candidates");
        QCOMPARE(candidates.size(), std::size_t(2));
        const double e0 = candidates[0].at("validation_squared_error").get<double>();
        const double e1 = candidates[1].at("validation_squared_error").get<double>();
        QCOMPARE(ve.config().dropout, e0 <= e1 ? 0.0 : 0.3);
        QCOMPARE(search.at("chosen").get<double>(), ve.config().dropout);
        // The kept network is the chosen one, and the validation pass is predict()'s route: the
        // recorded error is its predictions' error to the last bit (against y as the float
        // tensors training reads hold it, summed row by row in double).
        const MatrixXd p = ve.predictBatch(validation_.x, nullptr).point;
        const MatrixXd y = validation_.y.cast<float>().cast<double>();
        double error = 0.0;
        for (Eigen::Index i = 0; i < p.rows(); ++i) {
            double row = 0.0;
            for (Eigen::Index j = 0; j < p.cols(); ++j)
                row += (y(i, j) - p(i, j)) * (y(i, j) - p(i, j));
            error += row;
        }
        error /= double(p.rows());
        QCOMPARE(error, std::min(e0, e1));
    }

    void validationNllIsWhatThePredictionsScore() {
        // Early stopping reads the validation NLL. It goes through the inference route
        // (invariantDense), not LibTorch's GEMM, so no BLAS kernel or thread count decides an
        // epoch: the full model's last phase recorded the NLL that predictBatch scores its kept
        // weights at, up to the order of the C-products' sums.
        const auto phases = full_->fitSummary().details.at("phases");
        const double recorded = phases.back().at("best_validation_nll").get<double>();
        const MatrixXd y = validation_.y.cast<float>().cast<double>();
        const double scored = -full_->predictBatch(validation_.x, &y).logDensity.mean();
        QVERIFY2(std::abs(recorded - scored) < 1e-11 * std::abs(scored),
                 qPrintable(QString("%1 vs %2").arg(recorded, 0, 'g', 17).arg(scored, 0, 'g', 17)));
        // The same for a diagonal model, whose NLL has no lower part.
        DcgmConfig c = smallConfig();
        c.maxEpochs = 15;
        DeepConditionalGaussianModel diagonal(CovarianceType::Diagonal, c);
        QVERIFY(diagonal.fit(train_, validation_, nullptr));
        const double diagonalRecorded = diagonal.fitSummary()
                                            .details.at("phases")
                                            .back()
                                            .at("best_validation_nll")
                                            .get<double>();
        const double diagonalScored = -diagonal.predictBatch(validation_.x, &y).logDensity.mean();
        QVERIFY2(std::abs(diagonalRecorded - diagonalScored) < 1e-11 * std::abs(diagonalScored),
                 qPrintable(QString("%1 vs %2")
                                .arg(diagonalRecorded, 0, 'g', 17)
                                .arg(diagonalScored, 0, 'g', 17)));
    }

    void registryKnowsEveryMethod() {
        for (const auto& method : methodNames()) {
            auto model = createModel(method, CovarianceType::Diagonal);
            QVERIFY2(model, model.error().c_str());
            QCOMPARE((*model)->method(), method);
        }
        QVERIFY(!createModel("SVM", CovarianceType::Full));
        QVERIFY(!createModel("DCGM", CovarianceType::Full, {{"dropout", 1.5}}));
        QVERIFY(!createModel("DCGM", CovarianceType::Full, {{"dropout_grid", {0.1, 1.0}}}));
        auto mode = createModel("DCGM", CovarianceType::Full, {{"fine_tune", "means"}});
        QVERIFY(!mode);
        QVERIFY2(QString::fromStdString(mode.error()).contains("fine_tune"), mode.error().c_str());
    }
};

QTEST_GUILESS_MAIN(NeuralModelsTest)
#include "test_neural_models.moc"
