// Deterministic tiles of a scene prediction: K of N row blocks that cover the scene once, maps
// equal to the whole scene's rows, and manifests that tell a complete tile from a stale one.
#include <gdal_priv.h>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "TestRasters.h"
#include "data/PairDataset.h"
#include "data/PixelSplit.h"
#include "experiment/PreparedData.h"
#include "maps/ScenePrediction.h"
#include "maps/SceneTile.h"
#include "maps/TileMerge.h"
#include "models/MixtureBaselines.h"
#include "models/ReflectanceModel.h"

using namespace specres;
using namespace specres::test;

namespace {

std::vector<float> readAll(const std::string& path, int& width, int& height, int& bands,
                           std::array<double, 6>& transform) {
    std::unique_ptr<GDALDataset> d(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!d) return {};
    width = d->GetRasterXSize();
    height = d->GetRasterYSize();
    bands = d->GetRasterCount();
    d->GetGeoTransform(transform.data());
    std::vector<float> values(std::size_t(width) * height * bands);
    if (d->RasterIO(GF_Read, 0, 0, width, height, values.data(), width, height, GDT_Float32, bands,
                    nullptr, 4 * bands, 4 * bands * width, 4, nullptr) != CE_None)
        return {};
    return values;  // pixel-interleaved
}

}  // namespace

class SceneTilesTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const std::string& name) {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

private slots:
    void tilesCoverTheSceneOnceInOrder() {
        for (int height : {1, 7, 40, 1557}) {
            for (int count : {1, 2, 3, 4, 7}) {
                int next = 0;
                for (int k = 1; k <= count; ++k) {
                    const SceneRows rows = SceneTile{k, count}.rows(height);
                    QCOMPARE(rows.first, next);
                    QVERIFY(rows.count >= height / count && rows.count <= height / count + 1);
                    next += rows.count;
                }
                QCOMPARE(next, height);
            }
        }
        QCOMPARE(SceneTile({3, 12}).prefix("out/run"), std::string("out/run.tile-03-of-12"));
    }

    void tileArgumentsAreParsedOrRefusedByName() {
        QCOMPARE(parseSceneTile("2/4")->index, 2);
        QCOMPARE(parseSceneTile("4", "3")->index, 3);
        QCOMPARE(parseSceneTile("1/4", "4")->index, 4);  // the index given apart wins
        const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> bad = {
            {{"5/4", ""}, "tile 5 of 4 does not exist"},
            {{"0/4", ""}, "the tile number must be a whole number from 1"},
            {{"x/4", ""}, "not 'x'"},
            {{"2/0", ""}, "the number of tiles must be a whole number from 1"},
            {{"4", ""}, "give K/N"},
            {{"4", "seven"}, "not 'seven'"},
        };
        for (const auto& [input, message] : bad) {
            auto tile = parseSceneTile(input.first, input.second);
            QVERIFY2(!tile, input.first.c_str());
            QVERIFY2(tile.error().find(message) != std::string::npos, tile.error().c_str());
        }
    }

    void tileMapsAreTheSceneMapsRows() {
        auto demo = writeDemoPair(path("demo"), 30, 23);
        QVERIFY2(demo, demo ? "" : demo.error().c_str());
        const RasterPair& pair = *demo->pair;
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 500;
        auto split = buildPixelSplit(pair, datasetOptions);
        QVERIFY(split);
        auto data = prepareData(pair, *split, PreprocessingOptions{false});
        QVERIFY(data);
        auto g = std::make_shared<JointGaussianModel>(CovarianceType::Full, 1e-6);
        QVERIFY(g->fit(data->train, data->validation, nullptr));
        const ReflectanceModel model(g, std::nullopt);
        const auto wavelengths = pair.high().wavelengthsUm();
        auto whole =
            predictScene(model, wavelengths, pair.low(), &pair.high(), nullptr, path("whole"));
        QVERIFY2(whole, whole ? "" : whole.error().c_str());
        int w = 0, h = 0, n = 0;
        std::array<double, 6> t{};
        for (const char* map : {"_mean.tif", "_nll.tif"}) {
            const auto all = readAll(path("whole") + map, w, h, n, t);
            const auto sceneTransform = t;
            QCOMPARE(h, 23);
            for (int k = 1; k <= 3; ++k) {
                const SceneTile tile{k, 3};
                const SceneRows rows = tile.rows(23);
                const std::string prefix = tile.prefix(path("tiles"));
                if (std::string(map) == "_mean.tif") {
                    auto files = predictScene(model, wavelengths, pair.low(), &pair.high(), nullptr,
                                              prefix, nullptr, rows);
                    QVERIFY2(files, files ? "" : files.error().c_str());
                    TileManifest m;
                    m.tile = tile;
                    m.sceneWidth = 30;
                    m.sceneHeight = 23;
                    m.rows = rows;
                    m.inputs = {{"model", "g", "0123"}};
                    m.outputs = {files->mean, files->sigma, files->uncertainty, files->nll,
                                 files->rmse};
                    QVERIFY(writeTileManifest(prefix + ".json", m));
                }
                int tw = 0, th = 0, tn = 0;
                std::array<double, 6> tt{};
                const auto part = readAll(prefix + map, tw, th, tn, tt);
                QCOMPARE(th, rows.count);
                QCOMPARE(tn, n);
                // The tile sits where its rows are.
                QCOMPARE(tt[3], sceneTransform[3] + rows.first * sceneTransform[5]);
                for (std::size_t i = 0; i < part.size(); ++i) {
                    const float expected = all[std::size_t(rows.first) * w * n + i];
                    if (std::isnan(expected)) {
                        QVERIFY(std::isnan(part[i]));
                    } else {
                        QVERIFY2(std::abs(part[i] - expected) <= 1e-5f * (1 + std::abs(expected)),
                                 qPrintable(QString("%1 vs %2").arg(part[i]).arg(expected)));
                    }
                }
            }
        }
    }

