// The learned law of a library fit (LibraryFitCalibration): split-conformal p-values against
// their closed form and on exchangeable draws, the posterior temperature against the one that
// generated the labels, the matcher using it only for its own library, and stored calibrations
// that must be refused.
#include <Eigen/Cholesky>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "KnownModel.h"
#include "TestRasters.h"
#include "base/DeterministicRandom.h"
#include "experiment/ModelContext.h"
#include "identify/FitCalibration.h"
#include "identify/MineralMatcher.h"
#include "identify/PixelTruth.h"

using namespace specres;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;
using specres::testing::gaussianPrediction;

namespace {

// Smooth SPD covariance of neighbouring channels (squared-exponential kernel plus white noise).
MatrixXd smoothCovariance(int n, double scale) {
    MatrixXd s(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) s(i, j) = scale * scale * std::exp(-0.125 * (i - j) * (i - j));
    s.diagonal().array() += 0.05 * scale * scale;
    return s;
}

// Two absorption features on n channels, far enough apart to tell.
ResampledLibrary twoMinerals(int n) {
    ResampledLibrary lib;
    lib.spectra.resize(n, 2);
    for (int j = 0; j < 2; ++j) {
        for (int i = 0; i < n; ++i) {
            const double w = double(i) / n;
            lib.spectra(i, j) =
                (0.6 - 0.1 * w) *
                (1.0 - 0.3 * std::exp(-0.5 * std::pow((w - 0.3 - 0.4 * j) / 0.05, 2)));
        }
        lib.names.push_back(j == 0 ? "alunite" : "kaolinite");
        lib.coarser.push_back(false);
    }
    return lib;
}

double ksDistanceFromUniform(std::vector<double> p) {
    std::sort(p.begin(), p.end());
    const double m = double(p.size());
    double ks = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k)
        ks = std::max({ks, std::abs(p[k] - double(k) / m), std::abs(p[k] - double(k + 1) / m)});
    return ks;
}

LibraryFitCalibration validCalibration() {
    LibraryFitCalibration c;
    c.library = "demo";
    c.minerals = {"alunite", "kaolinite"};
    c.channels = 30;
    c.minimumAbundance = 0.8;
    c.nullChiSquared = {1.0, 2.0, 3.0, 4.0};
    c.nullBestSingleChiSquared = {0.5, 1.0, 1.5, 2.0};
    c.nullBestChiSquared = {0.25, 0.5, 1.0, 1.5};
    c.posteriorTemperature = 1.7;
    c.posteriorPixels = 12;
    c.seconds = 0.5;
    return c;
}

}  // namespace

class FitCalibrationTest : public QObject {
    Q_OBJECT

private slots:
    // (1 + #{null ≥ χ²}) / (N + 1), ties counted as at least as extreme.
    void conformalPValueHasItsClosedForm() {
        const LibraryFitCalibration c = validCalibration();
        QCOMPARE(c.pValue(0.0), 1.0);
        QCOMPARE(c.pValue(2.0), 4.0 / 5.0);
        QCOMPARE(c.pValue(2.5), 3.0 / 5.0);
        QCOMPARE(c.pValue(4.0), 2.0 / 5.0);
        QCOMPARE(c.pValue(9.0), 1.0 / 5.0);
        QCOMPARE(c.anyFitPValue(1.0, false), 4.0 / 5.0);
        QCOMPARE(c.anyFitPValue(1.0, true), 3.0 / 5.0);
        QCOMPARE(conformalPValue({}, 3.0), 1.0);
    }

