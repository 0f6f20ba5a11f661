// Mineral identification under a predicted Gaussian: the GLS fit against brute force, the
// p-value's distribution under the model, band-depth σ against Monte Carlo, libraries that
// round-trip and libraries that must fail, and the categorical maps of a whole scene.
#include <gdal_priv.h>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <fstream>

#include "KnownModel.h"
#include "TestRasters.h"
#include "base/DeterministicRandom.h"
#include "data/PairDataset.h"
#include "experiment/PreparedData.h"
#include "identify/BandDepth.h"
#include "identify/LibraryResampling.h"
#include "identify/MineralMatcher.h"
#include "identify/SpectralLibrary.h"
#include "maps/IdentificationAccuracy.h"
#include "models/GaussianDensity.h"
#include "models/MixtureBaselines.h"
#include "neural/DeepConditionalGaussian.h"

using namespace specres;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using specres::testing::gaussianPrediction;

namespace {

// A smooth, strongly correlated SPD covariance on n channels (squared-exponential kernel
// plus a little white noise), as the predictive covariance of neighbouring channels is.
MatrixXd correlatedCovariance(int n, double scale, double length) {
    MatrixXd s(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            s(i, j) = scale * scale * std::exp(-0.5 * std::pow((i - j) / length, 2));
    s.diagonal().array() += 0.05 * scale * scale;
    return s;
}

// A library of absorption features on n channels (channel i at 2.0 + 0.005 i µm).
ResampledLibrary syntheticLibrary(int n, int count) {
    ResampledLibrary lib;
    lib.spectra.resize(n, count);
    for (int j = 0; j < count; ++j) {
        const double centre = 2.05 + 0.35 * j / std::max(1, count - 1);
        for (int i = 0; i < n; ++i) {
            const double w = 2.0 + 0.005 * i;
            lib.spectra(i, j) = (0.6 - 0.1 * (w - 2.2)) *
                                (1.0 - 0.3 * std::exp(-0.5 * std::pow((w - centre) / 0.015, 2)));
        }
        lib.names.push_back("mineral " + std::to_string(j + 1));
        lib.coarser.push_back(false);
    }
    return lib;
}

std::vector<double> channelCentres(int n) {
    std::vector<double> c;
    for (int i = 0; i < n; ++i) c.push_back(2.0 + 0.005 * i);
    return c;
}

void writeText(const QString& path, const std::string& text) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

}  // namespace

class MineralIdentificationTest : public QObject {
    Q_OBJECT

private slots:
    // The GLS gain and offset minimise (μ − aℓ − b)ᵀ Σ⁻¹ (μ − aℓ − b): compare with a
    // brute-force search over a grid of (a, b), refined around its best cell.
    void glsFitMatchesBruteForceSearch() {
        const int n = 40;
        const ResampledLibrary lib = syntheticLibrary(n, 3);
        const MatrixXd sigma = correlatedCovariance(n, 0.01, 3.0);
        DeterministicRandom random(7);
        VectorXd mu = 0.8 * lib.spectra.col(1).array() + 0.05;
        for (int i = 0; i < n; ++i) mu[i] += 0.01 * random.normal();
        auto matcher = MineralMatcher::create(lib, MatchOptions{{}, false, false});
        QVERIFY(matcher);
        auto id = matcher->identify(gaussianPrediction(mu, sigma));
        QVERIFY2(id, id ? "" : id.error().c_str());
        const Eigen::LLT<MatrixXd> llt(sigma);
        for (int j = 0; j < 3; ++j) {
            auto chi2 = [&](double a, double b) {
                const VectorXd r = mu - a * lib.spectra.col(j) - VectorXd::Constant(n, b);
                return r.dot(llt.solve(r));
            };
            double bestA = 0, bestB = 0, best = 1e300;
            double spanA = 2.0, spanB = 1.0, centreA = 1.0, centreB = 0.0;
            for (int round = 0; round < 12; ++round) {
                for (int p = -20; p <= 20; ++p) {
                    for (int q = -20; q <= 20; ++q) {
                        const double a = std::max(0.0, centreA + spanA * p / 20.0);
                        const double b = centreB + spanB * q / 20.0;
                        const double v = chi2(a, b);
                        if (v < best) best = v, bestA = a, bestB = b;
                    }
                }
                centreA = bestA, centreB = bestB, spanA /= 4, spanB /= 4;
            }
            const MineralFit& fit = id->fits[std::size_t(j)];
            QVERIFY2(std::abs(fit.chiSquared - best) <= 1e-6 * std::max(1.0, best),
                     qPrintable(QString("mineral %1: χ² %2 vs brute force %3")
                                    .arg(j)
                                    .arg(fit.chiSquared)
                                    .arg(best)));
            QVERIFY(std::abs(fit.gain - bestA) < 1e-4 && std::abs(fit.offset - bestB) < 1e-4);
            QVERIFY(fit.gain >= 0.0);
        }
        QCOMPARE(id->best(), 1);
        // The same fit from the precision factor (the DCGM's route) and from Σ's Cholesky factor.
        PredictiveDistribution viaPrecision = gaussianPrediction(mu, sigma);
        const MatrixXd precision = sigma.inverse();
        viaPrecision.precisionFactors = {MatrixXd(precision.llt().matrixL())};
        viaPrecision.covariances.clear();
        QVERIFY(viaPrecision.isFactoredOnly());
        auto again = matcher->identify(viaPrecision);
        QVERIFY(again);
        for (int j = 0; j < 3; ++j)
            QVERIFY(std::abs(again->fits[std::size_t(j)].chiSquared -
                             id->fits[std::size_t(j)].chiSquared) <
                    1e-6 * id->fits[std::size_t(j)].chiSquared);
    }

