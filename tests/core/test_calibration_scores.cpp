// Proper scores, calibration and recalibration against closed forms, independent Monte Carlo
// and data drawn from the very distribution a model predicts.
#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <random>

#include "KnownModel.h"
#include "base/DeterministicRandom.h"
#include "metrics/CalibrationScores.h"
#include "metrics/CrpsPairTable.h"
#include "metrics/ProbabilisticScores.h"
#include "models/GaussianDensity.h"
#include "models/MixtureBaselines.h"

using namespace specres;
using Eigen::MatrixXd;
using Eigen::VectorXd;

using namespace specres::testing;

namespace {

// ∫ (F(t) − 1{t ≥ y})² dt, the CRPS's definition, by Simpson's rule on each side of the step
// at y: ∫ F² below y plus ∫ (1 − F)² above.
template <typename Cdf>
double crpsByIntegration(double y, Cdf cdf, double from, double to) {
    auto simpson = [](auto f, double a, double b) {
        const int steps = 100000;  // even
        const double h = (b - a) / steps;
        double sum = f(a) + f(b);
        for (int i = 1; i < steps; ++i) sum += (i % 2 ? 4.0 : 2.0) * f(a + i * h);
        return sum * h / 3.0;
    };
    return simpson([&](double t) { return cdf(t) * cdf(t); }, from, y) +
           simpson([&](double t) { return (1.0 - cdf(t)) * (1.0 - cdf(t)); }, y, to);
}

// Equal to the bit (QCOMPARE on doubles forgives a relative 1e-12).
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

class CalibrationScoresTest : public QObject {
    Q_OBJECT

private slots:
    void gaussianCrpsMatchesItsDefinitionAndMonteCarlo() {
        for (auto [y, mu, sigma] :
             {std::tuple{0.3, 0.1, 0.2}, std::tuple{-1.0, 0.5, 0.3}, std::tuple{2.0, 2.0, 1.5}}) {
            const double closed = gaussianCrps(y, mu, sigma);
            const double integral = crpsByIntegration(
                y, [&](double t) { return standardNormalCdf((t - mu) / sigma); }, mu - 12 * sigma,
                mu + 12 * sigma + std::abs(y - mu));
            QVERIFY2(std::abs(closed - integral) < 1e-6,
                     qPrintable(QString("closed %1, integral %2").arg(closed).arg(integral)));
            // CRPS = E|X − y| − ½ E|X − X′|, from an independent generator.
            std::mt19937_64 engine(42);
            std::normal_distribution<double> normal(mu, sigma);
            const int draws = 400000;
            double first = 0.0, second = 0.0;
            for (int i = 0; i < draws; ++i) {
                const double a = normal(engine), b = normal(engine);
                first += std::abs(a - y);
                second += std::abs(a - b);
            }
            const double monteCarlo = first / draws - 0.5 * second / draws;
            QVERIFY2(std::abs(closed - monteCarlo) < 4e-3 * sigma,
                     qPrintable(QString("closed %1, Monte Carlo %2").arg(closed).arg(monteCarlo)));
        }
        QCOMPARE(gaussianCrps(0.7, 0.2, 0.0), 0.5);  // a point forecast: the absolute error
    }

    void mixtureCrpsMatchesItsDefinition() {
        const VectorXd w = (VectorXd(3) << 0.2, 0.5, 0.3).finished();
        const VectorXd mu = (VectorXd(3) << -1.0, 0.4, 2.0).finished();
        const VectorXd sigma = (VectorXd(3) << 0.3, 0.8, 0.2).finished();
        for (double y : {-1.2, 0.0, 1.7, 5.0}) {
            const double closed = mixtureCrps(y, w, mu, sigma);
            const double integral = crpsByIntegration(
                y, [&](double t) { return mixtureCdf(t, w, mu, sigma); }, -12.0, 14.0);
            QVERIFY2(std::abs(closed - integral) < 1e-6,
                     qPrintable(
                         QString("y %1: closed %2, integral %3").arg(y).arg(closed).arg(integral)));
        }
        // One component is the Gaussian formula.
        QVERIFY(std::abs(mixtureCrps(0.3, VectorXd::Ones(1), VectorXd::Constant(1, 0.1),
                                     VectorXd::Constant(1, 0.2)) -
                         gaussianCrps(0.3, 0.1, 0.2)) < 1e-14);
    }