    // The real problem in miniature: Σ is the law of a measured spectrum, the library spectrum
    // is noise-free, so the right mineral's χ² is far below χ²ₙ₋₂ and its p-values under the
    // model's law pile up at 1. Learned from 1,500 such fits, the conformal p-values of 1,500
    // new ones are uniform, "no fit at 5 %" is said for 5 % of them, and the wrong mineral is
    // still rejected.
    void learnedLawMakesTheRightMineralsPValuesUniform() {
        const int n = 30;
        const ResampledLibrary lib = twoMinerals(n);
        const MatrixXd sigma = smoothCovariance(n, 0.02);
        const MatrixXd signal = MatrixXd(sigma.llt().matrixL()) * std::sqrt(0.3);
        auto matcher = MineralMatcher::create(lib, MatchOptions{{}, false, false});
        QVERIFY(matcher);
        DeterministicRandom random(5);
        auto draw = [&](int mineral) {
            VectorXd z(n);
            for (int i = 0; i < n; ++i) z[i] = random.normal();
            // A per-pixel spread of how far μ strays: a scale mixture, not one χ².
            const double spread = 0.5 + random.uniform();
            const VectorXd mu = (0.7 + 0.5 * random.uniform()) * lib.spectra.col(mineral).array() +
                                random.uniform(-0.05, 0.05) + spread * (signal * z).array();
            return gaussianPrediction(mu, sigma);
        };
        LibraryFitCalibration c;
        c.minerals = lib.names;
        c.channels = n;
        for (int k = 0; k < 1500; ++k) {
            auto id = matcher->identify(draw(k % 2));
            QVERIFY(id);
            c.nullChiSquared.push_back(id->fits[std::size_t(k % 2)].chiSquared);
            c.nullBestSingleChiSquared.push_back(id->leastChiSquared());
        }
        std::sort(c.nullChiSquared.begin(), c.nullChiSquared.end());
        std::sort(c.nullBestSingleChiSquared.begin(), c.nullBestSingleChiSquared.end());
        c.nullBestChiSquared = {0.0};  // pairs are off here: never read
        std::vector<double> raw, calibrated, wrong;
        int rejected = 0, noFit = 0;
        const int draws = 1500;
        for (int k = 0; k < draws; ++k) {
            const PredictiveDistribution p = draw(k % 2);
            auto before = matcher->identify(p);
            auto after = matcher->identify(p, &c);
            QVERIFY(before && after);
            QVERIFY(!before->calibrated && after->calibrated);
            const MineralFit& right = after->fits[std::size_t(k % 2)];
            QCOMPARE(right.chiSquared, before->fits[std::size_t(k % 2)].chiSquared);
            QCOMPARE(right.pValue, c.pValue(right.chiSquared));
            raw.push_back(before->fits[std::size_t(k % 2)].pValue);
            calibrated.push_back(right.pValue);
            wrong.push_back(after->fits[std::size_t(1 - k % 2)].pValue);
            rejected += right.pValue <= 0.05;
            noFit += after->noMineralFits(0.05);
            QCOMPARE(after->anyFitPValue, c.anyFitPValue(before->leastChiSquared(), false));
            // Without calibration the verdict is the largest of the fits' p-values.
            QCOMPARE(before->anyFitPValue,
                     std::max(before->fits[0].pValue, before->fits[1].pValue));
        }
        const double critical = 1.63 / std::sqrt(double(draws));  // 1 % level
        QVERIFY2(ksDistanceFromUniform(raw) > 5 * critical, "the model's law should fail here");
        const double ks = ksDistanceFromUniform(calibrated);
        QVERIFY2(ks < critical, qPrintable(QString("KS distance %1").arg(ks)));
        // Binomial(1500, 0.05): mean 75, sd 8.4.
        QVERIFY2(rejected > 75 - 30 && rejected < 75 + 30, qPrintable(QString::number(rejected)));
        // The verdict has a law of its own (the least χ² of all fits): said for 5 % too.
        QVERIFY2(noFit > 75 - 30 && noFit < 75 + 30, qPrintable(QString::number(noFit)));
        std::sort(wrong.begin(), wrong.end());
        QVERIFY2(wrong[std::size_t(draws * 0.95)] < 0.01, "the wrong mineral should be rejected");
    }