    // A spectrum anticorrelated with ℓ cannot be ℓ with a positive gain: the gain stops at 0.
    void negativeGainsAreClampedToZero() {
        const int n = 30;
        const ResampledLibrary lib = syntheticLibrary(n, 2);
        const VectorXd mu = 1.0 - lib.spectra.col(0).array();
        auto matcher = MineralMatcher::create(lib, MatchOptions{{}, false, false});
        auto id = matcher->identify(gaussianPrediction(mu, MatrixXd::Identity(n, n) * 1e-4));
        QVERIFY(id);
        QCOMPARE(id->fits[0].gain, 0.0);
        QVERIFY(std::abs(id->fits[0].offset - mu.mean()) < 1e-9);
    }

    // Spectra from the model family (y = aℓ + b + ε, ε ~ N(0, Σ)) give p-values uniform on
    // [0, 1]: Kolmogorov–Smirnov distance below its 1 % critical value, deciles near 10 %.
    void pValuesAreUniformForSpectraFromTheModelFamily() {
        const int n = 25;
        const ResampledLibrary lib = syntheticLibrary(n, 2);
        const MatrixXd sigma = correlatedCovariance(n, 0.02, 2.0);
        const MatrixXd factor = sigma.llt().matrixL();
        auto matcher = MineralMatcher::create(lib, MatchOptions{{}, false, false});
        DeterministicRandom random(11);
        std::vector<double> p;
        const int draws = 2000;
        for (int k = 0; k < draws; ++k) {
            VectorXd z(n);
            for (int i = 0; i < n; ++i) z[i] = random.normal();
            const VectorXd mu = (0.5 + random.uniform()) * lib.spectra.col(0).array() +
                                random.uniform(-0.1, 0.1) + (factor * z).array();
            auto id = matcher->identify(gaussianPrediction(mu, sigma));
            QVERIFY(id);
            p.push_back(id->fits[0].pValue);
        }
        std::sort(p.begin(), p.end());
        double ks = 0;
        for (int k = 0; k < draws; ++k)
            ks = std::max({ks, std::abs(p[std::size_t(k)] - double(k) / draws),
                           std::abs(p[std::size_t(k)] - double(k + 1) / draws)});
        QVERIFY2(ks < 1.63 / std::sqrt(double(draws)),
                 qPrintable(QString("KS distance %1").arg(ks)));
        // The wrong mineral is rejected where the prediction is precise: its p-value is tiny.
        VectorXd mu = 0.9 * lib.spectra.col(0).array() + 0.02;
        auto id = matcher->identify(gaussianPrediction(mu, correlatedCovariance(n, 0.002, 2.0)));
        QVERIFY(id->fits[1].pValue < 1e-6);
        QVERIFY(id->fits[0].pValue > 0.99);  // an exact member of the family: χ² = 0
    }