    void energyScoreOfAGaussianMatchesAnIndependentEstimate() {
        const int n = 6;
        const MatrixXd sigma = correlatedCovariance(n, 0.04);
        const MatrixXd l = sigma.llt().matrixL();
        const VectorXd mu = VectorXd::LinSpaced(n, 0.2, 0.5);
        const VectorXd y = mu + VectorXd::Constant(n, 0.15);
        // SpecRes: draws from the distribution's own sampler (precision-factor route, as the
        // DCGM's), many of them so the estimate is sharp.
        PredictiveDistribution p;
        p.weights = VectorXd::Ones(1);
        p.means = {mu};
        p.covariances = {sigma};
        const MatrixXd c = MatrixXd(sigma.inverse().llt().matrixL());  // Σ⁻¹ = C Cᵀ
        p.precisionFactors = {c};
        DeterministicRandom random(3);
        const EnergyScoreEstimate estimate = energyScore(p.sample(16000, random), y);
        // Independent: E‖X − y‖ − ½ E‖X − X′‖ with X − X′ ~ N(0, 2Σ), another generator.
        std::mt19937_64 engine(9);
        std::normal_distribution<double> normal;
        double first = 0.0, second = 0.0;
        const int draws = 200000;
        VectorXd z(n);
        for (int i = 0; i < draws; ++i) {
            for (int j = 0; j < n; ++j) z[j] = normal(engine);
            first += (mu + l * z - y).norm();
            for (int j = 0; j < n; ++j) z[j] = normal(engine);
            second += std::sqrt(2.0) * (l * z).norm();
        }
        const double independent = first / draws - 0.5 * second / draws;
        // Monte Carlo standard error of the 16,000-draw estimate ≈ 0.2/√16000 ≈ 0.0016.
        QVERIFY2(
            std::abs(estimate.value - independent) < 0.006,
            qPrintable(QString("SpecRes %1, independent %2").arg(estimate.value).arg(independent)));
        // In one dimension the energy score is the CRPS.
        PredictiveDistribution one;
        one.weights = VectorXd::Ones(1);
        one.means = {VectorXd::Constant(1, 0.1)};
        one.covariances = {MatrixXd::Constant(1, 1, 0.04)};
        DeterministicRandom r1(8);
        const double es1 = energyScore(one.sample(6000, r1), VectorXd::Constant(1, 0.3)).value;
        QVERIFY2(std::abs(es1 - gaussianCrps(0.3, 0.1, 0.2)) < 0.004,
                 qPrintable(QString("ES %1, CRPS %2").arg(es1).arg(gaussianCrps(0.3, 0.1, 0.2))));
    }

    void samplesHaveThePredictedMeanAndCovariance() {
        const int n = 5;
        const MatrixXd sigma = correlatedCovariance(n, 0.01);
        const VectorXd mu = VectorXd::LinSpaced(n, 0.1, 0.9);
        PredictiveDistribution viaCovariance, viaCholesky, viaPrecision;
        for (PredictiveDistribution* p : {&viaCovariance, &viaCholesky, &viaPrecision}) {
            p->weights = VectorXd::Ones(1);
            p->means = {mu};
            p->covariances = {sigma};
        }
        viaCholesky.covarianceFactors = {MatrixXd(sigma.llt().matrixL())};
        viaPrecision.precisionFactors = {MatrixXd(sigma.inverse().llt().matrixL())};
        const int draws = 40000;
        for (PredictiveDistribution* p : {&viaCovariance, &viaCholesky, &viaPrecision}) {
            DeterministicRandom random(17);
            const MatrixXd s = p->sample(draws, random);
            const VectorXd mean = s.colwise().mean();
            const MatrixXd centred = s.rowwise() - mean.transpose();
            const MatrixXd covariance = centred.transpose() * centred / double(draws - 1);
            // Standard errors: σ_j/√N for the mean, ≈ √((Σ_ij² + Σ_ii Σ_jj)/N) for Σ_ij.
            for (int i = 0; i < n; ++i) {
                QVERIFY(std::abs(mean[i] - mu[i]) < 4.5 * std::sqrt(sigma(i, i) / draws));
                for (int j = 0; j < n; ++j) {
                    const double se =
                        std::sqrt((sigma(i, j) * sigma(i, j) + sigma(i, i) * sigma(j, j)) / draws);
                    QVERIFY2(std::abs(covariance(i, j) - sigma(i, j)) < 4.5 * se,
                             qPrintable(QString("Σ(%1,%2): %3 vs %4")
                                            .arg(i)
                                            .arg(j)
                                            .arg(covariance(i, j))
                                            .arg(sigma(i, j))));
                }
            }
        }
        // A mixture: its mean and covariance are Σ w μ_k and Σ w (Σ_k + (μ_k − μ)(μ_k − μ)ᵀ).
        PredictiveDistribution mixture = viaCholesky;
        mixture.weights = (VectorXd(2) << 0.3, 0.7).finished();
        mixture.means = {mu, mu.array() + 0.4};
        mixture.covariances = {sigma, 2.0 * sigma};
        mixture.covarianceFactors.clear();
        DeterministicRandom random(23);
        const MatrixXd s = mixture.sample(draws, random);
        const VectorXd mean = s.colwise().mean();
        const MatrixXd centred = s.rowwise() - mean.transpose();
        const MatrixXd covariance = centred.transpose() * centred / double(draws - 1);
        QVERIFY((mean - mixture.mean()).cwiseAbs().maxCoeff() < 0.005);
        QVERIFY2((covariance - mixture.covariance()).norm() < 0.03 * mixture.covariance().norm(),
                 qPrintable(QString("relative error %1")
                                .arg((covariance - mixture.covariance()).norm() /
                                     mixture.covariance().norm())));
    }

