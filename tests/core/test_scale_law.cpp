// The law of the covariance scale (a Gaussian scale mixture) against closed forms and second
// routes: its density written out as a mixture, its law of d² against draws, a Student-t (the
// continuous scale mixture) recovered by the nonparametric fit, recalibration on data drawn
// from a known law, and mineral-fit p-values that are uniform only under the right law.
#include <QtTest>
#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>

#include "KnownModel.h"
#include "base/DeterministicRandom.h"
#include "identify/MineralMatcher.h"
#include "metrics/CalibrationScores.h"
#include "metrics/ProbabilisticScores.h"
#include "models/GaussianDensity.h"
#include "models/ScaleMixture.h"

using namespace specres;
using namespace specres::testing;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

ScaleMixture twoScales() {
    return *ScaleMixture::create(Eigen::Vector2d(0.4, 3.0), Eigen::Vector2d(0.7, 0.3));
}

// sup |F_N − F| of sorted values against a CDF.
template <typename Cdf>
double ksDistance(std::vector<double> values, Cdf cdf) {
    std::sort(values.begin(), values.end());
    double ks = 0.0;
    const double count = double(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double f = cdf(values[i]);
        ks = std::max({ks, double(i + 1) / count - f, f - double(i) / count});
    }
    return ks;
}

// The 1 % critical value of the one-sample KS distance for N values (asymptotic).
double ksCritical(std::size_t count) { return 1.628 / std::sqrt(double(count)); }

PredictiveDistribution oneGaussian(int n, const ScaleMixture& law) {
    PredictiveDistribution p;
    p.weights = VectorXd::Ones(1);
    p.means = {VectorXd::LinSpaced(n, 0.2, 0.7)};
    p.covariances = {correlatedCovariance(n, 1e-3)};
    p.point = p.means.front();
    p.scaleLaw = law;
    return p;
}

}  // namespace

class ScaleLawTest : public QObject {
    Q_OBJECT

private slots:
    void badLawsAreRefused() {
        QVERIFY(!ScaleMixture::create(Eigen::Vector2d(1.0, 2.0), Eigen::Vector2d(0.5, 0.4)));
        QVERIFY(!ScaleMixture::create(Eigen::Vector2d(1.0, -2.0), Eigen::Vector2d(0.5, 0.5)));
        QVERIFY(!ScaleMixture::create(Eigen::Vector2d(1.0, NAN), Eigen::Vector2d(0.5, 0.5)));
        QVERIFY(!ScaleMixture::create(VectorXd::Ones(2), VectorXd::Ones(1)));
        QVERIFY(ScaleMixture().isIdentity());
        QCOMPARE(twoScales().meanScale(), 0.7 * 0.4 + 0.3 * 3.0);
    }

    void densityIsTheMixtureWrittenOut() {
        const int n = 6;
        const ScaleMixture law = twoScales();
        const PredictiveDistribution p = oneGaussian(n, law);
        auto narrow = CholeskyGaussian::create(p.means[0], 0.4 * p.covariances[0], "narrow");
        auto wide = CholeskyGaussian::create(p.means[0], 3.0 * p.covariances[0], "wide");
        QVERIFY(narrow && wide);
        DeterministicRandom random(3);
        for (int trial = 0; trial < 20; ++trial) {
            VectorXd y = p.means[0];
            for (int j = 0; j < n; ++j) y[j] += 0.05 * random.normal();
            const double direct = std::log(0.7 * std::exp(narrow->logDensity(y)) +
                                           0.3 * std::exp(wide->logDensity(y)));
            QVERIFY2(std::abs(p.logDensity(y) - direct) < 1e-9,
                     qPrintable(QString("%1 vs %2").arg(p.logDensity(y)).arg(direct)));
        }
        // Its marginal CRPS in O(atoms) against the general mixture formula.
        const Eigen::Vector2d means(0.3, 0.3), sigmas(std::sqrt(0.4) * 0.05, std::sqrt(3.0) * 0.05);
        for (double y : {0.1, 0.28, 0.3, 0.45}) {
            const double general = mixtureCrps(y, law.weights(), means, sigmas);
            const double fast = scaleMixtureCrps(y, 0.3, 0.05, law.scales(), law.weights(),
                                                 scaleMixturePairSum(law.scales(), law.weights()));
            QVERIFY2(std::abs(general - fast) < 1e-14,
                     qPrintable(QString("%1 vs %2").arg(fast).arg(general)));
        }
        // The law's covariance: E w · Σ.
        QVERIFY((p.covariance() - law.meanScale() * p.covariances[0]).cwiseAbs().maxCoeff() <
                1e-15);
    }