    // Bayes' rule: with the dispersion off, posterior odds are prior odds times the ratio of
    // the best densities.
    void priorsEnterByBayesRule() {
        const int n = 30;
        const ResampledLibrary lib = syntheticLibrary(n, 2);
        const MatrixXd sigma = correlatedCovariance(n, 0.03, 2.0);
        const VectorXd mu = 0.5 * (lib.spectra.col(0) + lib.spectra.col(1));
        auto uniform = MineralMatcher::create(lib, MatchOptions{{}, false, false});
        auto skewed = MineralMatcher::create(lib, MatchOptions{{1.0, 4.0}, false, false});
        auto a = uniform->identify(gaussianPrediction(mu, sigma));
        auto b = skewed->identify(gaussianPrediction(mu, sigma));
        const double likelihoodOdds = std::exp(a->fits[1].logDensity - a->fits[0].logDensity);
        QVERIFY(std::abs(a->fits[1].posterior / a->fits[0].posterior - likelihoodOdds) <
                1e-9 * likelihoodOdds);
        QVERIFY(std::abs(b->fits[1].posterior / b->fits[0].posterior - 4.0 * likelihoodOdds) <
                1e-9 * likelihoodOdds);
        QVERIFY(!MineralMatcher::create(lib, MatchOptions{{1.0}, false, false}));
        QVERIFY(!MineralMatcher::create(lib, MatchOptions{{1.0, -1.0}, false, false}));
    }

    // For a mixture prediction the fit maximises the mixture density: compare with a dense
    // search over (a, b) of log Σ_k w_k N(aℓ + b; μ_k, Σ_k).
    void mixturePredictionsMaximiseTheMixtureDensity() {
        const int n = 20;
        const ResampledLibrary lib = syntheticLibrary(n, 1);
        PredictiveDistribution p;
        p.weights = (VectorXd(2) << 0.3, 0.7).finished();
        p.means = {VectorXd(0.7 * lib.spectra.col(0).array() + 0.1),
                   VectorXd(1.2 * lib.spectra.col(0).array() - 0.2)};
        p.covariances = {correlatedCovariance(n, 0.05, 2.0), correlatedCovariance(n, 0.08, 3.0)};
        p.point = p.mean();
        auto matcher = MineralMatcher::create(lib, MatchOptions{{}, false, false});
        auto id = matcher->identify(p);
        QVERIFY(id);
        double best = -1e300;
        for (int i = 0; i <= 400; ++i) {
            for (int k = 0; k <= 400; ++k) {
                const double a = 2.0 * i / 400, b = -0.6 + 1.2 * k / 400;
                best = std::max(best, p.logDensity(a * lib.spectra.col(0).array() + b));
            }
        }
        QVERIFY2(id->fits[0].logDensity >= best - 1e-3,
                 qPrintable(QString("EM %1 vs grid %2").arg(id->fits[0].logDensity).arg(best)));
        const VectorXd fitted = matcher->fittedSpectrum(0, id->fits[0]);
        QVERIFY(std::abs(p.logDensity(fitted) - id->fits[0].logDensity) < 1e-8);
    }