    void pitIsUniformOnlyWhenTheSpreadIsRight() {
        // Independent channels, so that every PIT is an independent uniform under the model
        // and the Kolmogorov–Smirnov test applies.
        const ReflectanceModel model = knownModel(8, 0.0, true);
        const MatrixXd x = inputs(1500, 1);
        const MatrixXd y = known(model).draw(x, 1.0, 2);
        auto scores = scoreCalibration(model, x, y);
        QVERIFY2(scores, scores.error().c_str());
        const double critical = 1.628 / std::sqrt(1500.0 * 8);  // KS at α = 0.01
        QVERIFY2(scores->pitKolmogorovSmirnov < critical,
                 qPrintable(QString("KS %1 ≥ %2").arg(scores->pitKolmogorovSmirnov).arg(critical)));
        QVERIFY(scores->miscalibrationArea < 0.01);
        for (double share :
             std::vector<double>(scores->pitHistogram.data(), scores->pitHistogram.data() + 20))
            QVERIFY(std::abs(share - 0.05) < 0.012);
        // Data twice as spread as predicted (σ doubled in truth: Σ × 4): PITs pile at the ends.
        const MatrixXd wide = known(model).draw(x, 4.0, 2);
        auto overconfident = scoreCalibration(model, x, wide);
        QVERIFY(overconfident->pitKolmogorovSmirnov > 10 * critical);
        QVERIFY(overconfident->marginalCoverage[4] < 0.3);  // nominal 50 %
        QVERIFY(overconfident->pitHistogram[0] > 0.1 && overconfident->pitHistogram[19] > 0.1);
        // The proper scores prefer the right spread.
        auto right = scoreCalibration(model, x, y);
        ReflectanceModel wider = model;
        wider.setCovarianceScale(4.0);
        auto tooWide = scoreCalibration(wider, x, y);
        QVERIFY(right->crps < tooWide->crps);
        QVERIFY(right->energyScore < tooWide->energyScore);
    }

    void jointCoverageFollowsChiSquared() {
        const ReflectanceModel model = knownModel(12, 0.0);
        const MatrixXd x = inputs(2000, 3);
        auto scores = scoreCalibration(model, x, known(model).draw(x, 1.0, 4));
        QVERIFY(scores);
        const auto& levels = calibrationLevels();
        for (std::size_t l = 0; l < levels.size(); ++l) {
            const double se = std::sqrt(levels[l] * (1 - levels[l]) / 2000);
            QVERIFY2(
                std::abs(scores->jointCoverage[l] - levels[l]) < 4 * se + 1e-9,
                qPrintable(QString("level %1: %2").arg(levels[l]).arg(scores->jointCoverage[l])));
        }
        // The d² median sits at χ²_12's median.
        QVERIFY(std::abs(scores->squaredDistanceQuantiles[49] - chiSquaredQuantile(0.5, 12)) < 0.6);
        QVERIFY(std::abs(scores->energyScoreError) < 0.01 * scores->energyScore);
        QCOMPARE(scores->energyDraws, 100);
    }

