// Same input, same output, however the work is cut: a pixel's predicted maps and mineral maps are
// the same bits in the whole scene and in tiles of any count (ones that cut a chunk included), at
// one and two OpenMP threads and at one and two OpenBLAS threads; a network's training gives the
// same weights at one and two threads, and its scoring the same numbers at any BLAS thread count.
// Everything that can vary is varied inside this one process, so the test fails on any machine
// where the result depends on it, whatever BLAS kernels that machine runs.
#include <gdal_priv.h>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <functional>
#include <future>
#include <memory>
#include <thread>

#include "TestRasters.h"
#include "base/BlasThreads.h"
#include "base/ProcessMemory.h"
#include "data/PairDataset.h"
#include "data/PixelSplit.h"
#include "experiment/PreparedData.h"
#include "identify/MineralToolkit.h"
#include "identify/SpectralLibrary.h"
#include "maps/SceneIdentification.h"
#include "maps/ScenePrediction.h"
#include "maps/SceneTile.h"
#include "neural/ModelRegistry.h"

using namespace specres;
using namespace specres::test;

namespace {

// Every band of a raster as raw bytes (pixel-interleaved float32 or byte, as stored).
std::vector<unsigned char> rasterBytes(const std::string& path) {
    std::unique_ptr<GDALDataset> d(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!d) return {};
    const GDALDataType type = d->GetRasterBand(1)->GetRasterDataType();
    const int size = GDALGetDataTypeSizeBytes(type);
    const int w = d->GetRasterXSize(), h = d->GetRasterYSize(), n = d->GetRasterCount();
    std::vector<unsigned char> out(std::size_t(w) * h * n * size);
    if (d->RasterIO(GF_Read, 0, 0, w, h, out.data(), w, h, type, n, nullptr, size * n,
                    std::int64_t(size) * n * w, size, nullptr) != CE_None)
        return {};
    return out;
}

// A scene's rows gathered from its tiles' maps, in order.
std::vector<unsigned char> gathered(const std::vector<std::string>& tiles) {
    std::vector<unsigned char> out;
    for (const std::string& t : tiles) {
        const auto part = rasterBytes(t);
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

// One way of cutting the work: the tile count, OpenMP threads and OpenBLAS threads.
struct Route {
    int tiles;
    int threads;
    int blas;
    QString name() const {
        return QString("%1 tile(s), %2 thread(s), %3 BLAS thread(s)")
            .arg(tiles)
            .arg(threads)
            .arg(blas);
    }
};

const std::vector<Route>& routes() {
    // 41 rows: 3 and 7 tiles cut the scene where no chunk or strip of the whole run ends.
    static const std::vector<Route> r = {{1, 2, 2}, {1, 1, 1}, {3, 1, 2}, {7, 2, 1}, {2, 2, 2}};
    return r;
}

}  // namespace

class InvarianceTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::optional<DemoPair> demo_;
    std::optional<PreparedData> data_;
    int previousBlas_ = 0;

    std::string path(const std::string& name) {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

    std::shared_ptr<ConditionalModel> train(const std::string& method, CovarianceType type,
                                            const nlohmann::json& config) {
        auto model = createModel(method, type, config);
        if (!model) return nullptr;
        std::shared_ptr<ConditionalModel> shared(std::move(*model));
        if (!shared->fit(data_->train, data_->validation, nullptr)) return nullptr;
        return shared;
    }

    void useRoute(const Route& route) {
        setThreadBudget(route.threads);
        setBlasThreads(route.blas);
    }

    // Runs `runTile(prefix, rows)` over every route's tiles, and compares each map gathered from
    // a route's tiles with the first route's, byte for byte. `name` keeps the routes' files apart.
    void compareRoutes(const std::string& name, const std::vector<std::string>& maps,
                       const std::function<std::string(const std::string&, SceneRows)>& runTile) {
        std::vector<std::vector<unsigned char>> reference;
        for (const Route& route : routes()) {
            useRoute(route);
            const std::string base = path(name + "-" + std::to_string(route.tiles) + "-" +
                                          std::to_string(route.threads) +
                                          std::to_string(route.blas));
            std::vector<std::vector<std::string>> tiles(maps.size());
            for (int k = 1; k <= route.tiles; ++k) {
                const SceneTile tile{k, route.tiles};
                const std::string prefix = tile.prefix(base);
                const std::string error = runTile(prefix, tile.rows(demo_->pair->low().height()));
                QVERIFY2(error.empty(), error.c_str());
                for (std::size_t m = 0; m < maps.size(); ++m) tiles[m].push_back(prefix + maps[m]);
            }
            for (std::size_t m = 0; m < maps.size(); ++m) {
                const auto bytes = gathered(tiles[m]);
                QVERIFY2(!bytes.empty(), maps[m].c_str());
                if (reference.size() < maps.size()) {
                    reference.push_back(bytes);
                    continue;
                }
                QVERIFY2(bytes == reference[m],
                         qPrintable(QString::fromStdString(name + maps[m]) + ": " + route.name() +
                                    " differs from " + routes().front().name()));
            }
        }
    }

private slots:
    void freedMemoryIsKeptForTheNextAllocation() {
        // What the CLI and the GUI set before they train: a large block freed stays in the heap
        // (glibc's defaults map it and unmap it, or trim it off the heap's top, so that the next
        // one faults its pages in again).
#if defined(__GLIBC__)
        keepFreedMemoryForReuse();
        const std::size_t size = std::size_t(16) << 20;
        char* block = static_cast<char*>(std::malloc(size));
        QVERIFY(block);
        std::memset(block, 1, size);
        std::free(block);
        QVERIFY2(mallinfo2().fordblks >= size,
                 qPrintable(QString("%1 bytes kept").arg(mallinfo2().fordblks)));
#else
        QSKIP("the C library is not glibc");
#endif
    }

    void initTestCase() {
        previousBlas_ = blasThreads();
        auto demo = writeDemoPair(path("demo"), 37, 41);
        QVERIFY2(demo, demo ? "" : demo.error().c_str());
        demo_ = std::move(*demo);
        DatasetOptions options;
        options.sampleCount = 600;
        auto split = buildPixelSplit(*demo_->pair, options);
        QVERIFY(split);
        auto data = prepareData(*demo_->pair, *split, PreprocessingOptions{false});
        QVERIFY(data);
        data_ = std::move(*data);
    }

    void cleanupTestCase() {
        setThreadBudget(0);
        if (previousBlas_ > 0) setBlasThreads(previousBlas_);
    }

    // Single-threaded BLAS scopes on two threads that overlap (training beside a click's
    // inspection) restore the thread count once both have ended, whatever order they end in;
    // scopes that saved and restored one by one left it at 1 for good when the first to begin
    // ended first.
    void overlappingSingleThreadedScopesRestoreTheCount() {
        if (blasThreads() == 0) QSKIP("the BLAS is not OpenBLAS");
        setBlasThreads(2);
        auto first = std::make_unique<SingleThreadedBlas>();
        QCOMPARE(blasThreads(), 1);
        std::promise<void> secondBegan, firstEnded;
        std::thread other([&] {
            const SingleThreadedBlas second;
            secondBegan.set_value();
            firstEnded.get_future().wait();
        });
        secondBegan.get_future().wait();
        first.reset();
        QCOMPARE(blasThreads(), 1);  // the other thread's scope is still open
        firstEnded.set_value();
        other.join();
        QCOMPARE(blasThreads(), 2);
        setBlasThreads(previousBlas_ > 0 ? previousBlas_ : 2);
    }

    void sceneMapsDoNotDependOnTilesOrThreads_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("covariance");
        QTest::newRow("DCGM/full") << "DCGM" << int(CovarianceType::Full);
        QTest::newRow("DCGM/diagonal") << "DCGM" << int(CovarianceType::Diagonal);
        QTest::newRow("G/full") << "G" << int(CovarianceType::Full);
        QTest::newRow("GM/full") << "GM" << int(CovarianceType::Full);
        QTest::newRow("UGM/full") << "UGM" << int(CovarianceType::Full);
        QTest::newRow("VE/diagonal") << "VE" << int(CovarianceType::Diagonal);
    }

    void sceneMapsDoNotDependOnTilesOrThreads() {
        QFETCH(QString, method);
        QFETCH(int, covariance);
        const nlohmann::json config = {{"hidden_layers", {32, 32}},
                                       {"max_epochs", 4},
                                       {"components", 3},
                                       {"restarts", 1}};
        nlohmann::json own = nlohmann::json::object();
        for (const auto& [key, value] : config.items()) {
            const bool neural = method == "DCGM" || method == "VE";
            const bool mixture = method == "GM" || method == "UGM";
            if ((neural && (key == "hidden_layers" || key == "max_epochs")) ||
                (mixture && (key == "components" || key == "restarts")))
                own[key] = value;
        }
        const auto conditional =
            train(method.toStdString(), CovarianceType(covariance), own);
        QVERIFY(conditional);
        const ReflectanceModel model(conditional, std::nullopt);
        const RasterPair& pair = *demo_->pair;
        const auto wavelengths = pair.high().wavelengthsUm();
        const std::vector<std::string> maps = {"_mean.tif", "_sigma.tif", "_uncertainty.tif",
                                               "_nll.tif", "_rmse.tif"};
        compareRoutes(method.toStdString() + "-" + std::to_string(covariance), maps,
                      [&](const std::string& prefix, SceneRows rows) {
                          auto files = predictScene(model, wavelengths, pair.low(), &pair.high(),
                                                    nullptr, prefix, nullptr, rows);
                          return files ? std::string() : files.error();
                      });
    }

    void mineralMapsDoNotDependOnTilesOrThreads() {
        const auto conditional =
            train("DCGM", CovarianceType::Full, {{"hidden_layers", {32, 32}}, {"max_epochs", 4}});
        QVERIFY(conditional);
        const ReflectanceModel model(conditional, std::nullopt);
        const RasterPair& pair = *demo_->pair;
        const ChannelSet high{pair.high().wavelengthsUm(), pair.high().fwhmUm()};
        const ChannelSet low{pair.low().wavelengthsUm(), pair.low().fwhmUm()};
        MatchOptions match;
        match.pairs = true;
        auto toolkit = buildMineralToolkit(demoSpectralLibrary(), high, low, match);
        QVERIFY2(toolkit, toolkit ? "" : toolkit.error().c_str());
        SceneIdentificationOptions options;
        options.lowLibrary = &(*toolkit)->lowLibrary;
        options.bandDepths = (*toolkit)->bandDepths;
        const std::vector<std::string> maps = {"_mineral.tif", "_probability.tif", "_pvalue.tif",
                                               "_pair_fraction.tif", "_band_depth.tif"};
        compareRoutes("identify", maps, [&](const std::string& prefix, SceneRows rows) {
            auto result = identifyScene(model, (*toolkit)->matcher, pair.low(), prefix, options,
                                        nullptr, rows);
            return result ? std::string() : result.error();
        });
    }

    void trainingAndScoringDoNotDependOnThreads_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("covariance");
        QTest::newRow("DCGM/full") << "DCGM" << int(CovarianceType::Full);
        QTest::newRow("VE/full") << "VE" << int(CovarianceType::Full);
    }