    // Two minerals mixed 30 / 70 are recovered by the pair fit, with a σ that covers the truth.
    void pairsRecoverMixingFractions() {
        const int n = 60;
        const ResampledLibrary lib = syntheticLibrary(n, 4);
        const MatrixXd sigma = correlatedCovariance(n, 0.002, 2.0);
        const VectorXd mu =
            1.3 * (0.3 * lib.spectra.col(1) + 0.7 * lib.spectra.col(3)).array() - 0.1;
        auto matcher = MineralMatcher::create(lib, MatchOptions{{}, false, true});
        auto id = matcher->identify(gaussianPrediction(mu, sigma));
        QVERIFY(id && id->pair);
        QCOMPARE(id->pair->first, 1);
        QCOMPARE(id->pair->second, 3);
        QVERIFY(std::abs(id->pair->fraction - 0.3) < 1e-6);
        QVERIFY(id->pair->fractionSigma > 0.0 && id->pair->fractionSigma < 0.05);
        QVERIFY(id->pair->improvementPValue < 1e-6);
        QCOMPARE(id->best(), 3);  // the dominant member
        QVERIFY(id->fits[3].posterior > 0.99);
    }

    // First-order σ of a band depth through the full Σ agrees with Monte Carlo; dropping
    // the covariances (the independent-channel formula) is off by far on correlated channels.
    void bandDepthSigmaMatchesMonteCarlo() {
        const int n = 60;
        const std::vector<double> channels = channelCentres(n);
        auto depth = BandDepth::create({"test", 2.06, 2.10, 2.16, 0.006}, channels);
        QVERIFY2(depth, depth ? "" : depth.error().c_str());
        const ResampledLibrary lib = syntheticLibrary(n, 3);
        const VectorXd mu = lib.spectra.col(1);
        // Channels correlated over ~100 nm, as a smooth predictive covariance is: the centre and
        // the shoulders move together, which the depth (a ratio) largely cancels.
        const MatrixXd sigma = correlatedCovariance(n, 0.01, 20.0);
        const auto estimates = estimateBandDepths(gaussianPrediction(mu, sigma), {*depth});
        QCOMPARE(int(estimates.size()), 1);
        const MatrixXd factor = sigma.llt().matrixL();
        DeterministicRandom random(3);
        const int draws = 20000;
        double sum = 0, sum2 = 0;
        for (int k = 0; k < draws; ++k) {
            VectorXd z(n);
            for (int i = 0; i < n; ++i) z[i] = random.normal();
            const double d = depth->depth(mu + factor * z);
            sum += d, sum2 += d * d;
        }
        const double mcSigma = std::sqrt(sum2 / draws - std::pow(sum / draws, 2));
        QVERIFY2(
            std::abs(estimates[0].sigma - mcSigma) < 0.05 * mcSigma,
            qPrintable(
                QString("first order %1, Monte Carlo %2").arg(estimates[0].sigma).arg(mcSigma)));
        QVERIFY(std::abs(estimates[0].depth - depth->depth(mu)) < 1e-12);
        QVERIFY2(estimates[0].independentSigma > 2.0 * estimates[0].sigma,
                 qPrintable(QString("independent %1 vs full %2")
                                .arg(estimates[0].independentSigma)
                                .arg(estimates[0].sigma)));
        // With a diagonal Σ the two formulas agree.
        const auto diagonal = estimateBandDepths(
            gaussianPrediction(mu, MatrixXd(sigma.diagonal().asDiagonal())), {*depth});
        QVERIFY(std::abs(diagonal[0].sigma - diagonal[0].independentSigma) < 1e-12);
        // The same σ from a precision factor (no covariance formed).
        PredictiveDistribution factored = gaussianPrediction(mu, sigma);
        factored.precisionFactors = {MatrixXd(MatrixXd(sigma.inverse()).llt().matrixL())};
        factored.covariances.clear();
        const auto again = estimateBandDepths(factored, {*depth});
        QVERIFY(std::abs(again[0].sigma - estimates[0].sigma) < 1e-8);
        QVERIFY(std::abs(again[0].independentSigma - estimates[0].independentSigma) < 1e-8);
        QVERIFY(!BandDepth::create({"outside", 1.5, 1.6, 1.7, 0.006}, channels));
        QVERIFY(!BandDepth::create({"reversed", 2.2, 2.1, 2.3, 0.006}, channels));
    }