    void squaredDistanceFollowsTheLawInDraws() {
        const int n = 8;
        const ScaleMixture law = twoScales();
        const PredictiveDistribution p = oneGaussian(n, law);
        DeterministicRandom random(11);
        const MatrixXd draws = p.sample(20000, random);
        std::vector<double> d2;
        for (Eigen::Index i = 0; i < draws.rows(); ++i)
            d2.push_back(p.componentDistances(draws.row(i).transpose()).squaredDistance[0]);
        const double ks = ksDistance(d2, [&](double v) { return law.cdf(v, n); });
        QVERIFY2(ks < ksCritical(d2.size()), qPrintable(QString("KS %1").arg(ks)));
        // And not χ²_n: the same draws are far from a single scale's law.
        const ScaleMixture single(law.meanScale());
        QVERIFY(ksDistance(d2, [&](double v) { return single.cdf(v, n); }) >
                5 * ksCritical(d2.size()));
        // Survival, CDF and quantile agree with each other.
        for (double v : {0.5, 3.0, 8.0, 30.0, 80.0}) {
            QVERIFY(std::abs(law.cdf(v, n) + law.survival(v, n) - 1.0) < 1e-12);
            const double q = law.quantile(law.cdf(v, n), n);
            QVERIFY2(std::abs(q - v) < 1e-7 * v, qPrintable(QString("%1 -> %2").arg(v).arg(q)));
        }
        // A far tail keeps its precision (no 1 − CDF cancellation).
        QVERIFY(law.survival(2000.0, n) > 0.0 && law.survival(2000.0, n) < 1e-50);
    }

    void theFitRecoversAStudentT() {
        // d² of a multivariate t with ν degrees of freedom is n·F(n, ν): w = ν / χ²_ν.
        const int n = 20;
        const double nu = 3.0;
        DeterministicRandom random(21);
        VectorXd d2(6000);
        for (Eigen::Index i = 0; i < d2.size(); ++i) {
            double chiN = 0.0, chiNu = 0.0;
            for (int j = 0; j < n; ++j) chiN += std::pow(random.normal(), 2);
            for (int j = 0; j < 3; ++j) chiNu += std::pow(random.normal(), 2);
            d2[i] = chiN * nu / chiNu;
        }
        const ScaleMixture law = fitScaleMixture(d2, n);
        QVERIFY2(law.size() > 2, qPrintable(QString("%1 atoms").arg(law.size())));
        const boost::math::fisher_f_distribution<double> f(n, nu);
        for (double ratio : {0.3, 0.7, 1.0, 2.0, 5.0, 15.0}) {
            const double closed = boost::math::cdf(boost::math::complement(f, ratio));
            const double fitted = law.survival(ratio * n, n);
            QVERIFY2(
                std::abs(fitted - closed) < 0.015,
                qPrintable(QString("d²/n = %1: %2 vs F's %3").arg(ratio).arg(fitted).arg(closed)));
        }
    }

    void tinyValidationSetsGiveALaw() {
        // One or two spectra, or all at d² = 0: a law (never a crash, NaN or empty law).
        for (const VectorXd& d2 :
             {VectorXd(VectorXd::Constant(1, 7.0)), VectorXd(Eigen::Vector2d(3.0, 40.0)),
              VectorXd(VectorXd::Zero(3))}) {
            const ScaleMixture law = fitScaleMixture(d2, 10);
            QVERIFY(law.size() >= 1);
            QVERIFY(std::isfinite(law.meanScale()) && law.meanScale() > 0.0);
            QVERIFY(std::abs(law.weights().sum() - 1.0) < 1e-12);
        }
    }

