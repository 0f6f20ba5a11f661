// The probabilistic baselines G, GM and UGM: closed forms, recovery, monotone EM, moments.
#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "base/DeterministicRandom.h"
#include "metrics/Evaluation.h"
#include "metrics/PairedTTest.h"
#include "models/ConditionalMixture.h"
#include "models/GaussianDensity.h"
#include "models/GaussianMixtureFit.h"
#include "models/MixtureBaselines.h"
#include "models/ModelFile.h"

using namespace specres;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

MatrixXd sampleGaussian(DeterministicRandom& random, const VectorXd& mean,
                        const MatrixXd& covariance, int count) {
    const MatrixXd L = covariance.llt().matrixL();
    MatrixXd out(count, mean.size());
    for (int i = 0; i < count; ++i) {
        VectorXd z(mean.size());
        for (int j = 0; j < mean.size(); ++j) z[j] = random.normal();
        out.row(i) = (mean + L * z).transpose();
    }
    return out;
}

// Three well-separated 4-D components (x: first 2 entries, y: last 2).
struct ThreeComponents {
    std::vector<double> weights{0.5, 0.3, 0.2};
    std::vector<VectorXd> means;
    std::vector<MatrixXd> covariances;
    MatrixXd data;
};

ThreeComponents threeComponents(int count, std::uint64_t seed) {
    ThreeComponents t;
    t.means = {(VectorXd(4) << 0, 0, 0, 0).finished(), (VectorXd(4) << 8, 0, 3, -2).finished(),
               (VectorXd(4) << 0, 9, -4, 5).finished()};
    MatrixXd a(4, 4), b(4, 4), c(4, 4);
    a << 1.0, 0.3, 0.2, 0.0, 0.3, 0.8, 0.1, 0.1, 0.2, 0.1, 0.6, 0.2, 0.0, 0.1, 0.2, 0.9;
    b << 0.5, -0.2, 0.0, 0.1, -0.2, 1.2, 0.3, 0.0, 0.0, 0.3, 0.7, -0.1, 0.1, 0.0, -0.1, 0.4;
    c << 0.9, 0.0, 0.4, 0.0, 0.0, 0.6, 0.0, 0.2, 0.4, 0.0, 1.1, 0.0, 0.0, 0.2, 0.0, 0.5;
    t.covariances = {a, b, c};
    DeterministicRandom random(seed);
    t.data.resize(count, 4);
    for (int i = 0; i < count; ++i) {
        const double u = random.uniform();
        const int k = u < 0.5 ? 0 : (u < 0.8 ? 1 : 2);
        t.data.row(i) = sampleGaussian(random, t.means[k], t.covariances[k], 1);
    }
    return t;
}

SpectraSet split(const MatrixXd& joint, int inputs) {
    return SpectraSet{joint.leftCols(inputs), joint.rightCols(joint.cols() - inputs)};
}

}  // namespace

class BaselinesTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void conditionalGaussianByHand() {
        // x is 1-D, y 2-D. Worked by hand:
        //   μ_y|x = [2, 3] + [1, 0.5]/2 · (x − 1);  Σ_y|x = [[3, .2], [.2, 1]] − [1, .5]ᵀ[1, .5]/2.
        JointMixture joint;
        joint.inputDimension = 1;
        joint.weights = VectorXd::Ones(1);
        joint.means = (MatrixXd(1, 3) << 1, 2, 3).finished();
        joint.covariances = {(MatrixXd(3, 3) << 2, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1).finished()};
        auto conditional = ConditionalMixture::create(joint);
        QVERIFY(conditional);
        const PredictiveDistribution p = conditional->predict(VectorXd::Constant(1, 2.0));
        QVERIFY((p.point - (VectorXd(2) << 2.5, 3.25).finished()).norm() < 1e-14);
        const MatrixXd expected = (MatrixXd(2, 2) << 2.5, -0.05, -0.05, 0.875).finished();
        QVERIFY((p.covariances[0] - expected).norm() < 1e-14);
    }

    void knownGaussianDensities() {
        auto unit = CholeskyGaussian::create(VectorXd::Zero(2), MatrixXd::Identity(2, 2), "unit");
        QVERIFY(std::abs(-unit->logDensity(VectorXd::Zero(2)) - kLogTwoPi) < 1e-14);
        auto scaled = CholeskyGaussian::create(VectorXd::Zero(2),
                                               (VectorXd(2) << 4, 1).finished().asDiagonal(), "d");
        // ½(2²/4 + 1²/1) + ½ log 4 + log 2π = 3.5310242469692907
        QVERIFY(std::abs(-scaled->logDensity((VectorXd(2) << 2, 1).finished()) -
                         3.5310242469692907) < 1e-12);
        // A full covariance, against the textbook route with an explicit inverse and determinant.
        const MatrixXd sigma =
            (MatrixXd(3, 3) << 2, 0.6, 0.1, 0.6, 1.5, -0.4, 0.1, -0.4, 0.9).finished();
        const VectorXd mu = (VectorXd(3) << 0.1, -0.2, 0.3).finished();
        const VectorXd y = (VectorXd(3) << 1.0, 0.5, -0.7).finished();
        const double textbook = -0.5 * (y - mu).dot(sigma.inverse() * (y - mu)) -
                                0.5 * std::log(sigma.determinant()) - 1.5 * kLogTwoPi;
        auto g = CholeskyGaussian::create(mu, sigma, "full");
        QVERIFY(std::abs(g->logDensity(y) - textbook) < 1e-12);
        QVERIFY(std::abs(g->logDensities(y.transpose())[0] - textbook) < 1e-12);
        QVERIFY(!CholeskyGaussian::create(mu, -sigma, "negative"));
    }

    void emRecoversThreeComponents() {
        const ThreeComponents truth = threeComponents(6000, 21);
        MixtureFitOptions options;
        options.components = 3;
        options.restarts = 3;
        options.tolerance = 1e-8;
        options.maxIterations = 500;
        MixtureFitReport report;
        auto fitted = fitGaussianMixture(truth.data, 2, options, nullptr, nullptr, &report);
        QVERIFY2(fitted, fitted.error().c_str());
        QVERIFY(report.converged);
        // Match components by weight: the true weights are 0.5, 0.3, 0.2.
        std::vector<int> order = {0, 1, 2};
        std::sort(order.begin(), order.end(),
                  [&](int a, int b) { return fitted->weights[a] > fitted->weights[b]; });
        for (int k = 0; k < 3; ++k) {
            const int f = order[k];
            QVERIFY2(std::abs(fitted->weights[f] - truth.weights[k]) < 0.03, "weight within 0.03");
            QVERIFY2((fitted->means.row(f).transpose() - truth.means[k]).norm() < 0.12,
                     "mean within 0.12");
            const double relative = (fitted->covariances[f] - truth.covariances[k]).norm() /
                                    truth.covariances[k].norm();
            QVERIFY2(relative < 0.12,
                     qPrintable(QString("covariance %1 off by %2").arg(k).arg(relative)));
        }
    }

    // The diagonal M-step takes its moments about the data's overall mean in two matrix
    // products. A tight cluster far from that mean (here (μ − x̄)² / σ² ≈ 10¹⁶ in one dimension,
    // as per-spectrum scaling pins a channel near 0 or 1) would lose every digit of its variance
    // that way: that dimension must be summed again about the cluster's own mean.
    void diagonalEmKeepsTheVarianceOfATightDistantCluster() {
        DeterministicRandom random(31);
        const int perCluster = 400;
        MatrixXd data(2 * perCluster, 2);
        for (int i = 0; i < 2 * perCluster; ++i) {
            const bool far = i >= perCluster;
            data(i, 0) = (far ? 10.0 : -10.0) + random.normal();
            data(i, 1) = far ? 1e4 + 1e-4 * random.normal() : random.normal();
        }
        for (CovarianceType type : {CovarianceType::Diagonal, CovarianceType::Spherical}) {
            MixtureFitOptions options;
            options.components = 2;
            options.restarts = 1;
            options.type = type;
            options.regularisation = 0.0;
            options.tolerance = 1e-12;
            auto fitted = fitGaussianMixture(data, 1, options);
            QVERIFY2(fitted, fitted.error().c_str());
            const int far = fitted->means(0, 1) > fitted->means(1, 1) ? 0 : 1;
            const MatrixXd own = data.bottomRows(perCluster);
            const Eigen::RowVectorXd mean = own.colwise().mean();
            const Eigen::RowVectorXd variance =
                (own.rowwise() - mean).array().square().colwise().mean();
            const VectorXd fittedVariance = fitted->covariances[far].diagonal();
            const double expected =
                type == CovarianceType::Diagonal ? variance[1] : variance.mean();
            const int column = type == CovarianceType::Diagonal ? 1 : 0;
            QVERIFY2(std::abs(fittedVariance[column] / expected - 1.0) < 1e-9,
                     qPrintable(QString("%1: variance %2 against %3")
                                    .arg(toString(type))
                                    .arg(fittedVariance[column], 0, 'g', 17)
                                    .arg(expected, 0, 'g', 17)));
            QVERIFY(std::abs(fitted->means(far, 1) - mean[1]) < 1e-9);
        }
    }

    void emLogLikelihoodNeverDecreases() {
        const ThreeComponents data = threeComponents(1500, 22);
        for (CovarianceType type :
             {CovarianceType::Spherical, CovarianceType::Diagonal, CovarianceType::Full}) {
            MixtureFitOptions options;
            options.components = 6;  // more than needed, so EM has work to do
            options.restarts = 1;
            options.type = type;
            options.tolerance = 1e-10;
            options.maxIterations = 200;
            options.regularisation = 1e-12;
            MixtureFitReport report;
            auto fitted = fitGaussianMixture(data.data, 2, options, nullptr, nullptr, &report);
            QVERIFY2(fitted, fitted.error().c_str());
            QVERIFY(report.history.size() > 5);
            for (std::size_t i = 1; i < report.history.size(); ++i) {
                QVERIFY2(
                    report.history[i] >= report.history[i - 1] - 1e-9,
                    qPrintable(QString("%1: iteration %2 lowered the log-likelihood from %3 to %4")
                                   .arg(toString(type))
                                   .arg(i)
                                   .arg(report.history[i - 1], 0, 'g', 15)
                                   .arg(report.history[i], 0, 'g', 15)));
            }
        }
    }

    void ugmMomentsMatchMonteCarlo() {
        const ThreeComponents data = threeComponents(3000, 23);
        MixtureFitOptions options;
        options.components = 3;
        options.restarts = 1;
        UnimodalMixtureModel ugm(CovarianceType::Full, options);
        GaussianMixtureModel gm(CovarianceType::Full, options);
        const SpectraSet train = split(data.data, 2);
        QVERIFY(ugm.fit(train, {}, nullptr));
        QVERIFY(gm.fit(train, {}, nullptr));
        // An x between two components, so the conditional mixture is truly bimodal.
        const VectorXd x = (VectorXd(2) << 4.0, 4.5).finished();
        const PredictiveDistribution mixture = gm.predict(x);
        QVERIFY(mixture.weights.maxCoeff() < 0.999);
        DeterministicRandom random(5);
        const int samples = 400000;
        VectorXd sum = VectorXd::Zero(2);
        MatrixXd outer = MatrixXd::Zero(2, 2);
        for (int i = 0; i < samples; ++i) {
            double u = random.uniform();
            int k = 0;
            while (k + 1 < int(mixture.weights.size()) && u > mixture.weights[k])
                u -= mixture.weights[k++];
            const VectorXd y = sampleGaussian(random, mixture.means[k], mixture.covariances[k], 1)
                                   .row(0)
                                   .transpose();
            sum += y;
            outer += y * y.transpose();
        }
        const VectorXd mcMean = sum / samples;
        const MatrixXd mcCovariance = outer / samples - mcMean * mcMean.transpose();
        const PredictiveDistribution collapsed = ugm.predict(x);
        QCOMPARE(collapsed.means.size(), std::size_t(1));
        QVERIFY2((collapsed.means[0] - mcMean).norm() < 0.02, "UGM mean = Monte-Carlo mean");
        QVERIFY2((collapsed.covariances[0] - mcCovariance).norm() / mcCovariance.norm() < 0.02,
                 "UGM covariance = Monte-Carlo covariance");
        // The batched route agrees with the single-spectrum one.
        const BatchPrediction batch = ugm.predictBatch(x.transpose(), nullptr);
        QVERIFY((batch.point.row(0).transpose() - collapsed.means[0]).norm() < 1e-12);
        QVERIFY((batch.stddev.row(0).transpose() - collapsed.covariances[0].diagonal().cwiseSqrt())
                    .norm() < 1e-12);
    }

    void ugmCollapsesGmsMixtureToTheBit() {
        // UGM reads the conditional mixture's moments from the model in place; they must be
        // the very numbers of GM's predictive mixture collapsed by PredictiveDistribution.
        const ThreeComponents data = threeComponents(1500, 26);
        const SpectraSet train = split(data.data, 2);
        const MatrixXd xs = (MatrixXd(4, 2) << 4.0, 4.5, 0.1, -0.2, 7.5, 0.3, 1.0, 8.0).finished();
        for (CovarianceType type :
             {CovarianceType::Spherical, CovarianceType::Diagonal, CovarianceType::Full}) {
            MixtureFitOptions options;
            options.components = 3;
            options.restarts = 1;
            UnimodalMixtureModel ugm(type, options);
            GaussianMixtureModel gm(type, options);
            QVERIFY(ugm.fit(train, {}, nullptr));
            QVERIFY(gm.fit(train, {}, nullptr));
            const MatrixXd ys = xs.rowwise().reverse();
            const BatchPrediction batch = ugm.predictBatch(xs, &ys);
            for (Eigen::Index i = 0; i < xs.rows(); ++i) {
                const PredictiveDistribution mixture = gm.predict(xs.row(i).transpose());
                const MatrixXd full = mixture.covariance();
                const MatrixXd expected =
                    type == CovarianceType::Full ? full
                    : type == CovarianceType::Diagonal
                        ? MatrixXd(full.diagonal().asDiagonal())
                        : MatrixXd(MatrixXd::Identity(2, 2) * full.diagonal().mean());
                const PredictiveDistribution collapsed = ugm.predict(xs.row(i).transpose());
                QVERIFY2(collapsed.means[0] == mixture.mean(), toString(type));
                QVERIFY2(collapsed.covariances[0] == expected, toString(type));
                // The batch sums the same terms in another order: equal to rounding.
                QVERIFY((batch.point.row(i).transpose() - collapsed.means[0]).norm() < 1e-12);
                QVERIFY((batch.stddev.row(i).transpose() -
                         collapsed.covariances[0].diagonal().cwiseSqrt())
                            .norm() < 1e-12);
                const double direct = collapsed.logDensity(ys.row(i).transpose());
                QVERIFY2(std::abs(batch.logDensity[i] - direct) < 1e-9 * std::abs(direct),
                         qPrintable(QString("%1 vs %2").arg(batch.logDensity[i]).arg(direct)));
            }
        }
    }

    void singleComponentMixtureEqualsG() {
        const ThreeComponents data = threeComponents(800, 24);
        const SpectraSet train = split(data.data, 2);
        for (CovarianceType type :
             {CovarianceType::Spherical, CovarianceType::Diagonal, CovarianceType::Full}) {
            MixtureFitOptions options;
            options.components = 1;
            options.restarts = 1;
            GaussianMixtureModel gm(type, options);
            JointGaussianModel g(type, options.regularisation);
            QVERIFY(gm.fit(train, {}, nullptr));
            QVERIFY(g.fit(train, {}, nullptr));
            QVERIFY((gm.jointMixture().means - g.jointMixture().means).norm() < 1e-10);
            QVERIFY((gm.jointMixture().covariances[0] - g.jointMixture().covariances[0]).norm() <
                    1e-10);
            const BatchPrediction a = gm.predictBatch(train.x, &train.y);
            const BatchPrediction b = g.predictBatch(train.x, &train.y);
            QVERIFY((a.point - b.point).norm() < 1e-9);
            QVERIFY((a.logDensity - b.logDensity).norm() < 1e-9);
        }
    }

    void diagonalAndSphericalGIgnoreX() {
        const ThreeComponents data = threeComponents(500, 25);
        const SpectraSet train = split(data.data, 2);
        JointGaussianModel diagonal(CovarianceType::Diagonal), spherical(CovarianceType::Spherical),
            full(CovarianceType::Full);
        QVERIFY(diagonal.fit(train, {}, nullptr) && spherical.fit(train, {}, nullptr) &&
                full.fit(train, {}, nullptr));
        const BatchPrediction d = diagonal.predictBatch(train.x, nullptr);
        const BatchPrediction s = spherical.predictBatch(train.x, nullptr);
        const VectorXd meanY = train.y.colwise().mean().transpose();
        for (int i = 0; i < 10; ++i) {
            QVERIFY((d.point.row(i).transpose() - meanY).norm() < 1e-12);
            QVERIFY((s.point.row(i).transpose() - meanY).norm() < 1e-12);
        }
        // Full G does use x, and so predicts better on data where y depends on x.
        auto fullEval = evaluateModel(full, train);
        auto diagonalEval = evaluateModel(diagonal, train);
        QVERIFY(fullEval->rmse < diagonalEval->rmse);
        QCOMPARE(evaluateModel(spherical, train)->rmse, diagonalEval->rmse);
    }

    void mixtureBeatsOneGaussianOnMultimodalData() {
        const ThreeComponents data = threeComponents(4000, 26);
        const SpectraSet train = split(data.data.topRows(3000), 2);
        const SpectraSet test = split(data.data.bottomRows(1000), 2);
        MixtureFitOptions options;
        options.components = 3;
        GaussianMixtureModel gm(CovarianceType::Full, options);
        JointGaussianModel g(CovarianceType::Full);
        QVERIFY(gm.fit(train, test, nullptr));
        QVERIFY(g.fit(train, test, nullptr));
        auto gmEval = evaluateModel(gm, test);
        auto gEval = evaluateModel(g, test);
        QVERIFY2(*gmEval->nll < *gEval->nll - 0.2,
                 qPrintable(QString("NLL GM %1, G %2").arg(*gmEval->nll).arg(*gEval->nll)));
        QVERIFY(gmEval->rmse < gEval->rmse);
        // A well-specified model is calibrated: about 68 % and 95 % of values inside ±1σ, ±2σ.
        QVERIFY(std::abs(gmEval->coverage1Sigma - 0.683) < 0.04);
        QVERIFY(std::abs(gmEval->coverage2Sigma - 0.954) < 0.03);
    }

    void validationChoosesARidgeThatGeneralises() {
        // Few spectra per component in 14 dimensions: a 1e-6 ridge leaves the components
        // nearly singular and the conditional overconfident on new data.
        DeterministicRandom random(31);
        const int inputs = 4, outputs = 10;
        MatrixXd a = MatrixXd::Zero(outputs, inputs);
        for (int i = 0; i < outputs; ++i)
            for (int j = 0; j < inputs; ++j) a(i, j) = std::sin(1.0 + i + 3 * j);
        auto sample = [&](int count) {
            MatrixXd joint(count, inputs + outputs);
            for (int r = 0; r < count; ++r) {
                VectorXd x(inputs), y(outputs);
                for (int j = 0; j < inputs; ++j) x[j] = random.normal();
                y = (a * x).array().tanh().matrix();
                for (int j = 0; j < outputs; ++j) y[j] += 0.3 * random.normal();
                joint.row(r) << x.transpose(), y.transpose();
            }
            return split(joint, inputs);
        };
        const SpectraSet train = sample(240), validation = sample(400), test = sample(1000);
        MixtureFitOptions options;
        options.components = 12;
        options.restarts = 1;
        GaussianMixtureModel fixed(CovarianceType::Full, options, false);
        GaussianMixtureModel chosen(CovarianceType::Full, options, true);
        QVERIFY(fixed.fit(train, validation, nullptr));
        QVERIFY(chosen.fit(train, validation, nullptr));
        QCOMPARE(chosen.fitSummary().details.at("regularisation_candidates").size(),
                 std::size_t(5));
        const double fixedNll = *evaluateModel(fixed, test)->nll;
        const double chosenNll = *evaluateModel(chosen, test)->nll;
        QVERIFY2(
            chosenNll < fixedNll - 1.0,
            qPrintable(
                QString("chosen ridge NLL %1, fixed 1e-6 NLL %2").arg(chosenNll).arg(fixedNll)));
    }

    void ugmReusesGmFitsThroughASharedCache() {
        // GM and UGM choose their ridge by their own validation NLL from the same five joint
        // mixtures: with a shared cache UGM fits none of them, and ends exactly where a UGM
        // fitted alone does.
        DeterministicRandom random(37);
        auto sample = [&](int count) {
            MatrixXd joint(count, 5);
            for (int r = 0; r < count; ++r) {
                const double x = random.normal(), z = random.normal();
                joint.row(r) << x, z, std::tanh(x + z), std::sin(x) + 0.1 * random.normal(),
                    x * z + 0.1 * random.normal();
            }
            return split(joint, 2);
        };
        const SpectraSet train = sample(300), validation = sample(200), test = sample(200);
        MixtureFitOptions options;
        options.components = 4;
        options.restarts = 2;
        const auto cache = std::make_shared<MixtureFitCache>();
        GaussianMixtureModel gm(CovarianceType::Full, options, true);
        UnimodalMixtureModel shared(CovarianceType::Full, options, true);
        UnimodalMixtureModel alone(CovarianceType::Full, options, true);
        gm.shareFits(cache);
        shared.shareFits(cache);
        QVERIFY(gm.fit(train, validation, nullptr));
        QCOMPARE(cache->hits(), 0);
        QVERIFY(shared.fit(train, validation, nullptr));
        QCOMPARE(cache->hits(), 5);  // every ridge candidate
        QVERIFY(alone.fit(train, validation, nullptr));
        const JointMixture& a = shared.jointMixture();
        const JointMixture& b = alone.jointMixture();
        QCOMPARE(a.weights, b.weights);
        QCOMPARE(a.means, b.means);
        for (int k = 0; k < a.components(); ++k) QCOMPARE(a.covariances[k], b.covariances[k]);
        QCOMPARE(*evaluateModel(shared, test)->nll, *evaluateModel(alone, test)->nll);
        QCOMPARE(shared.fitSummary().details.at("regularisation"),
                 alone.fitSummary().details.at("regularisation"));
        // A different option is a different fit.
        MixtureFitOptions other = options;
        other.seed = 2;
        UnimodalMixtureModel reseeded(CovarianceType::Full, other, true);
        reseeded.shareFits(cache);
        QVERIFY(reseeded.fit(train, validation, nullptr));
        QCOMPARE(cache->hits(), 5);
    }

    void metricsOnAHandExample() {
        BatchPrediction p;
        p.point = (MatrixXd(2, 2) << 1, 2, 3, 4).finished();
        p.mean = p.point;
        p.stddev = MatrixXd::Constant(2, 2, 1.0);
        p.logDensity = (VectorXd(2) << -1.0, -3.0).finished();
        const MatrixXd truth = (MatrixXd(2, 2) << 1, 4, 3, 4.5).finished();
        const MethodEvaluation e = summarisePredictions("X", CovarianceType::Full, p, truth);
        QVERIFY(std::abs(e.rmse - std::sqrt((0 + 4 + 0 + 0.25) / 4.0)) < 1e-15);
        QVERIFY(std::abs(e.spectrumRmse[0] - std::sqrt(2.0)) < 1e-15);
        QCOMPARE(*e.nll, 2.0);
        QCOMPARE(e.coverage1Sigma, 0.75);  // one error of 2 falls outside ±1σ
        QCOMPARE(e.coverage2Sigma, 1.0);
    }

    void pairedTTests() {
        QVERIFY(std::abs(twoSidedStudentP(2.0, 10) - 0.07338803477074039) < 1e-12);
        auto simple = pairedTTest((VectorXd(5) << 1, 2, 3, 4, 5).finished(), VectorXd::Zero(5));
        QVERIFY(simple);
        QVERIFY(std::abs(simple->t - 4.242640687119285) < 1e-12);
        QCOMPARE(simple->degreesOfFreedom, 4.0);
        QVERIFY(std::abs(simple->p - 0.013235599563682695) < 1e-12);
        auto real = pairedTTest((VectorXd(6) << 0.31, 0.28, 0.35, 0.30, 0.29, 0.33).finished(),
                                (VectorXd(6) << 0.30, 0.27, 0.31, 0.30, 0.26, 0.30).finished());
        QVERIFY(std::abs(real->t - 3.162277660168381) < 1e-9);
        QVERIFY(std::abs(real->p - 0.025031015818452913) < 1e-9);
        auto same = pairedTTest(VectorXd::Ones(4), VectorXd::Ones(4));
        QCOMPARE(same->t, 0.0);
        QCOMPARE(same->p, 1.0);
        QVERIFY(!pairedTTest(VectorXd::Ones(3), VectorXd::Ones(4)));
    }

    void modelFilesRoundTripAndRefuseDamage() {
        const ThreeComponents data = threeComponents(1000, 27);
        const SpectraSet train = split(data.data, 2);
        MixtureFitOptions options;
        options.components = 3;
        GaussianMixtureModel gm(CovarianceType::Full, options);
        QVERIFY(gm.fit(train, {}, nullptr));
        const std::string path = dir_.filePath("gm.specres").toStdString();
        QVERIFY(saveModel(gm, path, {{"note", "test"}}));
        auto loaded = loadModelWith(path, createBaselineModel);
        QVERIFY2(loaded, loaded.error().c_str());
        QCOMPARE(loaded->model->method(), std::string("GM"));
        QCOMPARE(loaded->context.at("note").get<std::string>(), std::string("test"));
        const BatchPrediction a = gm.predictBatch(train.x, &train.y);
        const BatchPrediction b = loaded->model->predictBatch(train.x, &train.y);
        QVERIFY(a.point == b.point);  // bit for bit
        QVERIFY(a.logDensity == b.logDensity);

        std::ifstream in(path, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
        auto writeVariant = [&](const char* name, std::vector<char> content) {
            const std::string p = dir_.filePath(name).toStdString();
            std::ofstream(p, std::ios::binary)
                .write(content.data(), std::streamsize(content.size()));
            return p;
        };
        auto expectRefusal = [&](const std::string& p, const char* words) {
            auto r = loadModelWith(p, createBaselineModel);
            QVERIFY(!r);
            QVERIFY2(QString::fromStdString(r.error()).contains(words), r.error().c_str());
            QVERIFY(QString::fromStdString(r.error()).contains(
                QString::fromStdString(std::filesystem::path(p).filename().string())));
        };
        expectRefusal(writeVariant("short.specres", {bytes.begin(), bytes.end() - 100}),
                      "truncated");
        auto tampered = bytes;
        tampered[bytes.size() / 2] ^= 0x40;
        expectRefusal(writeVariant("tampered.specres", tampered), "checksum");
        auto newer = bytes;
        newer[8] = 99;
        expectRefusal(writeVariant("newer.specres", newer), "newer");
        expectRefusal(writeVariant("other.specres", {'G', 'I', 'F', '8', '9', 'a'}),
                      "not a SpecRes model");
    }

    void fitRefusesBadData() {
        GaussianMixtureModel gm(CovarianceType::Full);
        SpectraSet bad{MatrixXd::Ones(10, 2), MatrixXd::Ones(10, 3)};
        bad.y(3, 1) = std::nan("");
        const Status status = gm.fit(bad, {}, nullptr);
        QVERIFY(!status);
        QVERIFY(QString::fromStdString(status.error()).contains("NaN"));
        QVERIFY(!gm.isFitted());
    }

    void cancelledFitLeavesTheModelAsItWas() {
        const ThreeComponents data = threeComponents(600, 28);
        MixtureFitOptions options;
        options.components = 3;
        GaussianMixtureModel gm(CovarianceType::Full, options);
        QVERIFY(gm.fit(split(data.data, 2), {}, nullptr));
        const MatrixXd before = gm.jointMixture().means;
        Feedback feedback;
        feedback.cancel();
        const Status status = gm.fit(split(data.data.topRows(300), 2), {}, &feedback);
        QVERIFY(!status);
        QVERIFY(QString::fromStdString(status.error()).contains("cancelled"));
        QVERIFY(gm.jointMixture().means == before);
    }
};

QTEST_GUILESS_MAIN(BaselinesTest)
#include "test_baselines.moc"