    // Resampling integrates the Gaussian response: a Gaussian absorption of width σ_f seen
    // through a channel of width σ_c keeps depth·σ_f/√(σ_f² + σ_c²) at its centre.
    void resamplingConvolvesWithTheChannelResponse() {
        SpectralLibrary library;
        library.source = "test";
        const int count = 1201;
        VectorXd grid(count), values(count);
        const double sigmaFeature = 0.004, depth = 0.4;
        for (int i = 0; i < count; ++i) {
            grid[i] = 1.9 + 0.0005 * i;
            values[i] =
                0.5 * (1.0 - depth * std::exp(-0.5 * std::pow((grid[i] - 2.2) / sigmaFeature, 2))) +
                0.1 * grid[i];
        }
        library.spectra.push_back({"narrow", grid, values});
        const double fwhm = 0.010, sigmaChannel = fwhm / (2 * std::sqrt(2 * std::log(2.0)));
        auto resampled =
            resampleLibrary(library, {{2.1, 2.2, 2.3}, {fwhm, fwhm, fwhm}}, "test channels");
        QVERIFY2(resampled, resampled ? "" : resampled.error().c_str());
        const double expected =
            0.5 * (1.0 - depth * sigmaFeature / std::hypot(sigmaFeature, sigmaChannel)) + 0.1 * 2.2;
        QVERIFY2(std::abs(resampled->spectra(1, 0) - expected) < 2e-4,
                 qPrintable(QString("%1 vs %2").arg(resampled->spectra(1, 0)).arg(expected)));
        QVERIFY(std::abs(resampled->spectra(0, 0) - (0.5 + 0.1 * 2.1)) < 1e-6);  // linear part kept
        QVERIFY(!resampled->coarser[0]);
        // Unknown widths come from the channel spacing.
        const ChannelSet filled = withKnownWidths({{2.0, 2.01, 2.03}, {NAN, NAN, 0.02}});
        QVERIFY(std::abs(filled.fwhmUm[0] - 0.01) < 1e-12 &&
                std::abs(filled.fwhmUm[1] - 0.015) < 1e-12);
        // A library sampled every 20 nm is flagged against 10 nm channels.
        SpectralLibrary coarse;
        coarse.source = "coarse";
        VectorXd g(30), v(30);
        for (int i = 0; i < 30; ++i) g[i] = 1.9 + 0.02 * i, v[i] = 0.5;
        coarse.spectra.push_back({"coarse", g, v});
        auto flagged = resampleLibrary(coarse, {{2.1, 2.2}, {fwhm, fwhm}}, "test channels");
        QVERIFY(flagged && flagged->coarser[0] && !flagged->warnings.empty());
    }