    void recalibrationFitsAKnownLaw() {
        const ReflectanceModel model = knownModel(10, 0.0);
        const ScaleMixture truth = twoScales();
        const MatrixXd xv = inputs(3000, 31), xt = inputs(3000, 32);
        const MatrixXd yv = known(model).draw(xv, truth, 33);
        const MatrixXd yt = known(model).draw(xt, truth, 34);
        auto single = fitCovarianceScale(model, xv, yv, ScaleLawKind::Single);
        auto mixture = fitCovarianceScale(model, xv, yv, ScaleLawKind::Mixture);
        QVERIFY(single && mixture);
        QVERIFY2(QString::fromStdString(mixture->how).startsWith("scale mixture"),
                 mixture->how.c_str());
        QVERIFY(mixture->recalibratedNll < mixture->singleScaleNll - 0.1);
        QCOMPARE(mixture->singleScaleNll, single->recalibratedNll);
        QVERIFY(std::abs(mixture->law.meanScale() - truth.meanScale()) < 0.1 * truth.meanScale());
        // On test spectra from the same law: joint and marginal calibration hold under the
        // fitted law and not under one scale; the held-out NLL is better too.
        auto scores = scoreCalibrationUnderLaws(model, xt, yt, {mixture->law, single->law});
        QVERIFY2(scores, scores ? "" : scores.error().c_str());
        const CalibrationScores& fitted = (*scores)[0];
        const CalibrationScores& one = (*scores)[1];
        QVERIFY2(fitted.jointMiscalibrationArea < 0.015,
                 qPrintable(QString("joint %1").arg(fitted.jointMiscalibrationArea)));
        QVERIFY2(one.jointMiscalibrationArea > 0.05,
                 qPrintable(QString("single joint %1").arg(one.jointMiscalibrationArea)));
        QVERIFY2(fitted.miscalibrationArea < 0.015,
                 qPrintable(QString("marginal %1").arg(fitted.miscalibrationArea)));
        QVERIFY(fitted.crps < one.crps);
        ReflectanceModel withLaw = model, withScale = model;
        withLaw.setScaleLaw(mixture->law);
        withScale.setScaleLaw(single->law);
        auto a = withLaw.predictBatch(xt, &yt, true);
        auto b = withScale.predictBatch(xt, &yt, true);
        QVERIFY(a && b);
        QVERIFY(-a->logDensity.mean() < -b->logDensity.mean() - 0.1);
        // The batch density under the law is the distribution's own, spectrum by spectrum.
        for (int i = 0; i < 5; ++i) {
            auto p = withLaw.predict(xt.row(i).transpose());
            QVERIFY(p);
            QVERIFY(std::abs(p->distribution.logDensity(yt.row(i).transpose()) - a->logDensity[i]) <
                    1e-8 * std::abs(a->logDensity[i]));
        }
        // The batch's d² p-values are uniform under the fitted law.
        std::vector<double> pValues(a->jointPValue.data(),
                                    a->jointPValue.data() + a->jointPValue.size());
        QVERIFY2(ksDistance(pValues, [](double u) { return u; }) < ksCritical(pValues.size()),
                 "d² p-values not uniform");
    }

    void fitPValuesAreUniformUnderTheLaw() {
        // The prediction's mean is a library spectrum's a·ℓ + b plus noise drawn from the law,
        // so the fit's residual χ² is w χ²_{n−2}: its p-values are uniform under the law and
        // not under χ²_{n−2}.
        const int n = 12;
        ResampledLibrary library;
        library.names = {"a", "b"};
        library.spectra.resize(n, 2);
        for (int j = 0; j < n; ++j) {
            library.spectra(j, 0) = 0.5 + 0.3 * std::sin(0.5 * j);
            library.spectra(j, 1) = 0.4 + 0.01 * j * j;
        }
        MatchOptions options;
        options.pairs = false;
        auto matcher = MineralMatcher::create(library, options);
        QVERIFY2(matcher, matcher ? "" : matcher.error().c_str());
        const ScaleMixture law = twoScales();
        DeterministicRandom random(41);
        std::vector<double> underLaw, underChiSquared;
        for (int trial = 0; trial < 3000; ++trial) {
            PredictiveDistribution p = oneGaussian(n, law);
            const VectorXd truth = 0.8 * library.spectra.col(0).array() + 0.1;
            p.means[0] = truth;
            p.means[0] = p.sample(1, random).row(0).transpose();  // noise from the law
            auto identified = matcher->identify(p);
            QVERIFY(identified);
            underLaw.push_back(identified->fits[0].pValue);
            p.scaleLaw = ScaleMixture(law.meanScale());
            underChiSquared.push_back(matcher->identify(p)->fits[0].pValue);
        }
        const double ks = ksDistance(underLaw, [](double u) { return u; });
        QVERIFY2(ks < ksCritical(underLaw.size()), qPrintable(QString("KS %1").arg(ks)));
        QVERIFY(ksDistance(underChiSquared, [](double u) { return u; }) >
                3 * ksCritical(underLaw.size()));
    }
};

QTEST_GUILESS_MAIN(ScaleLawTest)
#include "test_scale_law.moc"
