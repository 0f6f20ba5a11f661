// The pair check against damage the test applies itself to a clean demo pair: known shifts, a
// rotation, a gain and offset, stripes, a cloud; and rasters it must refuse by name.

#include <gdal_priv.h>
#include <gdal_utils.h>

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "TestRasters.h"
#include "data/PairDataset.h"
#include "experiment/ExperimentConfig.h"
#include "experiment/ExperimentRunner.h"
#include "paircheck/PairCheck.h"
#include "paircheck/PairCheckReport.h"
#include "paircheck/PhaseCorrelation.h"

using namespace specres;

namespace {

/// A copy of `from` at `to`, changed by `damage` (the open copy, writable).
bool damagedCopy(const std::string& from, const std::string& to,
                 const std::function<void(GDALDataset&)>& damage) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> source(GDALDataset::Open(from.c_str(), GDAL_OF_RASTER));
    if (!source) return false;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    std::unique_ptr<GDALDataset> copy(
        driver->CreateCopy(to.c_str(), source.get(), false, nullptr, nullptr, nullptr));
    if (!copy) return false;
    damage(*copy);
    return true;
}

/// The first `bands` bands of a raster.
std::string firstBands(const std::string& from, const std::string& to, int bands) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> source(GDALDataset::Open(from.c_str(), GDAL_OF_RASTER));
    std::vector<std::string> words;
    for (int b = 1; b <= bands; ++b) words.insert(words.end(), {"-b", std::to_string(b)});
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
    GDALClose(GDALTranslate(to.c_str(), source.get(), options, nullptr));
    GDALTranslateOptionsFree(options);
    return to;
}

/// Moves the grid by (dx, dy) of its own pixels: the content then appears shifted by (dx, dy)
/// against the high raster.
void shiftGrid(GDALDataset& d, double dx, double dy) {
    double g[6];
    d.GetGeoTransform(g);
    g[0] += dx * g[1] + dy * g[2];
    g[3] += dx * g[4] + dy * g[5];
    d.SetGeoTransform(g);
}

/// Applies f(band, column, row, value) → value to every pixel.
void editValues(GDALDataset& d, const std::function<float(int, int, int, float)>& f) {
    const int w = d.GetRasterXSize(), h = d.GetRasterYSize();
    std::vector<float> values(std::size_t(w) * h);
    for (int b = 0; b < d.GetRasterCount(); ++b) {
        GDALRasterBand* band = d.GetRasterBand(b + 1);
        if (band->RasterIO(GF_Read, 0, 0, w, h, values.data(), w, h, GDT_Float32, 0, 0) != CE_None)
            return;
        for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c)
                values[std::size_t(r) * w + c] = f(b, c, r, values[std::size_t(r) * w + c]);
        if (band->RasterIO(GF_Write, 0, 0, w, h, values.data(), w, h, GDT_Float32, 0, 0) != CE_None)
            return;
    }
}

/// The image turned by `degrees` about its centre (bilinear; NaN where the source is outside).
Image rotated(const Image& in, double degrees) {
    const double a = degrees * M_PI / 180.0, c = std::cos(a), s = std::sin(a);
    const double cx = 0.5 * (in.cols() - 1), cy = 0.5 * (in.rows() - 1);
    Image out(in.rows(), in.cols());
    for (Eigen::Index r = 0; r < in.rows(); ++r) {
        for (Eigen::Index k = 0; k < in.cols(); ++k) {
            const double x = c * (k - cx) + s * (r - cy) + cx,
                         y = -s * (k - cx) + c * (r - cy) + cy;
            const auto x0 = Eigen::Index(std::floor(x)), y0 = Eigen::Index(std::floor(y));
            if (x0 < 0 || y0 < 0 || x0 + 1 >= in.cols() || y0 + 1 >= in.rows()) {
                out(r, k) = NAN;
                continue;
            }
            const double fx = x - double(x0), fy = y - double(y0);
            out(r, k) = (1 - fy) * ((1 - fx) * in(y0, x0) + fx * in(y0, x0 + 1)) +
                        fy * ((1 - fx) * in(y0 + 1, x0) + fx * in(y0 + 1, x0 + 1));
        }
    }
    return out;
}

}  // namespace