    void enviAndCsvLibrariesRoundTrip() {
        QTemporaryDir dir;
        SpectralLibrary demo = demoSpectralLibrary();
        const std::string sli = dir.filePath("lib.sli").toStdString();
        const std::string csv = dir.filePath("lib.csv").toStdString();
        QVERIFY(writeEnviSpectralLibrary(demo, sli));
        QVERIFY(writeCsvSpectralLibrary(demo, csv));
        for (const std::string& path : {sli, dir.filePath("lib.hdr").toStdString(), csv}) {
            auto read = readSpectralLibrary(path);
            QVERIFY2(read, read ? "" : read.error().c_str());
            QCOMPARE(read->names(), demo.names());
            for (std::size_t j = 0; j < demo.spectra.size(); ++j) {
                QVERIFY((read->spectra[j].wavelengthsUm - demo.spectra[j].wavelengthsUm)
                            .cwiseAbs()
                            .maxCoeff() < 1e-7);
                QVERIFY((read->spectra[j].reflectance - demo.spectra[j].reflectance)
                            .cwiseAbs()
                            .maxCoeff() < 1e-6);
            }
        }
        // A CSV in nanometres with a deleted-channel marker: units converted, the marker dropped.
        const QString nm = dir.filePath("nm.csv");
        writeText(nm,
                  "wavelength "
                  "(nm),Alunite,Kaolinite\n2000,0.5,0.6\n2100,-1.23e34,0.61\n2200,0.52,0.62\n");
        auto read = readSpectralLibrary(nm.toStdString());
        QVERIFY2(read, read ? "" : read.error().c_str());
        QCOMPARE(int(read->spectra[0].wavelengthsUm.size()), 2);
        QCOMPARE(read->spectra[1].wavelengthsUm[2], 2.2);
        // A folder of USGS-style files, "_rfl" dropped from the names.
        QDir().mkpath(dir.filePath("usgs"));
        writeText(dir.filePath("usgs/Calcite_rfl.txt"),
                  "2.0 0.5\n2.1 0.4\n2.2 -1.23e34\n2.3 0.45\n");
        auto folder = readSpectralLibrary(dir.filePath("usgs").toStdString());
        QVERIFY2(folder, folder ? "" : folder.error().c_str());
        QCOMPARE(folder->names(), std::vector<std::string>{"Calcite"});
        QCOMPARE(int(folder->spectra[0].reflectance.size()), 3);
    }

    // Each bad library fails with a message that names the file and the problem.
    void badLibrariesFailClearly() {
        QTemporaryDir dir;
        const std::string header =
            "ENVI\nsamples = 3\nlines = 1\nbands = 1\ndata type = 4\nbyte order = 0\n";
        struct Case {
            const char* name;
            std::string hdr;  // "" for a CSV case
            std::string data;
            const char* expected;
        };
        const std::string threeFloats(12, '\0');
        const std::vector<Case> cases = {
            {"nowave.sli", header, threeFloats, "no \"wavelength\" list"},
            {"count.sli", header + "wavelength = {2.0, 2.1}\n", threeFloats,
             "lists 2 values for 3 samples"},
            {"short.sli", header + "wavelength = {2.0, 2.1, 2.2}\n", std::string(8, '\0'),
             "truncated"},
            {"bands.sli",
             "ENVI\nsamples = 3\nlines = 1\nbands = 2\ndata type = 4\nwavelength = {2.0, 2.1, "
             "2.2}\n",
             threeFloats, "one band"},
            {"names.sli", header + "wavelength = {2.0, 2.1, 2.2}\nspectra names = {a, b}\n",
             threeFloats, "lists 2 names for 1 spectra"},
            {"complex.sli",
             "ENVI\nsamples = 3\nlines = 1\nbands = 1\ndata type = 6\nwavelength = {2.0, 2.1, "
             "2.2}\n",
             threeFloats, "not a real-valued type"},
            {"text.csv", "", "wavelength_um,A\n2.0,0.5\n2.1,abc\n", "\"abc\" is not a number"},
            {"noheader.csv", "", "2.0,0.5\n2.1,0.4\n", "must be a header"},
            {"fields.csv", "", "wavelength_um,A,B\n2.0,0.5\n", "2 fields, the header has 3"},
            {"order.csv", "", "wavelength_um,A\n2.1,0.5\n2.0,0.4\n", "wavelengths must increase"},
            {"empty.csv", "", "wavelength_um,A\n2.0,-1.23e34\n2.1,-1.23e34\n",
             "fewer than two usable values"},
        };
        for (const Case& c : cases) {
            const QString path = dir.filePath(c.name);
            writeText(path, c.data);
            if (!c.hdr.empty())
                writeText(dir.filePath(QString(c.name).replace(".sli", ".hdr")), c.hdr);
            auto read = readSpectralLibrary(path.toStdString());
            QVERIFY2(!read, c.name);
            QVERIFY2(read.error().find(c.name) != std::string::npos ||
                         read.error().find(QString(c.name).replace(".sli", ".hdr").toStdString()) !=
                             std::string::npos,
                     read.error().c_str());
            QVERIFY2(read.error().find(c.expected) != std::string::npos, read.error().c_str());
        }
        QDir().mkpath(dir.filePath("emptyfolder"));
        auto none = readSpectralLibrary(dir.filePath("emptyfolder").toStdString());
        QVERIFY(!none && none.error().find("no library spectra") != std::string::npos);
        auto missing = readSpectralLibrary(dir.filePath("absent.sli").toStdString());
        QVERIFY(!missing && missing.error().find("no such file") != std::string::npos);
        // Libraries that do not cover the channels.
        const SpectralLibrary demo = demoSpectralLibrary();
        auto far = resampleLibrary(demo, {{0.5, 0.6}, {0.01, 0.01}}, "the model's channels");
        QVERIFY(!far && far.error().find("does not overlap") != std::string::npos);
        auto partial = resampleLibrary(demo, {{2.4, 2.6}, {0.01, 0.01}}, "the model's channels");
        QVERIFY(!partial &&
                partial.error().find("but the model's channels span") != std::string::npos);
    }

