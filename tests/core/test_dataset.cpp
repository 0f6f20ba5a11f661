// Normalisation, clustering, class-balanced sampling and the split file.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <set>

#include "TestRasters.h"
#include "base/DeterministicRandom.h"
#include "data/KMeans.h"
#include "data/MinMaxScaling.h"
#include "data/PairDataset.h"
#include "scene/DemoScene.h"

using namespace specres;
using namespace specres::test;

class DatasetTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    DemoScenePaths demo_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }

private slots:
    void initTestCase() {
        DemoSceneOptions options;
        options.width = 64;
        options.height = 48;
        auto scene = DemoScene::create(options);
        QVERIFY(scene);
        auto paths = scene->write(dir_.filePath("demo").toStdString());
        QVERIFY2(paths, paths.error().c_str());
        demo_ = *paths;
    }

    void minMaxScaling() {
        Eigen::MatrixXd spectra(3, 4);
        spectra << 0.2, 0.4, 0.3, 0.6,  //
            0.5, 0.5, 0.5, 0.5,         // flat
            1.0, 3.0, 2.0, 1.0;
        const MinMaxResult result = scaleMinMaxRows(spectra);
        QCOMPARE(result.rejectedFlat, std::int64_t(1));
        QCOMPARE(result.accepted, (std::vector<std::uint8_t>{1, 0, 1}));
        QCOMPARE(spectra(0, 0), 0.0);
        QCOMPARE(spectra(0, 1), 0.5);
        QCOMPARE(spectra(0, 3), 1.0);
        QCOMPARE(spectra(2, 2), 0.5);
        QCOMPARE(spectra(1, 0), 0.5);  // a rejected row is left as it was
    }

    void kMeansRecoversSeparatedClusters() {
        Eigen::MatrixXd points(300, 2);
        const double centres[3][2] = {{0, 0}, {10, 0}, {0, 10}};
        DeterministicRandom random(3);
        for (int i = 0; i < 300; ++i) {
            points(i, 0) = centres[i % 3][0] + 0.5 * random.normal();
            points(i, 1) = centres[i % 3][1] + 0.5 * random.normal();
        }
        KMeansOptions options;
        options.clusters = 3;
        auto result = kMeans(points, options);
        QVERIFY(result);
        QVERIFY(result->converged);
        for (int i = 3; i < 300; ++i) QCOMPARE(result->labels[i], result->labels[i % 3]);
        std::set<int> distinct(result->labels.begin(), result->labels.end());
        QCOMPARE(distinct.size(), std::size_t(3));
        for (int c = 0; c < 3; ++c) {
            const Eigen::RowVector2d centroid = result->centroids.row(result->labels[c]);
            QVERIFY((centroid - Eigen::RowVector2d(centres[c][0], centres[c][1])).norm() < 0.2);
        }
    }

    void balancedSamplingFillsSmallClassesFirst() {
        PixelSurvey survey;
        survey.classCount = 3;
        for (int i = 0; i < 205; ++i) {
            survey.usablePixels.push_back(i);
            survey.classOf.push_back(i < 5 ? 0 : (i < 105 ? 1 : 2));
        }
        const auto sample = sampleClassBalanced(survey, 60, 1);
        QCOMPARE(sample.size(), std::size_t(60));
        int perClass[3] = {0, 0, 0};
        for (auto p : sample) ++perClass[p < 5 ? 0 : (p < 105 ? 1 : 2)];
        QCOMPARE(perClass[0], 5);  // all it has
        QVERIFY(std::abs(perClass[1] - perClass[2]) <= 1);
        std::set<std::int64_t> unique(sample.begin(), sample.end());
        QCOMPARE(unique.size(), sample.size());
        QCOMPARE(sampleClassBalanced(survey, 60, 1), sample);  // seeded
        QVERIFY(sampleClassBalanced(survey, 60, 2) != sample);
        QCOMPARE(sampleClassBalanced(survey, 1000, 1).size(), std::size_t(205));
    }

    void splitJsonRoundTrip() {
        PixelSplit split{10, 5, {1, 2, 3}, {4}, {49, 0}};
        QVERIFY(savePixelSplit(split, path("split.json")));
        auto loaded = loadPixelSplit(path("split.json"));
        QVERIFY2(loaded, loaded.error().c_str());
        QVERIFY(*loaded == split);
        std::ifstream in(path("split.json"));
        std::string text((std::istreambuf_iterator<char>(in)), {});
        QVERIFY(QString::fromStdString(text).contains("\"validation\":[4]"));
    }

    void splitFileErrors_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << "{width: 3"
                                  << "not valid JSON";
        QTest::newRow("missing key") << R"({"width":2,"height":2,"train":[0],"test":[]})"
                                     << "missing \"validation\"";
        QTest::newRow("outside")
            << R"({"width":2,"height":2,"train":[4],"validation":[],"test":[]})"
            << "outside the 2 × 2 grid";
        QTest::newRow("duplicate")
            << R"({"width":2,"height":2,"train":[1],"validation":[1],"test":[]})"
            << "more than once";
        QTest::newRow("wrong type")
            << R"({"width":"2","height":2,"train":[1],"validation":[],"test":[]})"
            << "\"width\" must be a whole number";
        QTest::newRow("fractional index")
            << R"({"width":2,"height":2,"train":[1.5],"validation":[],"test":[]})"
            << "\"train\" must list whole pixel indices (found 1.5)";
        QTest::newRow("not a list")
            << R"({"width":2,"height":2,"train":[1],"validation":{},"test":[]})"
            << "\"validation\" must be a list";
        QTest::newRow("no train")
            << R"({"width":2,"height":2,"train":[],"validation":[1],"test":[]})"
            << "no training pixels";
    }
    void splitFileErrors() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        std::ofstream(path("bad.json")) << json.toStdString();
        auto loaded = loadPixelSplit(path("bad.json"));
        QVERIFY(!loaded);
        QVERIFY2(QString::fromStdString(loaded.error()).contains(expected), loaded.error().c_str());
        QVERIFY(QString::fromStdString(loaded.error()).contains("bad.json"));
    }

    void splitOfTheDemoScene() {
        auto pair = RasterPair::open(demo_.high, demo_.low);
        QVERIFY2(pair, pair.error().c_str());
        DatasetOptions options;
        options.sampleCount = 1000;
        PixelSurvey survey;
        auto split = buildPixelSplit(*pair, options, nullptr, &survey);
        QVERIFY2(split, split.error().c_str());
        QCOMPARE(split->train.size(), std::size_t(500));
        QCOMPARE(split->validation.size(), std::size_t(250));
        QCOMPARE(split->test.size(), std::size_t(250));
        QVERIFY(validate(*split, "split"));
        QCOMPARE(survey.usablePixels.size(), std::size_t(64 * 48));
        QCOMPARE(survey.classCount, 10);
        auto again = buildPixelSplit(*pair, options);
        QVERIFY(*again == *split);
        options.seed = 43;
        QVERIFY(!(*buildPixelSplit(*pair, options) == *split));
    }

    void classMapDrivesBalancing() {
        auto pair = RasterPair::open(demo_.high, demo_.low);
        QVERIFY(pair);
        DatasetOptions options;
        options.sampleCount = 400;
        options.classMapPath = demo_.minerals;
        PixelSurvey survey;
        auto split = buildPixelSplit(*pair, options, nullptr, &survey);
        QVERIFY2(split, split.error().c_str());
        QVERIFY(survey.classCount >= 2);
        std::int64_t total = 0;
        for (auto size : survey.classSizes()) total += size;
        QCOMPARE(total, std::int64_t(64 * 48));
        RasterSpec wrongSize;
        wrongSize.width = 10;
        wrongSize.height = 10;
        wrongSize.bands = 1;
        QVERIFY(writeRaster(path("classes.tif"), wrongSize));
        options.classMapPath = path("classes.tif");
        auto refused = buildPixelSplit(*pair, options);
        QVERIFY(!refused);
        QVERIFY(QString::fromStdString(refused.error()).contains("classes.tif"));
    }

    void readsTheSpectraOfChosenPixels() {
        auto pair = RasterPair::open(demo_.high, demo_.low);
        QVERIFY(pair);
        const std::vector<std::int64_t> pixels = {64 * 47 + 63, 5, 64 * 10 + 3};
        auto spectra = readPairedSpectra(*pair, pixels);
        QVERIFY2(spectra, spectra.error().c_str());
        for (std::size_t i = 0; i < pixels.size(); ++i) {
            const int column = int(pixels[i] % 64), row = int(pixels[i] / 64);
            auto high = pair->high().read(column, row, 1, 1);
            auto low = pair->low().read(column, row, 1, 1);
            QCOMPARE(Eigen::VectorXd(spectra->high.row(i).transpose()),
                     Eigen::VectorXd(high->values.row(0).transpose()));
            QCOMPARE(Eigen::VectorXd(spectra->low.row(i).transpose()),
                     Eigen::VectorXd(low->values.row(0).transpose()));
        }
        auto differences = readNeighbourDifferences(pair->high(), pixels);
        QVERIFY(differences);
        QCOMPARE(differences->rows(), Eigen::Index(3));
        QVERIFY(!readPairedSpectra(*pair, {64 * 48}));
    }

    void allNodataPairIsRefusedWithCounts() {
        RasterSpec spec;
        spec.width = 8;
        spec.height = 8;
        spec.bands = 3;
        spec.nodata = -1;
        spec.value = [](int, int, int) { return -1.0; };
        spec.bandMetadata = wavelengthMetadata({2.1, 2.2, 2.3}, "um");
        QVERIFY(writeRaster(path("empty_high.tif"), spec));
        spec.bandMetadata = wavelengthMetadata({2.165, 2.205, 2.26}, "um");
        QVERIFY(writeRaster(path("empty_low.tif"), spec));
        auto pair = RasterPair::open(path("empty_high.tif"), path("empty_low.tif"));
        QVERIFY(pair);
        auto split = buildPixelSplit(*pair, DatasetOptions{});
        QVERIFY(!split);
        const QString message = QString::fromStdString(split.error());
        QVERIFY(message.contains("no usable pixel pairs"));
        QVERIFY(message.contains("empty_high.tif"));
        QVERIFY(message.contains("every pixel is masked"));
    }

    void cancellationStopsTheSurvey() {
        auto pair = RasterPair::open(demo_.high, demo_.low);
        Feedback feedback;
        feedback.cancel();
        auto split = buildPixelSplit(*pair, DatasetOptions{}, &feedback);
        QVERIFY(!split);
        QVERIFY(QString::fromStdString(split.error()).contains("cancelled"));
    }
};

QTEST_GUILESS_MAIN(DatasetTest)
#include "test_dataset.moc"