    void trainingAndScoringDoNotDependOnThreads() {
        // Training on one thread and on two (OMP_NUM_THREADS lifts the core kept for the
        // window), with OpenBLAS on one and on two threads: the same predictions, bit for bit.
        QFETCH(QString, method);
        QFETCH(int, covariance);
        const nlohmann::json config = {{"hidden_layers", {48, 48}}, {"max_epochs", 5}};
        std::optional<Eigen::MatrixXd> reference;
        const char* saved = std::getenv("OMP_NUM_THREADS");
        const std::string previous = saved ? saved : "";
        for (const Route& route : routes()) {
            useRoute(route);
            qputenv("OMP_NUM_THREADS", QByteArray::number(route.threads));
            const auto model = train(method.toStdString(), CovarianceType(covariance), config);
            if (saved) {
                qputenv("OMP_NUM_THREADS", QByteArray::fromStdString(previous));
            } else {
                qunsetenv("OMP_NUM_THREADS");
            }
            QVERIFY(model);
            const BatchPrediction p = model->predictBatch(data_->test.x, &data_->test.y);
            Eigen::MatrixXd summary(p.point.rows(), p.point.cols() + 1);
            summary << p.point,
                p.logDensity.size() ? Eigen::MatrixXd(p.logDensity)
                                    : Eigen::MatrixXd::Zero(p.point.rows(), 1);
            if (!reference) {
                reference = summary;
                continue;
            }
            QVERIFY2(summary.rows() == reference->rows() &&
                         std::memcmp(summary.data(), reference->data(),
                                     sizeof(double) * summary.size()) == 0,
                     qPrintable(method + ": " + route.name() + " differs from " +
                                routes().front().name() +
                                QString(" (largest difference %1)")
                                    .arg((summary - *reference).cwiseAbs().maxCoeff())));
        }
    }
};

QTEST_GUILESS_MAIN(InvarianceTest)
#include "test_invariance.moc"