    // The DCGM's factored batch (μ and C only) identifies exactly as its full prediction does.
    void factoredDcgmPredictionsIdentifyAsFullOnes() {
        DcgmConfig config;
        config.hiddenLayers = {16};
        config.maxEpochs = 3;
        config.dropout = 0.1;
        config.pretrainDiagonal = false;
        auto model = std::make_shared<DeepConditionalGaussianModel>(CovarianceType::Full, config);
        const int n = 30;
        const ResampledLibrary lib = syntheticLibrary(n, 3);
        DeterministicRandom random(5);
        SpectraSet train, validation;
        for (SpectraSet* set : {&train, &validation}) {
            set->x.resize(64, 4);
            set->y.resize(64, n);
            for (int i = 0; i < 64; ++i) {
                const int j = i % 3;
                for (int k = 0; k < 4; ++k)
                    set->x(i, k) = lib.spectra(k * 9, j) + 0.01 * random.normal();
                set->y.row(i) = lib.spectra.col(j).transpose();
            }
        }
        QVERIFY(model->fit(train, validation, nullptr));
        const ReflectanceModel reflectance(model, std::nullopt);
        auto matcher = MineralMatcher::create(lib, MatchOptions{});
        auto factored = reflectance.predictFactored(train.x.topRows(5));
        QVERIFY(factored);
        for (int i = 0; i < 5; ++i) {
            QVERIFY((*factored)[std::size_t(i)].isFactoredOnly());
            auto full = reflectance.predict(train.x.row(i).transpose());
            QVERIFY(full);
            auto a = matcher->identify(full->distribution);
            auto b = matcher->identify((*factored)[std::size_t(i)]);
            QVERIFY(a && b);
            for (int j = 0; j < 3; ++j) {
                const double x = a->fits[std::size_t(j)].chiSquared,
                             y = b->fits[std::size_t(j)].chiSquared;
                QVERIFY2(std::abs(x - y) <= 1e-6 * std::max(1.0, x),
                         qPrintable(QString("%1 vs %2").arg(x).arg(y)));
            }
        }
    }

