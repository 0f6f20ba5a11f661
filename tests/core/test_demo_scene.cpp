// The demo scene: deterministic, physically placed absorptions, consistent instruments.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>

#include "TestRasters.h"
#include "data/ContinuumRemoval.h"
#include "data/RasterPair.h"
#include "io/GeoTiffOutputs.h"
#include "io/SpectralRaster.h"
#include "scene/DemoScene.h"
#include "scene/MineralLibrary.h"
#include "io/SensorChannels.h"

using namespace specres;

namespace {
// Wavelength of the deepest continuum-removed absorption within 2.0–2.5 µm.
double deepestAbsorptionUm(const std::vector<double>& wavelengths,
                           const Eigen::VectorXd& spectrum) {
    std::vector<double> w;
    std::vector<double> r;
    for (std::size_t i = 0; i < wavelengths.size(); ++i) {
        if (wavelengths[i] >= 2.0 && wavelengths[i] <= 2.5) {
            w.push_back(wavelengths[i]);
            r.push_back(spectrum[i]);
        }
    }
    const Eigen::VectorXd removed =
        continuumRemoved(Eigen::Map<Eigen::VectorXd>(w.data(), w.size()),
                         Eigen::Map<Eigen::VectorXd>(r.data(), r.size()));
    Eigen::Index deepest;
    removed.minCoeff(&deepest);
    return w[deepest];
}
}  // namespace

class DemoSceneTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void eachMineralAbsorbsAtItsDiagnosticWavelength() {
        auto scene = DemoScene::create({});
        QVERIFY(scene);
        int checked = 0;
        for (std::size_t m = 0; m < scene->mineralNames().size(); ++m) {
            const double expected = scene->diagnosticUm()[m];
            if (std::isnan(expected)) continue;
            const double found =
                deepestAbsorptionUm(scene->highWavelengthsUm(), scene->pureHighSpectrum(int(m)));
            QVERIFY2(std::abs(found - expected) <= 0.010,
                     qPrintable(QString("%1: deepest absorption at %2 µm, expected %3 µm")
                                    .arg(QString::fromStdString(scene->mineralNames()[m]))
                                    .arg(found)
                                    .arg(expected)));
            ++checked;
        }
        QCOMPARE(checked, 7);
    }

    void continuumRemovalOfAKnownShape() {
        Eigen::VectorXd w = Eigen::VectorXd::LinSpaced(11, 2.0, 2.5);
        Eigen::VectorXd r = (0.5 + 0.2 * (w.array() - 2.0)).matrix();  // a straight continuum
        r[5] *= 0.6;                                                   // one absorption
        const Eigen::VectorXd removed = continuumRemoved(w, r);
        QVERIFY(std::abs(removed[5] - 0.6) < 1e-12);
        QVERIFY(std::abs(removed[0] - 1.0) < 1e-12 && std::abs(removed[10] - 1.0) < 1e-12);
    }

    void asterBandsAreBandPassAverages() {
        // Second route: integrate the mineral model directly over each ASTER band pass.
        auto scene = DemoScene::create({});
        QVERIFY(scene);
        const auto& mineral = cupriteMinerals()[0];
        const Eigen::VectorXd low = scene->pureLowSpectrum(0);
        const auto& bands = asterSwirBands();
        for (std::size_t b = 0; b < bands.size(); ++b) {
            const int steps = 4000;
            Eigen::VectorXd w =
                Eigen::VectorXd::LinSpaced(steps, bands[b].lowerUm, bands[b].upperUm);
            const double mean = mineral.reflectance(w).mean();
            QVERIFY2(
                std::abs(mean - low[b]) < 2e-4,
                qPrintable(QString("band %1: %2 vs %3").arg(bands[b].band).arg(mean).arg(low[b])));
        }
    }

    void abundancesAreFractions() {
        auto scene = DemoScene::create({});
        const Eigen::MatrixXd a = scene->abundances(17);
        QVERIFY((a.array() >= 0).all());
        QVERIFY(((a.rowwise().sum().array() - 1.0).abs() < 1e-12).all());
    }

    void sameSeedSameScene() {
        DemoSceneOptions options;
        options.width = 40;
        options.height = 30;
        const auto one = DemoScene::create(options)->write(dir_.filePath("a").toStdString());
        const auto two = DemoScene::create(options)->write(dir_.filePath("b").toStdString());
        options.seed = 2;
        const auto other = DemoScene::create(options)->write(dir_.filePath("c").toStdString());
        QVERIFY(one && two && other);
        for (auto member : {&DemoScenePaths::high, &DemoScenePaths::low}) {
            auto a = SpectralRaster::open((*one).*member);
            auto b = SpectralRaster::open((*two).*member);
            auto c = SpectralRaster::open((*other).*member);
            QVERIFY(a && b && c);
            const auto va = a->read(0, 0, a->width(), a->height())->values;
            QVERIFY(va == b->read(0, 0, b->width(), b->height())->values);
            QVERIFY((va - c->read(0, 0, c->width(), c->height())->values).cwiseAbs().maxCoeff() >
                    0.01);
        }
    }

    void writtenPairIsGeoreferencedAndConsistent() {
        DemoSceneOptions options;
        options.width = 50;  // odd low-resolution edge: 25 × 20 ASTER pixels
        options.height = 40;
        auto paths = DemoScene::create(options)->write(dir_.filePath("geo").toStdString());
        QVERIFY2(paths, paths.error().c_str());
        auto high = SpectralRaster::open(paths->high);
        auto low = SpectralRaster::open(paths->low);
        QVERIFY(high && low);
        QVERIFY(high->grid().georeferenced && low->grid().georeferenced);
        QVERIFY(QString::fromStdString(describeCrs(high->grid().crsWkt)).contains("32611"));
        QCOMPARE(low->grid().geoTransform[1], 2 * high->grid().geoTransform[1]);
        QCOMPARE(high->bandCount(), int(avirisNgSwirChannels().size()));
        QCOMPARE(low->bandCount(), 5);
        QCOMPARE(int(high->wavelengthSource()), int(WavelengthSource::GdalImageryDomain));
        // Paired on the high grid, each high pixel carries its ASTER pixel's values.
        auto pair = RasterPair::open(paths->high, paths->low);
        QVERIFY(pair);
        for (auto [c, r] : {std::pair{0, 0}, std::pair{7, 3}, std::pair{49, 39}}) {
            auto onHigh = pair->low().read(c, r, 1, 1);
            auto original = low->read(c / 2, r / 2, 1, 1);
            QCOMPARE(onHigh->values, original->values);
        }
        // Reflectance stays physical.
        auto all = high->read(0, 0, 50, 40);
        QVERIFY(all->values.minCoeff() > 0.0 && all->values.maxCoeff() < 1.0);
        QVERIFY(!std::filesystem::exists(std::filesystem::path(paths->high).string() + ".part"));
    }

    void usesLibrarySpectraWhenGiven() {
        if (!specres::test::haveSharedData())
            QSKIP("../shared/data is absent: no USGS library spectra");
        DemoSceneOptions options;
        options.libraryFolder = specres::test::sharedDataDir() + "/usgs_splib07_cuprite_minerals";
        auto scene = DemoScene::create(options);
        QVERIFY2(scene, scene.error().c_str());
        const auto& names = scene->mineralNames();
        const int kaolinite =
            int(std::find(names.begin(), names.end(), "Kaolinite") - names.begin());
        const double found =
            deepestAbsorptionUm(scene->highWavelengthsUm(), scene->pureHighSpectrum(kaolinite));
        QVERIFY2(std::abs(found - 2.206) <= 0.010,
                 qPrintable(QString("kaolinite at %1 µm").arg(found)));
        auto builtIn = DemoScene::create({});
        QVERIFY((builtIn->pureHighSpectrum(kaolinite) - scene->pureHighSpectrum(kaolinite)).norm() >
                0.01);
    }

    void outputsAppearTogetherOrNotAtAll() {
        const std::string a = dir_.filePath("a.tif").toStdString(),
                          b = dir_.filePath("b.tif").toStdString();
        {
            GeoTiffOutputs outputs;
            QVERIFY(outputs.create(a, 4, 4, 1, 6, {}));
            QVERIFY(outputs.create(b, 4, 4, 1, 6, {}));
            // Destroyed without commit, as after an error or a cancel.
        }
        QVERIFY(!std::filesystem::exists(a) && !std::filesystem::exists(b));
        for (const auto& entry : std::filesystem::directory_iterator(dir_.path().toStdString())) {
            QVERIFY2(entry.path().extension() != ".part", entry.path().c_str());
        }
        GeoTiffOutputs outputs;
        QVERIFY(outputs.create(a, 4, 4, 1, 6, {}));
        QVERIFY(outputs.create(b, 4, 4, 1, 6, {}));
        QVERIFY(outputs.commit());
        QVERIFY(std::filesystem::exists(a) && std::filesystem::exists(b));
    }

    void rejectsImpossibleSizes() {
        DemoSceneOptions options;
        options.width = 1;
        QVERIFY(!DemoScene::create(options));
    }
};

QTEST_GUILESS_MAIN(DemoSceneTest)
#include "test_demo_scene.moc"
