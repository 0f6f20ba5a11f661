// The scene engine once for every map: the strip loop (one row rule, usable pixels, per-spectrum
// scaling, cancel, a failing strip) and the tiled run (resume, redo on changed inputs, merge),
// with work whose right answer is known in closed form.
#include <gdal_priv.h>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "TestRasters.h"
#include "maps/SceneStrips.h"
#include "maps/SceneTileRun.h"

using namespace specres;
using namespace specres::test;

namespace {

// The input of pixel (c, r), band b: a ramp whose min–max scaling is known (band b scales to
// b / (bands − 1)), except flat pixels (c == r: cannot be scaled) and nodata ones (c == 2r + 1).
constexpr int kBands = 4;
constexpr double kNodata = -9999;
double inputValue(int b, int c, int r) {
    if (c == 2 * r + 1) return kNodata;
    if (c == r) return 0.3;
    return 0.05 + (0.01 + 0.001 * c) * b + 0.0001 * r;
}

// Equal value for value, NaN where the other has NaN.
bool sameValues(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size() || a.empty()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(a[i]) != std::isnan(b[i]) || (!std::isnan(a[i]) && a[i] != b[i]))
            return false;
    }
    return true;
}

std::vector<float> readBand(const std::string& path, int band, int& width, int& height) {
    std::unique_ptr<GDALDataset> d(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!d) return {};
    width = d->GetRasterXSize(), height = d->GetRasterYSize();
    std::vector<float> values(std::size_t(width) * height);
    if (d->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, width, height, values.data(), width,
                                         height, GDT_Float32, 0, 0, nullptr) != CE_None)
        return {};
    return values;
}

/// Work that writes, for each accepted pixel, the mean of its scaled input (1/2 for the ramp)
/// in band 1 and its scene row in band 2; counts its strips and may fail or cancel at one.
struct RampWork {
    SceneMaps* maps = nullptr;
    int firstRow = 0;
    std::vector<std::pair<int, int>>* strips = nullptr;  // (row, rows) seen
    int failAt = -1, cancelAt = -1;
    Feedback* user = nullptr;  // cancelled at cancelAt, as the user would
    Status operator()(const SceneStrip& strip, Feedback& feedback) {
        const int index = int(strips->size());
        strips->push_back({strip.row, strip.rows});
        if (index == failAt) return fail("strip " + std::to_string(index) + " failed on purpose");
        if (index == cancelAt) user->cancel();
        if (feedback.isCancelled()) return {};  // the engine says why
        for (std::size_t u = 0; u < strip.usable.size(); ++u) {
            if (!strip.accepted[u]) continue;
            const std::size_t p = std::size_t(strip.usable[u]);
            maps->values(0)[2 * p] = float(strip.x.row(Eigen::Index(u)).mean());
            maps->values(0)[2 * p + 1] =
                float(firstRow + strip.row + std::int64_t(p) / strip.width);
        }
        return {};
    }
};

}  // namespace

class SceneEngineTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string lowPath_;
    // Wide enough that a strip is a few rows (16,384 / 3000 = 5) and the scene several strips.
    const int width_ = 3000, height_ = 23;

    std::string path(const std::string& name) {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }
    SpectralRaster low() {
        auto opened = SpectralRaster::open(lowPath_);
        if (!opened) qFatal("%s", opened.error().c_str());
        return *opened;
    }
    Status mapRows(const std::string& out, SceneRows rows, RampWork work, Feedback* feedback,
                   std::vector<std::pair<int, int>>& strips) {
        const SpectralRaster input = low();
        auto resolved = resolveSceneRows(input.path(), input.height(), rows);
        if (!resolved) return fail(resolved.error());
        SceneMaps maps(input, *resolved, {{"SPECRES_MODEL", "ramp"}});
        maps.protect(input.path(), "the input");
        if (auto made = maps.add({out, {"mean of the scaled input", "scene row"}}); !made)
            return fail(made.error());
        work.maps = &maps;
        work.firstRow = resolved->first;
        work.strips = &strips;
        if (auto ran = runSceneStrips({&input}, maps, "ramp", feedback, work); !ran) return ran;
        return maps.commit();
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        RasterSpec spec;
        spec.width = width_, spec.height = height_, spec.bands = kBands;
        spec.value = inputValue;
        spec.nodata = kNodata;
        spec.bandMetadata = wavelengthMetadata({2.1, 2.2, 2.3, 2.4}, "um");
        lowPath_ = path("low.tif");
        std::string error;
        QVERIFY2(writeRaster(lowPath_, spec, &error), error.c_str());
    }

    void stripsFollowOneRuleAndTheMapsHoldTheWorksValues() {
        std::vector<std::pair<int, int>> strips;
        QVERIFY(mapRows(path("whole.tif"), {}, {}, nullptr, strips));
        const int stripRows = sceneStripRows(width_);
        QCOMPARE(stripRows, 16384 / width_);
        int next = 0;
        for (const auto& [row, rows] : strips) {
            QCOMPARE(row, next);
            QCOMPARE(rows, std::min(stripRows, height_ - row));
            next += rows;
        }
        QCOMPARE(next, height_);
        int w = 0, h = 0;
        const auto mean = readBand(path("whole.tif"), 1, w, h);
        const auto rowOf = readBand(path("whole.tif"), 2, w, h);
        QCOMPARE(w, width_);
        QCOMPARE(h, height_);
        for (int r = 0; r < h; ++r) {
            for (int c = 0; c < w; ++c) {
                const std::size_t p = std::size_t(r) * w + c;
                if (c == 2 * r + 1 || c == r) {  // nodata, or flat: no value
                    QVERIFY2(std::isnan(mean[p]), qPrintable(QString("%1,%2").arg(c).arg(r)));
                    continue;
                }
                // Min–max scaling of a ramp over 4 bands gives 0, 1/3, 2/3, 1: mean 1/2.
                QVERIFY(std::abs(mean[p] - 0.5f) < 1e-6f);
                QCOMPARE(rowOf[p], float(r));
            }
        }
    }

    void rowsOutsideTheSceneAreRefusedAndARangeIsPlacedWhereItLies() {
        for (SceneRows bad : {SceneRows{-1, 3}, SceneRows{20, 4}, SceneRows{23, -1},
                              SceneRows{5, 0}, SceneRows{30, 1}}) {
            auto resolved = resolveSceneRows("scene.tif", height_, bad);
            QVERIFY(!resolved);
            QVERIFY(resolved.error().find("scene.tif") == 0);
        }
        QCOMPARE(resolveSceneRows("s", height_, {7, -1})->count, height_ - 7);
        std::vector<std::pair<int, int>> strips;
        QVERIFY(mapRows(path("rows.tif"), {7, 9}, {}, nullptr, strips));
        int w = 0, h = 0;
        const auto rowOf = readBand(path("rows.tif"), 2, w, h);
        QCOMPARE(h, 9);
        QCOMPARE(rowOf[std::size_t(0) * w + 3], 7.0f);
        QCOMPARE(rowOf[std::size_t(8) * w + 3], 15.0f);
        std::unique_ptr<GDALDataset> d(GDALDataset::Open(path("rows.tif").c_str(), GDAL_OF_RASTER));
        QCOMPARE(QString(d->GetMetadataItem("SPECRES_ROWS")), QString("7,9"));
    }

    void aFailingStripOrACancelLeavesWhatTheUserHadUntouched() {
        const std::string out = path("kept.tif");
        { std::ofstream(out) << "the user's own file"; }
        for (bool cancel : {false, true}) {
            RampWork work;
            (cancel ? work.cancelAt : work.failAt) = 2;
            Feedback feedback;
            work.user = &feedback;
            std::vector<std::pair<int, int>> strips;
            const Status ran = mapRows(out, {}, work, &feedback, strips);
            QVERIFY2(!ran, qPrintable(QString("%1 strips").arg(strips.size())));
            QCOMPARE(QString::fromStdString(ran.error()),
                     cancel ? QString(kCancelledMessage) : QString("strip 2 failed on purpose"));
            QCOMPARE(int(strips.size()), 3);  // it stopped there
            std::ifstream in(out);
            std::string text((std::istreambuf_iterator<char>(in)), {});
            QCOMPARE(QString::fromStdString(text), QString("the user's own file"));
            for (const auto& entry : std::filesystem::directory_iterator(dir_.path().toStdString()))
                QVERIFY2(entry.path().filename().string().find(".kept.tif.") != 0,
                         entry.path().c_str());  // no temporary file left beside it
        }
    }

    void aTiledRunResumesRedoesWhatChangedAndMergesToTheWholeRun() {
        std::vector<std::pair<int, int>> strips;
        QVERIFY(mapRows(path("single.tif"), {}, {}, nullptr, strips));
        std::set<int> made;  // tiles whose maps were made
        int cancelAfter = 2;
        Feedback feedback;
        SceneTileJob job;
        auto sums = checksumInputs({{"low", lowPath_}});
        QVERIFY(sums);
        job.inputs = *sums;
        job.inputs.push_back({"settings", "ramp v1", "1"});
        job.sceneWidth = width_, job.sceneHeight = height_;
        job.make = [&](const std::string& prefix, SceneRows rows,
                       Feedback* tileFeedback) -> Result<TileMaps> {
            std::vector<std::pair<int, int>> seen;
            if (auto ok = mapRows(prefix + "_ramp.tif", rows, {}, tileFeedback, seen); !ok)
                return fail(ok.error());
            made.insert(rows.first);
            if (int(made.size()) == cancelAfter) feedback.cancel();
            return TileMaps{{prefix + "_ramp.tif"}, std::int64_t(rows.count) * width_, 0};
        };
        const std::string prefix = path("tiled");
        auto first = runSceneTiles(job, 4, prefix, &feedback);
        QVERIFY(!first);
        QCOMPARE(QString::fromStdString(first.error()), QString(kCancelledMessage));
        QCOMPARE(int(made.size()), 2);  // the third tile saw the cancel before any strip

        Feedback again;
        cancelAfter = -1;
        made.clear();
        std::vector<int> progress;
        auto second = runSceneTiles(job, 4, prefix, &again,
                                    [&](int done, int total) { progress.push_back(done * 10 + total); });
        QVERIFY2(second, second ? "" : second.error().c_str());
        QCOMPARE(second->resumedTiles, 2);
        QCOMPARE(int(made.size()), 2);  // only the two unfinished tiles
        QCOMPARE(progress, (std::vector<int>{14, 24, 34, 44}));
        int w = 0, h = 0, w2 = 0, h2 = 0;
        for (int band : {1, 2})
            QVERIFY(sameValues(readBand(prefix + "_ramp.vrt", band, w, h),
                               readBand(path("single.tif"), band, w2, h2)));
        QCOMPARE(h, height_);

        // Nothing left to do; then a changed input redoes every tile.
        made.clear();
        auto third = runSceneTiles(job, 4, prefix);
        QVERIFY(third);
        QCOMPARE(third->resumedTiles, 4);
        QVERIFY(made.empty());
        job.inputs[1] = {"settings", "ramp v2", "2"};
        auto fourth = runSceneTiles(job, 4, prefix);
        QVERIFY(fourth);
        QCOMPARE(fourth->resumedTiles, 0);
        QCOMPARE(int(made.size()), 4);
        auto one = runSceneTile(job, prefix, SceneTile{3, 4});
        QVERIFY(one && one->alreadyComplete);
        QCOMPARE(one->rows.first, (SceneTile{3, 4}.rows(height_).first));
    }
};

QTEST_GUILESS_MAIN(SceneEngineTest)
#include "test_scene_engine.moc"