    // A whole scene: the maps carry the colour table and the mineral names, the legend counts
    // every pixel, and the evaluation against the demo's reference sees every pixel.
    void sceneMapsAreCategoricalWithNamesAndColours() {
        QTemporaryDir dir;
        auto demo = test::writeDemoPair(dir.filePath("demo").toStdString(), 48, 48);
        QVERIFY2(demo, demo ? "" : demo.error().c_str());
        const RasterPair& pair = *demo->pair;
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 900;
        auto split = buildPixelSplit(pair, datasetOptions);
        QVERIFY2(split, split ? "" : split.error().c_str());
        auto data = prepareData(pair, *split, PreprocessingOptions{false});
        QVERIFY2(data, data ? "" : data.error().c_str());
        auto g = std::make_shared<JointGaussianModel>(CovarianceType::Full, 1e-6);
        QVERIFY(g->fit(data->train, data->validation, nullptr));
        const ReflectanceModel model(g, std::nullopt);
        auto lib = resampleLibrary(demoSpectralLibrary(),
                                   {pair.high().wavelengthsUm(), pair.high().fwhmUm()}, "high");
        auto low = resampleLibrary(demoSpectralLibrary(),
                                   {pair.low().wavelengthsUm(), pair.low().fwhmUm()}, "low");
        QVERIFY(lib && low);
        auto matcher = MineralMatcher::create(*lib, MatchOptions{{}, true, true});
        SceneIdentificationOptions options;
        options.lowLibrary = &*low;
        options.keepLabels = true;
        for (const AbsorptionWindow& w : defaultAbsorptionWindows()) {
            if (auto f = BandDepth::create(w, pair.high().wavelengthsUm()))
                options.bandDepths.push_back(*f);
        }
        const std::string prefix = dir.filePath("id").toStdString();
        auto result = identifyScene(model, *matcher, pair.low(), prefix, options);
        QVERIFY2(result, result ? "" : result.error().c_str());
        QCOMPARE(result->identifiedPixels, std::int64_t(48 * 48));
        std::int64_t total = 0;
        for (auto c : result->counts) total += c;
        QCOMPARE(total, result->identifiedPixels);
        GDALAllRegister();
        std::unique_ptr<GDALDataset> map(
            GDALDataset::Open(result->mineral.c_str(), GDAL_OF_RASTER));
        QVERIFY(map);
        GDALRasterBand* band = map->GetRasterBand(1);
        QCOMPARE(band->GetRasterDataType(), GDT_Byte);
        QVERIFY(band->GetColorTable() && band->GetColorTable()->GetColorEntryCount() >= 9);
        char** names = band->GetCategoryNames();
        QVERIFY(names);
        QCOMPARE(QString(names[1]), QString("Alunite"));
        QCOMPARE(QString(names[8]), QString("Volcanic background"));
        QVERIFY(QFile::exists(QString::fromStdString(result->legend)));
        QVERIFY(QFile::exists(QString::fromStdString(result->bandDepth)));
        QVERIFY(QFile::exists(QString::fromStdString(result->pair)));
        QVERIFY(QFile::exists(QString::fromStdString(result->inputAngle)));
        for (const std::string& path : {result->runnerUp, result->angle, result->pairOther}) {
            std::unique_ptr<GDALDataset> other(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
            QVERIFY(other && other->GetRasterBand(1)->GetColorTable() &&
                    other->GetRasterBand(1)->GetCategoryNames());
        }
        // Evaluation on the high-resolution grid's reference (the pair is on that grid).
        auto accuracy = evaluateIdentification(*result, lib->names,
                                               dir.filePath("demo/demo_minerals.tif").toStdString(),
                                               pair.low().width(), pair.low().height());
        QVERIFY2(accuracy, accuracy ? "" : accuracy.error().c_str());
        QCOMPARE(accuracy->evaluatedPixels, std::int64_t(48 * 48));
        QCOMPARE(accuracy->likelihood.counts.sum(), double(48 * 48));
        QVERIFY(accuracy->likelihood.accuracy() > 0.3);  // far above the 1/8 of guessing
        QVERIFY(formatIdentificationAccuracy(*accuracy).find("Reliability") != std::string::npos);
        // A reference map of another size is refused with both sizes named.
        auto wrong = evaluateIdentification(
            *result, lib->names, dir.filePath("demo/demo_minerals_aster.tif").toStdString(),
            pair.low().width(), pair.low().height());
        QVERIFY(!wrong && wrong.error().find("24 × 24") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(MineralIdentificationTest)
#include "test_mineral_identification.moc"