    void mergedTilesAreTheSceneAndMissingOrStaleTilesAreNamed() {
        // The tiles written above (tileMapsAreTheSceneMapsRows runs first).
        for (bool cog : {false, true}) {
            auto merged = mergeTiles(path("tiles"), cog);
            QVERIFY2(merged, merged ? "" : merged.error().c_str());
            QCOMPARE(merged->tiles, 3);
            QCOMPARE(int(merged->products.size()), 5);
            for (const char* map : {"_mean", "_nll", "_uncertainty"}) {
                int w = 0, h = 0, n = 0, mw = 0, mh = 0, mn = 0;
                std::array<double, 6> t{}, mt{};
                const auto whole = readAll(path("whole") + map + ".tif", w, h, n, t);
                const auto joined =
                    readAll(path("tiles") + map + (cog ? ".tif" : ".vrt"), mw, mh, mn, mt);
                QCOMPARE(mh, h);
                QCOMPARE(mn, n);
                QCOMPARE(mt, t);
                for (std::size_t i = 0; i < whole.size(); ++i) {
                    QVERIFY(std::isnan(whole[i]) ? std::isnan(joined[i])
                                                 : std::abs(joined[i] - whole[i]) <=
                                                       1e-5f * (1 + std::abs(whole[i])));
                }
            }
        }
        // One manifest from other inputs, one missing: both named, nothing written.
        const std::string second = SceneTile{2, 3}.prefix(path("tiles")) + ".json";
        std::string text;
        {
            std::ifstream in(second);
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto at = text.find("0123");
        QVERIFY(at != std::string::npos);
        std::ofstream(second) << std::string(text).replace(at, 4, "4567");
        std::filesystem::remove(SceneTile{3, 3}.prefix(path("tiles")) + ".json");
        auto refused = mergeTiles(path("tiles"), false);
        QVERIFY(!refused);
        QVERIFY2(refused.error().find("tile 2 was made from other inputs") != std::string::npos,
                 refused.error().c_str());
        QVERIFY2(refused.error().find("tile 3 of 3 is missing") != std::string::npos,
                 refused.error().c_str());
        auto none = mergeTiles(path("nothing"), false);
        QVERIFY(!none);
        QVERIFY2(none.error().find("no tiles found") != std::string::npos, none.error().c_str());
    }

    void manifestsTellCompleteFromStale() {
        const std::string input = path("input.bin");
        std::ofstream(input) << "the model";
        const std::string output = path("t.tile-1-of-2_mean.tif");
        std::ofstream(output) << "a map";
        auto inputs = checksumInputs({{"model", input}});
        QVERIFY(inputs);
        TileManifest m;
        m.tile = {1, 2};
        m.sceneWidth = 4;
        m.sceneHeight = 20;
        m.rows = {0, 10};
        m.inputs = *inputs;
        m.outputs = {output};
        const std::string manifest = path("t.tile-1-of-2.json");
        std::string why;
        QVERIFY(!tileIsComplete(manifest, m.tile, *inputs, &why));
        QVERIFY(why.find("does not exist") != std::string::npos);
        QVERIFY(writeTileManifest(manifest, m));
        QVERIFY(tileIsComplete(manifest, m.tile, *inputs, &why));
        QVERIFY(!tileIsComplete(manifest, SceneTile{2, 2}, *inputs, &why));
        QVERIFY2(why.find("another tile") != std::string::npos, why.c_str());
        std::ofstream(input) << "the model, retrained";
        auto changed = checksumInputs({{"model", input}});
        QVERIFY(!tileIsComplete(manifest, m.tile, *changed, &why));
        QVERIFY2(why.find("the model ") != std::string::npos &&
                     why.find("has changed") != std::string::npos,
                 why.c_str());
        std::filesystem::remove(output);
        QVERIFY(!tileIsComplete(manifest, m.tile, *inputs, &why));
        QVERIFY2(why.find("is missing") != std::string::npos, why.c_str());
    }
};

QTEST_GUILESS_MAIN(SceneTilesTest)
#include "test_scene_tiles.moc"