    // A calibration of another library (names or channel count) is not applied.
    void calibrationOfAnotherLibraryIsNotUsed() {
        const int n = 30;
        auto matcher = MineralMatcher::create(twoMinerals(n), MatchOptions{});
        QVERIFY(matcher);
        const PredictiveDistribution p =
            gaussianPrediction(twoMinerals(n).spectra.col(0), smoothCovariance(n, 0.02));
        LibraryFitCalibration c = validCalibration();
        QVERIFY(matcher->identify(p, &c)->calibrated);
        c.minerals = {"alunite", "calcite"};
        QVERIFY(!matcher->identify(p, &c)->calibrated);
        c = validCalibration();
        c.channels = 31;
        QVERIFY(!matcher->identify(p, &c)->calibrated);
        // Tempering keeps the ranking and sums to one.
        c = validCalibration();
        auto plain = matcher->identify(p);
        auto tempered = matcher->identify(p, &c);
        QCOMPARE(tempered->ranking, plain->ranking);
        QCOMPARE(tempered->fits[0].posterior + tempered->fits[1].posterior, 1.0);
        const std::vector<double> expected =
            temperPosterior({plain->fits[0].posterior, plain->fits[1].posterior}, 1.7);
        QCOMPARE(tempered->fits[0].posterior, expected[0]);
    }

    // Labels drawn from softmax(s) while the posterior says softmax(2.5 s): the fitted
    // temperature is 2.5 (to the sampling error of 4,000 labels), and the log-likelihood at it
    // beats its neighbours'.
    void temperatureRecoversTheOverconfidenceThatMadeTheLabels() {
        DeterministicRandom random(21);
        std::vector<LabelledFit> fits;
        for (int k = 0; k < 4000; ++k) {
            std::vector<double> logits(4), truth(4), claimed(4);
            for (double& s : logits) s = 1.5 * random.normal();
            double zt = 0, zc = 0;
            for (int j = 0; j < 4; ++j) {
                zt += truth[std::size_t(j)] = std::exp(logits[std::size_t(j)]);
                zc += claimed[std::size_t(j)] = std::exp(2.5 * logits[std::size_t(j)]);
            }
            double u = random.uniform() * zt;
            int label = 0;
            while (label < 3 && (u -= truth[std::size_t(label)]) > 0) ++label;
            LabelledFit f;
            f.mineral = label;
            for (double& c : claimed) f.posterior.push_back(c / zc);
            fits.push_back(f);
        }
        const double t = fitPosteriorTemperature(fits);
        QVERIFY2(std::abs(t - 2.5) < 0.25, qPrintable(QString::number(t)));
        // Underflowed posteriors stay finite when tempered.
        const std::vector<double> p = temperPosterior({1.0, 0.0, 1e-320}, 3.0);
        QVERIFY(std::isfinite(p[1]) && std::abs(p[0] + p[1] + p[2] - 1.0) < 1e-15);
        QCOMPARE(temperPosterior({0.2, 0.8}, 1.0)[1], 0.8);
    }

    void storedCalibrationRoundTrips() {
        const LibraryFitCalibration c = validCalibration();
        auto back = LibraryFitCalibration::fromJson(json::parse(c.toJson().dump()), "m.specres");
        QVERIFY2(back, back ? "" : back.error().c_str());
        QCOMPARE(back->nullChiSquared, c.nullChiSquared);
        QCOMPARE(back->minerals, c.minerals);
        QCOMPARE(back->posteriorTemperature, c.posteriorTemperature);
        QCOMPARE(back->channels, c.channels);
        QCOMPARE(back->minimumAbundance, c.minimumAbundance);
    }

    // Every damaged field is refused with the file and the field named.
    void damagedCalibrationFieldsAreRefused() {
        struct Case {
            const char* field;
            json value;  // null: removed
        };
        const double nan = std::nan("");
        const Case cases[] = {
            {"null_chi_squared", nullptr},
            {"null_chi_squared", json::array()},
            {"null_chi_squared", json::array({1.0, -2.0})},
            {"null_chi_squared", json::array({1.0, nan})},
            {"null_best_chi_squared", nullptr},
            {"null_best_single_chi_squared", json::array({-1.0})},
            {"posterior_temperature", nullptr},
            {"posterior_temperature", -1.0},
            {"posterior_temperature", 0.0},
            {"posterior_temperature", nan},
            {"minimum_abundance", -0.1},
            {"minimum_abundance", 1.5},
            {"minimum_abundance", "high"},
            {"minerals", json::array()},
            {"minerals", nullptr},
            {"channels", 1},
            {"channels", 2.5},
            {"posterior_pixels", -3},
            {"library", nullptr},
        };
        for (const Case& c : cases) {
            json document = validCalibration().toJson();
            if (c.value.is_null())
                document.erase(c.field);
            else
                document[c.field] = c.value;
            auto read = LibraryFitCalibration::fromJson(document, "model.specres");
            QVERIFY2(!read, c.field);
            QVERIFY2(read.error().find("model.specres") != std::string::npos, read.error().c_str());
            QVERIFY2(read.error().find(std::string("library_fit_calibration.") + c.field) !=
                         std::string::npos,
                     read.error().c_str());
        }
    }