class TestPairCheck : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string high_, low_;
    PairCheckResult clean_;

    std::string path(const std::string& name) const {
        return dir_.filePath(name.c_str()).toStdString();
    }

    PairCheckResult check(const std::string& low) {
        auto result = checkPair(high_, low);
        if (!result) qFatal("%s", result.error().c_str());
        return *result;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // SPECRES_KEEP_TEST_FILES keeps the damaged rasters for a look.
        dir_.setAutoRemove(!qEnvironmentVariableIsSet("SPECRES_KEEP_TEST_FILES"));
        auto demo = test::writeDemoPair(path("demo"), 256, 256);
        QVERIFY2(demo, demo.error().c_str());
        high_ = demo->highPath;
        low_ = demo->lowPath;
        clean_ = check(low_);
    }

    void phaseCorrelationFindsAKnownShiftOfABroadbandImage() {
        // A field of 60 sinusoids of random frequency, direction and phase (broadband, like a
        // scene), and the same field moved by a known amount: exact values, no resampling.
        auto field = [](double x, double y) {
            double v = 0.0;
            std::uint64_t state = 12345;
            auto next = [&state] {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                return double(state >> 11) * 0x1.0p-53;
            };
            for (int k = 0; k < 60; ++k) {
                const double f = 0.01 + 0.2 * next(), theta = 2 * M_PI * next(),
                             phase = 2 * M_PI * next();
                v += std::cos(2 * M_PI * f * (x * std::cos(theta) + y * std::sin(theta)) + phase) /
                     (1 + 20 * f);
            }
            return v;
        };
        Image a(96, 112), b(96, 112);
        for (int r = 0; r < 96; ++r)
            for (int c = 0; c < 112; ++c) {
                a(r, c) = field(c, r);
                b(r, c) = field(c - 1.37, r + 2.21);
            }
        auto s = phaseCorrelation({&a}, {&b});
        QVERIFY2(s, s.error().c_str());
        QVERIFY2(std::abs(s->dx - 1.37) < 0.03 && std::abs(s->dy + 2.21) < 0.03,
                 qPrintable(QString("found %1, %2").arg(s->dx).arg(s->dy)));
    }

    void theCleanDemoPairIsUsable() {
        QVERIFY2(std::hypot(clean_.shift.dx, clean_.shift.dy) < 0.05,
                 qPrintable(QString("shift %1, %2").arg(clean_.shift.dx).arg(clean_.shift.dy)));
        QCOMPARE(QString(toString(clean_.verdict)), QString(toString(PairVerdict::Usable)));
        QVERIFY(clean_.flaggedPixels <= clean_.validPixels / 100);
        QCOMPARE(int(clean_.bands.size()), 5);
        for (const auto& band : clean_.bands) {
            QVERIFY2(band.r2 > 0.9, qPrintable(QString::number(band.r2)));
            QVERIFY2(std::abs(band.gain - 1.0) < 0.05, qPrintable(QString::number(band.gain)));
            QVERIFY(band.stripedColumns.empty());
        }
        QVERIFY(std::abs(clean_.rotationDegrees) < 0.1);
    }

    void knownShiftsAreRecoveredWithinATenthOfAPixel_data() {
        QTest::addColumn<double>("shift");
        for (double s : {0.3, 0.5, 1.0, 2.7}) QTest::newRow(qPrintable(QString::number(s))) << s;
    }
    void knownShiftsAreRecoveredWithinATenthOfAPixel() {
        QFETCH(double, shift);
        const std::string low = path("shift_" + std::to_string(shift) + ".tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) { shiftGrid(d, shift, -0.6 * shift); }));
        const PairCheckResult r = check(low);
        QVERIFY2(std::abs(r.shift.dx - shift) < 0.1 && std::abs(r.shift.dy + 0.6 * shift) < 0.1,
                 qPrintable(QString("applied %1, %2; found %3 ± %4, %5 ± %6")
                                .arg(shift)
                                .arg(-0.6 * shift)
                                .arg(r.shift.dx)
                                .arg(r.shiftSigmaX)
                                .arg(r.shift.dy)
                                .arg(r.shiftSigmaY)));
        // In map units: the low grid's 2 × 2 demo pixels.
        QVERIFY(std::abs(r.shiftMapX - r.shift.dx * r.geoTransform[1]) < 1e-9);
        std::string why;
        for (const auto& reason : r.reasons) why += reason + "; ";
        QVERIFY2(r.verdict == PairVerdict::UsableAfterCorrection, why.c_str());
        // The radiometry is measured after aligning: the shift does not pass for noise.
        for (std::size_t b = 0; b < r.bands.size(); ++b)
            QVERIFY2(r.bands[b].r2 > clean_.bands[b].r2 - 0.02,
                     qPrintable(QString::number(r.bands[b].r2)));
    }

    void aRotationOfHalfADegreeIsMeasuredAndRefused() {
        // The content turned by 0.5° about the scene's centre, resampled onto the same grid: a
        // copy whose pixel axes are rotated, warped back onto the original north-up grid.
        const std::string turned = path("turned.tif"), low = path("rotated.tif");
        const double angle = 0.5 * M_PI / 180.0;
        double g[6];
        int w = 0, h = 0;
        QVERIFY(damagedCopy(low_, turned, [&](GDALDataset& d) {
            d.GetGeoTransform(g);
            w = d.GetRasterXSize();
            h = d.GetRasterYSize();
            const double cx = g[0] + 0.5 * w * g[1] + 0.5 * h * g[2];
            const double cy = g[3] + 0.5 * w * g[4] + 0.5 * h * g[5];
            const double c = std::cos(angle), s = std::sin(angle);
            double r[6] = {0, c * g[1] - s * g[4], c * g[2] - s * g[5],
                           0, s * g[1] + c * g[4], s * g[2] + c * g[5]};
            r[0] = cx - 0.5 * w * r[1] - 0.5 * h * r[2];
            r[3] = cy - 0.5 * w * r[4] - 0.5 * h * r[5];
            d.SetGeoTransform(r);
        }));
        std::unique_ptr<GDALDataset> source(GDALDataset::Open(turned.c_str(), GDAL_OF_RASTER));
        std::vector<std::string> args = {"-te",
                                         std::to_string(g[0]),
                                         std::to_string(g[3] + h * g[5]),
                                         std::to_string(g[0] + w * g[1]),
                                         std::to_string(g[3]),
                                         "-ts",
                                         std::to_string(w),
                                         std::to_string(h),
                                         "-r",
                                         "cubic",
                                         "-dstnodata",
                                         "nan"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv.data(), nullptr);
        GDALDatasetH sources[1] = {source.get()};
        GDALClose(GDALWarp(low.c_str(), nullptr, 1, sources, options, nullptr));
        GDALWarpAppOptionsFree(options);
        const PairCheckResult r = check(low);
        QVERIFY2(std::abs(std::abs(r.rotationDegrees) - 0.5) < 0.1,
                 qPrintable(QString("rotation %1°").arg(r.rotationDegrees)));
        QCOMPARE(QString(toString(r.verdict)), QString(toString(PairVerdict::NotUsable)));
    }

    void aGainAndOffsetOnOneBandAreRecovered() {
        const std::string low = path("gain.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) {
            editValues(d, [](int b, int, int, float v) { return b == 2 ? 1.08f * v + 0.01f : v; });
        }));
        const PairCheckResult r = check(low);
        const auto& before = clean_.bands[2];
        const auto& after = r.bands[2];
        QVERIFY2(std::abs(after.gain / before.gain - 1.08) < 0.0108,
                 qPrintable(QString("gain %1 → %2").arg(before.gain).arg(after.gain)));
        QVERIFY2(std::abs(after.offset - (1.08 * before.offset + 0.01)) < 0.002,
                 qPrintable(QString("offset %1 → %2").arg(before.offset).arg(after.offset)));
        QVERIFY(std::abs(r.bands[0].gain - clean_.bands[0].gain) < 1e-3);
    }

    void aStripeOnEveryEighthColumnIsFound() {
        const std::string low = path("striped.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) {
            editValues(
                d, [](int b, int c, int, float v) { return b == 1 && c % 8 == 0 ? v + 0.01f : v; });
        }));
        const PairCheckResult r = check(low);
        // Every 8th column that holds data to compare (the scene's edge columns may not).
        std::set<int> expected;
        for (int c = 0; c < r.width; c += 8)
            if (std::isfinite(r.bands[1].columnMeans[c])) expected.insert(c);
        QVERIFY(expected.size() >= 15);
        const auto& found = r.bands[1].stripedColumns;
        QString list;
        for (int c : found) list += QString::number(c) + " ";
        QVERIFY2(std::set<int>(found.begin(), found.end()) == expected,
                 qPrintable("found " + list));
        QVERIFY(r.bands[0].stripedColumns.empty());
    }

    void aCloudIsFlaggedAndLittleElse() {
        const std::string low = path("cloud.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) {
            editValues(d, [](int b, int c, int r, float v) {
                const bool cloud = c >= 40 && c < 64 && r >= 70 && r < 90;
                return cloud ? 0.55f + 0.5f * v + 0.01f * b : v;
            });
        }));
        const PairCheckResult r = check(low);
        std::int64_t inside = 0, insideFlagged = 0, outside = 0, outsideFlagged = 0;
        for (int row = 0; row < r.height; ++row) {
            for (int c = 0; c < r.width; ++c) {
                const std::size_t i = std::size_t(row) * r.width + c;
                if (!std::isfinite(r.disagreement.data()[i])) continue;
                const bool cloud = c >= 40 && c < 64 && row >= 70 && row < 90;
                (cloud ? inside : outside) += 1;
                (cloud ? insideFlagged : outsideFlagged) += r.flags[i];
            }
        }
        QVERIFY2(insideFlagged >= 0.95 * inside,
                 qPrintable(QString("%1 of %2").arg(insideFlagged).arg(inside)));
        QVERIFY2(outsideFlagged <= 0.01 * outside,
                 qPrintable(QString("%1 of %2").arg(outsideFlagged).arg(outside)));
        QCOMPARE(QString(toString(r.verdict)),
                 QString(toString(PairVerdict::UsableAfterCorrection)));
    }

    void theMeasuredShiftCorrectsThePair() {
        const std::string low = path("to_correct.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) { shiftGrid(d, 0.7, -0.4); }));
        const PairCheckResult measured = check(low);
        PairCheckOptions corrected;
        corrected.pair.lowShiftPx = {measured.shift.dx, measured.shift.dy};
        auto again = checkPair(high_, low, corrected);
        QVERIFY2(again, again.error().c_str());
        QVERIFY2(std::hypot(again->shift.dx, again->shift.dy) < 0.05,
                 qPrintable(QString("left %1, %2").arg(again->shift.dx).arg(again->shift.dy)));
        QCOMPARE(QString(toString(again->verdict)), QString(toString(PairVerdict::Usable)));
    }

    void theFlagsLeavePixelsOutOfTheSplitAndTheReportIsWhole() {
        const std::string low = path("cloud_for_split.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) {
            editValues(d, [](int b, int c, int r, float v) {
                return c >= 10 && c < 30 && r >= 10 && r < 25 ? 0.6f + 0.01f * b : v;
            });
        }));
        const PairCheckResult r = check(low);
        auto files = writePairCheckReport(r, path("report"));
        QVERIFY2(files, files.error().c_str());
        for (const std::string& f :
             {files->markdown, files->json, files->shifts, files->radiometry, files->striping,
              files->disagreement, files->disagreementMap, files->flags})
            QVERIFY2(std::filesystem::file_size(f) > 100, f.c_str());
        std::ifstream json(files->json);
        const auto document = nlohmann::json::parse(json);
        QCOMPARE(document["disagreement"]["flagged_pixels"].get<std::int64_t>(), r.flaggedPixels);
        QCOMPARE(QString::fromStdString(document["verdict"].get<std::string>()),
                 QString(toString(r.verdict)));
        // On the high grid (2 × 2 high pixels per low one) the flagged low pixels leave out four
        // pixels each.
        auto pair = RasterPair::open(high_, low);
        QVERIFY2(pair, pair.error().c_str());
        DatasetOptions options;
        options.excludeMaskPath = files->flags;
        auto survey = surveyPixels(*pair, options);
        QVERIFY2(survey, survey.error().c_str());
        QCOMPARE(survey->maskExcluded, 4 * r.flaggedPixels);
        auto all = surveyPixels(*pair, DatasetOptions{});
        QCOMPARE(std::int64_t(all->usablePixels.size() - survey->usablePixels.size()),
                 survey->maskExcluded);
    }

    void theCheckRidesOnTheSplitsPassAndAnswersTheSame() {
        const std::string low = path("ride.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) { shiftGrid(d, 0.7, -0.4); }));
        auto alone = checkPair(high_, low);
        QVERIFY2(alone, alone.error().c_str());
        auto check = PairCheck::prepare(high_, low);
        QVERIFY2(check, check.error().c_str());
        auto pair = RasterPair::open(high_, low);
        QVERIFY2(pair, pair.error().c_str());
        QVERIFY(check->sharesHighRaster(*pair));
        auto split = buildPixelSplit(*pair, DatasetOptions{}, nullptr, nullptr, &*check);
        QVERIFY2(split, split.error().c_str());
        QCOMPARE(check->observedShare(), 1.0);
        auto riding = check->finish();
        QVERIFY2(riding, riding.error().c_str());
        // The same rows summed in the same order: the same answer to the bit.
        QCOMPARE(riding->shift.dx, alone->shift.dx);
        QCOMPARE(riding->shift.dy, alone->shift.dy);
        QVERIFY(riding->flags == alone->flags);
        for (std::size_t b = 0; b < alone->bands.size(); ++b) {
            QCOMPARE(riding->bands[b].gain, alone->bands[b].gain);
            QCOMPARE(riding->bands[b].offset, alone->bands[b].offset);
        }
        QVERIFY(riding->disagreement.cwiseEqual(alone->disagreement).count() +
                    riding->disagreement.array().isNaN().count() ==
                alone->disagreement.size());
        // The split is the one drawn without the check watching.
        auto plain = buildPixelSplit(*pair, DatasetOptions{});
        QVERIFY(plain->train == split->train && plain->test == split->test);

        // A pair put on the low grid, or another file, is not the check's high raster.
        PairOptions onLow;
        onLow.grid = PairGrid::Low;
        auto lowGrid = RasterPair::open(high_, low, onLow);
        QVERIFY2(lowGrid, lowGrid.error().c_str());
        QVERIFY(!check->sharesHighRaster(*lowGrid));
        const std::string other = path("other_high.tif");
        std::filesystem::copy_file(high_, other);
        auto otherPair = RasterPair::open(other, low);
        QVERIFY2(otherPair, otherPair.error().c_str());
        QVERIFY(!check->sharesHighRaster(*otherPair));
    }

    void theRunnerGivesTheVerdictBeforeTraining() {
        const std::string low = path("runner.tif");
        QVERIFY(damagedCopy(low_, low, [&](GDALDataset& d) { shiftGrid(d, 0.7, -0.4); }));
        auto pair = RasterPair::open(high_, low);
        QVERIFY2(pair, pair.error().c_str());
        ExperimentRequest request;
        request.config.dataset.sampleCount = 400;
        request.methods = {MethodSpec{"G", CovarianceType::Diagonal}};
        std::vector<std::string> events;
        PairCheckRequest asked;
        asked.highPath = high_;
        asked.lowPath = low;
        asked.onChecked = [&](const Result<PairCheckResult>& r) {
            events.push_back(r ? std::string("checked: ") + toString(r->verdict) : r.error());
        };
        request.pairCheck = asked;
        auto outcome = runExperiment(*pair, request, nullptr, [&](const MethodRun&, TrainedModel&) {
            events.push_back("trained");
            return Status::success();
        });
        QVERIFY2(outcome, outcome.error().c_str());
        QCOMPARE(int(events.size()), 2);
        QCOMPARE(QString::fromStdString(events[0]), QString("checked: usable after correction"));
        QCOMPARE(QString::fromStdString(events[1]), QString("trained"));
        QVERIFY(outcome->pairCheck.has_value());
        QVERIFY(std::abs(outcome->pairCheck->shift.dx - 0.7) < 0.1);

        // A low raster the check cannot read (three bands) is said so, and trained on.
        asked.lowPath = firstBands(low_, path("three_bands_runner.tif"), 3);
        events.clear();
        request.pairCheck = asked;
        outcome = runExperiment(*pair, request, nullptr, [&](const MethodRun&, TrainedModel&) {
            events.push_back("trained");
            return Status::success();
        });
        QVERIFY2(outcome, outcome.error().c_str());
        QCOMPARE(int(events.size()), 2);
        QVERIFY2(events[0].find("3 bands") != std::string::npos, events[0].c_str());
        QVERIFY(!outcome->pairCheck.has_value());
    }

    void theCorrectionsAreRecordedInTheConfiguration() {
        ExperimentConfig config;
        config.dataset.excludeMaskPath = "flags.tif";
        config.dataset.lowShiftPx = {0.7, -0.4};
        auto back = experimentConfigFromJson(config.toJson(), "config.json");
        QVERIFY2(back, back.error().c_str());
        QCOMPARE(QString::fromStdString(back->dataset.excludeMaskPath), QString("flags.tif"));
        QCOMPARE(back->dataset.lowShiftPx[0], 0.7);
        QCOMPARE(back->dataset.lowShiftPx[1], -0.4);
        // Without corrections nothing is written (files from before them read the same).
        QVERIFY(!ExperimentConfig{}.toJson()["dataset"].contains("low_shift_px"));
        auto bad = experimentConfigFromJson(
            nlohmann::json::parse(R"({"dataset": {"low_shift_px": [1]}})"), "c.json");
        QVERIFY(!bad);
        QVERIFY2(bad.error().find("c.json: dataset: \"low_shift_px\" must be two numbers") !=
                     std::string::npos,
                 bad.error().c_str());
    }

    // The real Jasper Ridge cube with its ASTER simulation (pixel-aligned, not georeferenced):
    // the damage is applied to the content itself (moved by cubic convolution, scaled,
    // striped, clouded), since there is no georeference to move.
    void jasperRidgeDamageIsRecovered() {
        const std::string dir = test::sharedDataDir() + "/jasper_ridge_pair";
        if (!std::filesystem::exists(dir + "/aviris_jasper.img"))
            QSKIP("the Jasper Ridge pair is absent");
        const std::string high = dir + "/aviris_jasper.img", low = dir + "/aster_sim_jasper.tif";
        auto clean = checkPair(high, low);
        QVERIFY2(clean, clean.error().c_str());
        QVERIFY(std::hypot(clean->shift.dx, clean->shift.dy) < 0.05);
        auto damaged = [&](const std::string& name,
                           const std::function<void(int, Image&)>& damage) {
            const std::string path = this->path(name);
            damagedCopy(low, path, [&](GDALDataset& d) {
                const int w = d.GetRasterXSize(), h = d.GetRasterYSize();
                for (int b = 0; b < d.GetRasterCount(); ++b) {
                    Image image(h, w);
                    std::vector<float> v(std::size_t(w) * h);
                    if (d.GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, w, h, v.data(), w, h,
                                                         GDT_Float32, 0, 0) != CE_None)
                        return;
                    for (int i = 0; i < w * h; ++i) image.data()[i] = v[std::size_t(i)];
                    damage(b, image);
                    for (int i = 0; i < w * h; ++i) v[std::size_t(i)] = float(image.data()[i]);
                    if (d.GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h,
                                                         GDT_Float32, 0, 0) != CE_None)
                        return;
                }
            });
            auto r = checkPair(high, path);
            if (!r) qFatal("%s", r.error().c_str());
            return *r;
        };
        for (double s : {0.3, 0.5, 1.0, 2.7}) {
            const auto r =
                damaged("jasper_shift.tif", [&](int, Image& i) { i = shiftImage(i, s, -0.6 * s); });
            QVERIFY2(std::abs(r.shift.dx - s) < 0.1 && std::abs(r.shift.dy + 0.6 * s) < 0.1,
                     qPrintable(QString("Jasper: applied %1, %2; found %3, %4")
                                    .arg(s)
                                    .arg(-0.6 * s)
                                    .arg(r.shift.dx)
                                    .arg(r.shift.dy)));
        }
        const auto turned =
            damaged("jasper_rotated.tif", [](int, Image& i) { i = rotated(i, 0.5); });
        QVERIFY2(std::abs(std::abs(turned.rotationDegrees) - 0.5) < 0.1,
                 qPrintable(QString("Jasper: rotation %1°").arg(turned.rotationDegrees)));
        QCOMPARE(QString(toString(turned.verdict)), QString(toString(PairVerdict::NotUsable)));
        const auto gain = damaged("jasper_gain.tif", [](int b, Image& i) {
            if (b == 3) i = (1.08 * i.array() + 0.01).matrix();
        });
        QVERIFY2(std::abs(gain.bands[3].gain / clean->bands[3].gain - 1.08) < 0.0108,
                 qPrintable(QString::number(gain.bands[3].gain)));
        QVERIFY(std::abs(gain.bands[3].offset - (1.08 * clean->bands[3].offset + 0.01)) < 0.002);
        const auto striped = damaged("jasper_stripe.tif", [](int b, Image& i) {
            if (b == 0)
                for (Eigen::Index c = 0; c < i.cols(); c += 8) i.col(c).array() += 0.01;
        });
        std::set<int> expected;
        for (int c = 0; c < striped.width; c += 8)
            if (std::isfinite(striped.bands[0].columnMeans[c])) expected.insert(c);
        const auto& found = striped.bands[0].stripedColumns;
        QVERIFY(expected.size() >= 12);
        QVERIFY(std::set<int>(found.begin(), found.end()) == expected);
        const auto cloud = damaged("jasper_cloud.tif", [](int b, Image& i) {
            i.block(60, 20, 15, 20).setConstant(0.6 + 0.01 * b);
        });
        std::int64_t inside = 0, outside = 0;
        for (int r = 0; r < cloud.height; ++r)
            for (int c = 0; c < cloud.width; ++c) {
                const bool patch = r >= 60 && r < 75 && c >= 20 && c < 40;
                const std::uint8_t f = cloud.flags[std::size_t(r) * cloud.width + c];
                (patch ? inside : outside) += f;
            }
        QVERIFY2(inside >= 0.95 * 300, qPrintable(QString::number(inside)));
        // The clean pair's own flags (its simulation's heavy tails) stay as they were, ±1 %.
        QVERIFY2(outside <= clean->flaggedPixels + 0.01 * cloud.validPixels,
                 qPrintable(QString("%1 outside, %2 in the clean pair")
                                .arg(outside)
                                .arg(clean->flaggedPixels)));
    }

    void badPairsAreRefusedByName() {
        const std::string far = path("far.tif");
        QVERIFY(damagedCopy(low_, far, [](GDALDataset& d) { shiftGrid(d, 5000, 5000); }));
        auto r = checkPair(high_, far);
        QVERIFY(!r);
        QVERIFY2(r.error().find("overlap") != std::string::npos, r.error().c_str());

        const std::string empty = path("empty.tif");
        QVERIFY(damagedCopy(low_, empty, [](GDALDataset& d) {
            editValues(d, [](int, int, int, float) { return NAN; });
        }));
        r = checkPair(high_, empty);
        QVERIFY(!r);
        QVERIFY2(r.error().find("no pixel holds data") != std::string::npos ||
                     r.error().find("empty.tif") != std::string::npos,
                 r.error().c_str());

        // A low raster with three bands, and a high raster cut short of the bands' responses.
        const std::string threeBands = firstBands(low_, path("three.tif"), 3);
        r = checkPair(high_, threeBands);
        QVERIFY(!r);
        QVERIFY2(r.error().find("three.tif: 3 bands") != std::string::npos, r.error().c_str());

        std::unique_ptr<GDALDataset> high(GDALDataset::Open(high_.c_str(), GDAL_OF_RASTER));
        std::vector<std::string> args;
        for (int b = 1; b <= high->GetRasterCount(); ++b) {
            const char* w = high->GetRasterBand(b)->GetMetadataItem("wavelength");
            if (w && std::atof(w) < 2.2) args.insert(args.end(), {"-b", std::to_string(b)});
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        GDALTranslateOptions* cut = GDALTranslateOptionsNew(argv.data(), nullptr);
        const std::string shortHigh = path("short.tif");
        GDALClose(GDALTranslate(shortHigh.c_str(), high.get(), cut, nullptr));
        GDALTranslateOptionsFree(cut);
        r = checkPair(shortHigh, low_);
        QVERIFY(!r);
        QVERIFY2(r.error().find("short.tif") != std::string::npos, r.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestPairCheck)
#include "test_pair_check.moc"