    void recalibrationRecoversAKnownFactor() {
        for (double shift : {0.0, 0.05}) {  // one Gaussian (closed form), a mixture (search)
            const ReflectanceModel model = knownModel(10, shift);
            const MatrixXd x = inputs(3000, 6);
            const MatrixXd y = known(model).draw(x, 2.5, 7);
            auto fit = fitCovarianceScale(model, x, y);
            QVERIFY2(fit, fit.error().c_str());
            QVERIFY(fit->law.isSingle());
            const double found = fit->law.meanScale();
            QVERIFY2(std::abs(found - 2.5) < 0.1,
                     qPrintable(QString("shift %1: scale %2").arg(shift).arg(found)));
            QVERIFY(fit->recalibratedNll < fit->rawNll - 0.5);
            QCOMPARE(QString::fromStdString(fit->how),
                     QString(shift == 0.0 ? "closed form" : "1-D search"));
            // Applied by the model: the batch density and the scaled distribution's agree.
            ReflectanceModel scaled = model;
            scaled.setCovarianceScale(found);
            auto batch = scaled.predictBatch(x.topRows(5), &y, false);
            QVERIFY(!batch);  // y must match x's rows
            const MatrixXd y5 = y.topRows(5);
            batch = scaled.predictBatch(x.topRows(5), &y5, true);
            QVERIFY2(batch, batch.error().c_str());
            for (int i = 0; i < 5; ++i) {
                auto p = scaled.predict(x.row(i).transpose());
                QVERIFY(p);
                const double direct = p->distribution.logDensity(y5.row(i).transpose());
                QVERIFY2(std::abs(batch->logDensity[i] - direct) < 1e-8 * std::abs(direct),
                         qPrintable(QString("%1 vs %2").arg(batch->logDensity[i]).arg(direct)));
                QVERIFY((batch->stddev.row(i).transpose() - p->stddev).cwiseAbs().maxCoeff() <
                        1e-12);
            }
            // With the fitted scale the validation NLL is the one reported.
            auto again = scaled.predictBatch(x, &y, false);
            QVERIFY(std::abs(-again->logDensity.mean() - fit->recalibratedNll) < 1e-6);
        }
    }

    void crpsPairTableKeepsTermsOnlyWhileTheComponentsStay() {
        // Three components under a two-atom law: entries 0..5, two channels.
        CrpsPairTable table;
        table.reset(3, 2, 2, true);
        QVERIFY(table.fits(3, 2) && !table.fits(3, 1));
        const std::vector<Eigen::Index> flat = {0, 1, 4, 5};  // components 0 and 2
        const VectorXd means = (VectorXd(4) << 0.2, 0.2, 0.7, 0.7).finished();
        const VectorXd sigmas = (VectorXd(4) << 0.05, 0.1, 0.03, 0.06).finished();
        QVERIFY(table.holds(flat, means, sigmas, 1));
        for (Eigen::Index p = 0; p < 4; ++p)
            for (Eigen::Index q = p + 1; q < 4; ++q)
                QVERIFY(sameBits(table.term(flat[p], flat[q], 1),
                                 crpsPairMoment(means[p], sigmas[p], means[q], sigmas[q])));
        // Another spectrum with component 1 too: the new entries join, the old ones agree.
        const std::vector<Eigen::Index> more = {0, 1, 2, 3, 4, 5};
        const VectorXd moreMeans = (VectorXd(6) << 0.2, 0.2, 0.5, 0.5, 0.7, 0.7).finished();
        const VectorXd moreSigmas = (VectorXd(6) << 0.05, 0.1, 0.2, 0.4, 0.03, 0.06).finished();
        QVERIFY(table.holds(more, moreMeans, moreSigmas, 1));
        QVERIFY(sameBits(table.term(2, 4, 1), crpsPairMoment(0.5, 0.2, 0.7, 0.03)));
        // Channel 0 is a table of its own.
        QVERIFY(table.holds(flat, means * 2.0, sigmas, 0));
        QVERIFY(sameBits(table.term(0, 4, 0), crpsPairMoment(0.4, 0.05, 1.4, 0.03)));
        // A mean that moves by one ulp (a component that follows x) drops the table for good.
        VectorXd moved = means;
        moved[2] = std::nextafter(moved[2], 1.0);
        QVERIFY(!table.holds(flat, moved, sigmas, 1));
        QVERIFY(!table.usable());
        QVERIFY(!table.holds(flat, means, sigmas, 1));
        // Too large a table, or one switched off, is never used.
        table.reset(3, 2, 2, false);
        QVERIFY(!table.holds(flat, means, sigmas, 1));
        table.reset(CrpsPairTable::kMaxTerms, 1, 1, true);
        QVERIFY(!table.usable());
    }