    // An abundance raster must be a fraction for every pixel of the pair's grid: NaN, nodata,
    // values outside [0, 1], another size or a folder are refused with the file (and the pixel)
    // named.
    void badAbundanceRastersAreRefused() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        struct Case {
            const char* name;
            std::function<double(int, int, int)> value;
            std::optional<double> nodata;
            int width;
            const char* message;
        };
        const double nan = std::nan("");
        const Case cases[] = {
            {"good.tif", [](int, int c, int r) { return 0.1 * (c + r); }, {}, 4, nullptr},
            {"nan.tif",
             [nan](int, int c, int r) { return c == 2 && r == 1 ? nan : 0.5; },
             {},
             4,
             "pixel (column 2, row 1) has abundance nan"},
            {"above.tif",
             [](int, int c, int) { return c == 3 ? 1.5 : 0.5; },
             {},
             4,
             "pixel (column 3, row 0) has abundance 1.5"},
            {"nodata.tif", [](int, int c, int r) { return c == 0 && r == 2 ? -9 : 0.5; }, -9.0, 4,
             "pixel (column 0, row 2)"},
            {"small.tif",
             [](int, int, int) { return 0.5; },
             {},
             3,
             "the abundance raster is 3 × 3 pixels, the pair 4 × 3"},
        };
        for (const Case& c : cases) {
            test::RasterSpec spec;
            spec.bands = 1;
            spec.width = c.width;
            spec.value = c.value;
            spec.nodata = c.nodata;
            const std::string path = folder + "/" + c.name;
            QVERIFY(test::writeRaster(path, spec));
            auto read = readAbundanceRaster(path, 4, 3);
            if (!c.message) {
                QVERIFY2(read, read ? "" : read.error().c_str());
                QCOMPARE(read->size(), std::size_t(12));
                QCOMPARE(double((*read)[std::size_t(1 * 4 + 2)]), double(float(0.3)));
                continue;
            }
            QVERIFY2(!read, c.name);
            QVERIFY2(read.error().find(path) != std::string::npos &&
                         read.error().find(c.message) != std::string::npos,
                     read.error().c_str());
        }
        auto folderRead = readAbundanceRaster(folder, 4, 3);
        QVERIFY(!folderRead);
        QVERIFY2(folderRead.error().find(folder) != std::string::npos, folderRead.error().c_str());
    }

    // A model file without the calibration (every file before it) still loads, without one;
    // a model context with a damaged one is refused, naming the file.
    void modelContextsWithAndWithoutCalibrationLoad() {
        ModelContext context;
        context.lowWavelengthsUm = {2.1, 2.2, 2.3};
        context.highWavelengthsUm = {2.1, 2.15, 2.2, 2.25};
        json document = context.toJson();
        QVERIFY(!document.contains("library_fit_calibration"));
        auto old = ModelContext::fromJson(document, "old.specres");
        QVERIFY2(old, old ? "" : old.error().c_str());
        QVERIFY(!old->fitCalibration);
        context.fitCalibration = validCalibration();
        document = context.toJson();
        auto now = ModelContext::fromJson(document, "new.specres");
        QVERIFY2(now, now ? "" : now.error().c_str());
        QVERIFY(now->fitCalibration);
        QCOMPARE(now->fitCalibration->nullChiSquared, validCalibration().nullChiSquared);
        document["library_fit_calibration"]["posterior_temperature"] = -2.0;
        auto bad = ModelContext::fromJson(document, "new.specres");
        QVERIFY(!bad);
        QVERIFY2(bad.error().find("new.specres") != std::string::npos &&
                     bad.error().find("posterior_temperature") != std::string::npos,
                 bad.error().c_str());
    }
};

QTEST_APPLESS_MAIN(FitCalibrationTest)
#include "test_fit_calibration.moc"