    void mixtureScoresKeepTheirBitsWithTheTable() {
        // GM fitted on data from a two-component model: spherical components do not move with
        // x (the table serves every spectrum), full ones do (it is dropped at the second).
        const ReflectanceModel truth = knownModel(6, 0.08);
        const MatrixXd x = inputs(600, 11);
        const MatrixXd y = known(truth).draw(x, 1.0, 12);
        const SpectraSet train{x.topRows(400), y.topRows(400)};
        const MatrixXd testX = x.bottomRows(200), testY = y.bottomRows(200);
        const ScaleMixture law = *ScaleMixture::create((VectorXd(3) << 0.5, 1.0, 3.0).finished(),
                                                       (VectorXd(3) << 0.3, 0.5, 0.2).finished());
        const std::vector<ScaleMixture> laws = {ScaleMixture(), ScaleMixture(1.7), law};
        for (CovarianceType type : {CovarianceType::Spherical, CovarianceType::Full}) {
            MixtureFitOptions options;
            options.components = 5;
            options.restarts = 1;
            auto gm = std::make_shared<GaussianMixtureModel>(type, options);
            QVERIFY(gm->fit(train, {}, nullptr));
            const ReflectanceModel model(std::shared_ptr<const ConditionalModel>(gm), std::nullopt);
            CalibrationOptions reuse, recompute;
            recompute.reusePairTerms = false;
            auto fast = scoreCalibrationUnderLaws(model, testX, testY, laws, reuse);
            auto slow = scoreCalibrationUnderLaws(model, testX, testY, laws, recompute);
            QVERIFY2(fast && slow, "scored");
            for (std::size_t l = 0; l < laws.size(); ++l) {
                const CalibrationScores& a = (*fast)[l];
                const CalibrationScores& b = (*slow)[l];
                QVERIFY(a.spectrumCrps.allFinite());
                for (Eigen::Index i = 0; i < a.spectrumCrps.size(); ++i)
                    QVERIFY2(sameBits(a.spectrumCrps[i], b.spectrumCrps[i]),
                             qPrintable(QString("law %1, spectrum %2: %3 vs %4")
                                            .arg(l)
                                            .arg(i)
                                            .arg(a.spectrumCrps[i], 0, 'g', 17)
                                            .arg(b.spectrumCrps[i], 0, 'g', 17)));
                QVERIFY(sameBits(a.crps, b.crps));
                QVERIFY(sameBits(a.pitKolmogorovSmirnov, b.pitKolmogorovSmirnov));
                QVERIFY(sameBits(a.energyScore, b.energyScore));
            }
            // The spherical mixture's components are the same for every x: what the table
            // relies on (and the full mixture's are not: what makes it step aside).
            const auto p = model.predict(testX.row(0).transpose());
            const auto q = model.predict(testX.row(1).transpose());
            QVERIFY(p && q && p->distribution.means.size() == 5);
            const bool same = (p->distribution.means[2] - q->distribution.means[2]).norm() == 0.0;
            QCOMPARE(same, type == CovarianceType::Spherical);
        }
    }

    void pointForecastsGetTheirDegenerateScores() {
        // CRPS of a point forecast is its absolute error; its energy score the Euclidean error.
        const VectorXd y = (VectorXd(3) << 0.1, 0.5, 0.9).finished();
        PredictiveDistribution degenerate;
        degenerate.weights = VectorXd::Ones(1);
        degenerate.means = {VectorXd::Constant(3, 0.4)};
        degenerate.covariances = {MatrixXd::Identity(3, 3) * 1e-20};
        DeterministicRandom random(1);
        QVERIFY(std::abs(energyScore(degenerate.sample(50, random), y).value -
                         (y - degenerate.means[0]).norm()) < 1e-8);
    }
};

QTEST_GUILESS_MAIN(CalibrationScoresTest)
#include "test_calibration_scores.moc"
